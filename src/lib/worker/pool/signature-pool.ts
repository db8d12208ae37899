// The browser signature pool (issue 7): N dedicated Web Workers verify Ed25519 signatures of whole
// segments in parallel while the verifier worker runs the one ordered pass (chain, log, replay).
// Chromium's WebCrypto Ed25519 runs on the calling thread (perf-limits.md §3), so parallelism comes
// only from workers: N = min(hardwareConcurrency, cap). Verdicts follow the same rule as the
// single-thread path (BUNDLE_FORMAT.md §7) and come back in item order, so the first failure
// reported is the same (tests/unit/perf-equivalence.test.ts).

import { SignatureScheduler, type EventSignatureItem, type SignatureItem } from '../../core/signature-batch';
import { connectSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type Port, type RemoteHasher } from '../../core/signature-port';

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
export class SignaturePool {
  readonly #workers: WorkerLike[];
  readonly #scheduler: SignatureScheduler;
  readonly #hashers: ReadonlyArray<() => RemoteHasher>;
  #nextHasher = 0;
  readonly backend: string;

  private constructor(workers: WorkerLike[], scheduler: SignatureScheduler, backend: string, hashers: ReadonlyArray<() => RemoteHasher>) {
    this.#hashers = hashers;
    this.#workers = workers;
    this.#scheduler = scheduler;
    this.backend = backend;
  }

  /** Start the workers and wait until each has chosen its backend (all must choose the same). */
  static async start(options: SignaturePoolOptions = {}): Promise<SignaturePool> {
    const n = options.threads ?? defaultThreads(options.cap);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`SignaturePool: threads must be a positive integer, got ${n}`);
    const make = options.createWorker ?? defaultWorker;
    const workers = Array.from({ length: n }, make);
    try {
      const conns = workers.map((w) => connectSignaturePort(workerPort(w), options.backend ?? 'auto'));
      const names = await Promise.all(conns.map((c) => c.ready));
      if (new Set(names).size !== 1) throw new Error(`SignaturePool: workers chose different backends (${names.join(', ')})`);
      const scheduler = new SignatureScheduler(
        conns.map((c) => c.endpoint),
        options.minChunk === undefined ? {} : { minChunk: options.minChunk }
      );
      return new SignaturePool(
        workers,
        scheduler,
        names[0]!,
        conns.map((c) => c.hasher)
      );
    } catch (e) {
      for (const w of workers) w.terminate();
      throw e;
    }
  }

  get size(): number {
    return this.#workers.length;
  }

  /** Verdicts in item order, true = valid under the §7 rule. */
  async verifyBatch(items: readonly SignatureItem[]): Promise<boolean[]> {
    return Array.from(await this.#scheduler.verifyBatch(items), (b) => b === 1);
  }

  /** A SHA-256 of a segment's bytes, hashed in one of the workers (streams take turns). */
  segmentHasher(): RemoteHasher {
    const h = this.#hashers[this.#nextHasher++ % this.#hashers.length]!;
    return h();
  }

  /** Verdict bytes and each event's id and leaf hash, computed in the workers (report.ts SignatureVerifier). */
  verifyEvents(items: readonly EventSignatureItem[]): Promise<{ verdicts: Uint8Array; digests: Uint8Array }> {
    return this.#scheduler.verifyEvents(items);
  }

  /** Raw verdict bytes (1 valid, 0 invalid), without the boolean[] copy. */
  verifyBatchBytes(items: readonly SignatureItem[]): Promise<Uint8Array> {
    return this.#scheduler.verifyBatch(items);
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}
