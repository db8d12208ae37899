import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import {
  CompactRange,
  EMPTY_ROOT,
  MerkleTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromInclusionProof,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion
} from '../../src/lib/core/merkle';
import { toHex } from '../../src/lib/core/bytes';

// Independent reference: RFC 9162 §2.1.1 MTH written recursively over node:crypto.
const h = (...parts: Uint8Array[]): Uint8Array => {
  const x = createHash('sha256');
  for (const p of parts) x.update(p);
  return new Uint8Array(x.digest());
};
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 0) return h();
  if (leaves.length === 1) return leaves[0]!;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return h(Uint8Array.of(1), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
const leavesOf = (n: number, salt = 0): Uint8Array[] => Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(salt, i & 255, i >> 8)));

function flipBit(list: Uint8Array[], which: number, bit: number): Uint8Array[] {
  return list.map((x, i) => {
    if (i !== which) return x;
    const y = x.slice();
    y[bit >> 3]! ^= 1 << (bit & 7);
    return y;
  });
}

describe('merkle hashing', () => {
  it('leaf, node and empty root', () => {
    expect(toHex(EMPTY_ROOT)).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(leafHash(Uint8Array.of(1, 2))).toEqual(h(Uint8Array.of(0, 1, 2)));
    const a = leafHash(Uint8Array.of(1));
    const b = leafHash(Uint8Array.of(2));
    expect(nodeHash(a, b)).toEqual(h(Uint8Array.of(1), a, b));
    expect(nodeHash(a, b)).not.toEqual(nodeHash(b, a));
  });
  it('roots agree with the recursive definition for sizes 0..70 (array, flat, compact range, cached tree)', () => {
    const leaves = leavesOf(70);
    const tree = new MerkleTree(leaves);
    const cr = new CompactRange();
    expect(cr.root()).toEqual(EMPTY_ROOT);
    for (let n = 0; n <= 70; n++) {
      const want = toHex(mth(leaves.slice(0, n)));
      expect(toHex(rootFromLeafHashes(leaves.slice(0, n)))).toBe(want);
      const flat = new Uint8Array(n * 32);
      leaves.slice(0, n).forEach((l, i) => flat.set(l, i * 32));
      expect(toHex(rootFromLeafHashes(flat))).toBe(want);
      expect(toHex(tree.root(n))).toBe(want);
      if (n > 0) cr.append(leaves[n - 1]!);
      expect(cr.size).toBe(n);
      expect(toHex(cr.root())).toBe(want);
      expect(cr.nodes().length).toBe(n.toString(2).split('').filter((c) => c === '1').length);
    }
  });
  it('misuse throws', () => {
    expect(() => new CompactRange().append(new Uint8Array(31))).toThrow(TypeError);
    expect(() => rootFromLeafHashes(new Uint8Array(33))).toThrow(RangeError);
    const t = new MerkleTree(leavesOf(4));
    expect(() => t.inclusionProof(4, 4)).toThrow(RangeError);
    expect(() => t.inclusionProof(0, 5)).toThrow(RangeError);
    expect(() => t.consistencyProof(3, 2)).toThrow(RangeError);
    expect(() => t.subtreeHash(2, 1)).toThrow(RangeError);
  });
});

