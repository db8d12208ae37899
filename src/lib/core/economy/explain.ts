// Explain-This as data (docs/ATLAS_EXPLAINABILITY_ARCH.md §4): plain, serialisable objects that
// break a reward, a ranking or a placement down into its inputs (with seqs), the policy in force
// (Policy Consistency: the one of the value's epoch, not the newest), every intermediate step, the
// guards, the recorded value and whether it matches. Amounts are canonical decimal strings.
//
// `evidence` is the hook for the ledger layer: the caller that holds the log attaches the
// recorded event's signature status and its inclusion proof against a signed checkpoint.

import { formatAmount, mul } from '../amount';
import type { IdentityStatus } from '../types';
import type { PolicyRef } from './policy-registry';
import { SIGNALS, type Signal } from './policy';
import type { ScoreLine } from './ranking';
import { aegisGuards, ALL_PASS, type Guard } from './reward';
import type { Replayer } from './replayer';

export interface Step {
  id: string;
  label: string;
  /** An amount (I.FFFFFFFFFFFFFFFFFF) or an integer, as a string. */
  value: string;
  formula: string;
}

export interface Evidence {
  signature: { valid: boolean; signer: string; key: string } | null;
  inclusion: { checkpointSize: number; checkpointRoot: string; leafIndex: number; proof: string[]; valid: boolean } | null;
}

export interface InputSummary {
  signals: Record<Signal, number>;
  publications: number;
  events: number;
  /** Seqs of the first contributing events (at most MAX_INPUT_SEQS); `events` is the full count. */
  seqs: number[];
  truncated: boolean;
}

export interface IdentitySummary {
  subject: string;
  status: IdentityStatus;
  attestationSeq: number | null;
  revocationSeq: number | null;
}

export interface RewardExplanation {
  kind: 'reward';
  account: string;
  epoch: number;
  policy: PolicyRef | null;
  identity: IdentitySummary;
  inputs: InputSummary;
  steps: Step[];
  guards: Guard[];
  epochTotals: { pool: string; totalWeight: string; distributed: string; remainder: string; rewardedAccounts: number } | null;
  recomputed: string;
  recorded: { seq: number; amount: string } | null;
  matches: boolean;
  seq: number | null;
  evidence: Evidence | null;
}

export interface RankingExplanation {
  kind: 'ranking';
  cid: string;
  epoch: number;
  policy: PolicyRef | null;
  content: { author: string; title: string; size: number; publishedSeq: number; publishedEpoch: number } | null;
  inputs: InputSummary;
  steps: Step[];
  /** 1-based rank; null when the score is 0 or the rank is beyond the kept depth (rankDepth). */
  rank: number | null;
  topN: number;
  /** How many cids had score > 0 at this epoch, and how many ranks were kept. */
  rankedCount: number;
  rankDepth: number;
  inTop: boolean;
  neighbours: Array<{ rank: number; cid: string; score: string }>;
  recomputed: { rank: number | null; score: string };
  recorded: { seq: number; rank: number | null; score: string | null } | null;
  matches: boolean;
  seq: number | null;
  evidence: Evidence | null;
}

export interface FragmentExplanation {
  index: number;
  hash: string;
  node: string;
  expectedNode: string | null;
  zone: string | null;
  weight: string | null;
  runnerUp: { node: string; weight: string } | null;
  candidates: number;
  zoneFiltered: boolean;
  identity: IdentitySummary;
  matches: boolean;
  proofs: Array<{ seq: number; epoch: number; valid: boolean }>;
}

export interface PlacementExplanation {
  kind: 'placement';
  cid: string;
  epoch: number;
  policy: PolicyRef | null;
  content: { author: string; title: string; size: number; publishedSeq: number; publishedEpoch: number } | null;
  scheme: 'erasure' | 'replica';
  k: number;
  n: number;
  fragmentSize: number;
  root: string;
  rootRecomputed: string;
  rootMatches: boolean;
  fragments: FragmentExplanation[];
  redundancy: Array<{ epoch: number; live: number; redundancy: number }>;
  matches: boolean;
  seq: number;
  evidence: Evidence | null;
  /** Filled by a caller that has the content bytes (Replayer.verifyContentBytes): fragments re-derived end to end. */
  bytes: { ok: boolean; message: string } | null;
}

