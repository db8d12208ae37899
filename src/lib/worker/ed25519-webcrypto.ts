// WebCrypto Ed25519 backend for the Web Worker (BUNDLE_FORMAT.md §7). Engines differ on edge cases
// (Chromium/BoringSSL does no small-order checks, WICG/webcrypto-secure-curves#27), which is why
// core/ed25519.ts `verify` runs the acceptance rule's prechecks first and this backend only does
// the cofactorless equation. Keys are imported once per signer and cached. Note that Chromium's
// subtle.verify runs on the calling thread, so call it from the worker, not the page.

import { probeBackend, type Ed25519Backend } from '../core/ed25519';
import type { KeyedBackend } from '../core/signature-batch';

/** Imported keys kept per backend, the oldest out first (bench/README.md: 1M cache sizes). */
const CACHE_MAX = 8192;
/** Slots the key cache starts with; it doubles up to CACHE_MAX as keys arrive. */
const CACHE_MIN = 256;
/**
 * A key is indexed within this many places of its home in the open-addressed index; a key that
 * finds no free place there (keys crafted to share one home) is verified but not found again, so
 * a lookup never walks more than this many places.
 */
const MAX_PROBE = 32;
/** Messages up to this length are handed to subtle.verify through a reused view (`check`). */
const SCRATCH_BYTES = 16384;
/** Distinct message lengths with a reused view; past this the views are made again. */
const SCRATCH_VIEWS_MAX = 4096;

