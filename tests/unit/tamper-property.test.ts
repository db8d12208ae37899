// Property: any single-byte change anywhere in a bundle is rejected (BUNDLE_FORMAT.md §8), and for
// event, checkpoint and content bytes the first failure names the exact seq with a code that fits
// the damaged region. Verified with the pinned trust, authenticity layer only.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { authenticityOnly, verifyBundleSource } from '../../src/lib/core/bundle-verifier';
import { sequentialVerifier } from '../../src/lib/core/report';
import type { FindingCode } from '../../src/lib/core/types';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { envelopeAt, makeFixture, seqsOfType, type Fixture } from './ledger-fixture';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture(300, 'tamper');
});
afterAll(() => fx.cleanup());

async function verifyWith(path: string, offset: number, delta: number) {
  const files = new Map(fx.files);
  const b = files.get(path)!.slice();
  b[offset] = b[offset]! ^ delta;
  files.set(path, b);
  const { report } = await verifyBundleSource(new MemorySource(files, { chunk: 4096 }), {
    signatures: sequentialVerifier(nodeBackend),
    replayer: authenticityOnly,
    trust: fx.result.trust
  });
  return report;
}

const EVENT_CODES: FindingCode[] = [
  'json.syntax',
  'json.noncanonical',
  'event.schema',
  'event.unknown-type',
  'limit.exceeded',
  'seq.gap',
  'seq.duplicate',
  'epoch.order',
  'chain.prev-mismatch',
  'sig.malformed',
  'sig.invalid',
  'signer.unknown',
  'signer.revoked',
  'signer.expired',
  'signer.key-mismatch',
  'signer.unauthorized',
  'segment.truncated'
];
const delta = fc.integer({ min: 1, max: 255 });

describe('single-byte tampering', () => {
  it('the untouched bundle verifies under the pinned trust', async () => {
    const { report } = await verifyBundleSource(new MemorySource(new Map(fx.files)), { signatures: sequentialVerifier(nodeBackend), replayer: authenticityOnly, trust: fx.result.trust });
    expect(report.failures).toEqual([]);
  });

  it('any manifest byte: rejected', async () => {
    const size = fx.files.get('manifest.json')!.length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: size - 1 }), delta, async (offset, d) => {
        const r = await verifyWith('manifest.json', offset, d);
        expect(r.ok).toBe(false);
        expect(r.failures.length).toBeGreaterThan(0);
      }),
      { numRuns: 60 }
    );
  });

  it('any segment byte: rejected at the seq of the line it belongs to', async () => {
    const segs = fx.result.manifest.segments;
    const total = segs.reduce((s, x) => s + x.bytes, 0);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: total - 1 }), delta, async (at, d) => {
        let i = 0;
        while (at >= segs[i]!.bytes) at -= segs[i++]!.bytes;
        const seg = segs[i]!;
        const bytes = fx.files.get(seg.path)!;
        let seq = seg.firstSeq;
        for (let k = 0; k < at; k++) if (bytes[k] === 10) seq++;
        const r = await verifyWith(seg.path, at, d);
        expect(r.ok).toBe(false);
        expect(r.failures[0]!.seq).toBe(seq);
        expect(EVENT_CODES).toContain(r.failures[0]!.code);
      }),
      { numRuns: 80 }
    );
  });

  it('any checkpoint byte: rejected at its epoch close with a checkpoint or witness code', async () => {
    const cps = fx.result.manifest.checkpoints;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: cps.length - 1 }), fc.nat(), delta, async (ci, pos, d) => {
        const cp = cps[ci]!;
        // A byte of this checkpoint's note: its file, or its range of the note pack (§6.1).
        const offset = cp.offset === undefined ? pos % fx.files.get(cp.path)!.length : cp.offset + (pos % cp.bytes!);
        const r = await verifyWith(cp.path, offset, d);
        expect(r.ok).toBe(false);
        expect(r.failures[0]!.seq).toBe(cp.size - 1);
        expect(r.failures[0]!.code).toMatch(/^(checkpoint|witness)\./);
      }),
      { numRuns: 50 }
    );
  });

  it('any shipped content byte (items in packs): content.hash-mismatch at its own publication, nothing else', async () => {
    const content = fx.result.manifest.content;
    expect(content.length).toBeGreaterThan(1);
    expect(content.every((c) => c.offset !== undefined)).toBe(true);
    expect(new Set(content.map((c) => c.path)).size).toBeLessThan(content.length);
    const pubs = seqsOfType(fx.files, 'content.publish');
    const pubOf = new Map(pubs.map((seq) => [(envelopeAt(fx.files, seq)['payload'] as { cid: string }).cid, seq]));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: content.length - 1 }), fc.nat(), delta, async (ci, pos, d) => {
        const c = content[ci]!;
        const r = await verifyWith(c.path, c.offset! + (pos % c.bytes), d);
        expect(r.failures.map((f) => [f.code, f.file, f.seq])).toEqual([['content.hash-mismatch', c.path, pubOf.get(c.cid)]]);
      }),
      { numRuns: 20 }
    );
  });
});
