// The IndexedDB cache (src/lib/cache/store.ts) under fake-indexeddb: content addressing, atomic
// commits, validation on load, and corruption reported as a cache problem (and cleared).
import 'fake-indexeddb/auto';
import { describe, expect, it, beforeEach } from 'vitest';
import { VerifierCache, CacheCorruptError, CacheUnavailableError, DB_VERSION, DEFAULT_BUDGET, MAX_BUDGET, cacheBudget, digestHex, type CheckpointRecord, type HoldingRecord, type ManifestRecord } from '../../../src/lib/cache/store';
import { sha256Hex } from '../../../src/lib/core/hash';
import { utf8 } from '../../../src/lib/core/bytes';

let n = 0;
let cache: VerifierCache;
beforeEach(() => {
  cache = new VerifierCache(`test-${n++}`);
});

const cp = (size: number, root = 'ab'.repeat(32)): CheckpointRecord => ({
  origin: 'example.org/log',
  size,
  root,
  note: `example.org/log\n${size}\nq83vq83vq83vq83vq83vq83vq83vq83vq83vq83vq80=\n\n— example.org/log AAAA\n`
});
const bundle = (h: string) => ({ manifestHash: h, origin: 'example.org/log', source: 'demo', report: '{"ok":true}' });

/**
 * A database as version `version` (1-3) of the app left it, in raw IndexedDB: the blob `seg`, the
 * checkpoint cp(5), the stores of that version, and whatever `fill` adds in the same upgrade.
 */
function oldDatabase(name: string, version: 1 | 2 | 3, seg: Uint8Array, fill: (tx: IDBTransaction) => void = () => undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = () => {
      const db = req.result;
      db.createObjectStore('blobs', { keyPath: 'hash' }).put({ hash: sha256Hex(seg), bytes: seg });
      db.createObjectStore('bundles', { keyPath: 'manifestHash' });
      db.createObjectStore('checkpoints', { keyPath: 'origin' }).put(cp(5));
      if (version >= 2) db.createObjectStore('manifests', { keyPath: 'url' });
      if (version >= 3) db.createObjectStore('holdings', { keyPath: 'manifestHash' });
      fill(req.transaction!);
    };
    req.onsuccess = () => {
      req.result.close();
      resolve();
    };
    req.onerror = () => reject(req.error);
  });
}

