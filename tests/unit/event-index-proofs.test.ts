// EventIndex keeps the hash of each complete block of 64 leaves instead of every leaf hash (issue 7
// memory), and builds proofs by re-reading the entries of the blocks they need (BlockTree). Every
// proof and root must equal MerkleTree's over all the leaves: for every seq, for tree sizes at and
// around block edges, segment edges and checkpoints, the last partial block, m = n; bytes changed
// after verification give an error and never a proof; a log located after a gap keeps its leaves.
import { describe, expect, it } from 'vitest';
import { EventIndex, type FileReader } from '$lib/core/event-index';
import type { Manifest } from '$lib/core/manifest';
import { BlockTree, CompactRange, EMPTY_ROOT, MerkleTree, leafHash } from '$lib/core/merkle';
import type { IdentityView } from '$lib/core/types';
import type { LedgerReplayer } from '$lib/core/report';

const enc = new TextEncoder();

/** Segments of the given counts, line i being a short JSON-ish text of varying length. */
function ledger(counts: number[]) {
  let first = 0;
  const files = new Map<string, Uint8Array>();
  const lines: Uint8Array[] = [];
  const segments = counts.map((count, i) => {
    const path = `segments/${String(i).padStart(6, '0')}.ndjson`;
    const mine: Uint8Array[] = [];
    for (let k = 0; k < count; k++) mine.push(enc.encode(`{"seq":${first + k},"pad":"${'x'.repeat((first + k) % 13)}"}`));
    const bytes = enc.encode(mine.map((l) => new TextDecoder().decode(l) + '\n').join(''));
    files.set(path, bytes);
    lines.push(...mine);
    const s = { path, firstSeq: first, count, bytes: bytes.length, sha256: '' };
    first += count;
    return s;
  });
  const manifest = { segments, events: first } as unknown as Manifest;
  return { manifest, files, lines };
}

/** A reader of the ledger's files that counts reads per path. */
function reader(files: Map<string, Uint8Array>): FileReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read: (path) => {
      reads.push(path);
      const f = files.get(path);
      return f ? Promise.resolve(f) : Promise.reject(new Error(`no ${path}`));
    }
  };
}

/** An index as the verifier fills it: lines located in order, leaves appended, checkpoints at `cps`. */
function indexOf(counts: number[], cps: number[] = []) {
  const l = ledger(counts);
  const index = new EventIndex(l.manifest, {} as IdentityView, {} as LedgerReplayer);
  const leaves: Uint8Array[] = [];
  let pos = 0;
  l.manifest.segments.forEach((s, si) => {
    let off = 0;
    for (let k = 0; k < s.count; k++, pos++) {
      const line = l.lines[pos]!;
      index.locate(pos, si, off, line.length);
      off += line.length + 1;
      const leaf = leafHash(line);
      leaves.push(leaf);
      index.append(leaf);
      if (cps.includes(pos + 1)) index.checkpoint(`checkpoints/${pos + 1}`, pos + 1, index.root(), new Uint8Array(0), []);
    }
  });
  return { ...l, index, leaves, tree: new MerkleTree(leaves) };
}

const hex = (xs: Uint8Array[]): string[] => xs.map((x) => Buffer.from(x).toString('hex'));

/** Tree sizes worth checking for a log of `total` leaves: block and segment edges, checkpoints, the end. */
function sizes(total: number, extra: number[]): number[] {
  const s = new Set<number>([1, 2, 3, 31, 32, 33, total - 1, total, ...extra]);
  for (let e = 64; e <= total + 64; e += 64) for (const d of [-1, 0, 1]) s.add(e + d);
  return [...s].filter((n) => n >= 1 && n <= total).sort((a, b) => a - b);
}

