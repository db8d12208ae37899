import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatCheckpoint, parseCheckpoint } from '../../src/lib/core/checkpoint';
import { EMPTY_ROOT, leafHash } from '../../src/lib/core/merkle';
import { toBase64, utf8 } from '../../src/lib/core/bytes';

const ROOT = leafHash(utf8('x'));
const R64 = toBase64(ROOT);
const reason = (t: string, o?: { origin?: string }) => {
  const r = parseCheckpoint(t, o);
  return r.ok ? 'ok' : r.reason;
};

describe('checkpoint', () => {
  it('round trip with and without extension lines', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9./-]{1,30}$/),
        fc.nat({ max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.stringMatching(/^[ -~]{1,20}$/), { maxLength: 3 }),
        (origin, size, extensions) => {
          const root = size === 0 ? EMPTY_ROOT : ROOT;
          const text = formatCheckpoint({ origin, size, root, extensions });
          const p = parseCheckpoint(text);
          expect(p.ok).toBe(true);
          if (p.ok) expect([p.value.origin, p.value.size, toBase64(p.value.root), p.value.extensions, p.value.text]).toEqual([origin, size, toBase64(root), extensions, text]);
        }
      )
    );
  });
  it('rejects each malformed body', () => {
    expect(reason(`o\n1\n${R64}\n`)).toBe('ok');
    expect(reason(`o\n1\n${R64}`)).toBe('syntax');
    expect(reason(`o\n1\n`)).toBe('syntax');
    expect(reason(`\n1\n${R64}\n`)).toBe('bad-origin');
    expect(reason(`o\n1\n${R64}\n`, { origin: 'p' })).toBe('origin-mismatch');
    expect(reason(`o\n01\n${R64}\n`)).toBe('bad-size');
    expect(reason(`o\n+1\n${R64}\n`)).toBe('bad-size');
    expect(reason(`o\n1.0\n${R64}\n`)).toBe('bad-size');
    expect(reason(`o\n9007199254740992\n${R64}\n`)).toBe('bad-size');
    expect(reason(`o\n1\n${R64.slice(0, -1)}\n`)).toBe('bad-root');
    expect(reason(`o\n1\n${toBase64(new Uint8Array(31))}\n`)).toBe('bad-root');
    expect(reason(`o\n0\n${R64}\n`)).toBe('empty-root-mismatch');
    expect(reason(`o\n0\n${toBase64(EMPTY_ROOT)}\n`)).toBe('ok');
    expect(reason(`o\n1\n${R64}\next\n\nmore\n`)).toBe('bad-extension');
  });
  it('formatter refuses values that cannot form a checkpoint', () => {
    expect(() => formatCheckpoint({ origin: '', size: 1, root: ROOT })).toThrow(TypeError);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, root: ROOT })).toThrow(TypeError);
    expect(() => formatCheckpoint({ origin: 'a', size: -1, root: ROOT })).toThrow(RangeError);
    expect(() => formatCheckpoint({ origin: 'a', size: 1, root: new Uint8Array(3) })).toThrow(TypeError);
    expect(() => formatCheckpoint({ origin: 'a', size: 1, root: ROOT, extensions: [''] })).toThrow(TypeError);
  });
});
