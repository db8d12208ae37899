// The manifest (BUNDLE_FORMAT.md §6): canonical JSON, exact fields, path rules, consistent counts.
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/lib/core/types';
import { CanonicalJsonError, canonicalBytes, parseCanonical, type Json } from '../../src/lib/core/canonical-json';
import { ContentReader, contentFiles, contentSlice, isBundlePath, PACK_BYTES, packedFiles, parseManifest, parseTrustDoc, trustDifferences, type ContentRef } from '../../src/lib/core/manifest';

const trust = { aegis: 'a+00000000+AA==', governance: 'g+00000000+AA==', policy: 'log x\nquorum none\n' };
const good = (): { [k: string]: Json } => ({
  checkpoints: [
    { path: 'checkpoints/000000003.note', size: 3 },
    { path: 'checkpoints/000000005.note', size: 5 }
  ],
  content: [{ bytes: 4, cid: 'ab'.repeat(32), path: `content/${'ab'.repeat(32)}` }],
  epochs: 2,
  events: 5,
  format: 'qfs-ledger-bundle/1',
  origin: 'ledger.example/x',
  segments: [
    { bytes: 100, count: 2, firstSeq: 0, path: 'segments/000000.ndjson', sha256: '00'.repeat(32) },
    { bytes: 100, count: 3, firstSeq: 2, path: 'segments/000001.ndjson', sha256: '11'.repeat(32) }
  ],
  trust
});
const parse = (m: { [k: string]: Json }) => parseManifest(canonicalBytes(m));
/** Every copy of `bytes` with one byte replaced by one of `alphabet` (a different value). */
function* byteEdits(bytes: Uint8Array, alphabet: readonly number[]): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at++) {
    for (const byte of alphabet) {
      if (bytes[at] === byte) continue;
      const edited = bytes.slice();
      edited[at] = byte;
      yield edited;
    }
  }
}
const reason = (edit: (m: { [k: string]: Json }) => void): string => {
  const m = good();
  edit(m);
  const r = parse(m);
  return r.ok ? 'ok' : r.finding.message;
};
type O = { [k: string]: Json };
const seg = (m: O, i: number) => (m['segments'] as O[])[i]!;

describe('parseManifest', () => {
  it('accepts a consistent manifest', () => {
    const r = parse(good());
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.manifest.segments[1]).toEqual({ path: 'segments/000001.ndjson', firstSeq: 2, count: 3, bytes: 100, sha256: '11'.repeat(32) });
      expect(r.manifest.trust).toEqual(trust);
    }
  });

  it('refuses non-canonical bytes and other formats', () => {
    const text = new TextDecoder().decode(canonicalBytes(good()));
    const r = parseManifest(new TextEncoder().encode(text + '\n'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.finding).toMatchObject({ code: 'manifest.invalid', seq: null, file: 'manifest.json' });
    expect(reason((m) => (m['format'] = 'qfs-ledger-bundle/2'))).toContain('format');
    expect(reason((m) => (m['extra'] = 1))).toContain('fields');
  });

  it('requires contiguous segments whose counts add up to events', () => {
    expect(reason((m) => (seg(m, 1)['firstSeq'] = 3))).toContain('firstSeq');
    expect(reason((m) => (m['events'] = 6))).toContain('hold 5 events');
    expect(reason((m) => (seg(m, 0)['sha256'] = 'AB'.repeat(32)))).toContain('sha256');
    expect(reason((m) => (seg(m, 0)['count'] = 0))).toContain('count');
  });

  it('requires one checkpoint per epoch, increasing sizes, the last covering every event', () => {
    expect(reason((m) => (m['epochs'] = 3))).toContain('3 epochs');
    expect(reason((m) => ((m['checkpoints'] as O[])[1]!['size'] = 3))).toContain('increase');
    expect(reason((m) => ((m['checkpoints'] as O[])[1]!['size'] = 4))).toContain('last checkpoint');
  });

  it('accepts only safe relative paths, each once; content lives at content/<cid>', () => {
    for (const p of ['../x', '/etc/passwd', 'a//b', 'Segments/0', 'a/./b', 'a/..', 'seg ments', '']) expect(isBundlePath(p), p).toBe(false);
    for (const p of ['segments/000000.ndjson', 'a', 'a.b-c_d/e']) expect(isBundlePath(p), p).toBe(true);
    expect(reason((m) => (seg(m, 0)['path'] = '../../x'))).toContain('not a bundle path');
    expect(reason((m) => (seg(m, 1)['path'] = 'segments/000000.ndjson'))).toContain('listed twice');
    expect(reason((m) => ((m['content'] as O[])[0]!['path'] = 'content/other'))).toContain('content/<cid>');
  });
});

