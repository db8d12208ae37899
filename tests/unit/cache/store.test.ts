// The IndexedDB cache (src/lib/cache/store.ts) under fake-indexeddb: content addressing, atomic
// commits, validation on load, and corruption reported as a cache problem (and cleared).
import 'fake-indexeddb/auto';
import { describe, expect, it, beforeEach } from 'vitest';
import { VerifierCache, CacheCorruptError, CacheUnavailableError, DB_VERSION, type CheckpointRecord, type ManifestRecord } from '../../../src/lib/cache/store';
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

describe('VerifierCache', () => {
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
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        db.createObjectStore('blobs', { keyPath: 'hash' }).put({ hash: sha256Hex(seg), bytes: seg });
        db.createObjectStore('bundles', { keyPath: 'manifestHash' }).put(bundle('de'.repeat(32)));
        db.createObjectStore('checkpoints', { keyPath: 'origin' }).put(cp(5));
      };
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
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
    expect(DB_VERSION).toBe(2);
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
    expect([...newer.objectStoreNames].sort()).toEqual(['blobs', 'bundles', 'checkpoints', 'manifests']);
    newer.close();
  });
});
