// Bulk Ed25519 verification for worker pools (issue 7): the wire form of a batch of (key, message,
// signature) triples and the scheduler that spreads batches over N verifier endpoints (Web Workers
// in the browser, worker_threads in the CLI). Pure: the endpoints are passed in, so this module
// knows nothing of workers, and the browser and CLI pools share one packing format and one
// scheduling rule.
//
// Verdicts are exactly those of the single-thread rule (BUNDLE_FORMAT.md §7): the pool only decides
// *where* each triple is checked, never *how*. Results come back in item order, so a verifier that
// walks them in seq order reports the same first failure as one that verified inline.

import { sha256 } from './hash';
import { leafHash } from './merkle';

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

/** keyIndex value for an item that fails the length precheck (§7 step 1): its verdict is false. */
export const MALFORMED = 0xffffffff;

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
  const count = end - start;
  let msgBytes = 0;
  for (let i = start; i < end; i++) msgBytes += items[i]!.msg.length;
  const keyIndex = new Uint32Array(count);
  const sigs = new Uint8Array(64 * count);
  const msgEnds = new Uint32Array(count);
  const msgs = new Uint8Array(msgBytes);
  const seen = new Map<string, number>();
  const keyList: Uint8Array[] = [];
  let off = 0;
  for (let j = 0; j < count; j++) {
    const it = items[start + j]!;
    if (it.key.length === 32 && it.sig.length === 64) {
      const ks = keyString(it.key);
      let k = seen.get(ks);
      if (k === undefined) {
        k = keyList.length;
        seen.set(ks, k);
        keyList.push(it.key);
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
  for (let i = start; i < end; i++) {
    const line = (items[i] as Partial<EventSignatureItem>).line;
    if (!(line instanceof Uint8Array)) throw new TypeError('packSignatures: an event batch needs every item\'s line');
    lineBytes += line.length;
  }
  const lines = new Uint8Array(lineBytes);
  const lineEnds = new Uint32Array(count);
  let lo = 0;
  for (let j = 0; j < count; j++) {
    const line = (items[start + j] as EventSignatureItem).line;
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
 * with whatever SHA-256 backend this thread installed (hash.ts).
 */
export function answerPacked(p: PackedSignatures, verdicts: Uint8Array): Uint8Array {
  if (verdicts.length !== p.count) throw new TypeError('answerPacked: one verdict per item');
  if (!p.lines || !p.lineEnds) return verdicts;
  const out = new Uint8Array(p.count * (1 + DIGEST_BYTES));
  out.set(verdicts, 0);
  let m0 = 0;
  let l0 = 0;
  for (let i = 0; i < p.count; i++) {
    const m1 = p.msgEnds[i]!;
    const l1 = p.lineEnds[i]!;
    const at = p.count + DIGEST_BYTES * i;
    out.set(sha256(p.msgs.subarray(m0, m1)), at);
    out.set(leafHash(p.lines.subarray(l0, l1)), at + 32);
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

/** Something that verifies packed batches elsewhere (a worker). Its answer is answerPacked's. */
export interface SignatureEndpoint {
  verify(p: PackedSignatures): Promise<Uint8Array>;
}

export interface SchedulerOptions {
  /** Do not split a batch into chunks smaller than this (message overhead). Default 256. */
  minChunk?: number;
}

/**
 * Spreads batches over endpoints: each batch is cut into at most one chunk per endpoint, and each
 * chunk goes to the endpoint with the fewest items outstanding, so several batches in flight (a
 * streaming verifier that dispatches segment k+1 while segment k is still out) keep every worker
 * busy. Results are reassembled in item order.
 */
export class SignatureScheduler {
  readonly #endpoints: readonly SignatureEndpoint[];
  readonly #load: number[];
  readonly #minChunk: number;

  constructor(endpoints: readonly SignatureEndpoint[], options: SchedulerOptions = {}) {
    if (endpoints.length === 0) throw new RangeError('SignatureScheduler: needs at least one endpoint');
    const minChunk = options.minChunk ?? 256;
    if (!Number.isInteger(minChunk) || minChunk < 1) throw new RangeError('SignatureScheduler: minChunk must be a positive integer');
    this.#endpoints = endpoints;
    this.#load = endpoints.map(() => 0);
    this.#minChunk = minChunk;
  }

  get size(): number {
    return this.#endpoints.length;
  }

  /** Verdicts for items, in order: 1 valid, 0 invalid. */
  verifyBatch(items: readonly SignatureItem[]): Promise<Uint8Array> {
    return this.#run(items, false);
  }

  /** Verdicts (1 valid, 0 invalid) and, per item, DIGEST_BYTES: event id then leaf hash. */
  async verifyEvents(items: readonly EventSignatureItem[]): Promise<{ verdicts: Uint8Array; digests: Uint8Array }> {
    const n = items.length;
    const out = await this.#run(items, true);
    return { verdicts: out.subarray(0, n), digests: out.subarray(n) };
  }

  /** The answers in item order: verdicts, then (events) DIGEST_BYTES per item. */
  async #run(items: readonly SignatureItem[], events: boolean): Promise<Uint8Array> {
    const n = items.length;
    const out = new Uint8Array(events ? n * (1 + DIGEST_BYTES) : n);
    if (n === 0) return out;
    const chunks = Math.max(1, Math.min(this.#endpoints.length, Math.ceil(n / this.#minChunk)));
    const per = Math.ceil(n / chunks);
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < n; start += per) {
      const end = Math.min(n, start + per);
      const e = this.#leastLoaded();
      this.#load[e]! += end - start;
      const packed = packSignatures(items, start, end, events);
      jobs.push(
        this.#endpoints[e]!.verify(packed).then(
          (answer) => {
            this.#load[e]! -= end - start;
            const k = end - start;
            if (answer.length !== (events ? k * (1 + DIGEST_BYTES) : k)) throw new TypeError('SignatureScheduler: endpoint returned the wrong number of verdicts');
            out.set(answer.subarray(0, k), start);
            if (events) out.set(answer.subarray(k), n + DIGEST_BYTES * start);
          },
          (err: unknown) => {
            this.#load[e]! -= end - start;
            throw err;
          }
        )
      );
    }
    await Promise.all(jobs);
    return out;
  }

  #leastLoaded(): number {
    let best = 0;
    for (let i = 1; i < this.#load.length; i++) if (this.#load[i]! < this.#load[best]!) best = i;
    return best;
  }
}
