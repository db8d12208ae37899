import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesEqual, concatBytes, fromBase64, fromHex, fromUtf8, isHex, toBase64, toHex, u64be, utf8 } from '../../src/lib/core/bytes';

describe('bytes', () => {
  it('hex and base64 agree with Node and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        expect(toHex(b)).toBe(Buffer.from(b).toString('hex'));
        expect(toBase64(b)).toBe(Buffer.from(b).toString('base64'));
        expect(fromHex(toHex(b))).toEqual(b);
        expect(fromBase64(toBase64(b))).toEqual(b);
      })
    );
  });
  it('strict decoders refuse every non-canonical form', () => {
    expect(fromHex('ABCD')).toBeNull();
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
    expect(isHex('00'.repeat(32), 32)).toBe(true);
    expect(isHex('00'.repeat(31), 32)).toBe(false);
    expect(fromBase64('QQ==')).toEqual(Uint8Array.of(65));
    expect(fromBase64('QR==')).toBeNull(); // non-zero padding bits (Node and Go accept these)
    expect(fromBase64('QUI=')).toEqual(Uint8Array.of(65, 66));
    expect(fromBase64('QUJ=')).toBeNull();
    expect(fromBase64('QQ')).toBeNull(); // padding is mandatory
    expect(fromBase64('QQ=A')).toBeNull();
    expect(fromBase64('Q===')).toBeNull();
    expect(fromBase64('QUJD\n')).toBeNull();
    expect(fromBase64('QU-D')).toBeNull(); // URL alphabet
    expect(fromBase64('QUé=')).toBeNull();
    expect(fromBase64('')).toEqual(new Uint8Array(0));
  });
  it('property: at most one accepted base64 text per byte string', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=';
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.nat(64), (b, at, c) => {
        const s = toBase64(b);
        const i = at % s.length;
        const t = s.slice(0, i) + alphabet[c]! + s.slice(i + 1);
        const d = fromBase64(t);
        if (d !== null && t !== s) expect(toBase64(d)).toBe(t);
      }),
      { numRuns: 2000 }
    );
  });
  it('strict UTF-8', () => {
    expect(fromUtf8(utf8('é😀'))).toBe('é😀');
    expect(fromUtf8(Uint8Array.of(0xff))).toBeNull();
    expect(fromUtf8(Uint8Array.of(0xc3))).toBeNull();
    expect(fromUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBeNull(); // encoded surrogate
    expect(fromUtf8(Uint8Array.of(0xc0, 0xaf))).toBeNull(); // overlong
    expect(fromUtf8(Uint8Array.of(0xef, 0xbb, 0xbf, 0x41))).toBe('\ufeffA'); // BOM kept
  });
  it('concat, equality, u64', () => {
    expect(concatBytes(Uint8Array.of(1), new Uint8Array(0), Uint8Array.of(2, 3))).toEqual(Uint8Array.of(1, 2, 3));
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(bytesEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(bytesEqual(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
    expect(toHex(u64be(1679315147))).toBe('00000000641850cb');
    expect(toHex(u64be((1n << 64n) - 1n))).toBe('ffffffffffffffff');
    expect(() => u64be(1n << 64n)).toThrow(RangeError);
    expect(() => u64be(-1)).toThrow(RangeError);
  });
});
