import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import type { Json } from '../../../src/lib/core/canonical-json';
import { defaultPolicies, parsePolicy, percent, policyHash, PolicyRegistry } from '../../../src/lib/core/economy';
import { G1, G2 } from './scenario';

const clone = (j: Json): { [k: string]: Json } => structuredClone(j) as { [k: string]: Json };

describe('policy documents', () => {
  it('the policy hash is SHA-256 of the canonical form (sorted keys, no spaces)', () => {
    const doc = { b: '1.000000000000000000', a: { z: 1, y: 2 } };
    expect(policyHash(doc)).toBe(createHash('sha256').update('{"a":{"y":2,"z":1},"b":"1.000000000000000000"}').digest('hex'));
  });
  it.each([
    ['a missing field', (p: { [k: string]: Json }) => delete (p.reward as { [k: string]: Json }).pool, 'reward must have exactly the fields'],
    ['an extra field', (p: { [k: string]: Json }) => ((p.aegis as { [k: string]: Json }).extra = 1), 'aegis must have exactly the fields'],
    ['a non-canonical amount', (p: { [k: string]: Json }) => ((p.reward as { [k: string]: Json }).pool = '1000'), 'reward.pool'],
    ['decay above 1', (p: { [k: string]: Json }) => ((p.ranking as { [k: string]: Json }).decay = '1.500000000000000000'), 'ranking.decay must be at most'],
    ['topN 0', (p: { [k: string]: Json }) => ((p.ranking as { [k: string]: Json }).topN = 0), 'ranking.topN must be an integer in 1..100'],
    ['an unknown scheme', (p: { [k: string]: Json }) => (p.storage = { scheme: 'raid' }), 'storage.scheme'],
    ['a wrong schema tag', (p: { [k: string]: Json }) => (p.schema = 'v0'), 'policy.schema']
  ])('rejects %s, naming the field', (_name, edit, msg) => {
    const p = clone(G1);
    edit(p);
    const r = parsePolicy(p);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(msg);
  });
  it('the four default policies are valid and each change alters reward, ranking and storage', () => {
    const ps = defaultPolicies(3);
    expect(ps.map((p) => p.fromEpoch)).toEqual([0, 3, 6, 9]);
    for (const p of ps) expect(parsePolicy(p.policy).ok).toBe(true);
    for (let i = 1; i < ps.length; i++) {
      const [a, b] = [ps[i - 1]!.policy as { [k: string]: Json }, ps[i]!.policy as { [k: string]: Json }];
      for (const k of ['reward', 'ranking', 'storage']) expect(JSON.stringify(a[k])).not.toBe(JSON.stringify(b[k]));
    }
  });
});

describe('PolicyRegistry', () => {
  it('returns the policy with the greatest fromEpoch ≤ epoch, and the epochs each covers', () => {
    const r = new PolicyRegistry();
    expect(r.activate({ fromEpoch: 0, policy: G1, version: 'g1' }, 0, 0)).toEqual([]);
    expect(r.activate({ fromEpoch: 5, policy: G2, version: 'g2' }, 1, 7)).toEqual([]);
    expect(r.getPolicyForEpoch(0)!.version).toBe('g1');
    expect(r.getPolicyForEpoch(4)!.version).toBe('g1');
    expect(r.getPolicyForEpoch(5)!.version).toBe('g2');
    expect(r.getPolicyForEpoch(99)!.version).toBe('g2');
    expect(r.ref(r.getPolicyForEpoch(4)!)).toEqual({ version: 'g1', hash: policyHash(G1), fromEpoch: 0, toEpoch: 4, activatedSeq: 0 });
    expect(r.verifyPolicyForEpoch(policyHash(G1), 4, 50).finding).toBeNull();
    expect(r.verifyPolicyForEpoch(policyHash(G2), 4, 50).finding).toMatchObject({ code: 'policy.mismatch', seq: 50, recorded: policyHash(G2), recomputed: policyHash(G1) });
    expect(r.verifyPolicyForEpoch('00'.repeat(32), 4, 51).finding).toMatchObject({ code: 'policy.unknown', seq: 51 });
  });
  it('refuses an activation that is not in the future, or an invalid document, as policy.invalid at its seq', () => {
    const r = new PolicyRegistry();
    expect(r.activate({ fromEpoch: 2, policy: G1, version: 'x' }, 2, 9)).toMatchObject([{ code: 'policy.invalid', seq: 9 }]);
    const bad = clone(G1);
    bad.reward = 'none';
    expect(r.activate({ fromEpoch: 0, policy: bad, version: 'y' }, 0, 3)).toMatchObject([{ code: 'policy.invalid', seq: 3 }]);
    expect(r.getPolicyForEpoch(10)).toBeNull();
    expect(r.verifyPolicyForEpoch(policyHash(G1), 10, 11).finding).toMatchObject({ code: 'policy.unknown' });
  });
});

describe('drift percentages', () => {
  it('are differing / compared × 100, two decimals, half up', () => {
    expect(percent(0, 0)).toBe('0.00');
    expect(percent(0, 5362)).toBe('0.00');
    expect(percent(1, 3)).toBe('33.33');
    expect(percent(2, 3)).toBe('66.67');
    expect(percent(1, 800)).toBe('0.13'); // 0.125 rounds up
    expect(percent(1, 1000)).toBe('0.10');
    expect(percent(1, 30000)).toBe('0.00'); // 0.0033 %
    expect(percent(7, 7)).toBe('100.00');
  });
});
