import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../../src/lib/core/amount';
import { layoutWaterfall, waterfallBars } from '../../../src/lib/viz/waterfall';

const A = (s: string) => parseAmount(s);
const box = { width: 600, height: 300, margin: { top: 10, right: 10, bottom: 30, left: 50 } };

// base 10 → +2.5 streak → +1.25 quality → pool share scales to 9.000000000000000001 → cap at 5 → final 5
const steps = [
  { label: 'Base', value: A('10.000000000000000000') },
  { label: 'Streak bonus', value: A('12.500000000000000000') },
  { label: 'Quality bonus', value: A('13.750000000000000000') },
  { label: 'Pool share', value: A('9.000000000000000001') },
  { label: 'Cap', value: A('5.000000000000000000') },
  { label: 'Final', value: A('5.000000000000000000'), total: true }
];

describe('waterfall bars', () => {
  it('derives exact signed deltas from running values', () => {
    const bars = waterfallBars(steps);
    expect(bars.map((b) => b.kind)).toEqual(['total', 'increase', 'increase', 'decrease', 'decrease', 'total']);
    expect(bars.map((b) => b.delta)).toEqual([
      A('10.000000000000000000'),
      A('2.500000000000000000'),
      A('1.250000000000000000'),
      -(A('13.750000000000000000') - A('9.000000000000000001')),
      -A('4.000000000000000001'),
      A('5.000000000000000000')
    ]);
    expect(bars[3]!.from).toBe(A('13.750000000000000000'));
    expect(bars[5]!.from).toBe(0n);
    // the sum of changes after the base equals final − base, to the atto-unit
    const changes = bars.slice(1, 5).reduce((s, b) => s + b.delta, 0n);
    expect(bars[0]!.to + changes).toBe(bars[5]!.to);
  });

  it('marks a step that changes nothing as unchanged', () => {
    const bars = waterfallBars([{ label: 'Base', value: 5n }, { label: 'Guard: verified identity', value: 5n }]);
    expect(bars[1]!.kind).toBe('unchanged');
    expect(bars[1]!.delta).toBe(0n);
  });

  it('rejects an empty explanation and non-bigint values', () => {
    expect(() => waterfallBars([])).toThrow(RangeError);
    expect(() => waterfallBars([{ label: 'x', value: 5 as unknown as bigint }])).toThrow(TypeError);
  });
});

describe('waterfall layout', () => {
  const layout = layoutWaterfall(steps, box);
  it('floating bars span from the previous value to the new one', () => {
    const [base, streak, quality, share] = layout.rects;
    // streak bar's bottom sits at the base bar's top, its top at the quality bar's bottom
    expect(streak!.y + streak!.height).toBeCloseTo(base!.y, 6);
    expect(quality!.y + quality!.height).toBeCloseTo(streak!.y, 6);
    // the pool share decrease hangs from the top of the quality bar
    expect(share!.y).toBeCloseTo(quality!.y, 6);
    expect(layout.rects.every((r) => r.x >= 0 && r.x + r.width <= layout.inner.width + 1e-9)).toBe(true);
  });

  it('bars are ordered left to right and connectors join consecutive levels', () => {
    for (let i = 1; i < layout.rects.length; i++) expect(layout.rects[i]!.x).toBeGreaterThan(layout.rects[i - 1]!.x);
    const base = layout.rects[0]!;
    expect(base.connector!.y).toBeCloseTo(base.y, 6);
    expect(layout.rects.at(-1)!.connector).toBeNull();
  });

  it('the final total is drawn from zero with the same height as the cap step ends at', () => {
    const final = layout.rects.at(-1)!;
    expect(final.y + final.height).toBeCloseTo(layout.inner.height, 6);
    expect(final.y).toBeCloseTo(layout.rects[4]!.y + layout.rects[4]!.height, 6);
  });

  it('gives ticks in ATR that cover the largest running value', () => {
    const top = Math.max(...layout.yTicks.map((t) => t.value));
    expect(top).toBeGreaterThanOrEqual(13.75);
    expect(layout.yTicks.map((t) => t.label)).toContain('0');
  });

  it('keeps a visible hairline for unchanged steps', () => {
    const l = layoutWaterfall([{ label: 'Base', value: A('3.000000000000000000') }, { label: 'Guard', value: A('3.000000000000000000') }], box);
    expect(l.rects[1]!.height).toBeGreaterThan(0);
  });
});

describe('axis label wrapping', () => {
  it('keeps short labels, wraps at spaces into two lines, elides the rest', async () => {
    const { wrapLabel } = await import('../../../src/lib/viz/waterfall');
    expect(wrapLabel('Reward', 12)).toEqual(['Reward']);
    expect(wrapLabel('Engagement signals', 12)).toEqual(['Engagement', 'signals']);
    expect(wrapLabel('Pro-rata share of the pool', 12)).toEqual(['Pro-rata', 'share of th…']);
    expect(wrapLabel('Supercalifragilistic', 8)).toEqual(['Superca…']);
    expect(wrapLabel('abc', 2)).toEqual(['a…']);
  });
});
