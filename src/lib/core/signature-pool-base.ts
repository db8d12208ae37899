// What the browser pool (src/lib/worker/pool) and the CLI pool (src/cli/pool) share once their
// workers exist: connecting each over the pool protocol (signature-port.ts), agreeing on one
// backend, and scheduling batches (signature-batch.ts). Each pool adds only how it starts and
// stops its kind of worker.

import { pureBackend } from './ed25519';
import { SignatureScheduler, type EventLines, type PackedSignatures, type SignatureEndpoint, type SignatureItem } from './signature-batch';
import { connectSignaturePort, type BackendChoice, type FileFetcher, type PoolRequest, type PoolResponse, type Port, type RemoteHasher } from './signature-port';

export interface ConnectedWorkers<W> {
  scheduler: SignatureScheduler;
  hashers: ReadonlyArray<() => RemoteHasher>;
  /** Per worker: fetch a whole file there (workers that can: the browser's). */
  readers: readonly FileFetcher[];
  /** The backend every worker chose, e.g. 'webcrypto', 'node-crypto' or 'noble-curves'. */
  backend: string;
  /** Every worker not yet stopped: the pool's, and replaced ones still finishing their work. */
  live(): W[];
  /** Workers started to replace others (Recycle). */
  replaced(): number;
}

/**
 * Replace a worker once it has been sent `after` signatures: its next batch goes to a fresh worker
 * (same backend), and the old one is stopped once everything sent to it (batches, hash streams,
 * reads) has been answered. A worker's isolate keeps what its GC heuristics grew to over a long run
 * (issue 7, session 8: in Chromium each WebCrypto verify leaves ~30 bytes that survive the next
 * scavenge, so over 500k verifies V8 doubles a signature worker's new space to 8-16 MB; a fresh
 * worker starts at 1 MB). Verdicts do not depend on which worker answers.
 */
export interface Recycle<W> {
  after: number;
  spawn(): W;
  stop(w: W): void;
}

/** One worker with its connection; `busy` counts requests sent to it and not yet answered. */
interface Hand<W> {
  worker: W;
  conn: ReturnType<typeof connectSignaturePort>;
  served: number;
  busy: number;
  retired: boolean;
}

/** Connect the workers and wait until each has chosen its backend; all must choose the same. */
export async function connectWorkers<W>(
  label: string,
  workers: readonly W[],
  port: (w: W) => Port<PoolResponse, PoolRequest>,
  options: { backend?: BackendChoice; minChunk?: number },
  recycle?: Recycle<W>
): Promise<ConnectedWorkers<W>> {
  const conns = workers.map((w) => connectSignaturePort(port(w), options.backend ?? 'auto'));
  const names = await Promise.all(conns.map((c) => c.ready));
  if (new Set(names).size !== 1) throw new Error(`${label}: workers chose different backends (${names.join(', ')})`);
  // Key affinity only for the pure backend, whose per-key tables are costly to build; the native
  // backends' per-key cost is a key import, and equal chunks balance them better. (node:crypto with
  // affinity imports fewer keys, 6,779 -> 4,939 at 100k, but its peak RSS was 15-22 MB higher
  // and its CPU gain, ~1-2 % of a worker, was below what this machine can measure: session 4.)
  const affinity = names[0] === pureBackend.name;
  // A replacement is told the backend the pool has (a worker that cannot use it fails its requests).
  const choice: BackendChoice = affinity ? 'pure' : 'native';
  const hands: Hand<W>[] = workers.map((worker, i) => ({ worker, conn: conns[i]!, served: 0, busy: 0, retired: false }));
  const draining = new Set<Hand<W>>();
  let replaced = 0;
  const stop = (h: Hand<W>): void => {
    draining.delete(h);
    recycle!.stop(h.worker);
  };
  /** Count `p` as work of `h` until it settles; returns `p` itself. */
  const track = <T>(h: Hand<W>, p: Promise<T>): Promise<T> => {
    h.busy++;
    const done = (): void => {
      if (--h.busy === 0 && h.retired) stop(h);
    };
    p.then(done, done);
    return p;
  };
  /** The hand that takes worker slot i's next batch (a fresh one once the current one has served `after`). */
  const next = (i: number): Hand<W> => {
    const h = hands[i]!;
    if (!recycle || h.served < recycle.after) return h;
    h.retired = true;
    if (h.busy === 0) recycle.stop(h.worker);
    else draining.add(h);
    const worker = recycle.spawn();
    const conn = connectSignaturePort(port(worker), choice);
    conn.ready.catch(() => undefined); // a replacement that fails rejects what is sent to it
    replaced++;
    return (hands[i] = { worker, conn, served: 0, busy: 0, retired: false });
  };
  const endpoints: SignatureEndpoint[] = hands.map((_, i) => ({
    verify(batch: PackedSignatures): Promise<Uint8Array> {
      const h = next(i);
      h.served += batch.count;
      return track(h, h.conn.endpoint.verify(batch));
    }
  }));
  const scheduler = new SignatureScheduler(endpoints, options.minChunk === undefined ? { affinity } : { minChunk: options.minChunk, affinity });
  const hashers = hands.map((_, i) => (): RemoteHasher => {
    const h = hands[i]!;
    const r = h.conn.hasher();
    // the stream is this worker's work from its first chunk to its digest
    h.busy++;
    let ended = false;
    return {
      update: (chunk) => r.update(chunk),
      digest(): Promise<Uint8Array> {
        const d = r.digest();
        if (!ended) {
          ended = true;
          h.busy--;
          track(h, d);
        }
        return d;
      }
    };
  });
  const readers: FileFetcher[] = hands.map((_, i) => (url, maxBytes) => {
    const h = hands[i]!;
    return track(h, h.conn.read(url, maxBytes));
  });
  return {
    scheduler,
    hashers,
    readers,
    backend: names[0]!,
    live: () => [...hands.map((h) => h.worker), ...[...draining].map((h) => h.worker)],
    replaced: () => replaced
  };
}

/** A started pool of N connected workers (report.ts SignatureVerifier). */
export abstract class PooledVerifier<W> {
  readonly #connected: ConnectedWorkers<W>;
  readonly #size: number;
  readonly #scheduler: SignatureScheduler;
  readonly #hashers: ReadonlyArray<() => RemoteHasher>;
  #nextHasher = 0;
  /** Per worker: fetch a whole file there (used by the browser pool, whose workers can). */
  protected readonly readers: readonly FileFetcher[];
  readonly backend: string;

  protected constructor(workers: readonly W[], connected: ConnectedWorkers<W>) {
    this.#connected = connected;
    this.#size = workers.length;
    this.#scheduler = connected.scheduler;
    this.#hashers = connected.hashers;
    this.readers = connected.readers;
    this.backend = connected.backend;
  }

  /** Every worker not yet stopped (close() ends them). */
  protected get workers(): readonly W[] {
    return this.#connected.live();
  }

  /** Workers started so far to replace others (Recycle). */
  get replaced(): number {
    return this.#connected.replaced();
  }

  get size(): number {
    return this.#size;
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
  verifyEvents(batch: EventLines): Promise<{ verdicts: Uint8Array; digests: Uint8Array }> {
    return this.#scheduler.verifyEvents(batch);
  }
}
