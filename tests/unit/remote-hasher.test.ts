// Segment hashing in a pool worker (src/lib/core/signature-port.ts RemoteHasher, issue 7): the
// digest of chunks sent in order equals SHA-256 of their concatenation, interleaved streams do not
// mix, chunks are copied (the caller may reuse its buffer), and misuse is refused.
import { createHash } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { connectSignaturePort, serveSignaturePort, type PoolRequest, type PoolResponse } from '../../src/lib/core/signature-port';
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
afterAll(() => {
  port1.close();
  port2.close();
});

describe('RemoteHasher', () => {
  it('hashes chunks in order, streams interleaved', async () => {
    await conn.ready;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), async (a, b) => {
        const ha = conn.hasher();
        const hb = conn.hasher();
        for (let i = 0; i < Math.max(a.length, b.length); i++) {
          if (a[i]) ha.update(a[i]!);
          if (b[i]) hb.update(b[i]!);
        }
        const want = (parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');
        const [da, db] = await Promise.all([ha.digest(), hb.digest()]);
        expect(toHex(da)).toBe(want(a));
        expect(toHex(db)).toBe(want(b));
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
