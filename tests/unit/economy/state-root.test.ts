// The state root of the golden scenario at the close of epoch 4, recomputed here from the
// balances derived by hand in golden-rewards.test.ts and the §10.6 formula: canonical JSON written
// out literally, leaves SHA-256(0x00 ‖ state), RFC 9162 tree over the accounts sorted by id.

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { scenario, U1, U2, U3, U4, U5 } from './scenario';

const sha = (...b: Buffer[]): Buffer => createHash('sha256').update(Buffer.concat(b)).digest();
const leaf = (json: string): Buffer => sha(Buffer.from([0]), Buffer.from(json));
const node = (l: Buffer, r: Buffer): Buffer => sha(Buffer.from([1]), l, r);

describe('state root', () => {
  it('equals the hand-built tree over the six accounts at the close of epoch 4', () => {
    const s = scenario();
    const st = (a: string, balance: string, lastActive: number | null, published: number, rewards: number, status: string, streak: number): string =>
      `{"account":"${a}","balance":"${balance}","lastActive":${lastActive},"published":${published},"rewards":${rewards},"status":"${status}","streak":${streak}}`;
    // Sorted by code point: "treasury" < "u-000001" < … ("t" < "u").
    // Epoch 4 activity: u1 (streak 4, published c1, c2, c4), u2 (streak 4), u3 (streak 1, published c3);
    // u4 was last active at 3 (epochs 1–3: streak 3), u5 at 2 (its only active epoch: streak 1).
    const leaves = [
      st('treasury', '3846.445659603554340398', null, 0, 0, 'treasury', 0),
      st(U1, '950.000000000000000000', 4, 3, 4, 'verified', 4),
      st(U2, '1010.526315789473684210', 4, 0, 4, 'verified', 4),
      st(U3, '693.028024606971975392', 4, 1, 3, 'verified', 1),
      st(U4, '500.000000000000000000', 3, 0, 2, 'verified', 3),
      st(U5, '0.000000000000000000', 2, 0, 0, 'revoked', 1)
    ].map(leaf);
    // MTH of 6 leaves = node(node(node(L0, L1), node(L2, L3)), node(L4, L5))
    const root = node(node(node(leaves[0]!, leaves[1]!), node(leaves[2]!, leaves[3]!)), node(leaves[4]!, leaves[5]!)).toString('hex');
    const close = s.l.log.filter((x) => x.env.type === 'epoch.close').at(-1)!;
    expect((close.env.payload as { stateRoot: string }).stateRoot).toBe(root);
    expect(s.l.replayer.report().closes.at(-1)!.recomputedRoot).toBe(root);
  });
});
