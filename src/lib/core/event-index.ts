// What proofs and explanations need after a verification run (docs/BUNDLE_FORMAT.md §5): the hash of
// every complete block of 64 leaves (issue 7 memory: 0.5 MB at 1M events instead of 32 MB of leaf
// hashes), where each entry lies in its segment (so its bytes can be re-read from the source instead
// of kept), the verified checkpoints, the published content, the AEGIS registry and the economy
// replayer. Event bodies are not kept. A proof re-reads the entries of the block(s) it needs, hashes
// them and checks them against the block hashes computed during the run (BlockTree).

import { bytesEqual, resized } from './bytes';
import type { Json } from './canonical-json';
import type { BundleSource } from './bundle-source';
import type { Manifest } from './manifest';
import { BlockTree, CompactRange, leafHash, rootFromLeafHashes } from './merkle';
import type { LedgerReplayer } from './report';
import type { IdentityView } from './types';

export interface CheckpointRecord {
  path: string;
  size: number;
  /** Our log root at `size` (what the checkpoint had to carry). */
  root: Uint8Array;
  /** The note as it is in the bundle, signatures included. */
  note: Uint8Array;
  /** Names of the witnesses whose cosignature verified. */
  cosigners: string[];
}

/** Where proofs re-read entries from: the bundle's source (or any reader of its files). */
export type FileReader = Pick<BundleSource, 'read'>;

export interface EntryLocation {
  path: string;
  offset: number;
  length: number;
}

const LONG = 0xffff;
/** Offsets kept per block of 2^BLOCK positions (#anchor). */
const BLOCK = 6;
const BLOCK_SIZE = 1 << BLOCK;
/** Leaf hashes are kept as the hash of each complete block of 2^LEAF_BITS leaves (BlockTree). */
const LEAF_BITS = 6;

export class EventIndex {
  readonly manifest: Manifest;
  readonly identity: IdentityView;
  readonly replayer: LedgerReplayer;
  readonly checkpoints: CheckpointRecord[] = [];
  readonly #range = new CompactRange(LEAF_BITS, (h) => this.#keepBlock(h));
  /** The hashes of the complete blocks of 2^LEAF_BITS leaves, in order (32 bytes each). */
  #blocks: Uint8Array;
  #blockCount = 0;
  /** MTH of the leaves after the last complete block, at each checkpoint size (BlockTree tails). */
  readonly #tails = new Map<number, Uint8Array>();
  /**
   * Leaves from #keepFrom on are kept whole (#kept): once lines are located out of order or after a
   * gap (a broken or missing segment), leaf i may no longer be the line located at position i, so
   * it could not be re-read from there.
   */
  #keepFrom = Infinity;
  #kept: Uint8Array | null = null;
  /**
   * Byte offsets (issue 7 memory: 4 bytes per event → about 4 per 64 events). Lines located in log
   * order lie one after the other, so a line's offset is the previous line's offset + length + 1:
   * only the first offset of each block of 64 positions is kept (#anchor), and any offset that
   * differs from that sum (a segment's first line) in #jump. Should a line be located out of order
   * or after a gap, the offsets become one column (#off).
   */
  #anchor: Uint32Array;
  readonly #jump = new Map<number, number>();
  #off: Uint32Array | null = null;
  /** The offset of the last located position (while #off is null). */
  #lastOffset = 0;
  /** Line lengths; LONG marks one kept in #long (issue 7 memory: 2 bytes per event, not 4). */
  #len: Uint16Array;
  readonly #long = new Map<number, number>();
  /**
   * Segments as runs (issue 7 memory: lines are located in log order, so a run per segment instead
   * of 4 bytes per event): positions from #runPos[r] on lie in segment #runSeg[r]. Should a line be
   * located out of order, the runs become one segment index per position (#segCol).
   */
  readonly #runPos: number[] = [];
  readonly #runSeg: number[] = [];
  #segCol: Uint32Array | null = null;
  #located = -1;
  #size = 0;
  #tree: BlockTree | null = null;
  readonly #content = new Map<string, { seq: number; size: number }>();

