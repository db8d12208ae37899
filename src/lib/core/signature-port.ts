// The message protocol between a signature pool and its workers (issue 7), shared by the browser
// pool (Web Workers, src/lib/worker/pool) and the CLI pool (worker_threads, src/cli/pool). Both
// sides are written against a minimal port (post + subscribe), so this module stays pure.
//
//   pool → worker  {t:'init', backend}            worker → pool  {t:'ready', backend} | {t:'error', message}
//   pool → worker  {t:'verify', id, batch}        worker → pool  {t:'verdicts', id, verdicts} | {t:'error', id, message}
//   (for a batch with lines, `verdicts` is followed by each item's event id and leaf hash: answerPacked)
//   pool → worker  {t:'hash', id, stream, chunk}  a segment's bytes, in order, hashed in the worker;
//                  chunk null ends the stream       worker → pool  {t:'digest', id, digest} | {t:'error', id, message}
//   pool → worker  {t:'read', id, url, maxBytes}  a whole small file fetched in the worker (browser);
//                                                  worker → pool  {t:'file', id, answer}

import { createSha256, type Sha256Hasher } from './hash';
import { LIMITS } from './types';
import { answerPacked, knownVerdicts, transferables, type BatchDigests, verifyPacked, verifyPackedAll, verifyPackedKeyed, type KeyedBackend, type PackedSignatures, type SignatureEndpoint, type VerifyAll, type VerifyOne } from './signature-batch';

/** Which Ed25519 implementation a worker should use: 'auto' = the fast native one if its probe passes. */
export type BackendChoice = 'auto' | 'native' | 'pure';

export type PoolRequest =
  | { t: 'init'; backend: BackendChoice }
  | { t: 'verify'; id: number; batch: PackedSignatures }
  | { t: 'hash'; id: number; stream: number; chunk: Uint8Array | null }
  | { t: 'read'; id: number; url: string; maxBytes: number };
export type PoolResponse =
  | { t: 'ready'; backend: string }
  | { t: 'verdicts'; id: number; verdicts: Uint8Array }
  | { t: 'digest'; id: number; digest: Uint8Array }
  | { t: 'file'; id: number; answer: FileAnswer }
  | { t: 'error'; id?: number; message: string };

/**
 * A SHA-256 computed in a worker over bytes sent in order (a segment file while it streams in), so
 * the ordered pass does not hash every byte itself (issue 7). `update` copies the chunk.
 */
