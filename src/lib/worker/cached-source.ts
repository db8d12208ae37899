// A ByteSource that serves files from the IndexedDB cache by content hash when the manifest names
// the hash, and otherwise streams from the real source and stores what it downloaded. The driver
// still re-hashes every byte it gets (from here or from the network), so a cache that lies is
// caught as a hash mismatch — and the cache itself re-hashes on load, so a corrupt entry is
// reported as a cache problem first (store.ts).
// With remember(), files the manifest does not name by hash (checkpoint notes, content) are kept
// too, under the hash of the bytes read, and `remembered` maps their paths to those hashes: what a
// later offline load of the same URL needs besides the manifest (verifier.worker.ts). A content
// pack (BUNDLE_FORMAT.md §6.1) is one such file, kept whole: readAgain() returns the pack and the
// caller takes its item's range (contentSlice in core's manifest.ts).
// `used` lists every blob this load was served from or stored, with its size: the bundle's holding,
// which the cache's byte budget counts and evicts by (store.ts keep()).
import { CacheCorruptError, type VerifierCache } from '$lib/cache/store';
import { collect, READ_LIMIT, type ByteSource } from './sources';

export interface CacheStats {
  filesFromCache: number;
  bytesFromCache: number;
  filesDownloaded: number;
}

export class CachedSource implements ByteSource {
  readonly stats: CacheStats = { filesFromCache: 0, bytesFromCache: 0, filesDownloaded: 0 };
  readonly #inner: ByteSource;
  readonly #cache: VerifierCache | null;
  readonly #hashOf: (path: string) => string | null;
  readonly #maxCached: number;
  readonly #sizeOf: (path: string) => number | null;
  #fromCache = 0;
  #manifest: Uint8Array | null = null;
  #remembered: Map<string, string> | null = null;
  readonly #used = new Map<string, number>();
  /** Path → the manifest's hash its bytes were served from the cache under (re-hashed by the store). */
  readonly #served = new Map<string, string>();
  /** Set when the cache turned out corrupt (and was cleared); reading then falls back to the source. */
  corrupt: string | null = null;
  #unavailable: string | null = null;

  /**
   * `hashOf(path)`: the manifest's hex SHA-256 for a file, or null when unknown (then it is
   * always read from the source). `sizeOf(path)`: the manifest's byte count for it, when it gives
   * one (segments). Files larger than `maxCached` are not stored.
   */
  constructor(
    inner: ByteSource,
    cache: VerifierCache | null,
    hashOf: (path: string) => string | null,
    { maxCached = 64 * 1024 * 1024, sizeOf = () => null }: { maxCached?: number; sizeOf?: (path: string) => number | null } = {}
  ) {
    this.#inner = inner;
    this.#cache = cache;
    this.#hashOf = hashOf;
    this.#maxCached = maxCached;
    this.#sizeOf = sizeOf;
  }

  get label(): string {
    return this.#inner.label;
  }

  get bytesRead(): number {
    return this.#inner.bytesRead + this.#fromCache;
  }

