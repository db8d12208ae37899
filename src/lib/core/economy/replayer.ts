// The deterministic replay of the QFS economy (docs/BUNDLE_FORMAT.md §10; design in
// docs/ATLAS_EXPLAINABILITY_ARCH.md). The ledger verifier calls apply() for every authenticated
// event in seq order; the Replayer recomputes every derived value (ranking, rewards, placements,
// storage proofs, the epoch close and its state root) from the inputs under the policy in force,
// compares it with the recorded one, and reports each difference as a Finding at its seq and as
// drift. The reference issuer uses expectedEpochEnd() to produce those derived events.

import { add, formatAmount } from '../amount';
import type { Json } from '../canonical-json';
import { toHex } from '../bytes';
import { sha256 } from '../hash';
import type { Envelope, EventType, Finding, IdentityStatus, IdentityView } from '../types';
import { AccountBook, TREASURY, type AccountState } from './account-state';
import { DriftTracker, percent, type EpochDrift, type DriftItem } from './drift';
import { encodeFragments } from './erasure';
import { IdentityArchive, RankingArchive, RecordedArchive, RewardArchive, viewOf, type EpochTotals, type RankingView } from './epoch-archive';
import { EpochInputs } from './epoch-inputs';
import { checkDerived } from './derived-checks';
import { honestEpochEnd } from './operator';
import { RedundancyTracker, type RedundancySummary } from './redundancy';
export { PlacementRecord } from './placement-record';
import { buildPlacementExplanation, buildRankingExplanation, buildRewardExplanation, type IdentitySummary, type PlacementExplanation, type RankingExplanation, type RewardExplanation } from './explain';
import { placeFragments, type FragmentChoice, type PlacementNode } from './placement';
import { NodeList, PlacementRecord, Placements, type PlacementInput } from './placement-record';
import { fragmentShape, type EconomyPolicy, type Signal } from './policy';
import { PolicyRegistry, type PolicyEntry } from './policy-registry';
import { CarriedScores, computeRanking, emptySignals, topEntries, type ContentSignals, type EpochRanking, type RankEntry } from './ranking';
import { aegisGuards, ALL_PASS, computeEpochRewards, emptyActivity, type AccountActivity, type EpochRewards, type Guard, type RewardLine } from './reward';
import { fragmentHashes } from './storage-proof';

/** How many contributing seqs an explanation lists (the count is always complete). */
export const MAX_INPUT_SEQS = 20;

export interface ExpectedEvent {
  type: EventType;
  signer: string;
  policy?: string;
  payload: Json;
}

export interface ContentRecord {
  cid: string;
  author: string;
  size: number;
  title: string;
  seq: number;
  epoch: number;
}

export interface EpochClose {
  epoch: number;
  seq: number;
  stateRoot: string;
  recomputedRoot: string;
  pool: string;
  distributed: string;
  remainder: string;
  balanced: boolean;
  redundancy: RedundancySummary;
}

/** A type alias (not an interface) so it fits the ledger layer's `{ drift: unknown[]; [k: string]: unknown }`. */
export type ReplayReport = {
  events: number;
  epochs: EpochDrift[];
  /** Every differing value, in seq order: both numbers, its seq and the finding code. */
  drift: DriftItem[];
  compared: number;
  differing: number;
  percent: string;
  closes: EpochClose[];
  findings: number;
};

export interface ReplayerOptions {
  /** Content bytes when known (the issuer knows all; a bundle ships some). Used to derive and check fragments. */
  contentBytes?: (cid: string) => Uint8Array | null;
}

export interface Computation {
  epoch: number;
  version: number;
  entry: PolicyEntry | null;
  rewards: EpochRewards | null;
  ranking: EpochRanking | null;
  top: RankEntry[];
  placements: Map<string, FragmentChoice[]>;
  /** The eligible storage nodes the placements were computed from. */
  eligible: readonly PlacementNode[];
  states: Map<string, AccountState> | null;
  /** @internal The positions of `states`' accounts in the AccountBook, in the map's order (hints: AccountBook.locate). */
  positions: number[] | null;
  root: string | null;
  /** AEGIS standing of every subject the guards looked at, as evaluated for this epoch. */
  identities: Map<string, IdentitySummary>;
}

export type { EpochRecorded, EpochTotals } from './epoch-archive';

type Obj = { [k: string]: Json };

