// Deterministic randomness for the reference issuer: SHA-256 in counter mode over a label and the
// seed (never Math.random, never the clock), so the same arguments give byte-identical bundles.
// Node only (node:crypto for speed); nothing in the verify path imports the issuer.

import { createHash } from 'node:crypto';

export class Prng {
  readonly #prefix: string;
  #counter = 0;
  #block = new Uint8Array(0);
  #at = 0;

  constructor(seed: string | number, label: string) {
    this.#prefix = `atlas-issuer/1 prng\n${seed}\n${label}\n`;
  }

  #refill(): void {
    this.#block = createHash('sha256').update(`${this.#prefix}${this.#counter++}`).digest();
    this.#at = 0;
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    if (this.#at + 4 > this.#block.length) this.#refill();
    const b = this.#block;
    const i = this.#at;
    this.#at += 4;
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }

  /** A uniform float in [0, 1) with 53 random bits. */
  float(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`Prng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.float() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A random item of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Prng.pick of an empty list');
    return items[this.int(items.length)]!;
  }

  /** `n` pseudo-random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      if (this.#at >= this.#block.length) this.#refill();
      out[i] = this.#block[this.#at++]!;
    }
    return out;
  }
}

/**
 * Heavy-tailed choice among a growing population: item i (0-based, in arrival order) has weight
 * 1 / (i + 1)^s, a Zipf law, so the earliest accounts and items are by far the most active.
 * Weights are kept as a cumulative array; `add` is O(1), `sample` O(log n).
 */
export class Zipf {
  readonly #cum: number[] = [];
  readonly #s: number;
  constructor(s: number) {
    this.#s = s;
  }
  get size(): number {
    return this.#cum.length;
  }
  add(): void {
    const i = this.#cum.length;
    const w = 1 / (i + 1) ** this.#s;
    this.#cum.push((i ? this.#cum[i - 1]! : 0) + w);
  }
  /** An index in [0, size). */
  sample(rng: Prng): number {
    const n = this.#cum.length;
    if (n === 0) throw new RangeError('Zipf.sample of an empty population');
    const x = rng.float() * this.#cum[n - 1]!;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.#cum[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
