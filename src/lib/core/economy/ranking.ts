// Content rankings per epoch (docs/BUNDLE_FORMAT.md §10.3).
//
//   own_e(c)    = Σ_s count_e,c,s × ranking.signalWeights[s]     (engagements on c in epoch e)
//   carry_e(c)  = floor(ranking.decay × score_{e−1}(c) / 10^18)
//   score_e(c)  = own_e(c) + carry_e(c)
//
// Content with score_e(c) = 0 is not ranked. Order: score descending, then cid ascending (code
// point). `ranking.publish` lists the first ranking.topN entries as {cid, rank (1-based), score}.

import { add, formatAmount, mul } from '../amount';
import { compareCodePoints, type Json } from '../canonical-json';
import { SIGNALS, type RankingParams, type Signal } from './policy';

export interface ContentSignals {
  signals: Record<Signal, number>;
  seqs: number[];
  events: number;
}

export interface ScoreLine {
  cid: string;
  own: bigint;
  previous: bigint;
  carried: bigint;
  score: bigint;
}

/** How many ranks are kept per epoch for explanations (at least topN). */
export const RANK_DEPTH = 100;

export interface EpochRanking {
  epoch: number;
  /**
   * Score lines: every tracked cid while the epoch is open (ScoreLines: the carried-only ones made
   * on demand); after its close only the kept ones (compactRanking). Iteration order carries no meaning.
   */
  scores: ReadonlyMap<string, ScoreLine>;
  /** The first max(topN, RANK_DEPTH) cids with score > 0, in rank order. */
  order: string[];
  /** How many cids have score > 0. */
  ranked: number;
  topN: number;
  decay: bigint;
}

export interface RankEntry {
  cid: string;
  rank: number;
  score: string;
}

export function emptySignals(): ContentSignals {
  return { signals: { comment: 0, like: 0, share: 0, view: 0 }, seqs: [], events: 0 };
}

/** Scores carried into the next epoch (carryScores): the cids with a score > 0, in line order, and their scores. */
export class CarriedScores {
  readonly cids: string[] = [];
  readonly scores: bigint[] = [];

  get size(): number {
    return this.cids.length;
  }
}

/**
 * The score lines of an open epoch's ranking. The engaged cids have a line object; the many cids
 * that only carry a decayed score (own = 0, score = carried; at 1M events ~10^4 per epoch, nearly
 * all of the lines) are three parallel arrays, and a line object is made only when one is read:
 * the ranked head (kept as objects), or any other cid through get() (an index built on first use).
 */
export class ScoreLines implements ReadonlyMap<string, ScoreLine> {
  readonly engaged = new Map<string, ScoreLine>();
  readonly head = new Map<string, ScoreLine>();
  readonly carriedCids: string[] = [];
  readonly carriedPrevious: bigint[] = [];
  readonly carriedScores: bigint[] = [];
  #index: Map<string, number> | null = null;

  get size(): number {
    return this.engaged.size + this.carriedCids.length;
  }

