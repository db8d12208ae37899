// The pool's wire format and scheduler (src/lib/core/signature-batch.ts): verdicts come back in item
// order whatever the number of endpoints, chunking or completion order, and a batch survives
// packing byte for byte. Signatures are real Ed25519 (node:crypto), some valid, some tampered.
import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, sign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import {
  MALFORMED,
  SignatureScheduler,
  assertPacked,
  packSignatures,
  verifyPacked,
  type PackedSignatures,
  type SignatureEndpoint,
  type SignatureItem
} from '../../src/lib/core/signature-batch';

function keyPair(seedByte: number): { priv: KeyObject; pub: Uint8Array } {
  // PKCS#8 prefix for a raw Ed25519 seed (RFC 8410).
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedByte)]);
  const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return { priv, pub: new Uint8Array(spki.subarray(spki.length - 32)) };
}

const signers = [1, 2, 3, 4, 5].map(keyPair);

/** Item i is signed by signer i % 5; every 7th has a flipped message byte, every 11th a short sig. */
function makeItems(n: number): { items: SignatureItem[]; want: number[] } {
  const items: SignatureItem[] = [];
  const want: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = signers[i % signers.length]!;
    const msg = new TextEncoder().encode(`event ${i} ${'x'.repeat(i % 50)}`);
    let sig = new Uint8Array(sign(null, msg, s.priv));
    let ok = 1;
    if (i % 7 === 3) {
      msg[0] = msg[0]! ^ 1;
      ok = 0;
    }
    if (i % 11 === 5) {
      sig = sig.subarray(0, 63);
      ok = 0;
    }
    items.push({ key: s.pub, msg, sig });
    want.push(ok);
  }
  return { items, want };
}

function nodeVerifyOne(key: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key]);
  return nodeVerify(null, msg, createPublicKey({ key: spki, format: 'der', type: 'spki' }), sig);
}

/** An endpoint that clones the batch (as postMessage would) and answers after a varying delay. */
function endpoint(delayMs: number, log: number[], id: number): SignatureEndpoint {
  return {
    async verify(p: PackedSignatures): Promise<Uint8Array> {
      const copy = structuredClone(p);
      log.push(id);
      await new Promise((r) => setTimeout(r, delayMs));
      return verifyPacked(copy, nodeVerifyOne);
    }
  };
}

describe('packSignatures', () => {
  it('round-trips every item and deduplicates keys', () => {
    const { items } = makeItems(40);
    const p = packSignatures(items, 3, 33);
    assertPacked(p);
    expect(p.count).toBe(30);
    expect(p.keys.length).toBe(32 * 5);
    let start = 0;
    for (let j = 0; j < 30; j++) {
      const it = items[3 + j]!;
      expect(p.msgs!.subarray(start, p.msgEnds![j]!)).toEqual(it.msg);
      start = p.msgEnds![j]!;
      if (it.sig.length !== 64) {
        expect(p.keyIndex[j]).toBe(MALFORMED);
      } else {
        expect(p.keys.subarray(32 * p.keyIndex[j]!, 32 * p.keyIndex[j]! + 32)).toEqual(it.key);
        expect(p.sigs.subarray(64 * j, 64 * j + 64)).toEqual(it.sig);
      }
    }
  });

  it('rejects bad ranges and inconsistent batches', () => {
    const { items } = makeItems(4);
    expect(() => packSignatures(items, 2, 1)).toThrow(RangeError);
    expect(() => packSignatures(items, 0, 5)).toThrow(RangeError);
    const p = packSignatures(items);
    expect(() => assertPacked({ ...p, count: 5 })).toThrow(TypeError);
    const bad = structuredClone(p);
    bad.keyIndex[0] = 9;
    expect(() => assertPacked(bad)).toThrow(TypeError);
    const bad2 = structuredClone(p);
    bad2.msgEnds![1] = 0;
    expect(() => assertPacked(bad2)).toThrow(TypeError);
  });

  it('treats a wrong-length key as malformed (false), never verifying it', async () => {
    const { items } = makeItems(3);
    items[1] = { ...items[1]!, key: items[1]!.key.subarray(0, 31) };
    let calls = 0;
    const v = await verifyPacked(packSignatures(items), (k, m, s) => {
      calls++;
      return nodeVerifyOne(k, m, s);
    });
    expect(Array.from(v)).toEqual([1, 0, 1]);
    expect(calls).toBe(2);
  });
});

describe('packSignatures key deduplication', () => {
  it('keeps keys that share a 6-byte prefix apart (dedup is exact on all 32 bytes)', () => {
    const base = new Uint8Array(32).fill(7);
    const b = base.slice();
    b[10] = 8;
    const c = base.slice();
    c[31] = 9;
    const keys = [base, b, c, base.slice(), c.slice(), b.slice(), base];
    const items = keys.map((key, i) => ({ key, msg: Uint8Array.of(i), sig: new Uint8Array(64).fill(i) }));
    const p = packSignatures(items);
    expect(p.keys.length / 32).toBe(3);
    for (let i = 0; i < items.length; i++) {
      const k = p.keyIndex[i]!;
      expect(Array.from(p.keys.subarray(32 * k, 32 * k + 32))).toEqual(Array.from(keys[i]!));
    }
  });
});

