// The one IndexedDB module (STYLE.md 13): the verifier's local cache, used from the worker.
//   blobs        bundle files (segments, checkpoints, content) keyed by the SHA-256 of their bytes,
//                so a revisit serves a segment from here instead of downloading it again;
//   bundles      per manifest hash: the source it came from and the last report, so a revisit
//                shows results at once;
//   checkpoints  per log origin: the latest verified signed checkpoint (the rollback/fork anchor);
//   manifests    per bundle URL (since version 2): the manifest.json bytes of the last load from
//                that URL that verified, and the hashes of the files it read that the manifest does
//                not name by hash (checkpoint notes, content), so the URL can be verified again
//                when the network is gone;
//   holdings     per manifest hash (since version 3): which blobs a checked bundle was read from,
//                their sizes and when it was last verified here: the cache's byte budget evicts the
//                blobs of the least recently verified bundles first (keep(), cacheBudget()). Never
//                the bundle just verified, and never `checkpoints`: the rollback/fork anchor is a
//                signed note per log, not a file, and survives any eviction or "clear cached files".
//   signatures   per blob hash (since version 4): the segment whose every event signature this app
//                version found valid (bundle-verifier.ts onSignaturesValid), so a revisit that reads
//                the very same bytes from `blobs` does not check them again (signaturesKnown). Kept
//                only while its blob is held by a bundle; cleared with the files.
// Every record is validated on load (and blob bytes re-hashed); anything malformed means the
// *local cache* is corrupt, which is reported as such (CacheCorruptError → "local cache corrupt —
// cleared"), never as ledger misbehaviour. Writes of client state happen in one transaction.
// Blobs are written behind the load (queueBlob): a load stores every file it downloads, and one
// transaction per file, awaited on the read path, made the ordered pass wait for each commit in
// turn (~230 on the demo). Queued blobs go out together, in one transaction per batch, while the
// verification goes on; every other write waits for them first, so a bundle is never recorded as
// verified while the blobs it was read from failed to store.
import { openDB, deleteDB, type DBSchema, type IDBPDatabase } from 'idb';
import { sha256Hex } from '$lib/core/hash';
import { isHex, toHex } from '$lib/core/bytes';
import { isBundlePath } from '$lib/core/manifest';

export const DB_NAME = 'atlas-verifier';
export const DB_VERSION = 4;

export interface BlobRecord {
  hash: string;
  bytes: Uint8Array;
}

export interface BundleRecord {
  /** Hex SHA-256 of the manifest bytes. */
  manifestHash: string;
  origin: string;
  /** Where it was loaded from ('demo', a URL, or 'files'). */
  source: string;
  /** The deterministic JSON report of the last verification (exportReport()). */
  report: string;
}

/** A verified signed checkpoint (C2SP tlog-checkpoint note text plus its parsed body). */
export interface CheckpointRecord {
  origin: string;
  size: number;
  /** Hex of the 32-byte root hash. */
  root: string;
  /** The full signed note, kept as evidence. */
  note: string;
}

/**
 * The last manifest that verified for a bundle URL, for verifying it again offline. Nothing here is
 * trusted: the manifest is parsed and every file re-hashed and checked as on any load.
 */
export interface ManifestRecord {
  /** The bundle's URL prefix (HttpSource.href). */
  url: string;
  /** The manifest.json bytes as downloaded. */
  bytes: Uint8Array;
  /** Hex SHA-256 of `bytes`. */
  manifestHash: string;
  /**
   * Files read on that load that the manifest does not name by hash (checkpoint notes, content):
   * bundle path → hex SHA-256 of the bytes read, which are kept in `blobs`.
   */
  files: Record<string, string>;
  /** When it was stored (ISO 8601 from this browser's clock), for display only. */
  storedAt: string;
}

/** The blobs one checked bundle was read from (its segments, and the notes and content kept with them). */
export interface HoldingRecord {
  /** Hex SHA-256 of the manifest bytes. */
  manifestHash: string;
  /** Where it was loaded from ('demo', a URL, or 'files'), for display. */
  source: string;
  /** Blob hash → its size in bytes. */
  files: Record<string, number>;
  /** When it was last verified here (ms since 1970 from this browser's clock): the eviction order. */
  lastVerified: number;
}

