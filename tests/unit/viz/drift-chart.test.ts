import { describe, expect, it } from 'vitest';
import { layoutDrift } from '../../../src/lib/viz/drift-chart';
import type { EpochDrift } from '../../../src/lib/core/economy/drift';
import { DRIFT_KINDS } from '../../../src/lib/core/economy/drift';

const kinds = () => Object.fromEntries(DRIFT_KINDS.map((k) => [k, { compared: 0, differing: 0 }])) as EpochDrift['byKind'];
const ep = (epoch: number, percent: string, compared = 100, differing = 0): EpochDrift => ({ epoch, percent, compared, differing, byKind: kinds() });
const box = { width: 400, height: 200, margin: { top: 10, right: 10, bottom: 30, left: 40 } };

describe('layoutDrift', () => {
  it('draws an honest ledger as zero-height bars on a 0–1 % axis', () => {
    const c = layoutDrift([ep(0, '0.00'), ep(1, '0.00'), ep(2, '0.00')], box);
    expect(c.maxPercent).toBe(1);
    expect(c.bars.map((b) => b.height)).toEqual([0, 0, 0]);
    expect(c.bars.every((b) => b.y === c.zeroY)).toBe(true);
    expect(c.yTicks[0]!.label).toBe('0.00%');
    expect(c.yTicks.at(-1)!.label).toBe('1.00%');
  });

  it('scales bars by percent, tallest for the worst epoch', () => {
    const c = layoutDrift([ep(0, '0.00'), ep(1, '2.50', 40, 1), ep(2, '10.00', 10, 1)], box);
    const [a, b, d] = c.bars;
    expect(a!.height).toBe(0);
    expect(d!.height).toBeGreaterThan(b!.height);
    // 2.5 % is a quarter of the height of 10 % (linear, zero-based).
    expect(b!.height / d!.height).toBeCloseTo(0.25, 6);
    expect(d!.y + d!.height).toBeCloseTo(c.zeroY, 6);
  });

  it('keeps bars inside the plot and in epoch order', () => {
    const c = layoutDrift(Array.from({ length: 30 }, (_, i) => ep(i, i === 7 ? '3.00' : '0.00')), box);
    expect(c.bars.map((b) => b.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i));
    for (const b of c.bars) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(c.width + 1e-9);
    }
    expect(c.xTicks.length).toBeLessThanOrEqual(12);
  });
});
