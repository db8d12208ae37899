// Event lines of the batches in flight, copied into a few reused slabs (issue 7). A line waits for
// its batch's signature verdicts across several young-generation GCs, so whatever holds its bytes is
// promoted to the old space and freed only by a full GC: as views into the read chunks, every chunk
// of a segment (the whole file, 485 MB at 1M events) became off-heap garbage waiting for one. Copied
// here, a chunk dies young and the lines' memory is a handful of slabs used over and over.
//
// A batch's lines are taken from slabs that belong to that batch only (`seal` closes them); the
// slabs come back with `release` once the batch has been checked and none of its lines is read again.

export class LineSlabs {
  readonly #size: number;
  readonly #keep: number;
  readonly #free: Uint8Array[] = [];
  #open: Uint8Array[] = [];
  #cur: Uint8Array | null = null;
  #used = 0;

  /** `size`: bytes per slab (a longer line gets its own array); `keep`: free slabs kept for reuse. */
  constructor(size = 1 << 18, keep = 64) {
    if (!Number.isInteger(size) || size < 1 || !Number.isInteger(keep) || keep < 0) throw new RangeError('LineSlabs: size must be a positive integer and keep a non-negative one');
    this.#size = size;
    this.#keep = keep;
  }

  /** n bytes for a line of the open batch (contents unspecified: the caller fills them). */
  alloc(n: number): Uint8Array {
    if (n > this.#size) return new Uint8Array(n);
    if (this.#cur === null || this.#used + n > this.#size) {
      this.#cur = this.#free.pop() ?? new Uint8Array(this.#size);
      this.#open.push(this.#cur);
      this.#used = 0;
    }
    this.#used += n;
    return this.#cur.subarray(this.#used - n, this.#used);
  }

  /** A copy of src[from, to) for the open batch. */
  copy(src: Uint8Array, from: number, to: number): Uint8Array {
    const out = this.alloc(to - from);
    out.set(src.subarray(from, to));
    return out;
  }

  /** The open batch is complete: its slabs, for `release` once its lines are no longer read. */
  seal(): Uint8Array[] {
    const slabs = this.#open;
    this.#open = [];
    this.#cur = null;
    return slabs;
  }

  /** Slabs of a checked batch: their lines are dead, the next batches reuse them. */
  release(slabs: readonly Uint8Array[]): void {
    for (const s of slabs) if (this.#free.length < this.#keep) this.#free.push(s);
  }
}
