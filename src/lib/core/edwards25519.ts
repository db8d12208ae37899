// Variable-time edwards25519 arithmetic for signature *verification* only (public inputs), the
// pure-JS fallback's inner loop (issue 7). The ed25519.ts pure backend computes R' = [S]B − [k]A
// here and compares its encoding with R, as libsodium does (BUNDLE_FORMAT.md §7); decoding A and
// the acceptance rule stay in ed25519.ts.
//
// Why not @noble/curves' Point: its scalar multiplication with a precomputed table runs the
// constant-time kernel (a fake addition per zero digit, a negation per window), every Point
// constructor range-checks its four coordinates, and each field operation goes through a wrapper.
// In the 10k profile those were about half of the fallback's time. Here a point is four bigint
// locals and a field multiplication is `(a * b) % P` (~55 ns in Chromium 156; limb arithmetic in
// doubles was 7x slower). Additions are left unreduced and may be negative; every product is
// reduced, and `encode` canonicalises once.
//
// Formulas: extended twisted Edwards coordinates for a = −1 (Hisil, Wong, Carter, Dawson 2008,
// "Twisted Edwards Curves Revisited" §3.1–3.3; the "dbl-2008-hwcd" and "madd/add-2008-hwcd-3" of
// the EFD), complete on edwards25519 because d is not a square: the same formulas as ref10 and
// libsodium (ge25519_p1p1, ge25519_precomp, ge25519_cached), so no case needs special handling.

import { L_BYTES } from './scalar25519';

/** p = 2^255 − 19. */
export const P = (1n << 255n) - 19n;
/** d = −121665/121666 mod p (RFC 8032 §5.1). */
export const D = 37095705934669439343138083508754565189542113879843219016388785533085940283555n;
const D2 = (2n * D) % P;

/** Base point B (RFC 8032 §5.1), affine. */
export const BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
export const BY = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;

/**
 * A table of affine points in halved "Niels" form ((y + x)/2, (y − x)/2, d·x·y) mod p, three
 * bigints per point, flat: entry i is at 3i. Adding one costs 7 multiplications (Acc.addNiels);
 * its negative is the same entry with the first two swapped and the third negated. Halved, every
 * product of the addition is half of add-2008-hwcd-3's with (y + x, y − x, 2d·x·y) and 2Z, so
 * the result is the same point with all four coordinates scaled by 1/4, and the 2Z addition
 * (one BigInt allocation in each of a verify's ~75 table additions) is not needed.
 */
export type NielsTable = bigint[];

const mod = (a: bigint): bigint => {
  const r = a % P;
  return r < 0n ? r + P : r;
};

function pow2k(x: bigint, k: number): bigint {
  for (let i = 0; i < k; i++) x = (x * x) % P;
  return x;
}

/** x^(p−2) = 1/x mod p (Fermat), by ref10's addition chain: 254 squarings, 11 multiplications. */
export function invert(x: bigint): bigint {
  const z = mod(x);
  const [z2_250_0, z11] = pow2_250_1(z);
  return (pow2k(z2_250_0, 5) * z11) % P;
}

/** z^(2^250 − 1) and z^11 for z in [0, p): the common part of ref10's inversion and pow22523. */
function pow2_250_1(z: bigint): [bigint, bigint] {
  const z2 = (z * z) % P;
  const z9 = (pow2k(z2, 2) * z) % P;
  const z11 = (z9 * z2) % P;
  const z2_5_0 = (((z11 * z11) % P) * z9) % P;
  const z2_10_0 = (pow2k(z2_5_0, 5) * z2_5_0) % P;
  const z2_20_0 = (pow2k(z2_10_0, 10) * z2_10_0) % P;
  const z2_40_0 = (pow2k(z2_20_0, 20) * z2_20_0) % P;
  const z2_50_0 = (pow2k(z2_40_0, 10) * z2_10_0) % P;
  const z2_100_0 = (pow2k(z2_50_0, 50) * z2_50_0) % P;
  const z2_200_0 = (pow2k(z2_100_0, 100) * z2_100_0) % P;
  return [(pow2k(z2_200_0, 50) * z2_50_0) % P, z11];
}

/** sqrt(−1) = 2^((p − 1) / 4) mod p (RFC 8032 §5.1.3). */
const SQRT_M1 = 19681161376707505956807079304988542015446066515923890162744021073123829784752n;

