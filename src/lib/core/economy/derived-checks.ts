// Checking the derived events against the replay (docs/BUNDLE_FORMAT.md §10): each recorded
// ranking, reward, placement, storage proof and epoch close is compared with the recomputed value;
// every difference is a Finding at the event's seq (STYLE.md 6) and a counted drift item (§10.7).
// The policy check (Policy Consistency) runs first for every policy-bound event.

import { formatAmount, parseAmount } from '../amount';
import type { Json } from '../canonical-json';
import { fromHex, toHex } from '../bytes';
import { sha256 } from '../hash';
import type { Envelope, Finding } from '../types';
import type { DriftKind } from './drift';
import { fragmentSize } from './erasure';
import { fragmentShape } from './policy';
import { carryScores, compactRanking, firstDifferingRank, parseRankEntries, type RankEntry } from './ranking';
import { fragmentRoot, parseHashList, verifyFragmentProof } from './storage-proof';
import type { Computation, EpochRecorded, Replayer } from './replayer';

type Obj = { [k: string]: Json };
type Add = (f: Finding, k: DriftKind | null, s?: string) => void;
const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** p's own keys are exactly `keys` (distinct names): as many keys, each of them present. No sort per event. */
const keysAre = (p: Obj, keys: readonly string[]): boolean => Object.keys(p).length === keys.length && keys.every((k) => Object.hasOwn(p, k));

function recordedFor(r: Replayer, e: number): EpochRecorded {
  let rec = r.recorded.get(e);
  if (!rec) r.recorded.set(e, (rec = { rewards: new Map(), distributed: 0n, ranking: null }));
  return rec;
}

