// RFC 6962 / RFC 9162 Merkle tree over SHA-256 (BUNDLE_FORMAT.md §5; tlog-formats.md §2).
// Every event line is one log entry; a verifier always computes leaf hashes itself from the entry
// bytes (STYLE.md 7). Node positions use tlog-tiles coordinates: node (level L, index I) covers the
// leaves [I·2^L, min((I+1)·2^L, size)).

import { bytesEqual } from './bytes';
import { sha256 } from './hash';
import { sha256RangeInto } from './sha256-oneshot';

/** MTH({}) = SHA-256("") (RFC 9162 §2.1.1). */
export const EMPTY_ROOT: Uint8Array = sha256(new Uint8Array(0));

const HASH = 32;

/** Leaf hash SHA-256(0x00 || entry) (RFC 9162 §2.1.1). */
export function leafHash(entry: Uint8Array): Uint8Array {
  const buf = new Uint8Array(entry.length + 1);
  buf.set(entry, 1);
  return sha256(buf);
}

const scratch = new Uint8Array(1 + 2 * HASH);
scratch[0] = 1;

/** Interior node hash SHA-256(0x01 || left || right) (RFC 9162 §2.1.1). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length === HASH && right.length === HASH) {
    scratch.set(left, 1);
    scratch.set(right, 1 + HASH);
    return sha256(scratch);
  }
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** nodeHash of the two adjacent hashes at b[offset, offset + 64) (a tree level stored flat), without views. */
export function nodeHashAt(b: Uint8Array, offset: number): Uint8Array {
  for (let i = 0; i < 2 * HASH; i++) scratch[1 + i] = b[offset + i]!;
  return sha256(scratch);
}

/**
 * nodeHashAt written to out[at, at + 32) with the pure one-shot SHA-256 (the same function as any
 * backend's) and no result array: for trees rebuilt level by level in place (issue 7, the replay's
 * state root).
 */
export function nodeHashInto(b: Uint8Array, offset: number, out: Uint8Array, at: number): void {
  for (let i = 0; i < 2 * HASH; i++) scratch[1 + i] = b[offset + i]!;
  sha256RangeInto(scratch, 0, scratch.length, out, at);
}

/** Largest power of two strictly below n (n ≥ 2): the split point k of RFC 9162 §2.1.1. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a non-negative safe integer, got ${n}`);
}

/**
 * Compact range [0, size): the roots of the perfect subtrees that make up the tree so far, left to
 * right (at most log2(size)+1 hashes). `append` is amortised O(1) hashes; `root` is O(log n). The
 * streaming verifier uses it to compute the log root at every checkpoint in bounded memory.
 */
export class CompactRange {
  #hashes: Uint8Array[] = [];
  #heights: number[] = [];
  #size = 0;
  readonly #keepHeight: number;
  readonly #keep: ((node: Uint8Array) => void) | null;

  /**
   * `keep`, if given, is called with every perfect subtree hash of height `keepHeight` (≥ 1) as it
   * is formed, left to right: the hashes of the complete blocks of 2^keepHeight leaves, at no extra
   * hashing (EventIndex keeps them for proofs after the run instead of every leaf hash).
   */
  constructor(keepHeight = 0, keep: ((node: Uint8Array) => void) | null = null) {
    if (keep !== null && !(Number.isSafeInteger(keepHeight) && keepHeight >= 1)) throw new RangeError(`keepHeight must be a positive integer, got ${keepHeight}`);
    this.#keepHeight = keep === null ? -1 : keepHeight;
    this.#keep = keep;
  }

  get size(): number {
    return this.#size;
  }