/** The first index of sorted `a` whose value is above x (a.length when none is). */
function firstAbove(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether every guard of aegisGuards() passes for this snapshot, without building the guards. */
function passesGuards(snap: IdentitySummary, first: number | undefined, e: number, minAge: number): boolean {
  return snap.status === 'verified' && first !== undefined && e - first >= minAge;
}

/** A storage node's AEGIS snapshot, the same at every epoch in [lo, hi) until an AEGIS event about it. */
interface NodeStanding {
  snap: IdentitySummary;
  lo: number;
  hi: number;
  first: number | undefined;
  node: PlacementNode;
}
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export class Replayer {
  readonly identity: IdentityView;
  readonly registry = new PolicyRegistry();
  readonly drift = new DriftTracker();
  readonly book: AccountBook;
  readonly #contentBytes: ((cid: string) => Uint8Array | null) | undefined;

  readonly contents = new Map<string, ContentRecord>();
  /** Inputs per epoch and account / content item: live while the epoch is replayed, packed once the replay moved on. */
  readonly activity = new EpochInputs<AccountActivity>(true);
  readonly contentSignals = new EpochInputs<ContentSignals>(false);
  readonly published = new Map<number, string[]>();
  /** Closed epochs' rewards (lines recomputed on demand once packed; epoch-archive.ts). */
  readonly rewards = new RewardArchive();
  readonly rankings = new RankingArchive();
  readonly rewardPolicy = new Map<number, PolicyEntry>();
  readonly recorded = new RecordedArchive();
  /** Every checked storage.place by cid, in one column store (placement-record.ts). */
  readonly placements = new Placements((e, subject) => this.identities.get(e, subject));
  readonly closes = new Map<number, EpochClose>();
  readonly redundancy = new RedundancyTracker(this.placements);
  /** AEGIS standing per epoch as the replay evaluated it (explanations show this, not today's view). */
  readonly identities = new IdentityArchive();
  /** @internal Ranking scores carried into the next epoch. */
  carried = new CarriedScores();
  #version = 0;
  #cache: Computation | null = null;
  /** Eligible-node lists as placement records keep them: indices into one table of (id, zone) nodes. */
  readonly #nodeTable: PlacementNode[] = [];
  readonly #nodeIndex = new Map<string, Map<string | null, number>>();
  #lastEligible: { source: readonly PlacementNode[]; list: NodeList } | null = null;
  /** Placements whose epoch the replay has not moved past yet (settled in #packBefore). */
  #freshPlacements: number[] = [];
  #lastEpoch = -1;
  readonly #statusDirty = new Set<string>();
  readonly #statusAt = new Map<number, string[]>();
  /** Per storage node: every epoch where an AEGIS event about it may change its standing (validFrom, validUntil + 1, a revocation's from). */
  readonly #nodeBounds = new Map<string, number[]>();
  /** Per storage node: its standing as last evaluated (eligibleNodes), dropped at an AEGIS event about it. */
  readonly #nodeStanding = new Map<string, NodeStanding>();
  #lastNodes: PlacementNode[] | null = null;
  /**
   * The standings of #nodeStanding again, by index in the node list eligibleNodes last saw
   * (identity.nodes(): the same array until a node is attested), in flat arrays: eligibleNodes and
   * the close's nodeStatus check a node's [lo, hi) and read its pass values without a map lookup
   * or a visit to the standing object (issue 7: 1,294 nodes at each of 1,249 closes at 1M). Slot i
   * holds the cached standing of #slotIds[i]; #watch empties it when it drops that standing.
   */
  #slotList: readonly string[] | null = null;
  #slotIds: string[] = [];
  #slotIndex = new Map<string, number>();
  #slotLo = new Float64Array(0);
  #slotHi = new Float64Array(0);
  /** The standing's first validFrom (NaN for none: then `e − first ≥ age` is false, as passesGuards' undefined check). */
  #slotFirst = new Float64Array(0);
  #slotVerified = new Uint8Array(0);
  #slotSnap: IdentitySummary[] = [];
  #slotNode: PlacementNode[] = [];
  #events = 0;
  #findings = 0;

  constructor(identity: IdentityView, options: ReplayerOptions = {}) {
    this.identity = identity;
    this.book = new AccountBook((account) => identity.subjectIndex(account));
    this.#contentBytes = options.contentBytes;
  }

  /** @internal */
  contentBytesOf(cid: string): Uint8Array | null {
    return this.#contentBytes?.(cid) ?? null;
  }

  /** @internal Forget the cached computation (after an epoch close). */
  invalidate(): void {
    this.#cache = null;
    this.#version++;
  }

  /** Every authenticated event, in seq order. Returns the economy findings for this event. */
  apply(env: Envelope, ctx: { seq: number; eventId: Uint8Array }): Finding[] {
    this.#events++;
    const out = this.#apply(env, ctx.seq);
    this.#findings += out.length;
    return out;
  }

  #apply(env: Envelope, seq: number): Finding[] {
    const e = env.epoch;
    const p = env.payload;
    if (e > this.#lastEpoch) {
      this.#packBefore(e);
      this.#lastEpoch = e;
    }
    switch (env.type) {
      case 'aegis.attest':
        if (isObj(p) && typeof p.subject === 'string' && typeof p.validFrom === 'number' && typeof p.validUntil === 'number') {
          if (p.kind === 'user') this.book.ensure(p.subject);
          this.#watch(p.subject, [p.validFrom, p.validUntil + 1], p.kind === 'node');
        }
        return [];
      case 'aegis.revoke':
        if (isObj(p) && typeof p.subject === 'string' && typeof p.from === 'number') this.#watch(p.subject, [p.from], this.#nodeBounds.has(p.subject));
        return [];
      case 'policy.activate':
        return this.registry.activate(p, e, seq);
      case 'content.publish':
        return this.#publish(p as Obj, e, seq);
      case 'engagement':
        return this.#engage(p as Obj, e, seq);
      default:
        return checkDerived(this, env, seq);
    }
  }

  // ----- AEGIS standing changes ------------------------------------------------------------------

  /**
   * A subject's status can change only at an AEGIS event about it, or at an epoch where an
   * attestation starts (validFrom), lapses (validUntil + 1) or a revocation takes effect (from).
   * The state root re-evaluates exactly those subjects (§10.6), not every account at every close.
   */
  #watch(subject: string, epochs: number[], node: boolean): void {
    this.#statusDirty.add(subject);
    // A node's standing (eligibleNodes): its epochs kept for good (a node is attested only as a
    // node, and a revocation needs an attestation before it).
    this.#nodeStanding.delete(subject);
    const slot = this.#slotIndex.get(subject);
    if (slot !== undefined) this.#emptySlot(slot);
    if (node) {
      let b = this.#nodeBounds.get(subject);
      if (!b) this.#nodeBounds.set(subject, (b = []));
      // Sorted (renewals append): a node renewed every few epochs has hundreds at 1M events.
      for (const x of epochs) {
        const at = firstAbove(b, x);
        if (at === b.length) b.push(x);
        else b.splice(at, 0, x);
      }
    }
    for (const at of epochs) {
      let list = this.#statusAt.get(at);
      if (!list) this.#statusAt.set(at, (list = []));
      list.push(subject);
    }
  }

  /** Subjects whose status may differ at the close of e from the previous close. */
  #statusChanged(e: number): Set<string> {
    const out = new Set(this.#statusDirty);
    for (const [at, list] of this.#statusAt) if (at <= e) for (const x of list) out.add(x);
    return out;
  }

  /** @internal Called by the close once the epoch is committed. */
  committed(e: number): void {
    this.#statusDirty.clear();
    for (const at of [...this.#statusAt.keys()]) if (at <= e) this.#statusAt.delete(at);
  }

  // ----- inputs ------------------------------------------------------------------------------

  /** Pack what explanations keep of the epochs before e: the replay has moved past them (epoch-archive.ts). */
  #packBefore(e: number): void {
    this.activity.packBefore(e);
    this.contentSignals.packBefore(e);
    this.rewards.packBefore(e, (x) => this.activity.packed(x), (x) => this.rewardPolicy.get(x)?.policy.reward);
    this.identities.packBefore(e, (x) => this.activity.packed(x));
    this.recorded.packBefore(e, (x) => this.rewards.packedView(x));
    this.rankings.packBefore(e, (x) => this.contentSignals.packed(x), (x) => this.rewardPolicy.get(x)?.policy.ranking);
    const fresh: number[] = [];
    for (const row of this.#freshPlacements) {
      if (this.placements.num(row, 'epoch') >= e) fresh.push(row);
      else this.placements.settle(row);
    }
    this.#freshPlacements = fresh;
  }

  #activityOf(e: number, account: string): AccountActivity {
    const m = this.activity.mutable(e);
    let a = m.get(account);
    if (!a) m.set(account, (a = emptyActivity()));
    return a;
  }

  #publish(p: Obj, e: number, seq: number): Finding[] {
    const cid = p.cid as string;
    const prior = this.contents.get(cid);
    if (prior) return [{ code: 'event.schema', seq, epoch: e, message: `content ${cid} was already published at seq ${prior.seq}; a second publication earns nothing` }];
    this.contents.set(cid, { cid, author: p.author as string, size: p.size as number, title: p.title as string, seq, epoch: e });
    const a = this.#activityOf(e, p.author as string);
    a.publications++;
    a.events++;
    if (a.seqs.length < MAX_INPUT_SEQS) a.seqs.push(seq);
    let list = this.published.get(e);
    if (!list) this.published.set(e, (list = []));
    list.push(cid);
    this.#version++;
    return [];
  }

  #engage(p: Obj, e: number, seq: number): Finding[] {
    const content = this.contents.get(p.cid as string);
    if (!content) return [{ code: 'content.unknown', seq, epoch: e, message: `engagement on ${p.cid as string}, which no content.publish before seq ${seq} introduced` }];
    // The publication's cid string: one copy per content item, not one per engaged epoch.
    const cid = content.cid;
    const signal = p.signal as Signal;
    const a = this.#activityOf(e, p.actor as string);
    a.signals[signal]++;
    a.events++;
    if (a.seqs.length < MAX_INPUT_SEQS) a.seqs.push(seq);
    const m = this.contentSignals.mutable(e);
    let c = m.get(cid);
    if (!c) m.set(cid, (c = emptySignals()));
    c.signals[signal]++;
    c.events++;
    if (c.seqs.length < MAX_INPUT_SEQS) c.seqs.push(seq);
    this.#version++;
    return [];
  }

  // ----- the computation of an epoch -----------------------------------------------------------

  /** Attestation-age and AEGIS guards for a subject at epoch e (§10.5). */
  guards(subject: string, e: number, policy: EconomyPolicy, record?: Map<string, IdentitySummary>): Guard[] {
    const snap = this.#snapshot(subject, e);
    record?.set(subject, snap);
    return aegisGuards(snap, e, this.identity.firstValidFrom(subject), policy.aegis.minAttestationAge);
  }

  /**
   * Whether every guard of `subject` at e passes: the pass values of aegisGuards() without building
   * the guards and their reasons (most subjects pass); records the snapshot as guards() does.
   */
  #passes(subject: string, e: number, policy: EconomyPolicy, record?: Map<string, IdentitySummary>): boolean {
    const snap = this.#snapshot(subject, e);
    record?.set(subject, snap);
    return passesGuards(snap, this.identity.firstValidFrom(subject), e, policy.aegis.minAttestationAge);
  }

  /** The AEGIS snapshot of `subject` at epoch e (what guards and explanations record). */
  #snapshot(subject: string, e: number): IdentitySummary {
    return { subject, status: this.identity.status(subject, e), attestationSeq: this.identity.attestationSeq(subject, e), revocationSeq: this.identity.revocationSeq(subject, e) };
  }

  eligibleNodes(e: number, policy: EconomyPolicy, record?: Map<string, IdentitySummary>): PlacementNode[] {
    const out: PlacementNode[] = [];
    const age = policy.aegis.minAttestationAge;
    // The #passes test on each node's standing, reused while no AEGIS event or epoch boundary of the node intervenes.
    const ids = this.identity.nodes();
    this.#align(ids);
    const slotIds = this.#slotIds;
    const lo = this.#slotLo;
    const hi = this.#slotHi;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (slotIds[i] === id && e >= lo[i]! && e < hi[i]!) {
        // The slot's copy of the cached standing (the same values as the branch below reads).
        record?.set(id, this.#slotSnap[i]!);
        if (this.#slotVerified[i] === 1 && e - this.#slotFirst[i]! >= age) out.push(this.#slotNode[i]!);
        continue;
      }
      const x = this.#standingOf(id, e);
      if (slotIds[i] === id && this.#nodeStanding.get(id) === x) this.#fillSlot(i, x);
      record?.set(id, x.snap);
      if (passesGuards(x.snap, x.first, e, age)) out.push(x.node);
    }
    // The previous list when it holds the same nodes: placement's per-list preparation is reused.
    const last = this.#lastNodes;
    if (last && last.length === out.length && last.every((x, i) => x === out[i])) return last;
    this.#lastNodes = out;
    return out;
  }

  /**
   * @internal A storage node's status at e, from its standing (the redundancy of a close looks at
   * every node). `i`: the node's index in identity.nodes(), when known (a slot hint, checked).
   */
  nodeStatus(id: string, e: number, i?: number): IdentityStatus {
    const slot = i !== undefined && this.#slotIds[i] === id;
    if (slot && e >= this.#slotLo[i]! && e < this.#slotHi[i]!) return this.#slotVerified[i] === 1 ? 'verified' : this.#slotSnap[i]!.status;
    const x = this.#standingOf(id, e);
    if (slot && this.#nodeStanding.get(id) === x) this.#fillSlot(i, x);
    return x.snap.status;
  }

  /** Index the slots by `ids` (a new node list: every slot empty until its node's standing is next evaluated). */
  #align(ids: readonly string[]): void {
    if (this.#slotList === ids) return;
    const n = ids.length;
    this.#slotList = ids;
    this.#slotIndex = new Map();
    // A list naming a node twice gets no slots (every lookup takes the standing's map).
    for (let i = 0; i < n; i++) this.#slotIndex.set(ids[i]!, i);
    this.#slotIds = this.#slotIndex.size === n ? ids.slice() : [];
    if (this.#slotIds.length === 0) this.#slotIndex = new Map();
    this.#slotLo = new Float64Array(n).fill(Infinity);
    this.#slotHi = new Float64Array(n).fill(-Infinity);
    this.#slotFirst = new Float64Array(n);
    this.#slotVerified = new Uint8Array(n);
    this.#slotSnap = new Array<IdentitySummary>(n);
    this.#slotNode = new Array<PlacementNode>(n);
  }

  #fillSlot(i: number, x: NodeStanding): void {
    this.#slotLo[i] = x.lo;
    this.#slotHi[i] = x.hi;
    this.#slotFirst[i] = x.first === undefined ? NaN : x.first;
    this.#slotVerified[i] = x.snap.status === 'verified' ? 1 : 0;
    this.#slotSnap[i] = x.snap;
    this.#slotNode[i] = x.node;
  }

  #emptySlot(i: number): void {
    this.#slotLo[i] = Infinity;
    this.#slotHi[i] = -Infinity;
  }

  /**
   * A storage node's snapshot at e (as #passes takes it), its first validFrom and its zone. Its
   * status and seqs change only at the epochs #watch saw for it, so the result holds from the last
   * such epoch ≤ e to the next one, until the next AEGIS event about it (#watch drops it then).
   */
  #standingOf(id: string, e: number): NodeStanding {
    const c = this.#nodeStanding.get(id);
    if (c && e >= c.lo && e < c.hi) return c;
    const x: NodeStanding = { snap: this.#snapshot(id, e), lo: e, hi: e, first: this.identity.firstValidFrom(id), node: { id, zone: this.identity.zone(id) } };
    const bounds = this.#nodeBounds.get(id);
    // A node no AEGIS event was applied for (not through this Replayer): evaluated every time.
    if (!bounds) return x;
    const at = firstAbove(bounds, e);
    x.lo = at > 0 ? bounds[at - 1]! : -Infinity;
    x.hi = at < bounds.length ? bounds[at]! : Infinity;
    this.#nodeStanding.set(id, x);
    return x;
  }

  /** @internal The recomputation of epoch e from the inputs so far (cached until an input arrives). */
  computeEpoch(e: number): Computation {
    const c = this.#cache;
    if (c && c.epoch === e && c.version === this.#version) return c;
    const entry = this.registry.getPolicyForEpoch(e);
    const out: Computation = { epoch: e, version: this.#version, entry, rewards: null, ranking: null, top: [], placements: new Map(), eligible: [], states: null, positions: null, root: null, identities: new Map() };
    if (entry) {
      const pol = entry.policy;
      out.rewards = computeEpochRewards(
        e,
        pol.reward,
        this.activity.get(e) ?? new Map(),
        (a) => this.book.streakIfActive(a, e),
        (a) => (this.#passes(a, e, pol, out.identities) ? ALL_PASS : this.guards(a, e, pol, out.identities))
      );
      out.ranking = computeRanking(e, pol.ranking, this.carried, this.contentSignals.get(e) ?? new Map());
      out.top = topEntries(out.ranking);
      const nodes = this.eligibleNodes(e, pol, out.identities);
      out.eligible = nodes;
      const { n } = fragmentShape(pol.storage);
      for (const cid of this.published.get(e) ?? []) out.placements.set(cid, placeFragments(cid, n, nodes, pol.storage.zoneDiversity));
    }
    this.#cache = out;
    return out;
  }

  /** Account states after the close of e (not committed), and the resulting state root. */
  /** @internal */
  prospective(c: Computation): { states: Map<string, AccountState>; root: string } {
    if (c.states && c.root) return { states: c.states, root: c.root };
    const e = c.epoch;
    const states = new Map<string, AccountState>();
    // Each account's book position, found once here and passed to root() and the commit as a hint.
    const positions: number[] = [];
    const touch = (a: string): AccountState => {
      let s = states.get(a);
      if (!s) {
        const pos = this.book.locate(a);
        positions.push(pos);
        // stateAt() is a fresh copy: the prospective state changes it, not the book.
        states.set(a, (s = this.book.stateAt(pos)));
      }
      return s;
    };
    this.book.ensure(TREASURY);
    for (const [a, act] of this.activity.get(e) ?? []) {
      const s = touch(a);
      // The committed state holds the streak as of the account's last active epoch (§10.6).
      s.streak = s.lastActive === e - 1 ? s.streak + 1 : 1;
      s.lastActive = e;
      s.published += act.publications;
    }
    if (c.rewards) {
      for (const a of c.rewards.rewarded) {
        const s = touch(a);
        s.balance = add(s.balance, c.rewards.lines.get(a)!.amount);
        s.rewards++;
      }
      const t = touch(TREASURY);
      t.balance = add(t.balance, c.rewards.remainder);
    }
    const root = this.book.root((a) => this.identity.status(a, e), this.#statusChanged(e), states, positions);
    c.states = states;
    c.positions = positions;
    c.root = root;
    return { states, root };
  }

  /** @internal Fragment hashes from the content bytes, when known. */
  contentFragments(cid: string, pol: EconomyPolicy): { hashes: Uint8Array[]; size: number } | null {
    const bytes = this.contentBytesOf(cid);
    if (!bytes) return null;
    return { hashes: fragmentHashes(encodeFragments(bytes, pol.storage)), size: bytes.length };
  }

  /** The eligible nodes of a computation as indices into the node table, shared with the previous list when equal. */
  #eligibleList(nodes: readonly PlacementNode[]): NodeList {
    const last = this.#lastEligible;
    if (last?.source === nodes) return last.list;
    const at = new Int32Array(nodes.length);
    nodes.forEach((x, i) => {
      let zones = this.#nodeIndex.get(x.id);
      if (!zones) this.#nodeIndex.set(x.id, (zones = new Map()));
      let k = zones.get(x.zone);
      if (k === undefined) {
        zones.set(x.zone, (k = this.#nodeTable.length));
        this.#nodeTable.push({ id: x.id, zone: x.zone });
      }
      at[i] = k;
    });
    const same = last && last.list.at.length === at.length && last.list.at.every((k, i) => k === at[i]);
    const list = same ? last.list : new NodeList(this.#nodeTable, at);
    this.#lastEligible = { source: nodes, list };
    return list;
  }

  /** @internal The compact record of a checked storage.place (derived-checks.ts), keeping what explanations and proofs need. */
  placementRecord(x: PlacementInput, c: Computation): PlacementRecord {
    const pl = this.placements.add({ ...x, cid: this.contents.get(x.cid)?.cid ?? x.cid }, c.entry && c.placements.has(x.cid) ? { entry: c.entry, eligible: this.#eligibleList(c.eligible) } : null);
    this.#freshPlacements.push(pl.row);
    this.redundancy.add(pl.row);
    return pl;
  }

  /**
   * What an honest operator emits at the end of `epoch`, in order, ending with epoch.close
   * (operator.ts). The issuer signs and appends each and applies it back to its Replayer.
   */
  expectedEpochEnd(epoch: number): ExpectedEvent[] {
    return honestEpochEnd(this, epoch);
  }



  // ----- results --------------------------------------------------------------------------------

  /** Re-derive the fragments of `cid` from its bytes and compare with the recorded placement. */
  verifyContentBytes(cid: string, bytes: Uint8Array): Finding[] {
    const pl = this.placements.get(cid);
    const content = this.contents.get(cid);
    if (toHex(sha256(bytes)) !== cid) return [{ code: 'content.hash-mismatch', seq: content?.seq ?? null, message: `content/${cid}: the bytes hash to ${toHex(sha256(bytes))}` }];
    if (content && content.size !== bytes.length) return [{ code: 'content.hash-mismatch', seq: content.seq, message: `content/${cid}: ${bytes.length} bytes, published size ${content.size}`, recorded: String(content.size), recomputed: String(bytes.length) }];
    if (!pl) return content ? [] : [{ code: 'content.unknown', seq: null, message: `content/${cid} was never published` }];
    const entry = this.registry.byHash(pl.policyHash) ?? this.registry.getPolicyForEpoch(pl.epoch);
    if (!entry) return [];
    const hashes = fragmentHashes(encodeFragments(bytes, entry.policy.storage));
    const listed = pl.hashes;
    const j = hashes.findIndex((h, i) => !listed[i] || toHex(h) !== toHex(listed[i]!));
    if (j >= 0 || hashes.length !== listed.length) {
      const at = j >= 0 ? j : Math.min(hashes.length, listed.length);
      return [{ code: 'content.hash-mismatch', seq: pl.seq, epoch: pl.epoch, message: `fragment ${at} of ${cid}: recorded ${listed[at] ? toHex(listed[at]!) : '(none)'}, recomputed from the bytes ${hashes[at] ? toHex(hashes[at]!) : '(none)'}`, recorded: listed[at] ? toHex(listed[at]!) : '', recomputed: hashes[at] ? toHex(hashes[at]!) : '' }];
    }
    return [];
  }

  report(): ReplayReport {
    const epochs = this.drift.epochs();
    let compared = 0;
    let differing = 0;
    for (const d of epochs) {
      compared += d.compared;
      differing += d.differing;
    }
    return { events: this.#events, epochs, drift: this.drift.items(), compared, differing, percent: percent(differing, compared), closes: [...this.closes.values()].sort((a, b) => a.epoch - b.epoch), findings: this.#findings };
  }

  explainReward(account: string, epoch: number): RewardExplanation | null {
    return buildRewardExplanation(this, account, epoch);
  }

  explainRanking(cid: string, epoch: number): RankingExplanation | null {
    return buildRankingExplanation(this, cid, epoch);
  }

  explainPlacement(cid: string): PlacementExplanation | null {
    return buildPlacementExplanation(this, cid);
  }

  /** Every account (users and the treasury) with its replayed reward count and balance, sorted by id. */
  accounts(): Array<{ account: string; rewards: number; total: string }> {
    return this.book.ids().map((id) => {
      const s = this.book.get(id)!;
      return { account: id, rewards: s.rewards, total: formatAmount(s.balance) };
    });
  }

  /** Reward totals of an epoch: committed at its close, or live for the open epoch. */
  epochRewards(epoch: number): EpochTotals | null {
    return this.rewards.totals(epoch) ?? (this.#isOpen(epoch) ? this.computeEpoch(epoch).rewards : null);
  }

  /** An account's reward line at an epoch (as epochRewards), or undefined when it was not active then. */
  rewardLine(account: string, epoch: number): RewardLine | undefined {
    if (this.rewards.has(epoch)) return this.rewards.line(epoch, account);
    return this.#isOpen(epoch) ? this.computeEpoch(epoch).rewards?.lines.get(account) : undefined;
  }

  /** The ranking of an epoch as explanations read it (once closed: the kept lines, compactRanking). */
  epochRanking(epoch: number): RankingView | null {
    const closed = this.rankings.get(epoch);
    if (closed) return closed;
    const live = this.#isOpen(epoch) ? this.computeEpoch(epoch).ranking : null;
    return live ? viewOf(live) : null;
  }

  /** The epoch being replayed and not yet closed (values there are provisional); never a future one. */
  #isOpen(epoch: number): boolean {
    return epoch === this.#lastEpoch && !this.closes.has(epoch);
  }

  /** The highest epoch applied so far (−1 before any event). */
  lastEpoch(): number {
    return this.#lastEpoch;
  }

  lastClosedEpoch(): number | null {
    let last: number | null = null;
    for (const e of this.closes.keys()) if (last === null || e > last) last = e;
    return last;
  }
}

