// transparency-dev/merkle probes (tests/vectors/transparency-dev-merkle/README.md): every inclusion
// and consistency probe, plus the RFC 6962 reference tree (roots 0..8, node hashes, proofs).
import { describe, expect, it } from 'vitest';
import { b64, hex, jsonFilesUnder, readJson } from './load';
import {
  EMPTY_ROOT,
  MerkleTree,
  consistencyProof,
  inclusionProof,
  leafHash,
  nodeHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion
} from '../../src/lib/core/merkle';
import { toHex } from '../../src/lib/core/bytes';

interface InclusionProbe { leafIdx: number; treeSize: number; root: string | null; leafHash: string | null; proof: string[] | null; desc: string; wantErr: boolean }
interface ConsistencyProbe { size1: number; size2: number; root1: string | null; root2: string | null; proof: string[] | null; desc: string; wantErr: boolean }

const bytesOrEmpty = (s: string | null): Uint8Array => (s ? b64(s) : new Uint8Array(0));

const inclusion = jsonFilesUnder<InclusionProbe>('transparency-dev-merkle', 'inclusion');
const consistency = jsonFilesUnder<ConsistencyProbe>('transparency-dev-merkle', 'consistency');

describe('transparency-dev/merkle inclusion probes', () => {
  it('has the expected number of probes', () => {
    expect(inclusion.length + consistency.length).toBe(196);
  });
  it.each(inclusion)('%s', (_name, p) => {
    const ok = verifyInclusion(p.leafIdx, p.treeSize, bytesOrEmpty(p.leafHash), (p.proof ?? []).map(b64), bytesOrEmpty(p.root));
    expect(ok).toBe(!p.wantErr);
  });
});

describe('transparency-dev/merkle consistency probes (fromZero: reject, their convention)', () => {
  it.each(consistency)('%s', (_name, p) => {
    const ok = verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), bytesOrEmpty(p.root1), bytesOrEmpty(p.root2), { fromZero: 'reject' });
    expect(ok).toBe(!p.wantErr);
  });
  it('the default (tlog-witness) rule also matches every probe: its size-0 probes all use placeholder or mismatched roots', () => {
    for (const [name, p] of consistency) {
      const ok = verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), bytesOrEmpty(p.root1), bytesOrEmpty(p.root2));
      expect(ok, name).toBe(!p.wantErr);
    }
  });

});

interface Reference {
  hasherVectors: { desc: string; want: string; leafHex?: string; leftHex?: string; rightHex?: string }[];
  leafInputs: string[];
  rootHashesBySize: string[];
  nodeHashesByLevel: unknown;
  inclusionProofs: { leafIndex: number; treeSize: number; proof: string[] }[];
  consistencyProofs: { size1: number; size2: number; proof: string[] }[];
}
const ref = readJson<Reference>('transparency-dev-merkle', 'rfc6962-reference.json');

describe('RFC 6962 reference tree', () => {
  const leaves = ref.leafInputs.map((h) => leafHash(hex(h)));
  const tree = new MerkleTree(leaves);
  it('hasher vectors', () => {
    for (const v of ref.hasherVectors) {
      if (v.leafHex !== undefined) expect(toHex(leafHash(hex(v.leafHex)))).toBe(v.want);
      else if (v.leftHex !== undefined) expect(toHex(nodeHash(hex(v.leftHex), hex(v.rightHex!)))).toBe(v.want);
      else expect(toHex(EMPTY_ROOT)).toBe(v.want);
    }
    expect(ref.hasherVectors.length).toBeGreaterThanOrEqual(4);
  });
  it('roots for every size 0..8 (one-shot, cached tree, compact range)', () => {
    expect(ref.rootHashesBySize).toHaveLength(9);
    ref.rootHashesBySize.forEach((want, n) => {
      expect(toHex(rootFromLeafHashes(leaves.slice(0, n)))).toBe(want);
      expect(toHex(tree.root(n))).toBe(want);
    });
  });
  it('inclusion proofs are generated exactly and verify', () => {
    expect(ref.inclusionProofs.length).toBe(5);
    for (const p of ref.inclusionProofs) {
      const got = inclusionProof(leaves, p.leafIndex, p.treeSize).map(toHex);
      expect(got).toEqual(p.proof);
      expect(tree.inclusionProof(p.leafIndex, p.treeSize).map(toHex)).toEqual(p.proof);
      const root = hex(ref.rootHashesBySize[p.treeSize]!);
      expect(verifyInclusion(p.leafIndex, p.treeSize, leaves[p.leafIndex]!, p.proof.map(hex), root)).toBe(true);
    }
  });
  it('consistency proofs are generated exactly and verify', () => {
    expect(ref.consistencyProofs.length).toBe(5);
    for (const p of ref.consistencyProofs) {
      expect(consistencyProof(leaves, p.size1, p.size2).map(toHex)).toEqual(p.proof);
      const r1 = hex(ref.rootHashesBySize[p.size1]!);
      const r2 = hex(ref.rootHashesBySize[p.size2]!);
      expect(verifyConsistency(p.size1, p.size2, p.proof.map(hex), r1, r2)).toBe(true);
    }
  });
  it('node hashes by level', () => {
    const levels = ref.nodeHashesByLevel as string[][];
    expect(levels.length).toBe(4);
    levels.forEach((hashes, level) => {
      const w = 2 ** level;
      expect(hashes).toHaveLength(Math.ceil(8 / w));
      hashes.forEach((h, i) => expect(toHex(tree.subtreeHash(i * w, Math.min((i + 1) * w, 8)))).toBe(h));
    });
  });
});
