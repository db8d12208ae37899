// The carried ranking scores decay lazily (ranking.ts, CarriedScores): a cid's score is decayed
// when read, by the per-close step floor(decay × s / 10^18) once per close since its last
// engagement. Property: over random runs of closes (decays changing per close, including 0, 1 and
// tiny ones; scores small enough to tie and to reach 0; cids engaged again and again), every value
// of every ranking equals the eager statement of §10.3, where every carried score is decayed at
// every close: the head, the ranked count, the number of lines, every line, the carried scores.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CarriedScores, carryScores, compactRanking, compareScoreLines, computeRanking, RANK_DEPTH, topEntries, type ContentSignals, type ScoreLine } from '../../../src/lib/core/economy/ranking';
import { SIGNALS, type RankingParams } from '../../../src/lib/core/economy/policy';

const E18 = 10n ** 18n;

/** §10.3 eagerly: a line for every carried or engaged cid, each carried score decayed now. */
function eager(p: RankingParams, carried: ReadonlyMap<string, bigint>, signals: ReadonlyMap<string, ContentSignals>): { lines: Map<string, ScoreLine>; sorted: ScoreLine[] } {
  const own = (sig: ContentSignals): bigint => SIGNALS.reduce((t, k) => t + BigInt(sig.signals[k]) * p.signalWeights[k], 0n);
  const lines = new Map<string, ScoreLine>();
  for (const [cid, prev] of carried) {
    const sig = signals.get(cid);
    const o = sig ? own(sig) : 0n;
    const c = (p.decay * prev) / E18;
    if (sig || c > 0n) lines.set(cid, { cid, own: o, previous: prev, carried: c, score: o + c });
  }
  for (const [cid, sig] of signals) if (!lines.has(cid)) lines.set(cid, { cid, own: own(sig), previous: 0n, carried: 0n, score: own(sig) });
  return { lines, sorted: [...lines.values()].filter((l) => l.score > 0n).sort(compareScoreLines) };
}

const decayArb = fc.oneof(
  fc.constantFrom(0n, 1n, E18, E18 / 2n, (3n * E18) / 4n, E18 - 1n, E18 / 3n),
  fc.bigInt({ min: 0n, max: E18 })
);
/** One close: its decay and topN, the engagements (cid index, signal, count), and how the ranking is read. */
const closeArb = (decay = decayArb, engagements = 90) => fc.record({
  decay,
  topN: fc.integer({ min: 1, max: 12 }),
  engagements: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...SIGNALS), fc.integer({ min: 1, max: 4 })), { maxLength: engagements, size: 'max' }),
  /** Pass the carried scores as a Map (what they contain) instead of the CarriedScores chain. */
  asMap: fc.boolean(),
  /** Compute the ranking twice before the close (the replay recomputes when an input arrives). */
  twice: fc.boolean()
});
const weightsArb = fc.record({ comment: fc.bigInt({ min: 0n, max: 4n * E18 }), like: fc.bigInt({ min: 0n, max: 3n }), share: fc.bigInt({ min: 0n, max: 5n * E18 }), view: fc.constantFrom(0n, 1n, 7n, E18) });

/**
 * `universe` cids: below RANK_DEPTH every line is in the head; above it, the head's cut-off (a
 * group's walk stops at a score below the last kept one) is exercised. Weights down to 1 unit
 * make ties, deaths and re-engagement common.
 */
function run(universe: number, numRuns: number, weights = weightsArb, closes = closeArb()): void {
    fc.assert(
      fc.property(weights, fc.array(closes, { minLength: 1, maxLength: 30, size: 'max' }), (signalWeights, closes) => {
        const cids = Array.from({ length: universe }, (_, i) => `c${String((i * 37) % universe).padStart(3, '0')}`);
        let lazy = new CarriedScores();
        let ref = new Map<string, bigint>();
        closes.forEach((x, e) => {
          const p = { decay: x.decay, signalWeights, topN: x.topN } as RankingParams;
          const signals = new Map<string, ContentSignals>();
          for (const [i, s, n] of x.engagements) {
            const cid = cids[i % universe]!;
            const sig = signals.get(cid) ?? { signals: { comment: 0, like: 0, share: 0, view: 0 }, seqs: [], events: 0 };
            sig.signals[s] += n;
            sig.events += n;
            signals.set(cid, sig);
          }
          const from = x.asMap ? new Map(lazy.cids.map((c, j) => [c, lazy.scores[j]!])) : lazy;
          if (x.twice) computeRanking(e, p, from, new Map());
          const r = computeRanking(e, p, from, signals);
          const want = eager(p, ref, signals);
          expect(r.order).toEqual(want.sorted.slice(0, Math.max(p.topN, RANK_DEPTH)).map((l) => l.cid));
          expect(r.ranked).toBe(want.sorted.length);
          expect(r.scores.size).toBe(want.lines.size);
          for (const cid of [...cids, 'c999']) expect(r.scores.get(cid)).toEqual(want.lines.get(cid));
          expect(new Map(r.scores)).toEqual(want.lines);
          const compact = compactRanking(r);
          expect(topEntries(compact)).toEqual(topEntries(r));
          const next = carryScores(r);
          // The ranking stays readable after the close that carried its scores on.
          for (const cid of cids) expect(r.scores.get(cid)).toEqual(want.lines.get(cid));
          ref = new Map(want.sorted.map((l) => [l.cid, l.score]));
          expect(next.size).toBe(ref.size);
          expect(new Map(next.cids.map((c, j) => [c, next.scores[j]!]))).toEqual(ref);
          for (const cid of cids) expect(next.previous(cid)).toBe(ref.get(cid) ?? 0n);
          lazy = next;
        });
      }),
      // No shrinking: a counterexample of 30 closes takes minutes to shrink.
      { numRuns, endOnFailure: true }
    );
}

describe('lazily decayed carried scores', () => {
  it('give every ranking of a run of closes exactly as decaying every score at every close (every line in the head)', () => {
    run(60, 60);
  });

  it('… and with more ranked lines than the head keeps', () => {
    run(140, 30);
  });

  it('… and with many equal scores around the last score the head keeps', () => {
    // Scores of a few units: a group's members tie with each other and with the last of the head.
    const tiny = fc.record({ comment: fc.constant(0n), like: fc.constantFrom(1n, 2n), share: fc.constant(0n), view: fc.constant(1n) });
    run(300, 20, tiny, closeArb(fc.constantFrom(E18, E18 / 2n, (2n * E18) / 3n), 200));
  });

  it('advance once per generation, and refuse to be read two closes later', () => {
    const p = { decay: E18 / 2n, signalWeights: { comment: E18, like: E18, share: E18, view: E18 }, topN: 3 } as RankingParams;
    const sig = (): Map<string, ContentSignals> => new Map([['a', { signals: { comment: 0, like: 0, share: 0, view: 8 }, seqs: [], events: 8 }]]);
    const r0 = computeRanking(0, p, new CarriedScores(), sig());
    const g1 = carryScores(r0);
    expect(() => carryScores(r0)).toThrow(/generation/);
    const r1 = computeRanking(1, p, g1, new Map());
    expect(r1.scores.get('a')!.score).toBe(4n * E18);
    carryScores(r1);
    expect(() => r0.scores.get('b')).toThrow(/generation/);
  });
});
