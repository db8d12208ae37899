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
 * The Jacobi symbol (a | n) for odd n > 0: 1, −1, or 0 when gcd(a, n) > 1. For prime n it is the
 * Legendre symbol: 1 iff a is a non-zero square mod n. Below 2^256 the batched limb algorithm
 * answers (jacobiLimbs, ~1.5× faster); it gives up only when it does not converge (gcd > 1, or
 * an unusually long run), and then the bigint algorithm does.
 */
export function jacobi(a: bigint, n: bigint): -1 | 0 | 1 {
  if (n <= 0n || (n & 1n) === 0n) throw new RangeError('jacobi: n must be odd and positive');
  a %= n;
  if (a < 0n) a += n;
  if (n !== 1n && a !== 0n && n < LIMB_LIMIT) {
    const j = jacobiLimbs(a, n);
    if (j !== null) return j;
  }
  return jacobiBigint(a, n);
}

/**
 * (a | n) by Cohen, A Course in Computational Algebraic Number Theory, Algorithm 1.4.10, for
 * odd n > 0 and 0 ≤ a < n. BigInt operations allocate, so each step does as few as it can: the
 * low bits of a and n that the sign rules need are kept as numbers across the shift and the swap
 * instead of being read from the bigints again (one reduction, one shift and one low-word read per step).
 */
function jacobiBigint(a: bigint, n: bigint): -1 | 0 | 1 {
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

// ----- (a | n) on limbs ----------------------------------------------------------------------
//
// "Positive divsteps" (the Jacobi variant of Bernstein–Yang divsteps that libsecp256k1 uses in
// secp256k1_jacobi32_maybe_var): with f odd and f, g ≥ 0, the invariant answer = (g | f)·(−1)^jac
// is kept by three exact steps, chosen from δ and the parity of g:
//   g even:               g ← g/2                      jac ^= [f ≡ 3, 5 (mod 8)]            (2 | f)
//   g odd, δ > 0:         (f, g) ← (g, (g + f)/2)     jac ^= [f ≡ g ≡ 3 (mod 4)] ^ [g ≡ 3, 5 (mod 8)]
//                                                       (reciprocity, then (2 | g))
//   g odd, δ ≤ 0:         g ← (g + f)/2                jac ^= [f ≡ 3, 5 (mod 8)]
// ((g + f | f) = (g | f); every value stays in [0, max(f, g)].) The steps taken depend only on the
// low bits, so STEPS of them are run on the low 32 bits as numbers (at step i the low 32 − i bits
// are exact, and at most the low three are read), recording the 2×2 matrix that maps the limbs of
// (f, g) to 2^STEPS·(f', g') (row sums ≤ 2^STEPS); the limbs are then updated once. f = 1 ends it:
// (g | 1) = 1. Products stay below 2^53 (entries ≤ 2^26, limbs < 2^26), so doubles are exact.

const BITS = 26;
const BASE = 2 ** BITS;
const LIMBS = 10;
const STEPS = 26;
/** Random 255-bit inputs need ~29 batches; past this one the bigint algorithm takes over. */
const MAX_BATCHES = 48;
const LIMB_LIMIT = 1n << 256n;
const FL = new Float64Array(LIMBS);
const GL = new Float64Array(LIMBS);
const WORDS = new Int32Array(9);

/** x < 2^256 into 26-bit limbs, little-endian (via its hex form: one bigint operation). */
function toLimbs(x: bigint, out: Float64Array): void {
  const hex = x.toString(16).padStart(64, '0');
  for (let k = 0; k < 8; k++) WORDS[k] = parseInt(hex.slice(56 - 8 * k, 64 - 8 * k), 16);
  WORDS[8] = 0;
  for (let j = 0; j < LIMBS; j++) {
    const lo = BITS * j;
    const k = lo >>> 5;
    const off = lo & 31;
    out[j] = (off === 0 ? WORDS[k]! : (WORDS[k]! >>> off) | (WORDS[k + 1]! << (32 - off))) & (BASE - 1);
  }
}

/** (a | n) for odd 1 < n < 2^256 and 0 < a < n; null when it did not converge within MAX_BATCHES. */
function jacobiLimbs(a: bigint, n: bigint): -1 | 1 | null {
  const F = FL;
  const G = GL;
  toLimbs(n, F);
  toLimbs(a, G);
  let len = LIMBS;
  while (len > 1 && F[len - 1] === 0 && G[len - 1] === 0) len--;
  let delta = 1;
  let jac = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch++) {
    // The low 32 bits of f and g as int32 (only low bits are read).
    let f = (F[0]! + (F[1]! % 64) * BASE) | 0;
    let g = (G[0]! + (G[1]! % 64) * BASE) | 0;
    let u = 1;
    let v = 0;
    let q = 0;
    let r = 1;
    for (let i = 0; i < STEPS; i++) {
      if ((g & 1) === 0) {
        jac ^= (f >>> 1) ^ (f >>> 2);
        g >>>= 1;
        u <<= 1;
        v <<= 1;
        delta++;
      } else if (delta > 0) {
        jac ^= ((f & g) >>> 1) ^ (g >>> 1) ^ (g >>> 2);
        const t = f;
        f = g;
        g = ((g >>> 1) + (t >>> 1) + 1) | 0; // (g + t) / 2, both odd
        const u2 = q << 1;
        const v2 = r << 1;
        q += u;
        r += v;
        u = u2;
        v = v2;
        delta = 1 - delta;
      } else {
        jac ^= (f >>> 1) ^ (f >>> 2);
        g = ((g >>> 1) + (f >>> 1) + 1) | 0;
        q += u;
        r += v;
        u <<= 1;
        v <<= 1;
        delta++;
      }
    }
    // (F, G) ← ((u·F + v·G) / 2^26, (q·F + r·G) / 2^26): exact, the low limb of each sum is 0.
    let cf = 0;
    let cg = 0;
    for (let j = 0; j < len; j++) {
      const fj = F[j]!;
      const gj = G[j]!;
      const xf = u * fj + v * gj + cf;
      const xg = q * fj + r * gj + cg;
      cf = Math.floor(xf / BASE);
      cg = Math.floor(xg / BASE);
      if (j > 0) {
        F[j - 1] = xf - cf * BASE;
        G[j - 1] = xg - cg * BASE;
      }
    }
    F[len - 1] = cf;
    G[len - 1] = cg;
    if (F[0] === 1) {
      let one = true;
      for (let j = 1; j < len; j++) if (F[j] !== 0) one = false;
      if (one) return (jac & 1) === 1 ? -1 : 1;
    }
    while (len > 1 && F[len - 1] === 0 && G[len - 1] === 0) len--;
  }
  return null;
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
