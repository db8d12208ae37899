// The browser signature pool (issue 7): N dedicated Web Workers verify Ed25519 signatures of whole
// segments in parallel while the verifier worker runs the one ordered pass (chain, log, replay).
// Chromium's WebCrypto Ed25519 runs on the calling thread (perf-limits.md §3), so parallelism comes
// only from workers: N = min(hardwareConcurrency, cap). Verdicts follow the same rule as the
// single-thread path (BUNDLE_FORMAT.md §7) and come back in item order, so the first failure
// reported is the same (tests/unit/perf-equivalence.test.ts).

import { PooledVerifier, connectWorkers } from '../../core/signature-pool-base';
import type { BackendChoice, FileAnswer, PoolRequest, PoolResponse, Port } from '../../core/signature-port';

/**
 * A worker takes a file read only while it has at most this many signatures outstanding: none, so
 * only a worker with nothing to verify reads (the content pass at the end). The signature workers are
 * the slower side of a run (10k and 1M alike), and a read handed to a busy one completed only between
 * its batches; the ordered pass, which waits for verdicts part of the time, fetches the file itself
 * instead. Until session 6 this was 256 (half a batch): at 10k, 17-35 content files were still
 * unread when the last signature was verified, against 0-6 now (bench/README.md, session 6).
 */
const READ_BACKLOG = 0;

/**
 * Signatures a worker is sent before the pool replaces it with a fresh one (signature-pool-base.ts
 * Recycle). Each WebCrypto verify in a Chromium worker leaves ~30 bytes that survive the next
 * scavenge (Blink's, until a full GC), and V8 doubles a young generation each time the bytes
 * surviving since its last growth exceed its size: over the ~500k verifies of a 1M run a worker's
 * new space grew to 8-16 MB semi-spaces. A worker replaced every 131,072 signatures (~4.5 MB
 * surviving) stays at 2-4 MB; a 10k or 100k run replaces none. A replacement costs its start-up
 * (~15-20 ms CPU) and re-imports the keys it meets again (issue 7, session 8).
 */
export const RECYCLE_AFTER = 131_072;

export interface SignaturePoolOptions {
  /** Number of workers; default min(navigator.hardwareConcurrency, cap). */
  threads?: number;
  /** Upper bound on the default thread count (memory and start-up cost per worker). Default 4. */
  cap?: number;
  /** 'auto' (WebCrypto if its known-answer probe passes, else pure JS), or force one. */
  backend?: BackendChoice;
  /** Smallest chunk a batch is split into. */
  minChunk?: number;
  /** Worker factory (tests, bench pages bundled without Vite). */
  createWorker?: () => WorkerLike;
  /** Replace a worker after it has been sent this many signatures (default RECYCLE_AFTER; Infinity: never). */
  recycleAfter?: number;
}

/**
 * The part of a DOM Worker the pool uses, typed structurally so the module also type-checks (and
 * is tested) under Node's lib, where tests stand in MessageChannel-backed workers.
 */
export interface WorkerLike {
  postMessage(msg: unknown, transfer: ArrayBuffer[]): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (e: { data?: unknown; message?: string }) => void): void;
  terminate(): void;
}

function defaultWorker(): WorkerLike {
  // `new Worker(new URL(…, import.meta.url))` verbatim, so Vite bundles the worker module.
  const Worker = (globalThis as unknown as { Worker: new (url: URL, options: { type: 'module'; name: string }) => WorkerLike }).Worker;
  return new Worker(new URL('./signature.worker.ts', import.meta.url), { type: 'module', name: 'atlas-signatures' });
}

function workerPort(w: WorkerLike): Port<PoolResponse, PoolRequest> {
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    subscribe(onMessage, onFailure) {
      w.addEventListener('message', (e) => onMessage(e.data as PoolResponse));
      w.addEventListener('error', (e) => onFailure(new Error(`signature worker failed: ${e.message || 'load error'}`)));
      w.addEventListener('messageerror', () => onFailure(new Error('signature worker: message could not be decoded')));
    }
  };
}

export function defaultThreads(cap = 4): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  const hc = nav?.hardwareConcurrency && nav.hardwareConcurrency > 0 ? nav.hardwareConcurrency : 2;
  return Math.max(1, Math.min(hc, cap));
}

/** A started pool. `backend` names what the workers use, e.g. 'webcrypto' or 'noble-curves'. */
export class SignaturePool extends PooledVerifier<WorkerLike> {
  /** Start the workers and wait until each has chosen its backend (all must choose the same). */
  static async start(options: SignaturePoolOptions = {}): Promise<SignaturePool> {
    const n = options.threads ?? defaultThreads(options.cap);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`SignaturePool: threads must be a positive integer, got ${n}`);
    const make = options.createWorker ?? defaultWorker;
    const workers = Array.from({ length: n }, make);
    try {
      const after = options.recycleAfter ?? RECYCLE_AFTER;
      if (!(after > 0)) throw new RangeError(`SignaturePool: recycleAfter must be positive, got ${after}`);
      const recycle = after === Infinity ? undefined : { after, spawn: make, stop: (w: WorkerLike) => w.terminate() };
      return new SignaturePool(workers, await connectWorkers('SignaturePool', workers, workerPort, options, recycle));
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
  }

  readonly #reading = this.readers.map(() => 0);

  /**
   * Fetch a whole small file in an idle worker (HttpSource.readVia), or decline (null) when every
   * worker has more than READ_BACKLOG signatures outstanding. Each fetch() costs its calling thread
   * ~0.5-1 ms in Chromium; sent to the workers while the ordered pass is the slower side, it comes
   * off the critical path, and when the workers are, it stays where it was (issue 7).
   */
  readFile = (url: string, maxBytes: number): Promise<FileAnswer> | null => {
    let w = -1;
    for (let i = 0; i < this.#reading.length; i++) {
      if (this.outstanding(i) > READ_BACKLOG) continue;
      if (w < 0 || this.#reading[i]! < this.#reading[w]!) w = i;
    }
    if (w < 0) return null;
    this.#reading[w]!++;
    const r = this.readers[w]!(url, maxBytes);
    const done = (): void => void this.#reading[w]!--;
    r.then(done, done);
    return r;
  };

  close(): void {
    for (const w of this.workers) w.terminate();
  }
}
