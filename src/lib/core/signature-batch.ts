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
import { signedMessageLength, signedMessageOfCut, type CutLines } from './envelope';
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
 * A batch of event lines for the signature workers (docs/BUNDLE_FORMAT.md §4–§5), filled by the
 * ordered pass through envelope.ts cutEventLine: per item its line, key, signature and where the sig
 * member is in the line. The worker that checks a signature builds the signed message from the line
 * (envelope.ts signedMessageOfCut) and also computes the event id SHA-256(msg) and the log leaf hash
 * SHA-256(0x00 ‖ line), so the ordered pass does neither (issue 7: the two hashes were ~13 % of it on
 * a 100k ledger; building each message and packing it beside its line were three copies of every
 * line, ~8-10 % of it and its largest allocation at 1M).
 */
export class EventLines implements CutLines {
  count = 0;
  /**
   * Every signature of this batch is already known to be valid: its segment's bytes hash to a
   * segment whose every signature this verifier found valid before (bundle-verifier.ts
   * `signaturesKnown`). The worker then computes the digests and attest flags only, and answers 1
   * for each item, which is what checking would answer for those bytes.
   */
  known = false;
  readonly lines: Uint8Array[] = [];
  /** 32 bytes per item. */
  readonly keys: Uint8Array;
  /** 64 bytes per item. */
  readonly sigs: Uint8Array;
  /** Per item: the start and end of its sig member `,"sig":"<88>"` in its line. */
  readonly cuts: Uint32Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError('EventLines: capacity must be a non-negative integer');
    this.keys = new Uint8Array(32 * capacity);
    this.sigs = new Uint8Array(64 * capacity);
    this.cuts = new Uint32Array(2 * capacity);
  }

  add(line: Uint8Array, key: Uint8Array, sig: Uint8Array, start: number, end: number): void {
    const i = this.count;
    if (2 * i >= this.cuts.length) throw new RangeError('EventLines: full');
    if (key.length !== 32 || sig.length !== 64 || !(0 <= start && start <= end && end <= line.length)) throw new RangeError('EventLines: bad item');
    this.keys.set(key, 32 * i);
    this.sigs.set(sig, 64 * i);
    this.cuts[2 * i] = start;
    this.cuts[2 * i + 1] = end;
    this.lines.push(line);
    this.count = i + 1;
  }
}

/** Per item: 32 bytes event id, then 32 bytes leaf hash. */
export const DIGEST_BYTES = 64;

/**
 * A batch in transferable form: a few flat buffers instead of thousands of small arrays, so one
 * postMessage moves it with zero copies. Keys are deduplicated (a segment has far fewer signers
 * than events), which also lets the receiving worker resolve each key's cached handle once.
 *
 * Two forms: a signature batch carries the messages (msgEnds, msgs); an event batch carries the
 * lines (lineEnds, lines) and each item's cut, and its messages are built from them where they are
 * verified (messageReader); its answer then carries digests (answerPacked).
 */
export interface PackedSignatures {
  count: number;
  /** 32 bytes per distinct key. */
  keys: Uint8Array;
  /** Per item: index into `keys`, or MALFORMED when the key or signature has the wrong length. */
  keyIndex: Uint32Array;
  /** 64 bytes per item (zeros for MALFORMED items). */
  sigs: Uint8Array;
  /** Signature batches: per item, end offset of its message in `msgs` (the start is the previous item's end). */
  msgEnds?: Uint32Array;
  msgs?: Uint8Array;
  /** Event batches: the lines (end offsets as for msgs), and per item its sig member's [start, end) in its line. */
  lineEnds?: Uint32Array;
  lines?: Uint8Array;
  cuts?: Uint32Array;
  /** Event batches: EventLines.known (the signatures are not checked again, only the digests computed). */
  known?: boolean;
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
function affinityKey(key: Uint8Array, o = 0): number {
  return (key[o] ?? 0) + (key[o + 1] ?? 0) * 0x100 + (key[o + 2] ?? 0) * 0x10000 + (key[o + 3] ?? 0) * 0x1000000 + (key[o + 4] ?? 0) * 0x100000000 + (key[o + 5] ?? 0) * 0x10000000000;
}

/**
 * A chunk's distinct keys: dedup by the 6-byte prefix, confirmed on all 32 bytes; keys sharing a
 * prefix fall back to a string map (exact either way; a per-item string was a visible cost on the
 * ordered pass).
 */
class KeyList {
  readonly #byPrefix = new Map<number, number>();
  readonly #collided = new Map<string, number>();
  /** 32 bytes per distinct key, in order of first use. */
  #keys: Uint8Array;
  #count = 0;

