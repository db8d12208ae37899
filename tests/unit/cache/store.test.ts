// The IndexedDB cache (src/lib/cache/store.ts) under fake-indexeddb: content addressing, atomic
// commits, validation on load, and corruption reported as a cache problem (and cleared).
import 'fake-indexeddb/auto';
import { describe, expect, it, beforeEach } from 'vitest';
import { VerifierCache, CacheCorruptError, type CheckpointRecord } from '../../../src/lib/cache/store';
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
