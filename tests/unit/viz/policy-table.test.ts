import { describe, expect, it } from 'vitest';
import { groupRows, policyChanges, policyRows } from '../../../src/lib/viz/policy-table';
import { defaultPolicies } from '../../../src/lib/core/economy/policy';

describe('policy rows', () => {
  it('flattens to leaves in canonical key order with sections', () => {
    const rows = policyRows({ storage: { scheme: 'replica', r: 3 }, aegis: { minAttestationAge: 1 }, tags: ['a', 'b'], empty: {}, none: null });
    expect(rows.map((r) => `${r.path}=${r.value}`)).toEqual(['aegis.minAttestationAge=1', 'empty={}', 'none=null', 'storage.r=3', 'storage.scheme=replica', 'tags[0]=a', 'tags[1]=b']);
    expect(rows.find((r) => r.path === 'tags[1]')!.section).toBe('tags');
    expect(rows.find((r) => r.path === 'storage.r')!.section).toBe('storage');
  });

  it('refuses absurdly deep or large documents instead of hanging', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { x: deep };
    expect(() => policyRows(deep as never)).toThrow(RangeError);
    expect(() => policyRows(Array.from({ length: 20 }, (_, i) => i), 10)).toThrow(RangeError);
  });

  it('groups rows by section in order', () => {
    const g = groupRows(policyRows({ b: { x: 1, y: 2 }, a: 1 }));
    expect(g.map((x) => [x.section, x.rows.length])).toEqual([
      ['a', 1],
      ['b', 2]
    ]);
  });
});

describe('policy changes', () => {
  it('lists changed, added and removed fields', () => {
    const c = policyChanges({ storage: { scheme: 'erasure', k: 4, m: 2 }, v: 1 }, { storage: { scheme: 'replica', r: 3 }, v: 1 });
    expect(c).toEqual([
      { path: 'storage.k', section: 'storage', kind: 'removed', before: '4', after: null },
      { path: 'storage.m', section: 'storage', kind: 'removed', before: '2', after: null },
      { path: 'storage.r', section: 'storage', kind: 'added', before: null, after: '3' },
      { path: 'storage.scheme', section: 'storage', kind: 'changed', before: 'erasure', after: 'replica' }
    ]);
  });

  it('is empty between identical documents and finds the real changes between issuer policies', () => {
    const [p0, p1] = defaultPolicies(3);
    expect(policyChanges(p0!.policy, p0!.policy)).toEqual([]);
    const c = policyChanges(p0!.policy, p1!.policy);
    const pool = c.find((x) => x.path === 'reward.pool')!;
    expect(pool).toEqual({ path: 'reward.pool', section: 'reward', kind: 'changed', before: '1000.000000000000000000', after: '1200.000000000000000000' });
    expect(c.some((x) => x.path === 'reward.signalWeights.comment')).toBe(false); // 3 in both
    expect(c.find((x) => x.path === 'storage.scheme')!.after).toBe('replica');
  });
});
