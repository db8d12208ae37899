// Packing a closed epoch (epoch-inputs.ts, epoch-archive.ts) changes the representation only: every
// value read back, and every Map rebuilt for an update, equals the one that was packed.

import { describe, expect, it } from 'vitest';
import { ALL_PASS, computeEpochRewards, type AccountActivity, type Guard } from '../../../src/lib/core/economy/reward';
import { EpochInputs, PackedInputs } from '../../../src/lib/core/economy/epoch-inputs';
import { IdentityArchive, RankingArchive, RecordedArchive, RewardArchive } from '../../../src/lib/core/economy/epoch-archive';
import { CarriedScores, carryScores, compactRanking, compareScoreLines, computeRanking, RANK_DEPTH, type ContentSignals, type ScoreLine } from '../../../src/lib/core/economy/ranking';
import { SIGNALS } from '../../../src/lib/core/economy/policy';
import type { RankingParams, RewardParams } from '../../../src/lib/core/economy/policy';
import type { IdentitySummary } from '../../../src/lib/core/economy/explain';

/** xorshift32: the same pseudo-random inputs on every run. */
function rng(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

const E18 = 10n ** 18n;
const params: RewardParams = {
  pool: 1000n * E18,
  signalWeights: { comment: 3n * E18, like: 2n * E18, share: 5n * E18, view: E18 },
  publicationWeight: 10n * E18,
  streakBonus: E18 / 10n,
  streakMax: 5,
  capPerAccount: 100n * E18,
  capShareOfPool: E18 / 20n
} as RewardParams;

/** Epoch 9's rewards archived, and packed at epoch 10 against the packed inputs `m`. */
function packedRewards(rw: ReturnType<typeof computeEpochRewards>, m: Map<string, AccountActivity>): RewardArchive {
  const archive = new RewardArchive();
  archive.set(9, rw);
  const inputs = new EpochInputs<AccountActivity>(true);
  const live = inputs.mutable(9);
  for (const [k, v] of m) live.set(k, v);
  inputs.packBefore(10);
  archive.packBefore(10, (x) => inputs.packed(x), () => params);
  return archive;
}

function activity(r: (n: number) => number, n: number): Map<string, AccountActivity> {
  const m = new Map<string, AccountActivity>();
  let seq = 0;
  for (let i = 0; i < n; i++) {
    const events = 1 + r(40);
    const seqs = Array.from({ length: Math.min(events, 20) }, () => (seq += 1 + r(9)));
    m.set(`u-${String(r(100000)).padStart(6, '0')}-${i}`, { signals: { comment: r(5), like: r(5), share: r(3), view: r(20) }, publications: r(3), seqs, events });
  }
  return m;
}

describe('packed epoch inputs', () => {
  it('give back every key, in first-seen order, with the same values and shape', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const m = activity(rng(seed), seed * 7);
      const p = new PackedInputs(m, true);
      expect(p.toMap()).toEqual(m);
      expect([...p.toMap().keys()]).toEqual([...m.keys()]);
      for (const [k, v] of m) expect(p.get(k)).toEqual(v);
      expect(p.get('u-missing')).toBeUndefined();
      const signals = new Map<string, ContentSignals>([...m].map(([k, v]) => [k, { signals: v.signals, seqs: v.seqs, events: v.events }]));
      const q = new PackedInputs(signals, false);
      for (const [k, v] of signals) expect(Object.keys(q.get(k)!)).toEqual(Object.keys(v));
      expect(q.toMap()).toEqual(signals);
    }
  });

  it('give back counts and seqs exactly at every column width (8, 16, 32 bits; seqs as offsets or as they are)', () => {
    // Counts of one key at the edges of each width, and seq lists whose spread is just within or just past 16 bits.
    const counts = [0, 1, 255, 256, 65535, 65536, 0x7fffffff, -1, -0, 2.5];
    const spreads: number[][] = [[], [7], [0, 65535], [0, 65536], [1e6, 1e6 + 65535], [1e6 + 65536, 1e6], [0x7fffffff, 0x7fffffff - 65535], [-5, 3], [1.5, 2], [2 ** 31]];
    for (const c of counts) {
      for (const seqs of spreads) {
        // One key with this count and seqs, beside small ones (a single wide value sets the whole column's width).
        const m = new Map<string, AccountActivity>([
          ['b', { signals: { comment: 1, like: 2, share: 3, view: 4 }, publications: 5, seqs: [9, 10], events: 2 }],
          ['a', { signals: { comment: c, like: 0, share: 0, view: 0 }, publications: c, seqs, events: c }]
        ]);
        const p = new PackedInputs(m, true);
        // What an Int32Array gives back (the representation before the widths): exact for int32 values.
        const i32 = (x: number): number => new Int32Array([x])[0]!;
        expect(p.get('a')).toEqual({ signals: { comment: i32(c), like: 0, share: 0, view: 0 }, publications: i32(c), seqs: seqs.map(i32), events: i32(c) });
        expect(p.get('b')).toEqual(m.get('b'));
        expect([...p.toMap().keys()]).toEqual(['b', 'a']);
      }
    }
  });

  it('find every key among more than 65,536 (positions wider than 16 bits)', () => {
    const m = new Map<string, ContentSignals>();
    for (let i = 70000; i > 0; i--) m.set(`c-${i}`, { signals: { comment: 0, like: i & 3, share: 0, view: 0 }, seqs: [i], events: 1 });
    const p = new PackedInputs(m, false);
    for (const i of [1, 2, 4465, 65535, 65536, 65537, 69999, 70000]) expect(p.get(`c-${i}`)).toEqual(m.get(`c-${i}`));
    expect(p.indexOf('c-1')).toBe(69999);
    expect(p.get('c-0')).toBeUndefined();
  });

  it('unpack an epoch that is updated after packing', () => {
    const inputs = new EpochInputs<AccountActivity>(true);
    const m = activity(rng(3), 50);
    const live = inputs.mutable(4);
    for (const [k, v] of m) live.set(k, v);
    inputs.packBefore(5);
    expect(inputs.packed(4)).toBeDefined();
    expect(inputs.of(4, [...m.keys()][7]!)).toEqual([...m.values()][7]);
    const again = inputs.mutable(4);
    expect(again).toEqual(m);
    expect(inputs.packed(4)).toBeUndefined();
    expect(inputs.get(4)).toBe(again);
  });
});