describe('VerifierCache', () => {
  it("re-hashes served blobs with WebCrypto's SHA-256 where there is one, the same digest as core's", async () => {
    for (const len of [0, 1, 55, 56, 64, 1000, 2 * 2 ** 20 + 3]) {
      const bytes = Uint8Array.from({ length: len }, (_, i) => (i * 31 + len) & 0xff);
      expect(await digestHex(bytes)).toBe(sha256Hex(bytes));
      expect(await digestHex(bytes.subarray(1))).toBe(sha256Hex(bytes.subarray(1))); // a view, not its whole buffer
    }
  });

  it('stores blobs under the SHA-256 of their bytes and returns the same bytes', async () => {
    const bytes = utf8('{"seq":0}\n{"seq":1}\n');
    const hash = await cache.putBlob(bytes);
    expect(hash).toBe(sha256Hex(bytes));
    expect(await cache.hasBlob(hash)).toBe(true);
    expect(await cache.getBlob(hash)).toEqual(bytes);
    expect(await cache.getBlob('00'.repeat(32))).toBeNull();
  });

  it('commits a verified bundle and its checkpoint together and reads them back', async () => {
    const h = 'cd'.repeat(32);
    await cache.commitVerified(bundle(h), cp(41));
    expect(await cache.getBundle(h)).toEqual(bundle(h));
    expect(await cache.getCheckpoint('example.org/log')).toEqual(cp(41));
    expect(await cache.getCheckpoint('other.org/log')).toBeNull();
  });

  it('refuses a malformed record before writing anything', async () => {
    const h = 'ef'.repeat(32);
    // A checkpoint without an origin (the key path) is refused; the bundle half is not written either.
    const badCheckpoint = { ...cp(7), origin: undefined } as unknown as CheckpointRecord;
    await expect(cache.commitVerified(bundle(h), badCheckpoint)).rejects.toThrow(TypeError);
    expect(await cache.getBundle(h)).toBeNull();
  });

  it('reports a blob whose bytes no longer match its key as local cache corruption and clears the cache', async () => {
    const bytes = utf8('segment bytes');
    const hash = await cache.putBlob(bytes);
    await cache.commitVerified(bundle('12'.repeat(32)), cp(3));
    await cache.rawPut('blobs', { hash, bytes: utf8('segment bytez') });
    const err = await cache.getBlob(hash).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheCorruptError);
    expect((err as Error).message).toMatch(/^local cache corrupt — cleared/);
    // Cleared: the checkpoint anchor is gone too, and the cache works again afterwards.
    expect(await cache.getCheckpoint('example.org/log')).toBeNull();
    expect(await cache.putBlob(bytes)).toBe(hash);
  });

  it('reports a malformed checkpoint record as local cache corruption', async () => {
    await cache.rawPut('checkpoints', { origin: 'example.org/log', size: -1, root: 'xyz', note: '' });
    await expect(cache.getCheckpoint('example.org/log')).rejects.toBeInstanceOf(CacheCorruptError);
    expect(await cache.getCheckpoint('example.org/log')).toBeNull();
  });

  it('reports a malformed bundle record as local cache corruption', async () => {
    const h = '34'.repeat(32);
    await cache.rawPut('bundles', { manifestHash: h, origin: 5 });
    await expect(cache.getBundle(h)).rejects.toBeInstanceOf(CacheCorruptError);
  });

  it('forgets an origin only on request', async () => {
    await cache.commitVerified(bundle('56'.repeat(32)), cp(9));
    await cache.forgetOrigin('example.org/log');
    expect(await cache.getCheckpoint('example.org/log')).toBeNull();
    expect(await cache.getBundle('56'.repeat(32))).not.toBeNull();
  });
});

