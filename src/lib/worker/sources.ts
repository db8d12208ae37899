// Where bundle bytes come from, inside the worker: an HTTP(S) URL prefix (the demo under the app's
// base, or a `?bundle=` URL the user chose) or local files picked or dropped. Each implements the
// core driver's BundleSource shape {manifest(), stream(path), read(path)}. Streams yield chunks as
// they arrive (fetch + ReadableStream) so the driver hashes and parses while downloading.
// A source failure (404, network error, missing file) is thrown as the core's BundleSourceError;
// the driver turns it into a finding (segment.missing, checkpoint.missing, …) naming the file.
import { BundleSourceError, type BundleSource } from '$lib/core/bundle-source';
import { concatBytes } from '$lib/core/bytes';
import { LIMITS } from '$lib/core/types';
import type { FileAnswer, FileReader } from '$lib/core/signature-port';

/** The largest single file read whole (manifest, checkpoint notes, content): the manifest limit. */
export const READ_LIMIT = LIMITS.manifestBytes;

/** Bundle-relative paths only: no scheme, no absolute path, no `..` (untrusted manifest input). */
export function safeRelativePath(path: string): boolean {
  if (path.length === 0 || path.length > 512) return false;
  if (path.startsWith('/') || path.includes('\\') || path.includes('\0') || /^[a-z][a-z0-9+.-]*:/i.test(path)) return false;
  return path.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export interface ByteSource extends BundleSource {
  /** A short label for the UI and the report ('demo', the URL, or 'local files'). */
  readonly label: string;
  /** Bytes downloaded (or read) so far, for progress. */
  readonly bytesRead: number;
  /** A whole file, refusing more than maxBytes (default READ_LIMIT). */
  read(path: string, maxBytes?: number): Promise<Uint8Array>;
}

/** Collect a stream into one array, refusing more than maxBytes. */
export async function collect(chunks: AsyncIterable<Uint8Array>, maxBytes: number, path: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const c of chunks) {
    total += c.length;
    if (total > maxBytes) throw tooLarge(path, maxBytes);
    parts.push(c);
  }
  return concatBytes(...parts);
}

/**
 * The network itself failed: fetch rejected (offline, DNS, connection refused or reset) or the body
 * stopped arriving. For the manifest it also means that a no-cors request got no answer either, so
 * an HTTP error without CORS headers is not this. An HTTP status (404, 5xx) is the server's answer
 * and is never this. Same kind ('io') and message as before, so the driver is unaffected; only the
 * worker's offline fallback for the manifest looks at the difference.
 */
export class NetworkError extends BundleSourceError {
  constructor(path: string, message: string) {
    super(path, 'io', message);
  }
}

/** The errors a download of `path` raises, wherever it was fetched (HttpSource.stream, read, readVia). */
const downloadFailed = (path: string, why: string): NetworkError => new NetworkError(path, `could not download ${path}: ${why}`);
const httpFailed = (path: string, status: number): BundleSourceError => new BundleSourceError(path, status === 404 ? 'missing' : 'io', `could not download ${path}: HTTP ${status}`);
const tooLarge = (path: string, maxBytes: number): BundleSourceError => new BundleSourceError(path, 'io', `${path} is larger than the limit of ${maxBytes} bytes`);

/** The chunks of a byte stream as they arrive; the reader's lock is released however the loop ends. */
async function* chunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * The fetch options of every bundle file. `no-store`: the browser's HTTP cache is neither read nor
 * written. The app keeps what it verified in its own store (cached-source.ts, by content hash), so
 * the HTTP cache held a second copy of every byte; writing it cost the browser's network service
 * about a third of its CPU during a run (100k ledger: 4.1 -> 2.7 CPU-s outside the renderer, on the
 * same two cores as the verifier), and every file is now fetched fresh from the server.
 */
const FETCH_INIT: RequestInit = { credentials: 'omit', redirect: 'follow', cache: 'no-store' };

