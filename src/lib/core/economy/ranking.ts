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

/**
 * The cids that entered the carried scores at one close (the engaged ones with score > 0), sorted
 * by (score descending, cid ascending) then, with their score at that close. Every later close
 * decays every carried score with the same floor(decay × s / 10^18), which never reverses an order:
 * within a group the scores stay non-increasing along the array, so the positive ones are a prefix.
 */
class Group {
  readonly gen: number;
  readonly cids: string[];
  readonly base: bigint[];
  /** Score of member i at generation memoGen[i] (a cache: the score at a later one follows from it). */
  readonly memo: bigint[];
  readonly memoGen: Int32Array;
  /** The generation at which member i was engaged again and moved to a newer group (0: never). */
  readonly removedAt: Int32Array;
  /**
   * Where member i was carried before this group (an older group's code, see AT), or −1: only read
   * by a reader of the generation before this group's, so only the newest group keeps it.
   */
  prevAt: Float64Array | null;

  constructor(gen: number, cids: string[], base: bigint[], prevAt: Float64Array | null, memo = base.slice(), memoGen = new Int32Array(cids.length).fill(gen)) {
    this.gen = gen;
    this.cids = cids;
    this.base = base;
    this.memo = memo;
    this.memoGen = memoGen;
    this.removedAt = new Int32Array(cids.length);
    this.prevAt = prevAt;
  }

  /** The same group with only the members kept (`keep[i]`), in order. */
  compacted(keep: (i: number) => boolean): Group {
    const at: number[] = [];
    for (let i = 0; i < this.cids.length; i++) if (keep(i)) at.push(i);
    return new Group(
      this.gen,
      at.map((i) => this.cids[i]!),
      at.map((i) => this.base[i]!),
      null,
      at.map((i) => this.memo[i]!),
      Int32Array.from(at, (i) => this.memoGen[i]!)
    );
  }
}

/** A member of a group in some generation's list (k: its position there). */
interface Loc {
  g: Group;
  i: number;
  k: number;
}

/** A member's code: group generation × AT + index (indices below 2^22). */
const AT = 2 ** 22;

/** What the generations of one chain of CarriedScores share (each close adds to it). */
class Shared {
  /** The newest generation: only its CarriedScores can advance. */
  gen = 0;
  /** decays[g]: the decay of the close from generation g to g + 1. */
  readonly decays: bigint[] = [];
  /** Each cid's member code in the newest group it entered (older ones through prevAt). */
  readonly where = new Map<string, number>();
  readonly byGen = new Map<number, Group>();
  /** Groups left with nothing carried at the last close: forgotten at the next (a generation's grace for readers). */
  dropped: Group[] = [];
  /** Codes of members compacted away at the last close (cid, code): forgotten at the next. */
  forgotten: Array<[string, number]> = [];
}

/**
 * Scores carried into the next epoch (carryScores): every cid with a score > 0 at a close, and that
 * score. Decayed lazily (§10.3): a cid keeps the score it was carried with at the close of its last
 * engagement, and its score at a later close is the per-close step floor(decay × s / 10^18)
 * applied once per close, in order, with each close's decay: the same arithmetic, step by step, as
 * decaying every score at every close (cached per cid). A ranking reads only the cids that can
 * enter its head and, per group, the lowest positive one, instead of all of them (~10^4 per epoch
 * at 1M events). Immutable as seen from outside: carryScores() returns the next generation, and a
 * ranking computed from this one stays readable until the generation after that.
 */
export class CarriedScores {
  readonly #s: Shared;
  readonly #gen: number;
  /** The groups with something carried at this generation, oldest first. */
  readonly #groups: Group[];
  /** Per group: members [0, alive) have a score > 0 at this generation (removed ones included). */
  readonly #alive: Int32Array;
  /** Per group: members removed by this generation among [0, alive). */
  readonly #removedAlive: Int32Array;
  /** The cids of the group this generation added, in line order (for cids). */
  readonly #newest: string[];

  constructor(s = new Shared(), gen = 0, groups: Group[] = [], alive = new Int32Array(0), removedAlive = new Int32Array(0), newest: string[] = []) {
    this.#s = s;
    this.#gen = gen;
    this.#groups = groups;
    this.#alive = alive;
    this.#removedAlive = removedAlive;
    this.#newest = newest;
  }

