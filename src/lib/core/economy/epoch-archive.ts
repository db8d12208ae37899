// What the replay keeps of a closed epoch for Explain-This (docs/ATLAS_EXPLAINABILITY_ARCH.md §4),
// packed once the replay has moved past it (issue 7: a 1M-event ledger has ~1,200 epochs):
//
// - rewards: the epoch totals, and per active account only its streak and (when a guard failed)
//   its guards; a reward line is recomputed on demand with the same weighLine/settleLine as the
//   epoch's computation (§10.2), from the account's packed activity and the epoch's policy;
// - AEGIS snapshots: status and seqs in typed arrays aligned with the packed activity, and the
//   other subjects (storage nodes) in one timeline of their changes across epochs;
// - recorded rewards: account, seq and amount per reward.allocate, in sorted arrays;
// - rankings: the ranked head, and per kept content item only its previous score; the line is
//   recomputed from the packed engagement with the §10.3 formula, and an epoch is packed only when
//   that gives back every kept line exactly.
//
// Each archive takes the live value with set() (derived-checks.ts at the close) and packs it in
// pack(); get() for an update (a derived event of an epoch already packed) unpacks it first, so
// the values never change, only their representation.

import type { IdentityStatus } from '../types';
import { column, type Column, type PackedInputs } from './epoch-inputs';
import type { IdentitySummary } from './explain';
import { add, mul } from '../amount';
import type { ContentSignals, EpochRanking, RankEntry, ScoreLine } from './ranking';
import { SIGNALS, type RankingParams, type RewardParams } from './policy';
import { ALL_PASS, settleLine, weighLine, type AccountActivity, type EpochRewards, type Guard, type RewardLine } from './reward';

export type EpochTotals = Omit<EpochRewards, 'lines'>;

const TWO64 = 1n << 64n;

/**
 * Amounts (bigint) in one 64-bit word each, off the JS heap; a value outside [0, 2^64) is kept as
 * it is (issue 7 memory: at 1M events ~97 % of the ranking archive's previous scores fit, and two
 * words each cost 8 bytes more per kept line).
 */
class Amounts {
  readonly #words: BigUint64Array;
  readonly #other = new Map<number, bigint>();

  constructor(values: readonly bigint[]) {
    this.#words = new BigUint64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v >= 0n && v < TWO64) this.#words[i] = v;
      else this.#other.set(i, v);
    }
  }

  get(i: number): bigint {
    return (this.#other.size > 0 ? this.#other.get(i) : undefined) ?? this.#words[i]!;
  }
}

interface PackedRewards {
  totals: EpochTotals;
  params: RewardParams;
  activity: PackedInputs<AccountActivity>;
  /** Streak of each active account, aligned with `activity` (the narrowest column that holds them: epoch-inputs.ts). */
  streaks: Column;
  /** Guards of the accounts where one failed (the others passed every guard). */
  guards: Map<string, readonly Guard[]>;
}

/** A reward line recomputed from a packed epoch (§10.2: weighLine + settleLine, as the epoch computation did). */
function packedRewardLine(p: PackedRewards, account: string): RewardLine | undefined {
  const i = p.activity.indexOf(account);
  if (i < 0) return undefined;
  const l = weighLine(account, p.activity.at(i), p.params, p.streaks[i]!, p.guards.get(account) ?? ALL_PASS);
  return settleLine(l, p.params, p.totals.totalWeight, p.totals.cap);
}

/** What the recorded rewards of a packed epoch can share with its computed rewards (RecordedArchive). */
export interface PackedRewardView {
  rewarded: readonly string[];
  line(account: string): RewardLine | undefined;
}

export class RewardArchive {
  readonly #live = new Map<number, EpochRewards>();
  readonly #packed = new Map<number, PackedRewards>();

  set(e: number, rw: EpochRewards): void {
    this.#packed.delete(e);
    this.#live.set(e, rw);
  }

  has(e: number): boolean {
    return this.#live.has(e) || this.#packed.has(e);
  }

  totals(e: number): EpochTotals | null {
    const live = this.#live.get(e);
    if (live) {
      const { lines: _lines, ...totals } = live;
      return totals;
    }
    return this.#packed.get(e)?.totals ?? null;
  }

  /** The reward line of `account` at e (recomputed when packed); undefined when it was not active. */
  line(e: number, account: string): RewardLine | undefined {
    const live = this.#live.get(e);
    if (live) return live.lines.get(account);
    const p = this.#packed.get(e);
    return p ? packedRewardLine(p, account) : undefined;
  }

