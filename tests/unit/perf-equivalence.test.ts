// Parallel and single-thread verification give identical reports (issue 7): the same findings in
// the same order (so the same first failure in stop mode), the same counts, the same replay, on an
// honest issuer ledger and on every tamper kind. Parallel paths under test:
//   - the CLI pool: real worker_threads running the bundled src/cli/pool/signature-worker.ts
//     (node:crypto, and the pure-JS fallback);
//   - the browser pool class (src/lib/worker/pool/signature-pool.ts) over Worker stand-ins backed
//     by MessageChannel ports, served by the same protocol with the WebCrypto backend.
// Small batches force many pipelined batches in flight; one run uses the default batch size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier } from '../../src/lib/core/report';
import { pureBackend, verify } from '../../src/lib/core/ed25519';
import { inProcessWorker } from './in-process-worker';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { CliSignaturePool } from '../../src/cli/pool/signature-pool';
import { SignaturePool, type WorkerLike } from '../../src/lib/worker/pool/signature-pool';
import { createWebCryptoBackend } from '../../src/lib/worker/ed25519-webcrypto';
import { generateBundle } from '../../src/issuer/generate';
import { BundleFiles, TAMPER_KINDS, TamperSource } from '../../src/issuer/tamper';
import { reportOf } from './bundle-report';

const SEED = 'perf-equivalence';
let dir = '';
let workerUrl: URL;
let source: TamperSource;
/** The same ledger with each content item as its own file (§6.1 without packs), and with small packs. */
let single: BundleFiles;
let packed: BundleFiles;
const pools: Array<{ close(): unknown }> = [];
let cliNative: CliSignaturePool;
let cliPure: CliSignaturePool;
let browserPool: SignaturePool;

