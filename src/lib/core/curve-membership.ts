// Curve membership of an Ed25519 point encoding without decoding the point (issue 7).
//
// Decoding (RFC 8032 §5.1.3) recovers x from y through x² = u / v with u = y² − 1 and
// v = d·y² + 1 (mod p = 2^255 − 19); the encoding is a point iff u / v is a square mod p. The
// decoder answers that with a square root, an exponentiation by (p − 5) / 8: about 250 modular
// squarings, ~0.3 ms per key in Node 20's BigInt. Only the yes/no is needed for a subject key
// (checkSubjectKey), and u / v is a square iff u·v is (u·v = (u / v)·v², v ≠ 0), which the
// Jacobi symbol (u·v | p) answers with a binary-GCD-like loop: 5–8× faster, and an AEGIS
// attestation per user made the square root one of the largest costs of a replay.
//
// v is never 0: d·y² = −1 would need −1/d to be a square mod p, and it is not (RFC 8032 §5.1
// chooses d so). u = 0 (y = ±1) gives x = 0, a point.

const P = (1n << 255n) - 19n;
/** d = −121665 / 121666 mod p (RFC 8032 §5.1). */
const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;

/** The low 32 bits of a non-negative bigint, as a number. */
const low32 = (a: bigint): number => Number(BigInt.asUintN(32, a));

/** Two hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** 0n … 31n, so that a shift count is not converted per step. */
const SHIFT = Array.from({ length: 32 }, (_, i) => BigInt(i));

/**
 * The Jacobi symbol (a | n) for odd n > 0 (Cohen, A Course in Computational Algebraic Number
 * Theory, Algorithm 1.4.10): 1, −1, or 0 when gcd(a, n) > 1. For prime n it is the Legendre
 * symbol: 1 iff a is a non-zero square mod n. BigInt operations allocate, so each step does as
 * few as it can: the low bits of a and n that the sign rules need are kept as numbers across the
 * shift and the swap instead of being read from the bigints again (one reduction, one shift and
 * one low-word read per step).
 */
export function jacobi(a: bigint, n: bigint): -1 | 0 | 1 {
  if (n <= 0n || (n & 1n) === 0n) throw new RangeError('jacobi: n must be odd and positive');
  a %= n;
  if (a < 0n) a += n;
  let t: -1 | 1 = 1;
  let nLow = low32(n);
  while (a !== 0n) {
    // Remove the factors of two, 32 bits at a time: (2 | n) = −1 iff n ≡ 3, 5 (mod 8).
    let low = low32(a);
    while (low === 0) {
      a >>= 32n;
      low = low32(a);
    }
    const z = 31 - Math.clz32(low & -low);
    if (z > 0) {
      a >>= SHIFT[z]!;
      const r = nLow & 7;
      if ((z & 1) === 1 && (r === 3 || r === 5)) t = t === 1 ? -1 : 1;
      // The rules below need the low three bits of the shifted a: still in `low` unless z > 29.
      low = z <= 29 ? low >>> z : low32(a);
    }
    // Quadratic reciprocity: swap, with a sign change iff both are ≡ 3 (mod 4).
    const swap = a;
    a = n;
    n = swap;
    const aLow = nLow;
    nLow = low;
    if ((aLow & 3) === 3 && (nLow & 3) === 3) t = t === 1 ? -1 : 1;
    a %= n;
  }
  return n === 1n ? t : 0;
}

/**
 * True iff the 32-byte encoding, whose y (the low 255 bits) must already be known to be < p
 * (ed25519.ts isCanonicalPoint), names a point of the curve: exactly the encodings that
 * @noble/curves `Point.fromBytes(b, false)` accepts among canonical ones (test:
 * tests/unit/curve-membership.test.ts). The sign bit plays no part: both roots are on the curve.
 */
export function isOnCurve(b: Uint8Array): boolean {
  if (!(b instanceof Uint8Array) || b.length !== 32) throw new TypeError('isOnCurve: expects 32 bytes');
  // y from its little-endian bytes as one big-endian hex parse (one bigint, not 62 shifts and ors).
  let hex = `0x${HEX[b[31]! & 0x7f]!}`;
  for (let i = 30; i >= 0; i--) hex += HEX[b[i]!]!;
  const y = BigInt(hex);
  if (y >= P) throw new RangeError('isOnCurve: y is not reduced (check isCanonicalPoint first)');
  const y2 = (y * y) % P;
  const u = (y2 + P - 1n) % P;
  if (u === 0n) return true;
  const v = (D * y2 + 1n) % P;
  return jacobi((u * v) % P, P) === 1;
}
