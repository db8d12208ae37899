// The CLI signature pool (issue 7): the same scheduler and wire format as the browser pool
// (src/lib/core/signature-batch.ts, signature-port.ts) over node:worker_threads. Each worker uses
// node:crypto behind the §7 prechecks (perf-limits.md §2: 15.6k verify/s per core, 31.9k on two),
// while the main thread runs the ordered pass. `atlas verify --threads N` picks N (default: cores).

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { SignatureScheduler, type EventSignatureItem, type SignatureItem } from '../../lib/core/signature-batch';
import { connectSignaturePort, type BackendChoice, type PoolRequest, type PoolResponse, type Port, type RemoteHasher } from '../../lib/core/signature-port';

export interface CliPoolOptions {
  /** Worker threads; default os.availableParallelism(). */
  threads?: number;
  /** 'auto'/'native' = node:crypto, 'pure' = the pure-JS fallback (for the agreement and bench runs). */
  backend?: BackendChoice;
  minChunk?: number;
  /**
   * The built worker script. Default: signature-worker.mjs next to the running bundle (the CLI
   * build emits it there); tests pass a freshly bundled copy.
   */
  workerUrl?: URL;
}

function threadPort(w: Worker): Port<PoolResponse, PoolRequest> {
  return {
    post: (msg, transfer) => w.postMessage(msg, transfer ?? []),
    subscribe(onMessage, onFailure) {
      w.on('message', onMessage);
      w.on('error', (e: Error) => onFailure(new Error(`signature worker failed: ${e.message}`)));
      w.on('exit', (code) => {
        if (code !== 0) onFailure(new Error(`signature worker exited with code ${code}`));
      });
    }
  };
}

export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

export class CliSignaturePool {
  readonly #workers: Worker[];
  readonly #scheduler: SignatureScheduler;
  readonly #hashers: ReadonlyArray<() => RemoteHasher>;
  #nextHasher = 0;
  readonly backend: string;

  private constructor(workers: Worker[], scheduler: SignatureScheduler, backend: string, hashers: ReadonlyArray<() => RemoteHasher>) {
    this.#hashers = hashers;
    this.#workers = workers;
    this.#scheduler = scheduler;
    this.backend = backend;
  }

  static async start(options: CliPoolOptions = {}): Promise<CliSignaturePool> {
    const n = options.threads ?? defaultThreads();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`CliSignaturePool: threads must be a positive integer, got ${n}`);
    const url = options.workerUrl ?? new URL('./signature-worker.mjs', import.meta.url);
    const workers = Array.from({ length: n }, () => new Worker(url));
    try {
      const conns = workers.map((w) => connectSignaturePort(threadPort(w), options.backend ?? 'auto'));
      const names = await Promise.all(conns.map((c) => c.ready));
      if (new Set(names).size !== 1) throw new Error(`CliSignaturePool: workers chose different backends (${names.join(', ')})`);
      const scheduler = new SignatureScheduler(
        conns.map((c) => c.endpoint),
        options.minChunk === undefined ? {} : { minChunk: options.minChunk }
      );
      // Workers stay ref'd (a pending verdict must keep the process alive); close() ends them.
      return new CliSignaturePool(
        workers,
        scheduler,
        names[0]!,
        conns.map((c) => c.hasher)
      );
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
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

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}