  constructor(capacity: number) {
    this.#keys = new Uint8Array(32 * Math.min(capacity, 64));
  }

  /** The index of the 32-byte key src[o, o + 32), added if new. */
  index(src: Uint8Array, o: number): number {
    const prefix = affinityKey(src, o);
    let k = this.#byPrefix.get(prefix);
    if (k === undefined) {
      k = this.#add(src, o);
      this.#byPrefix.set(prefix, k);
    } else if (!this.#is(k, src, o)) {
      let ks = '';
      for (let i = 0; i < 32; i++) ks += String.fromCharCode(src[o + i]!);
      k = this.#collided.get(ks);
      if (k === undefined) {
        k = this.#add(src, o);
        this.#collided.set(ks, k);
      }
    }
    return k;
  }

  /** The distinct keys, 32 bytes each. */
  bytes(): Uint8Array {
    return this.#keys.slice(0, 32 * this.#count);
  }

  #is(k: number, src: Uint8Array, o: number): boolean {
    for (let i = 0, at = 32 * k; i < 32; i++) if (this.#keys[at + i] !== src[o + i]) return false;
    return true;
  }

  #add(src: Uint8Array, o: number): number {
    if (32 * (this.#count + 1) > this.#keys.length) {
      const grown = new Uint8Array(2 * this.#keys.length + 32);
      grown.set(this.#keys);
      this.#keys = grown;
    }
    this.#keys.set(src.subarray(o, o + 32), 32 * this.#count);
    return this.#count++;
  }
}

/** Pack items[start, end) into transferable buffers (a signature batch). */
export function packSignatures(items: readonly SignatureItem[], start = 0, end = items.length): PackedSignatures {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > items.length || start > end) {
    throw new RangeError(`packSignatures: bad range [${start}, ${end}) of ${items.length}`);
  }
  return packAt(items, span(start, end));
}

/** Pack the items of an event batch [start, end) into transferable buffers (an event batch). */
export function packEventLines(batch: EventLines, start = 0, end = batch.count): PackedSignatures {
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > batch.count || start > end) {
    throw new RangeError(`packEventLines: bad range [${start}, ${end}) of ${batch.count}`);
  }
  return packLinesAt(batch, span(start, end));
}

function span(start: number, end: number): Uint32Array {
  const at = new Uint32Array(end - start);
  for (let j = 0; j < at.length; j++) at[j] = start + j;
  return at;
}

/** An item whose key and signature have Ed25519's lengths; any other is MALFORMED (never valid). */
export function wellFormed(it: SignatureItem): boolean {
  return it.key.length === 32 && it.sig.length === 64;
}

/** Pack the items at the given indices, in that order (a key-affine chunk: SignatureScheduler). */
function packAt(items: readonly SignatureItem[], at: Uint32Array): PackedSignatures {
  const count = at.length;
  let msgBytes = 0;
  for (let j = 0; j < count; j++) msgBytes += items[at[j]!]!.msg.length;
  const keyIndex = new Uint32Array(count);
  const sigs = new Uint8Array(64 * count);
  const msgEnds = new Uint32Array(count);
  const msgs = new Uint8Array(msgBytes);
  const keys = new KeyList(count);
  let off = 0;
  for (let j = 0; j < count; j++) {
    const it = items[at[j]!]!;
    if (wellFormed(it)) {
      keyIndex[j] = keys.index(it.key, 0);
      sigs.set(it.sig, 64 * j);
    } else {
      keyIndex[j] = MALFORMED;
    }
    msgs.set(it.msg, off);
    off += it.msg.length;
    msgEnds[j] = off;
  }
  return { count, keys: keys.bytes(), keyIndex, sigs, msgEnds, msgs };
}

/**
 * Pack the event items at the given indices, in that order. Each line is copied once; lines that
 * lie back to back in memory (a batch's lines share LineSlabs slabs, in order) are copied as one
 * range.
 */
function packLinesAt(batch: EventLines, at: Uint32Array): PackedSignatures {
  const count = at.length;
  const src = batch.lines;
  let lineBytes = 0;
  for (let j = 0; j < count; j++) lineBytes += src[at[j]!]!.length;
  const keyIndex = new Uint32Array(count);
  const sigs = new Uint8Array(64 * count);
  const cuts = new Uint32Array(2 * count);
  const lineEnds = new Uint32Array(count);
  const lines = new Uint8Array(lineBytes);
  const keys = new KeyList(count);
  let off = 0;
  for (let j = 0; j < count; ) {
    // a run of items j..r-1 that are consecutive in the batch and whose lines are adjacent in one buffer
    const i0 = at[j]!;
    const first = src[i0]!;
    let r = j + 1;
    let endByte = first.byteOffset + first.length;
    while (r < count && at[r] === at[r - 1]! + 1) {
      const next = src[at[r]!]!;
      if (next.buffer !== first.buffer || next.byteOffset !== endByte) break;
      endByte += next.length;
      r++;
    }
    lines.set(new Uint8Array(first.buffer, first.byteOffset, endByte - first.byteOffset), off);
    sigs.set(batch.sigs.subarray(64 * i0, 64 * (i0 + r - j)), 64 * j);
    cuts.set(batch.cuts.subarray(2 * i0, 2 * (i0 + r - j)), 2 * j);
    for (let q = j; q < r; q++) {
      const i = i0 + q - j;
      keyIndex[q] = keys.index(batch.keys, 32 * i);
      off += src[i]!.length;
      lineEnds[q] = off;
    }
    j = r;
  }
  return { count, keys: keys.bytes(), keyIndex, sigs, lineEnds, lines, cuts, ...(batch.known ? { known: true } : {}) };
}

/**
 * The verdicts of a `known` batch without checking: 1 for every item, 0 for a MALFORMED one (what
 * checking answers for it; a segment with one is never known, since not all its signatures were valid).
 */
export function knownVerdicts(p: PackedSignatures): Uint8Array {
  const out = new Uint8Array(p.count);
  for (let i = 0; i < p.count; i++) out[i] = p.keyIndex[i] === MALFORMED ? 0 : 1;
  return out;
}

/** The buffers to list in postMessage's transfer argument. */
export function transferables(p: PackedSignatures): ArrayBuffer[] {
  const out = [p.keys.buffer, p.keyIndex.buffer, p.sigs.buffer] as ArrayBuffer[];
  for (const b of [p.msgEnds, p.msgs, p.lineEnds, p.lines, p.cuts]) if (b) out.push(b.buffer as ArrayBuffer);
  return out;
}

/** Ends are non-decreasing offsets into `bytes`, one per item. */
function assertEnds(ends: unknown, bytes: unknown, n: number, what: string): void {
  if (!(ends instanceof Uint32Array) || !(bytes instanceof Uint8Array) || ends.length !== n) throw new TypeError(`PackedSignatures: ${what} do not match count`);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const e = ends[i]!;
    if (e < prev || e > bytes.length) throw new TypeError(`PackedSignatures: ${what} offsets out of order`);
    prev = e;
  }
}

