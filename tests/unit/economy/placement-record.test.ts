// The placement column store (placement-record.ts) gives back every number a storage.place carried
// exactly: int32 values from its 4-byte columns, any other JS number (−0, fractions, beyond int32,
// NaN, ±Infinity) from the side map, as the Float64Array columns did before.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Placements, type PlacementInput, type RedundancyEntry } from '../../../src/lib/core/economy/placement-record';
import { RedundancyTracker } from '../../../src/lib/core/economy/redundancy';

const numbers = [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, -0, 0.5, 1e-300, NaN, Infinity, -Infinity];

function input(i: number, x: number): PlacementInput {
  const h = (b: number): Uint8Array => new Uint8Array(32).fill(b);
  return {
    cid: `c-${i}`, epoch: x, seq: numbers[(i + 1) % numbers.length]!, scheme: i % 2 ? 'replica' : 'erasure', k: numbers[(i + 2) % numbers.length]!, n: 2,
    size: numbers[(i + 3) % numbers.length]!, fragmentSize: numbers[(i + 4) % numbers.length]!, hashes: [h(i), h(i + 1)], nodes: ['n-1', 'n-2'], root: h(7),
    rootRecomputed: h(7), policyHash: 'p', matches: true, nodeIdentity: []
  };
}

describe('placement columns', () => {
  it('give back every number of a placement, its redundancy history and its proofs exactly', () => {
    const p = new Placements(() => undefined);
    // Over 2 chunks of rows (1,024 values each), every number in every field.
    const rows = 3000;
    for (let i = 0; i < rows; i++) {
      const x = input(i, numbers[i % numbers.length]!);
      const pl = p.add(x, null);
      pl.addProof({ seq: numbers[(i + 6) % numbers.length]!, epoch: numbers[(i + 7) % numbers.length]!, index: 1, valid: true });
    }
    for (let i = 0; i < rows; i++) {
      const x = input(i, numbers[i % numbers.length]!);
      const pl = p.get(x.cid)!;
      for (const f of ['epoch', 'seq', 'k', 'size', 'fragmentSize'] as const) expect(Object.is(pl[f], x[f]), `${f} of row ${i}: ${pl[f]} for ${x[f]}`).toBe(true);
      // Not counted by a redundancy close: no history.
      expect(pl.history).toEqual([]);
      const [proof] = pl.proofs(1);
      expect(Object.is(proof!.seq, numbers[(i + 6) % numbers.length]!)).toBe(true);
      expect(Object.is(proof!.epoch, numbers[(i + 7) % numbers.length]!)).toBe(true);
    }
  });
});

