// reduce512ModL (src/lib/core/scalar25519.ts), the pure verifier's k = SHA-512(R || A || M) mod L,
// against bigint `% L` on random 64-byte inputs and on the edges: 0, L − 1, L, L + 1, multiples of
// L near 2^512, 2^512 − 1, and inputs whose top bytes stress the folding carries.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { L_BYTES, reduce512ModL } from '../../src/lib/core/scalar25519';
import { L } from '../../src/lib/core/ed25519';

function toLE(n: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

function fromLE(b: Uint8Array): bigint {
  let n = 0n;
  for (let i = b.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(b[i]!);
  return n;
}

const reduce = (h: Uint8Array): bigint => fromLE(reduce512ModL(h, new Uint8Array(32)));

describe('reduce512ModL', () => {
  it('L_BYTES is L (the S < L precheck compares with it)', () => {
    expect(L_BYTES).toEqual(toLE(L, 32));
  });

  it('equals bigint % L on edge values', () => {
    const top = (1n << 512n) - 1n;
    const edges = [
      0n,
      1n,
      L - 1n,
      L,
      L + 1n,
      2n * L - 1n,
      (1n << 252n) - 1n,
      1n << 252n,
      (1n << 256n) - 1n,
      1n << 256n,
      (1n << 504n) - 1n,
      top,
      top - 1n,
      (top / L) * L,
      (top / L) * L - 1n,
      (top / L) * L + 1n,
      (top / L - 1n) * L,
      top - (top % L) - L + 1n
    ];
    for (let b = 0; b < 64; b++) {
      edges.push(1n << BigInt(8 * b + 7), (1n << BigInt(8 * b + 8)) - 1n, top ^ (0xffn << BigInt(8 * b)));
    }
    for (const n of edges) expect(reduce(toLE(n, 64)), `n = ${n}`).toBe(n % L);
  });

  it('equals bigint % L on random 64-byte inputs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (h) => reduce(h) === fromLE(h) % L),
      { numRuns: 20000 }
    );
  });

  it('equals bigint % L on inputs made mostly of 0x00 and 0xff bytes', () => {
    const byte = fc.oneof(fc.constant(0), fc.constant(0xff), fc.integer({ min: 0, max: 255 }));
    fc.assert(
      fc.property(fc.array(byte, { minLength: 64, maxLength: 64 }), (a) => {
        const h = Uint8Array.from(a);
        return reduce(h) === fromLE(h) % L;
      }),
      { numRuns: 20000 }
    );
  });

  it('leaves its input unchanged and refuses other lengths', () => {
    const h = Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) & 0xff);
    const copy = h.slice();
    reduce512ModL(h, new Uint8Array(32));
    expect(h).toEqual(copy);
    expect(() => reduce512ModL(new Uint8Array(63), new Uint8Array(32))).toThrow(RangeError);
    expect(() => reduce512ModL(new Uint8Array(64), new Uint8Array(31))).toThrow(RangeError);
  });

  it('reads and writes views at an offset, and gives fresh results when the same arrays are reused', () => {
    // the verifier passes the same digest and scalar arrays every time (their DataViews are kept)
    const inBuf = new Uint8Array(64 + 13);
    const outBuf = new Uint8Array(32 + 7);
    const h = inBuf.subarray(5, 69);
    const out = outBuf.subarray(3, 35);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 64, maxLength: 64 }), (bytes) => {
        h.set(bytes);
        const k = fromLE(reduce512ModL(h, out));
        return k === fromLE(bytes) % L && outBuf.subarray(0, 3).every((b) => b === 0) && outBuf.subarray(35).every((b) => b === 0);
      }),
      { numRuns: 2000 }
    );
    // another pair of arrays after those: not the cached views'
    const other = Uint8Array.from({ length: 64 }, (_, i) => 255 - i);
    expect(fromLE(reduce512ModL(other, new Uint8Array(32)))).toBe(fromLE(other) % L);
  });
});