/** Check that a received batch is internally consistent (it crossed a thread boundary). */
export function assertPacked(p: PackedSignatures): void {
  const n = p.count;
  if (!Number.isInteger(n) || n < 0) throw new TypeError('PackedSignatures: bad count');
  if (p.keyIndex.length !== n || p.sigs.length !== 64 * n || p.keys.length % 32 !== 0) {
    throw new TypeError('PackedSignatures: buffer sizes do not match count');
  }
  const keys = p.keys.length / 32;
  for (let i = 0; i < n; i++) {
    const k = p.keyIndex[i]!;
    if (k !== MALFORMED && k >= keys) throw new TypeError('PackedSignatures: key index out of range');
  }
  const messages = p.msgEnds !== undefined || p.msgs !== undefined;
  const lines = p.lineEnds !== undefined || p.lines !== undefined || p.cuts !== undefined;
  if (messages === lines) throw new TypeError('PackedSignatures: either messages or lines with their cuts');
  if (messages) return assertEnds(p.msgEnds, p.msgs, n, 'messages');
  assertEnds(p.lineEnds, p.lines, n, 'lines');
  const cuts = p.cuts;
  if (!(cuts instanceof Uint32Array) || cuts.length !== 2 * n) throw new TypeError('PackedSignatures: cuts do not match count');
  for (let i = 0, l0 = 0; i < n; i++) {
    const l1 = p.lineEnds![i]!;
    if (!(cuts[2 * i]! <= cuts[2 * i + 1]! && cuts[2 * i + 1]! <= l1 - l0)) throw new TypeError('PackedSignatures: a cut outside its line');
    l0 = l1;
  }
}

