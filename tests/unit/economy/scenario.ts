// The golden scenario of the economy tests: two small hand-written policies and four epochs of
// activity whose rewards, rankings and placements are derived by hand in the golden tests from the
// formulas of docs/BUNDLE_FORMAT.md §10 (not from the code's output).

import type { Json } from '../../../src/lib/core/canonical-json';
import { A, Ledger } from './harness';

const weights = (view: string, like: string, share: string, comment: string): Json => ({ comment: A(comment), like: A(like), share: A(share), view: A(view) });

/** G1 (epochs 0–2): pool 1000, erasure k=2 m=1 with zone diversity. */
export const G1: Json = {
  aegis: { minAttestationAge: 1 },
  ranking: { decay: A('0.5'), signalWeights: weights('1', '3', '5', '2'), topN: 3 },
  reward: { capPerAccount: A('300'), capShareOfPool: A('0.4'), pool: A('1000'), publicationWeight: A('10'), signalWeights: weights('1', '2', '5', '3'), streakBonus: A('0.1'), streakMax: 2 },
  schema: 'qfs-economy-policy/1',
  storage: { fragmentAlign: 4, k: 2, m: 1, scheme: 'erasure', zoneDiversity: true }
};

/** G2 (from epoch 3): pool 2000, decay 0.25, top 2, 3 replicas without zone diversity. */
export const G2: Json = {
  aegis: { minAttestationAge: 1 },
  ranking: { decay: A('0.25'), signalWeights: weights('1', '3', '5', '2'), topN: 2 },
  reward: { capPerAccount: A('300'), capShareOfPool: A('0.4'), pool: A('2000'), publicationWeight: A('10'), signalWeights: weights('1', '2', '5', '3'), streakBonus: A('0.1'), streakMax: 2 },
  schema: 'qfs-economy-policy/1',
  storage: { r: 3, scheme: 'replica', zoneDiversity: false }
};

export interface Scenario {
  l: Ledger;
  c1: string;
  c2: string;
  c3: string;
  c4: string;
}

export const U1 = 'u-000001';
export const U2 = 'u-000002';
export const U3 = 'u-000003';
export const U4 = 'u-000004';
export const U5 = 'u-000005';

/**
 * Build the scenario; `tamper(epoch)` may return a function that edits that epoch's operator
 * events before they are appended (a misbehaving issuer). Epochs 0–4 are closed.
 */
export function scenario(tamper?: (epoch: number) => Parameters<Ledger['close']>[0]): Scenario {
  const l = new Ledger();
  const close = (): void => void l.close(tamper?.(l.epoch));
  // Epoch 0: genesis.
  l.policy('g1', 0, G1);
  l.policy('g2', 3, G2);
  for (const u of [U1, U2, U3, U5]) l.user(u, 0);
  l.user(U4, 1); // attested from epoch 1: age 0 at epoch 1 (< minimum 1)
  l.node('n-001', 'zA');
  l.node('n-002', 'zA');
  l.node('n-003', 'zB');
  l.node('n-004', 'zC');
  l.node('n-005', 'zB');
  l.node('n-006', 'zC', 3); // pending until epoch 3, old enough from epoch 4
  close();
  // Epoch 1.
  const c1 = l.publish(U1, 'alpha');
  const c2 = l.publish(U1, 'beta, a second item');
  l.engage(U2, c1, 'view', 3);
  l.engage(U2, c2, 'like');
  l.engage(U2, c1, 'comment');
  l.engage(U3, c2, 'share', 2);
  l.engage(U4, c1, 'comment');
  l.revoke('n-003', 2);
  close();
  // Epoch 2.
  l.engage(U1, c2, 'view');
  l.engage(U2, c1, 'like', 2);
  l.engage(U4, c1, 'share');
  l.engage(U5, c2, 'comment');
  l.revoke(U5, 2);
  const c3 = l.publish(U3, 'gamma gamma gamma gamma');
  close();
  // Epoch 3 (policy g2).
  l.engage(U2, c3, 'share');
  l.engage(U1, c3, 'like');
  l.engage(U4, c1, 'view');
  close();
  // Epoch 4.
  const c4 = l.publish(U1, 'delta');
  l.engage(U2, c4, 'view', 2);
  l.engage(U3, c1, 'view');
  close();
  return { l, c1, c2, c3, c4 };
}
