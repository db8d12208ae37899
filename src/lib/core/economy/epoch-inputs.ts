// The replay's inputs per epoch and key (an account's activity, a content item's engagement;
// docs/BUNDLE_FORMAT.md §10.2, §10.3), kept for Explain-This after the epoch. While an epoch is
// open they are plain objects in a Map (the computation reads and the events update them); once
// the replay has moved past an epoch they are packed into typed arrays: the keys in first-seen
// order, six counts per key, and the capped seq lists end to end (issue 7: one object, one signal
// record and one seq array per key and epoch cost ~350 bytes; packed they cost ~40). Reading a
// packed key rebuilds the same object; changing a packed epoch unpacks it first, so packing never
// changes a value.

import { SIGNALS, type Signal } from './policy';

export interface Inputs {
  signals: Record<Signal, number>;
  publications?: number;
  /** Seqs of the first contributing events (capped), in order. */
  seqs: number[];
  events: number;
}

/** Counts per key: the four signals in SIGNALS order, publications, events. */
const STRIDE = 6;

export type Column = Uint8Array | Uint16Array | Int32Array;

/**
 * The values of an Int32Array (what the single Int32Array column held) in the narrowest of
 * Uint8Array, Uint16Array, Int32Array that holds every one exactly (issue 7 memory: counts are
 * small, so 1 byte instead of 4 per count); the Int32Array itself otherwise.
 */
export function column(values: Int32Array): Column {
  let max = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0) return values;
    if (v > max) max = v;
  }
  return max <= 0xff ? Uint8Array.from(values) : max <= 0xffff ? Uint16Array.from(values) : values;
}

/** One closed epoch's inputs, read-only. */
export class PackedInputs<T extends Inputs> {
  /** Keys in first-seen order (the order of the Map they came from). */
  readonly #keys: string[];
  /** Positions into #keys, sorted by key, for lookups (16-bit while there are at most 65,536 keys). */
  readonly #sorted: Uint16Array | Int32Array;
  readonly #counts: Column;
  /** Seqs of key i are #seqBase + #seqs[#from[i] .. #from[i + 1]). */
  readonly #from: Column;
  /** The seqs (as int32) as offsets from #seqBase: 16-bit when they are within 65,535 of the smallest (an epoch's events are close together), else the seqs themselves (#seqBase 0). */
  readonly #seqs: Uint16Array | Int32Array;
  readonly #seqBase: number;
  readonly #withPublications: boolean;

  constructor(m: ReadonlyMap<string, T>, withPublications: boolean) {
    this.#withPublications = withPublications;
    this.#keys = [...m.keys()];
    const n = this.#keys.length;
    const counts = new Int32Array(n * STRIDE);
    const from = new Int32Array(n + 1);
    let total = 0;
    for (const x of m.values()) total += x.seqs.length;
    const seqs = new Int32Array(total);
    let i = 0;
    let at = 0;
    for (const x of m.values()) {
      const c = i * STRIDE;
      SIGNALS.forEach((s, j) => (counts[c + j] = x.signals[s]));
      counts[c + 4] = x.publications ?? 0;
      counts[c + 5] = x.events;
      from[i] = at;
      seqs.set(x.seqs, at);
      at += x.seqs.length;
      i++;
    }
    from[n] = at;
    this.#from = column(from);
    this.#counts = column(counts);
    // As int32 (what the column held), offsets from the smallest when they span at most 65,535.
    let lo = 0x7fffffff;
    let hi = -0x80000000;
    for (let k = 0; k < total; k++) {
      const q = seqs[k]!;
      if (q < lo) lo = q;
      if (q > hi) hi = q;
    }
    if (total > 0 && hi - lo <= 0xffff) {
      const off = new Uint16Array(total);
      for (let k = 0; k < total; k++) off[k] = seqs[k]! - lo;
      this.#seqBase = lo;
      this.#seqs = off;
    } else {
      this.#seqBase = 0;
      this.#seqs = seqs;
    }
    const keys = this.#keys;
    const order = n <= 0x10000 ? new Uint16Array(n) : new Int32Array(n);
    for (let k = 0; k < n; k++) order[k] = k;
    this.#sorted = order.sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : 0));
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Position of `key` in first-seen order, or −1. */
  indexOf(key: string): number {
    let lo = 0;
    let hi = this.#sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const k = this.#keys[this.#sorted[mid]!]!;
      if (k === key) return this.#sorted[mid]!;
      if (k < key) lo = mid + 1;
      else hi = mid;
    }
    return -1;
  }

  /** The position (first-seen order) of the j-th key in sorted (<) order. */
  sortedAt(j: number): number {
    return this.#sorted[j]!;
  }

  keyAt(i: number): string {
    return this.#keys[i]!;
  }

  keys(): readonly string[] {
    return this.#keys;
  }

  /** The inputs of key i, as a fresh object of the shape they were recorded in. */
  at(i: number): T {
    const c = i * STRIDE;
    const signals = { comment: 0, like: 0, share: 0, view: 0 };
    SIGNALS.forEach((s, j) => (signals[s] = this.#counts[c + j]!));
    const base = this.#seqBase;
    const from = this.#from[i]!;
    const seqs = new Array<number>(this.#from[i + 1]! - from);
    for (let k = 0; k < seqs.length; k++) seqs[k] = this.#seqs[from + k]! + base;
    const events = this.#counts[c + 5]!;
    return (this.#withPublications ? { signals, publications: this.#counts[c + 4]!, seqs, events } : { signals, seqs, events }) as unknown as T;
  }

  get(key: string): T | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.at(i);
  }

  /** Every key's inputs, in first-seen order (the Map they were packed from). */
  toMap(): Map<string, T> {
    const m = new Map<string, T>();
    for (let i = 0; i < this.#keys.length; i++) m.set(this.#keys[i]!, this.at(i));
    return m;
  }
}

/** Inputs of every epoch: live Maps for the epochs still changing, packed ones for the rest. */
export class EpochInputs<T extends Inputs> {
  readonly #live = new Map<number, Map<string, T>>();
  readonly #packed = new Map<number, PackedInputs<T>>();
  readonly #withPublications: boolean;

  constructor(withPublications: boolean) {
    this.#withPublications = withPublications;
  }

  /** The inputs of epoch e as a Map: the live one, or a copy rebuilt from the packed form. */
  get(e: number): ReadonlyMap<string, T> | undefined {
    return this.#live.get(e) ?? this.#packed.get(e)?.toMap();
  }

  /** One key's inputs at epoch e (read-only; a fresh object when packed). */
  of(e: number, key: string): T | undefined {
    const live = this.#live.get(e);
    return live ? live.get(key) : this.#packed.get(e)?.get(key);
  }

  /** The packed form of epoch e, when it is packed. */
  packed(e: number): PackedInputs<T> | undefined {
    return this.#packed.get(e);
  }

  /** The Map of epoch e to update (created, or unpacked when the epoch was packed). */
  mutable(e: number): Map<string, T> {
    let m = this.#live.get(e);
    if (m) return m;
    m = this.#packed.get(e)?.toMap() ?? new Map<string, T>();
    this.#packed.delete(e);
    this.#live.set(e, m);
    return m;
  }

  /** Pack every live epoch before `e`. */
  packBefore(e: number): void {
    for (const [x, m] of this.#live) {
      if (x >= e) continue;
      this.#packed.set(x, new PackedInputs<T>(m, this.#withPublications));
      this.#live.delete(x);
    }
  }
}
