// Segment hashing in a pool worker (src/lib/core/signature-port.ts RemoteHasher, issue 7): the
// digest of chunks sent in order equals SHA-256 of their concatenation, interleaved streams do not
// mix, chunks are copied (the caller may reuse its buffer), and misuse is refused. The same with a
// host's native one-shot digest (the browser worker's WebCrypto), below and above its size cap.
import { createHash } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connectSignaturePort, serveSignaturePort, type PoolRequest, type PoolResponse, type RemoteHasher } from '../../src/lib/core/signature-port';
import { toHex } from '../../src/lib/core/bytes';

const { port1, port2 } = new MessageChannel();
serveSignaturePort(
  {
    post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => port2.postMessage(msg, transfer ?? []),
    subscribe: (on: (msg: PoolRequest) => void) => void port2.on('message', on)
  },
  async () => ({ name: 'none', verifyOne: () => false })
);
const conn = connectSignaturePort(
  {
    post: (msg, transfer) => port1.postMessage(msg, transfer ?? []),
    subscribe: (on) => void port1.on('message', on)
  },
  'auto'
);
/** A worker whose host hashes whole streams natively (as the browser's does), up to 200 bytes. */
const native = new MessageChannel();
let nativeDigests = 0;
serveSignaturePort(
  {
    post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => native.port2.postMessage(msg, transfer ?? []),
    subscribe: (on: (msg: PoolRequest) => void) => void native.port2.on('message', on)
  },
  async () => ({ name: 'none', verifyOne: () => false }),
  {
    digest: async (b) => {
      nativeDigests++;
      return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', b));
    },
    digestMax: 200
  }
);
const nativeConn = connectSignaturePort(
  {
    post: (msg, transfer) => native.port1.postMessage(msg, transfer ?? []),
    subscribe: (on) => void native.port1.on('message', on)
  },
  'auto'
);
afterAll(() => {
  port1.close();
  port2.close();
  native.port1.close();
  native.port2.close();
});

/** Two hash streams fed alternately through `c` give Node's SHA-256 of each one's chunks. */
async function interleaved(c: { hasher(): RemoteHasher }, a: Uint8Array[], b: Uint8Array[]): Promise<void> {
  const ha = c.hasher();
  const hb = c.hasher();
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i]) ha.update(a[i]!);
    if (b[i]) hb.update(b[i]!);
  }
  const want = (parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');
  const [da, db] = await Promise.all([ha.digest(), hb.digest()]);
  expect(toHex(da)).toBe(want(a));
  expect(toHex(db)).toBe(want(b));
}

describe('RemoteHasher', () => {
  it('hashes chunks in order, streams interleaved', async () => {
    await conn.ready;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), async (a, b) => {
        await interleaved(conn, a, b);
      }),
      { numRuns: 40 }
    );
  });

  it('copies each chunk and refuses use after digest', async () => {
    const h = conn.hasher();
    const buf = new Uint8Array([1, 2, 3]);
    h.update(buf);
    buf.fill(9); // the caller reuses its buffer
    expect(buf.byteLength).toBe(3); // not transferred away
    const d = await h.digest();
    expect(toHex(d)).toBe(createHash('sha256').update(Uint8Array.of(1, 2, 3)).digest('hex'));
    expect(() => h.update(buf)).toThrow(TypeError);
    await expect(h.digest()).rejects.toThrow(TypeError);
  });
});

describe('RemoteHasher with a native one-shot digest', () => {
  it('hashes chunks in order, streams interleaved, below and above the cap (pure JS past it)', async () => {
    await nativeConn.ready;
    const before = nativeDigests;
    let small = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300, size: 'max' }), { maxLength: 8 }), fc.array(fc.uint8Array({ maxLength: 300, size: 'max' }), { maxLength: 8 }), async (a, b) => {
        await interleaved(nativeConn, a, b);
        for (const parts of [a, b]) if (parts.reduce((n, p) => n + p.length, 0) <= 200) small++;
      }),
      { numRuns: 60 }
    );
    // the streams within the cap were hashed natively, the others were not
    expect(nativeDigests - before).toBe(small);
    expect(small).toBeGreaterThan(0);
    expect(small).toBeLessThan(120);
  });

  it('a stream past the cap and chunks reused by the caller', async () => {
    const h = nativeConn.hasher();
    const buf = new Uint8Array(400).fill(7);
    h.update(buf);
    buf.fill(1); // reused before the worker hashed it
    h.update(buf);
    const want = createHash('sha256').update(new Uint8Array(400).fill(7)).update(new Uint8Array(400).fill(1)).digest('hex');
    expect(toHex(await h.digest())).toBe(want);
  });
});

describe('RemoteHasher over several MiB', () => {
  it('a stream longer than one posted piece (1 MiB), in uneven chunks, natively and in pure JS', async () => {
    const big = new Uint8Array(2.5 * 2 ** 20 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    const want = createHash('sha256').update(big).digest('hex');
    const wide = new MessageChannel();
    serveSignaturePort(
      {
        post: (msg: PoolResponse, transfer?: ArrayBuffer[]) => wide.port2.postMessage(msg, transfer ?? []),
        subscribe: (on: (msg: PoolRequest) => void) => void wide.port2.on('message', on)
      },
      async () => ({ name: 'none', verifyOne: () => false }),
      { digest: async (b) => new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', b)) }
    );
    const wideConn = connectSignaturePort(
      {
        post: (msg, transfer) => wide.port1.postMessage(msg, transfer ?? []),
        subscribe: (on) => void wide.port1.on('message', on)
      },
      'auto'
    );
    try {
      for (const c of [conn, nativeConn, wideConn]) {
        const h = c.hasher();
        for (let off = 0, step = 1; off < big.length; off += step, step = 1 + ((step * 7 + 13) % 300_000)) h.update(big.subarray(off, Math.min(big.length, off + step)));
        expect(toHex(await h.digest())).toBe(want);
      }
    } finally {
      wide.port1.close();
      wide.port2.close();
    }
  });
});
