// The manifest (BUNDLE_FORMAT.md §6): canonical JSON, exact fields, path rules, consistent counts.
import { describe, expect, it } from 'vitest';
import { canonicalBytes, type Json } from '../../src/lib/core/canonical-json';
import { isBundlePath, parseManifest, parseTrustDoc, trustDifferences } from '../../src/lib/core/manifest';

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
