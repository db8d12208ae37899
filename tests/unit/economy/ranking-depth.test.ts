// Rankings keep the first RANK_DEPTH ranks per closed epoch plus every engaged cid; a cid outside
// both is explained by carrying its last kept score forward with each epoch's decay (§10.3).

import { describe, expect, it } from 'vitest';
import { RANK_DEPTH } from '../../../src/lib/core/economy/ranking';
import { A, Ledger } from './harness';
import { G1 } from './scenario';

describe('ranking depth', () => {
  it('explains a cid beyond the kept ranks from its carried score', () => {
    const l = new Ledger();
    l.policy('g1', 0, G1); // view weight 1, decay 0.5, top 3
    l.user('u-000001');
    l.user('u-000002');
    l.close();
    const cids: string[] = [];
    const n = RANK_DEPTH + 5;
    for (let i = 1; i <= n; i++) cids.push(l.publish('u-000001', `item ${i}`));
    // item i gets i views: score_1 = i, so item 1 ranks last (rank n) in epoch 1
    for (let i = 1; i <= n; i++) l.engage('u-000002', cids[i - 1]!, 'view', i);
    l.close();
    l.close(); // epoch 2: no engagement
    l.close(); // epoch 3
    expect(l.findings()).toEqual([]);
    const first = l.replayer.explainRanking(cids[n - 1]!, 3)!;
    expect(first.rank).toBe(1);
    // item 1 at epoch 1: own 1 (rank n, beyond the kept depth but engaged, so kept)
    const e1 = l.replayer.explainRanking(cids[0]!, 1)!;
    expect(e1.recomputed.score).toBe(A('1'));
    expect(e1.rank).toBeNull();
    expect(e1.rankedCount).toBe(n);
    expect(e1.rankDepth).toBe(RANK_DEPTH);
    // epoch 3: 1 × 0.5 × 0.5 = 0.25, reconstructed: previous 0.5, carried 0.25
    const e3 = l.replayer.explainRanking(cids[0]!, 3)!;
    const step = (id: string): string => e3.steps.find((s) => s.id === id)!.value;
    expect([step('own'), step('previous'), step('carried'), step('score')]).toEqual([A('0'), A('0.5'), A('0.25'), A('0.25')]);
    expect(e3.rank).toBeNull();
    // and a kept one agrees with the same arithmetic: item n at epoch 3 = n / 4
    expect(first.recomputed.score).toBe(A(String(n / 4)));
  });
});
