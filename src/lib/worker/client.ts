// The main thread's handle on the verifier worker (STYLE.md 9–10). It owns the lifecycle: the
// worker starts lazily, in the browser only (never during SSR or prerender); a load takes an
// AbortSignal and aborting terminates the worker (a replay cannot be interrupted politely
// mid-segment, and the main thread must never wait for it); the latest request of each kind wins,
// and superseded answers are dropped (resolved as `null`).
import * as Comlink from 'comlink';
import { browser } from '$app/environment';
import type { VerifierApi } from './verifier.worker';
import type { LoadOptions, LoadResult, SourceSpec } from './protocol';
import type { WorkerProgress } from './progress-meter';

type Remote = Comlink.Remote<VerifierApi>;
type QueryName = Exclude<keyof VerifierApi, 'load' | 'cancel'>;
type Awaited2<T> = T extends Promise<infer U> ? U : T;

export class VerifierClient {
  #worker: Worker | null = null;
  #remote: Remote | null = null;
  #loadGen = 0;
  readonly #queryGen = new Map<string, number>();

  #start(): Remote {
    if (!browser) throw new TypeError('VerifierClient: the verifier worker runs only in the browser');
    if (!this.#remote) {
      this.#worker = new Worker(new URL('./verifier.worker.ts', import.meta.url), { type: 'module', name: 'atlas-verifier' });
      this.#remote = Comlink.wrap<VerifierApi>(this.#worker);
    }
    return this.#remote;
  }

  /** Stop the worker now; the next call starts a fresh one (with nothing loaded). */
  terminate(): void {
    this.#worker?.terminate();
    if (this.#remote) this.#remote[Comlink.releaseProxy]();
    this.#worker = null;
    this.#remote = null;
  }

  get started(): boolean {
    return this.#worker !== null;
  }

  /**
   * Load and verify a bundle. A newer load supersedes an older one (the older resolves with
   * status 'cancelled'); aborting `signal` terminates the worker.
   */
  async load(source: SourceSpec, opts: LoadOptions, onProgress: (p: WorkerProgress) => void, signal?: AbortSignal): Promise<LoadResult> {
    const gen = ++this.#loadGen;
    // Latest request wins: a load still running in the worker is abandoned with it.
    if (gen > 1 && this.#remote) this.terminate();
    const cancelled: LoadResult = { status: 'cancelled', message: 'Verification was cancelled.', report: null, cache: { status: 'ok' }, anchor: null, drift: null };
    if (signal?.aborted) return cancelled;
    const remote = this.#start();
    const worker = this.#worker;
    return new Promise<LoadResult>((resolve) => {
      const onAbort = () => {
        if (this.#worker === worker) this.terminate();
        resolve(cancelled);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const crashed = (message: string): LoadResult => ({ status: 'error', message, report: null, cache: { status: 'ok' }, anchor: null, drift: null });
      worker?.addEventListener('error', (e) => resolve(crashed(`The verifier stopped unexpectedly: ${e.message || 'worker error'}`)), { once: true });
      remote
        .load(
          source,
          opts,
          Comlink.proxy((p: WorkerProgress) => {
            if (gen === this.#loadGen) onProgress(p);
          })
        )
        .then(
          (r) => resolve(gen === this.#loadGen ? r : cancelled),
          (e: unknown) => resolve(gen === this.#loadGen ? crashed(`The verifier failed: ${(e as Error)?.message ?? String(e)}`) : cancelled)
        )
        .finally(() => signal?.removeEventListener('abort', onAbort));
    });
  }

  /** Ask the worker to stop the running load at the next event boundary (keeps the worker). */
  async cancel(): Promise<void> {
    if (this.#remote) await this.#remote.cancel();
  }

  /**
   * Run a query. Queries of the same `slot` (e.g. 'explain' for the open explanation) are
   * "latest wins": a superseded answer resolves as null. A query on a worker that has not
   * loaded anything returns the worker's own "not loaded" answer.
   */
  async query<K extends QueryName>(slot: string, name: K, ...args: Parameters<VerifierApi[K]>): Promise<Awaited2<ReturnType<VerifierApi[K]>> | null> {
    const gen = (this.#queryGen.get(slot) ?? 0) + 1;
    this.#queryGen.set(slot, gen);
    const remote = this.#start();
    const fn = remote[name] as unknown as (...a: unknown[]) => Promise<Awaited2<ReturnType<VerifierApi[K]>>>;
    const r = await fn(...args);
    return this.#queryGen.get(slot) === gen ? r : null;
  }
}
