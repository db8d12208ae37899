// What the browser pool (src/lib/worker/pool) and the CLI pool (src/cli/pool) share once their
// workers exist: connecting each over the pool protocol (signature-port.ts), agreeing on one
// backend, and scheduling batches (signature-batch.ts). Each pool adds only how it starts and
// stops its kind of worker.

import { pureBackend } from './ed25519';
import { SignatureScheduler, type EventSignatureItem, type SignatureItem } from './signature-batch';
import { connectSignaturePort, type BackendChoice, type FileFetcher, type PoolRequest, type PoolResponse, type Port, type RemoteHasher } from './signature-port';

export interface ConnectedWorkers {
  scheduler: SignatureScheduler;
  hashers: ReadonlyArray<() => RemoteHasher>;
  /** Per worker: fetch a whole file there (workers that can: the browser's). */
  readers: readonly FileFetcher[];
  /** The backend every worker chose, e.g. 'webcrypto', 'node-crypto' or 'noble-curves'. */
  backend: string;
}

/** Connect the workers and wait until each has chosen its backend; all must choose the same. */
export async function connectWorkers<W>(
  label: string,
  workers: readonly W[],
  port: (w: W) => Port<PoolResponse, PoolRequest>,
  options: { backend?: BackendChoice; minChunk?: number }
): Promise<ConnectedWorkers> {
  const conns = workers.map((w) => connectSignaturePort(port(w), options.backend ?? 'auto'));
  const names = await Promise.all(conns.map((c) => c.ready));
  if (new Set(names).size !== 1) throw new Error(`${label}: workers chose different backends (${names.join(', ')})`);
  // Key affinity only for the pure backend, whose per-key tables are costly to build; the native
  // backends' per-key cost is a key import, and equal chunks balance them better. (node:crypto with
  // affinity imports fewer keys, 6,779 -> 4,939 at 100k, but its peak RSS was 15-22 MB higher
  // and its CPU gain, ~1-2 % of a worker, was below what this machine can measure: session 4.)
  const affinity = names[0] === pureBackend.name;
  const scheduler = new SignatureScheduler(
    conns.map((c) => c.endpoint),
    options.minChunk === undefined ? { affinity } : { minChunk: options.minChunk, affinity }
  );
  return { scheduler, hashers: conns.map((c) => c.hasher), readers: conns.map((c) => c.read), backend: names[0]! };
}

/** A started pool of N connected workers (report.ts SignatureVerifier). */
export abstract class PooledVerifier<W> {
  protected readonly workers: readonly W[];
  readonly #scheduler: SignatureScheduler;
  readonly #hashers: ReadonlyArray<() => RemoteHasher>;
  #nextHasher = 0;
  /** Per worker: fetch a whole file there (used by the browser pool, whose workers can). */
  protected readonly readers: readonly FileFetcher[];
  readonly backend: string;

  protected constructor(workers: readonly W[], connected: ConnectedWorkers) {
    this.workers = workers;
    this.#scheduler = connected.scheduler;
    this.#hashers = connected.hashers;
    this.readers = connected.readers;
    this.backend = connected.backend;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Signatures sent to worker w and not yet answered. */
  protected outstanding(w: number): number {
    return this.#scheduler.outstanding(w);
  }

  /** Verdicts in item order, true = valid under the §7 rule. */
  verifyBatch(items: readonly SignatureItem[]): Promise<boolean[]> {
    // not async: `items` is not held while the workers answer (see SignatureScheduler #run)
    return this.#scheduler.verifyBatch(items).then((v) => Array.from(v, (b) => b === 1));
  }

  /** Raw verdict bytes (1 valid, 0 invalid), without the boolean[] copy. */
  verifyBatchBytes(items: readonly SignatureItem[]): Promise<Uint8Array> {
    return this.#scheduler.verifyBatch(items);
  }

  /** A SHA-256 of a segment's bytes, hashed in one of the workers (streams take turns). */
  segmentHasher(): RemoteHasher {
    const h = this.#hashers[this.#nextHasher++ % this.#hashers.length]!;
    return h();
  }

  /** Verdict bytes and each event's id and leaf hash, computed in the workers. */
  verifyEvents(items: readonly EventSignatureItem[]): Promise<{ verdicts: Uint8Array; digests: Uint8Array }> {
    return this.#scheduler.verifyEvents(items);
  }
}
