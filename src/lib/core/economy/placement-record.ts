// What the replay keeps of each storage.place (docs/BUNDLE_FORMAT.md §10.4) for the placement
// explanation, the storage proofs and redundancy, in a compact form (issue 7: a 1M-event ledger
// has ~80k placements). The 32-byte root, recomputed root and fragment hashes live in a shared
// byte pool instead of one Uint8Array each; the rendezvous choices (weights, runner-up) are not
// kept but recomputed on demand from the eligible-node list the replay placed with, kept as
// indices into one node table and shared by every placement computed from it. placeFragments is a pure function of
// (cid, n, eligible nodes, zone rule), so the recomputation gives the same choices.

import type { IdentitySummary } from './explain';
import { placeFragments, type FragmentChoice, type PlacementNode } from './placement';
import { fragmentShape } from './policy';
import type { PolicyEntry } from './policy-registry';

/** A slab allocator for 32-byte values: records keep (slab, offset) instead of a Uint8Array each. */
export class HashPool {
  static readonly SLAB = 1 << 16;
  #slab = new Uint8Array(HashPool.SLAB);
  #used = 0;

  /** Copy `parts` (32 bytes each) next to each other; returns where they are. */
  store(parts: readonly Uint8Array[]): { slab: Uint8Array; at: number } {
    const need = parts.length * 32;
    if (this.#used + need > this.#slab.length) {
      this.#slab = new Uint8Array(Math.max(HashPool.SLAB, need));
      this.#used = 0;
    }
    const at = this.#used;
    parts.forEach((p, i) => this.#slab.set(p.length === 32 ? p : new Uint8Array(32), at + i * 32));
    this.#used += need;
    return { slab: this.#slab, at };
  }
}

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

/**
 * A placement's redundancy at each close where it changed (RedundancyTracker), as number triples
 * in one array instead of an object per entry (a 1M ledger's nodes come and go: placements
 * collect dozens of entries).
 */
export class RedundancyLog {
  #data: number[] = [];

  push(x: { epoch: number; live: number; redundancy: number }): number {
    // concat allocates the exact length (push would leave room for ~16 more): entries are rare.
    this.#data = this.#data.concat(x.epoch, x.live, x.redundancy);
    return this.length;
  }

  get length(): number {
    return this.#data.length / 3;
  }

  at(i: number): { epoch: number; live: number; redundancy: number } | undefined {
    const d = this.#data;
    return i >= 0 && i < this.length ? { epoch: d[3 * i]!, live: d[3 * i + 1]!, redundancy: d[3 * i + 2]! } : undefined;
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
  proofs: Array<{ seq: number; epoch: number; index: number; node: string; valid: boolean }>;
  nodeIdentity: IdentitySummary[];
  live: number;
}

export class PlacementRecord {
  readonly cid: string;
  readonly epoch: number;
  readonly seq: number;
  readonly scheme: 'erasure' | 'replica';
  readonly k: number;
  readonly n: number;
  readonly size: number;
  readonly fragmentSize: number;
  readonly nodes: string[];
  readonly policyHash: string;
  readonly matches: boolean;
  readonly proofs: Array<{ seq: number; epoch: number; index: number; node: string; valid: boolean }>;
  /** Each node's AEGIS standing as evaluated at the placement (null: the epoch's AEGIS snapshot holds the same). */
  #nodeIdentity: IdentitySummary[] | null;
  #identityAt: ((subject: string) => IdentitySummary | undefined) | null = null;
  /** Fragments on verified nodes as of the last close (RedundancyTracker). */
  live: number;
  /** Redundancy (live fragments − k) at each epoch close from the placement on, stored when it changes. */
  readonly history = new RedundancyLog();
  /** root ‖ recomputed root ‖ fragment hashes, 32 bytes each, at #at in #slab. */
  readonly #slab: Uint8Array;
  readonly #at: number;
  readonly #hashCount: number;
  /** The policy and eligible nodes the replay placed this cid with; null when it had no placement for it. */
  readonly #basis: { entry: PolicyEntry; eligible: NodeList } | null;

  constructor(x: PlacementInput, pool: HashPool, basis: { entry: PolicyEntry; eligible: NodeList } | null) {
    this.cid = x.cid;
    this.epoch = x.epoch;
    this.seq = x.seq;
    this.scheme = x.scheme;
    this.k = x.k;
    this.n = x.n;
    this.size = x.size;
    this.fragmentSize = x.fragmentSize;
    this.nodes = x.nodes;
    this.policyHash = x.policyHash;
    this.matches = x.matches;
    this.proofs = x.proofs;
    this.#nodeIdentity = x.nodeIdentity;
    this.live = x.live;
    const { slab, at } = pool.store([x.root, x.rootRecomputed, ...x.hashes]);
    this.#slab = slab;
    this.#at = at;
    this.#hashCount = x.hashes.length;
    this.#basis = basis;
  }

  /** Each node's AEGIS standing as evaluated at the placement. */
  get nodeIdentity(): IdentitySummary[] {
    const at = this.#identityAt;
    return this.#nodeIdentity ?? this.nodes.map((n) => at!(n)!);
  }

  /**
   * After the placement's epoch is closed: read the nodes' standing from the epoch's AEGIS
   * snapshot (`identityAt`) when it holds the same values.
   */
  settle(identityAt: (subject: string) => IdentitySummary | undefined): void {
    const own = this.#nodeIdentity;
    if (!own) return;
    const same = own.every((x, i) => {
      const y = identityAt(this.nodes[i]!);
      return y !== undefined && y.subject === x.subject && y.status === x.status && y.attestationSeq === x.attestationSeq && y.revocationSeq === x.revocationSeq && Object.keys(x).length === 4;
    });
    if (!same) return;
    this.#identityAt = identityAt;
    this.#nodeIdentity = null;
  }

  #bytes(i: number): Uint8Array {
    return this.#slab.subarray(this.#at + i * 32, this.#at + i * 32 + 32);
  }

  /** The fragment root as recorded. */
  get root(): Uint8Array {
    return this.#bytes(0);
  }

  /** The fragment root recomputed from the listed hashes. */
  get rootRecomputed(): Uint8Array {
    return this.#bytes(1);
  }

  /** The listed fragment hashes (views into the pool). */
  get hashes(): Uint8Array[] {
    return Array.from({ length: this.#hashCount }, (_, i) => this.#bytes(2 + i));
  }

  /** Fragment hash i, or undefined beyond the list. */
  hash(i: number): Uint8Array | undefined {
    return Number.isInteger(i) && i >= 0 && i < this.#hashCount ? this.#bytes(2 + i) : undefined;
  }

  /** The rendezvous placement the replay expected (§10.4), recomputed; [] when it had none. */
  expected(): FragmentChoice[] {
    const b = this.#basis;
    if (!b) return [];
    const s = b.entry.policy.storage;
    return placeFragments(this.cid, fragmentShape(s).n, b.eligible.nodes(), s.zoneDiversity);
  }
}
