// WebCrypto Ed25519 backend for the Web Worker (BUNDLE_FORMAT.md §7). Engines differ on edge cases
// (Chromium/BoringSSL does no small-order checks, WICG/webcrypto-secure-curves#27), which is why
// core/ed25519.ts `verify` runs the acceptance rule's prechecks first and this backend only does
// the cofactorless equation. Keys are imported once per signer and cached. Note that Chromium's
// subtle.verify runs on the calling thread, so call it from the worker, not the page.

import { probeBackend, type Ed25519Backend } from '../core/ed25519';
import type { KeyedBackend } from '../core/signature-batch';

const CACHE_MAX = 8192;
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

/** A map key for the 32 bytes of `b` from `o`: one char per byte (only for keys whose prefix another key holds). */
function idOf(b: Uint8Array, o = 0): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += String.fromCharCode(b[o + i]!);
  return s;
}

/** The first 30 bits of the key at b[o..]: a small integer, so finding a key's slot allocates nothing. */
function prefixOf(b: Uint8Array, o = 0): number {
  return b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | ((b[o + 3]! & 0x3f) << 24);
}

/** Whether the 32 bytes of `a` equal those of `b` from `o`. */
function sameBytes(a: Uint8Array, b: Uint8Array, o = 0): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[o + i]) return false;
  return true;
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

/** One imported key (or one being imported): `key` is undefined until `wait` settles, null if the import failed. */
interface Slot {
  readonly pub: Uint8Array;
  readonly wait: Promise<Key | null>;
  key: Key | null | undefined;
  /** Set when the slot is in the string map (its prefix was taken by another key). */
  id: string | undefined;
}

export function createWebCryptoBackend(subtle: SubtleEd25519 | undefined = defaultSubtle()): WebCryptoBackend {
  if (!subtle) throw new TypeError('createWebCryptoBackend: no SubtleCrypto in this environment');
  const api = subtle;
  // Imported keys: a settled key is used without another await (issue 7: per-item promise hops
  // were a visible share of the signature workers' CPU next to the ~43 µs verify itself). A key is
  // found by its 30-bit prefix and confirmed on all 32 bytes, so the verify path builds no string
  // per item (issue 7, session 6); a key whose prefix another key holds goes to a string map.
  // At most CACHE_MAX keys, the oldest out first.
  const byPrefix = new Map<number, Slot>();
  const collided = new Map<string, Slot>();
  const order: Slot[] = [];
  let oldest = 0;
  /** The slot of the key at pub[o, o + 32). */
  const find = (pub: Uint8Array, o = 0): Slot | undefined => {
    const s = byPrefix.get(prefixOf(pub, o));
    if (s !== undefined && sameBytes(s.pub, pub, o)) return s;
    return collided.size === 0 ? undefined : collided.get(idOf(pub, o));
  };
  const evict = (s: Slot): void => {
    if (s.id !== undefined) collided.delete(s.id);
    else if (byPrefix.get(prefixOf(s.pub)) === s) byPrefix.delete(prefixOf(s.pub));
  };
  const importKey = (pub: Uint8Array): Slot => {
    const copy = pub.slice(); // the caller's buffer may be reused; the slot keeps its own bytes
    const wait = api.importKey('raw', copy, ED25519, false, ['verify']).then(
      (key) => key as Key,
      () => null
    );
    const prefix = prefixOf(copy);
    const id = byPrefix.has(prefix) ? idOf(copy) : undefined;
    const s: Slot = { pub: copy, wait, key: undefined, id };
    if (id === undefined) byPrefix.set(prefix, s);
    else collided.set(id, s);
    if (order.length < CACHE_MAX) order.push(s);
    else {
      evict(order[oldest]!);
      order[oldest] = s;
      oldest = (oldest + 1) % CACHE_MAX;
    }
    void wait.then((key) => {
      s.key = key;
    });
    return s;
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
      const slots: Slot[] = [];
      for (let o = 0; o + 32 <= keys.length; o += 32) slots.push(find(keys, o) ?? importKey(keys.subarray(o, o + 32)));
      const out: (Key | null)[] = [];
      for (const s of slots) out.push(s.key !== undefined ? s.key : await s.wait);
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
      const s = find(pub) ?? importKey(pub);
      if (s.key !== undefined) return check(s.key, msg, sig);
      return s.wait.then((k) => check(k, msg, sig));
    },
    clearCache(): void {
      byPrefix.clear();
      collided.clear();
      order.length = 0;
      oldest = 0;
    },
    // One await for all of a batch's new keys instead of one round trip per new key on the
    // verify path (the first batches of a ledger bring hundreds of keys). Failures are cached as
    // null and reported by verifyRaw as a rejection, as before.
    async importKeys(pubs: readonly Uint8Array[]): Promise<void> {
      const waits: Promise<unknown>[] = [];
      for (const pub of pubs) {
        if (pub.length !== 32) continue;
        const s = find(pub) ?? importKey(pub);
        if (s.key === undefined) waits.push(s.wait);
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
