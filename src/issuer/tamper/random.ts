// A small seeded PRNG for the drills and the tamper library (issuer side, never the verify path).
// SplitMix64 (Steele, Lea, Flood: "Fast splittable pseudorandom number generators", OOPSLA 2014):
// every drill prints its seed, and the same seed replays the same choice of events and ticks.

const MASK64 = (1n << 64n) - 1n;

export class SeededRandom {
  #state: bigint;

  constructor(readonly seed: number | bigint | string) {
    this.#state = SeededRandom.#seedState(seed);
  }

  static #seedState(seed: number | bigint | string): bigint {
    if (typeof seed === 'bigint') return seed & MASK64;
    if (typeof seed === 'number') {
      if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seed must be a non-negative safe integer: ${seed}`);
      return BigInt(seed);
    }
    // Strings: FNV-1a 64 over the UTF-16 code units, so any label can seed a stream.
    let h = 0xcbf29ce484222325n;
    for (let i = 0; i < seed.length; i++) h = ((h ^ BigInt(seed.charCodeAt(i))) * 0x100000001b3n) & MASK64;
    return h;
  }

  /** The next 64 random bits. */
  next64(): bigint {
    this.#state = (this.#state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.#state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** Uniform integer in [0, n) without modulo bias (rejection sampling). */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`int(n) needs a positive safe integer, got ${n}`);
    const bound = BigInt(n);
    const limit = (1n << 64n) - ((1n << 64n) % bound);
    for (;;) {
      const r = this.next64();
      if (r < limit) return Number(r % bound);
    }
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[this.int(items.length)]!;
  }

  /** `k` distinct elements (in the order drawn), by a partial Fisher–Yates shuffle of a copy. */
  sample<T>(items: readonly T[], k: number): T[] {
    if (k > items.length) throw new RangeError(`sample(${k}) from ${items.length} items`);
    const copy = items.slice();
    for (let i = 0; i < k; i++) {
      const j = i + this.int(copy.length - i);
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  }

  /** A fresh 32-bit seed for a sub-stream (printed by drills so one case can be replayed alone). */
  childSeed(): number {
    return Number(this.next64() >> 32n);
  }
}
