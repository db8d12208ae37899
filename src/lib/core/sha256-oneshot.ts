// One-shot SHA-256 (FIPS 180-4 §6.2) for the short inputs that dominate a replay: Merkle nodes
// (65 bytes), rendezvous weights (cid ‖ node), account-state leaves. @noble/hashes allocates a
// hasher, a block buffer and DataViews per call; in Chromium that set-up cost more than the
// compression of a 65-byte input (issue 7 profile: `createView` alone was 5 % of the verifier
// thread). Here the schedule and state live in module-level scratch arrays and the message is read
// straight from its bytes, so a call allocates only its 32-byte result. Same function as noble's
// (tests/unit/sha256-oneshot.test.ts checks both against node:crypto).

const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
]);
const IV = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

const W = new Uint32Array(64);
const H = new Uint32Array(8);
/** The last one or two blocks, with the padding and the bit length (§5.1.1). */
const TAIL = new Uint8Array(128);

/** Compress one 64-byte block of `b` at offset `o` into H (§6.2.2). */
function compress(b: Uint8Array, o: number): void {
  for (let t = 0; t < 16; t++, o += 4) W[t] = (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = H[0]!;
  let bb = H[1]!;
  let c = H[2]!;
  let d = H[3]!;
  let e = H[4]!;
  let f = H[5]!;
  let g = H[6]!;
  let h = H[7]!;
  for (let t = 0; t < 64; t++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & bb) ^ (a & c) ^ (bb & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = bb;
    bb = a;
    a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0;
  H[1] = (H[1]! + bb) | 0;
  H[2] = (H[2]! + c) | 0;
  H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0;
  H[5] = (H[5]! + f) | 0;
  H[6] = (H[6]! + g) | 0;
  H[7] = (H[7]! + h) | 0;
}

/** SHA-256 of `msg` (any length below 2^32 bytes): 32 fresh bytes. Not re-entrant (no callbacks inside). */
export function sha256OneShot(msg: Uint8Array): Uint8Array {
  const n = msg.length;
  if (n > 0xffffffff) throw new RangeError('sha256OneShot: message longer than 2^32 − 1 bytes');
  H.set(IV);
  const full = n - (n % 64);
  for (let o = 0; o < full; o += 64) compress(msg, o);
  const rest = n - full;
  const tailLen = rest < 56 ? 64 : 128;
  TAIL.fill(0, 0, tailLen);
  TAIL.set(msg.subarray(full), 0);
  TAIL[rest] = 0x80;
  // Bit length, big endian, in the last 8 bytes (n < 2^32, so bits < 2^35).
  const bits = n * 8;
  const hi = Math.floor(bits / 0x100000000);
  TAIL[tailLen - 5] = hi & 0xff;
  TAIL[tailLen - 4] = (bits >>> 24) & 0xff;
  TAIL[tailLen - 3] = (bits >>> 16) & 0xff;
  TAIL[tailLen - 2] = (bits >>> 8) & 0xff;
  TAIL[tailLen - 1] = bits & 0xff;
  compress(TAIL, 0);
  if (tailLen === 128) compress(TAIL, 64);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    const x = H[i]!;
    out[4 * i] = x >>> 24;
    out[4 * i + 1] = (x >>> 16) & 0xff;
    out[4 * i + 2] = (x >>> 8) & 0xff;
    out[4 * i + 3] = x & 0xff;
  }
  return out;
}
