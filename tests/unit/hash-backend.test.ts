// The SHA-256 backend switch (src/lib/core/hash.ts useSha256Backend): node:crypto (the CLI's,
// src/cli/sha256-node.ts) computes exactly what the pure-JS default does (sha256-oneshot.ts, noble
// when streamed), one-shot and streamed, and
// a whole verification (event ids, leaf hashes, Merkle roots, state roots, segment and content
// hashes) gives the identical report under either backend, honest and tampered.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createSha256, pureSha256Backend, sha256, sha256Backend, useSha256Backend } from '../../src/lib/core/hash';
import { toHex } from '../../src/lib/core/bytes';
import { nodeSha256Backend } from '../../src/cli/sha256-node';
import { MemorySource } from '../../src/lib/core/bundle-source';
import { verifyBundle } from '../../src/lib/core/verify-bundle';
import { sequentialVerifier, type VerifyReport } from '../../src/lib/core/report';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { BundleFiles, TamperSource } from '../../src/issuer/tamper';
import { useGeneratedLedger } from './generated-ledger';

const SEED = 'hash-backend';
let source: TamperSource;
useGeneratedLedger(SEED, 400, (s) => (source = s));
afterEach(() => void useSha256Backend(null));

async function report(b: BundleFiles): Promise<VerifyReport> {
  const m = new Map<string, Uint8Array>();
  for (const p of b.paths()) if (p !== 'trust.json') m.set(p, b.get(p));
  return (await verifyBundle(new MemorySource(m, { chunk: 4096 }), { signatures: sequentialVerifier(nodeBackend), mode: 'audit' })).report;
}

describe('SHA-256 backends', () => {
  it('node:crypto and the pure backend agree, one-shot and in chunks, and return owned 32-byte arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(2000), (data, cut) => {
        const c = cut % (data.length + 1);
        const want = toHex(pureSha256Backend.hash(data));
        const one = nodeSha256Backend.hash(data);
        const h = nodeSha256Backend.create();
        h.update(data.subarray(0, c));
        h.update(data.subarray(c));
        const streamed = h.digest();
        return toHex(one) === want && toHex(streamed) === want && one.constructor === Uint8Array && one.byteLength === 32 && one.buffer.byteLength === 32;
      }),
      { numRuns: 300 }
    );
  });

  it('the switch routes sha256 and createSha256, and null restores the default', () => {
    expect(sha256Backend().name).toBe('pure');
    const prev = useSha256Backend(nodeSha256Backend);
    expect(prev.name).toBe('pure');
    expect(sha256Backend().name).toBe('node-crypto');
    expect(toHex(sha256(new Uint8Array([97, 98, 99])))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(createSha256().update(new Uint8Array([97])).update(new Uint8Array([98, 99])).digest())).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    useSha256Backend(null);
    expect(sha256Backend().name).toBe('pure');
    expect(() => useSha256Backend({ name: 'x' } as never)).toThrow(TypeError);
  });

  it('a verification gives the identical report under either backend (honest and tampered)', async () => {
    const honest = await report(source.bundle);
    expect(honest.ok).toBe(true);
    const tampered = source.tamper('amount-resigned', 1).bundle;
    const bad = await report(tampered);
    expect(bad.ok).toBe(false);
    useSha256Backend(nodeSha256Backend);
    expect(await report(source.bundle)).toEqual(honest);
    expect(await report(tampered)).toEqual(bad);
  });
});
