// One-shot SHA-256 (FIPS 180-4 §6.2) for the short inputs that dominate a replay: Merkle nodes
// (65 bytes), rendezvous weights (cid ‖ node id: one block), account-state leaves, event lines
// (~450 bytes). @noble/hashes allocates a hasher, a block buffer and DataViews per call; in
// Chromium that set-up cost more than the compression of a 65-byte input (issue 7 profile:
// `createView` alone was 5 % of the verifier thread). Here nothing is allocated but the 32-byte
// result (`sha256Words`: nothing at all), and the compression is written for V8 (issue 7, H1):
//   - state, constants and schedule are Int32Arrays: a Uint32Array element ≥ 2^31 is a heap number;
//   - the 16-word schedule window lives in locals, rounds are unrolled by 16 with the working
//     variables renamed instead of shifted (a fully unrolled 64-round body measured no faster);
//   - the padding is written into the last schedule words, not into a copied tail buffer.
// 1.5–2× the previous version in Node (52 B 0.72 → 0.35 µs, 65 B 1.24 → 0.58 µs, 450 B 4.5 → 2.2 µs).
// Same function as noble's: tests/unit/sha256-oneshot.test.ts checks it against node:crypto,
// @noble/hashes and the FIPS 180-4 examples.

/** The round constants K0..K63 (§4.2.2), as signed 32-bit words (also the WebAssembly SHA-256's, worker/sha256-wasm.ts). */
export const SHA256_K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);

/** The block being compressed, as 16 big-endian words (§5.2.1); `compress` keeps the rest of the schedule in locals. */
const W = new Int32Array(16);
/** The initial hash value H(0) (§5.3.3), as signed 32-bit words. */
export const SHA256_H0 = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** The hash state H(i) (§6.2.2 step 4). */
const H = new Int32Array(8);

