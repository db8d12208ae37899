// What proofs and explanations need after a verification run (docs/BUNDLE_FORMAT.md §5): every leaf
// hash in one flat buffer (32 bytes per event: 32 MB at 1M events), where each entry lies in its
// segment (so its bytes can be re-read from the source instead of kept), the verified checkpoints,
// the published content, the AEGIS registry and the economy replayer. Event bodies are not kept.

import { resized } from './bytes';
import type { Json } from './canonical-json';
import type { BundleSource } from './bundle-source';
import type { Manifest } from './manifest';
import { CompactRange, MerkleTree } from './merkle';
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

export interface EntryLocation {
  path: string;
  offset: number;
  length: number;
}

export class EventIndex {
  readonly manifest: Manifest;
  readonly identity: IdentityView;
  readonly replayer: LedgerReplayer;
  readonly checkpoints: CheckpointRecord[] = [];
  readonly #range = new CompactRange();
  #leaves: Uint8Array;
  #seg: Uint32Array;
  #off: Uint32Array;
  #len: Uint32Array;
  #size = 0;
  #tree: MerkleTree | null = null;
  readonly #content = new Map<string, { seq: number; size: number }>();

  constructor(manifest: Manifest, identity: IdentityView, replayer: LedgerReplayer) {
    this.manifest = manifest;
    this.identity = identity;
    this.replayer = replayer;
    // The manifest's event count is untrusted: start small and grow by doubling.
    const cap = Math.max(1, Math.min(manifest.events, 1 << 16));
    this.#leaves = new Uint8Array(cap * 32);
    this.#seg = new Uint32Array(cap);
    this.#off = new Uint32Array(cap);
    this.#len = new Uint32Array(cap);
  }

  get size(): number {
    return this.#size;
  }

  #grow(n: number): void {
    if (n <= this.#seg.length) return;
    const cap = Math.max(n, this.#seg.length * 2);
    this.#leaves = resized(this.#leaves, cap * 32);
    this.#seg = resized(this.#seg, cap);
    this.#off = resized(this.#off, cap);
    this.#len = resized(this.#len, cap);
  }

  /** Record where the line at log position `pos` lies (segment index, byte offset, length). */
  locate(pos: number, segment: number, offset: number, length: number): void {
    this.#grow(pos + 1);
    this.#seg[pos] = segment;
    this.#off[pos] = offset;
    this.#len[pos] = length;
  }

  /** Append the next leaf hash to the log. */
  append(leaf: Uint8Array): void {
    this.#grow(this.#size + 1);
    this.#leaves.set(leaf, this.#size * 32);
    this.#range.append(leaf);
    this.#size++;
    this.#tree = null;
  }

  /** The log root over every leaf appended so far (RFC 9162 §2.1.1). */
  root(): Uint8Array {
    return this.#range.root();
  }

  /** All leaf hashes, flat (a view, 32 bytes per entry). */
  leafHashes(): Uint8Array {
    return this.#leaves.subarray(0, this.#size * 32);
  }

  leafHash(seq: number): Uint8Array {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.#size) throw new RangeError(`seq ${seq} is outside the log [0, ${this.#size})`);
    return this.#leaves.subarray(seq * 32, seq * 32 + 32);
  }

  /** A Merkle tree over every leaf, with cached levels, built once on first use. */
  tree(): MerkleTree {
    return (this.#tree ??= new MerkleTree(this.leafHashes()));
  }

  checkpoint(path: string, size: number, root: Uint8Array, note: Uint8Array, cosigners: string[]): void {
    this.checkpoints.push({ path, size, root, note, cosigners });
  }

  /** The newest checkpoint whose tree contains `seq`. */
  newestCheckpointCovering(seq: number): CheckpointRecord | null {
    const last = this.checkpoints[this.checkpoints.length - 1];
    return last && last.size > seq ? last : null;
  }

  entryLocation(seq: number): EntryLocation {
    if (!Number.isSafeInteger(seq) || seq < 0 || seq >= this.#size) throw new RangeError(`seq ${seq} is outside the log [0, ${this.#size})`);
    const seg = this.manifest.segments[this.#seg[seq]!]!;
    return { path: seg.path, offset: this.#off[seq]!, length: this.#len[seq]! };
  }

  /** Re-read the exact log entry bytes of `seq` from the source. */
  async entry(source: BundleSource, seq: number): Promise<Uint8Array> {
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
