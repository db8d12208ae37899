// C2SP specification examples (tests/vectors/c2sp-spec-examples/README.md): the verifiable
// signed-note example, and the illustrative layouts (parsers only: no published keys).
import { describe, expect, it } from 'vitest';
import { readJson } from './load';
import { ed25519NoteVerifier, openNote, parseNote, parseVkey } from '../../src/lib/core/note';
import { parseCheckpoint } from '../../src/lib/core/checkpoint';
import { cosignatureMessage, parseCosignature } from '../../src/lib/core/cosignature';
import { parseTlogProof } from '../../src/lib/core/tlog-proof';
import { pureBackend } from '../../src/lib/core/ed25519';
import { fromUtf8, utf8 } from '../../src/lib/core/bytes';
import { sha256Hex } from '../../src/lib/core/hash';

interface V {
  verifiable: { vkey: string; note: string }[];
  illustrativeOnly: { spec: string; note?: string; body?: string; text?: string; cosignedMessageExample?: string }[];
  witnessMonitoringPath: { example: { origin: string; originHashHex: string } };
}
const v = readJson<V>('c2sp-spec-examples', 'c2sp-examples.json');
const find = (spec: string) => v.illustrativeOnly.find((x) => x.spec === spec)!;

describe('C2SP spec examples', () => {
  it('the signed-note example verifies with example.com/foo, and fails when the text changes', async () => {
    const ex = v.verifiable[0]!;
    const vk = parseVkey(ex.vkey);
    expect(vk.ok).toBe(true);
    if (!vk.ok) return;
    const verifier = ed25519NoteVerifier(vk.value, pureBackend);
    const r = await openNote(ex.note, [verifier]);
    expect(r.ok && r.value.text).toBe('This is an example message.\n');
    expect((await openNote(ex.note.replace('example', 'exampl3'), [verifier])).ok).toBe(false);
  });

  it('multi-line text with an interior blank line: the last blank line separates', () => {
    const p = parseNote(find('signed-note').note!);
    expect(p.ok).toBe(true);
    if (p.ok) {
      expect(p.value.text).toBe('Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n');
      expect(p.value.signatures.map((s) => s.name)).toEqual(['quasimodo.example/salvatore']);
      expect(fromUtf8(p.value.message)).toBe(p.value.text);
    }
  });

  it('checkpoint + cosignature layout: 68-byte log line, 76-byte witness line, the cosigned message', () => {
    const ex = find('tlog-checkpoint + tlog-cosignature');
    const p = parseNote(ex.note!);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const [log, wit] = p.value.signatures;
    expect(log!.sig.length + 4).toBe(68);
    expect(wit!.sig.length + 4).toBe(76);
    const cp = parseCheckpoint(p.value.text);
    expect(cp.ok && [cp.value.origin, cp.value.size]).toEqual(['example.com/behind-the-sofa', 20852163]);
    const c = parseCosignature(wit!.sig)!;
    expect(c.timestamp).toBe(1679315147n);
    expect(fromUtf8(cosignatureMessage(p.value.text, c.timestamp))).toBe(ex.cosignedMessageExample);
  });

  it('witness add-checkpoint request layout: old size, 4 proof hashes, a checkpoint note with two log lines', () => {
    const body = find('tlog-witness add-checkpoint request').body!;
    const blank = body.indexOf('\n\n');
    const head = body.slice(0, blank).split('\n');
    expect(head[0]).toBe('old 20852014');
    expect(head.slice(1)).toHaveLength(4);
    const p = parseNote(body.slice(blank + 2));
    expect(p.ok && p.value.signatures.length).toBe(2);
  });

  it('tlog-proof layout parses: extra, index, 5 hashes, the checkpoint note verbatim', () => {
    const text = find('tlog-proof').text!;
    const p = parseTlogProof(text);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    expect(p.value.index).toBe(73894);
    expect(p.value.proof).toHaveLength(5);
    expect(fromUtf8(p.value.extra!.subarray(0, 30))).toBe('age-v1.2.1-darwin-arm64.tar.gz'); // truncated in the spec
    expect(p.value.checkpoint.startsWith('example.com/fancylog\n109482\n')).toBe(true);
    // The spec truncates its signatures ("[...]"), so the embedded note itself is not valid.
    expect(parseNote(p.value.checkpoint).ok).toBe(false);
  });

  it('witness monitoring path: hex SHA-256 of the origin', () => {
    expect(sha256Hex(utf8(v.witnessMonitoringPath.example.origin))).toBe(v.witnessMonitoringPath.example.originHashHex);
  });
});