/**
 * Each item's signed message in a packed batch (assertPacked first): a view of `msgs`, or for an
 * event batch the message built from its line into a scratch buffer that the next call overwrites
 * (no allocation per item but the view; issue 7).
 */
export function messageReader(p: PackedSignatures): (i: number) => Uint8Array {
  const { msgs, msgEnds, lines, lineEnds, cuts } = p;
  if (msgs && msgEnds) return (i) => msgs.subarray(i === 0 ? 0 : msgEnds[i - 1]!, msgEnds[i]!);
  let scratch = new Uint8Array(1024);
  return (i) => {
    const l0 = i === 0 ? 0 : lineEnds![i - 1]!;
    const l1 = lineEnds![i]!;
    const start = cuts![2 * i]!;
    const end = cuts![2 * i + 1]!;
    const n = signedMessageLength(l1 - l0, start, end);
    if (n > scratch.length) scratch = new Uint8Array(Math.max(n, 2 * scratch.length));
    signedMessageOfCut(lines!, l0, l1, start, end, scratch);
    return scratch.subarray(0, n);
  };
}

/**
 * A host's own way to compute an event batch's digests (the browser's signature workers: a
 * WebAssembly SHA-256, worker/sha256-wasm.ts): for each item i, the event id SHA-256(msg) at
 * out[at + DIGEST_BYTES·i] and the leaf hash SHA-256(0x00 ‖ line) 32 bytes after it, exactly what
 * answerPacked computes without one. Core has no WebAssembly (tsconfig.core.json), so it is passed in.
 */
export interface BatchDigests {
  digest(p: PackedSignatures, out: Uint8Array, at: number): void;
}

/**
 * The answer to a packed batch: its verdict bytes, followed for an event batch (one with lines) by
 * DIGEST_BYTES per item: the event id SHA-256(msg) and the leaf hash SHA-256(0x00 ‖ line) (§4, §5),
 * with the host's `digests` if given, else whatever SHA-256 backend this thread installed (hash.ts).
 * With `attestKeys`, an event batch's verdict of a valid aegis.attest also carries ATTEST_KEY_OK when
 * its subject key passes the key check (a worker whose pool is not the slower side: the browser's,
 * WorkerHost.attestKeys).
 */
