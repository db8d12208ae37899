// The economy on a ledger from the reference issuer, verified by the real verifier (signatures,
// chain, checkpoints) with the replay plugged in: 0.00 % drift in every epoch, every pool
// balanced, and a reward from before a policy change explained with the older policy.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAmount } from '../../../src/lib/core/amount';
import { verifyBundle } from '../../../src/lib/core/verify-bundle';
import type { Replayer } from '../../../src/lib/core/economy';
import { nodeBackend } from '../../../src/cli/ed25519-node';
import { makeFixture, type Fixture } from '../ledger-fixture';

let fx: Fixture;
let replayer: Replayer;
let ok = false;
beforeAll(async () => {
  fx = await makeFixture(3000, 'economy-demo', 'replay');
  const { report, index } = await verifyBundle(fx.source(), { backend: nodeBackend, mode: 'audit' });
  ok = report.ok;
  if (!report.ok) console.log(report.failures.slice(0, 5));
  replayer = index!.replayer as unknown as Replayer;
}, 300_000);
afterAll(() => fx?.cleanup());

describe('economy on an issuer ledger', () => {
  it('verifies with 0.00% drift in every epoch', () => {
    expect(ok).toBe(true);
    const rep = replayer.report();
    expect(rep.epochs.length).toBeGreaterThanOrEqual(5);
    expect(rep.epochs.every((e) => e.percent === '0.00' && e.compared > 0)).toBe(true);
    expect(rep.differing).toBe(0);
    expect(rep.drift).toEqual([]);
    // every kind of value was actually compared
    const kinds = new Set(rep.epochs.flatMap((e) => Object.entries(e.byKind).filter(([, v]) => v.compared > 0).map(([k]) => k)));
    expect([...kinds].sort()).toEqual(['placement', 'policy', 'pool', 'proof', 'ranking', 'reward', 'state-root']);
  });
  it('rewards plus remainder equal the pool in every epoch', () => {
    for (const c of replayer.report().closes) {
      expect(c.balanced).toBe(true);
      expect(parseAmount(c.distributed) + parseAmount(c.remainder)).toBe(parseAmount(c.pool));
    }
  });
  it('a reward from before a policy change is explained with the older policy', () => {
    const entries = replayer.registry.entries();
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const change = entries[1]!.fromEpoch;
    const before = change - 1;
    const rewarded = replayer.epochRewards(before)!.rewarded[0]!;
    const x = replayer.explainReward(rewarded, before)!;
    expect(x.policy!.version).toBe(entries[0]!.version);
    expect(x.policy!.toEpoch).toBe(before);
    expect(x.matches).toBe(true);
    const after = replayer.epochRewards(change)!.rewarded[0]!;
    expect(replayer.explainReward(after, change)!.policy!.version).toBe(entries[1]!.version);
  });
});
