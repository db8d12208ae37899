// SHA-512 (FIPS 180-4) of a message given in three parts, for the pure-JS Ed25519 verifier's
// k = SHA-512(R || A || M) (RFC 8032 §5.1.7; issue 7). @noble/hashes' streaming hasher (a new
// object, three update copies and a digest array per signature) was ~13 % of a pure verify in
// Chromium on the 10k demo; this one pads the parts into one reused buffer and runs the rounds on
// 32-bit halves held in locals. tests/unit/sha512.test.ts compares it with node:crypto and
// @noble/hashes on every length around the block boundaries and on random inputs.

/** The 80 round constants, high and low 32-bit halves (FIPS 180-4 §4.2.3). */
const K = [
  '428a2f98d728ae22', '7137449123ef65cd', 'b5c0fbcfec4d3b2f', 'e9b5dba58189dbbc', '3956c25bf348b538', '59f111f1b605d019', '923f82a4af194f9b', 'ab1c5ed5da6d8118',
  'd807aa98a3030242', '12835b0145706fbe', '243185be4ee4b28c', '550c7dc3d5ffb4e2', '72be5d74f27b896f', '80deb1fe3b1696b1', '9bdc06a725c71235', 'c19bf174cf692694',
  'e49b69c19ef14ad2', 'efbe4786384f25e3', '0fc19dc68b8cd5b5', '240ca1cc77ac9c65', '2de92c6f592b0275', '4a7484aa6ea6e483', '5cb0a9dcbd41fbd4', '76f988da831153b5',
  '983e5152ee66dfab', 'a831c66d2db43210', 'b00327c898fb213f', 'bf597fc7beef0ee4', 'c6e00bf33da88fc2', 'd5a79147930aa725', '06ca6351e003826f', '142929670a0e6e70',
  '27b70a8546d22ffc', '2e1b21385c26c926', '4d2c6dfc5ac42aed', '53380d139d95b3df', '650a73548baf63de', '766a0abb3c77b2a8', '81c2c92e47edaee6', '92722c851482353b',
  'a2bfe8a14cf10364', 'a81a664bbc423001', 'c24b8b70d0f89791', 'c76c51a30654be30', 'd192e819d6ef5218', 'd69906245565a910', 'f40e35855771202a', '106aa07032bbd1b8',
  '19a4c116b8d2d0c8', '1e376c085141ab53', '2748774cdf8eeb99', '34b0bcb5e19b48a8', '391c0cb3c5c95a63', '4ed8aa4ae3418acb', '5b9cca4f7763e373', '682e6ff3d6b2b8a3',
  '748f82ee5defb2fc', '78a5636f43172f60', '84c87814a1f0ab72', '8cc702081a6439ec', '90befffa23631e28', 'a4506cebde82bde9', 'bef9a3f7b2c67915', 'c67178f2e372532b',
  'ca273eceea26619c', 'd186b8c721c0c207', 'eada7dd6cde0eb1e', 'f57d4f7fee6ed178', '06f067aa72176fba', '0a637dc5a2c898a6', '113f9804bef90dae', '1b710b35131c471b',
  '28db77f523047d84', '32caab7b40c72493', '3c9ebe0a15c9bebc', '431d67c49c100d4c', '4cc5d4becb3e42b6', '597f299cfc657e2a', '5fcb6fab3ad6faec', '6c44198c4a475817'
];
const KH = Int32Array.from(K, (h) => parseInt(h.slice(0, 8), 16) | 0);
const KL = Int32Array.from(K, (h) => parseInt(h.slice(8), 16) | 0);

/** The initial hash value (FIPS 180-4 §5.3.5), high and low halves. */
const IV = ['6a09e667f3bcc908', 'bb67ae8584caa73b', '3c6ef372fe94f82b', 'a54ff53a5f1d36f1', '510e527fade682d1', '9b05688c2b3e6c1f', '1f83d9abfb41bd6b', '5be0cd19137e2179'];
const IVH = Int32Array.from(IV, (h) => parseInt(h.slice(0, 8), 16) | 0);
const IVL = Int32Array.from(IV, (h) => parseInt(h.slice(8), 16) | 0);

const TWO32 = 4294967296;
const WH = new Int32Array(80);
const WL = new Int32Array(80);
const HH = new Int32Array(8);
const HL = new Int32Array(8);
/** The padded message; grown when a longer one comes. */
let block = new Uint8Array(1024);

