// Rewards per epoch and account (docs/BUNDLE_FORMAT.md §10.2). BigNum128 floor arithmetic only
// (amount.ts); every intermediate value is kept so Explain-This can show it.
//
//   signalBase_a   = Σ_s count_a,s × reward.signalWeights[s]            (integer × amount, exact)
//   pubBase_a      = publications_a × reward.publicationWeight
//   base_a         = signalBase_a + pubBase_a
//   bonusEpochs_a  = min(streak_a − 1, reward.streakMax)                 (streak_a ≥ 1 when active)
//   bonus_a        = floor(base_a × (reward.streakBonus × bonusEpochs_a) / 10^18)
//   weight_a       = base_a + bonus_a
//   W              = Σ weight_a over accounts whose guards all pass
//   share_a        = floor(pool × weight_a / W)                           (mulDiv, no intermediate rounding)
//   cap            = min(reward.capPerAccount, floor(pool × reward.capShareOfPool / 10^18))
//   amount_a       = min(share_a, cap)
//   remainder      = pool − Σ amount_a   (to the treasury; Σ amount + remainder = pool exactly)

import { add, min, mul, mulDiv, sub } from '../amount';
import { compareCodePoints } from '../canonical-json';
import { SIGNALS, type RewardParams, type Signal } from './policy';

export interface AccountActivity {
  signals: Record<Signal, number>;
  publications: number;
  /** Seqs of the contributing events (engagements and publications), in order, capped. */
  seqs: number[];
  /** Total number of contributing events (the seq list may be shorter). */
  events: number;
}

export interface Guard {
  name: 'aegis-verified' | 'attestation-age';
  pass: boolean;
  reason: string;
}

export interface RewardLine {
  account: string;
  signalBase: bigint;
  publicationBase: bigint;
  base: bigint;
  streak: number;
  bonusEpochs: number;
  bonus: bigint;
  weight: bigint;
  /** The guards, or ALL_PASS when every one passed. */
  guards: readonly Guard[];
  eligible: boolean;
  /** Pro-rata share before caps (0 when ineligible). */
  share: bigint;
  cap: bigint;
  capped: boolean;
  amount: bigint;
}

export interface EpochRewards {
  epoch: number;
  pool: bigint;
  totalWeight: bigint;
  cap: bigint;
  lines: Map<string, RewardLine>;
  /** Accounts with amount > 0, sorted by code point: exactly the expected `reward.allocate` events. */
  rewarded: string[];
  distributed: bigint;
  remainder: bigint;
}

/**
 * The guards of §10.5 from an AEGIS snapshot of the subject at `epoch`: verified status, and age
 * since the validFrom of its first attestation ≥ the policy minimum.
 */
export function aegisGuards(
  snap: { status: string; attestationSeq: number | null; revocationSeq: number | null },
  epoch: number,
  firstValidFrom: number | undefined,
  minAge: number
): Guard[] {
  const s = snap.status;
  const verified: Guard = {
    name: 'aegis-verified',
    pass: s === 'verified',
    reason: s === 'verified' ? `AEGIS attestation at seq ${snap.attestationSeq} covers epoch ${epoch}` : s === 'revoked' ? `revoked by AEGIS (seq ${snap.revocationSeq}) from epoch ${epoch} or earlier` : `AEGIS status at epoch ${epoch} is ${s}`
  };
  const age = firstValidFrom === undefined ? null : epoch - firstValidFrom;
  const aged: Guard = {
    name: 'attestation-age',
    pass: age !== null && age >= minAge,
    reason: age === null ? 'never attested' : `attested since epoch ${firstValidFrom}: age ${age} epoch(s), policy minimum ${minAge}`
  };
  return [verified, aged];
}

/**
 * Shared marker for "every guard passed": reward lines keep it instead of their own guard objects
 * (a large ledger has one line per active account and epoch); explanations rebuild the reasons
 * from the epoch's AEGIS snapshot with aegisGuards().
 */
export const ALL_PASS: readonly Guard[] = Object.freeze([
  Object.freeze({ name: 'aegis-verified', pass: true, reason: '' }),
  Object.freeze({ name: 'attestation-age', pass: true, reason: '' })
]) as readonly Guard[];

export function emptyActivity(): AccountActivity {
  return { signals: { comment: 0, like: 0, share: 0, view: 0 }, publications: 0, seqs: [], events: 0 };
}

/** Account cap of §10.2: min(capPerAccount, floor(pool × capShareOfPool)). */
export function rewardCap(p: RewardParams): bigint {
  return min(p.capPerAccount, mul(p.pool, p.capShareOfPool));
}

/** An account's line before the pool split (§10.2): base, streak bonus and weight; share and amount 0. */
export function weighLine(account: string, act: AccountActivity, p: RewardParams, streak: number, guards: readonly Guard[]): RewardLine {
  let signalBase = 0n;
  for (const s of SIGNALS) signalBase = add(signalBase, BigInt(act.signals[s]) * p.signalWeights[s]);
  const publicationBase = BigInt(act.publications) * p.publicationWeight;
  const base = add(signalBase, publicationBase);
  const bonusEpochs = Math.max(0, Math.min(streak - 1, p.streakMax));
  const bonus = mul(base, p.streakBonus * BigInt(bonusEpochs));
  const weight = add(base, bonus);
  const eligible = guards.every((g) => g.pass);
  return { account, signalBase, publicationBase, base, streak, bonusEpochs, bonus, weight, guards, eligible, share: 0n, cap: 0n, capped: false, amount: 0n };
}

/** The pool split of one weighed line, given the epoch's total eligible weight and cap (§10.2). */
export function settleLine(l: RewardLine, p: RewardParams, totalWeight: bigint, cap: bigint): RewardLine {
  l.cap = cap;
  if (!l.eligible || totalWeight === 0n) return l;
  l.share = mulDiv(p.pool, l.weight, totalWeight);
  l.capped = l.share > cap;
  l.amount = min(l.share, cap);
  return l;
}

export function computeEpochRewards(
  epoch: number,
  p: RewardParams,
  activity: ReadonlyMap<string, AccountActivity>,
  streakOf: (account: string) => number,
  guardsOf: (account: string) => readonly Guard[]
): EpochRewards {
  const accounts = [...activity.keys()].sort(compareCodePoints);
  const lines = new Map<string, RewardLine>();
  let totalWeight = 0n;
  for (const account of accounts) {
    const l = weighLine(account, activity.get(account)!, p, streakOf(account), guardsOf(account));
    if (l.eligible) totalWeight = add(totalWeight, l.weight);
    lines.set(account, l);
  }
  const cap = rewardCap(p);
  let distributed = 0n;
  const rewarded: string[] = [];
  for (const account of accounts) {
    const l = settleLine(lines.get(account)!, p, totalWeight, cap);
    distributed = add(distributed, l.amount);
    if (l.amount > 0n) rewarded.push(account);
  }
  // Σ share ≤ pool because each share is floored, so this cannot underflow; sub() checks it anyway.
  const remainder = sub(p.pool, distributed);
  return { epoch, pool: p.pool, totalWeight, cap, lines, rewarded, distributed, remainder };
}
