import { createHash } from 'node:crypto';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha512Of3 } from '../../src/lib/core/sha512';

const ref = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha512');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17 + ((i * i) >> 3)) & 0xff);

describe('sha512Of3', () => {
  it('matches FIPS 180-4 known answers (empty, "abc", the two-block message)', () => {
    const e = new Uint8Array(0);
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(sha512Of3(e, 0, 0, e, e, new Uint8Array(64)))).toBe(
      'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e'
    );
    const abc = new TextEncoder().encode('abc');
    expect(hex(sha512Of3(abc, 0, 1, abc.subarray(1, 2), abc.subarray(2), new Uint8Array(64)))).toBe(
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f'
    );
    const two = new TextEncoder().encode('abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu');
    expect(hex(sha512Of3(two, 0, two.length, e, e, new Uint8Array(64)))).toBe(
      '8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909'
    );
  });

  it('agrees with node:crypto on every total length 0-400 (padding crosses each block boundary)', () => {
    const out = new Uint8Array(64);
    for (let n = 0; n <= 400; n++) {
      const m = bytes(n, n);
      const a = Math.min(n, 32);
      const b = Math.min(n - a, 32);
      expect(sha512Of3(m, 0, a, m.subarray(a, a + b), m.subarray(a + b), out)).toEqual(ref(m));
    }
  });

  it('agrees with node:crypto and @noble/hashes on random parts and sub-ranges, reusing its buffer', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(80), fc.nat(80), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 3000 }), (a, i, j, b, c) => {
        const s = Math.min(i, j, a.length);
        const e = Math.min(Math.max(i, j), a.length);
        const out = sha512Of3(a, s, e, b, c, new Uint8Array(64));
        const want = ref(a.subarray(s, e), b, c);
        expect(out).toEqual(want);
        const h = sha512.create();
        h.update(a.subarray(s, e));
        h.update(b);
        h.update(c);
        expect(out).toEqual(h.digest());
      }),
      { numRuns: 400 }
    );
  });

  it('refuses a bad range or a short output', () => {
    const m = new Uint8Array(10);
    expect(() => sha512Of3(m, 5, 4, m, m, new Uint8Array(64))).toThrow(RangeError);
    expect(() => sha512Of3(m, 0, 11, m, m, new Uint8Array(64))).toThrow(RangeError);
    expect(() => sha512Of3(m, 0, 1, m, m, new Uint8Array(63))).toThrow(RangeError);
  });
});
