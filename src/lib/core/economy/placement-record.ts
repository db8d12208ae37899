// What the replay keeps of each storage.place (docs/BUNDLE_FORMAT.md §10.4) for the placement
// explanation, the storage proofs and redundancy, in a compact form (issue 7: a 1M-event ledger
// has ~80k placements). Every placement is a row of one column store (`Placements`): its numbers
// in two typed arrays, its fragment roots and hashes in shared 64 KiB byte slabs, its node ids as
// indices into one table of node names, its redundancy history and storage proofs as entries of
// two shared append-only logs (a linked list per placement). `PlacementRecord` is a view of one
// row, made when asked for. The rendezvous choices (weights, runner-up) are not kept but recomputed
// on demand from the eligible-node list the replay placed with, kept as indices into one node
// table and shared by every placement computed from it. placeFragments is a pure function of
// (cid, n, eligible nodes, zone rule), so the recomputation gives the same choices.

import { bytesEqual } from '../bytes';
import type { IdentitySummary } from './explain';
import { placeFragments, type FragmentChoice, type PlacementNode } from './placement';
import { fragmentShape } from './policy';
import type { PolicyEntry } from './policy-registry';

/** A list of nodes as indices into a shared, append-only table of (id, zone) nodes. */
export class NodeList {
  readonly table: readonly PlacementNode[];
  readonly at: Int32Array;

  constructor(table: readonly PlacementNode[], at: Int32Array) {
    this.table = table;
    this.at = at;
  }

  nodes(): PlacementNode[] {
    return Array.from(this.at, (i) => this.table[i]!);
  }
}

/** The placement's inputs as checkPlace has them (derived-checks.ts). */
export interface PlacementInput {
  cid: string;
  epoch: number;
  seq: number;
  scheme: 'erasure' | 'replica';
  k: number;
  n: number;
  size: number;
  fragmentSize: number;
  hashes: Uint8Array[];
  nodes: string[];
  root: Uint8Array;
  rootRecomputed: Uint8Array;
  policyHash: string;
  matches: boolean;
  nodeIdentity: IdentitySummary[];
}

export interface StorageProofEntry {
  seq: number;
  epoch: number;
  valid: boolean;
}

export interface RedundancyEntry {
  epoch: number;
  live: number;
  redundancy: number;
}

/** Strings (node ids, policy hashes) stored once, referred to by index. */
class Interned<T> {
  readonly values: T[] = [];
  readonly #index = new Map<T, number>();

  id(v: T): number {
    let i = this.#index.get(v);
    if (i === undefined) {
      this.#index.set(v, (i = this.values.length));
      this.values.push(v);
    }
    return i;
  }
}

const SHIFT = 10;
const CHUNK = 1 << SHIFT;

/**
 * Numbers in fixed-size int32 chunks: growing copies nothing and leaves at most one chunk unused.
 * A `wide` column (numbers from an event: any JS number) keeps a value that is not an int32 (or is
 * −0) aside, exactly (issue 7 memory: 4 bytes per value instead of a Float64Array's 8); a narrow one
 * converts to int32.
 */
class Column {
  readonly #chunks: Int32Array[] = [];
  readonly #wide: boolean;
  readonly #other = new Map<number, number>();

  constructor(wide: boolean) {
    this.#wide = wide;
  }

