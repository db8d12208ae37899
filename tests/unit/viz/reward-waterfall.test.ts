// The explanation below is written by hand from the formulas of BUNDLE_FORMAT.md §10.2 (policy
// econ-1.0.0: comment 3, like 2, share 5, view 1, publication 10, streak bonus 0.1, streak max 5,
// pool 1000, cap min(100, 5 % of 1000 = 50)):
//   4 comments, 10 likes, 1 share, 20 views → 12 + 20 + 5 + 20 = 57; 2 publications → 20; base 77
//   streak 3 → bonus epochs min(2, 5) = 2 → bonus floor(77 × 0.1 × 2) = 15.4; weight 92.4
//   total weight 1000 → share floor(1000 × 92.4 / 1000) = 92.4 → capped at 50.
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../../src/lib/core/amount';
import { rewardWaterfalls } from '../../../src/lib/viz/reward-waterfall';
import { waterfallBars } from '../../../src/lib/viz/waterfall';

const A = (s: string) => `${s.split('.')[0]}.${(s.split('.')[1] ?? '').padEnd(18, '0')}`;
const steps = [
  { id: 'signal-base', label: 'Engagement signals', value: A('57'), formula: '4 comment × 3 + 10 like × 2 + 1 share × 5 + 20 view × 1' },
  { id: 'publication-base', label: 'Content published', value: A('20'), formula: '2 × 10' },
  { id: 'base', label: 'Base', value: A('77'), formula: 'signals + publications' },
  { id: 'streak', label: 'Consecutive active epochs', value: '3', formula: 'bonus epochs = min(streak − 1, 5) = 2' },
  { id: 'streak-bonus', label: 'Streak bonus', value: A('15.4'), formula: 'floor(base × 0.1 × 2)' },
  { id: 'weight', label: 'Reward weight', value: A('92.4'), formula: 'base + streak bonus' },
  { id: 'pool', label: 'Epoch emission pool', value: A('1000'), formula: 'policy econ-1.0.0' },
  { id: 'total-weight', label: 'Weight of all eligible accounts', value: A('1000'), formula: 'Σ weight' },
  { id: 'pool-share', label: 'Pro-rata share of the pool', value: A('92.4'), formula: 'floor(pool × weight / total weight)' },
  { id: 'cap-per-account', label: 'Cap per account', value: A('100'), formula: '' },
  { id: 'cap-share-of-pool', label: 'Cap as share of pool', value: A('50'), formula: '' },
  { id: 'cap', label: 'Cap applied', value: A('50'), formula: 'min(cap per account, cap as share of pool)' },
  { id: 'final', label: 'Reward', value: A('50'), formula: 'min(pool share, cap)' }
];

describe('reward waterfalls', () => {
  it('weight panel: signals, + publications, + streak bonus, = weight', () => {
    const w = rewardWaterfalls(steps);
    const bars = waterfallBars(w.weight);
    expect(bars.map((b) => [b.kind, b.delta])).toEqual([
      ['total', parseAmount(A('57'))],
      ['increase', parseAmount(A('20'))],
      ['increase', parseAmount(A('15.4'))],
      ['total', parseAmount(A('92.4'))]
    ]);
  });

  it('payout panel: the cap takes 42.4 ATR off the 92.4 share, reward 50', () => {
    const w = rewardWaterfalls(steps);
    expect(w.capped).toBe(true);
    const bars = waterfallBars(w.payout);
    expect(bars.map((b) => [b.kind, b.delta])).toEqual([
      ['total', parseAmount(A('92.4'))],
      ['decrease', -parseAmount(A('42.4'))],
      ['total', parseAmount(A('50'))]
    ]);
    expect(bars[1]!.label).toBe('Cap (50)');
  });

  it('an uncapped reward shows the cap step as unchanged', () => {
    const s = steps.map((x) => (x.id === 'final' ? { ...x, value: A('92.4') } : x));
    const w = rewardWaterfalls(s);
    expect(w.capped).toBe(false);
    expect(waterfallBars(w.payout)[1]!.kind).toBe('unchanged');
    expect(w.payout[1]!.label).toBe('Cap not reached');
  });

  it('refuses an explanation whose steps do not add up, or that lacks a step', () => {
    expect(() => rewardWaterfalls(steps.map((x) => (x.id === 'base' ? { ...x, value: A('78') } : x)))).toThrow(/signals \+ publications/);
    expect(() => rewardWaterfalls(steps.map((x) => (x.id === 'weight' ? { ...x, value: A('92.5') } : x)))).toThrow(/weight/);
    expect(() => rewardWaterfalls(steps.map((x) => (x.id === 'final' ? { ...x, value: A('93') } : x)))).toThrow(/exceeds/);
    expect(() => rewardWaterfalls(steps.filter((x) => x.id !== 'cap'))).toThrow(/no step "cap"/);
  });
});