  append(leaf: Uint8Array): void {
    if (leaf.length !== HASH) throw new TypeError('CompactRange.append takes a 32-byte leaf hash');
    let h = leaf;
    let height = 0;
    while (this.#heights.length > 0 && this.#heights[this.#heights.length - 1] === height) {
      h = nodeHash(this.#hashes.pop()!, h);
      this.#heights.pop();
      height++;
      if (height === this.#keepHeight) this.#keep!(h);
    }
    this.#hashes.push(h);
    this.#heights.push(height);
    this.#size++;
  }

  /** MTH of the leaves appended so far; EMPTY_ROOT for none. */
  root(): Uint8Array {
    const n = this.#hashes.length;
    if (n === 0) return EMPTY_ROOT;
    let r = this.#hashes[n - 1]!;
    for (let i = n - 2; i >= 0; i--) r = nodeHash(this.#hashes[i]!, r);
    return r;
  }

  /** The perfect-subtree roots, left to right (a copy). */
  nodes(): Uint8Array[] {
    return this.#hashes.slice();
  }

  /**
   * MTH of the leaves after the last complete block of 2^height: D[size - size mod 2^height : size],
   * folded from the subtrees lower than `height`; null when size is a multiple of 2^height.
   */
  tail(height: number): Uint8Array | null {
    let i = this.#hashes.length - 1;
    if (i < 0 || this.#heights[i]! >= height) return null;
    let r = this.#hashes[i]!;
    for (i--; i >= 0 && this.#heights[i]! < height; i--) r = nodeHash(this.#hashes[i]!, r);
    return r;
  }
}

/** Leaf hashes as an array of 32-byte hashes or one flat buffer of 32-byte hashes. */
export type LeafHashes = Uint8Array[] | Uint8Array;

function toFlat(leaves: LeafHashes): Uint8Array {
  if (leaves instanceof Uint8Array) {
    if (leaves.length % HASH !== 0) throw new RangeError('flat leaf-hash buffer length must be a multiple of 32');
    return leaves;
  }
  const out = new Uint8Array(leaves.length * HASH);
  leaves.forEach((h, i) => {
    if (h.length !== HASH) throw new TypeError(`leaf hash ${i} is not 32 bytes`);
    out.set(h, i * HASH);
  });
  return out;
}

/** MTH(D[0:n]) of the given leaf hashes (RFC 9162 §2.1.1), in O(n) time and O(log n) memory. */
export function rootFromLeafHashes(leaves: LeafHashes): Uint8Array {
  const cr = new CompactRange();
  if (leaves instanceof Uint8Array) {
    const flat = toFlat(leaves);
    for (let o = 0; o < flat.length; o += HASH) cr.append(flat.subarray(o, o + HASH));
  } else for (const h of leaves) cr.append(h);
  return cr.root();
}

/**
 * A Merkle tree that caches every level of perfect subtrees (about 2× the leaf-hash bytes), so that
 * roots at any earlier size and inclusion / consistency proofs cost O(log² n) hashes after the
 * O(n) build. 1M leaves = 32 MiB of leaf hashes + 32 MiB of cached levels.
 */
export class MerkleTree {
  readonly #levels: Uint8Array[];
  readonly size: number;

  constructor(leaves: LeafHashes) {
    const flat = toFlat(leaves);
    this.size = flat.length / HASH;
    this.#levels = [flat];
    let below = flat;
    while (below.length >= 2 * HASH) {
      const count = Math.floor(below.length / (2 * HASH));
      const level = new Uint8Array(count * HASH);
      for (let i = 0; i < count; i++) {
        const o = 2 * i * HASH;
        level.set(nodeHash(below.subarray(o, o + HASH), below.subarray(o + HASH, o + 2 * HASH)), i * HASH);
      }
      this.#levels.push(level);
      below = level;
    }
  }

  leafHash(index: number): Uint8Array {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.size) throw new RangeError(`leaf index ${index} out of range [0, ${this.size})`);
    return this.#levels[0]!.slice(index * HASH, (index + 1) * HASH);
  }

  /** MTH(D[start:end]) by the definition in RFC 9162 §2.1.1, reading perfect aligned subtrees from the cache. */
  subtreeHash(start: number, end: number): Uint8Array {
    if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && 0 <= start && start <= end && end <= this.size)) {
      throw new RangeError(`bad subtree range [${start}, ${end}) for size ${this.size}`);
    }
    const w = end - start;
    if (w === 0) return EMPTY_ROOT;
    if ((w & (w - 1)) === 0 && start % w === 0) {
      const level = Math.log2(w);
      const o = (start / w) * HASH;
      return this.#levels[level]!.slice(o, o + HASH);
    }
    const k = splitPoint(w);
    return nodeHash(this.subtreeHash(start, start + k), this.subtreeHash(start + k, end));
  }

  /** Root of the tree over the first `size` leaves. */
  root(size: number = this.size): Uint8Array {
    return this.subtreeHash(0, size);
  }

  /** PATH(m, D[0:n]) of RFC 9162 §2.1.3.1: leaf sibling first. */
  inclusionProof(index: number, size: number = this.size): Uint8Array[] {
    checkSize(size, 'tree size');
    if (size > this.size) throw new RangeError(`tree size ${size} exceeds ${this.size} leaves`);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} out of range [0, ${size})`);
    return inclusionPath((a, b) => this.subtreeHash(a, b), index, size);
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) of RFC 9162 §2.1.4.1; empty for m = 0 or m = n. */
  consistencyProof(m: number, n: number = this.size): Uint8Array[] {
    checkSize(m, 'old size');
    checkSize(n, 'new size');
    if (n > this.size || m > n) throw new RangeError(`bad consistency sizes ${m} -> ${n} for ${this.size} leaves`);
    return consistencyPath((a, b) => this.subtreeHash(a, b), m, n);
  }
}

/** MTH(D[start:end]) of some tree. */
type SubtreeHash = (start: number, end: number) => Uint8Array;

/** PATH(m, D[0:n]) of RFC 9162 §2.1.3.1 over any subtree hasher (arguments checked by the caller). */
function inclusionPath(hash: SubtreeHash, index: number, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const path = (m: number, start: number, end: number): void => {
    const n = end - start;
    if (n <= 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, start + k);
      out.push(hash(start + k, end));
    } else {
      path(m - k, start + k, end);
      out.push(hash(start, start + k));
    }
  };
  path(index, 0, size);
  return out;
}

/** PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1 over any subtree hasher (arguments checked by the caller). */
function consistencyPath(hash: SubtreeHash, m: number, n: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  if (m === 0 || m === n) return out;
  const sub = (m2: number, start: number, end: number, whole: boolean): void => {
    const size = end - start;
    if (m2 === size) {
      if (!whole) out.push(hash(start, end));
      return;
    }
    const k = splitPoint(size);
    if (m2 <= k) {
      sub(m2, start, start + k, whole);
      out.push(hash(start + k, end));
    } else {
      sub(m2 - k, start + k, end, false);
      out.push(hash(start, start + k));
    }
  };
  sub(m, 0, n, true);
  return out;
}

/** Flat leaf hashes of block b, D[b·2^bits : min((b+1)·2^bits, size)], or null when not at hand. */
export type BlockLeaves = (block: number) => Uint8Array | null;

/**
 * A Merkle tree of `size` leaves that keeps only the hashes of its complete blocks of 2^bits leaves
 * (1/2^bits of the leaf hashes: 0.5 MiB at 1M leaves for bits = 6), and the MTH of some partial
 * last blocks (`tails`: n → MTH(D[n − n mod 2^bits : n]), e.g. at each checkpoint size). Roots and
 * proofs equal MerkleTree's over all the leaves. Whatever they need below the block level comes
 * from the leaves of a few blocks, which the caller reads and checks first: `blocksFor*` names them
 * (EventIndex re-reads their entries from the bundle and checks them against the block hashes).
 */
export class BlockTree {
  readonly size: number;
  readonly bits: number;
  /** [0]: the complete blocks' hashes; [i]: the complete nodes of level bits + i, built on first use. */
  readonly #levels: Uint8Array[];
  readonly #tails: ReadonlyMap<number, Uint8Array>;
  /** The current call's block leaves (null: only list the blocks it needs, into #missing). */
  #leaves: BlockLeaves | null = null;
  readonly #missing = new Set<number>();
  readonly #inner = new Map<number, MerkleTree>();

  constructor(bits: number, blocks: Uint8Array, size: number, tails: ReadonlyMap<number, Uint8Array> = new Map()) {
    checkSize(size, 'tree size');
    if (!(Number.isSafeInteger(bits) && bits >= 1 && bits <= 30)) throw new RangeError(`block bits must be in [1, 30], got ${bits}`);
    if (blocks.length !== Math.floor(size / 2 ** bits) * HASH) throw new RangeError(`${size} leaves make ${Math.floor(size / 2 ** bits)} complete blocks, got ${blocks.length / HASH}`);
    this.size = size;
    this.bits = bits;
    this.#levels = [blocks];
    this.#tails = tails;
  }

  /** Root of the tree over the first `size` leaves. */
  root(size: number, leaves: BlockLeaves): Uint8Array {
    checkSize(size, 'tree size');
    if (size > this.size) throw new RangeError(`tree size ${size} exceeds ${this.size} leaves`);
    return this.#run(leaves, () => this.#hash(0, size));
  }

  /** MerkleTree.inclusionProof: PATH(index, D[0:size]) of RFC 9162 §2.1.3.1, leaf sibling first. */
  inclusionProof(index: number, size: number, leaves: BlockLeaves): Uint8Array[] {
    checkSize(size, 'tree size');
    if (size > this.size) throw new RangeError(`tree size ${size} exceeds ${this.size} leaves`);
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) throw new RangeError(`leaf index ${index} out of range [0, ${size})`);
    return this.#run(leaves, () => inclusionPath((a, b) => this.#hash(a, b), index, size));
  }

  /** MerkleTree.consistencyProof: PROOF(m, D[0:n]) of RFC 9162 §2.1.4.1; empty for m = 0 or m = n. */
  consistencyProof(m: number, n: number, leaves: BlockLeaves): Uint8Array[] {
    checkSize(m, 'old size');
    checkSize(n, 'new size');
    if (n > this.size || m > n) throw new RangeError(`bad consistency sizes ${m} -> ${n} for ${this.size} leaves`);
    return this.#run(leaves, () => consistencyPath((a, b) => this.#hash(a, b), m, n));
  }

  /** The blocks whose leaves root(size) needs, ascending. */
  blocksForRoot(size: number): number[] {
    return this.#needs(() => this.root(size, NONE));
  }

  /** The blocks whose leaves inclusionProof(index, size) needs, ascending. */
  blocksForInclusion(index: number, size: number): number[] {
    return this.#needs(() => this.inclusionProof(index, size, NONE));
  }

  /** The blocks whose leaves consistencyProof(m, n) needs, ascending. */
  blocksForConsistency(m: number, n: number): number[] {
    return this.#needs(() => this.consistencyProof(m, n, NONE));
  }

  #needs(f: () => unknown): number[] {
    this.#missing.clear();
    f();
    const out = [...this.#missing].sort((a, b) => a - b);
    this.#missing.clear();
    return out;
  }

  #run<T>(leaves: BlockLeaves, f: () => T): T {
    this.#leaves = leaves === NONE ? null : leaves;
    this.#inner.clear();
    try {
      return f();
    } finally {
      this.#leaves = null;
      this.#inner.clear();
    }
  }

  /** MTH(D[start:end]) (RFC 9162 §2.1.1) from block hashes, tails and the given blocks' leaves. */
  #hash(start: number, end: number): Uint8Array {
    const w = end - start;
    if (w === 0) return EMPTY_ROOT;
    const bs = 2 ** this.bits;
    const b = Math.floor(start / bs);
    const first = b * bs;
    if (end <= first + bs) {
      // Within one block: the block's hash, a known tail, or its leaves.
      if (w === bs) return this.#node(0, b);
      if (start === first) {
        const t = this.#tails.get(end);
        if (t !== undefined) return t.slice();
      }
      const inner = this.#block(b);
      return inner === null ? EMPTY_ROOT : inner.subtreeHash(start - first, end - first);
    }
    if ((w & (w - 1)) === 0 && start % w === 0) return this.#node(Math.log2(w) - this.bits, start / w);
    const k = splitPoint(w);
    return nodeHash(this.#hash(start, start + k), this.#hash(start + k, end));
  }

  /** Complete node `index` of level bits + `level`. */
  #node(level: number, index: number): Uint8Array {
    while (this.#levels.length <= level) {
      const below = this.#levels[this.#levels.length - 1]!;
      const count = Math.floor(below.length / (2 * HASH));
      const next = new Uint8Array(count * HASH);
      for (let i = 0; i < count; i++) next.set(nodeHashAt(below, 2 * i * HASH), i * HASH);
      this.#levels.push(next);
    }
    return this.#levels[level]!.slice(index * HASH, (index + 1) * HASH);
  }

  /** A tree over block b's leaves (null while only listing the blocks needed). */
  #block(b: number): MerkleTree | null {
    let t = this.#inner.get(b);
    if (t !== undefined) return t;
    const leaves = this.#leaves === null ? null : this.#leaves(b);
    if (leaves === null) {
      if (this.#leaves === null) {
        this.#missing.add(b);
        return null;
      }
      throw new RangeError(`the leaf hashes of block ${b} were not given`);
    }
    const bs = 2 ** this.bits;
    const count = Math.min(bs, this.size - b * bs);
    if (leaves.length !== count * HASH) throw new RangeError(`block ${b} has ${count} leaves, got ${leaves.length / HASH}`);
    t = new MerkleTree(leaves);
    this.#inner.set(b, t);
    return t;
  }
}

/** The BlockLeaves of a listing pass (BlockTree.blocksFor*). */
const NONE: BlockLeaves = () => null;

/** Leaves given as an array, a flat buffer, or a getter of leaf hashes. */
export type LeafSource = LeafHashes | ((index: number) => Uint8Array);

function treeOver(source: LeafSource, size: number): MerkleTree {
  checkSize(size, 'tree size');
  if (typeof source === 'function') {
    const flat = new Uint8Array(size * HASH);
    for (let i = 0; i < size; i++) flat.set(source(i), i * HASH);
    return new MerkleTree(flat);
  }
  if (source instanceof Uint8Array) return new MerkleTree(toFlat(source).subarray(0, size * HASH));
  return new MerkleTree(source.slice(0, size));
}

/** One-shot inclusion proof for leaf `index` in the tree of the first `size` leaves: O(n). */
export function inclusionProof(source: LeafSource, index: number, size: number): Uint8Array[] {
  return treeOver(source, size).inclusionProof(index, size);
}

/** One-shot consistency proof between sizes m ≤ n: O(n). */
export function consistencyProof(source: LeafSource, m: number, n: number): Uint8Array[] {
  return treeOver(source, n).consistencyProof(m, n);
}

// ---------------------------------------------------------------------------------------------
// Verification (RFC 9162 §2.1.3.2 and §2.1.4.2). Bad data returns false / null, never throws.

/** One node on a drawn inclusion path: a proof hash or a hash computed from the leaf upwards. */
export interface PathNode {
  level: number;
  index: number;
  hash: Uint8Array;
  role: 'leaf' | 'proof' | 'computed';
}

export interface InclusionPath {
  /** The computed root (compare it with the checkpoint's root). */
  root: Uint8Array;
  /** Leaf, every proof hash and every computed node, bottom to top, with tile coordinates. */
  nodes: PathNode[];
}

function isHashList(proof: readonly Uint8Array[]): boolean {
  return proof.every((p) => p instanceof Uint8Array && p.length === HASH);
}

/**
 * Recompute the root from an inclusion proof (RFC 9162 §2.1.3.2 steps 1–3), recording every node
 * with its (level, index) for drawing. Null when the proof cannot be for (index, size): index out
 * of range, or a path too long or too short (the "sn = 0" test of step 4).
 * A node that is the right-most of an incomplete level is promoted unchanged; it is drawn at the
 * level where it meets its next sibling.
 */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): InclusionPath | null {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return null;
  if (leaf.length !== HASH || !isHashList(proof)) return null;
  let fn = index;
  let sn = size - 1;
  let level = 0;
  let r = leaf;
  const nodes: PathNode[] = [{ level: 0, index, hash: leaf, role: 'leaf' }];
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      // Promotion: shift fn and sn together until fn is odd or 0 (done before hashing here; the
      // RFC shifts after, which gives the same hash and the same final fn, sn).
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
          level++;
        }
      }
      nodes.push({ level, index: fn - 1, hash: p, role: 'proof' });
      r = nodeHash(p, r);
    } else {
      nodes.push({ level, index: fn + 1, hash: p, role: 'proof' });
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
    level++;
    nodes.push({ level, index: fn, hash: r, role: 'computed' });
  }
  if (sn !== 0) return null;
  return { root: r, nodes };
}

/** RFC 9162 §2.1.3.2: true iff `proof` proves `leaf` at `index` in the tree of `size` with `root`. */
export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): boolean {
  const path = rootFromInclusionProof(index, size, leaf, proof);
  return path !== null && bytesEqual(path.root, root);
}

export interface ConsistencyOptions {
  /**
   * Old size 0. 'accept-empty' (default, as C2SP tlog-witness): an empty proof is trivially
   * consistent, a non-empty one is rejected, and rootM must be EMPTY_ROOT. 'reject' (as
   * transparency-dev/merkle and its vectors): any old size 0 is an error, even 0 -> 0.
   */
  fromZero?: 'accept-empty' | 'reject';
}

/**
 * RFC 9162 §2.1.4.2 consistency of the tree of size m (root rootM) with size n (root rootN).
 * Edge rules, chosen explicitly (BUNDLE_FORMAT.md §5):
 * - m > n: false.
 * - m = n: the proof must be empty and rootM = rootN.
 * - m = 0: see ConsistencyOptions.fromZero.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
  options: ConsistencyOptions = {}
): boolean {
  if (!Number.isSafeInteger(m) || !Number.isSafeInteger(n) || m < 0 || m > n) return false;
  // m = n compares the roots as given (transparency-dev probes use short placeholder roots there).
  if (m === n && m > 0) return proof.length === 0 && bytesEqual(rootM, rootN);
  if (!isHashList(proof) || rootM.length !== HASH || rootN.length !== HASH) return false;
  if (m === 0) {
    if ((options.fromZero ?? 'accept-empty') === 'reject') return false;
    return proof.length === 0 && bytesEqual(rootM, EMPTY_ROOT) && (n > 0 || bytesEqual(rootN, EMPTY_ROOT));
  }
  if (proof.length === 0) return false; // step 1
  // Step 2: if m is an exact power of two, prepend rootM.
  const path = (m & (m - 1)) === 0 ? [rootM, ...proof] : proof;
  // Step 3.
  let fn = m - 1;
  let sn = n - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 4.
  let fr = path[0]!;
  let sr = path[0]!;
  // Step 5.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  // Step 6.
  return sn === 0 && bytesEqual(fr, rootM) && bytesEqual(sr, rootN);
}
