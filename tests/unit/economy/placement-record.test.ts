// The placement column store (placement-record.ts) gives back every number a storage.place carried
// exactly: int32 values from its 4-byte columns, any other JS number (−0, fractions, beyond int32,
// NaN, ±Infinity) from the side map, as the Float64Array columns did before.

import { describe, expect, it } from 'vitest';
import { Placements, type PlacementInput } from '../../../src/lib/core/economy/placement-record';

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
      p.logRedundancy(pl.row, numbers[(i + 5) % numbers.length]!, 2);
      p.logRedundancy(pl.row, 7, 1);
      pl.addProof({ seq: numbers[(i + 6) % numbers.length]!, epoch: numbers[(i + 7) % numbers.length]!, index: 1, valid: true });
    }
    for (let i = 0; i < rows; i++) {
      const x = input(i, numbers[i % numbers.length]!);
      const pl = p.get(x.cid)!;
      for (const f of ['epoch', 'seq', 'k', 'size', 'fragmentSize'] as const) expect(Object.is(pl[f], x[f]), `${f} of row ${i}: ${pl[f]} for ${x[f]}`).toBe(true);
      const h = pl.history;
      expect(h.length).toBe(2);
      expect(Object.is(h[0]!.epoch, numbers[(i + 5) % numbers.length]!)).toBe(true);
      expect(Object.is(h[0]!.redundancy, 2 - x.k)).toBe(true);
      expect(h[1]!.epoch).toBe(7);
      const [proof] = pl.proofs(1);
      expect(Object.is(proof!.seq, numbers[(i + 6) % numbers.length]!)).toBe(true);
      expect(Object.is(proof!.epoch, numbers[(i + 7) % numbers.length]!)).toBe(true);
    }
  });
});
