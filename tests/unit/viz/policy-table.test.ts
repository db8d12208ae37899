import { describe, expect, it } from 'vitest';
import { groupRows, policyRows } from '../../../src/lib/viz/policy-table';
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

describe('issuer policies as rows', () => {
  it('shows every field of a real policy exactly as written', () => {
    const [p0] = defaultPolicies(3);
    const rows = policyRows(p0!.policy as never);
    const pool = rows.find((r) => r.path === 'reward.pool')!;
    expect(pool).toEqual({ path: 'reward.pool', section: 'reward', value: '1000.000000000000000000' });
    expect(rows.find((r) => r.path === 'storage.scheme')!.value).toBe('erasure');
    expect(groupRows(rows).map((g) => g.section)).toEqual(['aegis', 'ranking', 'reward', 'schema', 'storage']);
  });
});
