// The deterministic replay of the QFS economy (docs/BUNDLE_FORMAT.md §10; design in
// docs/ATLAS_EXPLAINABILITY_ARCH.md). The ledger verifier calls apply() for every authenticated
// event in seq order; the Replayer recomputes every derived value (ranking, rewards, placements,
// storage proofs, the epoch close and its state root) from the inputs under the policy in force,
// compares it with the recorded one, and reports each difference as a Finding at its seq and as
// drift. The reference issuer uses expectedEpochEnd() to produce those derived events.

import { formatAmount, parseAmount } from '../amount';
import type { Json } from '../canonical-json';
import { fromHex, toHex } from '../bytes';
import { sha256 } from '../hash';
import type { Envelope, EventType, Finding, IdentityView } from '../types';
import { AccountBook, TREASURY, type AccountState } from './account-state';
import { DriftTracker, percent, type DriftKind, type EpochDrift, type DriftItem } from './drift';
import { encodeFragments, fragmentSize } from './erasure';
import { buildPlacementExplanation, buildRankingExplanation, buildRewardExplanation, type PlacementExplanation, type RankingExplanation, type RewardExplanation } from './explain';
import { placeFragments, type FragmentChoice } from './placement';
import { fragmentShape, type EconomyPolicy, type Signal } from './policy';
import { PolicyRegistry, type PolicyEntry } from './policy-registry';
import { carryScores, computeRanking, emptySignals, firstDifferingRank, parseRankEntries, topEntries, type ContentSignals, type EpochRanking, type RankEntry } from './ranking';
import { computeEpochRewards, emptyActivity, type AccountActivity, type EpochRewards, type Guard } from './reward';
import { fragmentHashes, fragmentProof, fragmentRoot, hexList, parseHashList, verifyFragmentProof } from './storage-proof';

/** How many contributing seqs an explanation lists (the count is always complete). */
export const MAX_INPUT_SEQS = 20;
/** Storage proofs the reference issuer includes per epoch. */
export const PROOFS_PER_EPOCH = 3;

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

export interface PlacementRecord {
  cid: string;
  epoch: number;
  seq: number;
  scheme: 'erasure' | 'replica';
  k: number;
  n: number;
  size: number;
  fragmentSize: number;
  hashes: Uint8Array[];
  nodes: string[];
  root: Uint8Array;
  rootRecomputed: Uint8Array;
  expected: FragmentChoice[];
  policyHash: string;
  matches: boolean;
  proofs: Array<{ seq: number; epoch: number; index: number; node: string; valid: boolean }>;
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
  redundancy: { placed: number; minRedundancy: number | null; atRisk: number; lost: number };
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

interface Computation {
  epoch: number;
  version: number;
  entry: PolicyEntry | null;
  rewards: EpochRewards | null;
  ranking: EpochRanking | null;
  top: RankEntry[];
  placements: Map<string, FragmentChoice[]>;
  states: Map<string, AccountState> | null;
  root: string | null;
}

interface EpochRecorded {
  rewards: Map<string, { seq: number; amount: bigint }>;
  distributed: bigint;
  ranking: { seq: number; entries: RankEntry[] } | null;
}

type Obj = { [k: string]: Json };
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const keysAre = (p: Obj, keys: string[]): boolean => Object.keys(p).sort().join(',') === [...keys].sort().join(',');

export class Replayer {
  readonly identity: IdentityView;
  readonly registry = new PolicyRegistry();
  readonly drift = new DriftTracker();
  readonly book = new AccountBook();
  readonly #contentBytes: ((cid: string) => Uint8Array | null) | undefined;

  readonly contents = new Map<string, ContentRecord>();
  readonly firstValidFrom = new Map<string, number>();
  readonly activity = new Map<number, Map<string, AccountActivity>>();
  readonly contentSignals = new Map<number, Map<string, ContentSignals>>();
  readonly published = new Map<number, string[]>();
  readonly rewards = new Map<number, EpochRewards>();
  readonly rankings = new Map<number, EpochRanking>();
  readonly rewardPolicy = new Map<number, PolicyEntry>();
  readonly recorded = new Map<number, EpochRecorded>();
  readonly placements = new Map<string, PlacementRecord>();
  readonly closes = new Map<number, EpochClose>();
  #carried = new Map<string, bigint>();
  #streaks = new Map<string, { streak: number; lastActive: number }>();
  #version = 0;
  #cache: Computation | null = null;
  #events = 0;
  #findings = 0;

