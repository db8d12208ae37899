// The economy policy document (docs/BUNDLE_FORMAT.md §10.1): schema, validation and the default
// policies the reference issuer activates. A policy is carried by `policy.activate` as canonical
// JSON; its hash is the full hex SHA-256 of canonical(policy). Every number in a policy is either
// an amount (decimal string with exactly 18 decimals, amount.ts) or a small non-negative integer.

import { parseAmount, SCALE } from '../amount';
import { canonicalBytes, type Json } from '../canonical-json';
import { sha256 } from '../hash';
import { toHex } from '../bytes';

export const POLICY_SCHEMA = 'qfs-economy-policy/1';
export const SIGNALS = ['comment', 'like', 'share', 'view'] as const;
export type Signal = (typeof SIGNALS)[number];
export type SignalWeights = Record<Signal, bigint>;

export interface RewardParams {
  /** Emission pool per epoch (atto-units). */
  pool: bigint;
  signalWeights: SignalWeights;
  /** Weight of each content item the account published in the epoch. */
  publicationWeight: bigint;
  /** Bonus fraction (amount, 1.0 = 100 %) per consecutive active epoch before this one. */
  streakBonus: bigint;
  /** Maximum number of prior consecutive epochs that earn the streak bonus. */
  streakMax: number;
  /** Absolute cap per account per epoch. */
  capPerAccount: bigint;
  /** Cap as a fraction of the pool (amount, ≤ 1.0). */
  capShareOfPool: bigint;
}

export interface RankingParams {
  signalWeights: SignalWeights;
  /** Carry-over factor of the previous epoch's score (amount, ≤ 1.0). */
  decay: bigint;
  topN: number;
}

export type StorageParams =
  | { scheme: 'erasure'; k: number; m: number; fragmentAlign: number; zoneDiversity: boolean }
  | { scheme: 'replica'; r: number; zoneDiversity: boolean };

export interface AegisParams {
  /** Epochs since the subject's first attestation validFrom before it may earn rewards or hold fragments. */
  minAttestationAge: number;
}

export interface EconomyPolicy {
  reward: RewardParams;
  ranking: RankingParams;
  storage: StorageParams;
  aegis: AegisParams;
}

/** Fragment count n and the number k needed to rebuild, for either scheme. */
export function fragmentShape(s: StorageParams): { n: number; k: number } {
  return s.scheme === 'erasure' ? { n: s.k + s.m, k: s.k } : { n: s.r, k: 1 };
}

/** Full hex SHA-256 of canonical(policy) (§10.1). */
export function policyHash(policy: Json): string {
  return toHex(sha256(canonicalBytes(policy)));
}

class PolicyError extends Error {}

function obj(v: Json | undefined, path: string, keys: readonly string[]): Record<string, Json> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new PolicyError(`${path} must be an object`);
  const got = Object.keys(v).sort();
  const want = [...keys].sort();
  if (got.join(',') !== want.join(',')) throw new PolicyError(`${path} must have exactly the fields ${want.join(', ')} (has ${got.join(', ') || 'none'})`);
  return v;
}

function amount(v: Json | undefined, path: string, maxOne = false): bigint {
  if (typeof v !== 'string') throw new PolicyError(`${path} must be an amount string`);
  let a: bigint;
  try {
    a = parseAmount(v);
  } catch (e) {
    throw new PolicyError(`${path}: ${(e as Error).message}`);
  }
  if (maxOne && a > SCALE) throw new PolicyError(`${path} must be at most 1.000000000000000000`);
  return a;
}

function int(v: Json | undefined, path: string, lo: number, hi: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new PolicyError(`${path} must be an integer in ${lo}..${hi}`);
  return v;
}

function bool(v: Json | undefined, path: string): boolean {
  if (typeof v !== 'boolean') throw new PolicyError(`${path} must be true or false`);
  return v;
}

function weights(v: Json | undefined, path: string): SignalWeights {
  const o = obj(v, path, SIGNALS);
  return { comment: amount(o.comment, `${path}.comment`), like: amount(o.like, `${path}.like`), share: amount(o.share, `${path}.share`), view: amount(o.view, `${path}.view`) };
}