describe('parseManifest: content packs (§6.1)', () => {
  const cid = (i: number) => i.toString(16).padStart(2, '0').repeat(32);
  /** Two packs and a single file: pack-a holds items 1 (3 bytes) and 2 (5), pack-b item 4 (7). */
  const packed = (): O[] => [
    { bytes: 3, cid: cid(1), offset: 0, path: 'content/pack-a' },
    { bytes: 5, cid: cid(2), offset: 3, path: 'content/pack-a' },
    { bytes: 4, cid: cid(3), path: `content/${cid(3)}` },
    { bytes: 7, cid: cid(4), offset: 0, path: 'content/pack-b' }
  ];
  const withContent = (edit: (c: O[]) => void) =>
    reason((m) => {
      const c = packed();
      edit(c);
      m['content'] = c;
    });

  it('accepts packs beside single files, and maps each entry to its file', () => {
    const m = good();
    m['content'] = packed();
    const r = parse(m);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest.content[1]).toEqual({ cid: cid(2), path: 'content/pack-a', bytes: 5, offset: 3 });
    expect(r.manifest.content[2]).toEqual({ cid: cid(3), path: `content/${cid(3)}`, bytes: 4 });
    expect(contentFiles(r.manifest.content)).toEqual({
      files: [
        { path: 'content/pack-a', bytes: 8, first: 0, count: 2 },
        { path: `content/${cid(3)}`, bytes: 4, first: 2, count: 1 },
        { path: 'content/pack-b', bytes: 7, first: 3, count: 1 }
      ],
      fileOf: [0, 0, 1, 2]
    });
  });

  it('requires each pack to be tiled from 0 by consecutive entries, within its limit', () => {
    expect(withContent(() => undefined)).toBe('ok');
    expect(withContent((c) => (c[0]!['offset'] = 1))).toContain('first item of pack content/pack-a starts at 0');
    expect(withContent((c) => (c[1]!['offset'] = 4))).toContain('previous item of content/pack-a ends at 3');
    expect(withContent((c) => (c[1]!['offset'] = 2))).toContain('previous item of content/pack-a ends at 3');
    // A pack listed again after another file: its path is listed twice.
    expect(withContent((c) => (c[3]!['path'] = 'content/pack-a'))).toContain('content/pack-a is listed twice');
    expect(withContent((c) => (c[3]!['path'] = `content/${cid(3)}`))).toContain('listed twice');
    expect(withContent((c) => (c[3]!['path'] = 'packs/pack-b'))).toContain("a pack's path starts with content/");
    expect(withContent((c) => (c[3]!['offset'] = -1))).toContain('offset must be a non-negative integer');
    expect(withContent((c) => (c[3]!['offset'] = '0'))).toContain('offset must be a non-negative integer');
    expect(withContent((c) => (c[3]!['extra'] = 1))).toContain('has exactly the fields bytes, cid, path, offset');
    expect(withContent((c) => (c[2]!['extra'] = 1))).toBe('manifest.json: content[2] has exactly the fields bytes, cid, path');
    expect(withContent((c) => (c[1]!['cid'] = cid(1)))).toContain(`content[1]: cid ${cid(1)} is listed twice`);
    expect(withContent((c) => (c[3]!['cid'] = cid(3)))).toContain(`content[3]: cid ${cid(3)} is listed twice`);
    // Items fill a pack up to PACK_BYTES, not beyond.
    const full = (n: number): O[] => Array.from({ length: n }, (_, i) => ({ bytes: 2 ** 20, cid: cid(i + 1), offset: i * 2 ** 20, path: 'content/big' }));
    expect(withContent((c) => c.splice(0, c.length, ...full(PACK_BYTES / 2 ** 20)))).toBe('ok');
    expect(withContent((c) => c.splice(0, c.length, ...full(PACK_BYTES / 2 ** 20 + 1)))).toContain(`a pack is at most ${PACK_BYTES} bytes`);
  });

  it('every single-byte replacement of a manifest with packs: what is accepted still tiles each pack, every pack one run, every cid once', () => {
    const m = good();
    m['content'] = packed();
    const bytes = canonicalBytes(m);
    let accepted = 0;
    for (const edited of byteEdits(bytes, [0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x66])) {
      const r = parseManifest(edited);
      if (!r.ok) continue;
      accepted++;
      const { files, fileOf } = contentFiles(r.manifest.content);
      expect(new Set(r.manifest.content.map((c) => c.cid)).size).toBe(r.manifest.content.length);
      expect(new Set(files.map((f) => f.path)).size).toBe(files.length);
      for (const f of files) {
        let end = 0;
        for (let i = f.first; i < f.first + f.count; i++) {
          const c = r.manifest.content[i]!;
          expect(fileOf[i]).toBe(files.indexOf(f));
          if (c.offset === undefined) expect(c.path).toBe(`content/${c.cid}`);
          else expect(c.offset).toBe(end);
          end = (c.offset ?? 0) + c.bytes;
        }
        expect(f.bytes).toBe(end);
        expect(f.bytes).toBeLessThanOrEqual(PACK_BYTES);
      }
    }
    expect(accepted).toBeGreaterThan(100);
  });

  // Checkpoint notes in packs (§6.1): the same rule as content, under checkpoints/.
  const notePacks = (): O[] => [
    { bytes: 400, offset: 0, path: 'checkpoints/pack-000000', size: 1 },
    { bytes: 401, offset: 400, path: 'checkpoints/pack-000000', size: 2 },
    { path: 'checkpoints/000000003.note', size: 3 },
    { bytes: 402, offset: 0, path: 'checkpoints/pack-000001', size: 5 }
  ];
  const withNotes = (edit: (c: O[]) => void): string =>
    reason((m) => {
      const c = notePacks();
      edit(c);
      m['checkpoints'] = c;
      m['epochs'] = c.length;
    });

  it('accepts checkpoint notes in packs beside single note files, and maps each note to its file', () => {
    const m = good();
    m['checkpoints'] = notePacks();
    m['epochs'] = 4;
    const r = parse(m);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.manifest.checkpoints).toEqual([
      { path: 'checkpoints/pack-000000', size: 1, bytes: 400, offset: 0 },
      { path: 'checkpoints/pack-000000', size: 2, bytes: 401, offset: 400 },
      { path: 'checkpoints/000000003.note', size: 3 },
      { path: 'checkpoints/pack-000001', size: 5, bytes: 402, offset: 0 }
    ]);
    // A single note file lists no length: the caller says what to charge for it.
    expect(packedFiles(r.manifest.checkpoints, LIMITS.noteBytes)).toEqual({
      files: [
        { path: 'checkpoints/pack-000000', bytes: 801, first: 0, count: 2 },
        { path: 'checkpoints/000000003.note', bytes: LIMITS.noteBytes, first: 2, count: 1 },
        { path: 'checkpoints/pack-000001', bytes: 402, first: 3, count: 1 }
      ],
      fileOf: [0, 0, 1, 2]
    });
    // The layout before packs is unchanged: no offset, no bytes.
    const old = parse(good());
    expect(old.ok && old.manifest.checkpoints).toEqual([
      { path: 'checkpoints/000000003.note', size: 3 },
      { path: 'checkpoints/000000005.note', size: 5 }
    ]);
  });

  it('requires each note pack to be tiled from 0 by consecutive notes, within its limits', () => {
    expect(withNotes(() => undefined)).toBe('ok');
    expect(withNotes((c) => (c[0]!['offset'] = 1))).toContain('checkpoints[0]: offset 1; the first note of pack checkpoints/pack-000000 starts at 0');
    expect(withNotes((c) => (c[1]!['offset'] = 401))).toContain('checkpoints[1]: offset 401; the previous note of checkpoints/pack-000000 ends at 400');
    expect(withNotes((c) => (c[1]!['offset'] = 399))).toContain('previous note of checkpoints/pack-000000 ends at 400');
    expect(withNotes((c) => (c[3]!['path'] = 'checkpoints/pack-000000'))).toContain('checkpoints/pack-000000 is listed twice');
    expect(withNotes((c) => (c[3]!['path'] = 'content/pack-000001'))).toContain("checkpoints[3]: a pack's path starts with checkpoints/");
    expect(withNotes((c) => (c[3]!['path'] = 'checkpoints/000000003.note'))).toContain('listed twice');
    expect(withNotes((c) => (c[3]!['offset'] = -1))).toContain('offset must be a non-negative integer');
    expect(withNotes((c) => (c[3]!['bytes'] = LIMITS.noteBytes))).toBe('ok');
    expect(withNotes((c) => (c[3]!['bytes'] = LIMITS.noteBytes + 1))).toContain(`checkpoints[3]: bytes must be an integer ≤ ${LIMITS.noteBytes}`);
    expect(withNotes((c) => (c[3]!['bytes'] = '402'))).toContain('bytes must be an integer');
    expect(withNotes((c) => delete c[3]!['bytes'])).toBe('manifest.json: checkpoints[3] has exactly the fields bytes, offset, path, size');
    expect(withNotes((c) => (c[2]!['bytes'] = 1))).toBe('manifest.json: checkpoints[2] has exactly the fields path, size');
    expect(withNotes((c) => (c[1]!['size'] = 1))).toContain('checkpoints[1]: size must increase');
    // Notes fill a pack up to PACK_BYTES, not beyond.
    const full = (n: number): O[] => Array.from({ length: n }, (_, i) => ({ bytes: LIMITS.noteBytes, offset: i * LIMITS.noteBytes, path: 'checkpoints/big', size: i + 1 }));
    const fill = (n: number) =>
      reason((m) => {
        m['checkpoints'] = full(n);
        m['epochs'] = n;
        m['events'] = n;
        (m['segments'] as O[]).splice(0, 2, { bytes: 100, count: n, firstSeq: 0, path: 'segments/000000.ndjson', sha256: '00'.repeat(32) });
      });
    expect(fill(PACK_BYTES / LIMITS.noteBytes)).toBe('ok');
    expect(fill(PACK_BYTES / LIMITS.noteBytes + 1)).toContain(`a pack is at most ${PACK_BYTES} bytes`);
  });

  it('slices an item from its pack, shorter where the pack is short; ContentReader reads a pack once for its run', async () => {
    const file = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const ref = (offset: number | undefined, bytes: number): ContentRef => ({ cid: cid(1), path: 'content/p', bytes, ...(offset === undefined ? {} : { offset }) });
    expect([...contentSlice(ref(3, 5), file)]).toEqual([4, 5, 6, 7, 8]);
    expect([...contentSlice(ref(6, 5), file)]).toEqual([7, 8]);
    expect([...contentSlice(ref(9, 1), file)]).toEqual([]);
    expect(contentSlice(ref(undefined, 3), file)).toBe(file);
    const reads: string[] = [];
    const files = new Map([['content/p', file], ['content/q', Uint8Array.from([9])]]);
    const reader = new ContentReader(async (p) => (reads.push(p), files.get(p)!));
    expect([...(await reader.bytes(ref(0, 3)))]).toEqual([1, 2, 3]);
    expect([...(await reader.bytes(ref(3, 5)))]).toEqual([4, 5, 6, 7, 8]);
    expect([...(await reader.bytes({ cid: cid(2), path: 'content/q', bytes: 1 }))]).toEqual([9]);
    expect([...(await reader.bytes({ cid: cid(3), path: 'content/q', bytes: 1, offset: 0 }))]).toEqual([9]);
    expect([...(await reader.bytes(ref(7, 1)))]).toEqual([8]);
    expect(reads).toEqual(['content/p', 'content/q', 'content/q', 'content/p']);
  });
});

