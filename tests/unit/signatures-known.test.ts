// Segments whose signatures are already known to be valid (bundle-verifier.ts signaturesKnown,
// onSignaturesValid; the app's memo in store.ts `signatures`): a run that recalls them checks no
// signature of theirs, yet reports exactly what the full check reports, on the honest demo ledger
// and on tampered copies, through the browser pool's protocol (signature-port.ts, EventLines.known)
// and on a single thread. Only segments whose every line had a valid signature are ever offered.
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier, type VerifyReport } from '../../src/lib/core/report';
import { verify, type Ed25519Backend } from '../../src/lib/core/ed25519';
import type { SegmentRef } from '../../src/lib/core/manifest';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { SignaturePool } from '../../src/lib/worker/pool/signature-pool';
import { TAMPER_KINDS, TamperSource } from '../../src/issuer/tamper';
import { sha256Hex } from '../../src/lib/core/hash';
import { inProcessWorker } from './in-process-worker';
import { memoryOf } from './bundle-report';
import type { BundleFiles } from '../../src/issuer/tamper';

let demo: TamperSource;
/** Event signatures actually checked by the backends below. */
let checked = 0;
const counting: Ed25519Backend = {
  ...nodeBackend,
  name: 'counting',
  verifyRaw: (k, m, s) => {
    checked++;
    return nodeBackend.verifyRaw(k, m, s);
  }
};

beforeAll(async () => {
  // The demo ledger (static/demo, seed 7): 10,000 events in 3 segments.
  demo = await TamperSource.loadGenerated(join(__dirname, '../../static/demo'), 7);
}, 120_000);

interface Run {
  report: VerifyReport;
  recalled: number;
  valid: SegmentRef[];
  checked: number;
}

const segmentsOf = (b: BundleFiles) => b.manifest()['segments'] as unknown as SegmentRef[];

/** The demo's segment hashes: what an earlier full check of it offered. */
const honest = () => new Set(segmentsOf(demo.bundle).map((s) => s.sha256));

/**
 * Verify `b` from memory, recalling the segments in `known` whose bytes hash to the manifest's hash,
 * as the app's cache guarantees (it serves only bytes it re-hashed against that hash).
 */
async function run(b: BundleFiles, signatures: Parameters<typeof verifyBundle>[1]['signatures'], known: ReadonlySet<string>, mode: 'stop' | 'audit' = 'audit', batch?: number): Promise<Run> {
  const valid: SegmentRef[] = [];
  const before = checked;
  const out = await verifyBundle(memoryOf(b), {
    signatures,
    noteSignatures: sequentialVerifier(nodeBackend), // checkpoint notes are always checked (not counted here)
    mode,
    ...(batch ? { batch } : {}),
    signaturesKnown: (seg) => known.has(seg.sha256) && b.paths().includes(seg.path) && sha256Hex(b.get(seg.path)) === seg.sha256,
    onSignaturesValid: (seg) => valid.push(seg)
  });
  return { report: out.report, recalled: out.signaturesRecalled, valid, checked: checked - before };
}

const pool = () => SignaturePool.start({ threads: 2, minChunk: 16, createWorker: () => inProcessWorker(async () => ({ name: 'counting', verifyOne: (k, m, s) => verify(counting, k, m, s) })) });

describe('signatures already known valid', () => {
  it('the honest demo: every segment is offered once checked; recalling them all checks nothing and reports the same', async () => {
    const p = await pool();
    try {
      const full = await run(demo.bundle, p, new Set());
      expect(full.report.ok).toBe(true);
      expect(full.recalled).toBe(0);
      expect(full.checked).toBe(10_000);
      const segments = [...honest()];
      expect(segments.length).toBe(3);
      expect(full.valid.map((s) => s.sha256)).toEqual(segments);

      const again = await run(demo.bundle, p, new Set(segments));
      expect(again.checked).toBe(0);
      expect(again.recalled).toBe(10_000);
      expect(again.valid).toEqual([]); // recalled segments are not offered again
      expect(again.report).toEqual(full.report);

      // One segment known: only the others are checked (and offered).
      const one = await run(demo.bundle, p, new Set([segments[1]!]), 'stop', 300);
      expect(one.checked).toBe(10_000 - segmentsOf(demo.bundle)[1]!.count);
      expect(one.recalled).toBe(10_000 - one.checked);
      expect(one.valid.map((s) => s.sha256)).toEqual([segments[0], segments[2]]);
      expect(one.report).toEqual(full.report);
    } finally {
      await p.close();
    }
  }, 120_000);

  it('on a single thread (no worker pool) too', async () => {
    const single = sequentialVerifier(counting);
    const full = await run(demo.bundle, single, new Set());
    const again = await run(demo.bundle, single, new Set(full.valid.map((s) => s.sha256)));
    expect(again.checked).toBe(0);
    expect(again.recalled).toBe(10_000);
    expect(again.report).toEqual(full.report);
  }, 120_000);

  it('a segment with an invalid signature is never offered; recalling the others gives the full report, first failure included', async () => {
    const p = await pool();
    try {
      const t = demo.tamper('sig-bitflip', 3);
      const segs = segmentsOf(t.bundle);
      const bad = segs.find((s) => s.firstSeq <= t.expected.seq! && t.expected.seq! < s.firstSeq + s.count)!;
      expect(honest().has(bad.sha256)).toBe(false); // the tampered segment is other bytes
      for (const mode of ['stop', 'audit'] as const) {
        const full = await run(t.bundle, p, new Set(), mode);
        expect(full.report.failures[0]).toMatchObject({ code: t.expected.code, seq: t.expected.seq });
        expect(full.valid.map((s) => s.sha256)).not.toContain(bad.sha256);
        expect(full.valid.length).toBe(mode === 'audit' ? 2 : segs.indexOf(bad));
        const recalled = await run(t.bundle, p, honest(), mode);
        expect(recalled.report).toEqual(full.report);
        expect(recalled.recalled).toBe(mode === 'audit' ? 10_000 - bad.count : segs.slice(0, segs.indexOf(bad)).reduce((n, s) => n + s.count, 0));
      }
    } finally {
      await p.close();
    }
  }, 240_000);

  // With the honest segments known, every tamper kind gets the report of the full check: the
  // segments it altered are other bytes and are checked; the others are recalled.
  it("every tamper kind: recalling the honest segments gives exactly the full check's report (audit mode)", async () => {
    const p = await pool();
    try {
      let recalledAll = 0;
      for (const kind of TAMPER_KINDS) {
        const t = demo.tamper(kind, 1);
        const full = await run(t.bundle, p, new Set());
        const recalled = await run(t.bundle, p, honest());
        expect(full.report.ok, kind).toBe(false);
        expect(recalled.report, kind).toEqual(full.report);
        // what was not checked is exactly what was recalled
        expect(recalled.checked + recalled.recalled, kind).toBe(full.checked);
        recalledAll += recalled.recalled;
      }
      expect(recalledAll).toBeGreaterThan(10_000);
    } finally {
      await p.close();
    }
  }, 600_000);
});
