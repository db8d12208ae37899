// Golden rankings, derived by hand from docs/BUNDLE_FORMAT.md §10.3 for scenario.ts:
// score_e = own_e + floor(decay × score_{e−1}); ranking weights view 1, like 3, share 5, comment 2;
// g1 (epochs 0–2): decay 0.5, top 3; g2 (from 3): decay 0.25, top 2. Order: score desc, cid asc.

import { beforeAll, describe, expect, it } from 'vitest';
import type { RankingExplanation } from '../../../src/lib/core/economy';
import { A } from './harness';
import { scenario, type Scenario } from './scenario';

let s: Scenario;
beforeAll(() => {
  s = scenario();
});
const explain = (cid: string, epoch: number): RankingExplanation => s.l.replayer.explainRanking(cid, epoch)!;
const step = (x: RankingExplanation, id: string): string => x.steps.find((st) => st.id === id)!.value;
const published = (epoch: number): Array<{ cid: string; rank: number; score: string }> =>
  (s.l.log.find((e) => e.env.type === 'ranking.publish' && e.env.epoch === epoch)!.env.payload as { entries: Array<{ cid: string; rank: number; score: string }> }).entries;

describe('golden rankings', () => {
  it('epoch 1: c2 = like 3 + 2 shares 10 = 13 ranks above c1 = 3 views 3 + 2 comments 4 = 7', () => {
    const x2 = explain(s.c2, 1);
    expect(step(x2, 'own')).toBe(A('13'));
    expect(x2.rank).toBe(1);
    const x1 = explain(s.c1, 1);
    expect(step(x1, 'own')).toBe(A('7'));
    expect(x1.inputs.signals).toEqual({ comment: 2, like: 0, share: 0, view: 3 });
    expect(x1.rank).toBe(2);
    expect(x1.matches).toBe(true);
    expect(published(1)).toEqual([
      { cid: s.c2, rank: 1, score: A('13') },
      { cid: s.c1, rank: 2, score: A('7') }
    ]);
  });
  it('epoch 2: c1 = own 2 likes 6 + share 5 = 11, carried 0.5 × 7 = 3.5 → 14.5 overtakes c2 = 3 + 6.5 = 9.5', () => {
    const x1 = explain(s.c1, 2);
    expect(step(x1, 'own')).toBe(A('11'));
    expect(step(x1, 'previous')).toBe(A('7'));
    expect(step(x1, 'carried')).toBe(A('3.5'));
    expect(step(x1, 'score')).toBe(A('14.5'));
    expect(x1.rank).toBe(1);
    const x2 = explain(s.c2, 2);
    expect(step(x2, 'score')).toBe(A('9.5'));
    expect(x2.rank).toBe(2);
    expect(x2.neighbours).toEqual([{ rank: 1, cid: s.c1, score: A('14.5') }]);
  });
  it('epoch 2: c3, published without engagement, is unranked (score 0)', () => {
    const x3 = explain(s.c3, 2);
    expect(x3.rank).toBeNull();
    expect(x3.recomputed.score).toBe(A('0'));
    expect(published(2).map((e) => e.cid)).toEqual([s.c1, s.c2]);
  });
  it('epoch 3 (g2, decay 0.25, top 2): c3 = share 5 + like 3 = 8; c1 = 1 + 3.625 = 4.625; c2 = 2.375 falls out of the top 2', () => {
    expect(step(explain(s.c3, 3), 'score')).toBe(A('8'));
    const x1 = explain(s.c1, 3);
    expect(step(x1, 'carried')).toBe(A('3.625'));
    expect(step(x1, 'score')).toBe(A('4.625'));
    expect(x1.policy?.version).toBe('g2');
    const x2 = explain(s.c2, 3);
    expect(x2.rank).toBe(3);
    expect(x2.inTop).toBe(false);
    expect(x2.recorded?.rank).toBeNull();
    expect(x2.matches).toBe(true);
    expect(published(3)).toEqual([
      { cid: s.c3, rank: 1, score: A('8') },
      { cid: s.c1, rank: 2, score: A('4.625') }
    ]);
  });
  it('epoch 4: c3 (carried 0.25 × 8 = 2) and c4 (2 views = 2) tie at 2; the lower cid ranks first', () => {
    // c1 = 1 view + floor(0.25 × 4.625) = 1 + 1.15625 = 2.15625 is first.
    expect(step(explain(s.c1, 4), 'score')).toBe(A('2.15625'));
    const [low, high] = [s.c3, s.c4].sort();
    expect(explain(low!, 4).rank).toBe(2);
    expect(explain(high!, 4).rank).toBe(3);
    expect(step(explain(s.c2, 4), 'score')).toBe(A('0.59375')); // floor(0.25 × 2.375)
    expect(published(4)).toEqual([
      { cid: s.c1, rank: 1, score: A('2.15625') },
      { cid: low, rank: 2, score: A('2') }
    ]);
  });
});

describe('explaining outside the ledger', () => {
  it('gives null for a future epoch, an unknown cid or an unknown account', () => {
    expect(s.l.replayer.explainRanking(s.c1, 99)).toBeNull();
    expect(s.l.replayer.explainRanking('ab'.repeat(32), 2)).toBeNull();
    expect(s.l.replayer.explainReward('u-000001', 99)).toBeNull();
    expect(s.l.replayer.explainReward('u-999999', 2)).toBeNull();
    expect(s.l.replayer.explainPlacement('ab'.repeat(32))).toBeNull();
  });
});