  /** The scores of a map (any order) as a first generation. */
  static of(m: ReadonlyMap<string, bigint>): CarriedScores {
    const s = new Shared();
    const entries = [...m].sort((x, y) => (x[1] !== y[1] ? (x[1] > y[1] ? -1 : 1) : compareCodePoints(x[0], y[0])));
    if (entries.length === 0) return new CarriedScores(s);
    const g = newGroup(s, 0, entries.map((x) => x[0]), entries.map((x) => x[1]));
    let alive = entries.length;
    while (alive > 0 && entries[alive - 1]![1] === 0n) alive--;
    return new CarriedScores(s, 0, [g], Int32Array.of(alive), Int32Array.of(0), [...m.keys()].filter((k) => m.get(k)! > 0n));
  }

  /** @internal How many closes this chain of carried scores went through. */
  get gen(): number {
    return this.#gen;
  }

  /** @internal */
  get groupCount(): number {
    return this.#groups.length;
  }

  #readable(): void {
    if (this.#s.gen - this.#gen > 1) throw new Error(`carried scores of generation ${this.#gen} read at generation ${this.#s.gen}`);
  }

  /** Position of the group of generation `gen` in #groups, or −1. */
  #pos(gen: number): number {
    let lo = 0;
    let hi = this.#groups.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#groups[mid]!.gen < gen) lo = mid + 1;
      else hi = mid;
    }
    return this.#groups[lo]?.gen === gen ? lo : -1;
  }

  #removed(g: Group, i: number): boolean {
    const at = g.removedAt[i]!;
    return at !== 0 && at <= this.#gen;
  }

  /** Score of member i of g at generation t (≥ g.gen, ≤ the newest): the per-close steps from the cached one. */
  #value(g: Group, i: number, t: number): bigint {
    let x = g.memoGen[i]!;
    let v = g.memo[i]!;
    if (x > t) {
      x = g.gen;
      v = g.base[i]!;
    }
    const decays = this.#s.decays;
    for (; x < t && v !== 0n; x++) v = mul(decays[x]!, v);
    if (t > g.memoGen[i]!) {
      g.memo[i] = v;
      g.memoGen[i] = t;
    }
    return v;
  }

  /** The member carrying `cid` at this generation (score > 0, not engaged since), or null. */
  #locate(cid: string): Loc | null {
    this.#readable();
    let at = this.#s.where.get(cid);
    while (at !== undefined && at >= 0) {
      const g = this.#s.byGen.get(Math.floor(at / AT));
      if (!g) return null;
      let i = at % AT;
      if (g.gen <= this.#gen) {
        const k = this.#pos(g.gen);
        if (k < 0) return null;
        const own = this.#groups[k]!;
        // The group was compacted at the close after this generation: find the cid in this one's layout.
        if (own !== g) i = own.cids.indexOf(cid);
        else if (g.cids[i] !== cid) return null; // a member compacted away (its code is forgotten at the next close)
        return i < 0 || i >= this.#alive[k]! || this.#removed(own, i) ? null : { g: own, i, k };
      }
      if (!g.prevAt || g.cids[i] !== cid) return null;
      at = g.prevAt[i]!;
    }
    return null;
  }

  /** The score `cid` carries (0 when none). */
  previous(cid: string): bigint {
    return this.previousAt(this.#locate(cid));
  }

  /** @internal The member carrying `cid` (for previousAt, carriedOnly and advance), or null. */
  locate(cid: string): Loc | null {
    return this.#locate(cid);
  }

  /** @internal The score carried by a member of this generation (locate), 0 for none. */
  previousAt(l: Loc | null): bigint {
    return l ? this.#value(l.g, l.i, this.#gen) : 0n;
  }

  get size(): number {
    let n = 0;
    for (let k = 0; k < this.#groups.length; k++) n += this.#alive[k]! - this.#removedAlive[k]!;
    return n;
  }

  /** Every carried member, oldest group first. */
  #each(f: (g: Group, i: number) => void): void {
    this.#readable();
    this.#groups.forEach((g, k) => {
      for (let i = 0; i < this.#alive[k]!; i++) if (!this.#removed(g, i)) f(g, i);
    });
  }

  /** The carried cids: those this generation added in line order, then the others by code point. */
  get cids(): string[] {
    const newest = this.#groups.at(-1)?.gen === this.#gen ? this.#newest : [];
    const rest: string[] = [];
    this.#each((g, i) => {
      if (g.gen !== this.#gen) rest.push(g.cids[i]!);
    });
    return [...newest, ...rest.sort(compareCodePoints)];
  }

  /** The score of each of `cids`, in that order. */
  get scores(): bigint[] {
    return this.cids.map((c) => this.previous(c));
  }

  /**
   * @internal The carried-only part of a ranking at the next close with `decay`, the `engaged`
   * cids left out (they have lines of their own): offers the members with carry > 0 to `offer`,
   * each group from its highest score down until `offer` returns false (no later member of the
   * group can enter the head); sets `alive` (per group: its members with carry > 0, removed
   * included) and returns how many carried-only lines there are.
   */
  carriedOnly(decay: bigint, engaged: ReadonlyMap<string, unknown>, located: readonly Loc[], offer: (cid: string, prev: bigint, carried: bigint) => boolean, alive: Int32Array): number {
    this.#readable();
    const t = this.#gen;
    let count = 0;
    // Newest first: their scores are the highest, so the head fills early and older groups stop at once.
    for (let k = this.#groups.length - 1; k >= 0; k--) {
      const g = this.#groups[k]!;
      const was = this.#alive[k]!;
      let a = was;
      while (a > 0 && mul(decay, this.#value(g, a - 1, t)) === 0n) a--;
      alive[k] = a;
      let removed = this.#removedAlive[k]!;
      for (let i = a; i < was; i++) if (this.#removed(g, i)) removed--;
      count += a - removed;
      for (let i = 0; i < a; i++) {
        if (this.#removed(g, i)) continue;
        const cid = g.cids[i]!;
        if (engaged.has(cid)) continue;
        const prev = this.#value(g, i, t);
        if (!offer(cid, prev, mul(decay, prev))) break;
      }
    }
    // The engaged cids that carry a score (`located`) with carry > 0 are not carried-only.
    for (const l of located) if (l.i < alive[l.k]!) count--;
    return count;
  }

  /** @internal Every carried-only (cid, previous, carried > 0) of such a ranking, in no particular order. */
  eachCarriedOnly(decay: bigint, engaged: ReadonlyMap<string, unknown>, f: (cid: string, prev: bigint, carried: bigint) => void): void {
    this.#each((g, i) => {
      const cid = g.cids[i]!;
      if (engaged.has(cid)) return;
      const prev = this.#value(g, i, this.#gen);
      const carried = mul(decay, prev);
      if (carried > 0n) f(cid, prev, carried);
    });
  }

  /** @internal The carried-only line of `cid` (not engaged) in such a ranking: previous and carried > 0, or null. */
  carriedOnlyLine(decay: bigint, cid: string): { prev: bigint; carried: bigint } | null {
    const l = this.#locate(cid);
    if (!l) return null;
    const prev = this.#value(l.g, l.i, this.#gen);
    const carried = mul(decay, prev);
    return carried > 0n ? { prev, carried } : null;
  }

  /**
   * @internal The next generation, at the close of a ranking computed from this one: every carried
   * score decays by `decay` (`alive` from carriedOnly), and the engaged lines with score > 0 form a
   * new group. Only the newest generation advances, once.
   */
  advance(decay: bigint, alive: Int32Array, engaged: ReadonlyMap<string, ScoreLine>, located: readonly Loc[]): CarriedScores {
    const s = this.#s;
    if (s.gen !== this.#gen) throw new Error(`carried scores of generation ${this.#gen} advanced after generation ${s.gen}`);
    // Forget the groups dropped and the members compacted away at the last close (a reader of the
    // generation before is done now).
    for (const g of s.dropped) {
      s.byGen.delete(g.gen);
      for (let i = 0; i < g.cids.length; i++) if (s.where.get(g.cids[i]!) === g.gen * AT + i) s.where.delete(g.cids[i]!);
    }
    for (const [cid, at] of s.forgotten) if (s.where.get(cid) === at) s.where.delete(cid);
    s.forgotten = [];
    const gen = this.#gen + 1;
    const n = this.#groups.length;
    const removedAlive = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const g = this.#groups[k]!;
      let r = this.#removedAlive[k]!;
      for (let i = alive[k]!; i < this.#alive[k]!; i++) if (this.#removed(g, i)) r--;
      removedAlive[k] = r;
    }
    for (const l of located) {
      l.g.removedAt[l.i] = gen;
      if (l.i < alive[l.k]!) removedAlive[l.k]!++;
    }
    const groups: Group[] = [];
    const keepAlive: number[] = [];
    const keepRemoved: number[] = [];
    const dropped: Group[] = [];
    for (let k = 0; k < n; k++) {
      const g = this.#groups[k]!;
      g.prevAt = null;
      const live = alive[k]! - removedAlive[k]!;
      if (live === 0) {
        dropped.push(g);
        continue;
      }
      // Members no longer carried (score 0, or engaged again) stay until they are half of the
      // group; then the group is rebuilt without them, as a new object (a reader of this generation
      // keeps the old one and finds its cids in it).
      if (2 * live < g.cids.length && g.cids.length >= 16) {
        const a = alive[k]!;
        const c = g.compacted((i) => i < a && g.removedAt[i] === 0);
        // Engaged again: their code moves to the new group below. No longer carried: forgotten at
        // the next close, unless the cid was engaged again after it lapsed (checked then).
        for (let i = a; i < g.cids.length; i++) if (g.removedAt[i] === 0) s.forgotten.push([g.cids[i]!, g.gen * AT + i]);
        for (let i = 0; i < c.cids.length; i++) s.where.set(c.cids[i]!, g.gen * AT + i);
        s.byGen.set(g.gen, c);
        groups.push(c);
        keepAlive.push(c.cids.length);
        keepRemoved.push(0);
        continue;
      }
      groups.push(g);
      keepAlive.push(alive[k]!);
      keepRemoved.push(removedAlive[k]!);
    }
    s.dropped = dropped;
    s.decays.push(decay);
    s.gen = gen;
    const lines = [...engaged.values()].filter((l) => l.score > 0n);
    const newest = lines.map((l) => l.cid);
    if (lines.length > 0) {
      lines.sort(compareScoreLines);
      groups.push(
        newGroup(
          s,
          gen,
          lines.map((l) => l.cid),
          lines.map((l) => l.score)
        )
      );
      keepAlive.push(lines.length);
      keepRemoved.push(0);
    }
    return new CarriedScores(s, gen, groups, Int32Array.from(keepAlive), Int32Array.from(keepRemoved), newest);
  }
}

/** A group of generation `gen` (scores sorted as described there), registered in `s`. */
function newGroup(s: Shared, gen: number, cids: string[], scores: bigint[]): Group {
  if (cids.length >= AT) throw new RangeError(`${cids.length} cids carried from one close`);
  const prevAt = new Float64Array(cids.length);
  for (let i = 0; i < cids.length; i++) prevAt[i] = s.where.get(cids[i]!) ?? -1;
  const g = new Group(gen, cids, scores, prevAt);
  s.byGen.set(gen, g);
  for (let i = 0; i < cids.length; i++) s.where.set(cids[i]!, gen * AT + i);
  return g;
}

/**
 * The score lines of an open epoch's ranking. The engaged cids have a line object; the many cids
 * that only carry a decayed score (own = 0, score = carried; at 1M events ~10^4 per epoch, nearly
 * all of the lines) are read from the carried scores when asked for: the ranked head is kept as
 * objects, any other line is made by get().
 */
export class ScoreLines implements ReadonlyMap<string, ScoreLine> {
  readonly engaged = new Map<string, ScoreLine>();
  readonly head = new Map<string, ScoreLine>();
  readonly #carried: CarriedScores;
  readonly #decay: bigint;
  /** Per carried group: its members with carry > 0 (carriedOnly), for the next generation. */
  readonly #alive: Int32Array;
  #carriedOnly = 0;

  constructor(carried: CarriedScores, decay: bigint, groups: number) {
    this.#carried = carried;
    this.#decay = decay;
    this.#alive = new Int32Array(groups);
  }

  /** @internal The carried members of the engaged cids (computeRanking). */
  readonly located: Loc[] = [];

  /** @internal Select the head and count the carried-only lines (computeRanking). */
  selectCarried(offer: (cid: string, prev: bigint, carried: bigint) => boolean): number {
    this.#carriedOnly = this.#carried.carriedOnly(this.#decay, this.engaged, this.located, offer, this.#alive);
    return this.#carriedOnly;
  }

  /** @internal The scores carried into the next epoch (carryScores). */
  next(): CarriedScores {
    return this.#carried.advance(this.#decay, this.#alive, this.engaged, this.located);
  }

  get size(): number {
    return this.engaged.size + this.#carriedOnly;
  }

  get(cid: string): ScoreLine | undefined {
    const l = this.engaged.get(cid) ?? this.head.get(cid);
    if (l) return l;
    const c = this.#carried.carriedOnlyLine(this.#decay, cid);
    return c ? { cid, own: 0n, previous: c.prev, carried: c.carried, score: c.carried } : undefined;
  }

  has(cid: string): boolean {
    return this.get(cid) !== undefined;
  }

  /** The engaged lines in engagement order, then the carried-only ones by cid (code point). */
  *entries(): MapIterator<[string, ScoreLine]> {
    yield* this.engaged.entries();
    const rest: ScoreLine[] = [];
    this.#carried.eachCarriedOnly(this.#decay, this.engaged, (cid, prev, carried) => rest.push(this.head.get(cid) ?? { cid, own: 0n, previous: prev, carried, score: carried }));
    rest.sort((a, b) => compareCodePoints(a.cid, b.cid));
    for (const l of rest) yield [l.cid, l];
  }

  *keys(): MapIterator<string> {
    for (const [k] of this.entries()) yield k;
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
  const carried = previous instanceof CarriedScores ? previous : CarriedScores.of(previous);
  const decay = p.decay;
  const scores = new ScoreLines(carried, decay, carried.groupCount);
  // Top-K selection (K = max(topN, RANK_DEPTH)): O(C log K) over the lines read, not a sort of every cid.
  const depth = Math.max(p.topN, RANK_DEPTH);
  const top: ScoreLine[] = [];
  let ranked = 0;
  const insert = (l: ScoreLine): void => {
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (!ranksBefore(l.score, l.cid, top[mid]!)) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, l);
    if (top.length > depth) top.pop();
  };
  // The engaged cids, in engagement order: own from the signals, carried from the carried score.
  for (const [cid, sig] of signals) {
    let own = 0n;
    for (const s of SIGNALS) own = add(own, BigInt(sig.signals[s]) * p.signalWeights[s]);
    const at = carried.locate(cid);
    if (at) scores.located.push(at);
    const prev = carried.previousAt(at);
    const c = mul(decay, prev);
    const l: ScoreLine = { cid, own, previous: prev, carried: c, score: add(own, c) };
    scores.engaged.set(cid, l);
    if (l.score === 0n) continue;
    ranked++;
    if (top.length < depth || ranksBefore(l.score, cid, top[depth - 1]!)) insert(l);
  }
  // Every other carried cid: own = 0, score = carried > 0. Only those that may enter the head are read.
  ranked += scores.selectCarried((cid, prev, c) => {
    if (top.length < depth) {
      insert({ cid, own: 0n, previous: prev, carried: c, score: c });
      return true;
    }
    const last = top[depth - 1]!;
    // The group's later members score at most c: none of them can enter once c is below the last.
    if (c < last.score) return false;
    if (ranksBefore(c, cid, last)) insert({ cid, own: 0n, previous: prev, carried: c, score: c });
    return true;
  });
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

/**
 * Scores carried into the next epoch: those of the lines with score > 0. From a computed ranking,
 * the next generation of the carried scores it was computed from (once per ranking and generation).
 */
export function carryScores(r: EpochRanking): CarriedScores {
  const s = r.scores;
  if (s instanceof ScoreLines) return s.next();
  const out = new Map<string, bigint>();
  for (const [cid, l] of s) if (l.score > 0n) out.set(cid, l.score);
  return CarriedScores.of(out);
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