  constructor(identity: IdentityView, options: ReplayerOptions = {}) {
    this.identity = identity;
    this.#contentBytes = options.contentBytes;
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
    switch (env.type) {
      case 'aegis.attest':
        if (isObj(p) && typeof p.subject === 'string' && typeof p.validFrom === 'number' && !this.firstValidFrom.has(p.subject)) this.firstValidFrom.set(p.subject, p.validFrom);
        return [];
      case 'aegis.revoke':
        return [];
      case 'policy.activate':
        return this.registry.activate(p, e, seq);
      case 'content.publish':
        return this.#publish(p as Obj, e, seq);
      case 'engagement':
        return this.#engage(p as Obj, e, seq);
      default:
        return this.#derived(env, seq);
    }
  }

  // ----- inputs ------------------------------------------------------------------------------

  #activityOf(e: number, account: string): AccountActivity {
    let m = this.activity.get(e);
    if (!m) this.activity.set(e, (m = new Map()));
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
    const cid = p.cid as string;
    if (!this.contents.has(cid)) return [{ code: 'content.unknown', seq, epoch: e, message: `engagement on ${cid}, which no content.publish before seq ${seq} introduced` }];
    const signal = p.signal as Signal;
    const a = this.#activityOf(e, p.actor as string);
    a.signals[signal]++;
    a.events++;
    if (a.seqs.length < MAX_INPUT_SEQS) a.seqs.push(seq);
    let m = this.contentSignals.get(e);
    if (!m) this.contentSignals.set(e, (m = new Map()));
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
  guards(subject: string, e: number, policy: EconomyPolicy): Guard[] {
    const status = this.identity.status(subject, e);
    const att = this.identity.attestationSeq(subject, e);
    const rev = this.identity.revocationSeq(subject, e);
    const verified: Guard = {
      name: 'aegis-verified',
      pass: status === 'verified',
      reason:
        status === 'verified'
          ? `AEGIS attestation at seq ${att} covers epoch ${e}`
          : status === 'revoked'
            ? `revoked by AEGIS (seq ${rev}) from epoch ${e} or earlier`
            : `AEGIS status at epoch ${e} is ${status}`
    };
    const from = this.firstValidFrom.get(subject);
    const age = from === undefined ? null : e - from;
    const min = policy.aegis.minAttestationAge;
    const aged: Guard = {
      name: 'attestation-age',
      pass: age !== null && age >= min,
      reason: age === null ? 'never attested' : `attested since epoch ${from}: age ${age} epoch(s), policy minimum ${min}`
    };
    return [verified, aged];
  }

  eligibleNodes(e: number, policy: EconomyPolicy): Array<{ id: string; zone: string | null }> {
    const out: Array<{ id: string; zone: string | null }> = [];
    for (const id of this.identity.nodes()) if (this.guards(id, e, policy).every((g) => g.pass)) out.push({ id, zone: this.identity.zone(id) });
    return out;
  }

