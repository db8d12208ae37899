import { describe, expect, it } from 'vitest';
import { defaultPolicies } from '../../../src/lib/core/economy';
import { Ledger } from './harness';

describe('honest ledger with the default policies', () => {
  it('replays with no findings and 0.00% drift', () => {
    const l = new Ledger();
    for (const p of defaultPolicies(2)) l.policy(p.version, p.fromEpoch, p.policy);
    for (let i = 1; i <= 6; i++) l.user(`u-00000${i}`);
    for (let i = 1; i <= 7; i++) l.node(`n-00${i}`, `z${i % 3}`);
    l.close();
    const cids: string[] = [];
    for (let e = 1; e <= 9; e++) {
      cids.push(l.publish(`u-00000${(e % 6) + 1}`, `content of epoch ${e} `.repeat(e)));
      for (let i = 1; i <= 6; i++) if ((i + e) % 3 !== 0) l.engage(`u-00000${i}`, cids[(i * e) % cids.length]!, (['view', 'like', 'share', 'comment'] as const)[(i + e) % 4]!, 1 + (i % 2));
      if (e === 5) l.revoke('n-003', 6);
      l.close();
    }
    expect(l.findings()).toEqual([]);
    const rep = l.replayer.report();
    expect(rep.differing).toBe(0);
    expect(rep.percent).toBe('0.00');
    expect(rep.closes.every((c) => c.balanced)).toBe(true);
    expect(l.log.some((x) => x.env.type === 'storage.proof')).toBe(true);
  });
});