describe('archived epochs', () => {
  it('recompute every reward line exactly (weighLine + settleLine, as the epoch computation did)', () => {
    // Seeds 11 to 13: streaks past 8 and 16 bits (the packed streak column widens).
    for (let seed = 1; seed <= 13; seed++) {
      const r = rng(seed);
      const m = activity(r, 40 + seed * 13);
      const failed: Guard[] = [{ name: 'aegis-verified', pass: false, reason: 'revoked' }, { name: 'attestation-age', pass: true, reason: 'ok' }];
      const bad = new Set([...m.keys()].filter(() => r(10) === 0));
      const long = seed === 11 ? [255, 256, 65535] : seed === 12 ? [65536, 300, 65537] : [2 ** 31 - 1, 70000, 1];
      const streaks = new Map([...m.keys()].map((k) => [k, seed > 10 && r(3) === 0 ? long[r(3)]! : 1 + r(8)]));
      const rw = computeEpochRewards(9, params, m, (a) => streaks.get(a)!, (a) => (bad.has(a) ? failed : ALL_PASS));
      const archive = packedRewards(rw, m);
      const { lines, ...totals } = rw;
      expect(archive.totals(9)).toEqual(totals);
      for (const [k, l] of lines) expect(archive.line(9, k)).toEqual(l);
      expect(archive.line(9, 'u-missing')).toBeUndefined();
    }
  });

  it('keep AEGIS snapshots of accounts and of other subjects', () => {
    const r = rng(5);
    const m = activity(r, 60);
    const inputs = new EpochInputs<AccountActivity>(true);
    const ids = new IdentityArchive();
    const statuses = ['verified', 'revoked', 'expired', 'pending', 'unknown'] as const;
    const snaps: Array<Map<string, IdentitySummary>> = [];
    for (let e = 0; e < 3; e++) {
      const live = inputs.mutable(e);
      const snap = new Map<string, IdentitySummary>();
      for (const [k, v] of m) {
        if (r(3) === 0) continue;
        live.set(k, v);
        if (r(4) !== 0) snap.set(k, { subject: k, status: statuses[r(5)]!, attestationSeq: r(2) ? r(1e6) : null, revocationSeq: r(2) ? r(1e6) : null });
      }
      for (let j = 0; j < 12; j++) snap.set(`n-${String(j).padStart(3, '0')}`, { subject: `n-${String(j).padStart(3, '0')}`, status: 'verified', attestationSeq: j, revocationSeq: null });
      ids.set(e, snap);
      snaps.push(snap);
    }
    inputs.packBefore(3);
    ids.packBefore(3, (x) => inputs.packed(x));
    for (let e = 0; e < 3; e++) {
      for (const k of [...m.keys(), 'n-000', 'n-011', 'n-999']) expect(ids.get(e, k)).toEqual(snaps[e]!.get(k));
    }
  });

  it('keep AEGIS snapshots recorded as the replay records them (active accounts sorted, then nodes) and in any other order', () => {
    const r = rng(23);
    const inputs = new EpochInputs<AccountActivity>(true);
    const ids = new IdentityArchive();
    const statuses = ['verified', 'revoked', 'expired', 'pending', 'unknown'] as const;
    const snaps: Array<Map<string, IdentitySummary>> = [];
    const summary = (k: string): IdentitySummary => ({ subject: k, status: statuses[r(5)]!, attestationSeq: r(2) ? r(1e6) : null, revocationSeq: r(3) ? null : r(1e6) });
    const nodes = Array.from({ length: 8 }, (_, j) => `n-${String(j).padStart(3, '0')}`);
    const epochs = 12;
    for (let e = 0; e < epochs; e++) {
      const m = activity(r, 1 + r(30));
      const live = inputs.mutable(e);
      for (const [k, v] of m) live.set(k, v);
      const sorted = [...m.keys()].sort();
      const snap = new Map<string, IdentitySummary>();
      const late: string[] = [];
      const kind = e % 4;
      if (kind === 3) {
        // Any order: shuffled accounts and nodes mixed.
        for (const k of [...sorted, ...nodes].sort(() => r(3) - 1)) snap.set(k, summary(k));
      } else {
        for (const k of sorted) {
          // Some active accounts not looked at, or looked at only after the nodes; a subject that is no active account among them.
          if (kind > 0 && r(6) === 0) continue;
          if (kind > 1 && r(6) === 0) {
            late.push(k);
            continue;
          }
          if (kind > 0 && r(8) === 0) snap.set(`u-x${k}`, summary(`u-x${k}`));
          snap.set(k, summary(k));
        }
        for (const k of nodes) snap.set(k, summary(k));
        for (const k of late) snap.set(k, summary(k));
      }
      ids.set(e, snap);
      snaps.push(snap);
      inputs.packBefore(e);
      ids.packBefore(e, (x) => inputs.packed(x));
    }
    inputs.packBefore(epochs);
    ids.packBefore(epochs, (x) => inputs.packed(x));
    for (let e = 0; e < epochs; e++) {
      const keys = new Set([...snaps[e]!.keys(), ...inputs.packed(e)!.keys(), 'n-999', 'u-999999']);
      for (const k of keys) expect(ids.get(e, k)).toEqual(snaps[e]!.get(k));
    }
  });

  it('keep AEGIS snapshots of accounts whether no, one (put last or first) or every account has a revocation', () => {
    const r = rng(11);
    const m = activity(r, 40);
    const inputs = new EpochInputs<AccountActivity>(true);
    const ids = new IdentityArchive();
    const keys = [...m.keys()];
    // epoch 0: no revocation; 1: only the last account put; 2: only the first; 3: every account; 4: revocation seq 0
    const revoked = [(): boolean => false, (i: number) => i === keys.length - 1, (i: number) => i === 0, (): boolean => true, (i: number) => i === 7];
    const snaps: Array<Map<string, IdentitySummary>> = [];
    revoked.forEach((rev, e) => {
      const live = inputs.mutable(e);
      const snap = new Map<string, IdentitySummary>();
      keys.forEach((k, i) => {
        live.set(k, m.get(k)!);
        snap.set(k, { subject: k, status: rev(i) ? 'revoked' : 'verified', attestationSeq: i % 3 === 0 ? null : 10 * i, revocationSeq: rev(i) ? (e === 4 ? 0 : 1000 + i) : null });
      });
      ids.set(e, snap);
      snaps.push(snap);
    });
    inputs.packBefore(revoked.length);
    ids.packBefore(revoked.length, (x) => inputs.packed(x));
    for (let e = 0; e < revoked.length; e++) for (const k of [...keys, 'u-999999']) expect(ids.get(e, k)).toEqual(snaps[e]!.get(k));
  });

  it('keep AEGIS snapshots of other subjects that change, appear and vanish, over gaps, late updates and out-of-order packing', () => {
    const r = rng(17);
    const statuses = ['verified', 'revoked', 'expired', 'pending', 'unknown'] as const;
    const inputs = new EpochInputs<AccountActivity>(true);
    const ids = new IdentityArchive();
    const expected = new Map<number, Map<string, IdentitySummary>>();
    const nodes = Array.from({ length: 30 }, (_, j) => `n-${String(j).padStart(3, '0')}`);
    let prev = new Map<string, IdentitySummary>();
    const snapshot = (): Map<string, IdentitySummary> => {
      const snap = new Map<string, IdentitySummary>();
      for (const k of nodes) {
        if (r(6) === 0) continue; // not looked at this epoch
        const old = prev.get(k);
        // Mostly unchanged from the epoch before, sometimes a new standing.
        snap.set(k, old && r(4) !== 0 ? { ...old } : { subject: k, status: statuses[r(5)]!, attestationSeq: r(3) ? r(5000) : null, revocationSeq: r(3) ? null : r(5000) });
      }
      return snap;
    };
    const check = (): void => {
      for (let e = 0; e < 40; e++) for (const k of [...nodes, 'n-999']) expect(ids.get(e, k)).toEqual(expected.get(e)?.get(k));
    };
    for (let e = 0; e < 40; e++) {
      inputs.mutable(e).set('u-000001', { signals: { comment: 0, like: 1, share: 0, view: 0 }, publications: 0, seqs: [e], events: 1 });
      if (r(7) === 0) continue; // an epoch without a close: nothing recorded
      const snap = snapshot();
      // An active account that is also looked at as a subject: read from the account snapshots.
      snap.set('u-000001', { subject: 'u-000001', status: 'verified', attestationSeq: 1, revocationSeq: null });
      ids.set(e, snap);
      expected.set(e, snap);
      prev = snap;
      inputs.packBefore(e);
      ids.packBefore(e, (x) => inputs.packed(x));
      if (e % 9 === 8) check();
    }
    inputs.packBefore(40);
    ids.packBefore(40, (x) => inputs.packed(x));
    check();
    // A late update of packed epochs (set again, as a second close would), packed after later epochs.
    for (const e of [...expected.keys()].filter((x) => x % 5 === 2)) {
      prev = new Map();
      const snap = snapshot();
      ids.set(e, snap);
      expected.set(e, snap);
    }
    check();
    ids.packBefore(40, (x) => inputs.packed(x));
    check();
  });

  it('keep recorded rewards and unpack them for an update', () => {
    const rec = new RecordedArchive();
    const rewards = new Map([
      ['u-000003', { seq: 30, amount: 3n }],
      ['u-000001', { seq: 31, amount: 10n ** 30n }],
      ['u-000002', { seq: 32, amount: 0n }],
      ['u-000005', { seq: 33, amount: (1n << 128n) - 1n }],
      ['u-000004', { seq: 34, amount: 1n << 64n }],
      ['u-000006', { seq: 35, amount: 1n << 128n }],
      ['u-000007', { seq: 36, amount: -5n }]
    ]);
    const ranking = { seq: 29, entries: [{ cid: 'aa', rank: 1, score: '1.0' }] };
    rec.set(2, { rewards: new Map(rewards), distributed: 7n, ranking });
    rec.packBefore(3);
    for (const [k, v] of rewards) expect(rec.reward(2, k)).toEqual(v);
    expect(rec.reward(2, 'u-000009')).toBeUndefined();
    expect(rec.ranking(2)).toEqual(ranking);
    const back = rec.get(2)!;
    expect([...back.rewards]).toEqual([...rewards]);
    expect(back.distributed).toBe(7n);
  });

  it('keep recorded rewards that match the packed computed rewards without their amounts, and exactly whatever differs', () => {
    const r = rng(11);
    const m = activity(r, 60);
    const rw = computeEpochRewards(9, params, m, () => 1 + r(4), () => ALL_PASS);
    const honest = rw.rewarded.map((a, i) => [a, { seq: 500 + i, amount: rw.lines.get(a)!.amount }] as const);
    expect(honest.length).toBeGreaterThan(20);
    const [a0, a1, a2] = [honest[0]![0], honest[1]![0], honest[2]![0]];
    // The honest epoch (reward.allocate in rewarded order, consecutive seqs, amounts as computed) and ways to differ from it.
    const variants: Array<Array<readonly [string, { seq: number; amount: bigint }]>> = [
      honest,
      honest.map(([a, v]) => [a, a === a1 ? { ...v, amount: v.amount + 1n } : v] as const),
      honest.map(([a, v]) => [a, a === a2 ? { ...v, seq: v.seq + 7 } : v] as const),
      [...honest].reverse(),
      honest.filter(([a]) => a !== a0),
      [...honest, ['u-zzzzzz', { seq: 500 + honest.length, amount: 5n }] as const],
      [['u-zzzzzz', { seq: 3, amount: 5n }] as const],
      []
    ];
    for (const variant of variants) {
      const rewards = new Map(variant);
      const archive = packedRewards(rw, m);
      const rec = new RecordedArchive();
      rec.set(9, { rewards: new Map(rewards), distributed: 1n, ranking: null });
      rec.packBefore(10, (x) => archive.packedView(x));
      // The computed rewards of the epoch replaced later (a second close): the packed recorded values stay as recorded.
      archive.set(9, computeEpochRewards(9, params, new Map([...m].slice(0, 5)), () => 1, () => ALL_PASS));
      for (const [k, v] of rewards) expect(rec.reward(9, k)).toEqual(v);
      for (const k of m.keys()) if (!rewards.has(k)) expect(rec.reward(9, k)).toBeUndefined();
      const back = rec.get(9)!;
      expect([...back.rewards]).toEqual([...rewards]);
    }
  });

  it('recompute every kept ranking line exactly from its previous score and the packed engagement', () => {
    const p = { signalWeights: { comment: 2n * E18, like: 3n * E18, share: 5n * E18, view: E18 }, decay: E18 / 2n, topN: 10 } as RankingParams;
    const r = rng(11);
    const cids = Array.from({ length: 400 }, (_, i) => i.toString(16).padStart(64, '0'));
    const signals = new EpochInputs<ContentSignals>(false);
    const rankings = new RankingArchive();
    const kept = new Map<number, ReturnType<typeof compactRanking>>();
    let carried: CarriedScores | Map<string, bigint> = new Map<string, bigint>();
    for (let e = 0; e < 6; e++) {
      const live = signals.mutable(e);
      for (let j = 0; j < 150; j++) {
        const cid = cids[r(cids.length)]!;
        const sig = live.get(cid) ?? { signals: { comment: 0, like: 0, share: 0, view: 0 }, seqs: [], events: 0 };
        sig.signals[(['comment', 'like', 'share', 'view'] as const)[r(4)]!]++;
        sig.events++;
        live.set(cid, sig);
      }
      const full = computeRanking(e, p, carried, live);
      // The carried scores as arrays (the replay's) and as a map of the same give the same lines, in the same order.
      const asMap = carried instanceof CarriedScores ? new Map(carried.cids.map((c, i) => [c, (carried as CarriedScores).scores[i]!])) : carried;
      const viaMap = computeRanking(e, p, asMap, live);
      expect([...full.scores]).toEqual([...viaMap.scores]);
      expect(full.order).toEqual(viaMap.order);
      expect(full.ranked).toBe(viaMap.ranked);
      // Against §10.3 written out plainly: a line for every carried or engaged cid, all of them sorted.
      const ref = new Map<string, ScoreLine>();
      for (const [cid, prev] of asMap) {
        const sig = live.get(cid);
        const own = sig ? SIGNALS.reduce((t, k) => t + BigInt(sig.signals[k]) * p.signalWeights[k], 0n) : 0n;
        const c = (p.decay * prev) / E18;
        if (sig || c > 0n) ref.set(cid, { cid, own, previous: prev, carried: c, score: own + c });
      }
      for (const [cid, sig] of live) if (!ref.has(cid)) ref.set(cid, { cid, own: SIGNALS.reduce((t, k) => t + BigInt(sig.signals[k]) * p.signalWeights[k], 0n), previous: 0n, carried: 0n, score: SIGNALS.reduce((t, k) => t + BigInt(sig.signals[k]) * p.signalWeights[k], 0n) });
      const sorted = [...ref.values()].filter((l) => l.score > 0n).sort(compareScoreLines);
      expect(full.order).toEqual(sorted.slice(0, Math.max(p.topN, RANK_DEPTH)).map((l) => l.cid));
      expect(full.ranked).toBe(sorted.length);
      expect(full.scores.size).toBe(ref.size);
      for (const cid of [...cids, 'f'.repeat(64)]) expect(full.scores.get(cid)).toEqual(ref.get(cid));
      expect(new Map(full.scores)).toEqual(ref);
      carried = carryScores(full);
      expect(carried.cids).toEqual([...full.scores].filter(([, l]) => l.score > 0n).map(([c]) => c));
      kept.set(e, compactRanking(full));
      rankings.set(e, compactRanking(full));
    }
    signals.packBefore(6);
    rankings.packBefore(6, (x) => signals.packed(x), () => p);
    for (const [e, k] of kept) {
      const v = rankings.get(e)!;
      expect(v.order).toEqual(k.order);
      expect([v.ranked, v.topN, v.decay]).toEqual([k.ranked, k.topN, k.decay]);
      for (const cid of cids) expect(v.line(cid)).toEqual(k.scores.get(cid));
    }
  });
});