/**
 * Strict decoding of a point encoding (RFC 8032 §5.1.3): null unless |b| = 32, y < p, the
 * encoding is a point, and not x = 0 with the sign bit set; else the affine (x, y), x and y in
 * [0, p). The same verdicts and values as @noble/curves' `Point.fromBytes(b, false)` (zip215
 * off) followed by `toAffine()`, without its inversion (issue 7: a decode per new key).
 */
export function decodePoint(b: Uint8Array): { x: bigint; y: bigint } | null {
  if (b.length !== 32) return null;
  let h = '0x';
  for (let i = 31; i >= 0; i--) h += HEX2[i === 31 ? b[i]! & 0x7f : b[i]!]!;
  const y = BigInt(h);
  const sign = b[31]! >> 7;
  if (y >= P) return null;
  // x² = u / v, u = y² − 1, v = d·y² + 1; candidate x = u·v³·(u·v⁷)^((p − 5) / 8)
  const yy = (y * y) % P;
  const u = mod(yy - 1n);
  const v = (D * yy + 1n) % P;
  const v3 = (((v * v) % P) * v) % P;
  const uv7 = (((u * v3) % P) * ((v3 * v) % P)) % P;
  const [t250] = pow2_250_1(uv7);
  const pow = (pow2k(t250, 2) * uv7) % P; // (u·v⁷)^(2^252 − 3)
  let x = (((u * v3) % P) * pow) % P;
  const vxx = (v * ((x * x) % P)) % P;
  if (vxx !== u) {
    if (vxx !== mod(-u)) return null; // u / v is not a square
    x = (x * SQRT_M1) % P;
  }
  if (x === 0n && sign === 1) return null;
  if (Number(x & 1n) !== sign) x = P - x;
  return { x, y };
}

const HEX2 = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** An extended point (X : Y : Z : T), x = X/Z, y = Y/Z, x·y = T/Z; coordinates unreduced. */
export interface Extended {
  X: bigint;
  Y: bigint;
  Z: bigint;
  T: bigint;
}

/** 2p; without `withT` the result's T is left 0n (for a point that is only doubled again). */
function dbl(p: Extended, withT = true): Extended {
  const A = (p.X * p.X) % P;
  const B = (p.Y * p.Y) % P;
  const ZZ = (p.Z * p.Z) % P;
  const H = A + B;
  const s = p.X + p.Y;
  const E = H - ((s * s) % P);
  const G = A - B;
  const F = ZZ + ZZ + G;
  return { X: (E * F) % P, Y: (G * H) % P, Z: (F * G) % P, T: withT ? (E * H) % P : 0n };
}

/** A point in cached form (Y + X, Y − X, 2d·T, 2Z): adding it costs 8 multiplications (addCached). */
type Cached = [bigint, bigint, bigint, bigint];

function cached(q: Extended): Cached {
  return [q.Y + q.X, q.Y - q.X, (q.T * D2) % P, 2n * q.Z];
}

/** p + q for q in cached form (add-2008-hwcd-3). */
function addCached(p: Extended, q: Cached): Extended {
  const A = ((p.Y - p.X) * q[1]) % P;
  const B = ((p.Y + p.X) * q[0]) % P;
  const C = (p.T * q[2]) % P;
  const Dd = (p.Z * q[3]) % P;
  const E = B - A;
  const F = Dd - C;
  const G = Dd + C;
  const H = B + A;
  return { X: (E * F) % P, Y: (G * H) % P, Z: (F * G) % P, T: (E * H) % P };
}

/**
 * 1/Z of every point with one field inversion (Montgomery's trick: 3 multiplications per point
 * instead of a ~265-multiplication inversion each). Every Z must be non-zero, which holds for any
 * point produced by the complete formulas.
 */
function invertZs(points: ReadonlyArray<{ Z: bigint }>): bigint[] {
  const n = points.length;
  const out: bigint[] = new Array<bigint>(n);
  let a = 1n;
  for (let i = 0; i < n; i++) {
    out[i] = a;
    a = (a * points[i]!.Z) % P;
  }
  let inv = invert(a);
  for (let i = n - 1; i >= 0; i--) {
    const zi = (inv * out[i]!) % P;
    inv = (inv * points[i]!.Z) % P;
    out[i] = zi;
  }
  return out;
}

