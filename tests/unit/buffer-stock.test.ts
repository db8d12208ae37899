// Buffers handed back and forth between a signature pool and its workers (signature-batch.ts
// BufferStock, signature-port.ts `spare`, issue 7): batches are packed into buffers an earlier batch
// used, answers written into buffers sent along, segment hash pieces reused. Stale bytes must never
// show: packed batches, verdicts, digests and segment hashes equal those made with fresh buffers.
import { createHash, createPrivateKey, createPublicKey, sign, verify as nodeVerify } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { BufferStock, DIGEST_BYTES, SignatureScheduler, packSignatures, transferables, type EventSignatureItem } from '../../src/lib/core/signature-batch';
import { connectSignaturePort, serveSignaturePort, type PoolRequest, type PoolResponse } from '../../src/lib/core/signature-port';
import { toHex } from '../../src/lib/core/bytes';

const signers = [21, 22].map((b) => {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, b)]);
  const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return { priv, pub: new Uint8Array(spki.subarray(spki.length - 32)) };
});
const hex = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** n event items from `from` on; every 7th has a malformed signature (63 bytes), every 5th an invalid one. */
function items(n: number, from = 0): EventSignatureItem[] {
  return Array.from({ length: n }, (_, j) => {
    const i = from + j;
    const line = new TextEncoder().encode(`{"seq":${i},"pad":"${'y'.repeat((i * 7) % 41)}"}`);
    const msg = new TextEncoder().encode(`msg ${i} ${'x'.repeat((i * 3) % 29)}`);
    const { priv, pub } = signers[i % 2]!;
    let sig = new Uint8Array(sign(null, msg, priv));
    if (i % 5 === 2) sig[3] = sig[3]! ^ 1;
    if (i % 7 === 3) sig = sig.subarray(0, 63);
    return { key: pub, msg, sig, line };
  });
}
const valid = (i: number) => i % 5 !== 2 && i % 7 !== 3;

describe('BufferStock', () => {
  it('gives back the smallest held buffer that fits, never one over 4 times the size asked, and keeps at most `keep`', () => {
    const s = new BufferStock(3);
    const a = new ArrayBuffer(1000);
    const b = new ArrayBuffer(300);
    const c = new ArrayBuffer(5000);
    s.give(a);
    s.give(b);
    s.give(c);
    s.give(new ArrayBuffer(10)); // over `keep`: dropped
    expect(s.size).toBe(3);
    expect(s.take(200)).toBe(b);
    expect(s.take(200)).toBe(a);
    const fresh = s.take(200); // c is more than 4 x 256
    expect(fresh).not.toBe(c);
    expect(fresh.byteLength).toBe(256);
    expect(s.take(4000)).toBe(c);
    expect(s.size).toBe(0);
    const d = new ArrayBuffer(64);
    structuredClone(d, { transfer: [d] }); // detached
    s.give(d);
    expect(s.size).toBe(0);
  });

  it('packs into used buffers exactly what it packs into fresh ones (malformed items included)', () => {
    const list = items(40);
    const fresh = packSignatures(list, 3, 37, true);
    const stock = new BufferStock();
    for (const b of transferables(packSignatures(list, 0, 40, true))) {
      new Uint8Array(b).fill(0xa5); // stale bytes everywhere
      stock.give(b);
    }
    const used = packSignatures(list, 3, 37, true, stock);
    expect(stock.size).toBeLessThan(7); // it did take from the stock
    for (const k of ['keys', 'keyIndex', 'sigs', 'msgEnds', 'msgs', 'lineEnds', 'lines'] as const) {
      expect(Array.from(used[k]!), k).toEqual(Array.from(fresh[k]!));
    }
    expect(new Set(transferables(used)).size).toBe(transferables(used).length);
  });
});

describe('buffers handed back over the pool protocol', () => {
  const channels: MessageChannel[] = [];
  afterAll(() => channels.forEach((c) => c.port1.close()));
  /** A worker served in this process (node:crypto verdicts) with a native one-shot digest, and the pool side. */
  function connect() {
    const ch = new MessageChannel();
    channels.push(ch);
    const spares: number[] = [];
    serveSignaturePort(
      {
        post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => {
          if ((msg.t === 'verdicts' || msg.t === 'digest') && msg.spare) spares.push(msg.spare.length);
          ch.port2.postMessage(msg, transfer ?? []);
        },
        subscribe: (on: (msg: PoolRequest) => void) => void ch.port2.on('message', on)
      },
      async () => ({
        name: 'node',
        verifyOne: (k, m, s) => nodeVerify(null, m, { key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), k]), format: 'der', type: 'spki' }, s)
      }),
      { digest: async (b) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', b)), digestMax: 3 << 20 }
    );
    const conn = connectSignaturePort({ post: (msg, transfer) => ch.port1.postMessage(msg, transfer ?? []), subscribe: (on) => void ch.port1.on('message', on) }, 'auto');
    return { conn, spares };
  }

  it('batch after batch, verdicts, ids and leaves equal fresh ones while the buffers go round', async () => {
    const { conn, spares } = connect();
    const s = new SignatureScheduler([conn.endpoint], { minChunk: 8 });
    for (let round = 0; round < 6; round++) {
      // batches of different sizes, so reused buffers are longer than what is packed into them
      const list = items([60, 17, 90, 5, 33, 60][round]!, 100 * round);
      const { verdicts, digests } = await s.verifyEvents(list);
      list.forEach((it, j) => {
        expect(verdicts[j], `round ${round} item ${j}`).toBe(valid(100 * round + j) ? 1 : 0);
        expect(toHex(digests.subarray(DIGEST_BYTES * j, DIGEST_BYTES * j + 32))).toBe(hex([it.msg]));
        expect(toHex(digests.subarray(DIGEST_BYTES * j + 32, DIGEST_BYTES * (j + 1)))).toBe(hex([Uint8Array.of(0), it.line]));
      });
    }
    expect(spares.every((n) => n > 0)).toBe(true); // every answer handed buffers back
    expect(conn.endpoint.stock!.size).toBeGreaterThan(0);
  });

  it('segment hashes stay exact when a shorter stream follows a longer one in the same buffers', async () => {
    const { conn } = connect();
    const rnd = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 131 + seed * 17 + (i >> 8)) & 255);
    // 2.5 MiB, then 0.3 MiB, then 1.7 MiB, then 3.5 MiB (over digestMax: the incremental hasher takes over)
    for (const [n, seed] of [[5 << 19, 1], [300_000, 2], [1_700_000, 3], [7 << 19, 4]] as const) {
      const bytes = rnd(n, seed);
      const h = conn.hasher();
      for (let o = 0; o < n; o += 70_001) h.update(bytes.subarray(o, Math.min(n, o + 70_001)));
      expect(toHex(await h.digest()), `${n} bytes`).toBe(hex([bytes]));
    }
    expect(conn.endpoint.stock!.size).toBeGreaterThan(0); // the pieces came back
  });
});