/** Compress the 128-byte blocks of `m` from 0 to `end` into HH/HL. */
function blocks(m: Uint8Array, end: number): void {
  let ah0 = HH[0]!, ah1 = HH[1]!, ah2 = HH[2]!, ah3 = HH[3]!, ah4 = HH[4]!, ah5 = HH[5]!, ah6 = HH[6]!, ah7 = HH[7]!;
  let al0 = HL[0]!, al1 = HL[1]!, al2 = HL[2]!, al3 = HL[3]!, al4 = HL[4]!, al5 = HL[5]!, al6 = HL[6]!, al7 = HL[7]!;
  for (let pos = 0; pos < end; pos += 128) {
    for (let i = 0; i < 16; i++) {
      const j = pos + 8 * i;
      WH[i] = (m[j]! << 24) | (m[j + 1]! << 16) | (m[j + 2]! << 8) | m[j + 3]!;
      WL[i] = (m[j + 4]! << 24) | (m[j + 5]! << 16) | (m[j + 6]! << 8) | m[j + 7]!;
    }
    for (let i = 16; i < 80; i++) {
      // σ0(W[i−15]) = rotr1 ^ rotr8 ^ shr7; σ1(W[i−2]) = rotr19 ^ rotr61 ^ shr6
      let h = WH[i - 15]!;
      let l = WL[i - 15]!;
      const s0h = ((h >>> 1) | (l << 31)) ^ ((h >>> 8) | (l << 24)) ^ (h >>> 7);
      const s0l = ((l >>> 1) | (h << 31)) ^ ((l >>> 8) | (h << 24)) ^ ((l >>> 7) | (h << 25));
      h = WH[i - 2]!;
      l = WL[i - 2]!;
      const s1h = ((h >>> 19) | (l << 13)) ^ ((l >>> 29) | (h << 3)) ^ (h >>> 6);
      const s1l = ((l >>> 19) | (h << 13)) ^ ((h >>> 29) | (l << 3)) ^ ((l >>> 6) | (h << 26));
      const lo = (s0l >>> 0) + (s1l >>> 0) + (WL[i - 7]! >>> 0) + (WL[i - 16]! >>> 0);
      WH[i] = (s0h + s1h + WH[i - 7]! + WH[i - 16]! + ((lo / TWO32) | 0)) | 0;
      WL[i] = lo | 0;
    }
    let a = ah0, b = ah1, c = ah2, d = ah3, e = ah4, f = ah5, g = ah6, hh = ah7;
    let al = al0, bl = al1, cl = al2, dl = al3, el = al4, fl = al5, gl = al6, hl = al7;
    for (let i = 0; i < 80; i++) {
      // Σ1(e) = rotr14 ^ rotr18 ^ rotr41, Ch(e, f, g)
      const S1h = ((e >>> 14) | (el << 18)) ^ ((e >>> 18) | (el << 14)) ^ ((el >>> 9) | (e << 23));
      const S1l = ((el >>> 14) | (e << 18)) ^ ((el >>> 18) | (e << 14)) ^ ((e >>> 9) | (el << 23));
      const chh = (e & f) ^ (~e & g);
      const chl = (el & fl) ^ (~el & gl);
      const t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + (KL[i]! >>> 0) + (WL[i]! >>> 0);
      const t1h = (hh + S1h + chh + KH[i]! + WH[i]! + ((t1l / TWO32) | 0)) | 0;
      // Σ0(a) = rotr28 ^ rotr34 ^ rotr39, Maj(a, b, c)
      const S0h = ((a >>> 28) | (al << 4)) ^ ((al >>> 2) | (a << 30)) ^ ((al >>> 7) | (a << 25));
      const S0l = ((al >>> 28) | (a << 4)) ^ ((a >>> 2) | (al << 30)) ^ ((a >>> 7) | (al << 25));
      const mjh = (a & b) ^ (a & c) ^ (b & c);
      const mjl = (al & bl) ^ (al & cl) ^ (bl & cl);
      hh = g;
      hl = gl;
      g = f;
      gl = fl;
      f = e;
      fl = el;
      const el2 = (dl >>> 0) + (t1l >>> 0);
      e = (d + t1h + ((el2 / TWO32) | 0)) | 0;
      el = el2 | 0;
      d = c;
      dl = cl;
      c = b;
      cl = bl;
      b = a;
      bl = al;
      const al2 = (t1l >>> 0) + (S0l >>> 0) + (mjl >>> 0);
      a = (t1h + S0h + mjh + ((al2 / TWO32) | 0)) | 0;
      al = al2 | 0;
    }
    let s: number;
    s = (al0 >>> 0) + (al >>> 0); ah0 = (ah0 + a + ((s / TWO32) | 0)) | 0; al0 = s | 0;
    s = (al1 >>> 0) + (bl >>> 0); ah1 = (ah1 + b + ((s / TWO32) | 0)) | 0; al1 = s | 0;
    s = (al2 >>> 0) + (cl >>> 0); ah2 = (ah2 + c + ((s / TWO32) | 0)) | 0; al2 = s | 0;
    s = (al3 >>> 0) + (dl >>> 0); ah3 = (ah3 + d + ((s / TWO32) | 0)) | 0; al3 = s | 0;
    s = (al4 >>> 0) + (el >>> 0); ah4 = (ah4 + e + ((s / TWO32) | 0)) | 0; al4 = s | 0;
    s = (al5 >>> 0) + (fl >>> 0); ah5 = (ah5 + f + ((s / TWO32) | 0)) | 0; al5 = s | 0;
    s = (al6 >>> 0) + (gl >>> 0); ah6 = (ah6 + g + ((s / TWO32) | 0)) | 0; al6 = s | 0;
    s = (al7 >>> 0) + (hl >>> 0); ah7 = (ah7 + hh + ((s / TWO32) | 0)) | 0; al7 = s | 0;
  }
  HH[0] = ah0; HH[1] = ah1; HH[2] = ah2; HH[3] = ah3; HH[4] = ah4; HH[5] = ah5; HH[6] = ah6; HH[7] = ah7;
  HL[0] = al0; HL[1] = al1; HL[2] = al2; HL[3] = al3; HL[4] = al4; HL[5] = al5; HL[6] = al6; HL[7] = al7;
}