const amt = formatAmount;
const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

function identityOf(r: Replayer, subject: string, epoch: number): IdentitySummary {
  const seen = r.identities.get(epoch, subject);
  if (seen) return { ...seen };
  return { subject, status: r.identity.status(subject, epoch), attestationSeq: r.identity.attestationSeq(subject, epoch), revocationSeq: r.identity.revocationSeq(subject, epoch) };
}

function policyAt(r: Replayer, epoch: number): PolicyRef | null {
  const entry = r.rewardPolicy.get(epoch) ?? r.registry.getPolicyForEpoch(epoch);
  return entry ? r.registry.ref(entry) : null;
}

function inputsOf(x: { signals: Record<Signal, number>; publications?: number; events: number; seqs: number[] } | undefined): InputSummary {
  if (!x) return { signals: { comment: 0, like: 0, share: 0, view: 0 }, publications: 0, events: 0, seqs: [], truncated: false };
  return { signals: { ...x.signals }, publications: x.publications ?? 0, events: x.events, seqs: [...x.seqs], truncated: x.seqs.length < x.events };
}

export function buildRewardExplanation(r: Replayer, account: string, epoch: number): RewardExplanation | null {
  if (!Number.isSafeInteger(epoch) || epoch < 0 || epoch > r.lastEpoch()) return null;
  const rewards = r.epochRewards(epoch);
  const entry = r.rewardPolicy.get(epoch) ?? r.registry.getPolicyForEpoch(epoch);
  if (!entry) return null;
  const line = r.rewardLine(account, epoch);
  const rec = r.recorded.reward(epoch, account);
  const known = r.identity.kind(account) === 'user' || line !== undefined || rec !== undefined;
  if (!known) return null;
  const p = entry.policy.reward;
  const act = r.activity.of(epoch, account);
  const weightsText = SIGNALS.map((s) => `${act?.signals[s] ?? 0} ${s} × ${amt(p.signalWeights[s])}`).join(' + ');
  const snap = identityOf(r, account, epoch);
  const guards = line && line.guards !== ALL_PASS ? line.guards : line ? aegisGuards(snap, epoch, r.identity.firstValidFrom(account), entry.policy.aegis.minAttestationAge) : r.guards(account, epoch, entry.policy);
  const total = rewards?.totalWeight ?? 0n;
  const steps: Step[] = [
    { id: 'signal-base', label: 'Engagement signals', value: amt(line?.signalBase ?? 0n), formula: weightsText },
    { id: 'publication-base', label: 'Content published', value: amt(line?.publicationBase ?? 0n), formula: `${act?.publications ?? 0} × ${amt(p.publicationWeight)}` },
    { id: 'base', label: 'Base', value: amt(line?.base ?? 0n), formula: 'signals + publications' },
    { id: 'streak', label: 'Consecutive active epochs', value: String(line?.streak ?? 0), formula: `bonus epochs = min(streak − 1, ${p.streakMax}) = ${line?.bonusEpochs ?? 0}` },
    { id: 'streak-bonus', label: 'Streak bonus', value: amt(line?.bonus ?? 0n), formula: `floor(base × ${amt(p.streakBonus)} × ${line?.bonusEpochs ?? 0})` },
    { id: 'weight', label: 'Reward weight', value: amt(line?.weight ?? 0n), formula: 'base + streak bonus' },
    { id: 'pool', label: 'Epoch emission pool', value: amt(p.pool), formula: `policy ${entry.version}` },
    { id: 'total-weight', label: 'Weight of all eligible accounts', value: amt(total), formula: 'Σ weight over accounts whose guards pass' },
    { id: 'pool-share', label: 'Pro-rata share of the pool', value: amt(line?.share ?? 0n), formula: 'floor(pool × weight / total weight)' },
    { id: 'cap-per-account', label: 'Cap per account', value: amt(p.capPerAccount), formula: `policy ${entry.version}` },
    { id: 'cap-share-of-pool', label: 'Cap as share of pool', value: amt((p.pool * p.capShareOfPool) / 10n ** 18n), formula: `floor(pool × ${amt(p.capShareOfPool)})` },
    { id: 'cap', label: line?.capped ? 'Cap applied' : 'Cap (not reached)', value: amt(line?.cap ?? 0n), formula: 'min(cap per account, cap as share of pool)' },
    { id: 'final', label: 'Reward', value: amt(line?.amount ?? 0n), formula: line?.eligible === false ? 'a guard failed: nothing' : 'min(pool share, cap)' }
  ];
  const recomputed = amt(line?.amount ?? 0n);
  return {
    kind: 'reward',
    account,
    epoch,
    policy: r.registry.ref(entry),
    identity: snap,
    inputs: inputsOf(act),
    steps,
    guards: guards.map((g) => ({ ...g })),
    epochTotals: rewards ? { pool: amt(rewards.pool), totalWeight: amt(rewards.totalWeight), distributed: amt(rewards.distributed), remainder: amt(rewards.remainder), rewardedAccounts: rewards.rewarded.length } : null,
    recomputed,
    recorded: rec ? { seq: rec.seq, amount: amt(rec.amount) } : null,
    matches: rec ? amt(rec.amount) === recomputed : (line?.amount ?? 0n) === 0n,
    seq: rec?.seq ?? null,
    evidence: null
  };
}

