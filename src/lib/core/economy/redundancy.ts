// Redundancy of stored content per epoch (docs/BUNDLE_FORMAT.md §10.4):
//   redundancy(content, e) = (fragments on nodes whose status at e is verified) − k
// i.e. how many further node losses the content survives. Kept incrementally: at each close only
// the nodes whose standing changed since the previous close are looked at, and only the
// placements holding a fragment on them are updated, so a close costs O(nodes + changes), not
// O(placements). A histogram of redundancy values gives the per-epoch summary.

import type { IdentityStatus } from '../types';

export interface Tracked {
  nodes: string[];
  k: number;
  /** Fragments on verified nodes as of the last close. */
  live: number;
  /** (epoch, live, redundancy) at each close where it changed, starting with the first close (an append-only log). */
  history: { push(entry: { epoch: number; live: number; redundancy: number }): unknown };
}

export interface RedundancySummary {
  placed: number;
  minRedundancy: number | null;
  /** Content that survives no further node loss (redundancy 0). */
  atRisk: number;
  /** Content that cannot be rebuilt from verified nodes (redundancy < 0). */
  lost: number;
}

export class RedundancyTracker {
  readonly #verified = new Map<string, boolean>();
  readonly #byNode = new Map<string, Tracked[]>();
  readonly #hist = new Map<number, number>();
  #pending: Tracked[] = [];
  #placed = 0;

  add(t: Tracked): void {
    this.#pending.push(t);
  }

  #count(redundancy: number, delta: number): void {
    const n = (this.#hist.get(redundancy) ?? 0) + delta;
    if (n === 0) this.#hist.delete(redundancy);
    else this.#hist.set(redundancy, n);
  }

  /** Bring every placement to its standing at the close of `epoch`. */
  close(epoch: number, nodes: readonly string[], statusOf: (node: string) => IdentityStatus): RedundancySummary {
    const before = new Map<Tracked, number>();
    for (const node of nodes) {
      const now = statusOf(node) === 'verified';
      if (now === (this.#verified.get(node) ?? false)) continue;
      this.#verified.set(node, now);
      for (const t of this.#byNode.get(node) ?? []) {
        if (!before.has(t)) before.set(t, t.live);
        t.live += now ? 1 : -1;
      }
    }
    for (const [t, old] of before) {
      if (t.live === old) continue;
      this.#count(old - t.k, -1);
      this.#count(t.live - t.k, 1);
      t.history.push({ epoch, live: t.live, redundancy: t.live - t.k });
    }
    for (const t of this.#pending) {
      t.live = 0;
      for (const node of t.nodes) {
        if (this.#verified.get(node)) t.live++;
        let list = this.#byNode.get(node);
        if (!list) this.#byNode.set(node, (list = []));
        list.push(t); // once per fragment: a node holding two fragments counts twice
      }
      this.#count(t.live - t.k, 1);
      t.history.push({ epoch, live: t.live, redundancy: t.live - t.k });
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
