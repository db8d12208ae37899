// sha256OneShot (src/lib/core/sha256-oneshot.ts) against node:crypto at every length around the
// padding boundaries and on random inputs, plus the FIPS 180-4 examples.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256OneShot } from '../../src/lib/core/sha256-oneshot';
import { toHex, utf8 } from '../../src/lib/core/bytes';

const node = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('sha256OneShot', () => {
  it('FIPS 180-4 examples', () => {
    expect(toHex(sha256OneShot(new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256OneShot(utf8('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256OneShot(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
  });
  it('every length from 0 to 300 bytes (both padding cases, multi-block)', () => {
    const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);
    for (let n = 0; n <= 300; n++) expect(toHex(sha256OneShot(data.subarray(0, n)))).toBe(node(data.subarray(0, n)));
  });
  it('random inputs, including views at an offset, and a fresh result each call', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat(40), (b, off) => {
        const view = b.subarray(Math.min(off, b.length));
        const a = sha256OneShot(view);
        const again = sha256OneShot(view);
        return toHex(a) === node(view) && a !== again && a.buffer.byteLength === 32;
      }),
      { numRuns: 400 }
    );
  });
});
