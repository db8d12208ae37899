// The pure backend's variable-time arithmetic (src/lib/core/edwards25519.ts) against @noble/curves:
// inversion, fixed-window tables with signed digits, and the [s]B − [k]A encoding on edge scalars.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { BX, BY, D, P, combTable, decodePoint, encode, fixedWindowTable, invert, isTorsionFree, sBminuskA, signedDigits, windowsFor, type VerifyKey } from '../../src/lib/core/edwards25519';
import { L, SMALL_ORDER_ENCODINGS } from '../../src/lib/core/ed25519';

const Point = ed25519.Point;

function le32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

let seed = 12345;
function rand256(): bigint {
  let v = 0n;
  for (let i = 0; i < 8; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    v = (v << 32n) | BigInt(seed);
  }
  return v;
}

function expected(s: bigint, k: bigint, A: InstanceType<typeof Point>): Uint8Array {
  const sB = s === 0n ? Point.ZERO : Point.BASE.multiplyUnsafe(s);
  const kA = k === 0n ? Point.ZERO : A.multiplyUnsafe(k);
  return sB.subtract(kA).toBytes();
}

describe('edwards25519 (pure backend arithmetic)', () => {
  it('constants match @noble/curves', () => {
    const b = Point.BASE.toAffine();
    expect([BX, BY]).toEqual([b.x, b.y]);
    expect(D).toBe(Point.CURVE().d);
    expect(P).toBe(Point.Fp.ORDER);
  });

  it('invert is the field inverse', () => {
    for (let i = 0; i < 50; i++) {
      const x = (rand256() % (P - 1n)) + 1n;
      expect((invert(x) * x) % P).toBe(1n);
    }
    expect((invert(-5n + P) * (P - 5n)) % P).toBe(1n);
  });

  it('signed digits reconstruct the scalar for every window width used', () => {
    for (const w of [4, 5, 6, 8]) {
      const digits = new Int16Array(windowsFor(w));
      for (const n of [0n, 1n, L - 1n, (1n << 253n) - 1n, ...Array.from({ length: 40 }, () => rand256() >> 3n)]) {
        signedDigits(le32(n), w, digits);
        let v = 0n;
        for (let j = digits.length - 1; j >= 0; j--) v = (v << BigInt(w)) + BigInt(digits[j]!);
        expect(v).toBe(n);
        for (const d of digits) expect(Math.abs(d)).toBeLessThanOrEqual(1 << (w - 1));
      }
    }
  });

  it('[s]B − [k]A equals noble on random and edge scalars, with a fixed-window table, a comb table and neither', () => {
    const edge = [0n, 1n, 2n, 15n, 16n, 31n, 32n, L - 1n, L - 2n, (1n << 252n) - 1n, 1n << 252n];
    const scalars = [...edge, ...Array.from({ length: 12 }, () => rand256() % L)];
    for (let t = 0; t < 4; t++) {
      const A = Point.BASE.multiply((rand256() % (L - 1n)) + 1n);
      const { x, y } = A.toAffine();
      const cold: VerifyKey = { x, y, table: null, window: 0, comb: null };
      const hot: VerifyKey = { x, y, table: fixedWindowTable(x, y, 6, windowsFor(6)), window: 6, comb: null };
      const combed: VerifyKey = { x, y, table: null, window: 0, comb: combTable(x, y) };
      for (let i = 0; i < scalars.length; i++) {
        const s = scalars[i]!;
        const k = scalars[(i * 7 + t) % scalars.length]!;
        const want = expected(s, k, A);
        expect(sBminuskA(le32(s), le32(k), cold)).toEqual(want);
        expect(sBminuskA(le32(s), le32(k), hot)).toEqual(want);
      expect(sBminuskA(le32(s), le32(k), combed)).toEqual(want);
        expect(sBminuskA(le32(s), le32(k), combed)).toEqual(want);
      }
    }
  });

  it('keys with a torsion component (mixed order) give noble\'s answer too', () => {
    // A + T8 for a point T8 of order 8: the sliding and fixed-window paths must not assume a prime-order key
    const T8 = Point.fromBytes(Uint8Array.from(Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex')));
    const A = Point.BASE.multiply(987654321n).add(T8);
    const { x, y } = A.toAffine();
    const cold: VerifyKey = { x, y, table: null, window: 0, comb: null };
    const hot: VerifyKey = { x, y, table: fixedWindowTable(x, y, 6, windowsFor(6)), window: 6, comb: null };
    const combed: VerifyKey = { x, y, table: null, window: 0, comb: combTable(x, y) };
    for (let i = 0; i < 10; i++) {
      const s = rand256() % L;
      const k = rand256() % L;
      const want = expected(s, k, A);
      expect(sBminuskA(le32(s), le32(k), cold)).toEqual(want);
      expect(sBminuskA(le32(s), le32(k), hot)).toEqual(want);
      expect(sBminuskA(le32(s), le32(k), combed)).toEqual(want);
    }
  });
});

describe('edwards25519 property tests (fast-check, against @noble/curves)', () => {
  // keys: multiples of B, optionally plus a point of order 2, 4 or 8 (mixed order, as a subject key may be)
  const TORSION = [
    '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', // order 8
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f', // order 2
    '0000000000000000000000000000000000000000000000000000000000000080' // order 4
  ].map((h) => Point.fromBytes(Uint8Array.from(Buffer.from(h, 'hex'))));
  const scalar = fc.oneof(
    fc.bigInt({ min: 0n, max: L - 1n }),
    fc.constantFrom(0n, 1n, 2n, 15n, 16n, 17n, 127n, 128n, 129n, 255n, 256n, L - 1n, L - 2n, (1n << 252n) - 1n, 1n << 252n, (1n << 32n) - 1n, 1n << 32n),
    // sparse scalars: a few set bits, so that long runs of zero digits and carries into the next base are exercised
    fc.array(fc.nat(252), { minLength: 1, maxLength: 6 }).map((bits) => bits.reduce((n, b) => n | (1n << BigInt(b)), 0n) % L),
    // dense scalars: runs of ones (carries through many windows)
    fc.tuple(fc.nat(252), fc.nat(252)).map(([a, b]) => ((1n << BigInt(Math.max(a, b) + 1)) - (1n << BigInt(Math.min(a, b)))) % L)
  );
  const key = fc.tuple(fc.bigInt({ min: 1n, max: L - 1n }), fc.nat(TORSION.length)).map(([a, t]) => {
    const A = t === TORSION.length ? Point.BASE.multiply(a) : Point.BASE.multiply(a).add(TORSION[t]!);
    return A;
  });

  it('[s]B − [k]A through the comb table equals noble', () => {
    fc.assert(
      fc.property(key, fc.array(fc.tuple(scalar, scalar), { minLength: 1, maxLength: 4 }), (A, pairs) => {
        const { x, y } = A.toAffine();
        const combed: VerifyKey = { x, y, table: null, window: 0, comb: combTable(x, y) };
        for (const [s, k] of pairs) expect(sBminuskA(le32(s), le32(k), combed)).toEqual(expected(s, k, A));
      }),
      { numRuns: 60 }
    );
  });

  it('[s]B − [k]A through sliding windows (no table) equals noble', () => {
    fc.assert(
      fc.property(key, scalar, scalar, (A, s, k) => {
        const { x, y } = A.toAffine();
        expect(sBminuskA(le32(s), le32(k), { x, y, table: null, window: 0, comb: null })).toEqual(expected(s, k, A));
      }),
      { numRuns: 60 }
    );
  });

  it('isTorsionFree ([L]A = O) equals noble on prime-order and mixed-order points', () => {
    fc.assert(
      fc.property(key, (A) => {
        const { x, y } = A.toAffine();
        expect(isTorsionFree(x, y)).toBe(A.isTorsionFree());
      }),
      { numRuns: 100 }
    );
  });

  it('isTorsionFree on every small-order point, alone and added to a multiple of B', () => {
    const A = Point.BASE.multiply(0xfedcba9876543210n);
    let kept = 0;
    for (const e of SMALL_ORDER_ENCODINGS) {
      const T = Point.fromBytes(e);
      for (const Q of [T, A.add(T)]) {
        const { x, y } = Q.toAffine();
        expect(isTorsionFree(x, y)).toBe(Q.isTorsionFree());
        if (isTorsionFree(x, y)) kept++;
      }
    }
    expect(kept).toBe(2); // the identity and A + identity only
  });

  it('[s]B − [k]A through a fixed-window key table equals noble', () => {
    const A = Point.BASE.multiply(0x1234567890abcdefn).add(TORSION[0]!);
    const { x, y } = A.toAffine();
    const hot: VerifyKey = { x, y, table: fixedWindowTable(x, y, 6, windowsFor(6)), window: 6, comb: null };
    fc.assert(
      fc.property(scalar, scalar, (s, k) => {
        expect(sBminuskA(le32(s), le32(k), hot)).toEqual(expected(s, k, A));
      }),
      { numRuns: 200 }
    );
  });
});

describe('edwards25519 encode', () => {
  it('encodes points whose y has few hex digits, or is close to p, as noble does', () => {
    const ys = [...Array.from({ length: 64 }, (_, i) => BigInt(i)), ...Array.from({ length: 64 }, (_, i) => 1n << BigInt(4 * i + 1)), ...Array.from({ length: 40 }, (_, i) => P - 1n - BigInt(i))];
    let checked = 0;
    for (const y of ys) {
      for (const sign of [0, 0x80]) {
        const b = le32(y);
        b[31]! |= sign;
        let A: InstanceType<typeof Point>;
        try {
          A = Point.fromBytes(b);
        } catch {
          continue; // not a point, or x = 0 with the sign bit set
        }
        const { x, y: ay } = A.toAffine();
        // (X : Y : Z) = (3x : 3y : 3), so that encode has to divide
        expect(encode({ X: (3n * x) % P, Y: (3n * ay) % P, Z: 3n })).toEqual(A.toBytes());
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('edwards25519 decodePoint (strict RFC 8032 §5.1.3) against noble fromBytes(b, false)', () => {
  function nobleDecode(b: Uint8Array): { x: bigint; y: bigint } | null {
    try {
      return Point.fromBytes(b, false).toAffine();
    } catch {
      return null;
    }
  }
  const check = (b: Uint8Array): void => {
    expect(decodePoint(b), Buffer.from(b).toString('hex')).toEqual(nobleDecode(b));
  };

  it('agrees on edge encodings: y = 0, ±1, p − 1, p, p + k, 2^255 − 1, small-order points, both sign bits', () => {
    const ys = [0n, 1n, 2n, P - 2n, P - 1n, P, P + 1n, P + 18n, (1n << 255n) - 1n, ...Array.from({ length: 30 }, (_, i) => BigInt(i + 3))];
    for (const y of ys)
      for (const sign of [0, 0x80]) {
        const b = le32(y);
        b[31]! |= sign;
        check(b);
      }
    for (const h of [
      '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
      'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
      '0000000000000000000000000000000000000000000000000000000000000080'
    ])
      check(Uint8Array.from(Buffer.from(h, 'hex')));
    expect(decodePoint(new Uint8Array(31))).toBeNull();
  });

  it('agrees on random 32-byte strings (about half are not points) and on encodings of random points', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (b) => {
        check(b);
      }),
      { numRuns: 3000 }
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: L - 1n }), fc.boolean(), (a, mixed) => {
        const A = mixed ? Point.BASE.multiply(a).add(Point.fromBytes(Uint8Array.from(Buffer.from('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05', 'hex')))) : Point.BASE.multiply(a);
        check(A.toBytes());
      }),
      { numRuns: 300 }
    );
  });
});
