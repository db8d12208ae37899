import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { createSha256, sha256, sha256Hex, sha3_256, sha3_512 } from '../../src/lib/core/hash';
import { toHex, utf8 } from '../../src/lib/core/bytes';

// Known answers from FIPS 180-4 / FIPS 202 example values.
describe('hash', () => {
  it('SHA-256 known answers', () => {
    expect(sha256Hex(new Uint8Array())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex(utf8('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'
    );
  });
  it('SHA3 known answers', () => {
    expect(toHex(sha3_256(utf8('abc')))).toBe('3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532');
    expect(toHex(sha3_512(utf8('abc')))).toBe(
      'b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0'
    );
    expect(toHex(sha3_256(new Uint8Array()))).toBe('a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a');
  });
  it('agrees with node:crypto on random input, one-shot and chunked', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(700), { maxLength: 5 }), (data, cuts) => {
        const want = createHash('sha256').update(data).digest('hex');
        expect(sha256Hex(data)).toBe(want);
        const h = createSha256();
        const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
        let prev = 0;
        for (const p of points) {
          h.update(data.subarray(prev, p));
          prev = p;
        }
        h.update(data.subarray(prev));
        expect(toHex(h.digest())).toBe(want);
        expect(toHex(sha3_256(data))).toBe(createHash('sha3-256').update(data).digest('hex'));
        expect(toHex(sha3_512(data))).toBe(createHash('sha3-512').update(data).digest('hex'));
      }),
      { numRuns: 200 }
    );
  });
  it('incremental hasher refuses misuse', () => {
    const h = createSha256();
    h.update(utf8('x'));
    h.digest();
    expect(() => h.digest()).toThrow(TypeError);
    expect(() => h.update(utf8('y'))).toThrow(TypeError);
  });
});