export interface RemoteHasher {
  update(chunk: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

/**
 * A whole small file (checkpoint note, content) fetched by a worker for the ordered pass's thread
 * (issue 7: in a Chromium worker each fetch() costs ~0.5-1 ms of the calling thread, ~2,150 of
 * them at 100k events). A failure is described, not thrown, so the requester raises exactly the
 * error its own fetch would have: 'network' (fetch rejected), 'status' (an HTTP answer that is not
 * ok, or no body), 'limit' (more than maxBytes), 'body' (the body stopped arriving: a TypeError).
 */
export type FileAnswer = { ok: true; bytes: Uint8Array } | { ok: false; kind: 'network' | 'status' | 'limit' | 'body'; status: number; message: string };

/** Fetches a file for a peer; supplied by the host (core does no I/O). */
export type FileFetcher = (url: string, maxBytes: number) => Promise<FileAnswer>;

/** A FileFetcher that may decline (null): the caller then reads the file itself. */
export type FileReader = (url: string, maxBytes: number) => Promise<FileAnswer> | null;

/** What a worker's host may add to the protocol (core does no I/O and has no native hash of its own). */
export interface WorkerHost {
  /** Fetch whole files for the pool ('read'): the browser's workers. */
  fetchFile?: FileFetcher;
  /**
   * A native one-shot SHA-256 (WebCrypto's `digest`). A hash stream up to `digestMax` bytes is then
   * kept whole and hashed once at its end instead of by the pure-JS hasher chunk by chunk (issue 7:
   * @noble/hashes over a 100k ledger's 45 MB of segments was ~10 % of each signature worker).
   */
  digest?: (bytes: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
  /** Default 16 MiB (LIMITS.segmentBytes); a longer stream goes on through the pure-JS hasher. */
  digestMax?: number;
  /**
   * Check each valid aegis.attest's subject key here (answerPacked's ATTEST_KEY_OK). For the browser's
   * workers, which wait for the ordered pass; the CLI's workers are its slower side and do not.
   */
  attestKeys?: boolean;
  /** An event batch's ids and leaves computed by the host (the browser's: WebAssembly SHA-256); default core's JS. */
  digests?: BatchDigests;
}

/** A hash stream in a worker: chunks kept for a native one-shot digest, or an incremental hasher. */
type HashStream = { parts: Uint8Array[]; bytes: number } | Sha256Hasher | Error;

/** Bytes of a hash stream sent to the worker per message (RemoteHasher). */
const HASH_POST_BYTES = 1 << 20;

/** The batch's distinct keys as 32-byte views. */
function keyViews(p: PackedSignatures): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (!(p.keys instanceof Uint8Array)) return out; // assertPacked reports it
  for (let k = 0; k + 32 <= p.keys.length; k += 32) out.push(p.keys.subarray(k, k + 32));
  return out;
}

/** The two things either side needs from a Worker / worker_threads port. */
export interface Port<In, Out> {
  post(msg: Out, transfer?: ArrayBuffer[]): void;
  subscribe(onMessage: (msg: In) => void, onFailure: (err: Error) => void): void;
}

/** What a worker resolves at init: the backend's name and its verify function (rule included). */
export interface WorkerVerifier {
  name: string;
  verifyOne: VerifyOne;
  /** A whole-batch form with the same verdicts, used when present (the pure backend). */
  verifyAll?: VerifyAll;
  /** A backend with per-key handles, used through verifyPackedKeyed when present and verifyAll is not (WebCrypto; prepareKeys is then not called). */
  keyed?: KeyedBackend<unknown>;
  /** Called with a batch's distinct keys before its items are verified (WebCrypto: import them at once). */
  prepareKeys?: (keys: readonly Uint8Array[]) => Promise<void>;
}

/**
 * The worker side: answer init with the chosen backend, then verify batches strictly one after the
 * other (a batch is already as large as a segment's share; interleaving would only add latency).
 */
export function serveSignaturePort(port: Port<PoolRequest, PoolResponse>, choose: (choice: BackendChoice) => Promise<WorkerVerifier>, host: WorkerHost = {}): void {
  const { fetchFile, digest: nativeDigest } = host;
  const digestMax = host.digestMax ?? LIMITS.segmentBytes;
  let verifier: Promise<WorkerVerifier> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const streams = new Map<number, HashStream>();
  port.subscribe(
    (msg) => {
      if (msg.t === 'init') {
        verifier = choose(msg.backend);
        verifier.then(
          (v) => port.post({ t: 'ready', backend: v.name }),
          (e: unknown) => port.post({ t: 'error', message: `backend init failed: ${e instanceof Error ? e.message : String(e)}` })
        );
        return;
      }
      if (msg.t === 'read') {
        // Not queued behind the batches: the ordered pass may be waiting for this file.
        const { id, url, maxBytes } = msg;
        const fail = (e: unknown): FileAnswer => ({ ok: false, kind: 'body', status: 0, message: e instanceof Error ? e.message : String(e) });
        (fetchFile ? fetchFile(url, maxBytes).catch(fail) : Promise.resolve(fail(new TypeError('this worker cannot fetch files')))).then((answer) => {
          port.post({ t: 'file', id, answer }, answer.ok ? [answer.bytes.buffer as ArrayBuffer] : []);
        });
        return;
      }
      if (msg.t === 'hash') {
        // On the same queue as the batches, so a stream's chunks are hashed in the order sent.
        const { id, stream, chunk } = msg;
        queue = queue.then(() => {
          let h = streams.get(stream);
          try {
            if (h instanceof Error) throw h;
            if (!h) streams.set(stream, (h = nativeDigest ? { parts: [], bytes: 0 } : createSha256()));
            if (chunk) {
              if (!('parts' in h)) return void h.update(chunk);
              h.parts.push(chunk); // a copy made for this worker (RemoteHasher.update)
              h.bytes += chunk.length;
              if (h.bytes > digestMax) {
                const inc = createSha256();
                for (const p of h.parts) inc.update(p);
                streams.set(stream, inc);
              }
              return;
            }
            streams.delete(stream);
            if ('parts' in h) {
              const whole = new Uint8Array(h.bytes);
              let at = 0;
              for (const p of h.parts) {
                whole.set(p, at);
                at += p.length;
              }
              nativeDigest!(whole).then(
                (digest) => port.post({ t: 'digest', id, digest }, [digest.buffer as ArrayBuffer]),
                (e: unknown) => port.post({ t: 'error', id, message: e instanceof Error ? e.message : String(e) })
              );
              return;
            }
            const digest = h.digest();
            port.post({ t: 'digest', id, digest }, [digest.buffer as ArrayBuffer]);
          } catch (e) {
            const err = e instanceof Error ? e : new Error(String(e));
            if (chunk) streams.set(stream, err); // reported at the stream's digest
            else {
              streams.delete(stream);
              port.post({ t: 'error', id, message: err.message });
            }
          }
        });
        return;
      }
      const { id, batch } = msg;
      queue = queue.then(async () => {
        try {
          if (!verifier) throw new TypeError('verify before init');
          const v = await verifier;
          let checked: Uint8Array;
          if (batch.known === true && batch.lines) checked = knownVerdicts(batch); // digests only (EventLines.known)
          else if (v.keyed && !v.verifyAll) checked = await verifyPackedKeyed(batch, v.keyed);
          else {
            if (v.prepareKeys) await v.prepareKeys(keyViews(batch));
            checked = v.verifyAll ? verifyPackedAll(batch, v.verifyAll) : await verifyPacked(batch, v.verifyOne);
          }
          const verdicts = answerPacked(batch, checked, host.attestKeys === true, host.digests);
          port.post({ t: 'verdicts', id, verdicts }, [verdicts.buffer as ArrayBuffer]);
        } catch (e) {
          port.post({ t: 'error', id, message: e instanceof Error ? e.message : String(e) });
        }
      });
    },
    () => {}
  );
}

/**
 * The pool side of one worker: an endpoint for SignatureScheduler. `ready` resolves with the
 * backend name the worker chose; a worker error rejects every request in flight.
 */
export function connectSignaturePort(
  port: Port<PoolResponse, PoolRequest>,
  backend: BackendChoice
): { endpoint: SignatureEndpoint; ready: Promise<string>; hasher(): RemoteHasher; read: FileFetcher } {
  let nextId = 1;
  let nextStream = 1;
  const pending = new Map<number, { resolve: (v: Uint8Array) => void; reject: (e: Error) => void }>();
  const reads = new Map<number, { resolve: (v: FileAnswer) => void; reject: (e: Error) => void }>();
  let resolveReady!: (name: string) => void;
  let rejectReady!: (e: Error) => void;
  const ready = new Promise<string>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  let dead: Error | null = null;
  const failAll = (err: Error): void => {
    dead = err;
    rejectReady(err);
    for (const p of pending.values()) p.reject(err);
    pending.clear();
    for (const r of reads.values()) r.reject(err);
    reads.clear();
  };
  port.subscribe((msg) => {
    if (msg.t === 'ready') return resolveReady(msg.backend);
    if (msg.t === 'file') {
      const r = reads.get(msg.id);
      reads.delete(msg.id);
      return r?.resolve(msg.answer);
    }
    if (msg.t === 'verdicts' || msg.t === 'digest') {
      const p = pending.get(msg.id);
      pending.delete(msg.id);
      return p?.resolve(msg.t === 'verdicts' ? msg.verdicts : msg.digest);
    }
    if (msg.id === undefined) return failAll(new Error(`signature worker: ${msg.message}`));
    const p = pending.get(msg.id);
    pending.delete(msg.id);
    p?.reject(new Error(`signature worker: ${msg.message}`));
  }, failAll);
  port.post({ t: 'init', backend });
  const endpoint: SignatureEndpoint = {
    verify(batch: PackedSignatures): Promise<Uint8Array> {
      if (dead) return Promise.reject(dead);
      const id = nextId++;
      return new Promise<Uint8Array>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        port.post({ t: 'verify', id, batch }, transferables(batch));
      });
    }
  };
  const hasher = (): RemoteHasher => {
    const stream = nextStream++;
    let ended = false;
    // Chunks are copied into HASH_POST_BYTES pieces, each posted once full: one message per MiB
    // rather than per network chunk (issue 7: postMessage has a fixed cost on both threads).
    let piece: Uint8Array | null = null;
    let used = 0;
    const flush = (): void => {
      if (!piece || used === 0) return;
      const out = used === piece.length ? piece : piece.slice(0, used);
      piece = null;
      used = 0;
      port.post({ t: 'hash', id: 0, stream, chunk: out }, [out.buffer as ArrayBuffer]);
    };
    return {
      update(chunk: Uint8Array): void {
        if (ended) throw new TypeError('RemoteHasher: update() after digest()');
        if (dead) return; // digest() reports the failure
        for (let off = 0; off < chunk.length; ) {
          piece ??= new Uint8Array(HASH_POST_BYTES);
          const n = Math.min(chunk.length - off, piece.length - used);
          piece.set(chunk.subarray(off, off + n), used);
          used += n;
          off += n;
          if (used === piece.length) flush();
        }
      },
      digest(): Promise<Uint8Array> {
        if (ended) return Promise.reject(new TypeError('RemoteHasher: digest() called twice'));
        ended = true;
        if (dead) return Promise.reject(dead);
        flush();
        const id = nextId++;
        return new Promise<Uint8Array>((resolve, reject) => {
          pending.set(id, { resolve, reject });
          port.post({ t: 'hash', id, stream, chunk: null });
        });
      }
    };
  };
  const read: FileFetcher = (url, maxBytes) => {
    if (dead) return Promise.reject(dead);
    const id = nextId++;
    return new Promise<FileAnswer>((resolve, reject) => {
      reads.set(id, { resolve, reject });
      port.post({ t: 'read', id, url, maxBytes });
    });
  };
  return { endpoint, ready, hasher, read };
}
