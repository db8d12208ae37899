// isOnCurve (src/lib/core/curve-membership.ts) against the decoder it replaces in checkSubjectKey:
// @noble/curves Point.fromBytes(b, false) accepts a canonical encoding iff isOnCurve says so.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { isOnCurve, jacobi } from '../../src/lib/core/curve-membership';
import { SMALL_ORDER_ENCODINGS, checkSubjectKey, isCanonicalPoint } from '../../src/lib/core/ed25519';

const P = (1n << 255n) - 19n;

function decodes(b: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(b, false);
    return true;
  } catch {
    return false;
  }
}

/** Euler's criterion, the slow definition: a^((p−1)/2) mod p. */
function euler(a: bigint, p: bigint): number {
  let r = 1n;
  let b = ((a % p) + p) % p;
  if (b === 0n) return 0;
  for (let e = (p - 1n) / 2n; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % p;
    b = (b * b) % p;
  }
  return r === 1n ? 1 : -1;
}

const le = (y: bigint): Uint8Array => {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((y >> BigInt(8 * i)) & 0xffn);
  return b;
};

describe('jacobi', () => {
  it('equals the Legendre symbol (Euler) mod p and mod small primes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: P - 1n }), (a) => jacobi(a, P) === euler(a, P)),
      { numRuns: 300 }
    );
    for (const p of [3n, 5n, 7n, 11n, 13n, 101n, 65537n]) for (let a = 0n; a < 40n; a++) expect(jacobi(a, p)).toBe(euler(a, p));
  });
  it('handles multiples of 2^32 (the 32-bit stripping loop) and composite n', () => {
    expect(jacobi(1n << 100n, P)).toBe(euler(1n << 100n, P));
    expect(jacobi(3n << 64n, P)).toBe(euler(3n << 64n, P));
    expect(jacobi(2n, 15n)).toBe(1); // (2|3)(2|5) = (−1)(−1)
    expect(jacobi(3n, 9n)).toBe(0);
  });
  it('odd parts shifted by 0-70 bits (every shift count, incl. 30 and 31), mod p and mod composites (product of Legendre symbols)', () => {
    const composites: bigint[][] = [[3n, 5n, 7n, 11n], [3n, 3n, 13n], [101n, 65537n], [P, 7n]];
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 300n) - 1n }), fc.nat(70), (x, k) => {
        const a = (x | 1n) << BigInt(k);
        if (jacobi(a, P) !== euler(a, P)) return false;
        return composites.every((ps) => jacobi(a, ps.reduce((m, q) => m * q, 1n)) === ps.reduce((m, q) => m * euler(a, q), 1));
      }),
      { numRuns: 400 }
    );
    for (let k = 0n; k < 70n; k++) expect(jacobi(3n << k, P)).toBe(euler(3n << k, P));
  });
  it('moduli that fill every limb of the batched path (3^161, 5^109) and above it (3^161 · 7: bigint path)', () => {
    const n3 = 3n ** 161n; // < 2^256: (a | 3^161) = (a | 3)^161 = (a | 3)
    const n5 = 5n ** 109n; // < 2^256: (a | 5^109) = (a | 5)
    expect(n3 < 1n << 256n && n5 < 1n << 256n && n3 > 1n << 250n && n5 > 1n << 250n).toBe(true);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 260n) - 1n }), (a) => jacobi(a, n3) === euler(a, 3n) && jacobi(a, n5) === euler(a, 5n) && jacobi(a, n3 * 7n) === euler(a, 3n) * euler(a, 7n)),
      { numRuns: 300 }
    );
  });
  it('rejects an even or non-positive modulus', () => {
    expect(() => jacobi(3n, 8n)).toThrow(RangeError);
    expect(() => jacobi(3n, 0n)).toThrow(RangeError);
  });
});

describe('isOnCurve', () => {
  it('agrees with Point.fromBytes on random canonical encodings', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        if (!isCanonicalPoint(b)) return true;
        return isOnCurve(b) === decodes(b);
      }),
      { numRuns: 2000 }
    );
  });
  it('accepts real public keys, both signs of x, and the small-order points', () => {
    for (let i = 1; i <= 50; i++) {
      const pub = ed25519.getPublicKey(new Uint8Array(32).fill(i));
      expect(isOnCurve(pub)).toBe(true);
      const flipped = pub.slice();
      flipped[31]! ^= 0x80;
      expect(isOnCurve(flipped)).toBe(decodes(flipped));
    }
    for (const e of SMALL_ORDER_ENCODINGS) expect(isOnCurve(e)).toBe(true);
  });
  it('agrees at the edges of the y range (0, 1, p − 2, p − 1 and small y)', () => {
    for (const y of [0n, 1n, 2n, 3n, 4n, 5n, P - 3n, P - 2n, P - 1n]) expect(isOnCurve(le(y))).toBe(decodes(le(y)));
    let off = 0;
    for (let y = 0n; y < 64n; y++) {
      expect(isOnCurve(le(y))).toBe(decodes(le(y)));
      if (!decodes(le(y))) off++;
    }
    expect(off).toBeGreaterThan(10); // about half of all y are not on the curve
  });
  it('checkSubjectKey gives the decoder verdict on random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        const r = checkSubjectKey(b);
        if (!isCanonicalPoint(b)) return r === 'noncanonical-key';
        if (SMALL_ORDER_ENCODINGS.some((e) => e.every((x, i) => x === b[i]))) return r === 'small-order-key';
        return r === (decodes(b) ? null : 'not-on-curve');
      }),
      { numRuns: 500 }
    );
  });
  it('is misuse to pass a non-reduced y or the wrong length', () => {
    expect(() => isOnCurve(le(P))).toThrow(RangeError);
    expect(() => isOnCurve(new Uint8Array(31))).toThrow(TypeError);
  });
});