/**
 * A whole small file (checkpoint note, content), fetched where this runs: on the ordered pass's
 * thread (HttpSource.read) or in a signature worker (HttpSource.readVia). The request is the one
 * `HttpSource.stream` makes; the body is read chunk by chunk up to `maxBytes` (a body longer than
 * it says, or an undeclared one, is refused as soon as it passes the limit, as `collect` does);
 * failures are described as FileAnswer so the requester raises exactly what stream + collect would
 * have (HttpSource.read; tests/unit/worker/remote-read.test.ts compares every kind).
 */
export async function fetchFile(url: string, maxBytes: number): Promise<FileAnswer> {
  let res: Response;
  try {
    res = await fetch(url, FETCH_INIT);
  } catch (e) {
    return { ok: false, kind: 'network', status: 0, message: (e as Error).message || 'network error' };
  }
  if (!res.ok || !res.body) {
    void res.body?.cancel().catch(() => undefined);
    return { ok: false, kind: 'status', status: res.status, message: '' };
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    void res.body.cancel().catch(() => undefined);
    return { ok: false, kind: 'limit', status: res.status, message: '' };
  }
  const reader = res.body.getReader();
  let first: Uint8Array | null = null;
  let parts: Uint8Array[] | null = null;
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        void reader.cancel().catch(() => undefined);
        return { ok: false, kind: 'limit', status: res.status, message: '' };
      }
      if (first === null) first = value;
      else (parts ??= [first]).push(value);
    }
  } catch (e) {
    return { ok: false, kind: 'body', status: res.status, message: (e as Error).message };
  }
  if (parts) return { ok: true, bytes: concatBytes(...parts) };
  if (first === null) return { ok: true, bytes: new Uint8Array(0) };
  // One chunk (most small files): kept as it is when it owns its whole buffer (the worker transfers that buffer).
  return { ok: true, bytes: first.byteOffset === 0 && first.byteLength === first.buffer.byteLength ? first : first.slice() };
}

/** Files under one URL prefix. Only the chosen prefix is ever fetched. */
export class HttpSource implements ByteSource {
  readonly label: string;
  readonly #base: URL;
  #bytes = 0;
  #via: FileReader | null = null;

  constructor(base: string | URL, label: string) {
    const u = new URL(base);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new TypeError(`HttpSource: unsupported scheme ${u.protocol}`);
    if (!u.pathname.endsWith('/')) u.pathname += '/';
    u.search = '';
    u.hash = '';
    this.#base = u;
    this.label = label;
  }

  get bytesRead(): number {
    return this.#bytes;
  }

  /** The normalised prefix (trailing slash, no query or fragment): what identifies the bundle. */
  get href(): string {
    return this.#base.href;
  }

