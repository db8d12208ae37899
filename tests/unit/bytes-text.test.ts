// toHex / toBase64 (src/lib/core/bytes.ts) build flat strings through TextDecoder: same text as
// Node's Buffer encoders for every length and byte value, and the decoders invert them.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromBase64, fromHex, toBase64, toHex } from '../../src/lib/core/bytes';

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