  #carriedLine(i: number): ScoreLine {
    const cid = this.carriedCids[i]!;
    return this.head.get(cid) ?? { cid, own: 0n, previous: this.carriedPrevious[i]!, carried: this.carriedScores[i]!, score: this.carriedScores[i]! };
  }

  get(cid: string): ScoreLine | undefined {
    const l = this.engaged.get(cid) ?? this.head.get(cid);
    if (l) return l;
    if (!this.#index) {
      this.#index = new Map();
      this.carriedCids.forEach((c, i) => this.#index!.set(c, i));
    }
    const i = this.#index.get(cid);
    return i === undefined ? undefined : this.#carriedLine(i);
  }

  has(cid: string): boolean {
    return this.get(cid) !== undefined;
  }

  *entries(): MapIterator<[string, ScoreLine]> {
    yield* this.engaged.entries();
    for (let i = 0; i < this.carriedCids.length; i++) yield [this.carriedCids[i]!, this.#carriedLine(i)];
  }

  *keys(): MapIterator<string> {
    yield* this.engaged.keys();
    yield* this.carriedCids;
  }

  *values(): MapIterator<ScoreLine> {
    for (const [, l] of this.entries()) yield l;
  }

  [Symbol.iterator](): MapIterator<[string, ScoreLine]> {
    return this.entries();
  }

  forEach(f: (value: ScoreLine, key: string, map: ReadonlyMap<string, ScoreLine>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }
}

/** (score, cid) ranks before line b: score descending, then cid ascending by code point (compareScoreLines). */
function ranksBefore(score: bigint, cid: string, b: ScoreLine): boolean {
  if (score !== b.score) return score > b.score;
  return compareCodePoints(cid, b.cid) < 0;
}

/** `previous`: the scores carried from the epoch before (carryScores), or any map of them. */
export function computeRanking(epoch: number, p: RankingParams, previous: CarriedScores | ReadonlyMap<string, bigint>, signals: ReadonlyMap<string, ContentSignals>): EpochRanking {
  const scores = new ScoreLines();
  // Top-K selection (K = max(topN, RANK_DEPTH)) in one pass: O(C log K), not a sort of every cid.
  const depth = Math.max(p.topN, RANK_DEPTH);
  const top: ScoreLine[] = [];
  let ranked = 0;
  /** Offer (score, cid) to the head; `make` gives its line when it enters. */
  const offer = (score: bigint, cid: string, make: () => ScoreLine): void => {
    if (score === 0n) return;
    ranked++;
    if (top.length === depth && !ranksBefore(score, cid, top[depth - 1]!)) return;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (!ranksBefore(score, cid, top[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, make());
    if (top.length > depth) top.pop();
  };
  const line = (cid: string, prev: bigint, sig: ContentSignals | undefined): void => {
    const carried = mul(p.decay, prev);
    // Most tracked cids only carry a score (no engagement this epoch): own = 0, score = carried.
    if (!sig) {
      if (carried > 0n) {
        scores.carriedCids.push(cid);
        scores.carriedPrevious.push(prev);
        scores.carriedScores.push(carried);
        offer(carried, cid, () => ({ cid, own: 0n, previous: prev, carried, score: carried }));
      }
      return;
    }
    let own = 0n;
    for (const s of SIGNALS) own = add(own, BigInt(sig.signals[s]) * p.signalWeights[s]);
    const l: ScoreLine = { cid, own, previous: prev, carried, score: add(own, carried) };
    scores.engaged.set(cid, l);
    offer(l.score, cid, () => l);
  };
  // Every cid with a carried score, then the newly engaged ones. A carried cid with signals always
  // gets a line, so an engaged cid without one is exactly one not carried.
  if (previous instanceof CarriedScores) {
    const { cids, scores: prev } = previous;
    for (let i = 0; i < cids.length; i++) line(cids[i]!, prev[i]!, signals.get(cids[i]!));
  } else for (const [cid, prev] of previous) line(cid, prev, signals.get(cid));
  for (const [cid, sig] of signals) if (!scores.engaged.has(cid)) line(cid, 0n, sig);
  for (const l of top) if (l.own === 0n && !scores.engaged.has(l.cid)) scores.head.set(l.cid, l);
  return { epoch, scores, order: top.map((l) => l.cid), ranked, topN: p.topN, decay: p.decay };
}

/** What is kept of a closed epoch's ranking: the ranked head and every cid engaged in the epoch. */
export function compactRanking(r: EpochRanking): EpochRanking {
  const keep = new Map<string, ScoreLine>();
  for (const cid of r.order) keep.set(cid, r.scores.get(cid)!);
  // A carried-only line has own = 0: only the engaged ones can have own > 0.
  const lines = r.scores instanceof ScoreLines ? r.scores.engaged : r.scores;
  for (const [cid, l] of lines) if (l.own > 0n) keep.set(cid, l);
  return { ...r, scores: keep };
}

/** Score descending, then cid ascending by code point: a total order, so ties are deterministic. */
export function compareScoreLines(a: ScoreLine, b: ScoreLine): number {
  if (a.score !== b.score) return a.score > b.score ? -1 : 1;
  return compareCodePoints(a.cid, b.cid);
}

export function topEntries(r: EpochRanking): RankEntry[] {
  return r.order.slice(0, r.topN).map((cid, i) => ({ cid, rank: i + 1, score: formatAmount(r.scores.get(cid)!.score) }));
}

/** Scores carried into the next epoch (only non-zero ones), in line order. */
export function carryScores(r: EpochRanking): CarriedScores {
  const out = new CarriedScores();
  const s = r.scores;
  const lines = s instanceof ScoreLines ? s.engaged : s;
  for (const [cid, l] of lines) {
    if (l.score > 0n) {
      out.cids.push(cid);
      out.scores.push(l.score);
    }
  }
  // Carried-only lines all have score = carried > 0.
  if (s instanceof ScoreLines) {
    out.cids.push(...s.carriedCids);
    out.scores.push(...s.carriedScores);
  }
  return out;
}

/** Parse the `entries` of a recorded ranking.publish; null when malformed. */
export function parseRankEntries(v: Json | undefined): RankEntry[] | null {
  if (!Array.isArray(v)) return null;
  const out: RankEntry[] = [];
  for (const e of v) {
    if (e === null || typeof e !== 'object' || Array.isArray(e)) return null;
    const keys = Object.keys(e).sort().join(',');
    if (keys !== 'cid,rank,score' || typeof e.cid !== 'string' || typeof e.rank !== 'number' || typeof e.score !== 'string') return null;
    out.push({ cid: e.cid, rank: e.rank, score: e.score });
  }
  return out;
}

/** First differing rank between recorded and recomputed lists (1-based), or 0 when equal. */
export function firstDifferingRank(recorded: readonly RankEntry[], expected: readonly RankEntry[]): number {
  const n = Math.max(recorded.length, expected.length);
  for (let i = 0; i < n; i++) {
    const a = recorded[i];
    const b = expected[i];
    if (!a || !b || a.cid !== b.cid || a.score !== b.score || a.rank !== b.rank) return i + 1;
  }
  return 0;
}