describe('SignatureScheduler', () => {
  it('matches inline verification for 1, 2 and 3 endpoints with out-of-order completion', async () => {
    const { items, want } = makeItems(1000);
    const inline = Array.from(await verifyPacked(packSignatures(items), nodeVerifyOne));
    expect(inline).toEqual(want);
    for (const [n, affinity] of [[1, false], [2, false], [3, false], [2, true], [3, true]] as const) {
      const log: number[] = [];
      const s = new SignatureScheduler(
        Array.from({ length: n }, (_, i) => endpoint(n - i, log, i)),
        { minChunk: 100, affinity }
      );
      // Several batches in flight at once, like a streaming verifier with segments outstanding.
      const parts = await Promise.all([0, 250, 600].map((a, i, all) => s.verifyBatch(items.slice(a, all[i + 1] ?? 1000))));
      expect(parts.flatMap((p) => Array.from(p))).toEqual(want);
      expect(new Set(log).size).toBe(n);
    }
  });

  it('sends each key to one endpoint across batches (key affinity) and balances new keys', async () => {
    const seen = [new Set<string>(), new Set<string>()];
    const mk = (id: number): SignatureEndpoint => ({
      async verify(p: PackedSignatures): Promise<Uint8Array> {
        for (let k = 0; k < p.keys.length / 32; k++) seen[id]!.add(Buffer.from(p.keys.subarray(32 * k, 32 * k + 32)).toString('hex'));
        return verifyPacked(structuredClone(p), nodeVerifyOne);
      }
    });
    const s = new SignatureScheduler([mk(0), mk(1)], { minChunk: 16, affinity: true });
    const { items, want } = makeItems(600);
    // batches of 60: 12 items per key, below SPILL_MIN, so no key spills
    const parts = await Promise.all(Array.from({ length: 10 }, (_, b) => s.verifyBatch(items.slice(60 * b, 60 * b + 60))));
    expect(parts.flatMap((p) => Array.from(p))).toEqual(want);
    expect(seen[0]!.size + seen[1]!.size).toBe(signers.length);
    expect(seen[0]!.size).toBeGreaterThan(0);
    expect(seen[1]!.size).toBeGreaterThan(0);
  });

  it('spills a dominant key over the other endpoints instead of overloading its owner', async () => {
    const sizes = [0, 0, 0, 0];
    const mk = (id: number): SignatureEndpoint => ({
      async verify(p: PackedSignatures): Promise<Uint8Array> {
        sizes[id]! += p.count;
        return verifyPacked(structuredClone(p), nodeVerifyOne);
      }
    });
    // 80 % of the items signed by one key
    const { items: base } = makeItems(1000);
    const items = base.map((it, i) => (i % 5 === 4 ? it : { ...it, key: signers[0]!.pub, sig: new Uint8Array(sign(null, it.msg, signers[0]!.priv)) }));
    const want = Array.from(await verifyPacked(packSignatures(items), nodeVerifyOne));
    const s = new SignatureScheduler([mk(0), mk(1), mk(2), mk(3)], { minChunk: 16, affinity: true });
    expect(Array.from(await s.verifyBatch(items))).toEqual(want);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.ceil(250 * 1.125));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it('does not split small batches and handles empty ones', async () => {
    const log: number[] = [];
    const s = new SignatureScheduler([endpoint(0, log, 0), endpoint(0, log, 1)], { minChunk: 256 });
    const { items, want } = makeItems(100);
    expect(Array.from(await s.verifyBatch(items))).toEqual(want);
    expect(log).toEqual([0]);
    expect((await s.verifyBatch([])).length).toBe(0);
  });

  it('propagates an endpoint failure and rejects misuse', async () => {
    const s = new SignatureScheduler([{ verify: () => Promise.reject(new Error('worker died')) }]);
    await expect(s.verifyBatch(makeItems(3).items)).rejects.toThrow('worker died');
    const short = new SignatureScheduler([{ verify: () => Promise.resolve(new Uint8Array(1)) }]);
    await expect(short.verifyBatch(makeItems(3).items)).rejects.toThrow(TypeError);
    expect(() => new SignatureScheduler([])).toThrow(RangeError);
  });
});

describe('signature-port', () => {
  it('serves and connects over a real MessageChannel, verdicts in order, errors per request', async () => {
    const { MessageChannel } = await import('node:worker_threads');
    const { connectSignaturePort, serveSignaturePort } = await import('../../src/lib/core/signature-port');
    type Msg = Parameters<Parameters<typeof serveSignaturePort>[0]['subscribe']>[0];
    const ch = new MessageChannel();
    const portOf = <In, Out>(p: import('node:worker_threads').MessagePort) => ({
      post: (m: Out, t?: ArrayBuffer[]) => p.postMessage(m, t ?? []),
      subscribe: (on: (m: In) => void) => {
        p.on('message', on);
      }
    });
    let calls = 0;
    serveSignaturePort(portOf<Msg, never>(ch.port2) as never, async (choice) => {
      expect(choice).toBe('pure');
      return {
        name: 'node-test',
        verifyOne: (k, m, s) => {
          if (++calls > 10_000) throw new Error('boom');
          return nodeVerifyOne(k, m, s);
        }
      };
    });
    const conn = connectSignaturePort(portOf(ch.port1) as never, 'pure');
    expect(await conn.ready).toBe('node-test');
    const s = new SignatureScheduler([conn.endpoint]);
    const { items, want } = makeItems(300);
    expect(Array.from(await s.verifyBatch(items))).toEqual(want);
    ch.port1.close();
  });
});