/**
 * A segment (a blob, by hash) whose every event signature was found valid by the verifier named by
 * `rule` (SIGNATURES_RULE in the worker: the §7 rule's revision and the app's version). A record of
 * another rule is ignored, so an updated app checks every signature again.
 */
export interface SignaturesRecord {
  hash: string;
  rule: string;
  /** Events (= valid signatures) in the segment. */
  events: number;
}

/** What the cache's files take now, against its budget (the figure the overview shows). */
export interface CacheUsage {
  /** Bytes of the blobs the remembered bundles were read from (each blob counted once). */
  bytes: number;
  /** Bundles whose files are kept. */
  bundles: number;
  /** The byte budget applied at the last keep(), or null when none was applied yet. */
  budget: number | null;
  /** Sources of the bundles whose files this keep() evicted, least recently verified first. */
  evicted: string[];
}

/** Without a storage estimate: the budget of the cache's files. */
export const DEFAULT_BUDGET = 256 * 2 ** 20;
/** Never more than this for the cache's files, however large the origin's quota. */
export const MAX_BUDGET = 1024 * 2 ** 20;

/**
 * The byte budget of the cache's files: half of the origin's quota (navigator.storage.estimate()),
 * at most MAX_BUDGET; DEFAULT_BUDGET when the browser gives no estimate. The other half leaves room
 * for a new bundle's files while it is verified (its blobs are written before the eviction that
 * makes room for them) and for the service worker's copy of the app.
 */
export function cacheBudget(quota: number | undefined): number {
  if (quota === undefined || !Number.isFinite(quota) || quota <= 0) return DEFAULT_BUDGET;
  return Math.min(MAX_BUDGET, Math.floor(quota / 2));
}

interface AtlasDB extends DBSchema {
  blobs: { key: string; value: BlobRecord };
  bundles: { key: string; value: BundleRecord };
  checkpoints: { key: string; value: CheckpointRecord };
  manifests: { key: string; value: ManifestRecord };
  holdings: { key: string; value: HoldingRecord };
  signatures: { key: string; value: SignaturesRecord };
}

/** The local cache is unreadable or inconsistent; it has been cleared. Not a ledger finding. */
export class CacheCorruptError extends Error {
  constructor(readonly detail: string) {
    super(`local cache corrupt — cleared (${detail})`);
    this.name = 'CacheCorruptError';
  }
}

/** IndexedDB cannot be used right now (see #open); not corruption and not a ledger finding. */
export class CacheUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CacheUnavailableError';
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function validCheckpoint(v: unknown): v is CheckpointRecord {
  return (
    isRecord(v) &&
    typeof v.origin === 'string' &&
    v.origin.length > 0 &&
    typeof v.size === 'number' &&
    Number.isSafeInteger(v.size) &&
    v.size >= 0 &&
    typeof v.root === 'string' &&
    isHex(v.root, 32) &&
    typeof v.note === 'string' &&
    v.note.length > 0
  );
}

function validManifest(v: unknown): v is ManifestRecord {
  return (
    isRecord(v) &&
    typeof v.url === 'string' &&
    v.url.length > 0 &&
    v.bytes instanceof Uint8Array &&
    typeof v.manifestHash === 'string' &&
    isHex(v.manifestHash, 32) &&
    isRecord(v.files) &&
    Object.entries(v.files).every(([path, hash]) => isBundlePath(path) && typeof hash === 'string' && isHex(hash, 32)) &&
    typeof v.storedAt === 'string' &&
    v.storedAt.length > 0
  );
}

function validHolding(v: unknown): v is HoldingRecord {
  return (
    isRecord(v) &&
    typeof v.manifestHash === 'string' &&
    isHex(v.manifestHash, 32) &&
    typeof v.source === 'string' &&
    isRecord(v.files) &&
    Object.entries(v.files).every(([hash, size]) => isHex(hash, 32) && typeof size === 'number' && Number.isSafeInteger(size) && size >= 0) &&
    typeof v.lastVerified === 'number' &&
    Number.isFinite(v.lastVerified)
  );
}

function validSignatures(v: unknown): v is SignaturesRecord {
  return isRecord(v) && typeof v.hash === 'string' && isHex(v.hash, 32) && typeof v.rule === 'string' && v.rule.length > 0 && typeof v.events === 'number' && Number.isSafeInteger(v.events) && v.events >= 0;
}