describe('parseManifest: the one-scan fast path', () => {
  // The full path alone (decode, parse, re-encode, compare), as readManifest had it before the fast
  // path (issue 7): its verdict on the bytes, or the value the rest of the checks read.
  const fullFront = (b: Uint8Array): { message: string } | { value: Json } => {
    if (b.length > 1 << 20) throw new Error('not a test input');
    for (let i = 0; i < b.length; i++) if (b[i]! >= 0x80) return { message: `manifest.json: non-ASCII byte at offset ${i}; canonical JSON escapes it` };
    try {
      return { value: parseCanonical(String.fromCharCode(...b)) };
    } catch (e) {
      if (e instanceof CanonicalJsonError) return { message: `manifest.json: not canonical JSON: ${e.message}` };
      throw e;
    }
  };

  it('every single-byte replacement of a manifest: refused with the full path\'s reason, or read as the same value', () => {
    const bytes = canonicalBytes(good());
    expect(parse(good()).ok).toBe(true);
    let refused = 0;
    let read = 0;
    for (const m of byteEdits(bytes, [0x20, 0x22, 0x2c, 0x30, 0x31, 0x3a, 0x41, 0x5c, 0x5d, 0x61, 0x7b, 0x7d, 0xc3])) {
      const want = fullFront(m);
      const got = parseManifest(m);
      if ('message' in want) {
        refused++;
        expect(got.ok ? 'accepted' : got.finding.message).toBe(want.message);
      } else {
        // The full path reads this value: the manifest checks after it are the same code either way,
        // so the outcome must be that of the canonical bytes of the value (here, the bytes themselves).
        read++;
        expect(parseManifest(canonicalBytes(want.value))).toEqual(got);
      }
    }
    expect(refused).toBeGreaterThan(1000);
    expect(read).toBeGreaterThan(10);
  });
});

describe('trust docs', () => {
  it('parses a trust file and names what differs', () => {
    expect(parseTrustDoc(JSON.stringify(trust))).toEqual(trust);
    expect(typeof parseTrustDoc('{"aegis":"a"}')).toBe('string');
    expect(typeof parseTrustDoc('nope')).toBe('string');
    expect(trustDifferences(trust, trust)).toEqual([]);
    const d = trustDifferences(trust, { ...trust, aegis: 'b', policy: 'log x\nquorum q\n' });
    expect(d[0]).toBe('aegis key');
    expect(d[1]).toContain('-quorum none');
    expect(d[1]).toContain('+quorum q');
  });
});
