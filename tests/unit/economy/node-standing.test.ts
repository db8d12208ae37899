// The replay keeps each storage node's AEGIS standing between epochs (Replayer.eligibleNodes,
// nodeStatus) and re-evaluates it only at an AEGIS event about the node or across one of its
// boundary epochs. Under random attestations, re-attestations and revocations, queried at random
// epochs (forward and backward), it must give exactly what evaluating every node afresh gives.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EconomyPolicy } from '../../../src/lib/core/economy/policy';
import type { IdentitySummary } from '../../../src/lib/core/economy/explain';
import { Ledger } from './harness';

describe('storage node standing (eligibleNodes)', () => {
  it('equals a fresh evaluation of every node at every queried epoch', () => {
    const node = fc.integer({ min: 0, max: 5 });
    const epoch = fc.integer({ min: 0, max: 14 });
    const op = fc.oneof(
      fc.record({ t: fc.constant('attest' as const), node, from: epoch, span: fc.integer({ min: 0, max: 8 }), zone: fc.constantFrom('eu', 'us') }),
      fc.record({ t: fc.constant('revoke' as const), node, from: epoch }),
      fc.record({ t: fc.constant('next' as const) }),
      fc.record({ t: fc.constant('query' as const), at: epoch, age: fc.integer({ min: 0, max: 3 }) })
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const l = new Ledger();
        const r = l.replayer;
        const name = (i: number): string => `n-${String(i).padStart(3, '0')}`;
        for (const o of ops) {
          if (o.t === 'attest') l.node(name(o.node), o.zone, o.from, o.from + o.span);
          else if (o.t === 'revoke') l.revoke(name(o.node), o.from);
          else if (o.t === 'next') l.epoch++;
          else {
            const policy = { aegis: { minAttestationAge: o.age } } as EconomyPolicy;
            const record = new Map<string, IdentitySummary>();
            const got = r.eligibleNodes(o.at, policy, record).map((x) => ({ ...x }));
            const want: Array<{ id: string; zone: string | null }> = [];
            const snaps = new Map<string, IdentitySummary>();
            for (const id of l.identity.nodes()) {
              const snap = { subject: id, status: l.identity.status(id, o.at), attestationSeq: l.identity.attestationSeq(id, o.at), revocationSeq: l.identity.revocationSeq(id, o.at) };
              snaps.set(id, snap);
              const first = r.firstValidFrom.get(id);
              if (snap.status === 'verified' && first !== undefined && o.at - first >= o.age) want.push({ id, zone: l.identity.zone(id) });
              expect(r.nodeStatus(id, o.at)).toBe(snap.status);
            }
            expect(got).toEqual(want);
            expect([...record]).toEqual([...snaps]);
          }
        }
      }),
      { numRuns: 500 }
    );
  });
});
