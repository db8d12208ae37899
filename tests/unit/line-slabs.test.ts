// LineSlabs (src/lib/core/line-slabs.ts): the bytes of the lines in flight on the ordered pass
// (issue 7). A slab is reused only after the batch it belongs to was released, so no line of a
// batch still in flight is ever overwritten; lines longer than a slab get their own array.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LineSlabs } from '../../src/lib/core/line-slabs';

describe('LineSlabs', () => {
  it('fast-check: lines of batches in flight keep their bytes while other batches are filled, released and reused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.uint8Array({ maxLength: 90 }), { maxLength: 12 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (batches, inFlight) => {
          const slabs = new LineSlabs(64, 3);
          const live: { lines: Uint8Array[]; want: Uint8Array[]; slabs: Uint8Array[] }[] = [];
          for (const batch of batches) {
            const lines = batch.map((b, i) => {
              const src = Uint8Array.from([9, ...b, 9]);
              return i % 2 ? slabs.copy(src, 1, src.length - 1) : (() => { const l = slabs.alloc(b.length); l.set(b); return l; })();
            });
            live.push({ lines, want: batch, slabs: slabs.seal() });
            while (live.length > inFlight) {
              const done = live.shift()!;
              done.lines.forEach((l, i) => expect([...l]).toEqual([...done.want[i]!]));
              slabs.release(done.slabs);
            }
            for (const b of live) b.lines.forEach((l, i) => expect([...l]).toEqual([...b.want[i]!]));
          }
        }
      ),
      { numRuns: 300, seed: 4 }
    );
  });

  it('reuses a released slab, and gives a line longer than a slab its own array', () => {
    const s = new LineSlabs(16, 1);
    const a = s.copy(Uint8Array.from([1, 2, 3]), 0, 3);
    const first = s.seal();
    expect(first).toHaveLength(1);
    expect(a.buffer).toBe(first[0]!.buffer);
    s.release(first);
    const b = s.alloc(4);
    expect(b.buffer).toBe(first[0]!.buffer); // reused
    const big = s.alloc(17);
    expect(big.length).toBe(17);
    expect(big.buffer).not.toBe(first[0]!.buffer);
    expect(s.seal()).toHaveLength(1); // the long line is not a slab
  });

  it('rejects bad sizes', () => {
    expect(() => new LineSlabs(0)).toThrow(RangeError);
    expect(() => new LineSlabs(8, -1)).toThrow(RangeError);
  });
});
