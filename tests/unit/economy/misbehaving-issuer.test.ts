// A misbehaving issuer: each test tampers with one operator event of the golden scenario (the
// events stay correctly "signed": the economy replay never sees signatures) and checks that the
// replay flags it at the exact seq with the right code, and that the drift figure counts it.

import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/lib/core/canonical-json';
import type { FindingCode } from '../../../src/lib/core/types';
import { policyHash, type ExpectedEvent } from '../../../src/lib/core/economy';
import { A } from './harness';
import { G2, scenario, U2, U5 } from './scenario';

type Obj = { [k: string]: Json };
const payload = (e: ExpectedEvent): Obj => e.payload as Obj;

/** Run the scenario with `edit` applied to epoch `epoch`'s operator events; return the tampered seq. */
function run(epoch: number, edit: (events: ExpectedEvent[]) => { events: ExpectedEvent[]; index: number }) {
  let index = -1;
  const s = scenario((e) =>
    e === epoch
      ? (events) => {
          const r = edit(events);
          index = r.index;
          return r.events;
        }
      : undefined
  );
  const first = s.l.log.findIndex((x) => x.env.epoch === epoch && ['ranking.publish', 'reward.allocate', 'storage.place', 'storage.proof', 'epoch.close'].includes(x.env.type));
  return { s, seq: first + index };
}

function expectFlagged(r: ReturnType<typeof run>, code: FindingCode, epoch: number): void {
  const at = r.s.l.log[r.seq]!.findings;
  expect(at.map((f) => f.code)).toContain(code);
  const f = at.find((x) => x.code === code)!;
  expect(f.seq).toBe(r.seq);
  // nothing is flagged before the tampered event
  expect(r.s.l.log.slice(0, r.seq).flatMap((x) => x.findings)).toEqual([]);
  const rep = r.s.l.replayer.report();
  const d = rep.epochs.find((x) => x.epoch === epoch)!;
  expect(d.differing).toBeGreaterThan(0);
  expect(d.percent).not.toBe('0.00');
  expect(rep.drift.some((i) => i.seq === r.seq)).toBe(true);
}

describe('misbehaving issuer', () => {
  it('a wrong reward amount is reward.mismatch with both values', () => {
    const r = run(2, (ev) => {
      const i = ev.findIndex((e) => e.type === 'reward.allocate' && payload(e).account === U2);
      payload(ev[i]!).amount = A('200.000000000000000001');
      return { events: ev, index: i };
    });
    expectFlagged(r, 'reward.mismatch', 2);
    const f = r.s.l.log[r.seq]!.findings.find((x) => x.code === 'reward.mismatch')!;
    expect([f.recorded, f.recomputed]).toEqual(['200.000000000000000001', A('200')]);
    // the close then disagrees with the allocations, and the replayed state root ignores the bad value
    expect(r.s.l.findings().map((x) => x.code)).toContain('reward.pool-mismatch');
    expect(r.s.l.replayer.explainReward(U2, 2)!.matches).toBe(false);
  });
  it('a reward to a revoked account is reward.ineligible', () => {
    const r = run(2, (ev) => {
      const i = ev.findIndex((e) => e.type === 'reward.allocate');
      ev.splice(i, 0, { ...ev[i]!, payload: { account: U5, amount: A('1'), epoch: 2 } });
      return { events: ev, index: i };
    });
    expectFlagged(r, 'reward.ineligible', 2);
  });
  it('a duplicated reward is reward.duplicate, a dropped one reward.missing at the close', () => {
    const dup = run(1, (ev) => {
      const i = ev.findIndex((e) => e.type === 'reward.allocate');
      ev.splice(i + 1, 0, structuredClone(ev[i]!));
      return { events: ev, index: i + 1 };
    });
    expectFlagged(dup, 'reward.duplicate', 1);
    const miss = run(1, (ev) => {
      const i = ev.findIndex((e) => e.type === 'reward.allocate');
      ev.splice(i, 1);
      return { events: ev, index: ev.length - 1 };
    });
    expectFlagged(miss, 'reward.missing', 1);
  });
  it('a wrong policy hash (a policy not yet in force) is policy.mismatch; an unknown hash policy.unknown', () => {
    const r = run(1, (ev) => {
      const i = ev.findIndex((e) => e.type === 'reward.allocate');
      ev[i]!.policy = policyHash(G2);
      return { events: ev, index: i };
    });
    expectFlagged(r, 'policy.mismatch', 1);
    const u = run(1, (ev) => {
      ev[0]!.policy = 'ab'.repeat(32);
      return { events: ev, index: 0 };
    });
    expectFlagged(u, 'policy.unknown', 1);
  });
  it('a placement on a revoked node, or on a node never attested, is placement.ineligible-node', () => {
    const r = run(2, (ev) => {
      const i = ev.findIndex((e) => e.type === 'storage.place');
      (payload(ev[i]!).fragments as Obj[])[0]!.node = 'n-003'; // revoked from epoch 2
      return { events: ev, index: i };
    });
    expectFlagged(r, 'placement.ineligible-node', 2);
    const u = run(1, (ev) => {
      const i = ev.findIndex((e) => e.type === 'storage.place');
      (payload(ev[i]!).fragments as Obj[])[1]!.node = 'n-999';
      return { events: ev, index: i };
    });
    expectFlagged(u, 'placement.ineligible-node', 1);
  });
  it('a placement that is not the rendezvous one is placement.mismatch; a wrong root placement.root-mismatch', () => {
    const r = run(1, (ev) => {
      const i = ev.findIndex((e) => e.type === 'storage.place');
      const f = payload(ev[i]!).fragments as Obj[];
      [f[0]!.node, f[1]!.node] = [f[1]!.node!, f[0]!.node!];
      return { events: ev, index: i };
    });
    expectFlagged(r, 'placement.mismatch', 1);
    const root = run(1, (ev) => {
      const i = ev.findIndex((e) => e.type === 'storage.place');
      payload(ev[i]!).root = '00'.repeat(32);
      return { events: ev, index: i };
    });
    expectFlagged(root, 'placement.root-mismatch', 1);
  });
  it('a wrong ranking is ranking.mismatch naming the first differing rank', () => {
    const r = run(2, (ev) => {
      const entries = payload(ev[0]!).entries as Obj[];
      [entries[0]!.cid, entries[1]!.cid] = [entries[1]!.cid!, entries[0]!.cid!];
      return { events: ev, index: 0 };
    });
    expectFlagged(r, 'ranking.mismatch', 2);
    expect(r.s.l.log[r.seq]!.findings[0]!.message).toMatch(/^rank 1 differs/);
  });
  it('a wrong state root is state-root.mismatch at the close', () => {
    const r = run(3, (ev) => {
      const i = ev.length - 1;
      payload(ev[i]!).stateRoot = 'ff'.repeat(32);
      return { events: ev, index: i };
    });
    expectFlagged(r, 'state-root.mismatch', 3);
    const f = r.s.l.log[r.seq]!.findings.find((x) => x.code === 'state-root.mismatch')!;
    expect(f.recorded).toBe('ff'.repeat(32));
    expect(f.recomputed).toMatch(/^[0-9a-f]{64}$/);
  });
  it('a storage proof that does not lead to the fragment root is storage.proof-invalid', () => {
    const r = run(3, (ev) => {
      const i = ev.findIndex((e) => e.type === 'storage.proof');
      const path = payload(ev[i]!).path as string[];
      path[0] = path[0]!.replace(/^./, (c) => (c === '0' ? '1' : '0'));
      return { events: ev, index: i };
    });
    expectFlagged(r, 'storage.proof-invalid', 3);
  });
});
