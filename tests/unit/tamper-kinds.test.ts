// Every corruption kind of the tamper library against a real issuer ledger and the real verifier
// (in-process, audit mode): the first finding is exactly the expected seq, code and file, and
// nothing earlier is reported. Also: the honest ledger has no finding, tampering is reproducible
// from its seed, and Drill A's per-event checks fail on the events a bad actor touched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import type { Replayer } from '../../src/lib/core/economy';
import { generateBundle } from '../../src/issuer/generate';
import { BundleFiles, TAMPER_KINDS, TamperSource } from '../../src/issuer/tamper';
import { judge } from '../../src/issuer/tamper/drill-b';
import { checkEvent } from '../../src/issuer/tamper/drill-a';
import { SeededRandom } from '../../src/issuer/tamper/random';
import { nodeBackend } from '../../src/cli/ed25519-node';

const SEED = 'tamper-kinds';
let dir = '';
let source: TamperSource;

function memory(b: BundleFiles): MemorySource {
  const m = new Map<string, Uint8Array>();
  for (const p of b.paths()) if (p !== 'trust.json') m.set(p, b.get(p));
  return new MemorySource(m);
}

async function verifyFiles(b: BundleFiles, mode: 'audit' | 'stop' = 'audit') {
  const src = memory(b);
  const r = await verifyBundle(src, { backend: nodeBackend, mode });
  return { ...r, src };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-tamper-'));
  await generateBundle({ out: dir, events: 600, seed: SEED });
  source = await TamperSource.loadGenerated(dir, SEED);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('judge (the Drill B rule)', () => {
  const exp = { seq: 10, code: 'sig.invalid' as const };
  it('accepts exactly the expected first finding, later findings allowed', () => {
    expect(judge(exp, [{ seq: 10, code: 'sig.invalid' }, { seq: 11, code: 'chain.prev-mismatch' }, { seq: null, code: 'manifest.invalid' }]).ok).toBe(true);
  });
  it('rejects a miss, a wrong code, a wrong seq, a wrong file and any earlier finding', () => {
    expect(judge(exp, []).ok).toBe(false);
    expect(judge(exp, [{ seq: 10, code: 'signer.key-mismatch' }]).ok).toBe(false);
    expect(judge(exp, [{ seq: 11, code: 'sig.invalid' }]).ok).toBe(false);
    expect(judge({ ...exp, file: 'a' }, [{ seq: 10, code: 'sig.invalid', file: 'b' }]).ok).toBe(false);
    expect(judge(exp, [{ seq: 10, code: 'sig.invalid' }, { seq: 3, code: 'epoch.incomplete' }]).reason).toMatch(/false alarm/);
  });
});

describe('tamper kinds against the verifier', () => {
  it('the untouched ledger verifies with no finding (no false alarm)', async () => {
    const { report } = await verifyFiles(source.bundle);
    expect(report.failures).toEqual([]);
    expect(report.events).toBe(600);
  });

  for (const kind of TAMPER_KINDS) {
    it(`${kind}: flagged first at the exact seq with the right code, nothing earlier`, async () => {
      for (const seed of [1]) {
        const t = source.tamper(kind, seed);
        const { report } = await verifyFiles(t.bundle);
        const v = judge(t.expected, report.failures);
        expect(v.reason, `${kind} seed ${seed}: ${t.detail}`).toBe('');
        expect(v.ok).toBe(true);
        // Without --audit the engine halts at that tick: exactly one finding, the same one.
        const halted = (await verifyFiles(t.bundle, 'stop')).report.failures;
        expect(halted.map((f) => [f.seq, f.code, f.file ?? null])).toEqual([[t.expected.seq, t.expected.code, t.expected.file ?? null]]);
      }
    });
  }

  it('is reproducible: the same kind and seed give the same bytes, another seed another place', () => {
    const a = source.tamper('payload-field', 7);
    const b = source.tamper('payload-field', 7);
    const c = source.tamper('payload-field', 8);
    expect(a.expected).toEqual(b.expected);
    for (const p of a.bundle.paths()) expect(a.bundle.get(p)).toEqual(b.bundle.get(p));
    expect(c.detail).not.toBe(a.detail);
  });

  it('keeps the manifest consistent: only the intended check fires for an in-segment edit', async () => {
    const t = source.tamper('remove', 3);
    const m = t.bundle.manifest() as { events: number; segments: { count: number }[] };
    expect(m.events).toBe(599);
    expect(m.segments.reduce((n, s) => n + s.count, 0)).toBe(599);
    const { report } = await verifyFiles(t.bundle);
    expect(report.failures.some((f) => f.code.startsWith('segment.'))).toBe(false);
  });
});

describe("Drill A's per-event checks", () => {
  it('pass on the honest ledger and fail on the value or signature a bad actor changed', async () => {
    const load = async (b: BundleFiles) => {
      const { report, index, src } = await verifyFiles(b);
      return { source: src, report, index: index!, replayer: index!.replayer as unknown as Replayer };
    };
    const honest = await load(source.bundle);
    const rng = new SeededRandom(1);
    const resigned = source.tamper('amount-resigned', 5);
    const flipped = source.tamper('sig-bitflip', 5);
    const seqR = resigned.expected.seq;
    const ok = await checkEvent(honest, seqR, nodeBackend, rng);
    expect([ok.valueMatches, ok.signature, ok.inclusion, ok.problem]).toEqual([true, true, true, '']);
    expect(ok.witnesses.length).toBeGreaterThanOrEqual(2);

    const bad = await checkEvent(await load(resigned.bundle), seqR, nodeBackend, rng);
    expect(bad.valueMatches).toBe(false);
    expect(bad.signature).toBe(true);
    expect(bad.recorded).not.toBe(bad.recomputed);

    const sigBad = await checkEvent(await load(flipped.bundle), flipped.expected.seq, nodeBackend, rng);
    expect(sigBad.signature).toBe(false);

    // Every explainable type is covered: a ranking and a placement of the honest ledger.
    const events = [...source.bundle.envelopes()];
    for (const type of ['ranking.publish', 'storage.place']) {
      const seq = events.findIndex((e) => e.type === type && (e.payload as { entries?: unknown[] }).entries?.length !== 0);
      expect(seq, type).toBeGreaterThan(0);
      const c = await checkEvent(honest, seq, nodeBackend, rng);
      expect([c.type, c.valueMatches, c.signature, c.inclusion, c.problem]).toEqual([type, true, true, true, '']);
    }
  });
});