  #compute(e: number): Computation {
    const c = this.#cache;
    if (c && c.epoch === e && c.version === this.#version) return c;
    const entry = this.registry.getPolicyForEpoch(e);
    const out: Computation = { epoch: e, version: this.#version, entry, rewards: null, ranking: null, top: [], placements: new Map(), states: null, root: null };
    if (entry) {
      const pol = entry.policy;
      out.rewards = computeEpochRewards(
        e,
        pol.reward,
        this.activity.get(e) ?? new Map(),
        (a) => {
          const s = this.#streaks.get(a);
          return s && s.lastActive === e - 1 ? s.streak + 1 : 1;
        },
        (a) => this.guards(a, e, pol)
      );
      out.ranking = computeRanking(e, pol.ranking, this.#carried, this.contentSignals.get(e) ?? new Map());
      out.top = topEntries(out.ranking);
      const nodes = this.eligibleNodes(e, pol);
      const { n } = fragmentShape(pol.storage);
      for (const cid of this.published.get(e) ?? []) out.placements.set(cid, placeFragments(cid, n, nodes, pol.storage.zoneDiversity));
    }
    this.#cache = out;
    return out;
  }

  /** Account states after the close of e (not committed), and the resulting state root. */
  #prospective(c: Computation): { states: Map<string, AccountState>; root: string } {
    if (c.states && c.root) return { states: c.states, root: c.root };
    const e = c.epoch;
    const states = new Map<string, AccountState>();
    const touch = (a: string): AccountState => {
      let s = states.get(a);
      if (!s) {
        const cur = this.book.ensure(a);
        states.set(a, (s = { ...cur }));
      }
      return s;
    };
    for (const u of this.identity.users()) this.book.ensure(u);
    this.book.ensure(TREASURY);
    for (const [a, act] of this.activity.get(e) ?? []) {
      const s = touch(a);
      const prev = this.#streaks.get(a);
      s.streak = prev && prev.lastActive === e - 1 ? prev.streak + 1 : 1;
      s.lastActive = e;
      s.published += act.publications;
    }
    if (c.rewards) {
      for (const a of c.rewards.rewarded) {
        const s = touch(a);
        s.balance += c.rewards.lines.get(a)!.amount;
        s.rewards++;
      }
      touch(TREASURY).balance += c.rewards.remainder;
    }
    const { root } = this.book.root(e, (a) => this.identity.status(a, e), states);
    c.states = states;
    c.root = root;
    return { states, root };
  }

  #contentFragments(cid: string, pol: EconomyPolicy): { hashes: Uint8Array[]; size: number } | null {
    const bytes = this.#contentBytes?.(cid) ?? null;
    if (!bytes) return null;
    return { hashes: fragmentHashes(encodeFragments(bytes, pol.storage)), size: bytes.length };
  }

  /**
   * What an honest operator emits at the end of `epoch`, in order, ending with epoch.close: the
   * ranking, one reward.allocate per rewarded account, one storage.place per content published in
   * the epoch, up to PROOFS_PER_EPOCH storage proofs (signed by the holding node) of earlier
   * placements, and the close with its state root. Needs the content bytes of this epoch's items.
   */
  expectedEpochEnd(epoch: number): ExpectedEvent[] {
    const c = this.#compute(epoch);
    const out: ExpectedEvent[] = [];
    const policy = c.entry?.hash;
    const bound = (type: EventType, payload: Json, signer = 'operator'): ExpectedEvent => (policy ? { type, signer, policy, payload } : { type, signer, payload });
    if (c.entry && c.rewards) {
      const pol = c.entry.policy;
      out.push(bound('ranking.publish', { entries: c.top.map((r) => ({ cid: r.cid, rank: r.rank, score: r.score })), epoch }));
      for (const a of c.rewards.rewarded) out.push(bound('reward.allocate', { account: a, amount: formatAmount(c.rewards.lines.get(a)!.amount), epoch }));
      const shape = fragmentShape(pol.storage);
      for (const [cid, choices] of c.placements) {
        if (choices.length === 0) continue; // no eligible node: the content stays unplaced (§10.4)
        const frag = this.#contentFragments(cid, pol);
        if (!frag) throw new RangeError(`expectedEpochEnd(${epoch}) needs the bytes of content ${cid} (ReplayerOptions.contentBytes)`);
        const size = this.contents.get(cid)!.size;
        const fsize = pol.storage.scheme === 'erasure' ? fragmentSize(size, pol.storage.k, pol.storage.fragmentAlign) : size;
        out.push(
          bound('storage.place', {
            cid,
            epoch,
            fragmentSize: fsize,
            fragments: choices.map((ch, i) => ({ hash: toHex(frag.hashes[i]!), index: i, node: ch.node })),
            k: shape.k,
            n: shape.n,
            root: toHex(fragmentRoot(frag.hashes)),
            scheme: pol.storage.scheme,
            size
          })
        );
      }
      const placed = [...this.placements.values()];
      const chosen = new Set<string>();
      for (let j = 0; j < PROOFS_PER_EPOCH && placed.length > 0; j++) {
        const pl = placed[(epoch * PROOFS_PER_EPOCH + j) % placed.length]!;
        if (chosen.has(pl.cid)) continue;
        chosen.add(pl.cid);
        const index = (epoch + j) % pl.n;
        const node = pl.nodes[index]!;
        if (this.identity.status(node, epoch) !== 'verified') continue;
        const path = fragmentProof(pl.hashes, index);
        out.push(bound('storage.proof', { cid: pl.cid, epoch, hash: toHex(pl.hashes[index]!), index, node, path: hexList(path), root: toHex(pl.root) }, node));
      }
    }
    const { root } = this.#prospective(c);
    const r = c.rewards;
    out.push(
      bound('epoch.close', {
        accounts: r ? r.rewarded.length : 0,
        distributed: formatAmount(r ? r.distributed : 0n),
        epoch,
        pool: formatAmount(r ? r.pool : 0n),
        remainder: formatAmount(r ? r.remainder : 0n),
        stateRoot: root
      })
    );
    return out;
  }

