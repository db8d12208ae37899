// The proof layout is checked against an independent RFC 6962 implementation written here from the
// RFC's recursive definitions (§2.1 MTH, §2.1.1 PATH), not from the code under test, and against
// the transparency-dev reference tree of 8 leaves whose roots are published in RFC 6962 test data.
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha2.js';
import { toHex } from '../../../src/lib/core/bytes';
import { layoutProof, levelOf, pathStructure } from '../../../src/lib/viz/proof-tree';
import { rootFromInclusionProof } from '../../../src/lib/core/merkle';

const leafHash = (d: Uint8Array) => sha256(new Uint8Array([0, ...d]));
const nodeHash = (l: Uint8Array, r: Uint8Array) => sha256(new Uint8Array([1, ...l, ...r]));

function k(n: number): number {
  let p = 1;
  while (p * 2 < n) p *= 2;
  return p;
}
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 0) return sha256(new Uint8Array());
  if (d.length === 1) return leafHash(d[0]!);
  const s = k(d.length);
  return nodeHash(mth(d.slice(0, s)), mth(d.slice(s)));
}
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}

// RFC 6962 test leaves used by transparency-dev/merkle (testdata): "", 00, 10, 2021, 3031, 40414243, ...
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(
  (h) => new Uint8Array((h.match(/../g) ?? []).map((x) => parseInt(x, 16)))
);