/** v/2 mod p for v in [0, 2p). */
function half(v: bigint): bigint {
  const r = v & 1n ? (v + P) >> 1n : v >> 1n;
  return r >= P ? r - P : r;
}

/** Convert extended points to an affine Niels table (one inversion for all, invertZs). */
function toNiels(points: readonly Extended[]): NielsTable {
  const zis = invertZs(points);
  const out: NielsTable = new Array<bigint>(3 * points.length);
  for (let i = 0; i < points.length; i++) {
    const p = points[i]!;
    const x = mod(p.X * zis[i]!);
    const y = mod(p.Y * zis[i]!);
    out[3 * i] = half(y + x);
    out[3 * i + 1] = half(y - x + P);
    out[3 * i + 2] = (((D * x) % P) * y) % P;
  }
  return out;
}

/**
 * The fixed-window table of a point for signed radix-2^w digits: for window j in [0, windows) and
 * m in [1, 2^(w−1)], entry j·2^(w−1) + (m − 1) is m·2^(w·j)·Q. With it, [n]Q is one addition per
 * non-zero digit and no doubling.
 */
export function fixedWindowTable(x: bigint, y: bigint, w: number, windows: number): NielsTable {
  const half = 1 << (w - 1);
  const pts: Extended[] = [];
  let base: Extended = { X: x, Y: y, Z: 1n, T: (x * y) % P };
  for (let j = 0; j < windows; j++) {
    let cur = base;
    pts.push(cur);
    const c = cached(base);
    for (let m = 2; m <= half; m++) {
      cur = m === 2 ? dbl(base) : addCached(cur, c);
      pts.push(cur);
    }
    // 2^w · base = 2 · (2^(w−1) · base)
    base = dbl(cur);
  }
  return toNiels(pts);
}

/** Windows a fixed-window table needs for scalars below 2^253 (L < 2^253), carry included. */
export function windowsFor(w: number): number {
  return Math.ceil(254 / w);
}

/**
 * Signed radix-2^w digits of a little-endian scalar below 2^253: digits in [−2^(w−1), 2^(w−1)],
 * Σ digit_j·2^(w·j) = n. `out` has windowsFor(w) entries.
 */
export function signedDigits(n: Uint8Array, w: number, out: Int16Array): Int16Array {
  const windows = out.length;
  const half = 1 << (w - 1);
  const full = 1 << w;
  let carry = 0;
  for (let j = 0; j < windows; j++) {
    const bit = w * j;
    const byte = bit >> 3;
    // up to w + 7 <= 15 bits from two or three bytes, then the window's w bits
    const raw = (n[byte] ?? 0) | ((n[byte + 1] ?? 0) << 8) | ((n[byte + 2] ?? 0) << 16);
    let v = ((raw >> (bit & 7)) & (full - 1)) + carry;
    if (v > half) {
      v -= full;
      carry = 1;
    } else carry = 0;
    out[j] = v;
  }
  return out;
}

/**
 * ref10's sliding-window recoding (`slide`): odd digits in [−15, 15], at most one non-zero digit
 * in any 6 consecutive positions; Σ r_i·2^i = n for n < 2^255.
 */
function slide(n: Uint8Array, r: Int8Array): void {
  for (let i = 0; i < 256; i++) r[i] = 1 & (n[i >> 3]! >> (i & 7));
  for (let i = 0; i < 256; i++) {
    if (r[i] === 0) continue;
    for (let b = 1; b <= 6 && i + b < 256; b++) {
      const rb = r[i + b]!;
      if (rb === 0) continue;
      if (r[i]! + (rb << b) <= 15) {
        r[i] = r[i]! + (rb << b);
        r[i + b] = 0;
      } else if (r[i]! - (rb << b) >= -15) {
        r[i] = r[i]! - (rb << b);
        for (let k = i + b; k < 256; k++) {
          if (r[k] === 0) {
            r[k] = 1;
            break;
          }
          r[k] = 0;
        }
      } else break;
    }
  }
}

const slideDigits = new Int8Array(256);

/** The identity (0 : 1 : 1 : 0). */
const IDENTITY: Extended = { X: 0n, Y: 1n, Z: 1n, T: 0n };

/**
 * Accumulator for [k]A and [s]B: doubles in place, and adds sign·(entry i) of a Niels table in 7
 * multiplications (madd-2008-hwcd-3 with Z2 = 1, halved: NielsTable) or sign·(a cached point) in 8.
 */