/** Load block W[0..15] from 64 bytes of `b` at `o`, big endian (§5.2.1). */
function load(b: Uint8Array, o: number): void {
  for (let t = 0; t < 16; t++, o += 4) W[t] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

/**
 * Load the padded last block(s) (§5.1.1): the `rest` = n mod 64 bytes of `b` from `o`, 0x80, zeros,
 * and the 64-bit bit length of the n-byte message. Returns true when the padding spills into a
 * second block; W then holds the first, and the caller loads the second (zeros and the length).
 */
function loadTail(b: Uint8Array, o: number, rest: number, n: number): boolean {
  const whole = rest >> 2;
  let t = 0;
  for (; t < whole; t++, o += 4) W[t] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  // The partial word: its bytes, then 0x80, then zeros.
  let x = 0;
  for (let i = 0; i < (rest & 3); i++) x |= b[o + i]! << (24 - 8 * i);
  W[t] = x | (0x80 << (24 - 8 * (rest & 3)));
  W.fill(0, t + 1, 16);
  if (rest >= 56) return true;
  setLength(n);
  return false;
}

/** W[14..15] = the bit length of an n-byte message (n < 2^32, so bits < 2^35). */
function setLength(n: number): void {
  W[14] = Math.floor(n / 0x20000000);
  W[15] = n << 3;
}

/** Compress W[0..15] into H (§6.2.2): the schedule in 16 locals, rounds unrolled with renamed variables. */
function compress(): void {
  let w0 = W[0]!, w1 = W[1]!, w2 = W[2]!, w3 = W[3]!, w4 = W[4]!, w5 = W[5]!, w6 = W[6]!, w7 = W[7]!;
  let w8 = W[8]!, w9 = W[9]!, w10 = W[10]!, w11 = W[11]!, w12 = W[12]!, w13 = W[13]!, w14 = W[14]!, w15 = W[15]!;
  let a = H[0]!;
  let b = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let t = 0; t < 64; t += 16) {
    if (t > 0) {
      w0 = (w0 + (((w1 >>> 7) | (w1 << 25)) ^ ((w1 >>> 18) | (w1 << 14)) ^ (w1 >>> 3)) + w9 + (((w14 >>> 17) | (w14 << 15)) ^ ((w14 >>> 19) | (w14 << 13)) ^ (w14 >>> 10))) | 0;
      w1 = (w1 + (((w2 >>> 7) | (w2 << 25)) ^ ((w2 >>> 18) | (w2 << 14)) ^ (w2 >>> 3)) + w10 + (((w15 >>> 17) | (w15 << 15)) ^ ((w15 >>> 19) | (w15 << 13)) ^ (w15 >>> 10))) | 0;
      w2 = (w2 + (((w3 >>> 7) | (w3 << 25)) ^ ((w3 >>> 18) | (w3 << 14)) ^ (w3 >>> 3)) + w11 + (((w0 >>> 17) | (w0 << 15)) ^ ((w0 >>> 19) | (w0 << 13)) ^ (w0 >>> 10))) | 0;
      w3 = (w3 + (((w4 >>> 7) | (w4 << 25)) ^ ((w4 >>> 18) | (w4 << 14)) ^ (w4 >>> 3)) + w12 + (((w1 >>> 17) | (w1 << 15)) ^ ((w1 >>> 19) | (w1 << 13)) ^ (w1 >>> 10))) | 0;
      w4 = (w4 + (((w5 >>> 7) | (w5 << 25)) ^ ((w5 >>> 18) | (w5 << 14)) ^ (w5 >>> 3)) + w13 + (((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10))) | 0;
      w5 = (w5 + (((w6 >>> 7) | (w6 << 25)) ^ ((w6 >>> 18) | (w6 << 14)) ^ (w6 >>> 3)) + w14 + (((w3 >>> 17) | (w3 << 15)) ^ ((w3 >>> 19) | (w3 << 13)) ^ (w3 >>> 10))) | 0;
      w6 = (w6 + (((w7 >>> 7) | (w7 << 25)) ^ ((w7 >>> 18) | (w7 << 14)) ^ (w7 >>> 3)) + w15 + (((w4 >>> 17) | (w4 << 15)) ^ ((w4 >>> 19) | (w4 << 13)) ^ (w4 >>> 10))) | 0;
      w7 = (w7 + (((w8 >>> 7) | (w8 << 25)) ^ ((w8 >>> 18) | (w8 << 14)) ^ (w8 >>> 3)) + w0 + (((w5 >>> 17) | (w5 << 15)) ^ ((w5 >>> 19) | (w5 << 13)) ^ (w5 >>> 10))) | 0;
      w8 = (w8 + (((w9 >>> 7) | (w9 << 25)) ^ ((w9 >>> 18) | (w9 << 14)) ^ (w9 >>> 3)) + w1 + (((w6 >>> 17) | (w6 << 15)) ^ ((w6 >>> 19) | (w6 << 13)) ^ (w6 >>> 10))) | 0;
      w9 = (w9 + (((w10 >>> 7) | (w10 << 25)) ^ ((w10 >>> 18) | (w10 << 14)) ^ (w10 >>> 3)) + w2 + (((w7 >>> 17) | (w7 << 15)) ^ ((w7 >>> 19) | (w7 << 13)) ^ (w7 >>> 10))) | 0;
      w10 = (w10 + (((w11 >>> 7) | (w11 << 25)) ^ ((w11 >>> 18) | (w11 << 14)) ^ (w11 >>> 3)) + w3 + (((w8 >>> 17) | (w8 << 15)) ^ ((w8 >>> 19) | (w8 << 13)) ^ (w8 >>> 10))) | 0;
      w11 = (w11 + (((w12 >>> 7) | (w12 << 25)) ^ ((w12 >>> 18) | (w12 << 14)) ^ (w12 >>> 3)) + w4 + (((w9 >>> 17) | (w9 << 15)) ^ ((w9 >>> 19) | (w9 << 13)) ^ (w9 >>> 10))) | 0;
      w12 = (w12 + (((w13 >>> 7) | (w13 << 25)) ^ ((w13 >>> 18) | (w13 << 14)) ^ (w13 >>> 3)) + w5 + (((w10 >>> 17) | (w10 << 15)) ^ ((w10 >>> 19) | (w10 << 13)) ^ (w10 >>> 10))) | 0;
      w13 = (w13 + (((w14 >>> 7) | (w14 << 25)) ^ ((w14 >>> 18) | (w14 << 14)) ^ (w14 >>> 3)) + w6 + (((w11 >>> 17) | (w11 << 15)) ^ ((w11 >>> 19) | (w11 << 13)) ^ (w11 >>> 10))) | 0;
      w14 = (w14 + (((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3)) + w7 + (((w12 >>> 17) | (w12 << 15)) ^ ((w12 >>> 19) | (w12 << 13)) ^ (w12 >>> 10))) | 0;
      w15 = (w15 + (((w0 >>> 7) | (w0 << 25)) ^ ((w0 >>> 18) | (w0 << 14)) ^ (w0 >>> 3)) + w8 + (((w13 >>> 17) | (w13 << 15)) ^ ((w13 >>> 19) | (w13 << 13)) ^ (w13 >>> 10))) | 0;
    }
    h = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + SHA256_K[t]! + w0) | 0;
    d = (d + h) | 0;
    h = (h + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    g = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + SHA256_K[t + 1]! + w1) | 0;
    c = (c + g) | 0;
    g = (g + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    f = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + SHA256_K[t + 2]! + w2) | 0;
    b = (b + f) | 0;
    f = (f + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    e = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + SHA256_K[t + 3]! + w3) | 0;
    a = (a + e) | 0;
    e = (e + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    d = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + SHA256_K[t + 4]! + w4) | 0;
    h = (h + d) | 0;
    d = (d + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    c = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + SHA256_K[t + 5]! + w5) | 0;
    g = (g + c) | 0;
    c = (c + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    b = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + SHA256_K[t + 6]! + w6) | 0;
    f = (f + b) | 0;
    b = (b + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    a = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + SHA256_K[t + 7]! + w7) | 0;
    e = (e + a) | 0;
    a = (a + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
    h = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + (g ^ (e & (f ^ g))) + SHA256_K[t + 8]! + w8) | 0;
    d = (d + h) | 0;
    h = (h + (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) | (c & (a | b)))) | 0;
    g = (g + (((d >>> 6) | (d << 26)) ^ ((d >>> 11) | (d << 21)) ^ ((d >>> 25) | (d << 7))) + (f ^ (d & (e ^ f))) + SHA256_K[t + 9]! + w9) | 0;
    c = (c + g) | 0;
    g = (g + (((h >>> 2) | (h << 30)) ^ ((h >>> 13) | (h << 19)) ^ ((h >>> 22) | (h << 10))) + ((h & a) | (b & (h | a)))) | 0;
    f = (f + (((c >>> 6) | (c << 26)) ^ ((c >>> 11) | (c << 21)) ^ ((c >>> 25) | (c << 7))) + (e ^ (c & (d ^ e))) + SHA256_K[t + 10]! + w10) | 0;
    b = (b + f) | 0;
    f = (f + (((g >>> 2) | (g << 30)) ^ ((g >>> 13) | (g << 19)) ^ ((g >>> 22) | (g << 10))) + ((g & h) | (a & (g | h)))) | 0;
    e = (e + (((b >>> 6) | (b << 26)) ^ ((b >>> 11) | (b << 21)) ^ ((b >>> 25) | (b << 7))) + (d ^ (b & (c ^ d))) + SHA256_K[t + 11]! + w11) | 0;
    a = (a + e) | 0;
    e = (e + (((f >>> 2) | (f << 30)) ^ ((f >>> 13) | (f << 19)) ^ ((f >>> 22) | (f << 10))) + ((f & g) | (h & (f | g)))) | 0;
    d = (d + (((a >>> 6) | (a << 26)) ^ ((a >>> 11) | (a << 21)) ^ ((a >>> 25) | (a << 7))) + (c ^ (a & (b ^ c))) + SHA256_K[t + 12]! + w12) | 0;
    h = (h + d) | 0;
    d = (d + (((e >>> 2) | (e << 30)) ^ ((e >>> 13) | (e << 19)) ^ ((e >>> 22) | (e << 10))) + ((e & f) | (g & (e | f)))) | 0;
    c = (c + (((h >>> 6) | (h << 26)) ^ ((h >>> 11) | (h << 21)) ^ ((h >>> 25) | (h << 7))) + (b ^ (h & (a ^ b))) + SHA256_K[t + 13]! + w13) | 0;
    g = (g + c) | 0;
    c = (c + (((d >>> 2) | (d << 30)) ^ ((d >>> 13) | (d << 19)) ^ ((d >>> 22) | (d << 10))) + ((d & e) | (f & (d | e)))) | 0;
    b = (b + (((g >>> 6) | (g << 26)) ^ ((g >>> 11) | (g << 21)) ^ ((g >>> 25) | (g << 7))) + (a ^ (g & (h ^ a))) + SHA256_K[t + 14]! + w14) | 0;
    f = (f + b) | 0;
    b = (b + (((c >>> 2) | (c << 30)) ^ ((c >>> 13) | (c << 19)) ^ ((c >>> 22) | (c << 10))) + ((c & d) | (e & (c | d)))) | 0;
    a = (a + (((f >>> 6) | (f << 26)) ^ ((f >>> 11) | (f << 21)) ^ ((f >>> 25) | (f << 7))) + (h ^ (f & (g ^ h))) + SHA256_K[t + 15]! + w15) | 0;
    e = (e + a) | 0;
    a = (a + (((b >>> 2) | (b << 30)) ^ ((b >>> 13) | (b << 19)) ^ ((b >>> 22) | (b << 10))) + ((b & c) | (d & (b | c)))) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + b) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** Hash `msg` into H. */
function digest(msg: Uint8Array): void {
  digestRange(msg, 0, msg.length);
}

/**
 * Hash the n bytes of `msg` from `start` into H (the caller checked the range). With `lead0`, the
 * first of them is taken as 0x00 whatever msg[start] is: 0x00 ‖ msg[start+1, start+n) is hashed
 * without being copied (RFC 6962 leaf hashes).
 */
function digestRange(msg: Uint8Array, start: number, n: number, lead0 = false): void {
  if (n > 0xffffffff) throw new RangeError('sha256: message longer than 2^32 − 1 bytes');
  // H(0) (§5.3.3).
  H.set(SHA256_H0);
  const full = n - (n & 63);
  for (let o = 0; o < full; o += 64) {
    load(msg, start + o);
    if (lead0 && o === 0) W[0] = W[0]! & 0x00ffffff;
    compress();
  }
  const spill = loadTail(msg, start + full, n - full, n);
  if (lead0 && full === 0) W[0] = W[0]! & 0x00ffffff; // n ≥ 1: the 0x80 is not in the first byte
  if (spill) {
    compress();
    W.fill(0, 0, 14);
    setLength(n);
  }
  compress();
}

/** SHA-256 of `msg` (any length below 2^32 bytes): 32 fresh bytes. Not re-entrant (no callbacks inside). */
export function sha256OneShot(msg: Uint8Array): Uint8Array {
  digest(msg);
  const out = new Uint8Array(32);
  for (let i = 0, j = 0; i < 8; i++, j += 4) {
    const x = H[i]!;
    out[j] = x >>> 24;
    out[j + 1] = x >>> 16;
    out[j + 2] = x >>> 8;
    out[j + 3] = x;
  }
  return out;
}

/**
 * SHA-256 of `msg` as eight big-endian 32-bit words written to out[at..at+8), signed (compare
 * them as unsigned with `>>> 0`). Allocates nothing: for callers that only compare digests.
 */
export function sha256Words(msg: Uint8Array, out: Int32Array, at: number): void {
  digest(msg);
  for (let i = 0; i < 8; i++) out[at + i] = H[i]!;
}

/**
 * SHA-256 of msg[start, end) written as 32 bytes to out[at..at+32). Allocates nothing, not even a
 * view of the range: for a signature worker hashing every event's message and line into its
 * answer buffer (signature-batch.ts answerPacked; issue 7, ~21 % of a worker's allocations).
 */
export function sha256RangeInto(msg: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
  checkRange('sha256RangeInto', msg, start, end, out, at);
  digestRange(msg, start, end - start);
  store(out, at);
}

/**
 * The RFC 6962 leaf hash SHA-256(0x00 ‖ msg[start, end)) written as 32 bytes to out[at..at+32),
 * without copying the entry behind a prefix byte (merkle.ts leafHash computes the same).
 */
export function sha256LeafInto(msg: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
  checkRange('sha256LeafInto', msg, start, end, out, at);
  if (start > 0) digestRange(msg, start - 1, end - start + 1, true);
  else {
    // no byte before the range to stand for the prefix (an out-of-bounds read would deoptimise `load`)
    const whole = new Uint8Array(end + 1);
    whole.set(msg.subarray(0, end), 1);
    digestRange(whole, 0, end + 1);
  }
  store(out, at);
}

/** The argument check of sha256RangeInto and sha256LeafInto. */
function checkRange(name: string, msg: Uint8Array, start: number, end: number, out: Uint8Array, at: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(end) && 0 <= start && start <= end && end <= msg.length)) throw new RangeError(`${name}: bad range [${start}, ${end}) of ${msg.length}`);
  if (!(Number.isInteger(at) && at >= 0 && at + 32 <= out.length)) throw new RangeError(`${name}: no room for 32 bytes at \`at\``);
}

/** H as 32 big-endian bytes to out[at..at+32). */
function store(out: Uint8Array, at: number): void {
  for (let i = 0, j = at; i < 8; i++, j += 4) {
    const x = H[i]!;
    out[j] = x >>> 24;
    out[j + 1] = x >>> 16;
    out[j + 2] = x >>> 8;
    out[j + 3] = x;
  }
}