/** A Worker stand-in (in-process-worker.ts) with the WebCrypto backend, batches verified as the browser worker does (keyed). */
function fakeWorker(): WorkerLike {
  const web = createWebCryptoBackend(globalThis.crypto.subtle);
  return inProcessWorker(async () => ({ name: web.name, verifyOne: (k, m, s) => verify(web, k, m, s), keyed: web.keyed }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-perf-eq-'));
  const outfile = join(dir, 'signature-worker.mjs');
  await build({ entryPoints: ['src/cli/pool/signature-worker.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
  workerUrl = pathToFileURL(outfile);
  await generateBundle({ out: join(dir, 'ledger'), events: 600, seed: SEED });
  source = await TamperSource.loadGenerated(join(dir, 'ledger'), SEED);
  await generateBundle({ out: join(dir, 'single'), events: 600, seed: SEED, packBytes: 0 });
  single = await BundleFiles.load(join(dir, 'single'));
  await generateBundle({ out: join(dir, 'packed'), events: 600, seed: SEED, packBytes: 600 });
  packed = await BundleFiles.load(join(dir, 'packed'));
  cliNative = await CliSignaturePool.start({ threads: 2, backend: 'native', workerUrl, minChunk: 16 });
  cliPure = await CliSignaturePool.start({ threads: 2, backend: 'pure', workerUrl, minChunk: 16 });
  browserPool = await SignaturePool.start({ threads: 2, createWorker: fakeWorker, minChunk: 16 });
  pools.push(cliNative, cliPure, browserPool);
});
afterAll(async () => {
  for (const p of pools) await p.close();
  rmSync(dir, { recursive: true, force: true });
});


describe('parallel and single-thread verification agree', () => {
  it('the pools use the backends they claim', () => {
    expect([cliNative.backend, cliPure.backend, browserPool.backend]).toEqual(['node-crypto', 'pure', 'webcrypto']);
    expect(browserPool.size).toBe(2);
  });

  it('honest ledger: identical reports, ok, every signature verified (stop and audit, small and default batches)', async () => {
    const single = await reportOf(source.bundle, sequentialVerifier(nodeBackend), 'stop');
    expect(single.ok).toBe(true);
    expect(single.events).toBe(600);
    for (const mode of ['stop', 'audit'] as const) {
      for (const pool of [cliNative, browserPool]) expect(await reportOf(source.bundle, pool, mode, mode === 'stop' ? 37 : undefined)).toEqual(single);
    }
    expect(await reportOf(source.bundle, cliPure, 'stop', 64)).toEqual(single);
    expect(await reportOf(source.bundle, sequentialVerifier(pureBackend), 'stop', 64)).toEqual(single);
  });

  // Each kind against one pool in both modes (alternating, to keep the suite short on 2 cores).
  TAMPER_KINDS.forEach((kind, i) => {
    const pool = () => (i % 2 === 0 ? cliNative : browserPool);
    it(`${kind}: the same first failure and the same audit findings (${i % 2 === 0 ? 'CLI' : 'browser'} pool)`, async () => {
      const t = source.tamper(kind, 1);
      const stop = await reportOf(t.bundle, sequentialVerifier(nodeBackend), 'stop', 37);
      const audit = await reportOf(t.bundle, sequentialVerifier(nodeBackend), 'audit', 37);
      expect(stop.ok).toBe(false);
      expect(stop.failures[0]).toEqual(audit.failures[0]);
      expect(stop.failures[0]!.seq).toBe(t.expected.seq);
      expect(stop.failures[0]!.code).toBe(t.expected.code);
      expect(await reportOf(t.bundle, pool(), 'stop', 37)).toEqual(stop);
      expect(await reportOf(t.bundle, pool(), 'audit', 37)).toEqual(audit);
    });
  });

  it('content files read ahead are still checked in manifest order (missing and altered files)', async () => {
    const b = single.clone();
    const content = b.paths().filter((p) => p.startsWith('content/')).sort();
    expect(content.length).toBeGreaterThan(8); // more than the read-ahead window
    // The verifier reads content in manifest order; take the order from the manifest itself.
    const listed = (b.manifest()['content'] as Array<{ path: string }>).map((c) => c.path);
    const [gone, altered, late] = [listed[1]!, listed[3]!, listed[listed.length - 1]!];
    const m = new Map<string, Uint8Array>();
    for (const p of b.paths()) if (p !== 'trust.json' && p !== gone) m.set(p, b.get(p));
    m.set(altered, Uint8Array.from(b.get(altered), (x, i) => (i === 0 ? x ^ 1 : x)));
    m.set(late, b.get(late).subarray(1));
    for (const signatures of [sequentialVerifier(nodeBackend), cliNative]) {
      const { report: r } = await verifyBundle(new MemorySource(m), { signatures, mode: 'audit' });
      const files = r.failures.filter((f) => f.code === 'content.hash-mismatch').map((f) => f.file);
      expect(files).toEqual([gone, altered, late]);
    }
  });

  it('content packs: a pack is read once; a missing, altered, short or long pack fails exactly its items, in manifest order', async () => {
    const b = packed.clone();
    const listed = b.manifest()['content'] as Array<{ path: string; cid: string; offset: number; bytes: number }>;
    const packs = [...new Set(listed.map((c) => c.path))];
    expect(packs.length).toBeGreaterThan(3);
    const items = (p: string) => listed.filter((c) => c.path === p);
    expect(items(packs[1]!).length).toBeGreaterThan(1);
    const honest = new Map<string, Uint8Array>();
    for (const p of b.paths()) if (p !== 'trust.json') honest.set(p, b.get(p));
    // Honest: every pack read once, no finding, the same report as the same ledger without packs.
    const reads: string[] = [];
    const counting = new MemorySource(honest);
    const read = counting.read.bind(counting);
    counting.read = (p) => (reads.push(p), read(p));
    const { report: ok } = await verifyBundle(counting, { signatures: sequentialVerifier(nodeBackend), mode: 'audit' });
    expect(ok.failures).toEqual([]);
    expect(reads.filter((p) => p.startsWith('content/')).sort()).toEqual(packs);
    const singles = new Map<string, Uint8Array>();
    for (const p of single.paths()) if (p !== 'trust.json') singles.set(p, single.get(p));
    expect(ok).toEqual((await verifyBundle(new MemorySource(singles), { signatures: sequentialVerifier(nodeBackend), mode: 'audit' })).report);

    const m = new Map(honest);
    const [gone, altered, short, long] = [packs[0]!, packs[1]!, packs[2]!, packs[packs.length - 1]!];
    m.delete(gone);
    const hit = items(altered)[1]!; // one byte of its second item
    m.set(altered, Uint8Array.from(b.get(altered), (x, i) => (i === hit.offset ? x ^ 1 : x)));
    m.set(short, b.get(short).subarray(0, b.get(short).length - 1));
    m.set(long, Uint8Array.from([...b.get(long), 0x0a]));
    const lastOf = (p: string) => items(p)[items(p).length - 1]!;
    const pubSeq = new Map<string, number>();
    for (const e of b.envelopes()) if (e.type === 'content.publish') pubSeq.set((e.payload as { cid: string }).cid, e.seq);
    const failed = [...items(gone), hit, lastOf(short), lastOf(long)];
    const expected = failed.map((c) => ({ code: 'content.hash-mismatch', seq: pubSeq.get(c.cid), file: c.path }));
    for (const signatures of [sequentialVerifier(nodeBackend), cliNative]) {
      const { report: r } = await verifyBundle(new MemorySource(m), { signatures, mode: 'audit' });
      expect(r.failures.map((f) => ({ code: f.code, seq: f.seq, file: f.file }))).toEqual(expected);
      expect(r.failures[items(gone).length]!.message).toContain(`${altered} bytes ${hit.offset}..${hit.offset + hit.bytes}: ${hit.bytes} bytes with SHA-256`);
      expect(r.failures[r.failures.length - 1]!.message).toBe(`${long}: ${b.get(long).length + 1} bytes; its last item (cid ${lastOf(long).cid}) ends at ${b.get(long).length}`);
    }
  });

  it('sig-bitflip with the pure-JS pool: the same report as single-thread pure and node:crypto', async () => {
    const t = source.tamper('sig-bitflip', 2);
    const single = await reportOf(t.bundle, sequentialVerifier(nodeBackend), 'audit', 64);
    expect(single.failures.some((f) => f.code === 'sig.invalid')).toBe(true);
    expect(await reportOf(t.bundle, cliPure, 'audit', 64)).toEqual(single);
  });
});