class Acc {
  X = 0n;
  Y = 1n;
  Z = 1n;
  T = 0n;

  reset(p: Extended): this {
    this.X = p.X;
    this.Y = p.Y;
    this.Z = p.Z;
    this.T = p.T;
    return this;
  }

  addNiels(t: NielsTable, i: number, negative: boolean): void {
    this.#add(t[3 * i]!, t[3 * i + 1]!, t[3 * i + 2]!, null, negative, true);
  }

  /** Double in place (dbl-2008-hwcd); T only when `withT` (an addition follows: it reads T). */
  double(withT: boolean): void {
    const { X, Y, Z } = this;
    const A = (X * X) % P;
    const B = (Y * Y) % P;
    const ZZ = (Z * Z) % P;
    const H = A + B;
    const s = X + Y;
    const E = H - ((s * s) % P);
    const G = A - B;
    const F = ZZ + ZZ + G;
    this.X = (E * F) % P;
    this.Y = (G * H) % P;
    this.Z = (F * G) % P;
    if (withT) this.T = (E * H) % P;
  }

  /**
   * Add sign·(the point in cached form (Y + X, Y − X, 2d·T, 2Z) at c[k..k+3]) in 8 multiplications
   * (add-2008-hwcd-3); T only when `withT` (another addition follows, not a doubling).
   */
  addCachedAt(c: readonly bigint[], k: number, negative: boolean, withT: boolean): void {
    this.#add(c[k]!, c[k + 1]!, c[k + 2]!, c[k + 3]!, negative, withT);
  }

  /**
   * add-2008-hwcd-3 of sign·Q, Q given as (y + x, y − x, 2d·t, 2z), or with z2 = null as a halved
   * Niels entry ((y + x)/2, (y − x)/2, d·x·y) of an affine Q (NielsTable: every product halved,
   * the result scaled by 1/4).
   */
  #add(ypx: bigint, ymx: bigint, t2d: bigint, z2: bigint | null, negative: boolean, withT: boolean): void {
    const { X, Y, Z, T } = this;
    // −Q swaps y + x and y − x and negates 2dxy, i.e. swaps F and G below
    const A = ((Y - X) * (negative ? ypx : ymx)) % P;
    const B = ((Y + X) * (negative ? ymx : ypx)) % P;
    const C = (T * t2d) % P;
    const Dd = z2 === null ? Z : (Z * z2) % P;
    const E = B - A;
    const F = negative ? Dd + C : Dd - C;
    const G = negative ? Dd - C : Dd + C;
    const H = B + A;
    this.X = (E * F) % P;
    this.Y = (G * H) % P;
    this.Z = (F * G) % P;
    if (withT) this.T = (E * H) % P;
  }

  /** Add Σ digit_j·(table window j), digits negated when `negate`. */
  addFixed(t: NielsTable, w: number, digits: Int16Array, negate: boolean): void {
    const half = 1 << (w - 1);
    for (let j = 0; j < digits.length; j++) {
      const d = digits[j]!;
      if (d === 0) continue;
      this.addNiels(t, j * half + Math.abs(d) - 1, d < 0 !== negate);
    }
  }

  projective(): Projective {
    return { X: this.X, Y: this.Y, Z: this.Z };
  }
}