/**
 * The score line of a cid at an epoch whose compact ranking no longer holds it: walk back to the
 * last epoch that kept it (engaged there, or in the ranked head) and carry forward with each
 * epoch's decay (§10.3; no engagement in between, so own = 0).
 */
function scoreLineAt(r: Replayer, cid: string, epoch: number, from: number): ScoreLine {
  let e = epoch;
  let base: ScoreLine | undefined;
  while (e >= from && !(base = r.epochRanking(e)?.line(cid))) e--;
  let score = base?.score ?? 0n;
  let line: ScoreLine = base ?? { cid, own: 0n, previous: 0n, carried: 0n, score: 0n };
  for (let x = e + 1; x <= epoch; x++) {
    const decay = r.epochRanking(x)?.decay ?? 0n;
    const carried = mul(decay, score);
    line = { cid, own: 0n, previous: score, carried, score: carried };
    score = carried;
  }
  return line;
}

export function buildRankingExplanation(r: Replayer, cid: string, epoch: number): RankingExplanation | null {
  const ranking = r.epochRanking(epoch);
  const content = r.contents.get(cid);
  if (!ranking || !content || content.epoch > epoch) return null;
  const entry = r.rewardPolicy.get(epoch) ?? r.registry.getPolicyForEpoch(epoch);
  const pol = entry?.policy.ranking;
  const line = ranking.line(cid) ?? scoreLineAt(r, cid, epoch, content.epoch);
  const sig = r.contentSignals.of(epoch, cid);
  const idx = ranking.order.indexOf(cid);
  const rank = idx >= 0 ? idx + 1 : null;
  const score = line?.score ?? 0n;
  const steps: Step[] = pol
    ? [
        { id: 'own', label: 'Engagement this epoch', value: amt(line?.own ?? 0n), formula: SIGNALS.map((s) => `${sig?.signals[s] ?? 0} ${s} × ${amt(pol.signalWeights[s])}`).join(' + ') },
        { id: 'previous', label: 'Score at the previous epoch', value: amt(line?.previous ?? 0n), formula: `score at epoch ${epoch - 1}` },
        { id: 'carried', label: 'Carried over after decay', value: amt(line?.carried ?? 0n), formula: `floor(${amt(pol.decay)} × previous)` },
        { id: 'score', label: 'Score', value: amt(score), formula: 'engagement + carried' },
        { id: 'rank', label: 'Rank', value: rank === null ? 'unranked' : String(rank), formula: 'score descending, then content id ascending' }
      ]
    : [];
  const rec = r.recorded.ranking(epoch);
  const recEntry = rec?.entries.find((x) => x.cid === cid) ?? null;
  const inTop = rank !== null && rank <= ranking.topN;
  const neighbours = [idx - 1, idx + 1].filter((i) => idx >= 0 && i >= 0 && i < ranking.order.length).map((i) => ({ rank: i + 1, cid: ranking.order[i]!, score: amt(ranking.line(ranking.order[i]!)!.score) }));
  const matches = rec ? (inTop ? recEntry !== null && recEntry.rank === rank && recEntry.score === amt(score) : recEntry === null) : false;
  return {
    kind: 'ranking',
    cid,
    epoch,
    policy: entry ? r.registry.ref(entry) : null,
    content: { author: content.author, title: content.title, size: content.size, publishedSeq: content.seq, publishedEpoch: content.epoch },
    inputs: inputsOf(sig),
    steps,
    rank,
    topN: ranking.topN,
    rankedCount: ranking.ranked,
    rankDepth: ranking.order.length,
    inTop,
    neighbours,
    recomputed: { rank, score: amt(score) },
    recorded: rec ? { seq: rec.seq, rank: recEntry?.rank ?? null, score: recEntry?.score ?? null } : null,
    matches,
    seq: rec?.seq ?? null,
    evidence: null
  };
}

