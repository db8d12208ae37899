// Erasure coding of content into storage fragments (docs/BUNDLE_FORMAT.md §10.4): systematic
// Reed-Solomon over GF(2^8) with a Cauchy parity matrix, so that any k of the k+m fragments rebuild
// the content (the code is MDS). Replica storage is the degenerate case of r identical copies.
//
// GF(2^8): polynomial x^8+x^4+x^3+x^2+1 (0x11d), generator 2 (as in RAID-6 and most RS coders).
// Fragment size  s = a × ceil(max(L, 1) / (k × a))   (L = content length, a = storage.fragmentAlign)
// Data           D_i = (content ‖ zeros to k·s)[i·s, (i+1)·s)                    for i in 0..k−1
// Parity         P_j[b] = ⊕_i C_{j,i} · D_i[b],  C_{j,i} = 1 / (x_j ⊕ y_i), x_j = k + j, y_i = i   for j in 0..m−1
// Fragment order: D_0 … D_{k−1}, P_0 … P_{m−1}. Because every x_j ≠ y_i and all x, y are distinct,
// every square submatrix of C is invertible, hence every k×k submatrix of [I_k; C] is.

import type { StorageParams } from './policy';

const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

export function gfInv(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(256)');
  return EXP[255 - LOG[a]!]!;
}

/** Cauchy coefficient C_{j,i} of parity fragment j over data fragment i. */
export function cauchy(k: number, j: number, i: number): number {
  return gfInv((k + j) ^ i);
}

export function fragmentSize(length: number, k: number, align: number): number {
  return align * Math.ceil(Math.max(length, 1) / (k * align));
}

/** The fragments of `content` under the storage policy, in fragment-index order. */
export function encodeFragments(content: Uint8Array, s: StorageParams): Uint8Array[] {
  if (s.scheme === 'replica') return Array.from({ length: s.r }, () => content.slice());
  const { k, m } = s;
  if (k < 1 || m < 0 || k + m > 255) throw new RangeError(`unsupported erasure shape k=${k} m=${m}`);
  const size = fragmentSize(content.length, k, s.fragmentAlign);
  const data: Uint8Array[] = [];
  for (let i = 0; i < k; i++) {
    const d = new Uint8Array(size);
    const from = i * size;
    if (from < content.length) d.set(content.subarray(from, Math.min(from + size, content.length)));
    data.push(d);
  }
  const parity: Uint8Array[] = [];
  for (let j = 0; j < m; j++) {
    const p = new Uint8Array(size);
    for (let i = 0; i < k; i++) {
      const c = cauchy(k, j, i);
      const d = data[i]!;
      const logC = LOG[c]!;
      for (let b = 0; b < size; b++) {
        const v = d[b]!;
        if (v !== 0) p[b]! ^= EXP[logC + LOG[v]!]!;
      }
    }
    parity.push(p);
  }
  return [...data, ...parity];
}

/** Row `index` of the generator matrix [I_k; C]. */
function generatorRow(k: number, index: number): number[] {
  if (index < k) return Array.from({ length: k }, (_, i) => (i === index ? 1 : 0));
  return Array.from({ length: k }, (_, i) => cauchy(k, index - k, i));
}

/**
 * Rebuild the content from any k fragments (index → bytes) of an erasure layout: invert the k×k
 * submatrix of [I_k; C] by Gauss-Jordan elimination over GF(256). Returns null when fewer than k
 * usable fragments are given or their sizes differ.
 */
export function decodeFragments(fragments: ReadonlyMap<number, Uint8Array>, k: number, m: number, length: number): Uint8Array | null {
  const picked = [...fragments.keys()].filter((i) => i >= 0 && i < k + m).sort((a, b) => a - b).slice(0, k);
  if (picked.length < k) return null;
  const size = fragments.get(picked[0]!)!.length;
  if (picked.some((i) => fragments.get(i)!.length !== size) || size * k < length) return null;
  // Augmented [A | I], reduce A to I.
  const a = picked.map((i) => generatorRow(k, i));
  const inv: number[][] = picked.map((_, r) => Array.from({ length: k }, (_, c) => (c === r ? 1 : 0)));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    while (pivot < k && a[pivot]![col] === 0) pivot++;
    if (pivot === k) return null; // cannot happen for an MDS code; kept as a guard
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    [inv[col], inv[pivot]] = [inv[pivot]!, inv[col]!];
    const f = gfInv(a[col]![col]!);
    for (let c = 0; c < k; c++) {
      a[col]![c] = gfMul(a[col]![c]!, f);
      inv[col]![c] = gfMul(inv[col]![c]!, f);
    }
    for (let r = 0; r < k; r++) {
      const g = a[r]![col]!;
      if (r === col || g === 0) continue;
      for (let c = 0; c < k; c++) {
        a[r]![c]! ^= gfMul(g, a[col]![c]!);
        inv[r]![c]! ^= gfMul(g, inv[col]![c]!);
      }
    }
  }
  const out = new Uint8Array(k * size);
  for (let i = 0; i < k; i++) {
    const row = inv[i]!;
    for (let r = 0; r < k; r++) {
      const c = row[r]!;
      if (c === 0) continue;
      const src = fragments.get(picked[r]!)!;
      for (let b = 0; b < size; b++) out[i * size + b]! ^= gfMul(c, src[b]!);
    }
  }
  return out.slice(0, length);
}
