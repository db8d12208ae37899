// The CLI signature pool (issue 7): the same scheduler and wire format as the browser pool
// (src/lib/core/signature-batch.ts, signature-port.ts) over node:worker_threads. Each worker uses
// node:crypto behind the §7 prechecks (perf-limits.md §2: 15.6k verify/s per core, 31.9k on two),
// while the main thread runs the ordered pass. `atlas verify --threads N` picks N (default: cores).

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { PooledVerifier, connectWorkers } from '../../lib/core/signature-pool-base';
import type { BackendChoice, PoolRequest, PoolResponse, Port } from '../../lib/core/signature-port';

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

export class CliSignaturePool extends PooledVerifier<Worker> {
  static async start(options: CliPoolOptions = {}): Promise<CliSignaturePool> {
    const n = options.threads ?? defaultThreads();
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`CliSignaturePool: threads must be a positive integer, got ${n}`);
    const url = options.workerUrl ?? new URL('./signature-worker.mjs', import.meta.url);
    const workers = Array.from({ length: n }, () => new Worker(url));
    try {
      // Workers stay ref'd (a pending verdict must keep the process alive); close() ends them.
      return new CliSignaturePool(workers, await connectWorkers('CliSignaturePool', workers, threadPort, options));
    } catch (e) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw e;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
