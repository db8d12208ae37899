// CachedSource: files named by hash in the manifest are served from IndexedDB on a revisit; a
// corrupt cache entry is reported (corrupt) and the real source is used instead.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { CachedSource } from '../../../src/lib/worker/cached-source';
import { collect, type ByteSource } from '../../../src/lib/worker/sources';
import { VerifierCache } from '../../../src/lib/cache/store';
import { sha256Hex } from '../../../src/lib/core/hash';
import { utf8 } from '../../../src/lib/core/bytes';
import { contentSlice } from '../../../src/lib/core/manifest';

class CountingSource implements ByteSource {
  readonly label = 'test';
  bytesRead = 0;
  reads: string[] = [];
  constructor(readonly files: Map<string, Uint8Array>) {}
  async *stream(path: string) {
    this.reads.push(path);
    const f = this.files.get(path)!;
    for (let i = 0; i < f.length; i += 4) {
      this.bytesRead += Math.min(4, f.length - i);
      yield f.subarray(i, i + 4);
    }
  }
  read(path: string) {
    return collect(this.stream(path), 1 << 20, path);
  }
  manifest() {
    return this.read('manifest.json');
  }
}

const seg = utf8('{"seq":0}\n{"seq":1}\n');
const files = () => new Map([['manifest.json', utf8('{}')], ['segments/000000.ndjson', seg]]);
const hashOf = (p: string) => (p === 'segments/000000.ndjson' ? sha256Hex(seg) : null);
let n = 0;

