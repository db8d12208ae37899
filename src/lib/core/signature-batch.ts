// Bulk Ed25519 verification for worker pools (issue 7): the wire form of a batch of (key, message,
// signature) triples and the scheduler that spreads batches over N verifier endpoints (Web Workers
// in the browser, worker_threads in the CLI). Pure: the endpoints are passed in, so this module
// knows nothing of workers, and the browser and CLI pools share one packing format and one
// scheduling rule.
//
// Verdicts are exactly those of the single-thread rule (BUNDLE_FORMAT.md §7): the pool only decides
// *where* each triple is checked, never *how*. Results come back in item order, so a verifier that
// walks them in seq order reports the same first failure as one that verified inline.

import { fromBase64, fromUtf8 } from './bytes';
import { checkSubjectKey, precheck } from './ed25519';
import { pureSha256Backend, sha256, sha256Backend } from './hash';
import { leafHash } from './merkle';
import { sha256LeafInto, sha256RangeInto } from './sha256-oneshot';

/** One signature check: Ed25519 public key A (32 bytes), message, signature R || S (64 bytes). */
export interface SignatureItem {
  key: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

/**
 * An event's signature check plus its line (docs/BUNDLE_FORMAT.md §4–§5): the worker that checks the
 * signature also computes the event id SHA-256(msg) and the log leaf hash SHA-256(0x00 ‖ line), so
 * the ordered pass does not (issue 7: the two hashes were ~13 % of it on a 100k ledger).
 */
export interface EventSignatureItem extends SignatureItem {
  line: Uint8Array;
}

/** Per item: 32 bytes event id, then 32 bytes leaf hash. */
export const DIGEST_BYTES = 64;

/**
 * A batch in transferable form: four flat buffers instead of thousands of small arrays, so one
 * postMessage moves it with zero copies. Keys are deduplicated (a segment has far fewer signers
 * than events), which also lets the receiving worker resolve each key's cached handle once.
 */
export interface PackedSignatures {
  count: number;
  /** 32 bytes per distinct key. */
  keys: Uint8Array;
  /** Per item: index into `keys`, or MALFORMED when the key or signature has the wrong length. */
  keyIndex: Uint32Array;
  /** 64 bytes per item (zeros for MALFORMED items). */
  sigs: Uint8Array;
  /** Per item: end offset of its message in `msgs` (the start is the previous item's end). */
  msgEnds: Uint32Array;
  msgs: Uint8Array;
  /** Event batches only: the lines to hash (end offsets as for msgs); the answer then carries digests. */
  lineEnds?: Uint32Array;
  lines?: Uint8Array;
}

/**
 * Verdict bit of an event batch's answer (besides 1 = the signature is valid): the line is an
 * aegis.attest whose payload's subject key passes the §9.3 key check (ed25519.ts checkSubjectKey),
 * checked in the worker so the ordered pass does not (issue 7: ~2-5 % of it). Only ever set with
 * bit 1; its absence means "not checked here", never "refused".
 */
export const ATTEST_KEY_OK = 2;

/** `"type":"aegis.attest"`: a canonical line ends with its type member (keys are sorted, only "v" follows). */
const ATTEST_TYPE = Array.from('"type":"aegis.attest"', (c) => c.charCodeAt(0));
/** How far from a line's end the type member is looked for. */
const ATTEST_TAIL = 48;

function endsLikeAttest(line: Uint8Array): boolean {
  return rangeEndsLikeAttest(line, 0, line.length);
}

/** endsLikeAttest of bytes[start, end), without a view of the range. */
function rangeEndsLikeAttest(bytes: Uint8Array, start: number, end: number): boolean {
  const n = ATTEST_TYPE.length;
  const from = Math.max(start, end - ATTEST_TAIL);
  outer: for (let at = end - n; at >= from; at--) {
    for (let j = 0; j < n; j++) if (bytes[at + j] !== ATTEST_TYPE[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Whether `line` is an aegis.attest whose payload.key passes the subject key check. The ordered pass
 * reads the key from the same bytes with the same JSON.parse (parseEnvelope), so a true here is the
 * verdict its own check would give for that key; a line that is not such an event gives false.
 */
export function attestKeyAcceptable(line: Uint8Array): boolean {
  if (!endsLikeAttest(line)) return false;
  const text = fromUtf8(line);
  if (text === null) return false;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof v !== 'object' || v === null || (v as { type?: unknown }).type !== 'aegis.attest') return false;
  const payload = (v as { payload?: unknown }).payload;
  const key = typeof payload === 'object' && payload !== null ? (payload as { key?: unknown }).key : undefined;
  if (typeof key !== 'string') return false;
  const pub = fromBase64(key);
  return pub !== null && pub.length === 32 && checkSubjectKey(pub) === null;
}

/** keyIndex value for an item that fails the length precheck (§7 step 1): its verdict is false. */
export const MALFORMED = 0xffffffff;

/**
 * A key's affinity id: its first 6 bytes as a number, so the ordered pass hashes no string per
 * item. Two keys sharing a prefix (crafted or not) merely share an owner: affinity only decides
 * where a key is checked, never how (packing still deduplicates keys by all 32 bytes).
 */
function affinityKey(key: Uint8Array): number {
  return (key[0] ?? 0) + (key[1] ?? 0) * 0x100 + (key[2] ?? 0) * 0x10000 + (key[3] ?? 0) * 0x1000000 + (key[4] ?? 0) * 0x100000000 + (key[5] ?? 0) * 0x10000000000;
}

function sameKey(a: Uint8Array, b: Uint8Array): boolean {
  for (let i = 0; i < 32; i++) if (a[i] !== b[i]) return false;
  return true;
}

function keyString(key: Uint8Array): string {
  let s = '';
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
  return s;
}

/** Pack items[start, end) into transferable buffers; with `withLines`, each item's line as well. */
export function packSignatures(items: readonly SignatureItem[], start = 0, end = items.length, withLines = false): PackedSignatures {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > items.length || start > end) {
    throw new RangeError(`packSignatures: bad range [${start}, ${end}) of ${items.length}`);
  }
  const at = new Uint32Array(end - start);
  for (let j = 0; j < at.length; j++) at[j] = start + j;
  return packAt(items, at, withLines);
}

/** Pack the items at the given indices, in that order (a key-affine chunk: SignatureScheduler). */
function packAt(items: readonly SignatureItem[], at: Uint32Array, withLines: boolean): PackedSignatures {
  const count = at.length;
  let msgBytes = 0;
  for (let j = 0; j < count; j++) msgBytes += items[at[j]!]!.msg.length;
  const keyIndex = new Uint32Array(count);
  const sigs = new Uint8Array(64 * count);
  const msgEnds = new Uint32Array(count);
  const msgs = new Uint8Array(msgBytes);
  // Dedup by the 6-byte prefix, confirmed on all 32 bytes; keys sharing a prefix fall back to a
  // string map (exact either way; a per-item string was a visible cost on the ordered pass).
  const byPrefix = new Map<number, number>();
  const collided = new Map<string, number>();
  const keyList: Uint8Array[] = [];
  let off = 0;
  for (let j = 0; j < count; j++) {
    const it = items[at[j]!]!;
    if (it.key.length === 32 && it.sig.length === 64) {
      const prefix = affinityKey(it.key);
      let k = byPrefix.get(prefix);
      if (k === undefined) {
        k = keyList.length;
        byPrefix.set(prefix, k);
        keyList.push(it.key);
      } else if (!sameKey(keyList[k]!, it.key)) {
        const ks = keyString(it.key);
        k = collided.get(ks);
        if (k === undefined) {
          k = keyList.length;
          collided.set(ks, k);
          keyList.push(it.key);
        }
      }
      keyIndex[j] = k;
      sigs.set(it.sig, 64 * j);
    } else {
      keyIndex[j] = MALFORMED;
    }
    msgs.set(it.msg, off);
    off += it.msg.length;
    msgEnds[j] = off;
  }
  const keys = new Uint8Array(32 * keyList.length);
  keyList.forEach((k, i) => keys.set(k, 32 * i));
  if (!withLines) return { count, keys, keyIndex, sigs, msgEnds, msgs };
  let lineBytes = 0;
  for (let j = 0; j < count; j++) {
    const line = (items[at[j]!] as Partial<EventSignatureItem>).line;
    if (!(line instanceof Uint8Array)) throw new TypeError('packSignatures: an event batch needs every item\'s line');
    lineBytes += line.length;
  }
  const lines = new Uint8Array(lineBytes);
  const lineEnds = new Uint32Array(count);
  let lo = 0;
  for (let j = 0; j < count; j++) {
    const line = (items[at[j]!] as EventSignatureItem).line;
    lines.set(line, lo);
    lo += line.length;
    lineEnds[j] = lo;
  }
  return { count, keys, keyIndex, sigs, msgEnds, msgs, lineEnds, lines };
}

/** The buffers to list in postMessage's transfer argument. */
export function transferables(p: PackedSignatures): ArrayBuffer[] {
  const out = [p.keys.buffer, p.keyIndex.buffer, p.sigs.buffer, p.msgEnds.buffer, p.msgs.buffer] as ArrayBuffer[];
  if (p.lines && p.lineEnds) out.push(p.lines.buffer as ArrayBuffer, p.lineEnds.buffer as ArrayBuffer);
  return out;
}

/** Check that a received batch is internally consistent (it crossed a thread boundary). */
export function assertPacked(p: PackedSignatures): void {
  const n = p.count;
  if (!Number.isInteger(n) || n < 0) throw new TypeError('PackedSignatures: bad count');
  if (p.keyIndex.length !== n || p.msgEnds.length !== n || p.sigs.length !== 64 * n || p.keys.length % 32 !== 0) {
    throw new TypeError('PackedSignatures: buffer sizes do not match count');
  }
  const keys = p.keys.length / 32;
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const k = p.keyIndex[i]!;
    if (k !== MALFORMED && k >= keys) throw new TypeError('PackedSignatures: key index out of range');
    const e = p.msgEnds[i]!;
    if (e < prev || e > p.msgs.length) throw new TypeError('PackedSignatures: message offsets out of order');
    prev = e;
  }
  if (p.lines === undefined && p.lineEnds === undefined) return;
  if (!(p.lines instanceof Uint8Array) || !(p.lineEnds instanceof Uint32Array) || p.lineEnds.length !== n) throw new TypeError('PackedSignatures: lines do not match count');
  prev = 0;
  for (let i = 0; i < n; i++) {
    const e = p.lineEnds[i]!;
    if (e < prev || e > p.lines.length) throw new TypeError('PackedSignatures: line offsets out of order');
    prev = e;
  }
}

/**
 * The answer to a packed batch: its verdict bytes, followed for an event batch (one with lines) by
 * DIGEST_BYTES per item: the event id SHA-256(msg) and the leaf hash SHA-256(0x00 ‖ line) (§4, §5),
 * with whatever SHA-256 backend this thread installed (hash.ts). With `attestKeys`, an event batch's
 * verdict of a valid aegis.attest also carries ATTEST_KEY_OK when its subject key passes the key
 * check (a worker whose pool is not the slower side: the browser's, WorkerHost.attestKeys).
 */
export function answerPacked(p: PackedSignatures, verdicts: Uint8Array, attestKeys = false): Uint8Array {
  if (verdicts.length !== p.count) throw new TypeError('answerPacked: one verdict per item');
  if (!p.lines || !p.lineEnds) return verdicts;
  const out = new Uint8Array(p.count * (1 + DIGEST_BYTES));
  out.set(verdicts, 0);
  const lines = p.lines;
  // With the pure one-shot SHA-256, digests are written straight into `out`: no digest, prefixed
  // copy of the line or range view per item (hashing each answer was ~21 % of a signature worker's
  // allocations: issue 7). Another backend (the CLI's node:crypto) is called through hash.ts.
  const inPlace = sha256Backend() === pureSha256Backend;
  let m0 = 0;
  let l0 = 0;
  for (let i = 0; i < p.count; i++) {
    const m1 = p.msgEnds[i]!;
    const l1 = p.lineEnds[i]!;
    const at = p.count + DIGEST_BYTES * i;
    if (inPlace) {
      sha256RangeInto(p.msgs, m0, m1, out, at);
      sha256LeafInto(lines, l0, l1, out, at + 32);
    } else {
      out.set(sha256(p.msgs.subarray(m0, m1)), at);
      out.set(leafHash(lines.subarray(l0, l1)), at + 32);
    }
    // The cheap tail test first: only an aegis.attest line is viewed and parsed.
    if (attestKeys && out[i] === 1 && rangeEndsLikeAttest(lines, l0, l1) && attestKeyAcceptable(lines.subarray(l0, l1))) out[i] = 1 | ATTEST_KEY_OK;
    m0 = m1;
    l0 = l1;
  }
  return out;
}

/** Verify one triple (the backend caches per-key state such as imported CryptoKeys). */
export type VerifyOne = (key: Uint8Array, msg: Uint8Array, sig: Uint8Array) => boolean | Promise<boolean>;

/**
 * Run `verifyOne` over a packed batch, in order, one at a time (WebCrypto Ed25519 runs on the
 * calling thread in Chromium, so concurrency inside one worker buys nothing: perf-limits.md §3).
 * Returns one byte per item: 1 valid, 0 invalid.
 */
export async function verifyPacked(p: PackedSignatures, verifyOne: VerifyOne): Promise<Uint8Array> {
  assertPacked(p);
  const out = new Uint8Array(p.count);
  const keyViews: Uint8Array[] = [];
  for (let k = 0; k < p.keys.length / 32; k++) keyViews.push(p.keys.subarray(32 * k, 32 * k + 32));
  let start = 0;
  for (let i = 0; i < p.count; i++) {
    const end = p.msgEnds[i]!;
    const k = p.keyIndex[i]!;
    if (k !== MALFORMED) {
      const r = verifyOne(keyViews[k]!, p.msgs.subarray(start, end), p.sigs.subarray(64 * i, 64 * i + 64));
      out[i] = (typeof r === 'boolean' ? r : await r) ? 1 : 0;
    }
    start = end;
  }
  return out;
}

/**
 * A backend with a handle per key (WebCrypto: the imported CryptoKey), for verifyPackedKeyed. Only
 * the cofactorless equation: verifyPackedKeyed applies the acceptance rule's precheck first, as core
 * `verify` does, so the verdicts are those of `verify(backend, key, msg, sig)`.
 */
export interface KeyedBackend<K> {
  /** One handle per 32-byte key of `keys`, in order; null for a key that cannot verify (its import failed). */
  handles(keys: Uint8Array): Promise<readonly (K | null)[]>;
  /**
   * The equation for a triple that passed the precheck. `sig` is one buffer the caller reuses for
   * every item, and the caller awaits each verdict before the next call. A throw or a rejection
   * counts as false, as does any answer but `true`.
   */
  verify(handle: K, msg: Uint8Array, sig: Uint8Array): Promise<boolean> | boolean;
}

/**
 * verifyPacked for a KeyedBackend: each distinct key's handle is resolved once per batch instead
 * of being looked up per item, and an item's verdict is one await of the backend's own answer (issue
 * 7, session 7: per item, verifyPacked awaited core verify's promise, which chained the backend's,
 * which chained the engine's). Same verdicts as verifyPacked with `verify` (the precheck, then the
 * equation; a rejection is false). One byte per item: 1 valid, 0 invalid.
 */
export async function verifyPackedKeyed<K>(p: PackedSignatures, backend: KeyedBackend<K>): Promise<Uint8Array> {
  assertPacked(p);
  const out = new Uint8Array(p.count);
  const nKeys = p.keys.length / 32;
  const handles = await backend.handles(p.keys);
  if (handles.length !== nKeys) throw new TypeError('verifyPackedKeyed: one handle per key');
  const keys = p.keys;
  const sigs = p.sigs;
  // Each item's key and signature in turn, copied into two buffers (issue 7, session 8: a view per
  // distinct key, ~200 per batch at 1M, was alive through every scavenge that fell in a batch).
  const key = new Uint8Array(32);
  const sig = new Uint8Array(64);
  let keyIn = -1; // the index of the key now in `key`
  let start = 0;
  for (let i = 0; i < p.count; i++) {
    const end = p.msgEnds[i]!;
    const k = p.keyIndex[i]!;
    const handle = k === MALFORMED ? null : handles[k]!;
    if (handle !== null) {
      if (k !== keyIn) {
        for (let j = 0, o = 32 * k; j < 32; j++) key[j] = keys[o + j]!;
        keyIn = k;
      }
      for (let j = 0, o = 64 * i; j < 64; j++) sig[j] = sigs[o + j]!;
      if (precheck(key, sig) === null) {
        try {
          const r = backend.verify(handle, p.msgs.subarray(start, end), sig);
          out[i] = (typeof r === 'boolean' ? r : await r) === true ? 1 : 0;
        } catch {
          out[i] = 0;
        }
      }
    }
    start = end;
  }
  return out;
}

/** Verifies a whole batch at once (item(i) is null for a MALFORMED item); one byte per item. */
export type VerifyAll = (count: number, item: (i: number) => { key: Uint8Array; msg: Uint8Array; sig: Uint8Array } | null) => Uint8Array;

/** Like verifyPacked, for a backend that checks a batch as a whole (core ed25519 verifyAllPure). */
export function verifyPackedAll(p: PackedSignatures, all: VerifyAll): Uint8Array {
  assertPacked(p);
  const keyViews: Uint8Array[] = [];
  for (let k = 0; k < p.keys.length / 32; k++) keyViews.push(p.keys.subarray(32 * k, 32 * k + 32));
  const out = all(p.count, (i) => {
    const k = p.keyIndex[i]!;
    if (k === MALFORMED) return null;
    return { key: keyViews[k]!, msg: p.msgs.subarray(i === 0 ? 0 : p.msgEnds[i - 1]!, p.msgEnds[i]!), sig: p.sigs.subarray(64 * i, 64 * i + 64) };
  });
  if (out.length !== p.count) throw new TypeError('verifyPackedAll: one verdict per item');
  return out;
}

/** Something that verifies packed batches elsewhere (a worker). Its answer is answerPacked's. */
export interface SignatureEndpoint {
  verify(p: PackedSignatures): Promise<Uint8Array>;
}

export interface SchedulerOptions {
  /** Batches smaller than this go whole to one endpoint (message overhead). Default 256. */
  minChunk?: number;
  /**
   * Cut batches by key owner (true) or into equal contiguous chunks (false, the default): for
   * backends whose per-key state is costly (the pure backend's tables); a uniform-cost backend
   * (WebCrypto, node:crypto) balances better with equal chunks.
   */
  affinity?: boolean;
}

/** Keys remembered for affinity; past this the map starts over (affinity is only a cache hint). */
const AFFINITY_MAX = 1 << 16;
/** An endpoint may get this multiple of its fair share of a batch before heavy keys spill over. */
const SPILL_CAP = 1.125;
/** Only keys with at least this many items in the batch spill (their per-key cost is amortised). */
const SPILL_MIN = 32;

/**
 * Spreads batches over endpoints. With `affinity`, every signer key is owned by one endpoint
 * (a new key goes to the endpoint with the least work outstanding), and a batch is
 * cut into one chunk per endpoint holding the items of the keys it owns, so each worker builds
 * tables for its own keys only (issue 7: the pure backend's per-key tables were built twice with
 * two workers). Without it, a batch is cut into at most one equal contiguous chunk per endpoint,
 * each sent to the endpoint with the fewest items outstanding. Batches smaller than minChunk go
 * whole to one endpoint. Results are reassembled in item order.
 */
export class SignatureScheduler {
  readonly #endpoints: readonly SignatureEndpoint[];
  readonly #load: number[];
  readonly #given: number[];
  readonly #owner = new Map<number, number>();
  readonly #minChunk: number;
  readonly #affinity: boolean;

  constructor(endpoints: readonly SignatureEndpoint[], options: SchedulerOptions = {}) {
    if (endpoints.length === 0) throw new RangeError('SignatureScheduler: needs at least one endpoint');
    const minChunk = options.minChunk ?? 256;
    if (!Number.isInteger(minChunk) || minChunk < 1) throw new RangeError('SignatureScheduler: minChunk must be a positive integer');
    this.#endpoints = endpoints;
    this.#load = endpoints.map(() => 0);
    this.#given = endpoints.map(() => 0);
    this.#minChunk = minChunk;
    this.#affinity = options.affinity ?? false;
  }

  get size(): number {
    return this.#endpoints.length;
  }

  /** Items sent to endpoint e and not yet answered. */
  outstanding(e: number): number {
    return this.#load[e] ?? 0;
  }

  /** Verdicts for items, in order: 1 valid, 0 invalid. */
  verifyBatch(items: readonly SignatureItem[]): Promise<Uint8Array> {
    return this.#run(items, false);
  }

  /** Verdicts (1 valid, 0 invalid) and, per item, DIGEST_BYTES: event id then leaf hash. */
  verifyEvents(items: readonly EventSignatureItem[]): Promise<{ verdicts: Uint8Array; digests: Uint8Array }> {
    const n = items.length;
    return this.#run(items, true).then((out) => ({ verdicts: out.subarray(0, n), digests: out.subarray(n) }));
  }

  /**
   * Item indices per endpoint, by key owner. A key that signs much of a batch would overload its
   * owner (a role key signing most events; WebCrypto gains little from affinity), so items of keys
   * with at least SPILL_MIN items in the batch move from an endpoint over SPILL_CAP × its fair
   * share to the least-loaded one (each endpoint then holds that key too, amortised by its uses).
   */
  #split(items: readonly SignatureItem[]): Uint32Array[] {
    const e = this.#endpoints.length;
    const n = items.length;
    const owners = new Uint16Array(n);
    const counts = new Array<number>(e).fill(0);
    const ks = new Float64Array(n);
    const perKey = new Map<number, number>();
    if (this.#owner.size >= AFFINITY_MAX) this.#owner.clear();
    for (let i = 0; i < n; i++) {
      const k = (ks[i] = affinityKey(items[i]!.key));
      let o = this.#owner.get(k);
      if (o === undefined) {
        o = 0;
        // the endpoint with the least work outstanding (a slower one has more), then the fewest given
        for (let j = 1; j < e; j++) {
          const dj = this.#load[j]! + counts[j]! - (this.#load[o]! + counts[o]!);
          if (dj < 0 || (dj === 0 && this.#given[j]! < this.#given[o]!)) o = j;
        }
        this.#owner.set(k, o);
      }
      owners[i] = o;
      counts[o]!++;
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
    }
    const cap = Math.ceil((n / e) * SPILL_CAP);
    for (let i = n - 1; i >= 0; i--) {
      const o = owners[i]!;
      if (counts[o]! <= cap || perKey.get(ks[i]!)! < SPILL_MIN) continue;
      let t = 0;
      for (let j = 1; j < e; j++) if (counts[j]! < counts[t]!) t = j;
      if (counts[t]! + 1 >= counts[o]!) continue;
      owners[i] = t;
      counts[o]!--;
      counts[t]!++;
    }
    for (let j = 0; j < e; j++) this.#given[j]! += counts[j]!;
    const groups = counts.map((c) => new Uint32Array(c));
    const fill = new Array<number>(e).fill(0);
    for (let i = 0; i < n; i++) {
      const o = owners[i]!;
      groups[o]![fill[o]!++] = i;
    }
    return groups;
  }

  /**
   * The answers in item order: verdicts, then (events) DIGEST_BYTES per item. Not async, and no
   * closure here refers to `items`: they are packed before this returns and then not held while
   * the workers answer (issue 7: a batch's items, kept alive until its verdicts came back, were
   * promoted to the old space on the ordered pass's thread).
   */
  #run(items: readonly SignatureItem[], events: boolean): Promise<Uint8Array> {
    try {
      return this.#start(items, events);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #start(items: readonly SignatureItem[], events: boolean): Promise<Uint8Array> {
    const n = items.length;
    const out = new Uint8Array(events ? n * (1 + DIGEST_BYTES) : n);
    if (n === 0) return Promise.resolve(out);
    const chunks: [number, Uint32Array][] = [];
    if (this.#affinity && this.#endpoints.length > 1 && n >= this.#minChunk) {
      this.#split(items).forEach((at, e) => chunks.push([e, at]));
    } else {
      // at most one contiguous chunk per endpoint, each to the endpoint with the fewest items outstanding
      const parts = Math.max(1, Math.min(this.#endpoints.length, Math.ceil(n / this.#minChunk)));
      const per = Math.ceil(n / parts);
      for (let start = 0; start < n; start += per) {
        const at = new Uint32Array(Math.min(n, start + per) - start);
        for (let j = 0; j < at.length; j++) at[j] = start + j;
        const e = this.#leastLoaded();
        this.#load[e]! += at.length; // so the next chunk goes elsewhere (taken back below)
        chunks.push([e, at]);
      }
      for (const [e, at] of chunks) this.#load[e]! -= at.length;
    }
    const jobs: Promise<void>[] = [];
    for (const [e, at] of chunks) {
      if (at.length === 0) continue;
      this.#load[e]! += at.length;
      jobs.push(this.#send(e, at, packAt(items, at, events), out, events));
    }
    return Promise.all(jobs).then(() => out);
  }

  /** One packed chunk to endpoint `e`; its answers are copied into `out` at the items' places `at`. */
  #send(e: number, at: Uint32Array, packed: PackedSignatures, out: Uint8Array, events: boolean): Promise<void> {
    const k = at.length;
    const n = events ? out.length / (1 + DIGEST_BYTES) : out.length;
    return this.#endpoints[e]!.verify(packed).then(
      (answer) => {
        this.#load[e]! -= k;
        if (answer.length !== (events ? k * (1 + DIGEST_BYTES) : k)) throw new TypeError('SignatureScheduler: endpoint returned the wrong number of verdicts');
        // runs of consecutive items are copied at once (a chunk is often long runs of one key's items)
        for (let j = 0; j < k; ) {
          let r = j + 1;
          while (r < k && at[r] === at[r - 1]! + 1) r++;
          const i = at[j]!;
          out.set(answer.subarray(j, r), i);
          if (events) out.set(answer.subarray(k + DIGEST_BYTES * j, k + DIGEST_BYTES * r), n + DIGEST_BYTES * i);
          j = r;
        }
      },
      (err: unknown) => {
        this.#load[e]! -= k;
        throw err;
      }
    );
  }

  #leastLoaded(): number {
    let best = 0;
    for (let i = 1; i < this.#load.length; i++) if (this.#load[i]! < this.#load[best]!) best = i;
    return best;
  }
}