export function buildPlacementExplanation(r: Replayer, cid: string): PlacementExplanation | null {
  const pl = r.placements.get(cid);
  if (!pl) return null;
  const content = r.contents.get(cid);
  const entry = r.registry.byHash(pl.policyHash) ?? r.registry.getPolicyForEpoch(pl.epoch);
  const last = r.lastClosedEpoch() ?? pl.epoch;
  const redundancy: PlacementExplanation['redundancy'] = [];
  // Expand the change history: each epoch carries the last recorded value.
  const history = pl.history;
  let h = 0;
  let cur: { live: number; redundancy: number } | null = null;
  for (let e = pl.epoch; e <= last; e++) {
    while (h < history.length && history[h]!.epoch <= e) cur = history[h++]!;
    if (cur) redundancy.push({ epoch: e, live: cur.live, redundancy: cur.redundancy });
  }
  const expected = pl.expected();
  const standing = pl.nodeIdentity;
  const fragments: FragmentExplanation[] = pl.nodes.map((node, i): FragmentExplanation => {
    const x = expected[i];
    return {
      index: i,
      hash: hex(pl.hash(i)!),
      node,
      expectedNode: x?.node ?? null,
      zone: r.identity.zone(node),
      weight: x && x.node === node ? x.weight : null,
      runnerUp: x?.runnerUp ?? null,
      candidates: x?.candidates ?? 0,
      zoneFiltered: x?.zoneFiltered ?? false,
      identity: { ...standing[i]! },
      matches: x?.node === node,
      proofs: pl.proofs(i)
    };
  });
  return {
    kind: 'placement',
    cid,
    epoch: pl.epoch,
    policy: entry ? r.registry.ref(entry) : policyAt(r, pl.epoch),
    content: content ? { author: content.author, title: content.title, size: content.size, publishedSeq: content.seq, publishedEpoch: content.epoch } : null,
    scheme: pl.scheme,
    k: pl.k,
    n: pl.n,
    fragmentSize: pl.fragmentSize,
    root: hex(pl.root),
    rootRecomputed: hex(pl.rootRecomputed),
    rootMatches: hex(pl.root) === hex(pl.rootRecomputed),
    fragments,
    redundancy,
    matches: pl.matches,
    seq: pl.seq,
    evidence: null,
    bytes: null
  };
}