  // ----- derived events ------------------------------------------------------------------------

  #rec(e: number): EpochRecorded {
    let r = this.recorded.get(e);
    if (!r) this.recorded.set(e, (r = { rewards: new Map(), distributed: 0n, ranking: null }));
    return r;
  }

  #derived(env: Envelope, seq: number): Finding[] {
    const e = env.epoch;
    const out: Finding[] = [];
    const add = (f: Finding, kind: DriftKind | null, subject = ''): void => {
      out.push(f);
      if (kind) this.drift.compare(e, kind, { seq, code: f.code, subject, recorded: f.recorded ?? '', recomputed: f.recomputed ?? '' });
    };
    const pc = this.registry.verifyPolicyForEpoch(env.policy, e, seq);
    if (pc.finding) add(pc.finding, 'policy', env.type);
    else this.drift.compare(e, 'policy');
    const p = env.payload;
    const schema = (message: string): Finding[] => [...out, { code: 'event.schema', seq, epoch: e, message: `${env.type}: ${message}` }];
    if (!isObj(p)) return schema('payload must be an object');
    if (p.epoch !== e) return schema(`payload epoch ${JSON.stringify(p.epoch)} differs from the envelope's ${e}`);
    const c = this.#compute(e);
    switch (env.type) {
      case 'ranking.publish': {
        const entries = keysAre(p, ['entries', 'epoch']) ? parseRankEntries(p.entries) : null;
        if (!entries) return schema('fields are entries [{cid, rank, score}], epoch');
        const rec = this.#rec(e);
        if (rec.ranking) {
          add({ code: 'ranking.mismatch', seq, epoch: e, message: `second ranking.publish for epoch ${e} (first at seq ${rec.ranking.seq})` }, 'ranking', 'ranking');
          return out;
        }
        rec.ranking = { seq, entries };
        const rank = firstDifferingRank(entries, c.top);
        if (rank === 0) this.drift.compare(e, 'ranking');
        else {
          const show = (x: RankEntry | undefined): string => (x ? `${x.cid} ${x.score}` : '(none)');
          add(
            { code: 'ranking.mismatch', seq, epoch: e, message: `rank ${rank} differs: recorded ${show(entries[rank - 1])}, recomputed ${show(c.top[rank - 1])}`, recorded: show(entries[rank - 1]), recomputed: show(c.top[rank - 1]) },
            'ranking',
            `rank ${rank}`
          );
        }
        return out;
      }
      case 'reward.allocate':
        return this.#reward(p, e, seq, c, out, add);
      case 'storage.place':
        return this.#place(p, e, seq, c, out, add);
      case 'storage.proof':
        return this.#proof(env, p, e, seq, out, add);
      case 'epoch.close':
        return this.#close(p, e, seq, c, out, add);
      default:
        return [...out, { code: 'event.unknown-type', seq, epoch: e, message: `the economy replay does not know ${env.type}` }];
    }
  }

  #reward(p: Obj, e: number, seq: number, c: Computation, out: Finding[], add: (f: Finding, k: DriftKind | null, s?: string) => void): Finding[] {
    if (!keysAre(p, ['account', 'amount', 'epoch']) || typeof p.account !== 'string' || typeof p.amount !== 'string') {
      return [...out, { code: 'event.schema', seq, epoch: e, message: 'reward.allocate: fields are account, amount, epoch' }];
    }
    let amount: bigint;
    try {
      amount = parseAmount(p.amount);
    } catch (err) {
      return [...out, { code: 'event.schema', seq, epoch: e, message: `reward.allocate: ${(err as Error).message}` }];
    }
    const account = p.account;
    const rec = this.#rec(e);
    const prior = rec.rewards.get(account);
    if (prior) {
      add({ code: 'reward.duplicate', seq, epoch: e, message: `${account} was already rewarded for epoch ${e} at seq ${prior.seq}`, recorded: p.amount, recomputed: '0.000000000000000000' }, 'reward', account);
      return out;
    }
    rec.rewards.set(account, { seq, amount });
    rec.distributed += amount;
    const line = c.rewards?.lines.get(account);
    const pol = c.entry?.policy;
    const guards = line ? line.guards : pol ? this.guards(account, e, pol) : [];
    const failed = guards.find((g) => !g.pass);
    const want = line ? line.amount : 0n;
    if (failed) {
      add({ code: 'reward.ineligible', seq, epoch: e, message: `${account} cannot be rewarded at epoch ${e}: ${failed.name} failed (${failed.reason})`, recorded: p.amount, recomputed: formatAmount(0n) }, 'reward', account);
    } else if (amount !== want) {
      add({ code: 'reward.mismatch', seq, epoch: e, message: `reward of ${account} for epoch ${e}: recorded ${p.amount}, recomputed ${formatAmount(want)}`, recorded: p.amount, recomputed: formatAmount(want) }, 'reward', account);
    } else this.drift.compare(e, 'reward');
    return out;
  }

  #place(p: Obj, e: number, seq: number, c: Computation, out: Finding[], add: (f: Finding, k: DriftKind | null, s?: string) => void): Finding[] {
    const schema = (m: string): Finding[] => [...out, { code: 'event.schema', seq, epoch: e, message: `storage.place: ${m}` }];
    if (!keysAre(p, ['cid', 'epoch', 'fragmentSize', 'fragments', 'k', 'n', 'root', 'scheme', 'size'])) return schema('fields are cid, epoch, fragmentSize, fragments, k, n, root, scheme, size');
    const { cid, root } = p;
    if (typeof cid !== 'string' || typeof root !== 'string' || !Array.isArray(p.fragments)) return schema('cid and root are hex strings, fragments a list');
    const rootBytes = fromHex(root);
    if (!rootBytes || rootBytes.length !== 32) return schema('root must be 64 lowercase hex digits');
    const frags = p.fragments.map((f, i) => (isObj(f) && keysAre(f, ['hash', 'index', 'node']) && f.index === i && typeof f.node === 'string' ? f : null));
    if (frags.some((f) => f === null)) return schema('fragments are [{hash, index, node}] with index 0, 1, 2, …');
    const hashes = parseHashList(frags.map((f) => f!.hash as Json));
    if (!hashes || hashes.length === 0) return schema('fragment hashes must be 64 lowercase hex digits');
    const nodes = frags.map((f) => f!.node as string);
    const content = this.contents.get(cid);
    if (!content) {
      add({ code: 'content.unknown', seq, epoch: e, message: `storage.place of ${cid}, which was never published` }, 'placement', cid);
      return out;
    }
    if (this.placements.has(cid)) {
      add({ code: 'placement.mismatch', seq, epoch: e, message: `${cid} was already placed at seq ${this.placements.get(cid)!.seq}` }, 'placement', cid);
      return out;
    }
    const problems: Finding[] = [];
    const rootRecomputed = fragmentRoot(hashes);
    if (toHex(rootRecomputed) !== root) problems.push({ code: 'placement.root-mismatch', seq, epoch: e, message: `fragment root of ${cid}: recorded ${root}, recomputed from the listed fragment hashes ${toHex(rootRecomputed)}`, recorded: root, recomputed: toHex(rootRecomputed) });
    for (const node of new Set(nodes)) {
      const st = this.identity.status(node, e);
      if (st !== 'verified' || this.identity.kind(node) !== 'node') {
        const rev = this.identity.revocationSeq(node, e);
        problems.push({ code: 'placement.ineligible-node', seq, epoch: e, message: `${cid} placed on ${node}, whose AEGIS status at epoch ${e} is ${this.identity.kind(node) === 'node' ? st : 'not a storage node'}${rev !== null ? ` (revoked at seq ${rev})` : ''}`, recorded: node, recomputed: st });
      }
    }
    const pol = c.entry?.policy;
    const expected = c.placements.get(cid) ?? [];
    if (pol) {
      const shape = fragmentShape(pol.storage);
      const fsize = pol.storage.scheme === 'erasure' ? fragmentSize(content.size, pol.storage.k, pol.storage.fragmentAlign) : content.size;
      const got = `${p.scheme} k=${p.k} n=${p.n} size=${p.size} fragmentSize=${p.fragmentSize} fragments=${nodes.length}`;
      const want = `${pol.storage.scheme} k=${shape.k} n=${shape.n} size=${content.size} fragmentSize=${fsize} fragments=${shape.n}`;
      if (got !== want) problems.push({ code: 'placement.mismatch', seq, epoch: e, message: `layout of ${cid}: recorded ${got}, policy ${c.entry!.version} gives ${want}`, recorded: got, recomputed: want });
      else {
        const i = expected.findIndex((x, j) => x.node !== nodes[j]);
        if (expected.length !== nodes.length || i >= 0) {
          const at = i >= 0 ? i : Math.min(expected.length, nodes.length);
          problems.push({ code: 'placement.mismatch', seq, epoch: e, message: `fragment ${at} of ${cid}: recorded on ${nodes[at] ?? '(none)'}, rendezvous placement gives ${expected[at]?.node ?? '(no eligible node)'}`, recorded: nodes.join(','), recomputed: expected.map((x) => x.node).join(',') });
        }
      }
      const frag = this.#contentFragments(cid, pol);
      if (frag && got === want) {
        if (toHex(sha256(this.#contentBytes!(cid)!)) !== cid) problems.push({ code: 'content.hash-mismatch', seq, epoch: e, message: `the shipped bytes of ${cid} do not hash to their cid` });
        else {
          const j = frag.hashes.findIndex((h, x) => toHex(h) !== toHex(hashes[x]!));
          if (j >= 0) problems.push({ code: 'content.hash-mismatch', seq, epoch: e, message: `fragment ${j} of ${cid}: recorded hash ${toHex(hashes[j]!)}, recomputed from the content bytes ${toHex(frag.hashes[j]!)}`, recorded: toHex(hashes[j]!), recomputed: toHex(frag.hashes[j]!) });
        }
      }
    }
    this.placements.set(cid, {
      cid, epoch: e, seq, scheme: p.scheme === 'replica' ? 'replica' : 'erasure', k: typeof p.k === 'number' ? p.k : 0, n: nodes.length, size: content.size,
      fragmentSize: typeof p.fragmentSize === 'number' ? p.fragmentSize : 0, hashes, nodes, root: rootBytes, rootRecomputed, expected,
      policyHash: c.entry?.hash ?? '', matches: problems.length === 0, proofs: []
    });
    if (problems.length === 0) this.drift.compare(e, 'placement');
    else {
      out.push(...problems);
      const f = problems[0]!;
      this.drift.compare(e, 'placement', { seq, code: f.code, subject: cid, recorded: f.recorded ?? '', recomputed: f.recomputed ?? '' });
    }
    return out;
  }

  #proof(env: Envelope, p: Obj, e: number, seq: number, out: Finding[], add: (f: Finding, k: DriftKind | null, s?: string) => void): Finding[] {
    if (!keysAre(p, ['cid', 'epoch', 'hash', 'index', 'node', 'path', 'root']) || typeof p.cid !== 'string' || typeof p.index !== 'number' || typeof p.hash !== 'string') {
      return [...out, { code: 'event.schema', seq, epoch: e, message: 'storage.proof: fields are cid, epoch, hash, index, node, path, root' }];
    }
    const pl = this.placements.get(p.cid);
    if (!pl) {
      add({ code: 'content.unknown', seq, epoch: e, message: `storage.proof for ${p.cid}, which has no storage.place` }, 'proof', p.cid);
      return out;
    }
    const hash = fromHex(p.hash);
    const path = parseHashList(p.path);
    const index = p.index;
    const bad = (why: string, recorded = '', recomputed = ''): Finding[] => {
      pl.proofs.push({ seq, epoch: e, index, node: env.signer, valid: false });
      add({ code: 'storage.proof-invalid', seq, epoch: e, message: `storage proof of fragment ${index} of ${p.cid} by ${env.signer}: ${why}`, recorded, recomputed }, 'proof', `${p.cid}#${index}`);
      return out;
    };
    if (!Number.isInteger(index) || index < 0 || index >= pl.n) return bad(`index out of range 0..${pl.n - 1}`);
    if (p.node !== pl.nodes[index] || env.signer !== pl.nodes[index]) return bad(`fragment ${index} is held by ${pl.nodes[index]}`, String(p.node), pl.nodes[index]!);
    if (p.root !== toHex(pl.root)) return bad(`root differs from the one recorded at seq ${pl.seq}`, String(p.root), toHex(pl.root));
    if (!hash || hash.length !== 32 || p.hash !== toHex(pl.hashes[index]!)) return bad(`fragment hash differs from the one recorded at seq ${pl.seq}`, p.hash, toHex(pl.hashes[index]!));
    if (!path || !verifyFragmentProof(hash, index, pl.n, path, pl.root)) return bad(`the inclusion path does not lead to the fragment root ${toHex(pl.root)} (RFC 9162 §2.1.3.2)`);
    pl.proofs.push({ seq, epoch: e, index, node: env.signer, valid: true });
    this.drift.compare(e, 'proof');
    return out;
  }

  #close(p: Obj, e: number, seq: number, c: Computation, out: Finding[], add: (f: Finding, k: DriftKind | null, s?: string) => void): Finding[] {
    if (!keysAre(p, ['accounts', 'distributed', 'epoch', 'pool', 'remainder', 'stateRoot']) || typeof p.stateRoot !== 'string') {
      return [...out, { code: 'event.schema', seq, epoch: e, message: 'epoch.close: fields are accounts, distributed, epoch, pool, remainder, stateRoot' }];
    }
    const rec = this.#rec(e);
    const r = c.rewards;
    // Missing derived values: each one is a compared value that differs.
    if (r) {
      for (const a of r.rewarded) {
        if (rec.rewards.has(a)) continue;
        const want = formatAmount(r.lines.get(a)!.amount);
        add({ code: 'reward.missing', seq, epoch: e, message: `no reward.allocate for ${a} in epoch ${e}; recomputed ${want}`, recorded: '(none)', recomputed: want }, 'reward', a);
      }
      if (!rec.ranking) add({ code: 'ranking.mismatch', seq, epoch: e, message: `no ranking.publish in epoch ${e}`, recorded: '(none)', recomputed: `${c.top.length} entries` }, 'ranking', 'ranking');
      for (const [cid, choices] of c.placements) {
        if (choices.length > 0 && !this.placements.has(cid)) add({ code: 'placement.mismatch', seq, epoch: e, message: `content ${cid} published in epoch ${e} has no storage.place`, recorded: '(none)', recomputed: choices.map((x) => x.node).join(',') }, 'placement', cid);
      }
    }
    // Pool conservation: Σ rewards + remainder = pool, and each figure equals the recomputed one.
    const pool = r ? r.pool : 0n;
    const want = { pool: formatAmount(pool), distributed: formatAmount(r ? r.distributed : 0n), remainder: formatAmount(r ? r.remainder : 0n) };
    let balanced = false;
    try {
      const rp = parseAmount(String(p.pool));
      const rd = parseAmount(String(p.distributed));
      const rr = parseAmount(String(p.remainder));
      balanced = rd + rr === rp;
      const ok = balanced && rd === rec.distributed && p.pool === want.pool && p.distributed === want.distributed && p.remainder === want.remainder && p.accounts === (r ? r.rewarded.length : 0);
      if (ok) this.drift.compare(e, 'pool');
      else {
        const got = `pool ${p.pool} distributed ${p.distributed} remainder ${p.remainder} accounts ${p.accounts}`;
        const exp = `pool ${want.pool} distributed ${want.distributed} remainder ${want.remainder} accounts ${r ? r.rewarded.length : 0}`;
        add({ code: 'reward.pool-mismatch', seq, epoch: e, message: `epoch ${e} totals: recorded ${got}${balanced ? '' : ' (distributed + remainder ≠ pool)'}${rd !== rec.distributed ? `; the reward.allocate events sum to ${formatAmount(rec.distributed)}` : ''}; recomputed ${exp}`, recorded: got, recomputed: exp }, 'pool', 'epoch');
      }
    } catch (err) {
      add({ code: 'reward.pool-mismatch', seq, epoch: e, message: `epoch ${e} totals are not amounts: ${(err as Error).message}`, recorded: String(p.pool), recomputed: want.pool }, 'pool', 'epoch');
    }
    // Commit the epoch: balances, streaks, ranking carry, and compare the state root.
    const { states, root } = this.#prospective(c);
    for (const [a, s] of states) Object.assign(this.book.ensure(a), s);
    for (const [a] of this.activity.get(e) ?? []) {
      const s = states.get(a)!;
      this.#streaks.set(a, { streak: s.streak, lastActive: e });
    }
    if (r) this.rewards.set(e, r);
    if (c.entry) this.rewardPolicy.set(e, c.entry);
    if (c.ranking) {
      this.rankings.set(e, c.ranking);
      this.#carried = carryScores(c.ranking);
    }
    if (p.stateRoot === root) this.drift.compare(e, 'state-root');
    else add({ code: 'state-root.mismatch', seq, epoch: e, message: `state root at the close of epoch ${e}: recorded ${p.stateRoot}, recomputed ${root}`, recorded: p.stateRoot, recomputed: root }, 'state-root', 'epoch');
    this.closes.set(e, { epoch: e, seq, stateRoot: p.stateRoot, recomputedRoot: root, pool: String(p.pool), distributed: String(p.distributed), remainder: String(p.remainder), balanced, redundancy: this.#redundancy(e) });
    this.#cache = null;
    this.#version++;
    return out;
  }

  /** Live fragments minus k for every placement, at epoch e (§10.4). */
  redundancyAt(pl: PlacementRecord, e: number): { live: number; redundancy: number } {
    let live = 0;
    for (const node of pl.nodes) if (this.identity.status(node, e) === 'verified') live++;
    return { live, redundancy: live - pl.k };
  }

  #redundancy(e: number): EpochClose['redundancy'] {
    let min: number | null = null;
    let atRisk = 0;
    let lost = 0;
    for (const pl of this.placements.values()) {
      const { redundancy } = this.redundancyAt(pl, e);
      if (min === null || redundancy < min) min = redundancy;
      if (redundancy === 0) atRisk++;
      if (redundancy < 0) lost++;
    }
    return { placed: this.placements.size, minRedundancy: min, atRisk, lost };
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
    const j = hashes.findIndex((h, i) => !pl.hashes[i] || toHex(h) !== toHex(pl.hashes[i]!));
    if (j >= 0 || hashes.length !== pl.hashes.length) {
      const at = j >= 0 ? j : Math.min(hashes.length, pl.hashes.length);
      return [{ code: 'content.hash-mismatch', seq: pl.seq, epoch: pl.epoch, message: `fragment ${at} of ${cid}: recorded ${pl.hashes[at] ? toHex(pl.hashes[at]!) : '(none)'}, recomputed from the bytes ${hashes[at] ? toHex(hashes[at]!) : '(none)'}`, recorded: pl.hashes[at] ? toHex(pl.hashes[at]!) : '', recomputed: hashes[at] ? toHex(hashes[at]!) : '' }];
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

  /** Rewards computed for an epoch: committed at its close, or live for the open epoch. */
  epochRewards(epoch: number): EpochRewards | null {
    return this.rewards.get(epoch) ?? (this.closes.has(epoch) ? null : this.#compute(epoch).rewards);
  }

  epochRanking(epoch: number): EpochRanking | null {
    return this.rankings.get(epoch) ?? (this.closes.has(epoch) ? null : this.#compute(epoch).ranking);
  }

  lastClosedEpoch(): number | null {
    let last: number | null = null;
    for (const e of this.closes.keys()) if (last === null || e > last) last = e;
    return last;
  }
}