describe('VerifierCache manifests (per bundle URL, for offline use)', () => {
  const url = 'https://ledger.example/bundle/';
  const bytes = utf8('{"format":"qfs-ledger-bundle/1"}');
  const rec = (over: Partial<ManifestRecord> = {}): ManifestRecord => ({
    url,
    bytes,
    manifestHash: sha256Hex(bytes),
    files: { 'checkpoints/000000003.note': 'ab'.repeat(32), 'content/x': 'cd'.repeat(32) },
    storedAt: '2026-11-26T12:00:00.000Z',
    ...over
  });

  it('stores the manifest of a URL with the verified bundle, in the same transaction, and reads it back', async () => {
    const h = '78'.repeat(32);
    await cache.commitVerified(bundle(h), cp(3), rec());
    expect(await cache.getManifest(url)).toEqual(rec());
    expect(await cache.getBundle(h)).toEqual(bundle(h));
    expect(await cache.getManifest('https://other.example/')).toBeNull();
    // A later verified load of the same URL replaces it.
    const newer = utf8('{"format":"qfs-ledger-bundle/1","events":9}');
    await cache.commitVerified(bundle(h), null, rec({ bytes: newer, manifestHash: sha256Hex(newer), files: {} }));
    expect((await cache.getManifest(url))!.bytes).toEqual(newer);
  });

  it('refuses a malformed manifest record before writing anything', async () => {
    const h = '9a'.repeat(32);
    await expect(cache.commitVerified(bundle(h), null, rec({ manifestHash: '00'.repeat(32) }))).rejects.toThrow(TypeError);
    await expect(cache.commitVerified(bundle(h), null, rec({ files: { '../x': 'ab'.repeat(32) } }))).rejects.toThrow(TypeError);
    expect(await cache.getBundle(h)).toBeNull();
    expect(await cache.getManifest(url)).toBeNull();
  });

  it('reports a stored manifest whose bytes no longer match its hash as local cache corruption, and clears the cache', async () => {
    await cache.commitVerified(bundle('bc'.repeat(32)), cp(3), rec());
    await cache.rawPut('manifests', { ...rec(), bytes: utf8('{"format":"qfs-ledger-bundle/2"}') });
    const err = await cache.getManifest(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheCorruptError);
    expect((err as Error).message).toBe(`local cache corrupt — cleared (stored manifest for ${url} does not hash to its recorded hash)`);
    expect(await cache.getManifest(url)).toBeNull();
    expect(await cache.getCheckpoint('example.org/log')).toBeNull();
  });

  it('reports a malformed manifest record (bad file hash, missing bytes, wrong key) as local cache corruption', async () => {
    for (const bad of [{ ...rec(), files: { 'checkpoints/1.note': 'xyz' } }, { ...rec(), bytes: 'not bytes' }, { ...rec(), storedAt: 5 }]) {
      await cache.rawPut('manifests', bad);
      await expect(cache.getManifest(url)).rejects.toBeInstanceOf(CacheCorruptError);
    }
  });

  it('upgrades a version 1 database in place: the blobs, bundles and checkpoints stored before are kept', async () => {
    const name = `v1-${n++}`;
    const seg = utf8('{"seq":0}\n');
    // A database as version 1 of the app left it (raw IndexedDB, no manifests store).
    await oldDatabase(name, 1, seg, (tx) => tx.objectStore('bundles').put(bundle('de'.repeat(32))));
    const upgraded = new VerifierCache(name);
    expect(await upgraded.getBlob(sha256Hex(seg))).toEqual(seg);
    expect(await upgraded.getBundle('de'.repeat(32))).toEqual(bundle('de'.repeat(32)));
    expect(await upgraded.getCheckpoint('example.org/log')).toEqual(cp(5));
    expect(await upgraded.getManifest(url)).toBeNull();
    await upgraded.commitVerified(bundle('de'.repeat(32)), null, rec());
    expect(await upgraded.getManifest(url)).toEqual(rec());
    const version = await new Promise<number>((resolve) => {
      const req = indexedDB.open(name);
      req.onsuccess = () => {
        resolve(req.result.version);
        req.result.close();
      };
    });
    expect(version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(4);
  });
});

describe('VerifierCache upgrade while another tab holds the database', () => {
  /** A raw connection at `version` that never closes on versionchange (like an older app's tab). */
  function holdOpen(name: string, version: number): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(name, version);
      req.onupgradeneeded = () => {
        if (version === 1) for (const s of ['blobs', 'bundles', 'checkpoints']) req.result.createObjectStore(s, { keyPath: s === 'blobs' ? 'hash' : s === 'bundles' ? 'manifestHash' : 'origin' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  it('gives up at once with CacheUnavailableError instead of waiting for ever, and works once that tab is gone', async () => {
    const name = `blocked-${n++}`;
    const old = await holdOpen(name, 1);
    const c = new VerifierCache(name);
    const err = await c.getBlob('00'.repeat(32)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CacheUnavailableError);
    expect(err).not.toBeInstanceOf(CacheCorruptError);
    expect((err as Error).message).toMatch(/held open by an older version of this app in another tab/);
    old.close();
    expect(await c.getBlob('00'.repeat(32))).toBeNull();
    expect(await c.putBlob(utf8('x'))).toBe(sha256Hex(utf8('x')));
  });

  it('writes queued blobs behind the caller, serves them meanwhile, and has them stored once settled', async () => {
    const name = `queued-${n++}`;
    const c = new VerifierCache(name);
    const blobs = Array.from({ length: 40 }, (_, i) => utf8(`{"seq":${i}}\n`));
    const hashes = blobs.map((b) => c.queueBlob(b));
    expect(hashes).toEqual(blobs.map((b) => sha256Hex(b)));
    // Not written yet, still served (read-your-writes), and queueing the same bytes again is a no-op.
    expect(await c.getBlob(hashes[7]!)).toEqual(blobs[7]);
    expect(c.queueBlob(blobs[7]!)).toBe(hashes[7]);
    await c.settled();
    // Another connection (no in-memory queue) finds every one in IndexedDB.
    const fresh = new VerifierCache(name);
    for (let i = 0; i < blobs.length; i++) expect(await fresh.getBlob(hashes[i]!)).toEqual(blobs[i]);
  });

  it('queues nothing when the bytes do not hash to what the caller expected', async () => {
    const name = `expect-${n++}`;
    const c = new VerifierCache(name);
    expect(c.queueBlob(utf8('tampered'), sha256Hex(utf8('original')))).toBeNull();
    await c.settled();
    expect(await new VerifierCache(name).getBlob(sha256Hex(utf8('tampered')))).toBeNull();
    expect(c.queueBlob(utf8('original'), sha256Hex(utf8('original')))).toBe(sha256Hex(utf8('original')));
  });

  it('reports a failed background write: the next commit rejects with it, and nothing is recorded as verified', async () => {
    const name = `write-fails-${n++}`;
    const old = await holdOpen(name, 1);
    const c = new VerifierCache(name);
    const h = c.queueBlob(utf8('segment bytes'))!;
    expect(await c.getBlob(h)).toEqual(utf8('segment bytes')); // served while it waits
    await expect(c.commitVerified(bundle('9a'.repeat(32)), cp(3))).rejects.toBeInstanceOf(CacheUnavailableError);
    expect(c.writeError).toBeNull(); // reported once, by the commit
    await c.settled();
    old.close();
    expect(await c.getBundle('9a'.repeat(32))).toBeNull();
    expect(await c.getBlob(h)).toBeNull(); // dropped, not half-kept
  });

  it('settled() rejects with a failed background write, once', async () => {
    const name = `write-fails-${n++}`;
    const old = await holdOpen(name, 1);
    const c = new VerifierCache(name);
    c.queueBlob(utf8('x'));
    await expect(c.settled()).rejects.toThrow(/held open by an older version of this app in another tab/);
    await c.settled();
    old.close();
  });

  it('lets a newer version upgrade: its own connection closes when asked', async () => {
    const name = `blocking-${n++}`;
    const c = new VerifierCache(name);
    await c.putBlob(utf8('kept'));
    const newer = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(name, DB_VERSION + 1);
      req.onblocked = () => reject(new Error('blocked by VerifierCache'));
      req.onsuccess = () => resolve(req.result);
    });
    expect(newer.version).toBe(DB_VERSION + 1);
    expect([...newer.objectStoreNames].sort()).toEqual(['blobs', 'bundles', 'checkpoints', 'holdings', 'manifests', 'signatures']);
    newer.close();
  });
});

describe('VerifierCache byte budget (holdings, least-recently-verified eviction)', () => {
  /** A bundle "read from" `blobs`: stores them and returns its holding, verified at time `t`. */
  async function verified(c: VerifierCache, name: string, blobs: Uint8Array[], t: number): Promise<HoldingRecord> {
    const files: Record<string, number> = {};
    for (const b of blobs) files[c.queueBlob(b)!] = b.length;
    const manifestHash = sha256Hex(utf8(`manifest of ${name}`));
    await c.commitVerified({ manifestHash, origin: 'example.org/log', source: name, report: '{}' }, cp(t));
    return { manifestHash, source: name, files, lastVerified: t };
  }
  const blob = (tag: string, size: number) => utf8(tag.padEnd(size, '.'));

  it('derives the budget from the quota: half of it, at most 1 GiB, 256 MiB without an estimate', () => {
    expect(cacheBudget(100 * 2 ** 20)).toBe(50 * 2 ** 20);
    expect(cacheBudget(500 * 2 ** 30)).toBe(MAX_BUDGET);
    expect(MAX_BUDGET).toBe(2 ** 30);
    for (const q of [undefined, 0, -5, Number.NaN, Number.POSITIVE_INFINITY]) expect(cacheBudget(q)).toBe(DEFAULT_BUDGET);
    expect(DEFAULT_BUDGET).toBe(256 * 2 ** 20);
  });

  it('counts each blob once however many bundles hold it, and evicts nothing within the budget', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const shared = blob('shared', 100);
    const a = await verified(c, 'a', [shared, blob('a', 50)], 1);
    const b = await verified(c, 'b', [shared, blob('b', 30)], 2);
    expect(await c.keep(a, 1000)).toEqual({ bytes: 150, bundles: 1, budget: 1000, evicted: [] });
    expect(await c.keep(b, 1000)).toEqual({ bytes: 180, bundles: 2, budget: 1000, evicted: [] });
    expect(await c.usage()).toEqual({ bytes: 180, bundles: 2, budget: 1000, evicted: [] });
    for (const h of [...Object.keys(a.files), ...Object.keys(b.files)]) expect(await c.hasBlob(h)).toBe(true);
  });

  it('over budget, evicts the least recently verified bundles first, keeping blobs a remaining bundle still holds', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const shared = blob('shared', 100);
    const onlyA = blob('a', 50);
    const onlyB = blob('b', 60);
    const onlyC = blob('c', 70);
    const a = await verified(c, 'https://a.example/', [shared, onlyA], 1);
    const b = await verified(c, 'https://b.example/', [onlyB], 2);
    await c.keep(a, 10_000);
    await c.keep(b, 10_000);
    // Verifying a again makes it the most recent: b is now the oldest.
    await c.keep({ ...a, lastVerified: 3 }, 10_000);
    const bundleC = await verified(c, 'https://c.example/', [shared, onlyC], 4);
    // 100 + 50 + 60 + 70 = 280 > 200: b goes (210 left), then a (its own 50; shared stays for c).
    const u = await c.keep(bundleC, 200);
    expect(u).toEqual({ bytes: 170, bundles: 1, budget: 200, evicted: ['https://b.example/', 'https://a.example/'] });
    expect(await c.hasBlob(sha256Hex(onlyB))).toBe(false);
    expect(await c.hasBlob(sha256Hex(onlyA))).toBe(false);
    expect(await c.hasBlob(sha256Hex(shared))).toBe(true);
    expect(await c.hasBlob(sha256Hex(onlyC))).toBe(true);
    expect(await c.getBundle(a.manifestHash)).toBeNull();
    expect(await c.getBundle(bundleC.manifestHash)).not.toBeNull();
    expect(await c.usage()).toMatchObject({ bytes: 170, bundles: 1 });
  });

  it('stops evicting as soon as the files fit', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const a = await verified(c, 'a', [blob('a', 100)], 1);
    const b = await verified(c, 'b', [blob('b', 100)], 2);
    const d = await verified(c, 'd', [blob('d', 100)], 3);
    for (const h of [a, b]) await c.keep(h, 10_000);
    expect(await c.keep(d, 250)).toEqual({ bytes: 200, bundles: 2, budget: 250, evicted: ['a'] });
    expect(await c.hasBlob(Object.keys(b.files)[0]!)).toBe(true);
  });

  it('never evicts the bundle just verified, even alone over budget, and never a checkpoint anchor', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const old = await verified(c, 'old', [blob('old', 10)], 1);
    await c.keep(old, 10_000);
    const big = await verified(c, 'big', [blob('big', 500)], 2);
    expect(await c.keep(big, 100)).toEqual({ bytes: 500, bundles: 1, budget: 100, evicted: ['old'] });
    expect(await c.hasBlob(Object.keys(big.files)[0]!)).toBe(true);
    // The rollback/fork anchor survives: it is a signed checkpoint, not a file.
    expect(await c.getCheckpoint('example.org/log')).toEqual(cp(2));
  });

  it('drops the stored manifest of a URL whose bundle is evicted (its files could no longer be verified offline)', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const bytes = utf8('{"manifest":"a"}');
    const url = 'https://a.example/bundle/';
    const segA = blob('a', 100);
    const files: Record<string, number> = { [c.queueBlob(segA)!]: 100 };
    const a: HoldingRecord = { manifestHash: sha256Hex(bytes), source: url, files, lastVerified: 1 };
    await c.commitVerified(bundle(a.manifestHash), cp(1), { url, bytes, manifestHash: a.manifestHash, files: {}, storedAt: '2026-11-26T12:00:00.000Z' });
    await c.keep(a, 10_000);
    const otherBytes = utf8('{"manifest":"b"}');
    await c.commitVerified(bundle(sha256Hex(otherBytes)), null, { url: 'https://b.example/', bytes: otherBytes, manifestHash: sha256Hex(otherBytes), files: {}, storedAt: '2026-11-26T12:00:00.000Z' });
    const b = await verified(c, 'b', [blob('b', 100)], 2);
    expect((await c.keep(b, 150)).evicted).toEqual([url]);
    expect(await c.getManifest(url)).toBeNull();
    expect(await c.getManifest('https://b.example/')).not.toBeNull();
  });

  it('over budget, first removes blobs no bundle holds (a cancelled load, or stored before version 3)', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const stray = await c.putBlob(blob('stray', 40));
    const a = await verified(c, 'a', [blob('a', 100)], 1);
    await c.keep(a, 10_000);
    expect(await c.hasBlob(stray)).toBe(true); // within the budget nothing is touched
    const b = await verified(c, 'b', [blob('b', 100)], 2);
    const bStray = await c.putBlob(blob('stray-2', 40));
    expect(await c.keep(b, 150)).toMatchObject({ bytes: 100, evicted: ['a'] });
    expect(await c.hasBlob(stray)).toBe(false);
    expect(await c.hasBlob(bStray)).toBe(false);
  });

  it('a malformed holding record is local cache corruption', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    await c.rawPut('holdings', { manifestHash: 'ab'.repeat(32), source: 'x', files: { nothex: 5 }, lastVerified: 1 });
    await expect(c.usage()).rejects.toBeInstanceOf(CacheCorruptError);
    await c.rawPut('holdings', { manifestHash: 'ab'.repeat(32), source: 'x', files: {}, lastVerified: 'yesterday' });
    const a = await verified(c, 'a', [blob('a', 10)], 1);
    await expect(c.keep(a, 100)).rejects.toBeInstanceOf(CacheCorruptError);
    await expect(c.keep({ ...a, files: { [sha256Hex(utf8('x'))]: -1 } }, 100)).rejects.toThrow(TypeError);
  });

  it('"clear cached files" removes every file, report, URL manifest and holding, and keeps the checkpoint anchors', async () => {
    const c = new VerifierCache(`budget-${n++}`);
    const url = 'https://a.example/';
    const bytes = utf8('{"m":1}');
    const a = await verified(c, 'a', [blob('a', 100)], 7);
    await c.commitVerified(bundle(a.manifestHash), null, { url, bytes, manifestHash: sha256Hex(bytes), files: {}, storedAt: '2026-11-26T12:00:00.000Z' });
    await c.keep(a, 10_000);
    c.queueBlob(blob('queued', 10));
    await c.clearFiles();
    expect(await c.usage()).toMatchObject({ bytes: 0, bundles: 0 });
    expect(await c.hasBlob(Object.keys(a.files)[0]!)).toBe(false);
    expect(await c.hasBlob(sha256Hex(blob('queued', 10)))).toBe(false);
    expect(await c.getBundle(a.manifestHash)).toBeNull();
    expect(await c.getManifest(url)).toBeNull();
    expect(await c.getCheckpoint('example.org/log')).toEqual(cp(7));
  });

  it('upgrades a version 2 database in place: everything is kept, and its blobs are held by no bundle yet', async () => {
    const name = `v2-${n++}`;
    const seg = utf8('{"seq":0}\n');
    await oldDatabase(name, 2, seg);
    const c = new VerifierCache(name);
    expect(await c.getBlob(sha256Hex(seg))).toEqual(seg);
    expect(await c.getCheckpoint('example.org/log')).toEqual(cp(5));
    expect(await c.usage()).toEqual({ bytes: 0, bundles: 0, budget: null, evicted: [] });
  });
});