describe('proof tree layout', () => {
  it('reproduces the published RFC 6962 root of the 8-leaf reference tree', () => {
    expect(toHex(mth(LEAVES))).toBe('5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328');
  });

  it('folds every leaf of every tree up to 17 leaves to the signed root', () => {
    const data = Array.from({ length: 17 }, (_, i) => new Uint8Array([i, i * 7, 255 - i]));
    for (let n = 1; n <= 17; n++) {
      const d = data.slice(0, n);
      const root = toHex(mth(d));
      for (let m = 0; m < n; m++) {
        const p = path(m, d);
        const layout = layoutProof({ leafIndex: m, treeSize: n, leafHash: toHex(leafHash(d[m]!)), path: p.map((h) => ({ hash: toHex(h) })), root, nodeHash });
        expect(layout.computedRoot, `leaf ${m} of ${n}`).toBe(root);
        expect(layout.rootMatches).toBe(true);
        // every ancestor's hash equals MTH of the leaves it covers
        for (const node of layout.nodes) expect(node.hash, `${node.id} [${node.lo},${node.hi})`).toBe(toHex(mth(d.slice(node.lo, node.hi))));
        expect(layout.nodes.filter((x) => x.role === 'root')).toHaveLength(1);
        expect(layout.nodes.filter((x) => x.role === 'sibling')).toHaveLength(p.length);
      }
    }
  });

  it('detects a wrong sibling hash: the fold no longer reaches the root', () => {
    const root = toHex(mth(LEAVES));
    const p = path(5, LEAVES).map((h) => ({ hash: toHex(h) }));
    p[1] = { hash: 'ff'.repeat(32) };
    const layout = layoutProof({ leafIndex: 5, treeSize: 8, leafHash: toHex(leafHash(LEAVES[5]!)), path: p, root, nodeHash });
    expect(layout.rootMatches).toBe(false);
    expect(layout.computedRoot).not.toBe(root);
  });

  it('names subtrees by (level, index) and sides as RFC 6962 splits them', () => {
    // tree of 7, leaf 6: siblings are [4,6) on the left (level 1, index 2) then [0,4) on the left.
    const s = pathStructure(6, 7);
    expect(s.siblings).toEqual([
      { lo: 4, hi: 6, side: 'left', level: 1, index: 2 },
      { lo: 0, hi: 4, side: 'left', level: 2, index: 0 }
    ]);
    expect(s.chain).toEqual([
      { lo: 6, hi: 7, level: 0, index: 6 },
      { lo: 4, hi: 7, level: 2, index: 1 },
      { lo: 0, hi: 7, level: 3, index: 0 }
    ]);
    // tree of 7, leaf 0: leaf 1, then [2,4), then the partial right subtree [4,7) at level 2 index 1
    const t = pathStructure(0, 7);
    expect(t.siblings.map((x) => x.side)).toEqual(['right', 'right', 'right']);
    const d = Array.from({ length: 7 }, (_, i) => new Uint8Array([i]));
    const layout = layoutProof({
      leafIndex: 0,
      treeSize: 7,
      leafHash: toHex(leafHash(d[0]!)),
      path: path(0, d).map((h) => ({ hash: toHex(h) })),
      root: toHex(mth(d)),
      nodeHash
    });
    expect(layout.nodes.filter((n) => n.role === 'sibling').map((n) => [n.level, n.index])).toEqual([
      [0, 1],
      [1, 1],
      [2, 1]
    ]);
    expect(layout.nodes.find((n) => n.role === 'root')!.level).toBe(3);
    expect(levelOf(1)).toBe(0);
    expect(levelOf(3)).toBe(2);
    expect(levelOf(8)).toBe(3);
  });

  it('uses the same tile coordinates as core/merkle rootFromInclusionProof for every node', () => {
    const data = Array.from({ length: 33 }, (_, i) => new Uint8Array([i, 3 * i]));
    for (let n = 1; n <= 33; n++) {
      const d = data.slice(0, n);
      for (let m = 0; m < n; m++) {
        const p = path(m, d);
        const core = rootFromInclusionProof(m, n, leafHash(d[m]!), p)!;
        const layout = layoutProof({ leafIndex: m, treeSize: n, leafHash: toHex(leafHash(d[m]!)), path: p.map((h) => ({ hash: toHex(h) })), root: toHex(mth(d)), nodeHash });
        const coreProof = core.nodes.filter((x) => x.role === 'proof').map((x) => [x.level, x.index, toHex(x.hash)]);
        const ours = layout.nodes.filter((x) => x.role === 'sibling').map((x) => [x.level, x.index, x.hash]);
        expect(ours, `siblings, leaf ${m} of ${n}`).toEqual(coreProof);
        const coreUp = core.nodes.filter((x) => x.role !== 'proof').map((x) => [x.level, x.index, toHex(x.hash)]);
        const oursUp = layout.nodes.filter((x) => x.role !== 'sibling').map((x) => [x.level, x.index, x.hash]);
        expect(oursUp, `leaf and ancestors, leaf ${m} of ${n}`).toEqual(coreUp);
      }
    }
  });

  it('reports a core path whose coordinates disagree with the structure', () => {
    const d = LEAVES;
    const p = path(2, d).map((h) => ({ hash: toHex(h), level: 0, index: 3, side: 'right' as const }));
    const layout = layoutProof({ leafIndex: 2, treeSize: 8, leafHash: toHex(leafHash(d[2]!)), path: p, root: toHex(mth(d)), nodeHash });
    expect(layout.rootMatches).toBe(true);
    expect(layout.problems.length).toBeGreaterThan(0);
    expect(layout.problems.some((x) => x.startsWith('path[1]'))).toBe(true);
    expect(layout.problems.some((x) => x.startsWith('path[0]'))).toBe(false);
  });

  it('draws the leaf at the bottom, the root at the top and siblings on their side', () => {
    const layout = layoutProof({ leafIndex: 3, treeSize: 8, leafHash: toHex(leafHash(LEAVES[3]!)), path: path(3, LEAVES).map((h) => ({ hash: toHex(h) })), root: toHex(mth(LEAVES)), nodeHash });
    const leaf = layout.nodes.find((n) => n.role === 'leaf')!;
    const root = layout.nodes.find((n) => n.role === 'root')!;
    expect(leaf.y).toBeGreaterThan(root.y);
    expect(leaf.y).toBeLessThanOrEqual(layout.height);
    expect(root.y).toBeGreaterThanOrEqual(0);
    for (const s of layout.nodes.filter((n) => n.role === 'sibling')) {
      expect(s.side === 'left' ? s.x < leaf.x : s.x > leaf.x).toBe(true);
    }
    expect(layout.edges).toHaveLength(6);
  });

  it('a one-leaf tree: the leaf is the root, no siblings', () => {
    const h = toHex(leafHash(LEAVES[1]!));
    const layout = layoutProof({ leafIndex: 0, treeSize: 1, leafHash: h, path: [], root: h, nodeHash });
    expect(layout.nodes).toHaveLength(1);
    expect(layout.nodes[0]!.role).toBe('root');
    expect(layout.rootMatches).toBe(true);
  });

  it('rejects misuse: index outside the tree, wrong path length, malformed hash', () => {
    const h = toHex(leafHash(LEAVES[1]!));
    expect(() => layoutProof({ leafIndex: 8, treeSize: 8, leafHash: h, path: [], root: h, nodeHash })).toThrow(RangeError);
    expect(() => layoutProof({ leafIndex: 0, treeSize: 8, leafHash: h, path: [], root: h, nodeHash })).toThrow(RangeError);
    expect(() => layoutProof({ leafIndex: 0, treeSize: 1, leafHash: 'zz', path: [], root: h, nodeHash })).toThrow(TypeError);
  });
});
