// Bulk Ed25519 verification for worker pools (issue 7): the wire form of a batch of (key, message,
// signature) triples and the scheduler that spreads batches over N verifier endpoints (Web Workers
// in the browser, worker_threads in the CLI). Pure: the endpoints are passed in, so this module
// knows nothing of workers, and the browser and CLI pools share one packing format and one
// scheduling rule.
//
// Verdicts are exactly those of the single-thread rule (BUNDLE_FORMAT.md §7): the pool only decides
// *where* each triple is checked, never *how*. Results come back in item order, so a verifier that
// walks them in seq order reports the same first failure as one that verified inline.

/** One signature check: Ed25519 public key A (32 bytes), message, signature R || S (64 bytes). */
export interface SignatureItem {
  key: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
}

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
}

/** keyIndex value for an item that fails the length precheck (§7 step 1): its verdict is false. */
export const MALFORMED = 0xffffffff;

function keyString(key: Uint8Array): string {
  let s = '';
  for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
  return s;
}

/** Pack items[start, end) into transferable buffers. */
export function packSignatures(items: readonly SignatureItem[], start = 0, end = items.length): PackedSignatures {
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
  return { count, keys, keyIndex, sigs, msgEnds, msgs };
}

/** The buffers to list in postMessage's transfer argument. */
export function transferables(p: PackedSignatures): ArrayBuffer[] {
  return [p.keys.buffer, p.keyIndex.buffer, p.sigs.buffer, p.msgEnds.buffer, p.msgs.buffer] as ArrayBuffer[];
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

/** Something that verifies packed batches elsewhere (a worker). Verdict bytes in item order. */
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
  async verifyBatch(items: readonly SignatureItem[]): Promise<Uint8Array> {
    const n = items.length;
    const out = new Uint8Array(n);
    if (n === 0) return out;
    const chunks = Math.max(1, Math.min(this.#endpoints.length, Math.ceil(n / this.#minChunk)));
    const per = Math.ceil(n / chunks);
    const jobs: Promise<void>[] = [];
    for (let start = 0; start < n; start += per) {
      const end = Math.min(n, start + per);
      const e = this.#leastLoaded();
      this.#load[e]! += end - start;
      const packed = packSignatures(items, start, end);
      jobs.push(
        this.#endpoints[e]!.verify(packed).then(
          (verdicts) => {
            this.#load[e]! -= end - start;
            if (verdicts.length !== end - start) throw new TypeError('SignatureScheduler: endpoint returned the wrong number of verdicts');
            out.set(verdicts, start);
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