describe('VerifierCache signature records (segments whose every signature was found valid)', () => {
  const RULE = 'BUNDLE_FORMAT §7, revision 1; /w-abc.js';
  const rec = (bytes: Uint8Array, rule = RULE) => ({ hash: sha256Hex(bytes), rule, events: 2 });
  const holding = (name: string, blobs: Uint8Array[], t: number): HoldingRecord => ({
    manifestHash: sha256Hex(utf8(`manifest of ${name}`)),
    source: name,
    files: Object.fromEntries(blobs.map((b) => [sha256Hex(b), b.length])),
    lastVerified: t
  });

  it('reads back the records of its own rule only', async () => {
    const c = new VerifierCache(`sigs-${n++}`);
    const [a, b] = [utf8('segment a\n'), utf8('segment b\n')];
    expect(await c.knownSignatures(RULE)).toEqual(new Set());
    await c.putSignatures([rec(a), rec(b, 'another build')]);
    expect(await c.knownSignatures(RULE)).toEqual(new Set([sha256Hex(a)]));
    expect(await c.knownSignatures('another build')).toEqual(new Set([sha256Hex(b)]));
    await c.putSignatures([rec(b)]); // the same segment found valid by this rule: one record per blob
    expect(await c.knownSignatures(RULE)).toEqual(new Set([sha256Hex(a), sha256Hex(b)]));
    expect(await c.knownSignatures('another build')).toEqual(new Set());
  });

  it('refuses a malformed record before writing anything', async () => {
    const c = new VerifierCache(`sigs-${n++}`);
    const a = utf8('segment a\n');
    await expect(c.putSignatures([rec(a), { hash: 'zz', rule: RULE, events: 1 }])).rejects.toThrow(TypeError);
    await expect(c.putSignatures([{ ...rec(a), rule: '' }])).rejects.toThrow(TypeError);
    await expect(c.putSignatures([{ ...rec(a), events: -1 }])).rejects.toThrow(TypeError);
    expect(await c.knownSignatures(RULE)).toEqual(new Set());
  });

  it('a malformed stored record is local cache corruption, and the cache is cleared', async () => {
    const c = new VerifierCache(`sigs-${n++}`);
    const a = utf8('segment a\n');
    await c.putBlob(a);
    await c.rawPut('signatures', { hash: sha256Hex(a), rule: RULE, events: 'all' });
    await expect(c.knownSignatures(RULE)).rejects.toThrow(CacheCorruptError);
    expect(await c.hasBlob(sha256Hex(a))).toBe(false);
  });

  it('a record goes when no bundle holds its blob any more (eviction, or a load that never got to keep)', async () => {
    const c = new VerifierCache(`sigs-${n++}`);
    const [a, b, stray] = [utf8('a'.repeat(100)), utf8('b'.repeat(100)), utf8('stray\n')];
    for (const x of [a, b]) await c.putBlob(x);
    await c.putSignatures([rec(a), rec(b), rec(stray)]);
    await c.keep(holding('A', [a], 1), 1000);
    // the stray record (its blob held by no bundle) is gone at once; b's blob is not held yet either
    expect(await c.knownSignatures(RULE)).toEqual(new Set([sha256Hex(a)]));
    await c.putSignatures([rec(b)]);
    await c.keep(holding('B', [b], 2), 150); // over budget: A, verified least recently, is evicted
    expect(await c.hasBlob(sha256Hex(a))).toBe(false);
    expect(await c.knownSignatures(RULE)).toEqual(new Set([sha256Hex(b)]));
  });

  it('"clear cached files" removes the records too', async () => {
    const c = new VerifierCache(`sigs-${n++}`);
    const a = utf8('segment a\n');
    await c.putBlob(a);
    await c.putSignatures([rec(a)]);
    await c.keep(holding('A', [a], 1), 1000);
    expect((await c.knownSignatures(RULE)).size).toBe(1);
    await c.clearFiles();
    expect(await c.knownSignatures(RULE)).toEqual(new Set());
  });

  it('upgrades a version 3 database in place: everything is kept, and it has no signature records yet', async () => {
    const name = `v3-${n++}`;
    const seg = utf8('{"seq":0}\n');
    const held = holding('old', [seg], 4);
    await oldDatabase(name, 3, seg, (tx) => tx.objectStore('holdings').put(held));
    const c = new VerifierCache(name);
    expect(DB_VERSION).toBe(4);
    expect(await c.getBlob(sha256Hex(seg))).toEqual(seg);
    expect(await c.getCheckpoint('example.org/log')).toEqual(cp(5));
    expect(await c.usage()).toEqual({ bytes: seg.length, bundles: 1, budget: null, evicted: [] });
    expect(await c.knownSignatures(RULE)).toEqual(new Set());
  });
});