/** Validate a policy document; the error string names the offending field (`policy.invalid`). */
export function parsePolicy(doc: Json): { ok: true; policy: EconomyPolicy } | { ok: false; error: string } {
  try {
    const d = obj(doc, 'policy', ['aegis', 'ranking', 'reward', 'schema', 'storage']);
    if (d.schema !== POLICY_SCHEMA) throw new PolicyError(`policy.schema must be "${POLICY_SCHEMA}"`);
    const r = obj(d.reward, 'reward', ['capPerAccount', 'capShareOfPool', 'pool', 'publicationWeight', 'signalWeights', 'streakBonus', 'streakMax']);
    const reward: RewardParams = {
      pool: amount(r.pool, 'reward.pool'),
      signalWeights: weights(r.signalWeights, 'reward.signalWeights'),
      publicationWeight: amount(r.publicationWeight, 'reward.publicationWeight'),
      streakBonus: amount(r.streakBonus, 'reward.streakBonus'),
      streakMax: int(r.streakMax, 'reward.streakMax', 0, 1000),
      capPerAccount: amount(r.capPerAccount, 'reward.capPerAccount'),
      capShareOfPool: amount(r.capShareOfPool, 'reward.capShareOfPool', true)
    };
    const k = obj(d.ranking, 'ranking', ['decay', 'signalWeights', 'topN']);
    const ranking: RankingParams = { decay: amount(k.decay, 'ranking.decay', true), signalWeights: weights(k.signalWeights, 'ranking.signalWeights'), topN: int(k.topN, 'ranking.topN', 1, 100) };
    const sRaw = d.storage;
    const scheme = sRaw !== null && typeof sRaw === 'object' && !Array.isArray(sRaw) ? sRaw.scheme : undefined;
    let storage: StorageParams;
    if (scheme === 'erasure') {
      const s = obj(sRaw, 'storage', ['fragmentAlign', 'k', 'm', 'scheme', 'zoneDiversity']);
      storage = { scheme, k: int(s.k, 'storage.k', 1, 32), m: int(s.m, 'storage.m', 0, 32), fragmentAlign: int(s.fragmentAlign, 'storage.fragmentAlign', 1, 4096), zoneDiversity: bool(s.zoneDiversity, 'storage.zoneDiversity') };
    } else if (scheme === 'replica') {
      const s = obj(sRaw, 'storage', ['r', 'scheme', 'zoneDiversity']);
      storage = { scheme, r: int(s.r, 'storage.r', 1, 16), zoneDiversity: bool(s.zoneDiversity, 'storage.zoneDiversity') };
    } else throw new PolicyError('storage.scheme must be "erasure" or "replica"');
    const a = obj(d.aegis, 'aegis', ['minAttestationAge']);
    const aegis: AegisParams = { minAttestationAge: int(a.minAttestationAge, 'aegis.minAttestationAge', 0, 100_000) };
    return { ok: true, policy: { reward, ranking, storage, aegis } };
  } catch (e) {
    if (e instanceof PolicyError) return { ok: false, error: e.message };
    throw e;
  }
}

const A = (s: string): string => {
  const [i, f = ''] = s.split('.');
  return `${i}.${f.padEnd(18, '0')}`;
};
const w = (comment: string, like: string, share: string, view: string): Json => ({ comment: A(comment), like: A(like), share: A(share), view: A(view) });

/**
 * The reference issuer's policies: a genesis policy and three changes that alter reward, ranking
 * and storage parameters, so that explaining an old value needs the older policy. `span` spreads
 * the activation epochs (fromEpoch = 0, span, 2·span, 3·span).
 */
export function defaultPolicies(span = 3): Array<{ version: string; fromEpoch: number; policy: Json }> {
  if (!Number.isInteger(span) || span < 1) throw new RangeError('span must be a positive integer');
  const doc = (reward: Json, ranking: Json, storage: Json, minAge: number): Json => ({ aegis: { minAttestationAge: minAge }, ranking, reward, schema: POLICY_SCHEMA, storage });
  return [
    {
      version: 'econ-1.0.0',
      fromEpoch: 0,
      policy: doc(
        { capPerAccount: A('100'), capShareOfPool: A('0.05'), pool: A('1000'), publicationWeight: A('10'), signalWeights: w('3', '2', '5', '1'), streakBonus: A('0.1'), streakMax: 5 },
        { decay: A('0.5'), signalWeights: w('2', '3', '5', '1'), topN: 10 },
        { fragmentAlign: 16, k: 4, m: 2, scheme: 'erasure', zoneDiversity: true },
        0
      )
    },
    {
      version: 'econ-1.1.0',
      fromEpoch: span,
      policy: doc(
        { capPerAccount: A('80'), capShareOfPool: A('0.05'), pool: A('1200'), publicationWeight: A('12'), signalWeights: w('3', '2', '6', '1'), streakBonus: A('0.15'), streakMax: 4 },
        { decay: A('0.6'), signalWeights: w('2', '4', '6', '1'), topN: 10 },
        { r: 3, scheme: 'replica', zoneDiversity: true },
        1
      )
    },
    {
      version: 'econ-2.0.0',
      fromEpoch: 2 * span,
      policy: doc(
        { capPerAccount: A('60'), capShareOfPool: A('0.04'), pool: A('1500'), publicationWeight: A('8'), signalWeights: w('4', '2', '5', '1'), streakBonus: A('0.2'), streakMax: 3 },
        { decay: A('0.4'), signalWeights: w('3', '3', '4', '1'), topN: 12 },
        { fragmentAlign: 32, k: 3, m: 2, scheme: 'erasure', zoneDiversity: true },
        1
      )
    },
    {
      version: 'econ-2.1.0',
      fromEpoch: 3 * span,
      policy: doc(
        { capPerAccount: A('75'), capShareOfPool: A('0.06'), pool: A('1400'), publicationWeight: A('9'), signalWeights: w('4', '3', '5', '1'), streakBonus: A('0.125'), streakMax: 6 },
        { decay: A('0.75'), signalWeights: w('3', '2', '6', '1'), topN: 10 },
        { fragmentAlign: 16, k: 5, m: 3, scheme: 'erasure', zoneDiversity: false },
        2
      )
    }
  ];
}
