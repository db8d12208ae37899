// toHex / toBase64 (src/lib/core/bytes.ts) build flat strings through TextDecoder: same text as
// Node's Buffer encoders for every length and byte value, and the decoders invert them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asciiText, fromBase64, fromHex, toBase64, toHex } from '../../src/lib/core/bytes';

describe('toHex / toBase64', () => {
  it('match Buffer for arbitrary bytes (every padding case) and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        expect(toHex(b)).toBe(Buffer.from(b).toString('hex'));
        expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
        expect(fromHex(toHex(b))).toEqual(b);
        expect(fromBase64(toBase64(b))).toEqual(b);
      }),
      { numRuns: 500 }
    );
  });
  it('cover every byte value and the empty input', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(Buffer.from(all).toString('hex'));
    expect(toBase64(all)).toBe(Buffer.from(all).toString('base64'));
    expect(toHex(new Uint8Array(0))).toBe('');
    expect(toBase64(new Uint8Array(0))).toBe('');
  });
});

// asciiText makes an event line's text in JS (chunks through reused arrays) instead of TextDecoder.
describe('asciiText', () => {
  const ascii = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
  it('equals the bytes as code units for any ASCII bytes, across chunk boundaries and in views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ min: 0, max: 127, maxLength: 700, size: 'max' }), fc.nat(40), (b, skip) => {
        expect(asciiText(b)).toBe(ascii(b));
        // A line is a view into a larger buffer: the view's bytes only, from its offset.
        const big = new Uint8Array(b.length + skip + 3).fill(65);
        big.set(b, skip);
        expect(asciiText(big.subarray(skip, skip + b.length))).toBe(ascii(b));
      }),
      { numRuns: 400 }
    );
  });
  it('keeps nothing from an earlier call of the same or another length', () => {
    for (const n of [0, 1, 127, 128, 129, 255, 256, 257, 1000, 3000]) {
      const a = Uint8Array.from({ length: n }, (_, i) => 32 + ((i * 7 + n) % 95));
      const b = Uint8Array.from({ length: n }, (_, i) => 32 + ((i * 11 + 3) % 95));
      expect(asciiText(a)).toBe(ascii(a));
      expect(asciiText(b)).toBe(ascii(b));
      expect(asciiText(a.subarray(0, n >> 1))).toBe(ascii(a.subarray(0, n >> 1)));
    }
  });
});