describe('CachedSource', () => {
  it('downloads once, then serves the segment from the cache by hash', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const first = new CountingSource(files());
    const a = new CachedSource(first, cache, hashOf);
    expect(await a.read('segments/000000.ndjson')).toEqual(seg);
    expect(a.stats).toEqual({ filesFromCache: 0, bytesFromCache: 0, filesDownloaded: 1 });
    const second = new CountingSource(files());
    const b = new CachedSource(second, cache, hashOf);
    expect(await b.read('segments/000000.ndjson')).toEqual(seg);
    expect(second.reads).toEqual([]);
    expect(b.stats.filesFromCache).toBe(1);
    expect(b.bytesRead).toBe(seg.length);
  });

  it('tells which paths were served from the cache, under which hash (what recalled signatures rely on)', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const a = new CachedSource(new CountingSource(files()), cache, hashOf);
    await a.read('segments/000000.ndjson');
    expect(a.servedFromCache('segments/000000.ndjson')).toBeNull(); // downloaded
    const b = new CachedSource(new CountingSource(files()), cache, hashOf);
    await b.read('segments/000000.ndjson');
    expect(b.servedFromCache('segments/000000.ndjson')).toBe(sha256Hex(seg));
    expect(b.servedFromCache('manifest.json')).toBeNull();
    // A corrupt entry is not served, so it is not reported as served either.
    await cache.rawPut('blobs', { hash: sha256Hex(seg), bytes: utf8('{"seq":7}\n{"seq":1}\n') });
    const c = new CachedSource(new CountingSource(files()), cache, hashOf);
    expect(await c.read('segments/000000.ndjson')).toEqual(seg);
    expect(c.corrupt).not.toBeNull();
    expect(c.servedFromCache('segments/000000.ndjson')).toBeNull();
  });

  it('stores the bytes read, whatever size the manifest gives for the file', async () => {
    // sizeOf lets a segment be copied into one array as it arrives; a size that is wrong (more or
    // fewer bytes than the file has) must not change what is stored or what the reader gets.
    for (const size of [seg.length, 0, 3, seg.length - 1, seg.length + 1, seg.length + 100]) {
      const cache = new VerifierCache(`cs-${n++}`);
      const c = new CachedSource(new CountingSource(files()), cache, hashOf, { sizeOf: (p) => (p === 'segments/000000.ndjson' ? size : null) });
      expect(await c.read('segments/000000.ndjson')).toEqual(seg);
      const stored = await cache.getBlob(sha256Hex(seg));
      expect(stored, `manifest size ${size}`).toEqual(seg);
      expect(stored!.length).toBe(seg.length);
      expect(c.used.get(sha256Hex(seg))).toBe(seg.length);
    }
    // Over the cache's file limit: streamed, not stored. Listed at its true size, or listed under the
    // limit but longer (copied as it arrives until it overflows the listed size, then past the limit).
    for (const size of [seg.length, 3]) {
      const cache = new VerifierCache(`cs-${n++}`);
      const c = new CachedSource(new CountingSource(files()), cache, hashOf, { maxCached: seg.length - 1, sizeOf: () => size });
      expect(await c.read('segments/000000.ndjson')).toEqual(seg);
      expect(await cache.hasBlob(sha256Hex(seg)), `manifest size ${size}`).toBe(false);
      expect(c.used.has(sha256Hex(seg))).toBe(false);
    }
  });

  it('does not cache bytes that differ from the manifest hash', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const bad = files();
    bad.set('segments/000000.ndjson', utf8('{"seq":9}\n'));
    await new CachedSource(new CountingSource(bad), cache, hashOf).read('segments/000000.ndjson');
    expect(await cache.hasBlob(sha256Hex(seg))).toBe(false);
  });

  it('reports a corrupt cache entry and falls back to the source', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    await cache.rawPut('blobs', { hash: sha256Hex(seg), bytes: utf8('garbage') });
    const src = new CountingSource(files());
    const c = new CachedSource(src, cache, hashOf);
    expect(await c.read('segments/000000.ndjson')).toEqual(seg);
    expect(c.corrupt).toMatch(/^local cache corrupt — cleared/);
    expect(src.reads).toEqual(['segments/000000.ndjson']);
  });

  it('without remember(), keeps nothing the manifest does not name by hash', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const note = utf8('example.org/log\n2\nroot\n');
    const c = new CachedSource(new CountingSource(new Map([['checkpoints/000000002.note', note]])), cache, hashOf);
    expect(await c.read('checkpoints/000000002.note')).toEqual(note);
    expect(c.remembered.size).toBe(0);
    expect(await cache.hasBlob(sha256Hex(note))).toBe(false);
  });

  it('with remember(), keeps files not named by hash under the hash of their bytes, which a later source serves by that hash', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const note = utf8('example.org/log\n2\nroot\n');
    const online = new CachedSource(new CountingSource(new Map([...files(), ['checkpoints/000000002.note', note]])), cache, hashOf);
    online.remember();
    await online.read('segments/000000.ndjson');
    await online.read('checkpoints/000000002.note');
    // Segments are kept by their manifest hash as always; only the note is "remembered".
    expect([...online.remembered]).toEqual([['checkpoints/000000002.note', sha256Hex(note)]]);
    expect(await cache.getBlob(sha256Hex(note))).toEqual(note);
    // Offline: a source with nothing behind it, told the remembered hashes, reads both from the cache.
    const offline = new CountingSource(new Map());
    const known = new Map([['segments/000000.ndjson', sha256Hex(seg)], ...online.remembered]);
    const c = new CachedSource(offline, cache, (p) => known.get(p) ?? null);
    expect(await c.read('checkpoints/000000002.note')).toEqual(note);
    expect(await c.read('segments/000000.ndjson')).toEqual(seg);
    expect(offline.reads).toEqual([]);
    expect(c.stats).toEqual({ filesFromCache: 2, bytesFromCache: note.length + seg.length, filesDownloaded: 0 });
  });

  it('an unusable cache (IndexedDB blocked by an older tab) falls back to the source and stops trying', async () => {
    const name = `cs-blocked-${n++}`;
    const old = await new Promise<IDBDatabase>((resolve) => {
      const req = indexedDB.open(name, 1);
      req.onsuccess = () => resolve(req.result);
    });
    const src = new CountingSource(files());
    const c = new CachedSource(src, new VerifierCache(name), hashOf);
    expect(await c.read('segments/000000.ndjson')).toEqual(seg);
    expect(await c.read('segments/000000.ndjson')).toEqual(seg);
    expect(c.unavailable).toMatch(/older version of this app in another tab/);
    expect(c.corrupt).toBeNull();
    expect(src.reads).toEqual(['segments/000000.ndjson', 'segments/000000.ndjson']);
    old.close();
  });

  it('reads a file not named by hash with the source\'s own read() (which may fetch it elsewhere), and remembers it', async () => {
    const name = `cs-${n++}`;
    const cache = new VerifierCache(name);
    const note = utf8('example.org/log\n2\nroot\n');
    const wholeReads: string[] = [];
    const inner = new CountingSource(new Map([...files(), ['checkpoints/000000002.note', note]]));
    // A source whose whole-file read goes another way than its stream (as HttpSource.readVia does).
    const viaWorkers: ByteSource = {
      label: inner.label,
      get bytesRead() {
        return inner.bytesRead;
      },
      stream: (p) => inner.stream(p),
      read: (p) => {
        wholeReads.push(p);
        return inner.read(p);
      },
      manifest: () => inner.manifest()
    };
    const c = new CachedSource(viaWorkers, cache, hashOf);
    c.remember();
    expect(await c.read('checkpoints/000000002.note')).toEqual(note);
    expect(await c.read('segments/000000.ndjson')).toEqual(seg);
    // The note went through read(); the segment, named by hash, through stream() as before.
    expect(wholeReads).toEqual(['checkpoints/000000002.note']);
    expect(c.stats).toEqual({ filesFromCache: 0, bytesFromCache: 0, filesDownloaded: 2 });
    expect([...c.remembered]).toEqual([['checkpoints/000000002.note', sha256Hex(note)]]);
    await cache.settled();
    expect(await new VerifierCache(name).getBlob(sha256Hex(note))).toEqual(note); // written, not only queued
  });

  it('lists every blob a load was served from or stored (its holding), and none it did not keep', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const note = utf8('example.org/log\n2\nroot\n');
    const more = new Map([...files(), ['checkpoints/000000002.note', note], ['content/x', utf8('not kept')]]);
    const first = new CachedSource(new CountingSource(more), cache, hashOf);
    await first.read('content/x'); // before remember(): not kept, not listed
    first.remember();
    await first.read('segments/000000.ndjson');
    await first.read('checkpoints/000000002.note');
    expect([...first.used]).toEqual([
      [sha256Hex(seg), seg.length],
      [sha256Hex(note), note.length]
    ]);
    // Served from the cache on a revisit: listed too.
    const second = new CachedSource(new CountingSource(files()), cache, hashOf);
    await second.read('segments/000000.ndjson');
    expect([...second.used]).toEqual([[sha256Hex(seg), seg.length]]);
    // Bytes that do not match the manifest are not stored, so not listed.
    const bad = files();
    bad.set('segments/000000.ndjson', utf8('{"seq":9}\n'));
    const third = new CachedSource(new CountingSource(bad), new VerifierCache(`cs-${n++}`), hashOf);
    await third.read('segments/000000.ndjson');
    expect(third.used.size).toBe(0);
  });

  it('readAgain: the bytes this load kept for a path come from the cache, so the network is not needed again', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const content = utf8('the content bytes');
    const inner = new CountingSource(new Map([['content/x', content]]));
    const c = new CachedSource(inner, cache, hashOf);
    c.remember();
    expect(await c.read('content/x')).toEqual(content);
    inner.files.clear(); // the network is gone
    inner.reads = [];
    expect(await c.readAgain('content/x')).toEqual(content);
    expect(inner.reads).toEqual([]);
  });

  it('a content pack read in a load is kept whole; offline, each item is its range of the pack read again', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const [a, b] = [utf8('first item'), utf8('second, longer item')];
    const pack = new Uint8Array([...a, ...b]);
    const inner = new CountingSource(new Map([['content/pack-000000', pack]]));
    const c = new CachedSource(inner, cache, hashOf);
    c.remember();
    expect(await c.read('content/pack-000000')).toEqual(pack);
    expect([...c.remembered.keys()]).toEqual(['content/pack-000000']);
    inner.files.clear(); // the network is gone
    inner.reads = [];
    const item = async (offset: number, bytes: number) => contentSlice({ cid: '00'.repeat(32), path: 'content/pack-000000', bytes, offset }, await c.readAgain('content/pack-000000'));
    expect(await item(0, a.length)).toEqual(a);
    expect(await item(a.length, b.length)).toEqual(b);
    expect(inner.reads).toEqual([]);
  });

  it('readAgain never serves bytes another load stored under the same hash: a file this load did not keep is read from the source', async () => {
    const cache = new VerifierCache(`cs-${n++}`);
    const honest = utf8('honest content');
    const earlier = new CachedSource(new CountingSource(new Map([['content/x', honest]])), cache, hashOf);
    earlier.remember();
    await earlier.read('content/x');
    // A later load without remember() (the demo, local files): its own file, even if the cache has one.
    const tampered = utf8('tampered content');
    const inner = new CountingSource(new Map([['content/x', tampered]]));
    const later = new CachedSource(inner, cache, hashOf);
    expect(await later.read('content/x')).toEqual(tampered);
    expect(await later.readAgain('content/x')).toEqual(tampered);
    expect(inner.reads).toEqual(['content/x', 'content/x']);
  });

  it('serves the manifest it was given instead of reading it again', async () => {
    const src = new CountingSource(files());
    const c = new CachedSource(src, null, hashOf);
    c.useManifest(utf8('{"given":true}'));
    expect(new TextDecoder().decode(await c.manifest())).toBe('{"given":true}');
    expect(src.reads).toEqual([]);
  });
});
