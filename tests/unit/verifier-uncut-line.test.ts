// The ordered pass's safety net: signatureInputsOfLine (envelope.ts) cuts the key, signature and
// signed message from every line parseEnvelope accepts, and the verifier relies on it for the
// batches it sends to the signature verifier. Were the cutter ever to miss a line that parses, the
// line is checked from its parsed envelope on the ordered thread instead (bundle-verifier.ts
// #uncut) and the report is exactly the one the cut would have given — never a crash. The cutter
// is made to miss every fifth line here; honest and tampered ledgers, stop and audit mode.
import { describe, expect, it, vi } from 'vitest';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier, type VerifyReport } from '../../src/lib/core/report';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { BundleFiles, TamperSource } from '../../src/issuer/tamper';
import { useGeneratedLedger } from './generated-ledger';

const miss = vi.hoisted(() => ({ every: 0, calls: 0, missed: 0 }));
vi.mock('../../src/lib/core/envelope', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/lib/core/envelope')>();
  return {
    ...orig,
    signatureInputsOfLine: (line: Uint8Array) => {
      if (miss.every > 0 && ++miss.calls % miss.every === 0) {
        miss.missed++;
        return null;
      }
      return orig.signatureInputsOfLine(line);
    }
  };
});

const SEED = 'uncut-line';
let source: TamperSource;
useGeneratedLedger(SEED, 300, (s) => (source = s));

async function report(b: BundleFiles, mode: 'stop' | 'audit', every: number): Promise<VerifyReport> {
  Object.assign(miss, { every, calls: 0, missed: 0 });
  const m = new Map<string, Uint8Array>();
  for (const p of b.paths()) if (p !== 'trust.json') m.set(p, b.get(p));
  const { report: r } = await verifyBundle(new MemorySource(m, { chunk: 4096 }), { signatures: sequentialVerifier(nodeBackend), mode, batch: 16 });
  return r;
}

describe('a line the signature cutter misses', () => {
  it('honest ledger: the same report, every signature verified', async () => {
    const b = source.bundle;
    const want = await report(b, 'stop', 0);
    const got = await report(b, 'stop', 5);
    expect(miss.missed).toBeGreaterThan(50);
    expect(got).toEqual(want);
    expect(got.ok).toBe(true);
    expect(got.signaturesVerified).toBe(want.signaturesVerified);
  });

  for (const kind of ['sig-bitflip', 'amount-resigned', 'resign-other-key', 'swap'] as const) {
    it(`${kind}: the same first failure and audit findings`, async () => {
      const t = source.tamper(kind, 1);
      for (const mode of ['stop', 'audit'] as const) {
        const want = await report(t.bundle, mode, 0);
        const got = await report(t.bundle, mode, 5);
        expect(miss.missed).toBeGreaterThan(0);
        expect(got).toEqual(want);
        expect(got.ok).toBe(false);
      }
    });
  }
});
