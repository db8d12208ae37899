// The report of verifying a generated (possibly tampered) bundle from memory, for the tests that
// compare signature paths (perf-equivalence, attest-key-workers).
import { MemorySource } from '../../src/lib/core/bundle-source';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import type { SignatureVerifier, VerifyReport } from '../../src/lib/core/report';
import type { BundleFiles } from '../../src/issuer/tamper';

/** The bundle's files (without its trust.json) as a MemorySource streaming 4 KiB chunks. */
export function memoryOf(b: BundleFiles): MemorySource {
  const m = new Map<string, Uint8Array>();
  for (const p of b.paths()) if (p !== 'trust.json') m.set(p, b.get(p));
  return new MemorySource(m, { chunk: 4096 });
}

export async function reportOf(b: BundleFiles, signatures: SignatureVerifier, mode: 'stop' | 'audit', batch?: number): Promise<VerifyReport> {
  return (await verifyBundle(memoryOf(b), { signatures, mode, ...(batch ? { batch } : {}) })).report;
}