describe('redundancy history', () => {
  // The history is derived from each node's changes of standing (placement-record.ts); the
  // reference is the eager log it replaced: at each close, the live count of every row one of whose
  // nodes changed, logged when it differs from before the close, and every new row's count.
  function eager(closes: Array<{ epoch: number; statuses: Array<[number, boolean]>; added: number[][] }>): Map<number, RedundancyEntry[]> {
    const verified = new Map<number, boolean>();
    const rows: number[][] = [];
    const live: number[] = [];
    const hist = new Map<number, RedundancyEntry[]>();
    const k = 2;
    for (const c of closes) {
      const before = new Map<number, number>();
      for (const [node, now] of c.statuses) {
        if (now === (verified.get(node) ?? false)) continue;
        verified.set(node, now);
        rows.forEach((nodes, t) => {
          for (const n of nodes) {
            if (n !== node) continue;
            if (!before.has(t)) before.set(t, live[t]!);
            live[t]! += now ? 1 : -1;
          }
        });
      }
      for (const [t, old] of before) if (live[t] !== old) hist.get(t)!.push({ epoch: c.epoch, live: live[t]!, redundancy: live[t]! - k });
      for (const nodes of c.added) {
        const t = rows.push(nodes) - 1;
        live[t] = nodes.filter((n) => verified.get(n)).length;
        hist.set(t, [{ epoch: c.epoch, live: live[t]!, redundancy: live[t]! - k }]);
      }
    }
    return hist;
  }

  it('equals the eager log through random standings, repeated nodes and repeated epochs', () => {
    const node = fc.integer({ min: 0, max: 7 });
    const close = fc.record({
      epoch: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(-0, 0.5, 2 ** 40)),
      // The nodes looked at in this close (not always all, sometimes one twice) and their standing.
      statuses: fc.array(fc.tuple(node, fc.boolean()), { maxLength: 10 }),
      added: fc.array(fc.array(node, { minLength: 1, maxLength: 6 }), { maxLength: 4 })
    });
    fc.assert(
      fc.property(fc.array(close, { maxLength: 14 }), (closes) => {
        const p = new Placements(() => undefined);
        const tracker = new RedundancyTracker(p);
        const h = (b: number): Uint8Array => new Uint8Array(32).fill(b);
        let row = 0;
        const pending: number[][] = [];
        for (const c of closes) {
          // Rows placed since the last close are counted at this one, after its changes of standing.
          for (const nodes of c.added) {
            const pl = p.add({ cid: `c-${row++}`, epoch: 1, seq: row, scheme: 'erasure', k: 2, n: nodes.length, size: 1, fragmentSize: 1, hashes: nodes.map((_, j) => h(j)), nodes: nodes.map((n) => `n-${n}`), root: h(9), rootRecomputed: h(9), policyHash: 'p', matches: true, nodeIdentity: [] }, null);
            tracker.add(pl.row);
            pending.push(nodes);
          }
          const status = new Map(c.statuses.map(([n, v]) => [`n-${n}`, v]));
          tracker.close(c.epoch, c.statuses.map(([n]) => `n-${n}`), (id) => (status.get(id) ? 'verified' : 'revoked'));
        }
        // The reference sees each node's last standing in the close (the tracker reads it once per listed id).
        const ref = eager(closes.map((c) => ({ epoch: c.epoch, statuses: c.statuses.map(([n]) => [n, new Map(c.statuses).get(n)!] as [number, boolean]), added: c.added })));
        for (let t = 0; t < row; t++) {
          const got = p.get(`c-${t}`)!.history;
          const want = ref.get(t) ?? [];
          expect(got.length).toBe(want.length);
          got.forEach((g, j) => {
            expect(Object.is(g.epoch, want[j]!.epoch)).toBe(true);
            expect([g.live, g.redundancy]).toEqual([want[j]!.live, want[j]!.redundancy]);
          });
        }
      }),
      { numRuns: 500 }
    );
  });

  it('gives the same live counts, histories and summaries when a close gets the same node list object again', () => {
    // The replay passes the registry's node list, the same array until a node is attested; the
    // tracker keeps its standings by index in it. A copy per close (no reuse) is the reference.
    const node = fc.integer({ min: 0, max: 6 });
    const close = fc.record({
      // A new list (sometimes naming a node twice), or the previous one again.
      list: fc.option(fc.array(node, { minLength: 1, maxLength: 8 }), { freq: 3 }),
      verified: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      added: fc.array(fc.array(node, { minLength: 1, maxLength: 5 }), { maxLength: 3 })
    });
    fc.assert(
      fc.property(fc.array(close, { maxLength: 16 }), (closes) => {
        const run = (reuse: boolean): unknown[] => {
          const p = new Placements(() => undefined);
          const tracker = new RedundancyTracker(p);
          const h = (b: number): Uint8Array => new Uint8Array(32).fill(b);
          const out: unknown[] = [];
          let list: string[] = ['n-0'];
          let row = 0;
          closes.forEach((c, e) => {
            for (const nodes of c.added) {
              const pl = p.add({ cid: `c-${row++}`, epoch: e, seq: row, scheme: 'erasure', k: 2, n: nodes.length, size: 1, fragmentSize: 1, hashes: nodes.map((_, j) => h(j)), nodes: nodes.map((n) => `n-${n}`), root: h(9), rootRecomputed: h(9), policyHash: 'p', matches: true, nodeIdentity: [] }, null);
              tracker.add(pl.row);
            }
            if (c.list) list = c.list.map((n) => `n-${n}`);
            out.push(tracker.close(e, reuse ? list : [...list], (id) => (c.verified[Number(id.slice(2))] ? 'verified' : 'revoked')));
          });
          for (let t = 0; t < row; t++) out.push(p.get(`c-${t}`)!.live, p.get(`c-${t}`)!.history);
          return out;
        };
        expect(run(true)).toEqual(run(false));
      }),
      { numRuns: 500 }
    );
    // A list naming a node twice: its standing changes once (the second mention sees the first's change).
    const p = new Placements(() => undefined);
    const tracker = new RedundancyTracker(p);
    const h = (b: number): Uint8Array => new Uint8Array(32).fill(b);
    tracker.add(p.add({ cid: 'c', epoch: 0, seq: 1, scheme: 'erasure', k: 1, n: 1, size: 1, fragmentSize: 1, hashes: [h(1)], nodes: ['n-1'], root: h(9), rootRecomputed: h(9), policyHash: 'p', matches: true, nodeIdentity: [] }, null).row);
    const twice = ['n-1', 'n-1'];
    expect(tracker.close(0, twice, () => 'revoked')).toEqual({ placed: 1, minRedundancy: -1, atRisk: 0, lost: 1 });
    expect(tracker.close(1, twice, () => 'verified')).toEqual({ placed: 1, minRedundancy: 0, atRisk: 1, lost: 0 });
    expect(p.get('c')!.live).toBe(1);
    expect(p.get('c')!.history).toEqual([{ epoch: 0, live: 0, redundancy: -1 }, { epoch: 1, live: 1, redundancy: 0 }]);
  });
});