/** The slice of SubtleCrypto this backend uses (structural, so it type-checks under DOM and Node). */
export interface SubtleEd25519 {
  importKey(format: 'raw', keyData: Uint8Array<ArrayBuffer>, algorithm: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(algorithm: 'Ed25519' | { name: 'Ed25519' }, key: never, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

type Key = Parameters<SubtleEd25519['verify']>[1];

function defaultSubtle(): SubtleEd25519 | undefined {
  return (globalThis as { crypto?: { subtle?: SubtleEd25519 } }).crypto?.subtle;
}

/** The first 30 bits of the key at b[o..]: a small integer, so finding a key's slot allocates nothing. */
function prefixOf(b: Uint8Array, o = 0): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | ((b[o + 3]! & 0x3f) << 24);
}

/** Whether a[ao, ao + 32) equals b[bo, bo + 32). */
function sameBytes(a: Uint8Array, ao: number, b: Uint8Array, bo: number): boolean {
  for (let i = 0; i < 32; i++) if (a[ao + i] !== b[bo + i]) return false;
  return true;
}

/** A key's home in an index of 2^bits places: its prefix, mixed (the prefix's low bits alone would do for honest keys). */
function homeOf(prefix: number, bits: number): number {
  return Math.imul(prefix, 0x9e3779b1) >>> (32 - bits);
}

/** A settled import: the CryptoKey (module-level, so an import makes no closure). */
function asKey(key: unknown): Key {
  return key as Key;
}

/** A failed import: null, and verifies under it are false. */
function asNull(): null {
  return null;
}

/**
 * The bytes as an ArrayBuffer-backed view: as they are when they already are (the pool's
 * transferred batches), else copied (WebCrypto rejects SharedArrayBuffer views).
 */
function own(b: Uint8Array): Uint8Array<ArrayBuffer> {
  if (b.buffer instanceof ArrayBuffer) return b as Uint8Array<ArrayBuffer>;
  const out = new Uint8Array(b.length);
  out.set(b);
  return out;
}

const ED25519 = { name: 'Ed25519' } as const;

/**
 * The WebCrypto backend; `importKeys` imports a batch's new keys concurrently before it is verified.
 * `keyed` is the same backend for core's verifyPackedKeyed (a signature worker's whole batch): each
 * distinct key of a batch is looked up (and imported) once, and an item's verify is one
 * `subtle.verify` call whose promise is handed back as it is.
 */
export type WebCryptoBackend = Ed25519Backend & { clearCache(): void; importKeys(pubs: readonly Uint8Array[]): Promise<void>; keyed: KeyedBackend<unknown> };

/** What a cache slot holds: the CryptoKey, null if its import failed, or the import while it runs. */
type Held = Key | null | Promise<Key | null>;

/** `cacheMax`: imported keys kept (default CACHE_MAX; tests use small caches). */
export function createWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle(), options: { cacheMax?: number } = {}): WebCryptoBackend {
  const cacheMax = options.cacheMax ?? CACHE_MAX;
  if (!Number.isInteger(cacheMax) || cacheMax < 1) throw new RangeError(`createWebCryptoBackend: cacheMax must be a positive integer, got ${cacheMax}`);
  const cacheMin = Math.min(CACHE_MIN, cacheMax);
  if (!subtle) throw new TypeError('createWebCryptoBackend: no SubtleCrypto in this environment');
  const api = subtle;
  // Imported keys: a settled key is used without another await (issue 7: per-item promise hops
  // were a visible share of the signature workers' CPU next to the ~43 µs verify itself). At most
  // cacheMax keys, the oldest out first, in flat columns: the bytes of slot s at keyBytes[32 s],
  // its 30-bit prefix, and what it holds. An open-addressed index (linear probing, places hold
  // slot + 1, 0 is free, at most half full) finds a key's slot by its prefix, confirmed on all 32
  // bytes. Nothing is allocated per key but the engine's import and its CryptoKey (issue 7, session
  // 8: a slot object, a copy of the key, its promise and closures per import were what the signature
  // workers' scavenges kept at 1M, ~135k imports per worker, and grew their new space to 16 MB).
  let size = cacheMin;
  let bits = 0;
  let keyBytes = new Uint8Array(0);
  let prefixes = new Int32Array(0);
  let index = new Int32Array(0);
  /** Per slot; undefined while the slot is free. */
  let held: (Held | undefined)[] = [];
  /** Per slot, the view of its bytes handed to importKey, made once per slot (each view handed to WebCrypto outlives young-generation GCs). */
  let views: (Uint8Array<ArrayBuffer> | undefined)[] = [];
  /** The slot the next import takes: the oldest once all CACHE_MAX are used. */
  let next = 0;
  const place = (s: number): void => {
    const mask = (1 << bits) - 1;
    for (let d = 0, i = homeOf(prefixes[s]!, bits); d < MAX_PROBE; d++, i = (i + 1) & mask) {
      if (index[i] === 0) {
        index[i] = s + 1;
        return;
      }
    }
  };
  const allocate = (n: number): void => {
    const old = { keyBytes, prefixes, held, used: next };
    size = n;
    bits = 1;
    while (1 << bits < 2 * n) bits++;
    keyBytes = new Uint8Array(32 * n);
    prefixes = new Int32Array(n);
    index = new Int32Array(1 << bits);
    held = new Array<Held | undefined>(n).fill(undefined);
    views = new Array<Uint8Array<ArrayBuffer> | undefined>(n).fill(undefined);
    keyBytes.set(old.keyBytes.subarray(0, 32 * old.used));
    for (let s = 0; s < old.used; s++) {
      prefixes[s] = old.prefixes[s]!;
      held[s] = old.held[s];
      place(s);
    }
  };
  allocate(cacheMin);
  /** The slot of the key at pub[o, o + 32), or -1. */
  const find = (pub: Uint8Array, o: number): number => {
    const p = prefixOf(pub, o);
    const mask = (1 << bits) - 1;
    for (let d = 0, i = homeOf(p, bits); d < MAX_PROBE; d++, i = (i + 1) & mask) {
      const e = index[i]!;
      if (e === 0) return -1;
      if (prefixes[e - 1] === p && sameBytes(keyBytes, 32 * (e - 1), pub, o)) return e - 1;
    }
    return -1;
  };
  /** Take slot s out of the index (backward-shift deletion: the places after it move up, none is marked deleted). */
  const unindex = (s: number): void => {
    const mask = (1 << bits) - 1;
    let i = homeOf(prefixes[s]!, bits);
    for (let d = 0; index[i] !== s + 1; d++, i = (i + 1) & mask) if (index[i] === 0 || d + 1 >= MAX_PROBE) return; // never indexed
    index[i] = 0;
    for (let j = (i + 1) & mask; index[j] !== 0; j = (j + 1) & mask) {
      // the key at j stays when its home lies in (i, j], else it moves up to i
      if (((j - homeOf(prefixes[index[j]! - 1]!, bits)) & mask) < ((j - i) & mask)) continue;
      index[i] = index[j]!;
      index[j] = 0;
      i = j;
    }
  };
  /** Import the key at pub[o, o + 32) into the next slot (the oldest key out); returns the slot. */
  const importKey = (pub: Uint8Array, o: number): number => {
    if (next === size && size < cacheMax) allocate(Math.min(cacheMax, 2 * size));
    if (next === size) next = 0;
    const s = next++;
    if (held[s] !== undefined) unindex(s);
    const at = 32 * s;
    for (let i = 0; i < 32; i++) keyBytes[at + i] = pub[o + i]!; // the caller's buffer may be reused
    prefixes[s] = prefixOf(keyBytes, at);
    const view = (views[s] ??= keyBytes.subarray(at, at + 32) as Uint8Array<ArrayBuffer>);
    held[s] = api.importKey('raw', view, ED25519, false, ['verify']).then(asKey, asNull);
    place(s);
    return s;
  };
  /** Slot s's key once its import has settled; `wait` is what the slot held when looked up. */
  const settle = async (s: number, wait: Promise<Key | null>): Promise<Key | null> => {
    const key = await wait;
    if (held[s] === wait) held[s] = key;
    return key;
  };
  // The bytes go to subtle.verify in views made once and reused (issue 7, session 6): in Chromium
  // a view passed to a WebCrypto method gets a Blink wrapper, which keeps it alive through every
  // young-generation GC until a full one, so two fresh views per item were most of what a signature
  // worker's scavenges kept and promoted. WebCrypto copies the bytes when called (verify, step 4);
  // still, the scratch views are taken only while no other verify holds them (a caller that does not
  // await each verdict gets fresh views), and released when the verdict settles.
  const sigScratch = new Uint8Array(64);
  const msgScratch = new ArrayBuffer(SCRATCH_BYTES);
  const msgViews = new Map<number, Uint8Array<ArrayBuffer>>(); // one view per message length
  let scratchBusy = false;
  const release = (ok: boolean): boolean => {
    scratchBusy = false;
    return ok;
  };
  const releaseRejected = (): boolean => {
    scratchBusy = false;
    return false;
  };
  const check = (key: Key | null, msg: Uint8Array, sig: Uint8Array): Promise<boolean> | boolean => {
    if (key === null) return false;
    try {
      if (scratchBusy || msg.length > SCRATCH_BYTES) return api.verify(ED25519, key as never, own(sig), own(msg));
      let m = msgViews.get(msg.length);
      if (m === undefined) {
        if (msgViews.size >= SCRATCH_VIEWS_MAX) msgViews.clear();
        msgViews.set(msg.length, (m = new Uint8Array(msgScratch, 0, msg.length)));
      }
      m.set(msg);
      sigScratch.set(sig);
      const verdict = api.verify(ED25519, key as never, sigScratch, m);
      scratchBusy = true;
      return verdict.then(release, releaseRejected);
    } catch {
      return false;
    }
  };
  // The keyed form (verifyPackedKeyed): its caller awaits each verdict before the next call and
  // passes the signature in one buffer it reuses, so the message goes through a reused view of its
  // own scratch and the promise goes back without a `.then` (issue 7, session 7: the promise layers
  // per item, check's `.then`, core verify's `.then` and verifyPacked's `await` of them, were what
  // each scavenge of a signature worker still kept). A message over SCRATCH_BYTES is passed as it is.
  // The algorithm is named by its string, the same AlgorithmIdentifier as { name: 'Ed25519' }
  // (WebCrypto §18.4 normalizes a string to that dictionary), with no dictionary to read per call
  // (Chromium, a verify that fails its length check at once: ~4.0 -> ~3.6 µs a call).
  const keyedScratch = new ArrayBuffer(SCRATCH_BYTES);
  const keyedViews = new Map<number, Uint8Array<ArrayBuffer>>();
  const keyed: KeyedBackend<Key> = {
    async handles(keys: Uint8Array): Promise<(Key | null)[]> {
      // All of a batch's new keys are imported concurrently, then awaited (a failed import is null).
      const n = keys.length >>> 5;
      const out = new Array<Key | null>(n).fill(null);
      let waiting: number[] | null = null; // pairs: the key's place in `keys`, its slot
      let waits: Promise<Key | null>[] | null = null;
      for (let k = 0; k < n; k++) {
        let s = find(keys, 32 * k);
        if (s < 0) s = importKey(keys, 32 * k);
        const h = held[s]!;
        if (!(h instanceof Promise)) out[k] = h;
        else {
          (waiting ??= []).push(k, s);
          (waits ??= []).push(h);
        }
      }
      if (waits !== null) for (let j = 0; j < waits.length; j++) out[waiting![2 * j]!] = await settle(waiting![2 * j + 1]!, waits[j]!);
      return out;
    },
    verify(key: Key, msg: Uint8Array, sig: Uint8Array): Promise<boolean> {
      if (msg.length > SCRATCH_BYTES) return api.verify('Ed25519', key as never, own(sig), own(msg));
      let m = keyedViews.get(msg.length);
      if (m === undefined) {
        if (keyedViews.size >= SCRATCH_VIEWS_MAX) keyedViews.clear();
        keyedViews.set(msg.length, (m = new Uint8Array(keyedScratch, 0, msg.length)));
      }
      m.set(msg);
      return api.verify('Ed25519', key as never, own(sig), m);
    }
  };
  return {
    name: 'webcrypto',
    keyed: keyed as KeyedBackend<unknown>,
    verifyRaw(pub: Uint8Array, msg: Uint8Array, sig: Uint8Array): Promise<boolean> | boolean {
      if (pub.length !== 32 || sig.length !== 64) return false;
      let s = find(pub, 0);
      if (s < 0) s = importKey(pub, 0);
      const h = held[s]!;
      if (!(h instanceof Promise)) return check(h, msg, sig);
      return settle(s, h).then((k) => check(k, msg, sig));
    },
    clearCache(): void {
      next = 0;
      allocate(cacheMin);
    },
    // One await for all of a batch's new keys instead of one round trip per new key on the
    // verify path (the first batches of a ledger bring hundreds of keys). Failures are cached as
    // null and reported by verifyRaw as a rejection, as before.
    async importKeys(pubs: readonly Uint8Array[]): Promise<void> {
      const waits: Promise<unknown>[] = [];
      for (const pub of pubs) {
        if (pub.length !== 32) continue;
        let s = find(pub, 0);
        if (s < 0) s = importKey(pub, 0);
        const h = held[s]!;
        if (h instanceof Promise) waits.push(settle(s, h));
      }
      if (waits.length > 0) await Promise.all(waits);
    }
  };
}

/**
 * The WebCrypto backend if this engine has Ed25519 and passes the known-answer probe, else null
 * (callers then use core's pureBackend).
 */
export async function detectWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle()): Promise<WebCryptoBackend | null> {
  if (!subtle) return null;
  const backend = createWebCryptoBackend(subtle);
  return (await probeBackend(backend)) ? backend : null;
}
