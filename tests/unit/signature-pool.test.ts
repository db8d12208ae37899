// The CLI signature pool over real worker_threads (src/cli/pool): the verdicts of N workers equal
// the single-thread rule's, for node:crypto and for the pure-JS fallback, on valid signatures and
// on the adversarial edge cases the §7 prechecks exist for (non-canonical R, S ≥ L, small order).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { ed25519 } from '@noble/curves/ed25519.js';
import { L, SMALL_ORDER_ENCODINGS, pureBackend, verify } from '../../src/lib/core/ed25519';
import { createNodeBackend, nodeBackend } from '../../src/cli/ed25519-node';
import { deferred } from '../../src/cli/bundle-run';
import { CliSignaturePool } from '../../src/cli/pool/signature-pool';
import { packSignatures, verifyPackedKeyed, type SignatureItem } from '../../src/lib/core/signature-batch';
import type { SignatureVerifier } from '../../src/lib/core/report';

let dir = '';
let workerUrl: URL;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-pool-'));
  const outfile = join(dir, 'signature-worker.mjs');
  await build({ entryPoints: ['src/cli/pool/signature-worker.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
  workerUrl = pathToFileURL(outfile);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function le(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++, n >>= 8n) out[i] = Number(n & 0xffn);
  return out;
}

/** Deterministic items: 12 signers, valid signatures and 8 kinds of invalid ones. */
function items(n: number): SignatureItem[] {
  const secrets = Array.from({ length: 12 }, (_, i) => new Uint8Array(32).fill(i + 1));
  const pubs = secrets.map((s) => ed25519.getPublicKey(s));
  const out: SignatureItem[] = [];
  for (let i = 0; i < n; i++) {
    const s = i % 12;
    const msg = new TextEncoder().encode(`qfs event ${i}`);
    const sig = ed25519.sign(msg, secrets[s]!);
    const key = pubs[s]!;
    const kind = i % 10;
    if (kind === 1) sig[3]! ^= 0x10; // R changed
    if (kind === 2) sig.set(le(((): bigint => { let v = 0n; for (let j = 31; j >= 0; j--) v = (v << 8n) | BigInt(sig[32 + j]!); return v + L; })()), 32); // S + L: same equation, not reduced
    if (kind === 3) sig.set(SMALL_ORDER_ENCODINGS[i % 8]!, 0); // small-order R
    if (kind === 4) out.push({ key: SMALL_ORDER_ENCODINGS[i % 8]!, msg, sig }); // small-order A
    else if (kind === 5) out.push({ key: pubs[(s + 1) % 12]!, msg, sig }); // wrong key
    else if (kind === 6) out.push({ key, msg: new Uint8Array([...msg, 0]), sig }); // message changed
    else if (kind === 7) out.push({ key, msg, sig: sig.subarray(0, 63) }); // short signature
    else out.push({ key, msg, sig });
  }
  return out;
}

describe('CliSignaturePool', () => {
  const batch = items(600);
  const inline = batch.map((it) => verify(nodeBackend, it.key, it.msg, it.sig) as boolean);

  it('the fixture has both verdicts', () => {
    expect(inline.filter(Boolean).length).toBe(180);
    expect(inline.filter((x) => !x).length).toBe(420);
    // kinds 0, 8, 9 are valid, every other kind is not
    inline.forEach((v, i) => expect(v).toBe([0, 8, 9].includes(i % 10)));
  });

  for (const [backend, name] of [['native', 'node-crypto'], ['pure', 'pure']] as const) {
    it(`${backend}: 1 and 2 threads give the single-thread verdicts in order`, async () => {
      for (const threads of [1, 2]) {
        const pool = await CliSignaturePool.start({ threads, backend, workerUrl, minChunk: 50 });
        try {
          expect(pool.backend).toBe(name);
          expect(pool.size).toBe(threads);
          const parts = await Promise.all([pool.verifyBatch(batch.slice(0, 333)), pool.verifyBatch(batch.slice(333))]);
          expect(parts.flat()).toEqual(inline);
        } finally {
          await pool.close();
        }
      }
    });
  }

  it('pure and node backends agree inline too', () => {
    expect(batch.map((it) => verify(pureBackend, it.key, it.msg, it.sig))).toEqual(inline);
  });

  it('rejects a bad thread count and a missing worker script', async () => {
    await expect(CliSignaturePool.start({ threads: 0, workerUrl })).rejects.toThrow(RangeError);
    await expect(CliSignaturePool.start({ threads: 1, workerUrl: pathToFileURL(join(dir, 'nope.mjs')) })).rejects.toThrow();
  });

  it('node:crypto keyed (a worker\'s whole batch, core verifyPackedKeyed): the verdicts of verify; one handle per distinct key, cached across batches', async () => {
    const node = createNodeBackend();
    // a 32-byte key that is no curve point, and one that is not even canonical: both must come out invalid
    const offCurve = new Uint8Array(32).fill(0x11);
    const odd = [...batch, { ...batch[0]!, key: offCurve }, { ...batch[0]!, key: new Uint8Array(32).fill(0xff) }];
    const want = odd.map((it) => verify(nodeBackend, it.key, it.msg, it.sig) as boolean);
    expect(want.slice(-2)).toEqual([false, false]);
    for (const [a, b] of [[0, odd.length], [0, 7], [7, 333], [333, odd.length]]) {
      const got = await verifyPackedKeyed(packSignatures(odd, a, b), node.keyed);
      expect([...got].map((v) => v === 1)).toEqual(want.slice(a, b));
    }
    const keys = packSignatures(odd).keys;
    const [h1, h2] = [await node.keyed.handles(keys), await node.keyed.handles(keys)];
    expect(h1.length).toBe(keys.length / 32);
    expect(h2.every((h, i) => h === h1[i])).toBe(true); // the cache's KeyObjects
    expect(new Set(h1).size).toBe(h1.length);
  });

  it('deferred: requests sent before the pool is up wait for it and get its answers; a pool that fails rejects them with its error', async () => {
    let up!: (v: SignatureVerifier & Required<Pick<SignatureVerifier, 'verifyEvents'>>) => void;
    const seen: string[] = [];
    const starting = new Promise<SignatureVerifier & Required<Pick<SignatureVerifier, 'verifyEvents'>>>((res) => (up = res));
    const v = deferred(starting);
    const first = v.verifyBatch(batch.slice(0, 10));
    const events = v.verifyEvents!(null as never);
    seen.push('sent');
    up({
      verifyBatch: async (items) => (seen.push(`batch ${items.length}`), items.map((it) => verify(nodeBackend, it.key, it.msg, it.sig) as boolean)),
      verifyEvents: async () => (seen.push('events'), { verdicts: new Uint8Array([1]), digests: new Uint8Array(64) })
    });
    expect(await first).toEqual(inline.slice(0, 10));
    expect((await events).verdicts).toEqual(new Uint8Array([1]));
    expect(seen).toEqual(['sent', 'batch 10', 'events']);
    const failed = deferred(Promise.reject(new Error('signature worker exited with code 1')));
    await expect(failed.verifyBatch(batch.slice(0, 1))).rejects.toThrow('signature worker exited with code 1');
    await expect(failed.verifyEvents!(null as never)).rejects.toThrow('signature worker exited with code 1');
  });
});