export function answerPacked(p: PackedSignatures, verdicts: Uint8Array, attestKeys = false, digests?: BatchDigests): Uint8Array {
  if (verdicts.length !== p.count) throw new TypeError('answerPacked: one verdict per item');
  if (!p.lines || !p.lineEnds) return verdicts;
  assertPacked(p);
  const out = new Uint8Array(p.count * (1 + DIGEST_BYTES));
  out.set(verdicts, 0);
  const lines = p.lines;
  if (digests) digests.digest(p, out, p.count);
  else {
    const message = messageReader(p);
    // With the pure one-shot SHA-256, digests are written straight into `out`: no digest, prefixed
    // copy of the line or range view per item (hashing each answer was ~21 % of a signature worker's
    // allocations: issue 7). Another backend (the CLI's node:crypto) is called through hash.ts.
    const inPlace = sha256Backend() === pureSha256Backend;
    for (let i = 0, l0 = 0; i < p.count; i++) {
      const l1 = p.lineEnds[i]!;
      const at = p.count + DIGEST_BYTES * i;
      const msg = message(i);
      if (inPlace) {
        sha256RangeInto(msg, 0, msg.length, out, at);
        sha256LeafInto(lines, l0, l1, out, at + 32);
      } else {
        out.set(sha256(msg), at);
        out.set(leafHash(lines.subarray(l0, l1)), at + 32);
      }
      l0 = l1;
    }
  }
  // The cheap tail test first: only an aegis.attest line is viewed and parsed.
  if (attestKeys) {
    for (let i = 0, l0 = 0; i < p.count; i++) {
      const l1 = p.lineEnds[i]!;
      if (out[i] === 1 && rangeEndsLikeAttest(lines, l0, l1) && attestKeyAcceptable(lines.subarray(l0, l1))) out[i] = 1 | ATTEST_KEY_OK;
      l0 = l1;
    }
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
  // each verdict is awaited before the next message is built (an event batch's share one buffer)
  const message = messageReader(p);
  for (let i = 0; i < p.count; i++) {
    const k = p.keyIndex[i]!;
    if (k !== MALFORMED) {
      const r = verifyOne(keyViews[k]!, message(i), p.sigs.subarray(64 * i, 64 * i + 64));
      out[i] = (typeof r === 'boolean' ? r : await r) ? 1 : 0;
    }
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
  const message = messageReader(p); // one buffer for an event batch's messages: each verdict is awaited first
  for (let i = 0; i < p.count; i++) {
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
          const r = backend.verify(handle, message(i), sig);
          out[i] = (typeof r === 'boolean' ? r : await r) === true ? 1 : 0;
        } catch {
          out[i] = 0;
        }
      }
    }
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
  // `all` may hold every item's message at once: an event batch's are copied out of the reader's buffer
  const message = messageReader(p);
  const copy = p.msgs === undefined;
  const out = all(p.count, (i) => {
    const k = p.keyIndex[i]!;
    if (k === MALFORMED) return null;
    const msg = message(i);
    return { key: keyViews[k]!, msg: copy ? msg.slice() : msg, sig: p.sigs.subarray(64 * i, 64 * i + 64) };
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

/** A batch as the scheduler cuts it: its size, each item's affinity id, and the packing of a chunk. */
interface BatchSource {
  count: number;
  affinity(i: number): number;
  pack(at: Uint32Array): PackedSignatures;
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
    return this.#run({ count: items.length, affinity: (i) => affinityKey(items[i]!.key), pack: (at) => packAt(items, at) }, false);
  }

  /** Verdicts (1 valid, 0 invalid) and, per item, DIGEST_BYTES: event id then leaf hash. */
  verifyEvents(batch: EventLines): Promise<{ verdicts: Uint8Array; digests: Uint8Array }> {
    const n = batch.count;
    return this.#run({ count: n, affinity: (i) => affinityKey(batch.keys, 32 * i), pack: (at) => packLinesAt(batch, at) }, true).then((out) => ({ verdicts: out.subarray(0, n), digests: out.subarray(n) }));
  }

  /**
   * Item indices per endpoint, by key owner. A key that signs much of a batch would overload its
   * owner (a role key signing most events; WebCrypto gains little from affinity), so items of keys
   * with at least SPILL_MIN items in the batch move from an endpoint over SPILL_CAP × its fair
   * share to the least-loaded one (each endpoint then holds that key too, amortised by its uses).
   */
  #split(items: BatchSource): Uint32Array[] {
    const e = this.#endpoints.length;
    const n = items.count;
    const owners = new Uint16Array(n);
    const counts = new Array<number>(e).fill(0);
    const ks = new Float64Array(n);
    const perKey = new Map<number, number>();
    if (this.#owner.size >= AFFINITY_MAX) this.#owner.clear();
    for (let i = 0; i < n; i++) {
      const k = (ks[i] = items.affinity(i));
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
  #run(items: BatchSource, events: boolean): Promise<Uint8Array> {
    try {
      return this.#start(items, events);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #start(items: BatchSource, events: boolean): Promise<Uint8Array> {
    const n = items.count;
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
      jobs.push(this.#send(e, at, items.pack(at), out, events));
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
