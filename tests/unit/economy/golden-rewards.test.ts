// Golden reward explanations. Every expected number is derived by hand below from the formulas of
// docs/BUNDLE_FORMAT.md §10.2 for the scenario in scenario.ts (G1: pool 1000, from epoch 3 G2:
// pool 2000; both: view 1, like 2, share 5, comment 3, publication 10, streak bonus 0.1 per prior
// consecutive epoch up to 2, cap = min(300, pool × 0.4), minimum attestation age 1).
// Floors are at 18 decimals: floor(x) below means the atto-unit floor.

import { beforeAll, describe, expect, it } from 'vitest';
import { policyHash, type RewardExplanation } from '../../../src/lib/core/economy';
import { A } from './harness';
import { G1, G2, scenario, U1, U2, U3, U4, U5, type Scenario } from './scenario';

let s: Scenario;
beforeAll(() => {
  s = scenario();
});

const step = (x: RewardExplanation, id: string): string => x.steps.find((st) => st.id === id)!.value;
const explain = (account: string, epoch: number): RewardExplanation => {
  const x = s.l.replayer.explainReward(account, epoch);
  expect(x).not.toBeNull();
  return x!;
};

describe('golden rewards, epoch 1 (policy g1, pool 1000, everyone on streak 1: no bonus)', () => {
  // u1: published c1, c2 → 2 × 10 = 20.   u2: 3 views + 1 like + 1 comment = 3 + 2 + 3 = 8.
  // u3: 2 shares = 10.                       u4: 1 comment = 3, but attested from epoch 1: age 0 < 1.
  // W = 20 + 8 + 10 = 38 (u4 excluded). cap = min(300, 1000 × 0.4 = 400) = 300.
  it('u-000001: share 1000·20/38 = 526.315789473684210526, capped at 300', () => {
    const x = explain(U1, 1);
    expect(step(x, 'base')).toBe(A('20'));
    expect(step(x, 'publication-base')).toBe(A('20'));
    expect(step(x, 'total-weight')).toBe(A('38'));
    expect(step(x, 'pool-share')).toBe('526.315789473684210526');
    expect(step(x, 'cap')).toBe(A('300'));
    expect(x.recomputed).toBe(A('300'));
    expect(x.matches).toBe(true);
    expect(x.recorded?.amount).toBe(A('300'));
    expect(x.inputs.publications).toBe(2);
    expect(x.inputs.seqs).toHaveLength(2);
  });
  it('u-000002: floor(1000·8/38) = 210.526315789473684210 (uncapped)', () => {
    const x = explain(U2, 1);
    expect(step(x, 'signal-base')).toBe(A('8'));
    expect(x.inputs.signals).toEqual({ comment: 1, like: 1, share: 0, view: 3 });
    expect(x.recomputed).toBe('210.526315789473684210');
    expect(x.steps.find((st) => st.id === 'cap')!.label).toMatch(/not reached/);
  });
  it('u-000003: floor(1000·10/38) = 263.157894736842105263', () => {
    expect(explain(U3, 1).recomputed).toBe('263.157894736842105263');
  });
  it('u-000004: the attestation-age guard fails (age 0 < 1), reward 0, and none was recorded', () => {
    const x = explain(U4, 1);
    expect(step(x, 'base')).toBe(A('3'));
    expect(x.guards.map((g) => [g.name, g.pass])).toEqual([['aegis-verified', true], ['attestation-age', false]]);
    expect(x.recomputed).toBe(A('0'));
    expect(x.recorded).toBeNull();
    expect(x.matches).toBe(true);
  });
  it('epoch 1 totals: distributed 300 + 210.526315789473684210 + 263.157894736842105263 = 773.684210526315789473, remainder 226.315789473684210527', () => {
    const x = explain(U2, 1);
    expect(x.epochTotals).toEqual({ pool: A('1000'), totalWeight: A('38'), distributed: '773.684210526315789473', remainder: '226.315789473684210527', rewardedAccounts: 3 });
  });
});

describe('golden rewards, epoch 2 (streak 2 → bonus 0.1 × base; u-000005 revoked)', () => {
  // u1: 1 view = 1, bonus 0.1 → 1.1.   u2: 2 likes = 4, bonus 0.4 → 4.4.
  // u3: published c3 = 10, bonus 1 → 11.  u4: 1 share = 5, age 2 − 1 = 1 ≥ 1, bonus 0.5 → 5.5.
  // u5: 1 comment = 3, revoked from epoch 2 → ineligible.  W = 1.1 + 4.4 + 11 + 5.5 = 22.
  it('u-000001: 1000·1.1/22 = 50', () => {
    const x = explain(U1, 2);
    expect(step(x, 'streak')).toBe('2');
    expect(step(x, 'streak-bonus')).toBe(A('0.1'));
    expect(step(x, 'weight')).toBe(A('1.1'));
    expect(step(x, 'total-weight')).toBe(A('22'));
    expect(x.recomputed).toBe(A('50'));
  });
  it('u-000002: 1000·4.4/22 = 200', () => expect(explain(U2, 2).recomputed).toBe(A('200')));
  it('u-000003: 1000·11/22 = 500, capped at 300', () => {
    const x = explain(U3, 2);
    expect(step(x, 'pool-share')).toBe(A('500'));
    expect(x.recomputed).toBe(A('300'));
  });
  it('u-000004: 1000·5.5/22 = 250 (old enough now)', () => {
    const x = explain(U4, 2);
    expect(x.guards.every((g) => g.pass)).toBe(true);
    expect(x.recomputed).toBe(A('250'));
  });
  it('u-000005: revoked at epoch 2 → nothing; the explanation names the revocation seq', () => {
    const x = explain(U5, 2);
    expect(step(x, 'base')).toBe(A('3'));
    const g = x.guards.find((q) => q.name === 'aegis-verified')!;
    expect(g.pass).toBe(false);
    expect(x.identity.status).toBe('revoked');
    const revSeq = s.l.log.findIndex((e) => e.env.type === 'aegis.revoke' && (e.env.payload as { subject: string }).subject === U5);
    expect(x.identity.revocationSeq).toBe(revSeq);
    expect(g.reason).toContain(`seq ${revSeq}`);
    expect(x.recomputed).toBe(A('0'));
  });
});