  /**
   * The packed form of epoch e (undefined while live or absent): its rewarded accounts and its
   * lines, bound to this packing (a later set() of e does not change what it gives back).
   */
  packedView(e: number): PackedRewardView | undefined {
    const p = this.#packed.get(e);
    if (!p) return undefined;
    return { rewarded: p.totals.rewarded, line: (account) => packedRewardLine(p, account) };
  }

  /** Pack every live epoch before e. */
  packBefore(e: number, activityOf: (x: number) => PackedInputs<AccountActivity> | undefined, paramsOf: (x: number) => RewardParams | undefined): void {
    for (const x of [...this.#live.keys()]) if (x < e) this.pack(x, activityOf(x), paramsOf(x));
  }

  /** Pack epoch e, whose lines are exactly one per key of `activity` (else it stays as it is). */
  pack(e: number, activity: PackedInputs<AccountActivity> | undefined, params: RewardParams | undefined): void {
    const rw = this.#live.get(e);
    if (!rw || !activity || !params || rw.lines.size !== activity.size) return;
    const streakList = new Int32Array(activity.size);
    const guards = new Map<string, readonly Guard[]>();
    for (let i = 0; i < activity.size; i++) {
      const l = rw.lines.get(activity.keyAt(i));
      if (!l) return;
      streakList[i] = l.streak;
      if (l.guards !== ALL_PASS) guards.set(l.account, l.guards);
    }
    const streaks = column(streakList);
    const { lines: _lines, ...totals } = rw;
    this.#packed.set(e, { totals, params, activity, streaks, guards });
    this.#live.delete(e);
  }
}

const STATUSES: readonly IdentityStatus[] = ['verified', 'revoked', 'expired', 'pending', 'unknown'];
const seqFits = (x: number | null): boolean => x === null || (Number.isInteger(x) && x >= 0 && x <= 0x7fffffff);
const ABSENT = 255;

/**
 * AEGIS snapshots of subjects in typed arrays: status code (ABSENT when not looked at), seqs (−1 for
 * null). Revocations are rare: their column exists only once one is put (issue 7 memory: 5 instead
 * of 9 bytes per active account per epoch).
 */
class PackedSnapshots {
  readonly status: Uint8Array;
  readonly attestation: Int32Array;
  #revocation: Int32Array | null = null;

  constructor(n: number) {
    this.status = new Uint8Array(n).fill(ABSENT);
    this.attestation = new Int32Array(n);
  }

  put(i: number, s: IdentitySummary): void {
    this.status[i] = STATUSES.indexOf(s.status);
    this.attestation[i] = s.attestationSeq ?? -1;
    const r = s.revocationSeq ?? -1;
    if (r >= 0) this.#revocation ??= new Int32Array(this.status.length).fill(-1);
    if (this.#revocation) this.#revocation[i] = r;
  }

  /** Whether every value fits (status known, seqs in Int32 range), so that at() gives it back exactly. */
  static fits(s: IdentitySummary): boolean {
    return STATUSES.includes(s.status) && seqFits(s.attestationSeq) && seqFits(s.revocationSeq);
  }

  at(i: number, subject: string): IdentitySummary | undefined {
    const st = this.status[i]!;
    if (st === ABSENT) return undefined;
    const a = this.attestation[i]!;
    const r = this.#revocation ? this.#revocation[i]! : -1;
    return { subject, status: STATUSES[st]!, attestationSeq: a < 0 ? null : a, revocationSeq: r < 0 ? null : r };
  }
}

/**
 * The AEGIS snapshots of subjects outside an epoch's activity (storage nodes: eligibleNodes looks
 * at every node at every epoch, and their standing rarely changes) over the packed epochs, in
 * increasing epoch order: per subject only the epochs where its snapshot changed (ABSENT: not
 * looked at). At 1M events a full list per epoch was ~22 KB (1,294 nodes) in ~1,200 epochs.
 */
interface Timeline {
  epochs: number[];
  status: number[];
  attestation: number[];
  revocation: number[];
  /** The snapshot object last appended (the replay reuses a node's while its standing holds): equal values, nothing to compare. */
  last: IdentitySummary | null;
}

class SnapshotTimeline {
  readonly #subjects = new Map<string, Timeline>();
  #last = -1;

  /** Whether epoch e comes after every epoch appended so far. */
  accepts(e: number): boolean {
    return e > this.#last;
  }

  /** Append epoch e: `others` are its snapshots (every one fits PackedSnapshots). */
  append(e: number, others: ReadonlyMap<string, IdentitySummary>): void {
    for (const [k, s] of others) {
      let t = this.#subjects.get(k);
      if (!t) this.#subjects.set(k, (t = { epochs: [], status: [], attestation: [], revocation: [], last: null }));
      if (t.last === s) continue;
      t.last = s;
      const code = STATUSES.indexOf(s.status);
      const a = s.attestationSeq ?? -1;
      const r = s.revocationSeq ?? -1;
      const n = t.epochs.length;
      if (n === 0 || t.status[n - 1] !== code || t.attestation[n - 1] !== a || t.revocation[n - 1] !== r) this.#push(t, e, code, a, r);
    }
    // Every subject is in `others` when the sizes agree (its keys are subjects now): nothing went absent.
    if (others.size !== this.#subjects.size) for (const [k, t] of this.#subjects) if (!others.has(k) && t.status[t.status.length - 1] !== ABSENT) this.#push(t, e, ABSENT, -1, -1);
    this.#last = e;
  }

  #push(t: Timeline, e: number, code: number, a: number, r: number): void {
    if (code === ABSENT) t.last = null;
    t.epochs.push(e);
    t.status.push(code);
    t.attestation.push(a);
    t.revocation.push(r);
  }

  /** The snapshot of `subject` at an appended epoch e, or undefined when it was not looked at then. */
  at(e: number, subject: string): IdentitySummary | undefined {
    const t = this.#subjects.get(subject);
    if (!t) return undefined;
    let lo = 0;
    let hi = t.epochs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t.epochs[mid]! <= e) lo = mid + 1;
      else hi = mid;
    }
    const i = lo - 1;
    if (i < 0 || t.status[i] === ABSENT) return undefined;
    const a = t.attestation[i]!;
    const r = t.revocation[i]!;
    return { subject, status: STATUSES[t.status[i]!]!, attestationSeq: a < 0 ? null : a, revocationSeq: r < 0 ? null : r };
  }
}

interface PackedIdentities {
  activity: PackedInputs<AccountActivity> | undefined;
  /** Snapshots of the active accounts, aligned with `activity`. */
  accounts: PackedSnapshots;
  /** The other subjects looked at (storage nodes): in the timeline, or (an epoch packed out of order) sorted with their snapshots. */
  others: SnapshotTimeline | { keys: string[]; snaps: PackedSnapshots };
}

/** The AEGIS standing of every subject the replay's guards looked at, per epoch (explanations show it). */
export class IdentityArchive {
  readonly #live = new Map<number, Map<string, IdentitySummary>>();
  readonly #packed = new Map<number, PackedIdentities>();
  readonly #timeline = new SnapshotTimeline();

