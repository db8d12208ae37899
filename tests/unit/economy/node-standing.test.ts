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
            const ids = l.identity.nodes();
            ids.forEach((id, i) => {
              const snap = { subject: id, status: l.identity.status(id, o.at), attestationSeq: l.identity.attestationSeq(id, o.at), revocationSeq: l.identity.revocationSeq(id, o.at) };
              snaps.set(id, snap);
              const first = l.identity.firstValidFrom(id);
              if (snap.status === 'verified' && first !== undefined && o.at - first >= o.age) want.push({ id, zone: l.identity.zone(id) });
              expect(r.nodeStatus(id, o.at)).toBe(snap.status);
              // With its index in the node list (the close's slot hint), and with a wrong index.
              expect(r.nodeStatus(id, o.at, i)).toBe(snap.status);
              expect(r.nodeStatus(id, o.at, (i + 1) % ids.length)).toBe(snap.status);
            });
            expect(got).toEqual(want);
            expect([...record]).toEqual([...snaps]);
          }
        }
      }),
      { numRuns: 500 }
    );
  });

  it('drops a node\'s kept standing at an AEGIS event about it, whatever epoch it was kept for', () => {
    // The standing of n-000 at 5 holds for [0, 11) (attested 0..10); a revocation from 3 and a
    // renewal change it inside that range, and eligibleNodes and nodeStatus (with its list index,
    // as the close passes it) must see that at once.
    const l = new Ledger();
    const r = l.replayer;
    const policy = { aegis: { minAttestationAge: 0 } } as EconomyPolicy;
    l.node('n-000', 'eu', 0, 10);
    l.node('n-001', 'us', 0, 10);
    const ids = (e: number): string[] => r.eligibleNodes(e, policy).map((x) => x.id);
    expect(ids(5)).toEqual(['n-000', 'n-001']);
    expect(ids(6)).toEqual(['n-000', 'n-001']);
    expect(r.nodeStatus('n-000', 5, 0)).toBe('verified');
    l.revoke('n-000', 3);
    expect(r.nodeStatus('n-000', 5, 0)).toBe('revoked');
    expect(ids(5)).toEqual(['n-001']);
    expect(r.nodeStatus('n-000', 2, 0)).toBe('verified');
    expect(ids(2)).toEqual(['n-000', 'n-001']);
    l.node('n-001', 'us', 8, 20);
    expect(ids(9)).toEqual(['n-001']);
    expect(r.nodeStatus('n-001', 5, 1)).toBe('pending');
    expect(ids(5)).toEqual([]);
  });
});