describe('merkle proofs (properties)', () => {
  const N = 300;
  const leaves = leavesOf(N, 7);
  const tree = new MerkleTree(leaves);
  const roots = Array.from({ length: N + 1 }, (_, n) => tree.root(n));

  it('inclusion proofs verify for random sizes and indices, and one-shot equals cached', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: N }).chain((size) => fc.tuple(fc.constant(size), fc.nat(size - 1))), ([size, index]) => {
        const proof = tree.inclusionProof(index, size);
        expect(verifyInclusion(index, size, leaves[index]!, proof, roots[size]!)).toBe(true);
        expect(proof.map(toHex)).toEqual(inclusionProof((i) => leaves[i]!, index, size).map(toHex));
        // Wrong index, wrong size, wrong leaf, truncated or extended proofs all fail.
        if (size > 1) expect(verifyInclusion((index + 1) % size, size, leaves[index]!, proof, roots[size]!)).toBe(false);
        // The size only shapes the path (index 0 of 9 and of 10 share one), so the root must bind it.
        if (size < N) expect(verifyInclusion(index, size + 1, leaves[index]!, proof, roots[size + 1]!)).toBe(false);
        expect(verifyInclusion(index, size, leaves[(index + 1) % N]!, proof, roots[size]!)).toBe(false);
        if (proof.length > 0) expect(verifyInclusion(index, size, leaves[index]!, proof.slice(1), roots[size]!)).toBe(false);
        expect(verifyInclusion(index, size, leaves[index]!, [...proof, roots[size]!], roots[size]!)).toBe(false);
      }),
      { numRuns: 300 }
    );
  });

  it('any flipped bit in an inclusion proof or root fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: N }), fc.nat(), fc.nat(), fc.nat(255), (size, ix, which, bit) => {
        const index = ix % size;
        const proof = tree.inclusionProof(index, size);
        expect(verifyInclusion(index, size, leaves[index]!, flipBit(proof, which % proof.length, bit), roots[size]!)).toBe(false);
        expect(verifyInclusion(index, size, leaves[index]!, proof, flipBit([roots[size]!], 0, bit)[0]!)).toBe(false);
        expect(verifyInclusion(index, size, flipBit([leaves[index]!], 0, bit)[0]!, proof, roots[size]!)).toBe(false);
      }),
      { numRuns: 300 }
    );
  });

  it('consistency proofs verify for random m < n, and any flipped bit fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: N }).chain((n) => fc.tuple(fc.integer({ min: 1, max: n - 1 }), fc.constant(n))), fc.nat(), fc.nat(255), ([m, n], which, bit) => {
        const proof = tree.consistencyProof(m, n);
        expect(verifyConsistency(m, n, proof, roots[m]!, roots[n]!)).toBe(true);
        expect(proof.map(toHex)).toEqual(consistencyProof(leaves, m, n).map(toHex));
        expect(verifyConsistency(m, n, flipBit(proof, which % proof.length, bit), roots[m]!, roots[n]!)).toBe(false);
        expect(verifyConsistency(m, n, proof, flipBit([roots[m]!], 0, bit)[0]!, roots[n]!)).toBe(false);
        expect(verifyConsistency(m, n, proof, roots[m]!, flipBit([roots[n]!], 0, bit)[0]!)).toBe(false);
        if (n < N) expect(verifyConsistency(m, n + 1, proof, roots[m]!, roots[n + 1]!)).toBe(false);
        if (m > 1) expect(verifyConsistency(m - 1, n, proof, roots[m - 1]!, roots[n]!)).toBe(false);
      }),
      { numRuns: 300 }
    );
  });

  it('consistency edge rules', () => {
    const r = roots;
    expect(verifyConsistency(5, 5, [], r[5]!, r[5]!)).toBe(true);
    expect(verifyConsistency(5, 5, [], r[5]!, r[6]!)).toBe(false);
    expect(verifyConsistency(5, 5, [r[1]!], r[5]!, r[5]!)).toBe(false);
    expect(verifyConsistency(6, 5, [], r[6]!, r[5]!)).toBe(false);
    expect(verifyConsistency(3, 5, [], r[3]!, r[5]!)).toBe(false);
    // Old size 0: tlog-witness accepts an empty proof from the empty tree, nothing else.
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, r[5]!)).toBe(true);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)).toBe(true);
    expect(verifyConsistency(0, 0, [], EMPTY_ROOT, r[1]!)).toBe(false);
    expect(verifyConsistency(0, 5, [r[1]!], EMPTY_ROOT, r[5]!)).toBe(false);
    expect(verifyConsistency(0, 5, [], r[1]!, r[5]!)).toBe(false);
    expect(verifyConsistency(0, 5, [], EMPTY_ROOT, r[5]!, { fromZero: 'reject' })).toBe(false);
    expect(tree.consistencyProof(0, 5)).toEqual([]);
    expect(tree.consistencyProof(5, 5)).toEqual([]);
  });

  it('rootFromInclusionProof draws every node at its tile coordinates', () => {
    for (const [index, size] of [[0, 1], [6, 7], [5, 7], [0, 8], [299, 300], [256, 300], [123, 300]] as const) {
      const proof = tree.inclusionProof(index, size);
      const path = rootFromInclusionProof(index, size, leaves[index]!, proof)!;
      expect(path.root).toEqual(roots[size]);
      expect(path.nodes.filter((x) => x.role === 'proof')).toHaveLength(proof.length);
      for (const node of path.nodes) {
        // Node (level L, index I) is the subtree over [I·2^L, min((I+1)·2^L, size)).
        const w = 2 ** node.level;
        const start = node.index * w;
        expect(start).toBeLessThan(size);
        expect(toHex(tree.subtreeHash(start, Math.min(start + w, size)))).toBe(toHex(node.hash));
      }
      expect(path.nodes.at(-1)?.hash ?? leaves[index]).toEqual(roots[size]);
    }
    expect(rootFromInclusionProof(3, 3, leaves[0]!, [])).toBeNull();
    expect(rootFromInclusionProof(0, 2, leaves[0]!, [])).toBeNull();
  });

  it('a 2^16+3-leaf flat tree gives correct proofs at the edges', () => {
    const n = 65_539;
    const flat = new Uint8Array(n * 32);
    for (let i = 0; i < n; i++) flat.set(leafHash(Uint8Array.of(i & 255, (i >> 8) & 255, i >> 16)), i * 32);
    const big = new MerkleTree(flat);
    const root = big.root();
    expect(root).toEqual(rootFromLeafHashes(flat));
    for (const i of [0, 1, 65_535, 65_536, 65_538]) expect(verifyInclusion(i, n, big.leafHash(i), big.inclusionProof(i), root)).toBe(true);
    for (const m of [1, 2, 65_536, 65_537]) expect(verifyConsistency(m, n, big.consistencyProof(m), big.root(m), root)).toBe(true);
  });
});