/** A point as (X : Y : Z), x = X/Z, y = Y/Z (Z ≠ 0). */
export interface Projective {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

/** The canonical 32-byte encoding (RFC 8032 §5.1.2) given 1/Z: y little-endian, x's parity in bit 255. */
function encodeWith(p: Projective, zi: bigint): Uint8Array {
  const x = mod(p.X * zi);
  const y = mod(p.Y * zi);
  // y < p < 2^255: four little-endian 64-bit words (no hex string, issue 7)
  const v = encodeView;
  v.setBigUint64(0, BigInt.asUintN(64, y), true);
  v.setBigUint64(8, BigInt.asUintN(64, y >> 64n), true);
  v.setBigUint64(16, BigInt.asUintN(64, y >> 128n), true);
  v.setBigUint64(24, y >> 192n, true);
  const out = encodeScratch.slice();
  if (x & 1n) out[31]! |= 0x80;
  return out;
}

const encodeScratch = new Uint8Array(32);
const encodeView = new DataView(encodeScratch.buffer);

export function encode(p: Projective): Uint8Array {
  return encodeWith(p, invert(p.Z));
}

/** The encodings of many points with one field inversion for all (invertZs). */
export function encodeAll(points: readonly Projective[]): Uint8Array[] {
  const zis = invertZs(points);
  return points.map((p, i) => encodeWith(p, zis[i]!));
}

/** 2P, 3P, …: the odd multiples P, 3P, …, 15P of an affine point, as extended points. */
function oddMultiples(x: bigint, y: bigint): Extended[] {
  const p: Extended = { X: x, Y: y, Z: 1n, T: (x * y) % P };
  const p2 = dbl(p);
  const out = [p];
  const c2 = cached(p2);
  for (let i = 1; i < 8; i++) out.push(addCached(out[i - 1]!, c2));
  return out;
}

/**
 * [n]·(x, y) − as a double-and-add over the sliding-window digits of n, added into `acc` (which
 * must be the identity: the doublings would scale anything in it). For keys seen once or twice,
 * where a fixed-window table would not pay for itself. `negate` computes [−n]·(x, y).
 */
function mulSliding(acc: Acc, x: bigint, y: bigint, n: Uint8Array, negate: boolean): void {
  const r = slideDigits;
  slide(n, r);
  const odd = oddMultiples(x, y);
  // cached form of each odd multiple: (Y+X, Y−X, 2d·T, 2Z)
  const c: bigint[] = new Array<bigint>(32);
  for (let i = 0; i < 8; i++) {
    const q = odd[i]!;
    c[4 * i] = q.Y + q.X;
    c[4 * i + 1] = q.Y - q.X;
    c[4 * i + 2] = (q.T * D2) % P;
    c[4 * i + 3] = 2n * q.Z;
  }
  let i = 255;
  while (i >= 0 && r[i] === 0) i--;
  acc.reset(IDENTITY);
  let first = true;
  for (; i >= 0; i--) {
    const d = r[i]!;
    // T only when an addition follows
    if (!first) acc.double(d !== 0 || i === 0);
    first = false;
    // the next step doubles (no T needed) unless this is the last one
    if (d !== 0) acc.addCachedAt(c, 4 * ((d < 0 ? -d : d) >> 1), d < 0 !== negate, i === 0);
  }
}

/**
 * Whether the curve point (x, y) lies in the prime-order subgroup: [L]·(x, y) is the identity. L is
 * odd, so a point with a torsion component T keeps [L mod 8]·T ≠ identity (libsodium's
 * `ge25519_is_on_main_subgroup`). Variable-time, like everything here: for public keys (ed25519.ts
 * checkKey, once per pinned key). (x, y) must be on the curve (decodePoint).
 */
export function isTorsionFree(x: bigint, y: bigint): boolean {
  mulSliding(acc, x, y, L_BYTES, false);
  return mod(acc.X) === 0n && mod(acc.Y - acc.Z) === 0n;
}

const B_WINDOW = 8;
const B_WINDOWS = windowsFor(B_WINDOW);
let baseTable: NielsTable | null = null;
const sDigits = new Int16Array(B_WINDOWS);
const acc = new Acc();

/**
 * Per-key state the caller keeps: the affine point, for keys used often its fixed-window table,
 * and for the others (when the caller keeps one) its comb table (combTable).
 */
export interface VerifyKey {
  x: bigint;
  y: bigint;
  table: NielsTable | null;
  window: number;
  comb: CombTable | null;
}

/**
 * A key's comb table: the odd multiples m·2^(32j)·A for the 8 bases j = 0…7 and m = 1, 3, …, 15,
 * in cached form (Y + X, Y − X, 2d·T, 2Z), four bigints per point, flat: (j, m) is at
 * 4·(8j + (m − 1)/2). With it, [k]A is ~43 additions and 31 doublings (mulComb) instead of ~42
 * additions and ~252 doublings (mulSliding); building it costs about one mulSliding.
 */
export type CombTable = bigint[];

const COMB_BASES = 8;
const COMB_SPAN = 32; // bits per base: 8 · 32 = 256 sliding-digit positions

/** The comb table of the affine point (x, y) (see CombTable). */
export function combTable(x: bigint, y: bigint): CombTable {
  const out: CombTable = new Array<bigint>(4 * 8 * COMB_BASES);
  let q: Extended = { X: x, Y: y, Z: 1n, T: (x * y) % P };
  for (let j = 0; j < COMB_BASES; j++) {
    // T only where the next step reads it: the last doubling before q is used
    if (j > 0) for (let i = 0; i < COMB_SPAN; i++) q = dbl(q, i === COMB_SPAN - 1);
    const q2 = cached(dbl(q));
    let cur = q;
    for (let m = 0; m < 8; m++) {
      if (m > 0) cur = addCached(cur, q2);
      const o = 4 * (8 * j + m);
      out[o] = cur.Y + cur.X;
      out[o + 1] = cur.Y - cur.X;
      out[o + 2] = (cur.T * D2) % P;
      out[o + 3] = 2n * cur.Z;
    }
  }
  return out;
}

/**
 * [n]A into `acc` (which must be the identity), or [−n]A when `negate`, from A's comb table: the
 * sliding-window digits r_i of n (Σ r_i·2^i = n) regrouped by i = 32j + t, so that
 * n·A = Σ_t 2^t · Σ_j r_(32j+t)·(2^(32j)·A): one doubling per t, one cached addition per non-zero
 * digit.
 */
function mulComb(acc: Acc, comb: CombTable, n: Uint8Array, negate: boolean): void {
  const r = slideDigits;
  slide(n, r);
  let t = COMB_SPAN - 1;
  const nonZeroAt = (t: number): boolean => {
    for (let j = 0; j < COMB_BASES; j++) if (r[COMB_SPAN * j + t] !== 0) return true;
    return false;
  };
  while (t >= 0 && !nonZeroAt(t)) t--;
  acc.reset(IDENTITY);
  let first = true;
  for (; t >= 0; t--) {
    // the last j with a non-zero digit at this t: its addition computes T only when t = 0
    let lastJ = -1;
    for (let j = COMB_BASES - 1; j >= 0; j--) {
      if (r[COMB_SPAN * j + t] !== 0) {
        lastJ = j;
        break;
      }
    }
    // T only when an addition follows
    if (!first) acc.double(lastJ >= 0 || t === 0);
    first = false;
    for (let j = 0; j <= lastJ; j++) {
      const d = r[COMB_SPAN * j + t]!;
      if (d === 0) continue;
      // another addition follows at this t, or the fixed-window additions of [s]B after t = 0
      acc.addCachedAt(comb, 4 * (8 * j + ((d < 0 ? -d : d) >> 1)), d < 0 !== negate, j < lastJ || t === 0);
    }
  }
}

const kDigitsByWindow = new Map<number, Int16Array>();

/**
 * The encoding of [s]B − [k]A for scalars s, k < L (32 bytes little-endian each): the value a
 * cofactorless verifier compares with R. [s]B uses a fixed-window table of B (W = 8, 4,096 points,
 * ~850 kB of heap in Node 20, built on first use: 32 additions per [s]B instead of 43 with W = 6);
 * [k]A uses the key's fixed-window table when it has one, else its comb table when it has one,
 * else sliding windows.
 */
export function sBminuskA(s: Uint8Array, k: Uint8Array, key: VerifyKey): Uint8Array {
  return encode(sBminuskAProjective(s, k, key));
}

/**
 * Builds the table of B now instead of on the first verify (10-15 ms in a Chromium worker): for a
 * thread with idle time before its first batch, such as a signature worker waiting for the ordered pass.
 */
export function prepareBaseTable(): void {
  void tableOfB();
}

function tableOfB(): NielsTable {
  return (baseTable ??= fixedWindowTable(BX, BY, B_WINDOW, B_WINDOWS));
}

/** [s]B − [k]A as a projective point (encode it, or many at once with encodeAll). */
export function sBminuskAProjective(s: Uint8Array, k: Uint8Array, key: VerifyKey): Projective {
  const bTable = tableOfB();
  if (key.table !== null) {
    let kd = kDigitsByWindow.get(key.window);
    if (!kd) kDigitsByWindow.set(key.window, (kd = new Int16Array(windowsFor(key.window))));
    acc.reset(IDENTITY);
    acc.addFixed(key.table, key.window, signedDigits(k, key.window, kd), true);
  } else if (key.comb !== null) {
    mulComb(acc, key.comb, k, true);
  } else {
    mulSliding(acc, key.x, key.y, k, true);
  }
  acc.addFixed(bTable, B_WINDOW, signedDigits(s, B_WINDOW, sDigits), false);
  return acc.projective();
}