export function checkDerived(r: Replayer, env: Envelope, seq: number): Finding[] {
  const e = env.epoch;
  const out: Finding[] = [];
  const add = (f: Finding, kind: DriftKind | null, subject = ''): void => {
    out.push(f);
    if (kind) r.drift.compare(e, kind, { seq, code: f.code, subject, recorded: f.recorded ?? '', recomputed: f.recomputed ?? '' });
  };
  const pc = r.registry.verifyPolicyForEpoch(env.policy, e, seq);
  if (pc.finding) add(pc.finding, 'policy', env.type);
  else r.drift.compare(e, 'policy');
  const p = env.payload;
  const schema = (message: string): Finding[] => [...out, { code: 'event.schema', seq, epoch: e, message: `${env.type}: ${message}` }];
  if (!isObj(p)) return schema('payload must be an object');
  if (p.epoch !== e) return schema(`payload epoch ${JSON.stringify(p.epoch)} differs from the envelope's ${e}`);
  const c = r.computeEpoch(e);
  switch (env.type) {
    case 'ranking.publish': {
      const entries = keysAre(p, ['entries', 'epoch']) ? parseRankEntries(p.entries) : null;
      if (!entries) return schema('fields are entries [{cid, rank, score}], epoch');
      const rec = recordedFor(r, e);
      if (rec.ranking) {
        add({ code: 'ranking.mismatch', seq, epoch: e, message: `second ranking.publish for epoch ${e} (first at seq ${rec.ranking.seq})` }, 'ranking', 'ranking');
        return out;
      }
      rec.ranking = { seq, entries };
      const rank = firstDifferingRank(entries, c.top);
      if (rank === 0) r.drift.compare(e, 'ranking');
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
      return checkReward(r, p, e, seq, c, out, add);
    case 'storage.place':
      return checkPlace(r, p, e, seq, c, out, add);
    case 'storage.proof':
      return checkProof(r, env, p, e, seq, out, add);
    case 'epoch.close':
      return checkClose(r, p, e, seq, c, out, add);
    default:
      return [...out, { code: 'event.unknown-type', seq, epoch: e, message: `the economy replay does not know ${env.type}` }];
  }
}

function checkReward(r: Replayer, p: Obj, e: number, seq: number, c: Computation, out: Finding[], add: Add): Finding[] {
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
  const rec = recordedFor(r, e);
  const prior = rec.rewards.get(account);
  if (prior) {
    add({ code: 'reward.duplicate', seq, epoch: e, message: `${account} was already rewarded for epoch ${e} at seq ${prior.seq}`, recorded: p.amount, recomputed: '0.000000000000000000' }, 'reward', account);
    return out;
  }
  rec.rewards.set(account, { seq, amount });
  rec.distributed += amount;
  const line = c.rewards?.lines.get(account);
  const pol = c.entry?.policy;
  const guards = line ? line.guards : pol ? r.guards(account, e, pol) : [];
  const failed = guards.find((g) => !g.pass);
  const want = line ? line.amount : 0n;
  if (failed) {
    add({ code: 'reward.ineligible', seq, epoch: e, message: `${account} cannot be rewarded at epoch ${e}: ${failed.name} failed (${failed.reason})`, recorded: p.amount, recomputed: formatAmount(0n) }, 'reward', account);
  } else if (amount !== want) {
    add({ code: 'reward.mismatch', seq, epoch: e, message: `reward of ${account} for epoch ${e}: recorded ${p.amount}, recomputed ${formatAmount(want)}`, recorded: p.amount, recomputed: formatAmount(want) }, 'reward', account);
  } else r.drift.compare(e, 'reward');
  return out;
}

function checkPlace(r: Replayer, p: Obj, e: number, seq: number, c: Computation, out: Finding[], add: Add): Finding[] {
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
  const content = r.contents.get(cid);
  if (!content) {
    add({ code: 'content.unknown', seq, epoch: e, message: `storage.place of ${cid}, which was never published` }, 'placement', cid);
    return out;
  }
  if (r.placements.has(cid)) {
    add({ code: 'placement.mismatch', seq, epoch: e, message: `${cid} was already placed at seq ${r.placements.get(cid)!.seq}` }, 'placement', cid);
    return out;
  }
  const problems: Finding[] = [];
  const rootRecomputed = fragmentRoot(hashes);
  if (toHex(rootRecomputed) !== root) problems.push({ code: 'placement.root-mismatch', seq, epoch: e, message: `fragment root of ${cid}: recorded ${root}, recomputed from the listed fragment hashes ${toHex(rootRecomputed)}`, recorded: root, recomputed: toHex(rootRecomputed) });
  for (const node of new Set(nodes)) {
    const st = r.identity.status(node, e);
    if (st !== 'verified' || r.identity.kind(node) !== 'node') {
      const rev = r.identity.revocationSeq(node, e);
      problems.push({ code: 'placement.ineligible-node', seq, epoch: e, message: `${cid} placed on ${node}, whose AEGIS status at epoch ${e} is ${r.identity.kind(node) === 'node' ? st : 'not a storage node'}${rev !== null ? ` (revoked at seq ${rev})` : ''}`, recorded: node, recomputed: st });
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
    const frag = r.contentFragments(cid, pol);
    if (frag && got === want) {
      if (toHex(sha256(r.contentBytesOf(cid)!)) !== cid) problems.push({ code: 'content.hash-mismatch', seq, epoch: e, message: `the shipped bytes of ${cid} do not hash to their cid` });
      else {
        const j = frag.hashes.findIndex((h, x) => toHex(h) !== toHex(hashes[x]!));
        if (j >= 0) problems.push({ code: 'content.hash-mismatch', seq, epoch: e, message: `fragment ${j} of ${cid}: recorded hash ${toHex(hashes[j]!)}, recomputed from the content bytes ${toHex(frag.hashes[j]!)}`, recorded: toHex(hashes[j]!), recomputed: toHex(frag.hashes[j]!) });
      }
    }
  }
  r.placementRecord({
    cid, epoch: e, seq, scheme: p.scheme === 'replica' ? 'replica' : 'erasure', k: typeof p.k === 'number' ? p.k : 0, n: nodes.length, size: content.size,
    fragmentSize: typeof p.fragmentSize === 'number' ? p.fragmentSize : 0, hashes, nodes, root: rootBytes, rootRecomputed,
    policyHash: c.entry?.hash ?? '', matches: problems.length === 0,
    nodeIdentity: nodes.map((n) => c.identities.get(n) ?? { subject: n, status: r.identity.status(n, e), attestationSeq: r.identity.attestationSeq(n, e), revocationSeq: r.identity.revocationSeq(n, e) })
  }, c);
  if (problems.length === 0) r.drift.compare(e, 'placement');
  else {
    out.push(...problems);
    const f = problems[0]!;
    r.drift.compare(e, 'placement', { seq, code: f.code, subject: cid, recorded: f.recorded ?? '', recomputed: f.recomputed ?? '' });
  }
  return out;
}

function checkProof(r: Replayer, env: Envelope, p: Obj, e: number, seq: number, out: Finding[], add: Add): Finding[] {
  if (!keysAre(p, ['cid', 'epoch', 'hash', 'index', 'node', 'path', 'root']) || typeof p.cid !== 'string' || typeof p.index !== 'number' || typeof p.hash !== 'string') {
    return [...out, { code: 'event.schema', seq, epoch: e, message: 'storage.proof: fields are cid, epoch, hash, index, node, path, root' }];
  }
  const pl = r.placements.get(p.cid);
  if (!pl) {
    add({ code: 'content.unknown', seq, epoch: e, message: `storage.proof for ${p.cid}, which has no storage.place` }, 'proof', p.cid);
    return out;
  }
  const hash = fromHex(p.hash);
  const path = parseHashList(p.path);
  const index = p.index;
  const bad = (why: string, recorded = '', recomputed = ''): Finding[] => {
    pl.addProof({ seq, epoch: e, index, valid: false });
    add({ code: 'storage.proof-invalid', seq, epoch: e, message: `storage proof of fragment ${index} of ${p.cid} by ${env.signer}: ${why}`, recorded, recomputed }, 'proof', `${p.cid}#${index}`);
    return out;
  };
  if (!Number.isInteger(index) || index < 0 || index >= pl.n) return bad(`index out of range 0..${pl.n - 1}`);
  const holder = pl.node(index)!;
  if (p.node !== holder || env.signer !== holder) return bad(`fragment ${index} is held by ${holder}`, String(p.node), holder);
  if (p.root !== toHex(pl.root)) return bad(`root differs from the one recorded at seq ${pl.seq}`, String(p.root), toHex(pl.root));
  if (!hash || hash.length !== 32 || p.hash !== toHex(pl.hash(index)!)) return bad(`fragment hash differs from the one recorded at seq ${pl.seq}`, p.hash, toHex(pl.hash(index)!));
  if (!path || !verifyFragmentProof(hash, index, pl.n, path, pl.root)) return bad(`the inclusion path does not lead to the fragment root ${toHex(pl.root)} (RFC 9162 §2.1.3.2)`);
  pl.addProof({ seq, epoch: e, index, valid: true });
  r.drift.compare(e, 'proof');
  return out;
}

function checkClose(r: Replayer, p: Obj, e: number, seq: number, c: Computation, out: Finding[], add: Add): Finding[] {
  if (!keysAre(p, ['accounts', 'distributed', 'epoch', 'pool', 'remainder', 'stateRoot']) || typeof p.stateRoot !== 'string') {
    return [...out, { code: 'event.schema', seq, epoch: e, message: 'epoch.close: fields are accounts, distributed, epoch, pool, remainder, stateRoot' }];
  }
  const rec = recordedFor(r, e);
  const rw = c.rewards;
  // Missing derived values: each one is a compared value that differs.
  if (rw) {
    for (const a of rw.rewarded) {
      if (rec.rewards.has(a)) continue;
      const want = formatAmount(rw.lines.get(a)!.amount);
      add({ code: 'reward.missing', seq, epoch: e, message: `no reward.allocate for ${a} in epoch ${e}; recomputed ${want}`, recorded: '(none)', recomputed: want }, 'reward', a);
    }
    if (!rec.ranking) add({ code: 'ranking.mismatch', seq, epoch: e, message: `no ranking.publish in epoch ${e}`, recorded: '(none)', recomputed: `${c.top.length} entries` }, 'ranking', 'ranking');
    for (const [cid, choices] of c.placements) {
      if (choices.length > 0 && !r.placements.has(cid)) add({ code: 'placement.mismatch', seq, epoch: e, message: `content ${cid} published in epoch ${e} has no storage.place`, recorded: '(none)', recomputed: choices.map((x) => x.node).join(',') }, 'placement', cid);
    }
  }
  // Pool conservation: Σ rewards + remainder = pool, and each figure equals the recomputed one.
  const pool = rw ? rw.pool : 0n;
  const want = { pool: formatAmount(pool), distributed: formatAmount(rw ? rw.distributed : 0n), remainder: formatAmount(rw ? rw.remainder : 0n) };
  let balanced = false;
  try {
    const rp = parseAmount(String(p.pool));
    const rd = parseAmount(String(p.distributed));
    const rr = parseAmount(String(p.remainder));
    balanced = rd + rr === rp;
    const ok = balanced && rd === rec.distributed && p.pool === want.pool && p.distributed === want.distributed && p.remainder === want.remainder && p.accounts === (rw ? rw.rewarded.length : 0);
    if (ok) r.drift.compare(e, 'pool');
    else {
      const got = `pool ${p.pool} distributed ${p.distributed} remainder ${p.remainder} accounts ${p.accounts}`;
      const exp = `pool ${want.pool} distributed ${want.distributed} remainder ${want.remainder} accounts ${rw ? rw.rewarded.length : 0}`;
      add({ code: 'reward.pool-mismatch', seq, epoch: e, message: `epoch ${e} totals: recorded ${got}${balanced ? '' : ' (distributed + remainder ≠ pool)'}${rd !== rec.distributed ? `; the reward.allocate events sum to ${formatAmount(rec.distributed)}` : ''}; recomputed ${exp}`, recorded: got, recomputed: exp }, 'pool', 'epoch');
    }
  } catch (err) {
    add({ code: 'reward.pool-mismatch', seq, epoch: e, message: `epoch ${e} totals are not amounts: ${(err as Error).message}`, recorded: String(p.pool), recomputed: want.pool }, 'pool', 'epoch');
  }
  // Commit the epoch: balances and streaks (in the account states), ranking carry, and compare the state root.
  const { states, root } = r.prospective(c);
  const hints = c.positions;
  let k = 0;
  for (const [a, s] of states) r.book.set(a, s, hints?.[k++]);
  r.committed(e);
  if (rw) r.rewards.set(e, rw);
  if (c.entry) r.rewardPolicy.set(e, c.entry);
  r.identities.set(e, c.identities);
  if (c.ranking) {
    r.rankings.set(e, compactRanking(c.ranking));
    r.carried = carryScores(c.ranking);
  }
  if (p.stateRoot === root) r.drift.compare(e, 'state-root');
  else add({ code: 'state-root.mismatch', seq, epoch: e, message: `state root at the close of epoch ${e}: recorded ${p.stateRoot}, recomputed ${root}`, recorded: p.stateRoot, recomputed: root }, 'state-root', 'epoch');
  r.closes.set(e, { epoch: e, seq, stateRoot: p.stateRoot, recomputedRoot: root, pool: String(p.pool), distributed: String(p.distributed), remainder: String(p.remainder), balanced, redundancy: r.redundancy.close(e, r.identity.nodes(), (n, i) => r.nodeStatus(n, e, i)) });
  r.invalidate();
  return out;
}