  set(e: number, m: Map<string, IdentitySummary>): void {
    this.#packed.delete(e);
    this.#live.set(e, m);
  }

  /** The snapshot of `subject` at e, or undefined when the replay did not look at it then. */
  get(e: number, subject: string): IdentitySummary | undefined {
    const live = this.#live.get(e);
    if (live) return live.get(subject);
    const p = this.#packed.get(e);
    if (!p) return undefined;
    const i = p.activity ? p.activity.indexOf(subject) : -1;
    if (i >= 0) return p.accounts.at(i, subject);
    if (p.others instanceof SnapshotTimeline) return p.others.at(e, subject);
    const o = sortedIndexOf(p.others.keys, subject);
    return o < 0 ? undefined : p.others.snaps.at(o, subject);
  }

  /** Pack every live epoch before e. */
  packBefore(e: number, activityOf: (x: number) => PackedInputs<AccountActivity> | undefined): void {
    for (const x of [...this.#live.keys()]) if (x < e) this.pack(x, activityOf(x));
  }

  /** Pack epoch e (it stays live when a value would not survive the packing). */
  pack(e: number, activity: PackedInputs<AccountActivity> | undefined): void {
    const m = this.#live.get(e);
    if (!m) return;
    for (const s of m.values()) if (!PackedSnapshots.fits(s)) return;
    const accounts = new PackedSnapshots(activity?.size ?? 0);
    const rest = new Map<string, IdentitySummary>();
    // The replay records the active accounts first, in sorted order (computeEpochRewards), then
    // the storage nodes: the j-th entry is tried against the j-th activity key in sorted order
    // before a search, and once every activity key has been matched (the map's keys are distinct)
    // no later key can be one (issue 7: ~1,300 nodes per epoch at 1M searched in vain).
    const na = activity ? activity.size : 0;
    let j = 0;
    let matched = 0;
    for (const [k, s] of m) {
      let i = -1;
      if (activity && matched < na) {
        const guess = j < na ? activity.sortedAt(j) : -1;
        i = guess >= 0 && activity.keyAt(guess) === k ? guess : activity.indexOf(k);
      }
      j++;
      if (i >= 0) {
        accounts.put(i, s);
        matched++;
      } else rest.set(k, s);
    }
    let others: PackedIdentities['others'];
    if (this.#timeline.accepts(e)) {
      this.#timeline.append(e, rest);
      others = this.#timeline;
    } else {
      const keys = [...rest.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      const snaps = new PackedSnapshots(keys.length);
      keys.forEach((k, i) => snaps.put(i, rest.get(k)!));
      others = { keys, snaps };
    }
    this.#packed.set(e, { activity, accounts, others });
    this.#live.delete(e);
  }
}

export interface EpochRecorded {
  rewards: Map<string, { seq: number; amount: bigint }>;
  distributed: bigint;
  ranking: { seq: number; entries: RankEntry[] } | null;
}

/**
 * A packed epoch's recorded rewards (issue 7 memory: an honest epoch keeps almost nothing per
 * reward). Accounts sorted by `<`, shared with the computed rewarded list when equal; the seq of
 * each, or only the first when the reward.allocate events are consecutive; the amount of each, or
 * none when every one equals its recomputed reward line (`line`, the packed computed rewards).
 */
interface PackedRecorded {
  accounts: readonly string[];
  /** Per sorted position, the reward's index in recorded order; null when the recorded order is the sorted one. */
  origin: Int32Array | null;
  /** Per sorted position, its seq; null when the seqs in recorded order are seq0, seq0 + 1, … */
  seqs: Int32Array | null;
  seq0: number;
  /** Per sorted position, its amount; null when `line` gives every one. */
  amounts: Amounts | null;
  line: ((account: string) => RewardLine | undefined) | null;
  distributed: bigint;
  ranking: { seq: number; entries: RankEntry[] } | null;
}

/** The derived values as the ledger recorded them, per epoch. */
export class RecordedArchive {
  readonly #live = new Map<number, EpochRecorded>();
  readonly #packed = new Map<number, PackedRecorded>();

  set(e: number, rec: EpochRecorded): void {
    this.#packed.delete(e);
    this.#live.set(e, rec);
  }

  /** The recorded values of e to update (unpacked first when packed). */
  get(e: number): EpochRecorded | undefined {
    const live = this.#live.get(e);
    if (live) return live;
    const p = this.#packed.get(e);
    if (!p) return undefined;
    const n = p.accounts.length;
    const byOrigin = new Int32Array(n);
    for (let i = 0; i < n; i++) byOrigin[p.origin ? p.origin[i]! : i] = i;
    const rewards = new Map<string, { seq: number; amount: bigint }>();
    for (const i of byOrigin) rewards.set(p.accounts[i]!, recordedAt(p, i));
    const rec: EpochRecorded = { rewards, distributed: p.distributed, ranking: p.ranking };
    this.set(e, rec);
    return rec;
  }

  reward(e: number, account: string): { seq: number; amount: bigint } | undefined {
    const live = this.#live.get(e);
    if (live) return live.rewards.get(account);
    const p = this.#packed.get(e);
    if (!p) return undefined;
    const i = sortedIndexOf(p.accounts, account);
    return i < 0 ? undefined : recordedAt(p, i);
  }

  ranking(e: number): { seq: number; entries: RankEntry[] } | null {
    return this.#live.get(e)?.ranking ?? this.#packed.get(e)?.ranking ?? null;
  }

  /** Pack every live epoch before e; `computed` gives the packed computed rewards of an epoch, when packed. */
  packBefore(e: number, computed: (x: number) => PackedRewardView | undefined = () => undefined): void {
    for (const x of [...this.#live.keys()]) if (x < e) this.pack(x, computed(x));
  }

  pack(e: number, computed?: PackedRewardView): void {
    const rec = this.#live.get(e);
    if (!rec) return;
    for (const x of rec.rewards.values()) if (!(Number.isInteger(x.seq) && x.seq >= 0 && x.seq <= 0x7fffffff)) return;
    const recorded = [...rec.rewards.keys()];
    const values = [...rec.rewards.values()];
    const n = recorded.length;
    const sorted = Int32Array.from(recorded.keys()).sort((a, b) => (recorded[a]! < recorded[b]! ? -1 : recorded[a]! > recorded[b]! ? 1 : 0));
    let inOrder = true;
    for (let i = 0; i < n; i++) if (sorted[i] !== i) inOrder = false;
    let accounts: readonly string[] = Array.from(sorted, (i) => recorded[i]!);
    const shared = computed?.rewarded;
    if (shared && shared.length === n && shared.every((a, i) => a === accounts[i])) accounts = shared;
    const seq0 = n > 0 ? values[0]!.seq : 0;
    const consecutive = values.every((x, j) => x.seq === seq0 + j);
    const line = computed?.line ?? null;
    let fromLines = false;
    try {
      fromLines = line !== null && accounts.every((a, i) => line(a)?.amount === values[sorted[i]!]!.amount);
    } catch {
      // A line that cannot be recomputed (an amount out of range): the amounts are kept.
    }
    this.#packed.set(e, {
      accounts,
      origin: inOrder ? null : sorted,
      seqs: consecutive ? null : Int32Array.from(sorted, (j) => values[j]!.seq),
      seq0,
      amounts: fromLines ? null : new Amounts(Array.from(sorted, (j) => values[j]!.amount)),
      line: fromLines ? line : null,
      distributed: rec.distributed,
      ranking: rec.ranking
    });
    this.#live.delete(e);
  }
}

/** The recorded reward at sorted position i of a packed epoch. */
function recordedAt(p: PackedRecorded, i: number): { seq: number; amount: bigint } {
  const seq = p.seqs ? p.seqs[i]! : p.seq0 + (p.origin ? p.origin[i]! : i);
  return { seq, amount: p.amounts ? p.amounts.get(i) : p.line!(p.accounts[i]!)!.amount };
}

/** A ranking as explanations read it: the head and counts, and the score line of a kept cid. */
export type RankingView = Omit<EpochRanking, 'scores'> & { line(cid: string): ScoreLine | undefined };

interface PackedRanking {
  view: Omit<EpochRanking, 'scores'>;
  params: RankingParams;
  signals: PackedInputs<ContentSignals> | undefined;
  /** The kept cids (compactRanking), sorted, and the previous score of each. */
  keys: string[];
  previous: Amounts;
}

/** Closed epochs' rankings (compactRanking: the ranked head and every cid engaged in the epoch). */
export class RankingArchive {
  readonly #live = new Map<number, EpochRanking>();
  readonly #packed = new Map<number, PackedRanking>();

  set(e: number, r: EpochRanking): void {
    this.#packed.delete(e);
    this.#live.set(e, r);
  }

  get(e: number): RankingView | undefined {
    const live = this.#live.get(e);
    if (live) return viewOf(live);
    const p = this.#packed.get(e);
    if (!p) return undefined;
    return { ...p.view, line: (cid) => packedLine(p, cid) };
  }

  /** Pack every live epoch before e. */
  packBefore(e: number, signalsOf: (x: number) => PackedInputs<ContentSignals> | undefined, paramsOf: (x: number) => RankingParams | undefined): void {
    for (const x of [...this.#live.keys()]) if (x < e) this.pack(x, signalsOf(x), paramsOf(x));
  }

  /** Pack epoch e when every kept line is recomputed exactly from its previous score (else it stays as it is). */
  pack(e: number, signals: PackedInputs<ContentSignals> | undefined, params: RankingParams | undefined): void {
    const r = this.#live.get(e);
    if (!r || !params || params.decay !== r.decay) return;
    const keys = [...r.scores.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const { scores: _scores, ...view } = r;
    const p: PackedRanking = { view, params, signals, keys, previous: new Amounts(keys.map((k) => r.scores.get(k)!.previous)) };
    for (const [cid, l] of r.scores) {
      const x = packedLine(p, cid);
      if (!x || x.cid !== l.cid || x.own !== l.own || x.previous !== l.previous || x.carried !== l.carried || x.score !== l.score) return;
    }
    this.#packed.set(e, p);
    this.#live.delete(e);
  }
}

export function viewOf(r: EpochRanking): RankingView {
  const { scores, ...view } = r;
  return { ...view, line: (cid) => scores.get(cid) };
}

/** The index of `key` in `keys` (sorted by `<`, UTF-16 code units), or −1. */
function sortedIndexOf(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return keys[lo] === key ? lo : -1;
}

/** §10.3: own = Σ count × ranking weight, carried = floor(decay × previous), score = own + carried. */
function packedLine(p: PackedRanking, cid: string): ScoreLine | undefined {
  const i = sortedIndexOf(p.keys, cid);
  if (i < 0) return undefined;
  const previous = p.previous.get(i);
  const sig = p.signals?.get(cid);
  let own = 0n;
  if (sig) for (const s of SIGNALS) own = add(own, BigInt(sig.signals[s]) * p.params.signalWeights[s]);
  const carried = mul(p.params.decay, previous);
  return { cid: p.keys[i]!, own, previous, carried, score: add(own, carried) };
}