function validBundle(v: unknown): v is BundleRecord {
  return (
    isRecord(v) &&
    typeof v.manifestHash === 'string' &&
    isHex(v.manifestHash, 32) &&
    typeof v.origin === 'string' &&
    typeof v.source === 'string' &&
    typeof v.report === 'string'
  );
}

/** A request inside a transaction whose failure tx.done reports (and fails the transaction with). */
const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);

/**
 * Hex SHA-256 of a stored file's bytes as getBlob checks them: WebCrypto's where there is one, else
 * core's. The verifier worker's thread, which runs the ordered pass, re-hashes every file a revisit
 * serves from here: at 1M events 470 MiB, ~2 s with core's pure-JS SHA-256 (~220 MiB/s) and ~0.35 s
 * with WebCrypto's (~1,300 MiB/s, native). The app's 1M revisit: 34.9 → 25.3–26.5 s, its ordered
 * pass 30.9 → 22.2–23.7 CPU-s (bench/README.md, session 12). Storing (queueBlob) keeps core's
 * synchronous hash: WebCrypto's there made the first visit ~3 s faster but its renderer ~30-40 MB
 * larger (the copies WebCrypto makes of each 2 MiB segment), over the 600 MB the app aims at.
 */
export async function digestHex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle) {
    try {
      return toHex(new Uint8Array(await subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)));
    } catch {
      // a WebCrypto that cannot digest these bytes: core's SHA-256 below
    }
  }
  return sha256Hex(bytes);
}

/** Queued blob bytes above which queueBlob's caller should wait (backlog()). */
const BACKLOG_BYTES = 32 * 2 ** 20;

export class VerifierCache {
  #db: Promise<IDBPDatabase<AtlasDB>> | null = null;
  readonly #name: string;
  /** Blobs queued and not yet written, the bytes they hold, the running writer, its first failure. */
  #queue: BlobRecord[] = [];
  /** Every blob queued or being written, by hash: what getBlob serves until it is in the store. */
  readonly #unwritten = new Map<string, Uint8Array>();
  #queuedBytes = 0;
  #writing: Promise<void> | null = null;
  #writeError: Error | null = null;
  /** The budget of the last keep(), reported by usage(). */
  #budget: number | null = null;

  constructor(name = DB_NAME) {
    this.#name = name;
  }

