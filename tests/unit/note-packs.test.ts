// Checkpoint notes in packs (BUNDLE_FORMAT.md §6.1, §5.2): the same ledger written with one note
// pack, with packs of two notes, and with one file per note (the layout before packs) verifies
// to the same report; each pack is read once; damage to a pack fails exactly the notes whose
// bytes it reaches, each at its own close with the code a single note file gets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { parseManifest, type CheckpointRef, type Manifest } from '../../src/lib/core/manifest';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier, type VerifyReport } from '../../src/lib/core/report';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { generateBundle } from '../../src/issuer/generate';
import { BundleFiles, TamperSource } from '../../src/issuer/tamper';

const SEED = 'note-packs';
let dir = '';
/** One note pack (the default), packs of two notes, one file per note. */
let one: BundleFiles;
let pairs: BundleFiles;
let single: BundleFiles;
let tamper: TamperSource;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-note-packs-'));
  await generateBundle({ out: join(dir, 'one'), events: 600, seed: SEED });
  one = await BundleFiles.load(join(dir, 'one'));
  tamper = await TamperSource.loadGenerated(join(dir, 'one'), SEED);
  await generateBundle({ out: join(dir, 'pairs'), events: 600, seed: SEED, packBytes: 1000 });
  pairs = await BundleFiles.load(join(dir, 'pairs'));
  await generateBundle({ out: join(dir, 'single'), events: 600, seed: SEED, packBytes: 0 });
  single = await BundleFiles.load(join(dir, 'single'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const filesOf = (b: BundleFiles): Map<string, Uint8Array> => {
  const m = new Map<string, Uint8Array>();
  for (const p of b.paths()) if (p !== 'trust.json') m.set(p, b.get(p));
  return m;
};
const manifestOf = (files: Map<string, Uint8Array>): Manifest => {
  const r = parseManifest(files.get('manifest.json')!);
  if (!r.ok) throw new Error(r.finding.message);
  return r.manifest;
};
async function run(files: Map<string, Uint8Array>, mode: 'stop' | 'audit' = 'audit', reads?: string[]): Promise<VerifyReport> {
  const src = new MemorySource(files, { chunk: 4096 });
  if (reads) {
    const read = src.read.bind(src);
    src.read = (p) => (reads.push(p), read(p));
  }
  return (await verifyBundle(src, { signatures: sequentialVerifier(nodeBackend), mode })).report;
}
const where = (r: VerifyReport) => r.failures.map((f) => `${f.code}@${f.seq}`);
const noteOf = (files: Map<string, Uint8Array>, cp: CheckpointRef): Uint8Array => {
  const f = files.get(cp.path)!;
  return cp.offset === undefined ? f : f.subarray(cp.offset, cp.offset + cp.bytes!);
};

describe('checkpoint note packs', () => {
  it('the layouts hold the same notes, segments and trust; one pack by default, packs of two, or single files', () => {
    const [a, b, c] = [one, pairs, single].map(filesOf);
    const [ma, mb, mc] = [a, b, c].map((f) => manifestOf(f!));
    expect(new Set(ma!.checkpoints.map((x) => x.path))).toEqual(new Set(['checkpoints/pack-000000']));
    expect(mb!.checkpoints.every((x, i) => x.path === `checkpoints/pack-${String(i >> 1).padStart(6, '0')}` && x.offset !== undefined)).toBe(true);
    expect(mc!.checkpoints.every((x) => x.offset === undefined && x.bytes === undefined && x.path === `checkpoints/${String(x.size).padStart(9, '0')}.note`)).toBe(true);
    expect(ma!.checkpoints.map((x) => x.size)).toEqual(mc!.checkpoints.map((x) => x.size));
    expect(ma!.checkpoints.length).toBeGreaterThan(3);
    for (const [i, cp] of mc!.checkpoints.entries()) {
      expect(noteOf(a!, ma!.checkpoints[i]!)).toEqual(c!.get(cp.path));
      expect(noteOf(b!, mb!.checkpoints[i]!)).toEqual(c!.get(cp.path));
    }
    // A pack is exactly its notes.
    expect(a!.get('checkpoints/pack-000000')!.length).toBe(ma!.checkpoints.reduce((s, x) => s + x.bytes!, 0));
    for (const p of single.paths()) if (p.startsWith('segments/')) expect(one.get(p)).toEqual(single.get(p));
    expect(ma!.segments).toEqual(mc!.segments);
    expect(ma!.trust).toEqual(mc!.trust);
  });

  it('the same report from every layout (stop and audit); each note pack is read once', async () => {
    const reads: string[] = [];
    const base = await run(filesOf(single), 'stop');
    expect(base.ok).toBe(true);
    expect(base.checkpointsVerified).toBe(base.epochs);
    for (const mode of ['stop', 'audit'] as const) {
      expect(await run(filesOf(one), mode, mode === 'stop' ? reads : undefined)).toEqual(base);
      expect(await run(filesOf(pairs), mode)).toEqual(base);
    }
    expect(reads.filter((p) => p.startsWith('checkpoints/'))).toEqual(['checkpoints/pack-000000']);
    const singleReads: string[] = [];
    await run(filesOf(single), 'stop', singleReads);
    expect(singleReads.filter((p) => p.startsWith('checkpoints/')).length).toBe(base.epochs);
  });

  it('a missing pack: each of its notes checkpoint.missing at its own close, as missing note files are; the others verify', async () => {
    const files = filesOf(pairs);
    const m = manifestOf(files);
    const gone = m.checkpoints.filter((x) => x.path === 'checkpoints/pack-000001');
    expect(gone.length).toBe(2);
    files.delete('checkpoints/pack-000001');
    const r = await run(files);
    expect(where(r)).toEqual(gone.map((x) => `checkpoint.missing@${x.size - 1}`));
    expect(r.failures.every((f) => f.file === 'checkpoints/pack-000001')).toBe(true);
    expect(r.checkpointsVerified).toBe(m.epochs - 2);
    // The single-file layout with the same two notes deleted: the same findings at the same seqs.
    const s = filesOf(single);
    const ms = manifestOf(s);
    for (const x of gone) s.delete(ms.checkpoints.find((y) => y.size === x.size)!.path);
    const rs = await run(s);
    expect(where(rs)).toEqual(where(r));
    expect(rs.checkpointsVerified).toBe(r.checkpointsVerified);
  });

  it('a pack cut inside a note: the notes before it verify, it and every later note of the pack are missing, each at its own close', async () => {
    const files = filesOf(one);
    const m = manifestOf(files);
    const k = 2;
    const cut = m.checkpoints[k]!.offset! + (m.checkpoints[k]!.bytes! >> 1);
    files.set('checkpoints/pack-000000', files.get('checkpoints/pack-000000')!.subarray(0, cut));
    const r = await run(files);
    expect(where(r)).toEqual(m.checkpoints.slice(k).map((x) => `checkpoint.missing@${x.size - 1}`));
    expect(r.failures[0]!.message).toBe(`checkpoints/pack-000000: ${cut} bytes; the note of tree size ${m.checkpoints[k]!.size} is bytes ${m.checkpoints[k]!.offset}..${m.checkpoints[k]!.offset! + m.checkpoints[k]!.bytes!}`);
    expect(r.checkpointsVerified).toBe(k);
    // Cut exactly where a note ends: that note still verifies.
    const exact = filesOf(one);
    exact.set('checkpoints/pack-000000', exact.get('checkpoints/pack-000000')!.subarray(0, m.checkpoints[k]!.offset));
    expect(where(await run(exact))).toEqual(where(r));
  });

  it('one byte changed inside a packed note fails that note only, with the codes its own file would get', async () => {
    const files = filesOf(one);
    const m = manifestOf(files);
    const s = filesOf(single);
    const ms = manifestOf(s);
    for (const [k, at] of [[0, 0], [1, 40], [3, 120], [m.checkpoints.length - 1, 300]] as const) {
      const cp = m.checkpoints[k]!;
      const pack = files.get(cp.path)!.slice();
      pack[cp.offset! + at] = pack[cp.offset! + at]! ^ 0x04;
      const r = await run(new Map([...files, [cp.path, pack]]));
      expect(r.failures.length).toBeGreaterThan(0);
      expect(r.failures.every((f) => f.seq === cp.size - 1 && /^(checkpoint|witness)\./.test(f.code))).toBe(true);
      expect(r.checkpointsVerified).toBe(m.epochs - 1);
      const note = s.get(ms.checkpoints[k]!.path)!.slice();
      note[at] = note[at]! ^ 0x04;
      const rs = await run(new Map([...s, [ms.checkpoints[k]!.path, note]]));
      expect(where(rs)).toEqual(where(r));
    }
  });

  it('bytes past the last note of a pack belong to no note and are not read as one', async () => {
    const files = filesOf(one);
    const pack = files.get('checkpoints/pack-000000')!;
    files.set('checkpoints/pack-000000', Uint8Array.from([...pack, ...new TextEncoder().encode('— trailing\n')]));
    const r = await run(files, 'stop');
    expect(r).toEqual(await run(filesOf(one), 'stop'));
  });

  it('the checkpoint tamper kinds edit a note inside its pack: that note fails at its close, every other note of the pack verifies', async () => {
    const m = manifestOf(filesOf(one));
    for (const kind of ['checkpoint-root', 'checkpoint-forged-sig'] as const) {
      for (const seed of [1, 2, 3]) {
        const t = tamper.tamper(kind, seed);
        expect(t.expected.file).toBe('checkpoints/pack-000000');
        const r = await run(filesOf(t.bundle));
        expect(r.failures[0]).toMatchObject(t.expected);
        expect(r.failures.every((f) => f.seq === t.expected.seq)).toBe(true);
        expect(r.checkpointsVerified).toBe(m.epochs - 1);
        // The pack is still a tiling of the listed notes.
        const mt = manifestOf(filesOf(t.bundle));
        expect(t.bundle.get('checkpoints/pack-000000').length).toBe(mt.checkpoints.reduce((s, x) => s + x.bytes!, 0));
      }
    }
  });

  it('BundleFiles.setNote: a note of another length moves the later notes of its pack and the manifest lists them', () => {
    const b = one.clone();
    const before = b.notes();
    const k = 1;
    const longer = Uint8Array.from([...b.note(before[k]!), 0x41, 0x42, 0x43]);
    b.setNote(before[k]!, longer);
    const after = b.notes();
    expect(after.map((x) => x.size)).toEqual(before.map((x) => x.size));
    expect(b.note(after[k]!)).toEqual(longer);
    for (const [i, x] of after.entries()) if (i !== k) expect(b.note(x)).toEqual(one.note(before[i]!));
    expect(after[k + 1]!.offset).toBe(before[k + 1]!.offset! + 3);
    expect(parseManifest(b.get('manifest.json')).ok).toBe(true);
    expect(b.get('checkpoints/pack-000000').length).toBe(after.reduce((n, x) => n + x.bytes!, 0));
  });
});