  get(i: number): number {
    if (this.#other.size > 0 && this.#other.has(i)) return this.#other.get(i)!;
    return this.#chunks[i >> SHIFT]![i & (CHUNK - 1)]!;
  }

  set(i: number, v: number): void {
    const c = i >> SHIFT;
    while (c >= this.#chunks.length) this.#chunks.push(new Int32Array(CHUNK));
    // A wide value that is not an int32 (a fraction, NaN, ±Infinity, −0, beyond int32) is kept aside as it is.
    if (this.#wide && (v !== (v | 0) || Object.is(v, -0))) this.#other.set(i, v);
    else {
      if (this.#other.size > 0) this.#other.delete(i);
      this.#chunks[c]![i & (CHUNK - 1)] = v;
    }
  }
}

// Columns of a placement row.
const F_EPOCH = 0;
const F_SEQ = 1;
const F_K = 2;
const F_SIZE = 3;
const F_FRAGMENT_SIZE = 4;
const NF = 5;
const I_N = 0;
const I_LIVE = 1;
const I_SLAB = 2;
const I_AT = 3;
const I_NODES = 4;
/** The close (RedundancyTracker.close call, numbered from 0) that first counted the row, or −1. */
const I_FIRST_CLOSE = 5;
const I_PROOF_HEAD = 6;
const I_PROOF_TAIL = 7;
const I_POLICY = 8;
const I_BASIS = 9;
const I_FLAGS = 10;
const NI = 11;
const REPLICA = 1;
const MATCHES = 2;
/** The recomputed root equals the recorded one and is not stored a second time. */
const SAME_ROOT = 4;
const SLAB = 1 << 16;

/**
 * Every placement the replay checked, in the order it saw them (a row each), keyed by cid.
 * `identityAt(epoch, subject)` reads the AEGIS standing an epoch's snapshot holds (Replayer.identities).
 */
export class Placements {
  readonly #identityAt: (epoch: number, subject: string) => IdentitySummary | undefined;
  readonly #rows = new Map<string, number>();
  readonly #cids: string[] = [];
  /** NF numbers per row that come from the event (any JS number), NI int32 per row of our own. */
  readonly #f = new Column(true);
  readonly #i = new Column(false);
  readonly #slabs: Uint8Array[] = [];
  #slabUsed = SLAB;
  readonly #nodeNames = new Interned<string>();
  readonly #nodes = new Column(false);
  #nodesUsed = 0;
  readonly #policies = new Interned<string>();
  readonly #bases: Array<{ entry: PolicyEntry; eligible: NodeList }> = [];
  /**
   * What the redundancy history is derived from (issue 7 memory: ~5 entries of 12 bytes per
   * placement at 100k events, more the longer a placement lives): the epoch of each close, and per
   * node every change of its counted standing (verified or not) as close × 2 + (1 when it became
   * verified), in close order. A row's live count at close c is the number of its fragments whose
   * node's last change at or before c made it verified (a node never changed counts as not verified).
   */
  readonly #closeEpoch = new Column(true);
  #closes = 0;
  readonly #flips: Array<{ at: Int32Array; length: number } | undefined> = [];
  /** Proof log: (seq, epoch), and (fragment index or −1, valid, next or −1). */
  readonly #proofAt = new Column(true);
  readonly #proof = new Column(false);
  #proofUsed = 0;
  /** The nodes' standing as evaluated at placement, for rows not settled (their epoch is open, or the snapshot differs). */
  readonly #standing = new Map<number, IdentitySummary[]>();

  constructor(identityAt: (epoch: number, subject: string) => IdentitySummary | undefined) {
    this.#identityAt = identityAt;
  }

  get size(): number {
    return this.#cids.length;
  }

  has(cid: string): boolean {
    return this.#rows.has(cid);
  }

  get(cid: string): PlacementRecord | undefined {
    const row = this.#rows.get(cid);
    return row === undefined ? undefined : new PlacementRecord(this, row);
  }

  /** The placements in the order they were added. */
  *values(): IterableIterator<PlacementRecord> {
    for (let row = 0; row < this.#cids.length; row++) yield new PlacementRecord(this, row);
  }

  /** Add a checked storage.place (one per cid: the caller rejects a second one first). */
  add(x: PlacementInput, basis: { entry: PolicyEntry; eligible: NodeList } | null): PlacementRecord {
    const row = this.#cids.length;
    this.#cids.push(x.cid);
    this.#rows.set(x.cid, row);
    const f = row * NF;
    this.#f.set(f + F_EPOCH, x.epoch);
    this.#f.set(f + F_SEQ, x.seq);
    this.#f.set(f + F_K, x.k);
    this.#f.set(f + F_SIZE, x.size);
    this.#f.set(f + F_FRAGMENT_SIZE, x.fragmentSize);
    const sameRoot = bytesEqual(x.root, x.rootRecomputed);
    const parts = sameRoot ? [x.root, ...x.hashes] : [x.root, x.rootRecomputed, ...x.hashes];
    const need = parts.length * 32;
    if (this.#slabUsed + need > SLAB || this.#slabs.length === 0) {
      this.#slabs.push(new Uint8Array(Math.max(SLAB, need)));
      this.#slabUsed = 0;
    }
    const slab = this.#slabs[this.#slabs.length - 1]!;
    const at = this.#slabUsed;
    parts.forEach((p, j) => slab.set(p.length === 32 ? p : new Uint8Array(32), at + j * 32));
    this.#slabUsed += need;
    const nodeAt = this.#nodesUsed;
    for (const node of x.nodes) this.#nodes.set(this.#nodesUsed++, this.#nodeNames.id(node));
    let b = -1;
    if (basis) {
      const last = this.#bases[this.#bases.length - 1];
      if (last && last.entry === basis.entry && last.eligible === basis.eligible) b = this.#bases.length - 1;
      else b = this.#bases.push(basis) - 1;
    }
    const i = row * NI;
    const ints = this.#i;
    ints.set(i + I_N, x.nodes.length);
    ints.set(i + I_LIVE, 0);
    ints.set(i + I_SLAB, this.#slabs.length - 1);
    ints.set(i + I_AT, at);
    ints.set(i + I_NODES, nodeAt);
    ints.set(i + I_FIRST_CLOSE, -1);
    ints.set(i + I_PROOF_HEAD, -1);
    ints.set(i + I_PROOF_TAIL, -1);
    ints.set(i + I_POLICY, this.#policies.id(x.policyHash));
    ints.set(i + I_BASIS, b);
    ints.set(i + I_FLAGS, (x.scheme === 'replica' ? REPLICA : 0) | (x.matches ? MATCHES : 0) | (sameRoot ? SAME_ROOT : 0));
    this.#standing.set(row, x.nodeIdentity);
    return new PlacementRecord(this, row);
  }

  /** @internal Row accessors (PlacementRecord, RedundancyTracker). */
  cid(row: number): string {
    return this.#cids[row]!;
  }
  num(row: number, field: 'epoch' | 'seq' | 'k' | 'size' | 'fragmentSize'): number {
    const c = field === 'epoch' ? F_EPOCH : field === 'seq' ? F_SEQ : field === 'k' ? F_K : field === 'size' ? F_SIZE : F_FRAGMENT_SIZE;
    return this.#f.get(row * NF + c);
  }
  count(row: number): number {
    return this.#i.get(row * NI + I_N);
  }
  flag(row: number, bit: number): boolean {
    return (this.#i.get(row * NI + I_FLAGS) & bit) !== 0;
  }
  policyHash(row: number): string {
    return this.#policies.values[this.#i.get(row * NI + I_POLICY)]!;
  }
  node(row: number, j: number): string {
    return this.#nodeNames.values[this.#nodes.get(this.#i.get(row * NI + I_NODES) + j)]!;
  }
  nodes(row: number): string[] {
    const at = this.#i.get(row * NI + I_NODES);
    const names = this.#nodeNames.values;
    return Array.from({ length: this.count(row) }, (_, j) => names[this.#nodes.get(at + j)]!);
  }
  /** Byte block j of the row: 0 the recorded root, 1 the recomputed root, 2 + i fragment hash i. */
  bytes(row: number, j: number): Uint8Array {
    const i = row * NI;
    const k = j === 0 ? 0 : this.flag(row, SAME_ROOT) ? j - 1 : j;
    const at = this.#i.get(i + I_AT) + k * 32;
    return this.#slabs[this.#i.get(i + I_SLAB)]!.subarray(at, at + 32);
  }
  basis(row: number): { entry: PolicyEntry; eligible: NodeList } | null {
    const b = this.#i.get(row * NI + I_BASIS);
    return b < 0 ? null : this.#bases[b]!;
  }
  live(row: number): number {
    return this.#i.get(row * NI + I_LIVE);
  }
  setLive(row: number, live: number): void {
    this.#i.set(row * NI + I_LIVE, live);
  }

  /** @internal RedundancyTracker: a close of `epoch` begins (closes are numbered from 0). */
  beginClose(epoch: number): void {
    this.#closeEpoch.set(this.#closes++, epoch);
  }

  /** @internal RedundancyTracker: at the current close, `node` became verified (or stopped being). */
  flip(node: string, verified: boolean): void {
    const id = this.#nodeNames.id(node);
    let f = this.#flips[id];
    if (!f) this.#flips[id] = f = { at: new Int32Array(4), length: 0 };
    if (f.length === f.at.length) {
      const next = new Int32Array(f.at.length * 2);
      next.set(f.at);
      f.at = next;
    }
    f.at[f.length++] = (this.#closes - 1) * 2 + (verified ? 1 : 0);
  }

  /** @internal RedundancyTracker: the row is counted from the current close on. */
  counted(row: number): void {
    this.#i.set(row * NI + I_FIRST_CLOSE, this.#closes - 1);
  }

  /** Whether node (interned id) was verified at close c: its last change at or before c. */
  #verifiedAt(id: number, c: number): boolean {
    const f = this.#flips[id];
    if (!f) return false;
    let lo = 0;
    let hi = f.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (f.at[mid]! >> 1 <= c) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && (f.at[lo - 1]! & 1) === 1;
  }

  /**
   * The row's live count at its first close, then at each later close where it changed (as the
   * tracker saw it: only closes where one of its nodes changed standing can change it).
   */
  history(row: number): RedundancyEntry[] {
    const first = this.#i.get(row * NI + I_FIRST_CLOSE);
    if (first < 0) return [];
    const k = this.num(row, 'k');
    const at = this.#i.get(row * NI + I_NODES);
    const ids: number[] = [];
    for (let j = 0; j < this.count(row); j++) ids.push(this.#nodes.get(at + j));
    const liveAt = (c: number): number => {
      let live = 0;
      for (const id of ids) if (this.#verifiedAt(id, c)) live++;
      return live;
    };
    // The later closes where one of its nodes changed standing, in order.
    const closes = new Set<number>();
    for (const id of new Set(ids)) {
      const f = this.#flips[id];
      for (let j = 0; f && j < f.length; j++) if (f.at[j]! >> 1 > first) closes.add(f.at[j]! >> 1);
    }
    let live = liveAt(first);
    const out: RedundancyEntry[] = [{ epoch: this.#closeEpoch.get(first), live, redundancy: live - k }];
    for (const c of [...closes].sort((a, b) => a - b)) {
      const now = liveAt(c);
      if (now === live) continue;
      live = now;
      out.push({ epoch: this.#closeEpoch.get(c), live, redundancy: live - k });
    }
    return out;
  }

  /** Record a storage proof of fragment `index` (any number the event carried) of the row. */
  addProof(row: number, p: { seq: number; epoch: number; index: number; valid: boolean }): void {
    const e = this.#proofUsed++;
    this.#proofAt.set(2 * e, p.seq);
    this.#proofAt.set(2 * e + 1, p.epoch);
    // Explanations list a fragment's proofs by index 0..n−1; any other index is never asked for.
    this.#proof.set(3 * e, Number.isInteger(p.index) && p.index >= 0 && p.index < 2 ** 31 ? p.index : -1);
    this.#proof.set(3 * e + 1, p.valid ? 1 : 0);
    this.#proof.set(3 * e + 2, -1);
    const i = row * NI;
    const tail = this.#i.get(i + I_PROOF_TAIL);
    if (tail < 0) this.#i.set(i + I_PROOF_HEAD, e);
    else this.#proof.set(3 * tail + 2, e);
    this.#i.set(i + I_PROOF_TAIL, e);
  }

  proofs(row: number, index: number): StorageProofEntry[] {
    const out: StorageProofEntry[] = [];
    for (let e = this.#i.get(row * NI + I_PROOF_HEAD); e >= 0; e = this.#proof.get(3 * e + 2)) {
      if (this.#proof.get(3 * e) === index) out.push({ seq: this.#proofAt.get(2 * e), epoch: this.#proofAt.get(2 * e + 1), valid: this.#proof.get(3 * e + 1) === 1 });
    }
    return out;
  }

  nodeIdentity(row: number): IdentitySummary[] {
    const own = this.#standing.get(row);
    if (own) return own;
    const e = this.num(row, 'epoch');
    return this.nodes(row).map((n) => this.#identityAt(e, n)!);
  }

  /**
   * After the row's epoch is closed: read the nodes' standing from the epoch's AEGIS snapshot
   * when that holds the same values (it almost always does), instead of keeping a copy.
   */
  settle(row: number): void {
    const own = this.#standing.get(row);
    if (!own) return;
    const e = this.num(row, 'epoch');
    const same = own.every((x, j) => {
      const y = this.#identityAt(e, this.node(row, j));
      return y !== undefined && y.subject === x.subject && y.status === x.status && y.attestationSeq === x.attestationSeq && y.revocationSeq === x.revocationSeq && Object.keys(x).length === 4;
    });
    if (same) this.#standing.delete(row);
  }
}

/** A view of one placement row (made on demand; holds no data of its own). */
export class PlacementRecord {
  readonly #p: Placements;
  readonly row: number;

  constructor(p: Placements, row: number) {
    this.#p = p;
    this.row = row;
  }

  get cid(): string {
    return this.#p.cid(this.row);
  }
  get epoch(): number {
    return this.#p.num(this.row, 'epoch');
  }
  get seq(): number {
    return this.#p.num(this.row, 'seq');
  }
  get scheme(): 'erasure' | 'replica' {
    return this.#p.flag(this.row, REPLICA) ? 'replica' : 'erasure';
  }
  get k(): number {
    return this.#p.num(this.row, 'k');
  }
  /** The number of listed fragments. */
  get n(): number {
    return this.#p.count(this.row);
  }
  get size(): number {
    return this.#p.num(this.row, 'size');
  }
  get fragmentSize(): number {
    return this.#p.num(this.row, 'fragmentSize');
  }
  get policyHash(): string {
    return this.#p.policyHash(this.row);
  }
  get matches(): boolean {
    return this.#p.flag(this.row, MATCHES);
  }
  /** The node holding each fragment, in fragment order. */
  get nodes(): string[] {
    return this.#p.nodes(this.row);
  }
  /** The node holding fragment i. */
  node(i: number): string | undefined {
    return Number.isInteger(i) && i >= 0 && i < this.n ? this.#p.node(this.row, i) : undefined;
  }
  /** Fragments on verified nodes as of the last close (RedundancyTracker). */
  get live(): number {
    return this.#p.live(this.row);
  }
  /** Redundancy (live fragments − k) at each epoch close from the placement on, stored when it changed. */
  get history(): RedundancyEntry[] {
    return this.#p.history(this.row);
  }
  /** Each node's AEGIS standing as evaluated at the placement. */
  get nodeIdentity(): IdentitySummary[] {
    return this.#p.nodeIdentity(this.row);
  }
  /** The storage proofs seen for fragment i, in seq order. */
  proofs(i: number): StorageProofEntry[] {
    return this.#p.proofs(this.row, i);
  }
  addProof(p: { seq: number; epoch: number; index: number; valid: boolean }): void {
    this.#p.addProof(this.row, p);
  }

  /** The fragment root as recorded. */
  get root(): Uint8Array {
    return this.#p.bytes(this.row, 0);
  }

  /** The fragment root recomputed from the listed hashes. */
  get rootRecomputed(): Uint8Array {
    return this.#p.bytes(this.row, 1);
  }

  /** The listed fragment hashes (views into the pool). */
  get hashes(): Uint8Array[] {
    return Array.from({ length: this.n }, (_, i) => this.#p.bytes(this.row, 2 + i));
  }

  /** Fragment hash i, or undefined beyond the list. */
  hash(i: number): Uint8Array | undefined {
    return Number.isInteger(i) && i >= 0 && i < this.n ? this.#p.bytes(this.row, 2 + i) : undefined;
  }

  /** The rendezvous placement the replay expected (§10.4), recomputed; [] when it had none. */
  expected(): FragmentChoice[] {
    const b = this.#p.basis(this.row);
    if (!b) return [];
    const s = b.entry.policy.storage;
    return placeFragments(this.cid, fragmentShape(s).n, b.eligible.nodes(), s.zoneDiversity);
  }
}