/**
 * SHA-512(a[aStart, aEnd) || b || c) written to out[0, 64); returns `out`. The parts are read,
 * never kept or changed (one buffer of this module is reused across calls).
 */
export function sha512Of3(a: Uint8Array, aStart: number, aEnd: number, b: Uint8Array, c: Uint8Array, out: Uint8Array): Uint8Array {
  if (!(aStart >= 0 && aStart <= aEnd && aEnd <= a.length) || out.length < 64) throw new RangeError('sha512Of3: bad range or output');
  const n = aEnd - aStart + b.length + c.length;
  // message, 0x80, zeros, 128-bit big-endian bit length: a multiple of 128 bytes
  const padded = (n + 17 + 127) & ~127;
  if (block.length < padded) block = new Uint8Array(Math.max(padded, 2 * block.length));
  const m = block;
  m.set(aEnd - aStart === a.length ? a : a.subarray(aStart, aEnd), 0);
  m.set(b, aEnd - aStart);
  m.set(c, n - c.length);
  m[n] = 0x80;
  m.fill(0, n + 1, padded - 8);
  // the bit length, big-endian in the last 8 bytes (n < 2^32 bytes: it fits in 35 bits)
  const bits = n * 8;
  m[padded - 8] = 0;
  m[padded - 7] = 0;
  m[padded - 6] = 0;
  m[padded - 5] = Math.floor(bits / TWO32);
  m[padded - 4] = bits >>> 24;
  m[padded - 3] = bits >>> 16;
  m[padded - 2] = bits >>> 8;
  m[padded - 1] = bits;
  HH.set(IVH);
  HL.set(IVL);
  blocks(m, padded);
  for (let i = 0; i < 8; i++) {
    const h = HH[i]!;
    const l = HL[i]!;
    out[8 * i] = h >>> 24;
    out[8 * i + 1] = h >>> 16;
    out[8 * i + 2] = h >>> 8;
    out[8 * i + 3] = h;
    out[8 * i + 4] = l >>> 24;
    out[8 * i + 5] = l >>> 16;
    out[8 * i + 6] = l >>> 8;
    out[8 * i + 7] = l;
  }
  return out;
}
