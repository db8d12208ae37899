// Reduction of a 64-byte SHA-512 output modulo the group order L = 2^252 + 27742317777372353535851937790883648493
// (RFC 8032 §5.1.7: k = SHA-512(R || A || M) mod L), for the pure-JS Ed25519 verifier (issue 7).
//
// The bigint route (64 bytes → hex → BigInt → % L → hex → 32 bytes) was ~4 % of a pure verify in
// the Chromium signature workers' profile, most of it in the string conversions. This is
// TweetNaCl's `modL` (public domain): byte limbs held in doubles, the top 32 limbs folded down
// with L's low 32 bytes (2^256 ≡ −16·(L − 2^252) mod L), every intermediate an integer far below
// 2^53, then a final conditional subtraction. The result is the canonical residue in [0, L);
// tests/unit/scalar25519.test.ts compares it with bigint `% L` on random and edge inputs.

/** L as 32 little-endian bytes (ed25519.ts compares S with it: §7's S < L). */
export const L_BYTES = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
]);

/** L as 32 little-endian byte limbs in doubles. */
const L_LIMBS = Float64Array.from(L_BYTES);

const x = new Float64Array(64);

/** The 64-byte little-endian integer `h` mod L, written to `out` (32 bytes, little-endian). */
export function reduce512ModL(h: Uint8Array, out: Uint8Array): Uint8Array {
  if (h.length !== 64 || out.length !== 32) throw new RangeError('reduce512ModL: 64 bytes in, 32 out');
  for (let i = 0; i < 64; i++) x[i] = h[i]!;
  let carry = 0;
  let j = 0;
  for (let i = 63; i >= 32; i--) {
    carry = 0;
    const xi = x[i]!;
    for (j = i - 32; j < i - 12; j++) {
      const v = x[j]! + carry - 16 * xi * L_LIMBS[j - (i - 32)]!;
      carry = Math.floor((v + 128) / 256);
      x[j] = v - carry * 256;
    }
    x[j] = x[j]! + carry;
    x[i] = 0;
  }
  carry = 0;
  const top = Math.floor(x[31]! / 16);
  for (j = 0; j < 32; j++) {
    const v = x[j]! + carry - top * L_LIMBS[j]!;
    carry = Math.floor(v / 256);
    x[j] = v - carry * 256;
  }
  for (j = 0; j < 32; j++) x[j] = x[j]! - carry * L_LIMBS[j]!;
  for (let i = 0; i < 32; i++) {
    const c = Math.floor(x[i]! / 256);
    if (i < 31) x[i + 1] = x[i + 1]! + c;
    out[i] = x[i]! - c * 256;
  }
  return out;
}
