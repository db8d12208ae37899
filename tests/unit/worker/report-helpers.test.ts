import { describe, expect, it } from 'vitest';
import { stableJson } from '../../../src/lib/worker/report-json';
import { diffPolicies } from '../../../src/lib/worker/policy-diff';
import { noteView } from '../../../src/lib/worker/note-view';
import { toBase64 } from '../../../src/lib/core/bytes';

describe('stableJson', () => {
  it('is independent of key insertion order and drops undefined', () => {
    const a = stableJson({ b: 1, a: { d: [1, undefined], c: 'x' }, z: undefined });
    const b = stableJson({ a: { c: 'x', d: [1, undefined] }, b: 1 });
    expect(a).toBe(b);
    expect(a).toBe('{\n  "a": {\n    "c": "x",\n    "d": [\n      1,\n      null\n    ]\n  },\n  "b": 1\n}\n');
  });

  it('writes bigint as decimal text and refuses what would not round-trip', () => {
    expect(stableJson({ n: 2n ** 100n })).toContain('"1267650600228229401496703205376"');
    expect(() => stableJson({ x: Number.NaN })).toThrow(TypeError);
    expect(() => stableJson({ b: new Uint8Array(1) })).toThrow(TypeError);
  });
});

describe('diffPolicies', () => {
  it('lists changed, added and removed fields by path', () => {
    const before = { reward: { pool: '1000.0', caps: [1, 2] }, ranking: { decay: '0.5' }, old: true };
    const after = { reward: { pool: '1200.0', caps: [1, 3] }, ranking: { decay: '0.5' }, added: 'x' };
    expect(diffPolicies(before, after)).toEqual([
      { path: 'added', kind: 'added', before: null, after: '"x"' },
      { path: 'old', kind: 'removed', before: 'true', after: null },
      { path: 'reward.caps[1]', kind: 'changed', before: '2', after: '3' },
      { path: 'reward.pool', kind: 'changed', before: '"1000.0"', after: '"1200.0"' }
    ]);
    expect(diffPolicies(before, before)).toEqual([]);
  });
});

describe('noteView', () => {
  it('lays out a checkpoint note: origin, size, root, log signature and cosignatures with timestamps', () => {
    const root = new Uint8Array(32).fill(7);
    const logSig = toBase64(new Uint8Array([1, 2, 3, 4, ...new Uint8Array(64)]));
    const cosig = new Uint8Array(76);
    cosig.set([9, 9, 9, 9]);
    cosig[11] = 100; // timestamp 100
    const text = `log.example/a\n42\n${toBase64(root)}\n\n\u2014 log.example/a ${logSig}\n\u2014 witness.example ${toBase64(cosig)}\n\u2014 other.example ${toBase64(cosig)}\n`;
    const v = noteView(text, true, ['witness.example']);
    expect(v.origin).toBe('log.example/a');
    expect(v.size).toBe(42);
    expect(v.root).toBe('07'.repeat(32));
    expect(v.signatures).toEqual([
      { name: 'log.example/a', keyId: '01020304', kind: 'log', verified: true },
      { name: 'witness.example', keyId: '09090909', kind: 'witness', verified: true, timestamp: 100 },
      { name: 'other.example', keyId: '09090909', kind: 'witness', verified: false, timestamp: 100 }
    ]);
  });

  it('marks a malformed signature line as not verified', () => {
    const v = noteView('o\n1\nAAAA\n\nnot a signature line\n', true, []);
    expect(v.root).toBeNull();
    expect(v.signatures[0]!.verified).toBe(false);
  });
});
