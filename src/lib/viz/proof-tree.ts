// Layout of one Merkle inclusion proof (RFC 6962 §2.1.1 PATH(m, D[n]); RFC 9162 §2.1.3): the chain
// of subtrees from the leaf up to the root, with the sibling hashed in at each step.
//
// The structure is derived from (leafIndex, treeSize) alone, exactly as RFC 6962 defines the path:
// for a tree over leaves [lo, hi) with k the largest power of two < hi − lo, the leaf lies in
// [lo, lo+k) or [lo+k, hi) and the other half is the sibling. Each subtree is also named by the
// tile coordinates core/merkle.ts rootFromInclusionProof() reports: a sibling from a split at k sits
// at level log2(k), index lo / k (an incomplete right-edge subtree is drawn at the level where it
// meets the running hash); an interior node that splits at k sits at level log2(k) + 1, index
// lo / 2k; a leaf is (0, leaf index); so the root is (ceil(log2(size)), 0). The ancestor
// hashes are recomputed here from the leaf and siblings with the injected node hash, so the drawing
// shows the fold the verifier performs and whether it reaches the signed root.

import { fromHex, toHex } from '../core/bytes';

export type Side = 'left' | 'right';

export interface PathEntry {
  hash: string;
  level?: number;
  index?: number;
  side?: Side;
}

export interface ProofInput {
  leafIndex: number;
  treeSize: number;
  /** Hex SHA-256 of 0x00 || entry. */
  leafHash: string;
  /** Sibling hashes, leaf's sibling first (the order of a tlog-proof). */
  path: readonly PathEntry[];
  /** The root the checkpoint signs, hex. */
  root: string;
  /** RFC 6962 interior node hash: SHA-256(0x01 || left || right). */
  nodeHash: (left: Uint8Array, right: Uint8Array) => Uint8Array;
}

export type NodeRole = 'leaf' | 'ancestor' | 'root' | 'sibling';

export interface ProofNode {
  id: string;
  role: NodeRole;
  /** Leaves covered: [lo, hi). */
  lo: number;
  hi: number;
  level: number;
  index: number;
  hash: string;
  /** For siblings: which side of the running hash it is concatenated on. */
  side: Side | null;
  /** 0 = leaf row, path.length = root row. */
  step: number;
  x: number;
  y: number;
}

export interface ProofEdge {
  from: string;
  to: string;
}

export interface ProofLayout {
  nodes: ProofNode[];
  edges: ProofEdge[];
  computedRoot: string;
  rootMatches: boolean;
  /** Disagreements between the supplied (level, index, side) and the RFC 6962 structure. */
  problems: string[];
  width: number;
  height: number;
}

interface Range {
  lo: number;
  hi: number;
  /** Tile coordinates (see the header). */
  level: number;
  index: number;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export function levelOf(width: number): number {
  let level = 0;
  while (2 ** level < width) level++;
  return level;
}

/** RFC 6962 PATH(m, D[lo:hi]) as ranges: the siblings (leaf's first) and the ancestors (leaf first, root last). */
export function pathStructure(leafIndex: number, treeSize: number): { siblings: (Range & { side: Side })[]; chain: Range[] } {
  if (!Number.isSafeInteger(treeSize) || treeSize < 1) throw new RangeError(`tree size ${treeSize} must be a positive integer`);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
    throw new RangeError(`leaf index ${leafIndex} is outside a tree of size ${treeSize}`);
  }
  const siblings: (Range & { side: Side })[] = [];
  const chain: Range[] = [];
  let lo = 0;
  let hi = treeSize;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    const level = Math.log2(k);
    // An interior node sits one level above the halves it joins.
    chain.push({ lo, hi, level: level + 1, index: lo / (2 * k) });
    if (leafIndex < lo + k) {
      siblings.push({ lo: lo + k, hi, side: 'right', level, index: (lo + k) / k });
      hi = lo + k;
    } else {
      siblings.push({ lo, hi: lo + k, side: 'left', level, index: lo / k });
      lo = lo + k;
    }
  }
  chain.push({ lo, hi, level: 0, index: lo });
  // Collected root-first; a proof lists them leaf-first.
  return { siblings: siblings.reverse(), chain: chain.reverse() };
}

export interface LayoutOptions {
  /** Vertical distance between rows and horizontal offset of a sibling from the spine. */
  rowGap?: number;
  siblingGap?: number;
  padding?: number;
}

function requireHash(hex: string, what: string): Uint8Array {
  const b = fromHex(hex);
  if (!b || b.length !== 32) throw new TypeError(`${what} is not a 32-byte hex hash`);
  return b;
}

export function layoutProof(input: ProofInput, opts: LayoutOptions = {}): ProofLayout {
  const rowGap = opts.rowGap ?? 56;
  const siblingGap = opts.siblingGap ?? 120;
  const pad = opts.padding ?? 28;
  const { siblings, chain } = pathStructure(input.leafIndex, input.treeSize);
  if (input.path.length !== siblings.length) {
    throw new RangeError(`a proof for leaf ${input.leafIndex} of ${input.treeSize} has ${siblings.length} hashes, got ${input.path.length}`);
  }
  const problems: string[] = [];
  const rows = siblings.length;
  const height = pad * 2 + rows * rowGap;
  const width = pad * 2 + siblingGap * 2;
  const spineX = width / 2;
  const yOf = (step: number) => height - pad - step * rowGap;
  const nodes: ProofNode[] = [];
  const edges: ProofEdge[] = [];

  let running = requireHash(input.leafHash, 'leaf hash');
  const node = (r: Range, role: NodeRole, hash: Uint8Array, step: number, side: Side | null, x: number): ProofNode => ({
    id: `${role === 'sibling' ? 's' : 'a'}${step}`,
    role,
    lo: r.lo,
    hi: r.hi,
    level: r.level,
    index: r.index,
    hash: toHex(hash),
    side,
    step,
    x,
    y: yOf(step)
  });
  nodes.push(node(chain[0]!, rows === 0 ? 'root' : 'leaf', running, 0, null, spineX));

  siblings.forEach((s, i) => {
    const given = input.path[i]!;
    const sib = requireHash(given.hash, `path hash ${i}`);
    const sibNode = node(s, 'sibling', sib, i, s.side, s.side === 'left' ? spineX - siblingGap : spineX + siblingGap);
    if (given.side !== undefined && given.side !== s.side) problems.push(`path[${i}] says side ${given.side}, RFC 6962 puts it on the ${s.side}`);
    if (given.level !== undefined && given.level !== sibNode.level) problems.push(`path[${i}] says level ${given.level}, expected ${sibNode.level}`);
    if (given.index !== undefined && given.index !== sibNode.index) problems.push(`path[${i}] says index ${given.index}, expected ${sibNode.index}`);
    nodes.push(sibNode);
    running = s.side === 'left' ? input.nodeHash(sib, running) : input.nodeHash(running, sib);
    const step = i + 1;
    const parent = node(chain[step]!, step === rows ? 'root' : 'ancestor', running, step, null, spineX);
    nodes.push(parent);
    edges.push({ from: `a${i}`, to: parent.id }, { from: sibNode.id, to: parent.id });
  });

  const computedRoot = toHex(running);
  const root = toHex(requireHash(input.root, 'root'));
  return { nodes, edges, computedRoot, rootMatches: computedRoot === root, problems, width, height };
}