  /**
   * Opened once, lazily; migrations by oldVersion (each step keeps the stores and data before it).
   * An upgrade waits for every other connection to close. A tab still running an older version of
   * the app (which never closes its connection) would make it wait for ever, so a blocked open is
   * given up at once as CacheUnavailableError: this load goes on without the cache, and a later
   * use tries again.
   */
  #open(): Promise<IDBPDatabase<AtlasDB>> {
    if (this.#db) return this.#db;
    let giveUp: (e: Error) => void = () => undefined;
    const blocked = new Promise<never>((_, reject) => (giveUp = reject));
    const opened = openDB<AtlasDB>(this.#name, DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          db.createObjectStore('blobs', { keyPath: 'hash' });
          db.createObjectStore('bundles', { keyPath: 'manifestHash' });
          db.createObjectStore('checkpoints', { keyPath: 'origin' });
        }
        if (oldVersion < 2) db.createObjectStore('manifests', { keyPath: 'url' });
        // Blobs stored before version 3 belong to no holding: the first eviction removes them first.
        if (oldVersion < 3) db.createObjectStore('holdings', { keyPath: 'manifestHash' });
        if (oldVersion < 4) db.createObjectStore('signatures', { keyPath: 'hash' });
      },
      blocked: () => giveUp(new CacheUnavailableError('the local cache is held open by an older version of this app in another tab; close that tab to use it again')),
      // A newer version of the app (another tab) wants to upgrade: let it, and reopen on next use.
      blocking: () => {
        void opened.then((db) => db.close());
        if (this.#db === current) this.#db = null;
      }
    });
    const current = Promise.race([opened, blocked]);
    current.catch(() => {
      if (this.#db === current) this.#db = null;
      // If the upgrade happens later after all, that connection is not ours to keep.
      void opened.then(
        (db) => db.close(),
        () => undefined
      );
    });
    this.#db = current;
    return current;
  }

  /** Delete everything, the checkpoint anchors too (used after corruption only; see clearFiles()). */
  async clear(): Promise<void> {
    this.#queue = [];
    this.#queuedBytes = 0;
    await this.#writing;
    this.#unwritten.clear();
    this.#writeError = null;
    const db = await this.#db?.catch(() => null);
    db?.close();
    this.#db = null;
    await deleteDB(this.#name);
  }

  async #corrupt(detail: string): Promise<never> {
    await this.clear();
    throw new CacheCorruptError(detail);
  }

  /** The bytes whose SHA-256 is `hash`, or null. Re-hashed on load. */
  async getBlob(hash: string): Promise<Uint8Array | null> {
    const unwritten = this.#unwritten.get(hash);
    if (unwritten) return unwritten;
    const db = await this.#open();
    const rec: unknown = await db.get('blobs', hash);
    if (rec === undefined) return null;
    if (!isRecord(rec) || !(rec.bytes instanceof Uint8Array)) return this.#corrupt(`blob ${hash} malformed`);
    if ((await digestHex(rec.bytes)) !== hash) return this.#corrupt(`blob ${hash} does not hash to its key`);
    return rec.bytes;
  }

  async hasBlob(hash: string): Promise<boolean> {
    if (this.#unwritten.has(hash)) return true;
    const db = await this.#open();
    return (await db.getKey('blobs', hash)) !== undefined;
  }

  /** Store bytes under their own hash (computed here, never taken from the caller); resolves once written. */
  async putBlob(bytes: Uint8Array): Promise<string> {
    const hash = this.queueBlob(bytes)!;
    await this.settled();
    return hash;
  }

  /**
   * Queue bytes to be stored under their own hash (computed here) and return that hash at once, or
   * null without queueing when `expect` is given and the bytes do not hash to it. The write happens
   * in the background; settled() reports whether it worked.
   */
  queueBlob(bytes: Uint8Array, expect?: string): string | null {
    const hash = sha256Hex(bytes);
    if (expect !== undefined && hash !== expect) return null;
    if (this.#unwritten.has(hash)) return hash;
    this.#queue.push({ hash, bytes });
    this.#unwritten.set(hash, bytes);
    this.#queuedBytes += bytes.length;
    this.#writing ??= this.#writeQueued();
    return hash;
  }

  /** Wait while more than BACKLOG_BYTES are queued, so a large download cannot pile up in memory. */
  async backlog(): Promise<void> {
    while (this.#queuedBytes > BACKLOG_BYTES && this.#writing) await this.#writing;
  }

  /** Every queued blob written; throws (once) the first write failure since the last call. */
  async settled(): Promise<void> {
    while (this.#writing) await this.#writing;
    const e = this.#writeError;
    this.#writeError = null;
    if (e) throw e;
  }

  /** The first background write failure not yet reported by settled(), or null. */
  get writeError(): string | null {
    return this.#writeError?.message ?? null;
  }

  async #writeQueued(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue;
        this.#queue = [];
        const db = await this.#open();
        const tx = db.transaction('blobs', 'readwrite');
        // A failed put fails the transaction; tx.done reports it.
        for (const rec of batch) tx.store.put(rec).catch(() => undefined);
        try {
          await tx.done;
        } finally {
          for (const rec of batch) {
            this.#queuedBytes -= rec.bytes.length;
            this.#unwritten.delete(rec.hash);
          }
        }
      }
    } catch (e) {
      this.#writeError ??= e instanceof Error ? e : new Error(String(e));
      this.#queue = [];
      this.#queuedBytes = 0;
      this.#unwritten.clear();
    } finally {
      this.#writing = null;
    }
  }

  /**
   * The blob hashes whose segment's every signature the verifier `rule` found valid
   * (SignaturesRecord); one read of the few small records, so it can run while the manifest loads.
   * A malformed record means the cache is corrupt.
   */
  async knownSignatures(rule: string): Promise<Set<string>> {
    const db = await this.#open();
    const out = new Set<string>();
    for (const rec of (await db.getAll('signatures')) as unknown[]) {
      if (!validSignatures(rec)) return this.#corrupt('signature record malformed');
      if (rec.rule === rule) out.add(rec.hash);
    }
    return out;
  }

  /** Record segments whose every signature was found valid (SignaturesRecord); one transaction. */
  async putSignatures(records: readonly SignaturesRecord[]): Promise<void> {
    if (records.length === 0) return;
    for (const r of records) if (!validSignatures(r)) throw new TypeError('putSignatures: malformed record');
    const db = await this.#open();
    const tx = db.transaction('signatures', 'readwrite');
    for (const r of records) quiet(tx.store.put(r));
    await tx.done;
  }

  async getBundle(manifestHash: string): Promise<BundleRecord | null> {
    const db = await this.#open();
    const rec: unknown = await db.get('bundles', manifestHash);
    if (rec === undefined) return null;
    if (!validBundle(rec) || rec.manifestHash !== manifestHash) return this.#corrupt(`bundle record ${manifestHash} malformed`);
    return rec;
  }

  async getCheckpoint(origin: string): Promise<CheckpointRecord | null> {
    const db = await this.#open();
    const rec: unknown = await db.get('checkpoints', origin);
    if (rec === undefined) return null;
    if (!validCheckpoint(rec) || rec.origin !== origin) return this.#corrupt(`checkpoint for ${origin} malformed`);
    return rec;
  }

  /** The last verified manifest stored for a bundle URL, or null. Validated and re-hashed on load. */
  async getManifest(url: string): Promise<ManifestRecord | null> {
    const db = await this.#open();
    const rec: unknown = await db.get('manifests', url);
    if (rec === undefined) return null;
    if (!validManifest(rec) || rec.url !== url) return this.#corrupt(`stored manifest for ${url} malformed`);
    if (sha256Hex(rec.bytes) !== rec.manifestHash) return this.#corrupt(`stored manifest for ${url} does not hash to its recorded hash`);
    return rec;
  }

  /**
   * Record a verified bundle and, if given, its accepted checkpoint and the manifest of the URL it
   * came from, atomically (one transaction): either all are stored or none is.
   */
  async commitVerified(bundle: BundleRecord, checkpoint: CheckpointRecord | null, manifest: ManifestRecord | null = null): Promise<void> {
    if (!validBundle(bundle)) throw new TypeError('commitVerified: malformed bundle record');
    if (checkpoint && !validCheckpoint(checkpoint)) throw new TypeError('commitVerified: malformed checkpoint record');
    if (manifest && (!validManifest(manifest) || sha256Hex(manifest.bytes) !== manifest.manifestHash)) throw new TypeError('commitVerified: malformed manifest record');
    // The bundle's files first: a failure to store them fails the commit.
    await this.settled();
    const db = await this.#open();
    const tx = db.transaction(['bundles', 'checkpoints', 'manifests'], 'readwrite');
    const writes: Promise<unknown>[] = [tx.objectStore('bundles').put(bundle)];
    if (checkpoint) writes.push(tx.objectStore('checkpoints').put(checkpoint));
    if (manifest) writes.push(tx.objectStore('manifests').put(manifest));
    await Promise.all([...writes, tx.done]);
  }

  /**
   * Remember which blobs `holding`'s bundle was read from (it was just checked here), then, while
   * the blobs of all remembered bundles take more than `budget` bytes, evict: first blobs that no
   * bundle holds (left by a cancelled load, or stored before version 3), then the bundles verified
   * least recently, each with its blobs that no other remaining bundle holds, its report and the
   * stored manifests of URLs that served it (without its files they could not be verified offline).
   * The bundle of `holding` is never evicted, even when it alone is over budget, and checkpoint
   * anchors are never touched. Queued blobs are written first; one transaction for the rest.
   * A load running in another tab at that moment holds nothing yet: if its files are removed as
   * unheld, it reads them from its source again (a cache miss, never a wrong byte: all re-hashed).
   */
  async keep(holding: HoldingRecord, budget: number): Promise<CacheUsage> {
    if (!validHolding(holding)) throw new TypeError('keep: malformed holding record');
    await this.settled();
    const db = await this.#open();
    const tx = db.transaction(['blobs', 'bundles', 'manifests', 'holdings', 'signatures'], 'readwrite');
    const holdings = tx.objectStore('holdings');
    quiet(holdings.put(holding));
    const others: HoldingRecord[] = [];
    for (const rec of (await holdings.getAll()) as unknown[]) {
      if (!validHolding(rec)) {
        tx.abort();
        await tx.done.catch(() => undefined);
        return this.#corrupt('holding record malformed');
      }
      if (rec.manifestHash !== holding.manifestHash) others.push(rec);
    }
    // How many remembered bundles hold each blob, and the bytes of the blobs held at all.
    const holders = new Map<string, number>();
    const sizes = new Map<string, number>();
    for (const h of [holding, ...others]) {
      for (const [hash, size] of Object.entries(h.files)) {
        holders.set(hash, (holders.get(hash) ?? 0) + 1);
        sizes.set(hash, size);
      }
    }
    let bytes = 0;
    for (const size of sizes.values()) bytes += size;
    const evicted: string[] = [];
    if (bytes > budget) {
      const blobs = tx.objectStore('blobs');
      for (const key of await blobs.getAllKeys()) if (!holders.has(key)) quiet(blobs.delete(key));
      others.sort((a, b) => a.lastVerified - b.lastVerified || (a.manifestHash < b.manifestHash ? -1 : 1));
      const manifests = await tx.objectStore('manifests').getAll();
      for (const old of others) {
        if (bytes <= budget) break;
        for (const hash of Object.keys(old.files)) {
          const left = holders.get(hash)! - 1;
          holders.set(hash, left);
          if (left === 0) {
            quiet(blobs.delete(hash));
            bytes -= sizes.get(hash)!;
          }
        }
        quiet(holdings.delete(old.manifestHash));
        quiet(tx.objectStore('bundles').delete(old.manifestHash));
        for (const m of manifests) if (m.manifestHash === old.manifestHash) quiet(tx.objectStore('manifests').delete(m.url));
        evicted.push(old.source);
      }
    }
    // A segment's signature record goes with the last bundle holding its blob (and one whose load
    // never got this far is dropped): without the blob, its bytes would have to be read anew.
    const signatures = tx.objectStore('signatures');
    for (const key of await signatures.getAllKeys()) if ((holders.get(key) ?? 0) === 0) quiet(signatures.delete(key));
    await tx.done;
    this.#budget = budget;
    return { bytes, bundles: others.length + 1 - evicted.length, budget, evicted };
  }

  /** What the remembered bundles' files take now (validated like every record). */
  async usage(): Promise<CacheUsage> {
    const db = await this.#open();
    const sizes = new Map<string, number>();
    let bundles = 0;
    for (const rec of (await db.getAll('holdings')) as unknown[]) {
      if (!validHolding(rec)) return this.#corrupt('holding record malformed');
      bundles++;
      for (const [hash, size] of Object.entries(rec.files)) sizes.set(hash, size);
    }
    let bytes = 0;
    for (const size of sizes.values()) bytes += size;
    return { bytes, bundles, budget: this.#budget, evicted: [] };
  }

  /**
   * The user's "clear cached files": every blob, report, stored URL manifest, holding and signature
   * record, in one
   * transaction. The checkpoint anchors stay: forgetting them would silence the rollback/fork
   * alarm, which only forgetOrigin() does, on its own explicit confirmation.
   */
  async clearFiles(): Promise<void> {
    this.#queue = [];
    this.#queuedBytes = 0;
    await this.#writing;
    this.#unwritten.clear();
    this.#writeError = null;
    const db = await this.#open();
    const tx = db.transaction(['blobs', 'bundles', 'manifests', 'holdings', 'signatures'], 'readwrite');
    await Promise.all([
      tx.objectStore('blobs').clear(),
      tx.objectStore('bundles').clear(),
      tx.objectStore('manifests').clear(),
      tx.objectStore('holdings').clear(),
      tx.objectStore('signatures').clear(),
      tx.done
    ]);
  }

  /** Drop the stored checkpoint of an origin (an explicit user action after an alarm). */
  async forgetOrigin(origin: string): Promise<void> {
    const db = await this.#open();
    await db.delete('checkpoints', origin);
  }

  /** Low-level write for tests that simulate a corrupted or tampered cache. */
  async rawPut(store: 'blobs' | 'bundles' | 'checkpoints' | 'manifests' | 'holdings' | 'signatures', value: unknown): Promise<void> {
    const db = await this.#open();
    await db.put(store, value as never);
  }
}