describe('EventIndex proofs from block hashes', () => {
  // 300 leaves in segments that do not align with the blocks (a block spans two and three files).
  const counts = [70, 3, 100, 1, 57, 69];
  const cps = [70, 150, 173, 231, 300];

  it('inclusion proofs and leaves equal MerkleTree over all leaves, for every seq and size', async () => {
    const x = indexOf(counts, cps);
    const src = reader(x.files);
    const bad: string[] = [];
    for (const n of sizes(300, cps)) {
      for (let seq = 0; seq < n; seq++) {
        const got = await x.index.inclusion(src, seq, n);
        if (JSON.stringify(hex(got.proof)) !== JSON.stringify(hex(x.tree.inclusionProof(seq, n))) || hex([got.leaf])[0] !== hex([x.leaves[seq]!])[0]) bad.push(`${seq}@${n}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('consistency proofs equal MerkleTree over all leaves, for every m ≤ n (m = 0 and m = n included)', async () => {
    const x = indexOf(counts, cps);
    const src = reader(x.files);
    const bad: string[] = [];
    for (const n of sizes(300, cps)) {
      for (let m = 0; m <= n; m++) {
        const got = await x.index.consistencyProof(src, m, n);
        if (JSON.stringify(hex(got)) !== JSON.stringify(hex(x.tree.consistencyProof(m, n)))) bad.push(`${m}->${n}`);
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('roots at every earlier size equal MerkleTree over all leaves', async () => {
    const x = indexOf(counts, cps);
    const src = reader(x.files);
    for (let n = 0; n <= 300; n++) expect(hex([await x.index.rootAt(src, n)]), `size ${n}`).toEqual(hex([x.tree.root(n)]));
    expect(await x.index.rootAt(src, 0)).toEqual(EMPTY_ROOT);
  });

  it('a proof reads only the files of the blocks it needs, each once (checkpoint tails need none)', async () => {
    const x = indexOf(counts, cps);
    // seq 5 in block 0 (segment 0), against the checkpoint at 231 (its partial block lies in segment 4): one read.
    const src = reader(x.files);
    await x.index.inclusion(src, 5, 231);
    expect(src.reads).toEqual(['segments/000000.ndjson']);
    // block 1 (leaves 64..127) spans segments 0, 1 and 2: each read once.
    const src2 = reader(x.files);
    await x.index.inclusion(src2, 100, 300);
    expect(src2.reads.sort()).toEqual(['segments/000000.ndjson', 'segments/000001.ndjson', 'segments/000002.ndjson']);
    // A size that is no checkpoint and not a block edge needs its block too, read whole (192..255: segments 4 and 5).
    const src3 = reader(x.files);
    await x.index.inclusion(src3, 5, 200);
    expect(src3.reads.sort()).toEqual(['segments/000000.ndjson', 'segments/000004.ndjson', 'segments/000005.ndjson']);
  });

  it('out-of-range arguments throw as MerkleTree does', async () => {
    const x = indexOf(counts, cps);
    const src = reader(x.files);
    await expect(x.index.inclusion(src, 0, 301)).rejects.toThrow('tree size 301 exceeds 300 leaves');
    await expect(x.index.inclusion(src, 7, 7)).rejects.toThrow('leaf index 7 out of range [0, 7)');
    await expect(x.index.consistencyProof(src, 5, 301)).rejects.toThrow('bad consistency sizes 5 -> 301 for 300 leaves');
    await expect(x.index.consistencyProof(src, 9, 8)).rejects.toThrow('bad consistency sizes 9 -> 8 for 300 leaves');
  });

  it('entries changed after verification give an error, never a proof; blocks not read are unaffected', async () => {
    const x = indexOf(counts, cps);
    const files = new Map(x.files);
    const seg = files.get('segments/000002.ndjson')!.slice();
    seg[seg.indexOf(0x78)] = 0x79; // one 'x' of the pad in an early line of segment 2 (leaf 74 or so, block 1)
    files.set('segments/000002.ndjson', seg);
    const src = reader(files);
    await expect(x.index.inclusion(src, 100, 300)).rejects.toThrow(/no longer hash to the log verified from it/);
    await expect(x.index.consistencyProof(src, 100, 300)).rejects.toThrow(/changed after verification/);
    await expect(x.index.rootAt(src, 100)).rejects.toThrow(/changed after verification/);
    // Block 0 lies in segment 0, and the checkpoint at 300 needs no partial block.
    expect(hex((await x.index.inclusion(src, 5, 300)).proof)).toEqual(hex(x.tree.inclusionProof(5, 300)));
    // A file that can no longer be read fails the proof with the reader's error.
    const gone = reader(new Map([...x.files].filter(([p]) => p !== 'segments/000000.ndjson')));
    await expect(x.index.inclusion(gone, 5, 300)).rejects.toThrow('no segments/000000.ndjson');
  });

  it('the last partial block of the whole log is checked against the log tail', async () => {
    const x = indexOf([100, 101]); // 201 leaves: block 3 holds 9, no checkpoints
    const files = new Map(x.files);
    const seg = files.get('segments/000001.ndjson')!.slice();
    seg[seg.length - 3]! ^= 1; // the last line
    files.set('segments/000001.ndjson', seg);
    await expect(x.index.inclusion(reader(files), 195, 201)).rejects.toThrow(/changed after verification/);
    expect(hex((await x.index.inclusion(reader(x.files), 195, 201)).proof)).toEqual(hex(x.tree.inclusionProof(195, 201)));
  });

  it('after a gap in the located lines, the leaves appended from then on are kept and proofs still equal MerkleTree', async () => {
    // As after a broken segment: positions 100..119 are never located, and the leaves appended next are
    // those of the lines at positions 120.. (leaf i is then not the line at position i).
    const l = ledger([120, 100]);
    const index = new EventIndex(l.manifest, {} as IdentityView, {} as LedgerReplayer);
    const leaves: Uint8Array[] = [];
    let off = 0;
    for (let p = 0; p < 100; p++) {
      index.locate(p, 0, off, l.lines[p]!.length);
      off += l.lines[p]!.length + 1;
      leaves.push(leafHash(l.lines[p]!));
      index.append(leaves[p]!);
    }
    off = 0;
    for (let p = 120; p < 220; p++) {
      index.locate(p, 1, off, l.lines[p]!.length);
      off += l.lines[p]!.length + 1;
      const leaf = leafHash(l.lines[p]!);
      leaves.push(leaf);
      index.append(leaf);
    }
    const tree = new MerkleTree(leaves);
    const src = reader(l.files);
    for (const seq of [0, 63, 64, 99, 100, 101, 150, 199]) {
      const got = await index.inclusion(src, seq, 200);
      expect(hex(got.proof), `seq ${seq}`).toEqual(hex(tree.inclusionProof(seq, 200)));
      expect(hex([got.leaf])).toEqual(hex([leaves[seq]!]));
    }
    expect(hex(await index.consistencyProof(src, 97, 200))).toEqual(hex(tree.consistencyProof(97, 200)));
  });
});

describe('BlockTree and CompactRange block hashes', () => {
  const leavesOf = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => leafHash(Uint8Array.of(7, i & 255, i >> 8)));

  it('CompactRange gives each complete block hash as it forms it, and the tail after the last one', () => {
    for (const bits of [1, 2, 4]) {
      const bs = 2 ** bits;
      const leaves = leavesOf(70);
      const full = new MerkleTree(leaves);
      const kept: Uint8Array[] = [];
      const cr = new CompactRange(bits, (h) => kept.push(h));
      for (let n = 1; n <= 70; n++) {
        cr.append(leaves[n - 1]!);
        expect(kept.length).toBe(Math.floor(n / bs));
        const start = n - (n % bs);
        expect(cr.tail(bits)).toEqual(n % bs === 0 ? null : full.subtreeHash(start, n));
      }
      kept.forEach((h, b) => expect(h).toEqual(full.subtreeHash(b * bs, (b + 1) * bs)));
    }
    expect(() => new CompactRange(0, () => undefined)).toThrow(RangeError);
  });

  it('BlockTree names the blocks a proof needs and asks for no others', () => {
    const leaves = leavesOf(40);
    const full = new MerkleTree(leaves);
    const bits = 2;
    const blocks = new Uint8Array(10 * 32);
    for (let b = 0; b < 10; b++) blocks.set(full.subtreeHash(b * 4, b * 4 + 4), b * 32);
    const t = new BlockTree(bits, blocks, 40, new Map([[38, full.subtreeHash(36, 38)]]));
    const given = (need: number[]) => (b: number) => (need.includes(b) ? new Uint8Array(leaves.slice(b * 4, b * 4 + 4).flatMap((x) => [...x])) : null);
    for (const n of [5, 17, 38, 40]) {
      for (let seq = 0; seq < n; seq++) {
        const need = t.blocksForInclusion(seq, n);
        expect(t.inclusionProof(seq, n, given(need))).toEqual(full.inclusionProof(seq, n));
      }
      for (let m = 0; m <= n; m++) expect(t.consistencyProof(m, n, given(t.blocksForConsistency(m, n)))).toEqual(full.consistencyProof(m, n));
    }
    expect(t.blocksForInclusion(1, 38)).toEqual([0]); // the tail at 38 is known
    expect(t.blocksForInclusion(1, 37)).toEqual([0, 9]);
    expect(t.blocksForInclusion(0, 32)).toEqual([0]);
    expect(() => t.inclusionProof(1, 37, given([0]))).toThrow('the leaf hashes of block 9 were not given');
  });
});