  constructor(manifest: Manifest, identity: IdentityView, replayer: LedgerReplayer) {
    this.manifest = manifest;
    this.identity = identity;
    this.replayer = replayer;
    // The manifest's event count is untrusted: start small and grow by doubling.
    const cap = Math.max(1, Math.min(manifest.events, 1 << 16));
    this.#blocks = new Uint8Array((cap >> LEAF_BITS) * 32);
    this.#anchor = new Uint32Array((cap >> BLOCK) + 1);
    this.#len = new Uint16Array(cap);
  }

  get size(): number {
    return this.#size;
  }

  #grow(n: number): void {
    const had = this.#len.length;
    if (n <= had) return;
    // Doubling, but not past the manifest's count while the log is within it (a hint only: a log
    // longer than announced still grows).
    const cap = Math.max(n, n <= this.manifest.events ? Math.min(had * 2, this.manifest.events) : had * 2);
    this.#blocks = resized(this.#blocks, (cap >> LEAF_BITS) * 32);
    this.#anchor = resized(this.#anchor, (cap >> BLOCK) + 1);
    if (this.#off) this.#off = resized(this.#off, cap);
    const len = new Uint16Array(cap);
    len.set(this.#len);
    this.#len = len;
    if (this.#segCol) this.#segCol = resized(this.#segCol, cap);
  }

  /** Record where the line at log position `pos` lies (segment index, byte offset, length). */
  locate(pos: number, segment: number, offset: number, length: number): void {
    this.#grow(pos + 1);
    if (this.#off === null && pos !== this.#located + 1) {
      // out of order, again or after a gap: one offset per position from now on, and the leaves
      // appended from now on may not be the lines at their positions: keep them whole
      this.#keepFrom = Math.min(this.#keepFrom, this.#size);
      const col = new Uint32Array(this.#len.length);
      for (let p = 0; p <= this.#located; p++) col[p] = (p & (BLOCK_SIZE - 1)) === 0 ? this.#anchor[p >> BLOCK]! : (this.#jump.get(p) ?? col[p - 1]! + this.#lengthAt(p - 1) + 1);
      this.#off = col;
    }
    if (this.#off !== null) this.#off[pos] = offset;
    else {
      const at = offset >>> 0; // what the Uint32Array column held
      if ((pos & (BLOCK_SIZE - 1)) === 0) this.#anchor[pos >> BLOCK] = at;
      else if (at !== this.#lastOffset + this.#lengthAt(pos - 1) + 1) this.#jump.set(pos, at);
      this.#lastOffset = at;
    }
    if (this.#segCol === null && pos <= this.#located) {
      // out of order: one segment index per position from now on
      const col = new Uint32Array(this.#len.length);
      for (let r = 0; r < this.#runPos.length; r++) col.fill(this.#runSeg[r]!, this.#runPos[r]!, r + 1 < this.#runPos.length ? this.#runPos[r + 1]! : this.#located + 1);
      this.#segCol = col;
    }
    if (this.#segCol !== null) this.#segCol[pos] = segment;
    else {
      // positions skipped over stay segment 0, as in a zeroed column
      if (pos > this.#located + 1) {
        this.#runPos.push(this.#located + 1);
        this.#runSeg.push(0);
      }
      if (this.#runSeg.length === 0 || this.#runSeg[this.#runSeg.length - 1] !== segment) {
        this.#runPos.push(pos);
        this.#runSeg.push(segment);
      }
    }
    this.#located = Math.max(this.#located, pos);
    if (length < LONG) {
      this.#len[pos] = length;
      if (this.#long.size > 0) this.#long.delete(pos);
    } else {
      this.#len[pos] = LONG;
      this.#long.set(pos, length);
    }
  }

  /** The length of a position as entryLocation gives it. */
  #lengthAt(pos: number): number {
    const len = this.#len[pos]!;
    return len === LONG ? this.#long.get(pos)! : len;
  }

  /** The offset of a position (0 for one never located, as the column had). */
  #offsetAt(pos: number): number {
    if (this.#off !== null) return this.#off[pos]!;
    if (pos > this.#located) return 0;
    // From the nearest kept offset at or before pos in its block, add each line's length + 1.
    const first = pos & ~(BLOCK_SIZE - 1);
    let from = pos;
    let at: number | undefined;
    if (this.#jump.size > 0) for (; from > first && (at = this.#jump.get(from)) === undefined; from--);
    else from = first;
    let off = at ?? this.#anchor[first >> BLOCK]!;
    for (let p = from; p < pos; p++) off += this.#lengthAt(p) + 1;
    return off;
  }

  /** The segment index of a located position (0 for one never located, as the column had). */
  #segmentOf(pos: number): number {
    if (this.#segCol !== null) return this.#segCol[pos]!;
    if (pos > this.#located) return 0;
    let lo = 0;
    let hi = this.#runPos.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#runPos[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return this.#runSeg[lo]!;
  }

  /** Append the next leaf hash to the log. */
  append(leaf: Uint8Array): void {
    this.#grow(this.#size + 1);
    if (this.#size >= this.#keepFrom) {
      const at = (this.#size - this.#keepFrom) * 32;
      if (this.#kept === null || this.#kept.length < at + 32) this.#kept = resized(this.#kept ?? new Uint8Array(0), Math.max(at + 32, 2 * (this.#kept?.length ?? 0)));
      this.#kept.set(leaf, at);
    }
    this.#range.append(leaf);
    this.#size++;
    this.#tree = null;
  }

  /** A complete block's hash, as the compact range forms it. */
  #keepBlock(h: Uint8Array): void {
    this.#blocks.set(h, this.#blockCount * 32);
    this.#blockCount++;
  }

  /** The log root over every leaf appended so far (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    return this.#range.root();
  }

  /** The tree over every leaf appended so far, from the block hashes (built on first use). */
  #blockTree(): BlockTree {
    if (this.#tree !== null) return this.#tree;
    const tail = this.#range.tail(LEAF_BITS);
    if (tail !== null) this.#tails.set(this.#size, tail);
    return (this.#tree = new BlockTree(LEAF_BITS, this.#blocks.subarray(0, this.#blockCount * 32), this.#size, this.#tails));
  }

  /**
   * The leaf hashes of the given blocks, from the entries re-read from `source` (each file once),
   * each block checked against the hash computed while verifying: bytes that changed since then
   * give an error, never a proof.
   */
  async #blockLeaves(source: FileReader, blocks: readonly number[]): Promise<Map<number, Uint8Array>> {
    const files = new Map<string, Promise<Uint8Array>>();
    const read = (path: string): Promise<Uint8Array> => {
      let f = files.get(path);
      if (f === undefined) files.set(path, (f = source.read(path)));
      return f;
    };
    const out = new Map<number, Uint8Array>();
    for (const b of blocks) {
      const first = b << LEAF_BITS;
      const end = Math.min(first + (1 << LEAF_BITS), this.#size);
      const flat = new Uint8Array((end - first) * 32);
      for (let i = first; i < end; i++) {
        if (i >= this.#keepFrom) {
          flat.set(this.#kept!.subarray((i - this.#keepFrom) * 32, (i - this.#keepFrom) * 32 + 32), (i - first) * 32);
          continue;
        }
        const loc = this.entryLocation(i);
        const file = await read(loc.path);
        flat.set(leafHash(file.subarray(loc.offset, loc.offset + loc.length)), (i - first) * 32);
      }
      const want = end - first === 1 << LEAF_BITS ? this.#blocks.subarray(b * 32, b * 32 + 32) : this.#range.tail(LEAF_BITS)!;
      if (!bytesEqual(rootFromLeafHashes(flat), want)) {
        throw new Error(`the bundle's log entries ${first}–${end - 1} no longer hash to the log verified from it (the bundle changed after verification): no proof can be given; verify the bundle again`);
      }
      out.set(b, flat);
    }
    return out;
  }

  /**
   * RFC 9162 §2.1.3.1 inclusion proof of leaf `seq` in the tree of the first `size` leaves, and that
   * leaf's hash; the entries of the one or two blocks it needs are re-read from `source` and checked.
   */
  async inclusion(source: FileReader, seq: number, size: number): Promise<{ leaf: Uint8Array; proof: Uint8Array[] }> {
    const tree = this.#blockTree();
    const blocks = tree.blocksForInclusion(seq, size); // checks seq and size first
    const own = seq >> LEAF_BITS;
    if (!blocks.includes(own)) blocks.push(own);
    const got = await this.#blockLeaves(source, blocks);
    const proof = tree.inclusionProof(seq, size, (b) => got.get(b) ?? null);
    const at = (seq - (own << LEAF_BITS)) * 32;
    return { leaf: got.get(own)!.slice(at, at + 32), proof };
  }

  /** RFC 9162 §2.1.4.1 consistency proof between the first m and n leaves (entries re-read as for inclusion). */
  async consistencyProof(source: FileReader, m: number, n: number): Promise<Uint8Array[]> {
    const tree = this.#blockTree();
    const got = await this.#blockLeaves(source, tree.blocksForConsistency(m, n));
    return tree.consistencyProof(m, n, (b) => got.get(b) ?? null);
  }

  /** The log root at an earlier `size` (entries re-read as for inclusion). */
  async rootAt(source: FileReader, size: number): Promise<Uint8Array> {
    const tree = this.#blockTree();
    const got = await this.#blockLeaves(source, tree.blocksForRoot(size));
    return tree.root(size, (b) => got.get(b) ?? null);
  }

  checkpoint(path: string, size: number, root: Uint8Array, note: Uint8Array, cosigners: string[]): void {
    this.checkpoints.push({ path, size, root, note, cosigners });
    // The MTH of the partial block at a checkpoint's size, so that proofs against it need no re-read there.
    if (size === this.#size) {
      const tail = this.#range.tail(LEAF_BITS);
      if (tail !== null) this.#tails.set(size, tail);
    }
  }

  /** The newest checkpoint whose tree contains `seq` and that `usable` accepts (any, by default). */
  newestCheckpointCovering(seq: number, usable: (cp: CheckpointRecord) => boolean = () => true): CheckpointRecord | null {
    // Checkpoints are recorded in log order: once one does not contain seq, no older one does.
    for (let i = this.checkpoints.length - 1; i >= 0 && this.checkpoints[i]!.size > seq; i--) if (usable(this.checkpoints[i]!)) return this.checkpoints[i]!;
    return null;
  }

  entryLocation(seq: number): EntryLocation {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.#size) throw new RangeError(`seq ${seq} is outside the log [0, ${this.#size})`);
    const seg = this.manifest.segments[this.#segmentOf(seq)]!;
    return { path: seg.path, offset: this.#offsetAt(seq), length: this.#lengthAt(seq) };
  }

  /** Re-read the exact log entry bytes of `seq` from the source. */
  async entry(source: FileReader, seq: number): Promise<Uint8Array> {
    const loc = this.entryLocation(seq);
    const file = await source.read(loc.path);
    return file.slice(loc.offset, loc.offset + loc.length);
  }

  published(payload: Json, seq: number): void {
    const p = payload as { cid: string; size: number };
    if (!this.#content.has(p.cid)) this.#content.set(p.cid, { seq, size: p.size });
  }

  publication(cid: string): { seq: number; size: number } | null {
    return this.#content.get(cid) ?? null;
  }

  get contentCount(): number {
    return this.#content.size;
  }
}