  url(path: string): URL {
    if (!safeRelativePath(path)) throw new BundleSourceError(path, 'missing', `refusing unsafe bundle path ${JSON.stringify(path)}`);
    return new URL(path, this.#base);
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    let res: Response;
    try {
      res = await fetch(this.url(path), FETCH_INIT);
    } catch (e) {
      throw downloadFailed(path, (e as Error).message || 'network error');
    }
    if (!res.ok || !res.body) throw httpFailed(path, res.status);
    const body = res.body;
    try {
      for await (const chunk of chunks(body)) {
        this.#bytes += chunk.length;
        yield chunk;
      }
    } finally {
      void body.cancel().catch(() => undefined);
    }
  }

  /**
   * Whole files (`read`: checkpoint notes, content) are fetched by `fetcher` from now on (a signature
   * pool's workers: SignaturePool.readFile), with the same request, results and errors, unless it
   * declines a file (null: read here); the manifest and segment streams are not. Null: all here again.
   */
  readVia(fetcher: FileReader | null): void {
    this.#via = fetcher;
  }

  /**
   * A whole file (notes, content): fetched here by fetchFile, with the request `stream` makes, or by
   * the `readVia` fetcher. The same bytes, or the same error, as stream + collect, without a stream
   * reader wrapped in two async generators for each of a bundle's small files (issue 7: 213 content
   * files and 12 notes in the 10k demo, most read on the ordered pass's thread while the signature
   * workers are busy).
   */
  async read(path: string, maxBytes: number = READ_LIMIT): Promise<Uint8Array> {
    const url = this.url(path).href; // an unsafe path is refused before anything is fetched
    const a = await (this.#via?.(url, maxBytes) ?? fetchFile(url, maxBytes));
    if (a.ok) {
      this.#bytes += a.bytes.length;
      return a.bytes;
    }
    if (a.kind === 'network') throw downloadFailed(path, a.message);
    if (a.kind === 'status') throw httpFailed(path, a.status);
    if (a.kind === 'limit') throw tooLarge(path, maxBytes);
    throw new TypeError(a.message); // the body stopped arriving: a reader's TypeError
  }

  async manifest(): Promise<Uint8Array> {
    try {
      return await collect(this.stream('manifest.json'), LIMITS.manifestBytes, 'manifest.json');
    } catch (e) {
      // A rejected fetch is also what an HTTP error without CORS headers looks like (nginx adds
      // none to a 404 unless told `always`): if the server answers at all, it is not the network.
      if (e instanceof NetworkError && (await this.#answers('manifest.json'))) throw new BundleSourceError(e.path, e.kind, e.message);
      // A body that stops arriving rejects the reader with a TypeError: the network, not the server.
      if (e instanceof TypeError) throw new NetworkError('manifest.json', e.message);
      throw e;
    }
  }

  /**
   * Whether the server answers at all. A no-cors request of the same URL resolves (to an opaque
   * response nobody reads) on any HTTP answer, with or without CORS headers, and rejects only when
   * nothing answered: offline, DNS, connection refused or reset.
   */
  async #answers(path: string): Promise<boolean> {
    if (typeof navigator !== 'undefined' && navigator.onLine === false) return false;
    try {
      await fetch(this.url(path), { mode: 'no-cors', credentials: 'omit', redirect: 'follow', cache: 'no-store' });
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Local files. A picked folder gives `webkitRelativePath` = "<folder>/segments/000000.ndjson";
 * the folder prefix is found from where manifest.json sits. Plain multi-file picks (or drops)
 * have no folders, so paths are matched by file name when the name is unique.
 */
export class FileSource implements ByteSource {
  readonly label = 'local files';
  readonly #byPath = new Map<string, File>();
  readonly #byName = new Map<string, File | null>();
  #bytes = 0;

  constructor(files: readonly File[]) {
    const rel = (f: File) => (f.webkitRelativePath || f.name).replace(/\\/g, '/');
    const manifest = files.map(rel).find((p) => p === 'manifest.json' || p.endsWith('/manifest.json'));
    const prefix = manifest ? manifest.slice(0, manifest.length - 'manifest.json'.length) : '';
    for (const f of files) {
      const p = rel(f);
      if (p.startsWith(prefix)) this.#byPath.set(p.slice(prefix.length), f);
      this.#byName.set(f.name, this.#byName.has(f.name) ? null : f);
    }
  }

  get bytesRead(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#byPath.size;
  }

  file(path: string): File | null {
    const exact = this.#byPath.get(path);
    if (exact) return exact;
    const name = path.split('/').pop() ?? path;
    return this.#byName.get(name) ?? null;
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    const f = this.file(path);
    if (!f) throw new BundleSourceError(path, 'missing', `${path} is not among the chosen files`);
    for await (const chunk of chunks(f.stream())) {
      this.#bytes += chunk.length;
      yield chunk;
    }
  }

  read(path: string, maxBytes: number = READ_LIMIT): Promise<Uint8Array> {
    return collect(this.stream(path), maxBytes, path);
  }

  manifest(): Promise<Uint8Array> {
    return this.read('manifest.json', LIMITS.manifestBytes);
  }
}