  async *stream(path: string): AsyncIterable<Uint8Array> {
    const want = this.#hashOf(path);
    if (want && this.#usable) {
      let hit: Uint8Array | null = null;
      try {
        hit = await this.#cache!.getBlob(want);
      } catch (e) {
        if (e instanceof CacheCorruptError) this.corrupt = e.message;
        else this.#unavailable = (e as Error).message;
      }
      if (hit) {
        this.#used.set(want, hit.length);
        this.#served.set(path, want);
        this.stats.filesFromCache++;
        this.stats.bytesFromCache += hit.length;
        this.#fromCache += hit.length;
        yield hit;
        return;
      }
    }
    this.stats.filesDownloaded++;
    const keep = want !== null || this.#remembered !== null;
    // A file whose size the manifest gives (a segment) is copied as it arrives into one array of
    // that size, so each read chunk can die young. Holding the chunks to the end of the file kept
    // them past young-generation GCs (off-heap garbage until a full GC) and cost one more copy at
    // the end: 470 MB of each at 1M events (issue 7; the peak's change was within its spread,
    // bench/README.md session 13). A file that turns out longer than that size goes on as parts,
    // so what is stored stays the bytes read.
    const expected = want !== null ? this.#sizeOf(path) : null;
    let whole = keep && expected !== null && expected <= this.#maxCached ? new Uint8Array(expected) : null;
    const parts: Uint8Array[] = [];
    let total = 0;
    for await (const chunk of this.#inner.stream(path)) {
      if (whole !== null && total + chunk.length > whole.length) {
        parts.push(whole.subarray(0, total));
        whole = null;
      }
      if (whole !== null) whole.set(chunk, total);
      total += chunk.length;
      if (whole === null && keep && total <= this.#maxCached) parts.push(chunk);
      yield chunk;
    }
    if (keep && this.#usable && total <= this.#maxCached) {
      let bytes: Uint8Array;
      if (whole !== null) bytes = total === whole.length ? whole : whole.slice(0, total); // shorter than listed: its own array, as stored
      else {
        bytes = new Uint8Array(total);
        let at = 0;
        for (const p of parts) {
          bytes.set(p, at);
          at += p.length;
        }
      }
      // Written behind the load (store.ts queueBlob): the next file does not wait for this one's commit.
      if (want) {
        // Only bytes that match the manifest are worth keeping.
        if (this.#cache!.queueBlob(bytes, want) !== null) this.#used.set(want, total);
      } else if (this.#remembered) {
        // Not named by hash: kept as read, and checked again like any download when used (notes by
        // their signatures and the log root, content against its cid).
        this.#keep(path, bytes);
      }
      await this.#cache!.backlog();
    }
  }

  /**
   * Set when IndexedDB failed otherwise (blocked, quota, a background write of a downloaded file);
   * reading then falls back to the source too.
   */
  get unavailable(): string | null {
    return this.#unavailable ?? this.#cache?.writeError ?? null;
  }

  get #usable(): boolean {
    return this.#cache !== null && this.corrupt === null && this.unavailable === null;
  }

  /** From now on, keep the files the manifest does not name by hash as well (see `remembered`). */
  remember(): void {
    this.#remembered ??= new Map();
  }

  /** Path → hex SHA-256 of the files kept by remember(), in the order they were read. */
  get remembered(): ReadonlyMap<string, string> {
    return this.#remembered ?? new Map();
  }

  async read(path: string, maxBytes: number = READ_LIMIT): Promise<Uint8Array> {
    // A file the manifest (or a stored manifest) names by hash may be in the cache: stream() looks.
    if (this.#hashOf(path) !== null) return collect(this.stream(path), maxBytes, path);
    // Otherwise it is downloaded whole by the source's own read(), which may hand it to a signature
    // worker (HttpSource.readVia: a fetch() costs the calling thread ~0.5-1 ms), and kept if asked.
    this.stats.filesDownloaded++;
    const bytes = await this.#inner.read(path, maxBytes);
    if (this.#remembered && this.#usable && bytes.length <= this.#maxCached) {
      this.#keep(path, bytes);
      await this.#cache!.backlog();
    }
    return bytes;
  }

  #keep(path: string, bytes: Uint8Array): void {
    const hash = this.#cache!.queueBlob(bytes)!;
    this.#remembered!.set(path, hash);
    this.#used.set(hash, bytes.length);
  }

  /**
   * The hex SHA-256 the bytes of `path` were served from the cache under in this load, or null when
   * they came from the source: bytes the store re-hashed against the manifest's hash before handing
   * them out (getBlob), so they are known to hash to it before they are read.
   */
  servedFromCache(path: string): string | null {
    return this.#served.get(path) ?? null;
  }

  /** Hex SHA-256 → size of every blob this load was served from the cache or stored in it. */
  get used(): ReadonlyMap<string, number> {
    return this.#used;
  }

  /**
   * A whole file again, after the load: the very bytes this load read for `path`, from the cache,
   * when it kept them (remember(): a URL's notes and content), so a page can re-hash them with the
   * network gone; otherwise read() as usual (for the demo the service worker holds a copy). Never
   * bytes stored for the same hash by another load: a tampered bundle's file must stay its own.
   */
  async readAgain(path: string, maxBytes: number = READ_LIMIT): Promise<Uint8Array> {
    const kept = this.#remembered?.get(path);
    if (kept !== undefined && this.#usable) {
      try {
        const hit = await this.#cache!.getBlob(kept);
        if (hit && hit.length <= maxBytes) return hit;
      } catch (e) {
        if (e instanceof CacheCorruptError) this.corrupt = e.message;
        else this.#unavailable = (e as Error).message;
      }
    }
    return this.read(path, maxBytes);
  }

  /** Serve manifest bytes already read (the caller needed them to know which hashes apply). */
  useManifest(bytes: Uint8Array): void {
    this.#manifest = bytes;
  }

  /** The manifest always comes from the source: it is what tells us which cached files apply. */
  manifest(): Promise<Uint8Array> {
    return this.#manifest ? Promise.resolve(this.#manifest) : this.#inner.manifest();
  }
}
