// Redundancy of stored content per epoch (docs/BUNDLE_FORMAT.md §10.4):
//   redundancy(content, e) = (fragments on nodes whose status at e is verified) − k
// i.e. how many further node losses the content survives. Kept incrementally: at each close only
// the nodes whose standing changed since the previous close are looked at, and only the
// placements holding a fragment on them are updated, so a close costs O(nodes + changes), not
// O(placements). A histogram of redundancy values gives the per-epoch summary.

import type { IdentityStatus } from '../types';
import type { Placements } from './placement-record';

export interface RedundancySummary {
  placed: number;
  minRedundancy: number | null;
  /** Content that survives no further node loss (redundancy 0). */
  atRisk: number;
  /** Content that cannot be rebuilt from verified nodes (redundancy < 0). */
  lost: number;
}

/** A growable list of placement rows (one per fragment a node holds). */
class Rows {
  at = new Int32Array(8);
  length = 0;

  push(row: number): void {
    if (this.length === this.at.length) {
      const next = new Int32Array(this.at.length * 2);
      next.set(this.at);
      this.at = next;
    }
    this.at[this.length++] = row;
  }
}

export class RedundancyTracker {
  readonly #placements: Placements;
  readonly #verified = new Map<string, boolean>();
  /**
   * #verified again by index in the node list of the last close (the registry's list: the same
   * array until a node is attested), so that a close reads a node's previous standing without a
   * map lookup (issue 7: 1,294 nodes at each of 1,249 closes at 1M). Null when the list names a
   * node twice (then only the map is used).
   */
  #listFor: readonly string[] | null = null;
  #list: Uint8Array | null = null;
  readonly #byNode = new Map<string, Rows>();
  readonly #hist = new Map<number, number>();
  #pending: number[] = [];
  #placed = 0;

  /** Tracks rows of `placements`: their live count and redundancy history are kept there. */
  constructor(placements: Placements) {
    this.#placements = placements;
  }

  add(row: number): void {
    this.#pending.push(row);
  }

  #count(redundancy: number, delta: number): void {
    const n = (this.#hist.get(redundancy) ?? 0) + delta;
    if (n === 0) this.#hist.delete(redundancy);
    else this.#hist.set(redundancy, n);
  }

  /** #verified by index in `nodes` (rebuilt from the map for a new list), or null when `nodes` names a node twice. */
  #align(nodes: readonly string[]): Uint8Array | null {
    if (this.#listFor === nodes) return this.#list;
    this.#listFor = nodes;
    const list = new Uint8Array(nodes.length);
    // The registry's list is sorted: strictly increasing ids are distinct without a set.
    let sorted = true;
    for (let i = 1; i < nodes.length && sorted; i++) sorted = nodes[i - 1]! < nodes[i]!;
    if (!sorted && new Set(nodes).size !== nodes.length) return (this.#list = null);
    for (let i = 0; i < nodes.length; i++) list[i] = this.#verified.get(nodes[i]!) ? 1 : 0;
    return (this.#list = list);
  }

  /** Bring every placement to its standing at the close of `epoch` (`statusOf` gets each node and its index in `nodes`). */
  close(epoch: number, nodes: readonly string[], statusOf: (node: string, i: number) => IdentityStatus): RedundancySummary {
    const p = this.#placements;
    p.beginClose(epoch);
    const before = new Map<number, number>();
    const list = this.#align(nodes);
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      const now = statusOf(node, i) === 'verified';
      if (now === (list ? list[i] === 1 : (this.#verified.get(node) ?? false))) continue;
      this.#verified.set(node, now);
      if (list) list[i] = now ? 1 : 0;
      p.flip(node, now);
      const rows = this.#byNode.get(node);
      for (let j = 0; rows && j < rows.length; j++) {
        const t = rows.at[j]!;
        const live = p.live(t);
        if (!before.has(t)) before.set(t, live);
        p.setLive(t, live + (now ? 1 : -1));
      }
    }
    for (const [t, old] of before) {
      const live = p.live(t);
      if (live === old) continue;
      const k = p.num(t, 'k');
      this.#count(old - k, -1);
      this.#count(live - k, 1);
    }
    for (const t of this.#pending) {
      let live = 0;
      for (const node of p.nodes(t)) {
        if (this.#verified.get(node)) live++;
        let list = this.#byNode.get(node);
        if (!list) this.#byNode.set(node, (list = new Rows()));
        list.push(t); // once per fragment: a node holding two fragments counts twice
      }
      p.setLive(t, live);
      this.#count(live - p.num(t, 'k'), 1);
      p.counted(t);
      this.#placed++;
    }
    this.#pending = [];
    let min: number | null = null;
    let atRisk = 0;
    let lost = 0;
    for (const [r, n] of this.#hist) {
      if (min === null || r < min) min = r;
      if (r === 0) atRisk += n;
      if (r < 0) lost += n;
    }
    return { placed: this.#placed, minRedundancy: min, atRisk, lost };
  }
}
