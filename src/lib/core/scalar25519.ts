// Reduction of a 64-byte SHA-512 output modulo the group order L = 2^252 + 27742317777372353535851937790883648493
// (RFC 8032 §5.1.7: k = SHA-512(R || A || M) mod L), for the pure-JS Ed25519 verifier (issue 7).
//
// The 64 bytes are read as eight little-endian 64-bit BigInts (DataView.getBigUint64), joined,
// reduced with one `% L`, and written back as four 64-bit words. In Chromium on the 10k demo's
// digests this is ~0.7 µs per scalar, against ~3.7 µs for TweetNaCl's `modL` on byte limbs in
// doubles (session 5) and more for the older hex-string route. tests/unit/scalar25519.test.ts
// compares it with bigint `% L` on random and edge inputs.

/** L as 32 little-endian bytes (ed25519.ts compares S with it: §7's S < L). */
export const L_BYTES = Uint8Array.from([
  0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10
]);

/** Order of the prime subgroup, L = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1). */
export const L = (1n << 252n) + 27742317777372353535851937790883648493n;

/** A DataView of `b`, reused while the caller passes the same bytes (the verifier's scratch arrays). */
function viewCache(): (b: Uint8Array) => DataView {
  let last: Uint8Array | null = null;
  let view: DataView | null = null;
  return (b) => {
    if (b !== last || view === null) {
      view = new DataView(b.buffer, b.byteOffset, b.length);
      last = b;
    }
    return view;
  };
}
const inView = viewCache();
const outView = viewCache();

/** The 64-byte little-endian integer `h` mod L, written to `out` (32 bytes, little-endian). */
export function reduce512ModL(h: Uint8Array, out: Uint8Array): Uint8Array {
  if (h.length !== 64 || out.length !== 32) throw new RangeError('reduce512ModL: 64 bytes in, 32 out');
  const v = inView(h);
  const x =
    (v.getBigUint64(0, true) |
      (v.getBigUint64(8, true) << 64n) |
      (v.getBigUint64(16, true) << 128n) |
      (v.getBigUint64(24, true) << 192n) |
      (v.getBigUint64(32, true) << 256n) |
      (v.getBigUint64(40, true) << 320n) |
      (v.getBigUint64(48, true) << 384n) |
      (v.getBigUint64(56, true) << 448n)) %
    L;
  const o = outView(out);
  o.setBigUint64(0, BigInt.asUintN(64, x), true);
  o.setBigUint64(8, BigInt.asUintN(64, x >> 64n), true);
  o.setBigUint64(16, BigInt.asUintN(64, x >> 128n), true);
  o.setBigUint64(24, x >> 192n, true);
  return out;
}
