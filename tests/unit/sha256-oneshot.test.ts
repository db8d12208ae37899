// sha256OneShot and sha256Words (src/lib/core/sha256-oneshot.ts) against node:crypto and
// @noble/hashes at every length around the padding boundaries and on random inputs, plus the
// FIPS 180-4 / NIST examples (NIST CSRC "Cryptographic Standards and Guidelines: Examples with
// Intermediate Values", SHA-256; the one-million-'a' and 896-bit messages from the NIST SHS
// validation set).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { sha256LeafInto, sha256OneShot, sha256RangeInto, sha256Words } from '../../src/lib/core/sha256-oneshot';
import { leafHash } from '../../src/lib/core/merkle';
import { toHex, utf8 } from '../../src/lib/core/bytes';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const wordsHex = (b: Uint8Array, at = 3) => {
  const out = new Int32Array(at + 8).fill(-1);
  sha256Words(b, out, at);
  return [...out.subarray(at)].map((w) => (w >>> 0).toString(16).padStart(8, '0')).join('');
};

describe('sha256OneShot', () => {
  it('FIPS 180-4 examples', () => {
    expect(toHex(sha256OneShot(new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256OneShot(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256OneShot(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    const m896 = utf8('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu');
    expect(toHex(sha256OneShot(m896))).toBe('cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1');
    expect(toHex(sha256OneShot(new Uint8Array(1_000_000).fill(0x61)))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
    expect(wordsHex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('every length from 0 to 300 bytes (both padding cases, multi-block)', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let n = 0; n <= 300; n++) {
      const m = data.subarray(0, n);
      expect(toHex(sha256OneShot(m))).toBe(node(m));
      expect(wordsHex(m)).toBe(node(m));
    }
  });
  it('random inputs, including views at an offset, and a fresh result each call', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(40), (b, off) => {
        const view = b.subarray(Math.min(off, b.length));
        const a = sha256OneShot(view);
        const again = sha256OneShot(view);
        return toHex(a) === node(view) && toHex(a) === toHex(nobleSha256(view)) && wordsHex(view, off) === node(view) && a !== again && a.buffer.byteLength === 32;
      }),
      { numRuns: 400 }
    );
  });
});

describe('sha256RangeInto', () => {
  const rangeHex = (b: Uint8Array, start: number, end: number, at = 5) => {
    const out = new Uint8Array(at + 32 + 3).fill(0xaa);
    sha256RangeInto(b, start, end, out, at);
    // nothing outside the 32 bytes at `at` is written
    expect([...out.subarray(0, at), ...out.subarray(at + 32)].every((x) => x === 0xaa)).toBe(true);
    return toHex(out.subarray(at, at + 32));
  };
  it('every range of a 300-byte buffer around the padding boundaries, at several starts', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (const start of [0, 1, 3, 63, 64, 65]) {
      for (let n = 0; start + n <= 300; n++) expect(rangeHex(data, start, start + n)).toBe(node(data.subarray(start, start + n)));
    }
  });
  it('random ranges of views at an offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(40), fc.nat(3000), fc.nat(3000), (b, off, x, y) => {
        const view = b.subarray(Math.min(off, b.length));
        const s = Math.min(x, y, view.length);
        const e = Math.min(Math.max(x, y), view.length);
        return rangeHex(view, s, e, off) === node(view.subarray(s, e));
      }),
      { numRuns: 300 }
    );
  });
  it('sha256LeafInto = SHA-256(0x00 ‖ range) = leafHash, whatever byte precedes the range (every length 0-300, several starts)', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff | 1); // no zero byte before any start
    for (const start of [0, 1, 2, 63, 64, 65]) {
      for (let n = 0; start + n <= 300; n++) {
        const out = new Uint8Array(40).fill(0xaa);
        sha256LeafInto(data, start, start + n, out, 3);
        const entry = data.subarray(start, start + n);
        expect(toHex(out.subarray(3, 35))).toBe(node(Uint8Array.from([0, ...entry])));
        expect(toHex(out.subarray(3, 35))).toBe(toHex(leafHash(entry)));
        expect([...out.subarray(0, 3), ...out.subarray(35)].every((x) => x === 0xaa)).toBe(true);
      }
    }
  });
  it('sha256LeafInto on random ranges of views at an offset', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(40), fc.nat(3000), fc.nat(3000), (b, off, x, y) => {
        const view = b.subarray(Math.min(off, b.length));
        const s = Math.min(x, y, view.length);
        const e = Math.min(Math.max(x, y), view.length);
        const out = new Uint8Array(32);
        sha256LeafInto(view, s, e, out, 0);
        return toHex(out) === node(Uint8Array.from([0, ...view.subarray(s, e)]));
      }),
      { numRuns: 300 }
    );
  });
  it('refuses a range outside the message or no room in the output', () => {
    const b = new Uint8Array(10);
    expect(() => sha256LeafInto(b, 3, 11, new Uint8Array(32), 0)).toThrow(RangeError);
    expect(() => sha256LeafInto(b, -1, 3, new Uint8Array(32), 0)).toThrow(RangeError);
    expect(() => sha256LeafInto(b, 0, 3, new Uint8Array(31), 0)).toThrow(RangeError);
    expect(() => sha256RangeInto(b, 3, 11, new Uint8Array(32), 0)).toThrow(RangeError);
    expect(() => sha256RangeInto(b, 4, 3, new Uint8Array(32), 0)).toThrow(RangeError);
    expect(() => sha256RangeInto(b, -1, 3, new Uint8Array(32), 0)).toThrow(RangeError);
    expect(() => sha256RangeInto(b, 0, 3, new Uint8Array(40), 9)).toThrow(RangeError);
  });
});