describe('golden rewards, epochs 3–4 (policy g2: pool 2000, cap min(300, 800) = 300)', () => {
  // Epoch 3: u2 1 share = 5, streak 3 → bonus epochs min(2, 2) = 2 → 5 × 0.2 = 1 → 6.
  // u1 1 like = 2, streak 3 → 2.4.  u4 1 view = 1, streak 3 → 1.2.  W = 9.6.
  it('epoch 3: u-000004 gets 2000·1.2/9.6 = 250; u-000001 2000·2.4/9.6 = 500 → 300; u-000002 1250 → 300', () => {
    expect(explain(U4, 3).recomputed).toBe(A('250'));
    const x1 = explain(U1, 3);
    expect(step(x1, 'weight')).toBe(A('2.4'));
    expect(x1.recomputed).toBe(A('300'));
    const x2 = explain(U2, 3);
    expect(step(x2, 'streak-bonus')).toBe(A('1'));
    expect(step(x2, 'pool-share')).toBe(A('1250'));
    expect(x2.recomputed).toBe(A('300'));
    expect(x2.epochTotals?.remainder).toBe(A('1150'));
  });
  // Epoch 4: u1 published c4 = 10, streak 4 → bonus epochs min(3, 2) = 2 → 12.
  // u2 2 views = 2, streak 4 → 2.4.  u3 1 view = 1, inactive at 3 → streak 1 → 1.  W = 15.4.
  it('epoch 4: the streak maximum holds (u-000001 bonus 2 = 10 × 0.1 × 2), u-000003 restarts at streak 1', () => {
    const x1 = explain(U1, 4);
    expect(step(x1, 'streak')).toBe('4');
    expect(step(x1, 'streak-bonus')).toBe(A('2'));
    expect(step(x1, 'pool-share')).toBe('1558.441558441558441558'); // floor(2000·12/15.4)
    expect(x1.recomputed).toBe(A('300'));
    expect(explain(U2, 4).recomputed).toBe(A('300')); // floor(2000·2.4/15.4) = 311.688311688311688311 > 300
    const x3 = explain(U3, 4);
    expect(step(x3, 'streak')).toBe('1');
    expect(x3.recomputed).toBe('129.870129870129870129'); // floor(2000/15.4)
    // remainder = 2000 − (300 + 300 + 129.870129870129870129) = 1270.129870129870129871
    expect(x3.epochTotals?.remainder).toBe('1270.129870129870129871');
  });
});

describe('policy time travel and conservation', () => {
  it('a reward from before the policy change is explained with the older policy', () => {
    const before = explain(U1, 2);
    const after = explain(U1, 3);
    expect(before.policy).toMatchObject({ version: 'g1', hash: policyHash(G1), fromEpoch: 0, toEpoch: 2 });
    expect(after.policy).toMatchObject({ version: 'g2', hash: policyHash(G2), fromEpoch: 3, toEpoch: null });
    expect(step(before, 'pool')).toBe(A('1000'));
    expect(step(after, 'pool')).toBe(A('2000'));
    // and the recorded reward.allocate of epoch 2 carries g1's hash
    const rec = s.l.log[before.seq!]!.env;
    expect(rec.type).toBe('reward.allocate');
    expect(rec.policy).toBe(policyHash(G1));
  });
  it('rewards plus remainder equal the pool in every epoch, and balances add up', () => {
    const rep = s.l.replayer.report();
    expect(rep.closes.map((c) => c.pool)).toEqual([A('1000'), A('1000'), A('1000'), A('2000'), A('2000')]);
    expect(rep.closes.every((c) => c.balanced)).toBe(true);
    // u1: 300 + 50 + 300 + 300 = 950; u2: 210.526315789473684210 + 200 + 300 + 300;
    // u3: 263.157894736842105263 + 300 + 129.870129870129870129; u4: 250 + 250;
    // treasury: 1000 + 226.315789473684210527 + 200 + 1150 + 1270.129870129870129871.
    expect(s.l.replayer.accounts()).toEqual([
      { account: 'treasury', rewards: 0, total: '3846.445659603554340398' },
      { account: U1, rewards: 4, total: A('950') },
      { account: U2, rewards: 4, total: '1010.526315789473684210' },
      { account: U3, rewards: 3, total: '693.028024606971975392' },
      { account: U4, rewards: 2, total: A('500') },
      { account: U5, rewards: 0, total: A('0') }
    ]);
    // 950 + 1010.526315789473684210 + 693.028024606971975392 + 500 + 3846.445659603554340398 = 7000 = Σ pools
  });
  it('the honest scenario has no finding and 0.00% drift', () => {
    expect(s.l.findings()).toEqual([]);
    const rep = s.l.replayer.report();
    expect(rep.epochs.map((e) => e.percent)).toEqual(['0.00', '0.00', '0.00', '0.00', '0.00']);
    expect(rep.compared).toBeGreaterThan(20);
  });
});
