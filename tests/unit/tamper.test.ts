// The tamper library (issue 6): its building blocks here, and every corruption kind against a real
// generated ledger and the real verifier in tamper-kinds.test.ts.
import { describe, expect, it } from 'vitest';
import * as ed from '@noble/ed25519';
import { SeededRandom } from '../../src/issuer/tamper/random';
import { KeyRing, publicKeyB64 } from '../../src/issuer/tamper/signing';
import { formatNote, parseNote, resignNote, withRoot } from '../../src/issuer/tamper/note-edit';
import { concatBytes, fromBase64, u64be, utf8 } from '../../src/lib/core/bytes';
import { sha256 } from '../../src/lib/core/hash';

describe('SeededRandom', () => {
  it('replays the same stream from the same seed, and a different one from another seed', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const xs = Array.from({ length: 20 }, () => a.int(1_000_000));
    expect(Array.from({ length: 20 }, () => b.int(1_000_000))).toEqual(xs);
    expect(Array.from({ length: 20 }, () => c.int(1_000_000))).not.toEqual(xs);
  });

  it('matches the published SplitMix64 output for seed 0', () => {
    // First outputs of SplitMix64 seeded with 0 (reference C implementation by Vigna).
    const r = new SeededRandom(0);
    expect(r.next64()).toBe(0xe220a8397b1dcdafn);
    expect(r.next64()).toBe(0x6e789e6aa1b965f4n);
  });

  it('stays in range, covers it, and samples distinct items', () => {
    const r = new SeededRandom('range');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = r.int(7);
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(7);
      seen.add(x);
    }
    expect(seen.size).toBe(7);
    const s = r.sample([...Array(100).keys()], 50);
    expect(new Set(s).size).toBe(50);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });
});

describe('checkpoint note editing', () => {
  const opSeed = sha256(utf8('operator'));
  const witSeed = sha256(utf8('witness'));
  const ring = new KeyRing([opSeed, witSeed]);
  const keyId = (name: string, type: number, seed: Uint8Array) => sha256(concatBytes(utf8(name), Uint8Array.of(0x0a, type), ed.getPublicKey(seed))).subarray(0, 4);
  const text = `example.org/log\n5\n${Buffer.from(sha256(utf8('root'))).toString('base64')}\n`;
  const ts = 1_700_000_000n;
  const note =
    text +
    '\n' +
    `\u2014 example.org/log ${Buffer.from(concatBytes(keyId('example.org/log', 1, opSeed), ed.sign(utf8(text), opSeed))).toString('base64')}\n` +
    `\u2014 w1.example ${Buffer.from(concatBytes(keyId('w1.example', 4, witSeed), u64be(ts), ed.sign(utf8(`cosignature/v1\ntime ${ts}\n${text}`), witSeed))).toString('base64')}\n`;

  it('parses and re-formats a note byte for byte', () => {
    const n = parseNote(note);
    expect(n.origin).toBe('example.org/log');
    expect(n.size).toBe(5);
    expect(n.signatures.map((s) => s.blob.length)).toEqual([68, 76]);
    expect(formatNote(n)).toBe(note);
  });

  it('re-signs the operator line and the cosignature over a new root, keeping key IDs and timestamp', () => {
    const n = parseNote(note);
    const root = new Uint8Array(32).fill(7);
    const t2 = withRoot(n.text, root);
    expect(t2.split('\n')[2]).toBe(Buffer.from(root).toString('base64'));
    expect(resignNote(n.signatures, t2, ring)).toBe(2);
    const out = parseNote(formatNote({ text: t2, signatures: n.signatures }));
    const [op, wit] = out.signatures;
    expect(op!.blob.subarray(0, 4)).toEqual(keyId('example.org/log', 1, opSeed));
    expect(ed.verify(op!.blob.subarray(4), utf8(t2), ed.getPublicKey(opSeed))).toBe(true);
    expect(ed.verify(op!.blob.subarray(4), utf8(text), ed.getPublicKey(opSeed))).toBe(false);
    expect(wit!.blob.subarray(4, 12)).toEqual(u64be(ts));
    expect(ed.verify(wit!.blob.subarray(12), utf8(`cosignature/v1\ntime ${ts}\n${t2}`), ed.getPublicKey(witSeed))).toBe(true);
  });

  it('leaves lines it holds no key for alone', () => {
    const n = parseNote(note);
    const only = new KeyRing([witSeed]);
    const before = n.signatures[0]!.blob.slice();
    expect(resignNote(n.signatures, withRoot(n.text, new Uint8Array(32)), only)).toBe(1);
    expect(n.signatures[0]!.blob).toEqual(before);
    expect(only.has(publicKeyB64(witSeed))).toBe(true);
    expect(fromBase64(publicKeyB64(opSeed))).toEqual(ed.getPublicKey(opSeed));
  });
});
