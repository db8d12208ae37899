// EventIndex keeps where each log line lies in compact form (issue 7 memory: segments as runs, 16-bit
// lengths with an escape for long lines, growth capped at the manifest's count). Every answer must be
// what one full column per field gave: checked against such a model on in-order, gapped, out-of-order
// and long-line sequences, and past the manifest's announced count.
import { describe, expect, it } from 'vitest';
import { EventIndex } from '$lib/core/event-index';
import { CompactRange } from '$lib/core/merkle';
import type { Manifest } from '$lib/core/manifest';
import type { IdentityView } from '$lib/core/types';
import type { LedgerReplayer } from '$lib/core/report';

function manifest(counts: number[], events = counts.reduce((a, b) => a + b, 0)): Manifest {
  let first = 0;
  const segments = counts.map((count, i) => {
    const s = { path: `segments/${String(i).padStart(6, '0')}.ndjson`, firstSeq: first, count, bytes: 1, sha256: '' };
    first += count;
    return s;
  });
  return { segments, events } as unknown as Manifest;
}

/** The old layout: one segment, offset and length per position, zero where never located. */
class Model {
  seg = new Map<number, number>();
  off = new Map<number, number>();
  len = new Map<number, number>();
  locate(pos: number, s: number, o: number, l: number): void {
    this.seg.set(pos, s);
    this.off.set(pos, o >>> 0); // the offset column was a Uint32Array
    this.len.set(pos, l);
  }
}

function check(m: Manifest, calls: Array<[number, number, number, number]>, appended: number): void {
  const index = new EventIndex(m, {} as IdentityView, {} as LedgerReplayer);
  const model = new Model();
  for (const [p, s, o, l] of calls) {
    index.locate(p, s, o, l);
    model.locate(p, s, o, l);
  }
  const leaf = new Uint8Array(32);
  const range = new CompactRange();
  for (let i = 0; i < appended; i++) {
    leaf[0] = i & 255;
    index.append(leaf);
    range.append(leaf);
  }
  const wrong: string[] = [];
  for (let seq = 0; seq < appended; seq++) {
    const want = { path: m.segments[model.seg.get(seq) ?? 0]!.path, offset: model.off.get(seq) ?? 0, length: model.len.get(seq) ?? 0 };
    const got = index.entryLocation(seq);
    if (got.path !== want.path || got.offset !== want.offset || got.length !== want.length) wrong.push(`${seq}: ${JSON.stringify(got)} != ${JSON.stringify(want)}`);
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(index.root()).toEqual(range.root());
  expect(() => index.entryLocation(appended)).toThrow(RangeError);
}

/** In-order lines of the given segments, each `len(pos)` bytes long, one newline apart. */
function inOrder(counts: number[], len: (pos: number) => number): Array<[number, number, number, number]> {
  const out: Array<[number, number, number, number]> = [];
  let pos = 0;
  counts.forEach((c, s) => {
    let off = 0;
    for (let i = 0; i < c; i++, pos++) {
      out.push([pos, s, off, len(pos)]);
      off += len(pos) + 1;
    }
  });
  return out;
}

describe('EventIndex locations', () => {
  it('answers as full columns did for lines located in log order, across segments and growth', () => {
    const counts = [70_000, 3, 1, 66_000];
    check(manifest(counts), inOrder(counts, (p) => 300 + (p % 97)), 136_004);
  });

  it('keeps lengths of 65,535 bytes and more exactly', () => {
    const counts = [5, 4];
    const lens = [65_534, 65_535, 65_536, 1 << 20, 0, 12, 70_000, 65_535, 1];
    check(manifest(counts), inOrder(counts, (p) => lens[p]!), 9);
  });

  it('gives segment 0, offset 0 and length 0 for positions never located (gaps), as before', () => {
    const m = manifest([4, 4, 4]);
    // segment 1 stops after one line; segment 2 starts at its own first position
    check(m, [[0, 0, 0, 5], [1, 0, 6, 5], [2, 0, 12, 5], [3, 0, 18, 5], [4, 1, 0, 7], [8, 2, 0, 9], [9, 2, 10, 9]], 11);
    // the first line located is not position 0
    check(manifest([3, 3]), [[3, 1, 0, 4], [4, 1, 5, 4]], 5);
  });

  it('answers the same when lines are located out of order or again', () => {
    const m = manifest([3, 3, 3]);
    const calls: Array<[number, number, number, number]> = [[0, 0, 0, 3], [1, 0, 4, 3], [2, 0, 8, 3], [3, 1, 0, 5], [4, 1, 6, 5], [1, 2, 99, 70_000], [6, 2, 0, 2], [5, 1, 12, 5], [8, 2, 6, 2], [1, 0, 4, 3]];
    check(m, calls, 9);
  });

  it('answers as full columns did for offsets that do not follow from the line before (any gap, huge, beyond 32 bits), and after switching to a column', () => {
    const counts = [500, 300];
    const base = inOrder(counts, (p) => (p % 13 === 0 ? 70_000 : 20 + (p % 7)));
    // Some lines two bytes further on (CRLF-like), some far off, some offsets that a Uint32Array wraps, at and off block starts.
    const odd = (pos: number): number | null => (pos % 17 === 5 ? 2 : pos % 64 === 0 && pos % 3 === 0 ? 5 : pos === 130 ? 2 ** 32 + 7 : pos === 131 ? 2 ** 32 + 7 + base[130]![3] + 1 : pos === 200 ? -3 : null);
    let shift = 0;
    const calls = base.map(([p, s, o, l]): [number, number, number, number] => {
      const x = odd(p);
      if (x !== null && x > 100) return [p, s, x, l];
      if (x === -3) return [p, s, -3, l];
      shift += x ?? 0;
      return [p, s, o + shift, l];
    });
    check(manifest(counts), calls, 800);
    // The same, then one position located again (the offsets become one column), then the rest in order.
    check(manifest(counts), [...calls.slice(0, 400), [77, 0, 5, 9], ...calls.slice(400)], 800);
    check(manifest(counts), [...calls.slice(0, 400), [402, 0, 5, 9], ...calls.slice(400)], 800);
  });

  it('grows past the count the manifest announced', () => {
    const counts = [10, 20];
    check(manifest(counts, 12), inOrder(counts, (p) => p + 1), 30);
    check(manifest(counts, 0), inOrder(counts, (p) => p + 1), 30);
  });
});
