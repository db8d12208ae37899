import { describe, expect, it } from 'vitest';
import { parseAmount, units } from '../../../src/lib/core/amount';
import { amountToNumber, axisLabel, innerSize } from '../../../src/lib/viz/amount-scale';
import { layoutBars } from '../../../src/lib/viz/bars';

const box = { width: 500, height: 200, margin: { top: 10, right: 10, bottom: 20, left: 40 } };

describe('amount scale', () => {
  it('converts atto-units to ATR floats for geometry', () => {
    expect(amountToNumber(parseAmount('1234.500000000000000000'))).toBe(1234.5);
    expect(amountToNumber(parseAmount('0.000001000000000000'))).toBe(0.000001);
    expect(amountToNumber(-units(3))).toBe(-3);
    expect(() => amountToNumber(3 as unknown as bigint)).toThrow(TypeError);
  });
  it('labels axes compactly', () => {
    expect(axisLabel(0)).toBe('0');
    expect(axisLabel(1500)).toBe('1.5k');
    expect(axisLabel(2_000_000)).toBe('2M');
    expect(axisLabel(0.25)).toBe('0.25');
    expect(axisLabel(-1200)).toBe('−1.2k');
  });
  it('refuses a box with no room', () => {
    expect(() => innerSize({ width: 40, height: 100, margin: { top: 0, right: 20, bottom: 0, left: 20 } })).toThrow(RangeError);
  });
});

describe('reward bars', () => {
  const rows = [
    { epoch: 3, amount: units(4) },
    { epoch: 1, amount: units(2) },
    { epoch: 2, amount: 0n, matches: false }
  ];
  const l = layoutBars(rows, box);
  it('sorts by epoch and scales heights proportionally to amounts', () => {
    expect(l.bars.map((b) => b.epoch)).toEqual([1, 2, 3]);
    expect(l.bars[1]!.height).toBe(0);
    expect(l.bars[2]!.height / l.bars[0]!.height).toBeCloseTo(2, 9);
    expect(l.bars[1]!.matches).toBe(false);
    expect(l.bars[0]!.matches).toBe(true);
    for (const b of l.bars) expect(b.y + b.height).toBeCloseTo(l.inner.height, 9);
  });
  it('has one x tick per epoch when there are few and thins them when there are many', () => {
    expect(l.xTicks.map((t) => t.label)).toEqual(['1', '2', '3']);
    const many = layoutBars(Array.from({ length: 60 }, (_, i) => ({ epoch: i, amount: units(i) })), box);
    expect(many.xTicks.length).toBeLessThanOrEqual(12);
    expect(many.xTicks[0]!.label).toBe('0');
  });
  it('rejects a duplicated epoch', () => {
    expect(() => layoutBars([{ epoch: 1, amount: 1n }, { epoch: 1, amount: 2n }], box)).toThrow(RangeError);
  });
  it('an all-zero series still has a usable axis', () => {
    const z = layoutBars([{ epoch: 0, amount: 0n }], box);
    expect(z.yTicks.length).toBeGreaterThan(1);
  });
});

describe('summary amounts and formulas', () => {
  it('truncates, groups and never rounds up', async () => {
    const { shortAmount } = await import('../../../src/lib/viz/amount-scale');
    expect(shortAmount(parseAmount('701.028703457533987308'))).toBe('701.02 ATR');
    expect(shortAmount(parseAmount('1234567.999999999999999999'))).toBe('1,234,567.99 ATR');
    expect(shortAmount(0n, 'pts')).toBe('0.00 pts');
    expect(shortAmount(parseAmount('5.500000000000000000'), 'ATR', 0)).toBe('5 ATR');
    expect(() => shortAmount(-1n)).toThrow(TypeError);
  });
  it('trims canonical amounts inside formula text only', async () => {
    const { prettyFormula } = await import('../../../src/lib/viz/amount-scale');
    expect(prettyFormula('2 comment × 3.000000000000000000 + 5 like × 0.150000000000000000')).toBe('2 comment × 3 + 5 like × 0.15');
    expect(prettyFormula('floor(pool × 0.050000000000000000) seq 12345')).toBe('floor(pool × 0.05) seq 12345');
    expect(prettyFormula('1.5 stays')).toBe('1.5 stays');
  });
});
