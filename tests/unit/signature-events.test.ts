// Event batches (src/lib/core/signature-batch.ts verifyEvents / answerPacked, issue 7): the workers
// that check the signatures also return each event's id SHA-256(msg) and leaf hash
// SHA-256(0x00 ‖ line), in item order, whatever the number of endpoints and completion order.
import { createHash, createPrivateKey, sign, verify as nodeVerify, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_BYTES, SignatureScheduler, answerPacked, assertPacked, packSignatures, transferables, verifyPacked, type EventSignatureItem, type PackedSignatures, type SignatureEndpoint } from '../../src/lib/core/signature-batch';
import { toHex } from '../../src/lib/core/bytes';

// three signers, item i signed by signer i % 3, so key-affine chunks interleave
const signers = [9, 10, 11].map((b) => {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, b)]);
  const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return { priv, pub: new Uint8Array(spki.subarray(spki.length - 32)) };
});
const sha = (parts: Uint8Array[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

function items(n: number): EventSignatureItem[] {
  return Array.from({ length: n }, (_, i) => {
    const line = new TextEncoder().encode(`{"seq":${i},"pad":"${'y'.repeat(i % 37)}"}`);
    const msg = new TextEncoder().encode(`msg ${i} ${'x'.repeat(i % 23)}`);
    const { priv, pub } = signers[i % 3]!;
    const sig = new Uint8Array(sign(null, msg, priv));
    if (i % 5 === 2) sig[3] = sig[3]! ^ 1; // invalid
    return { key: pub, msg, sig, line };
  });
}

/** An endpoint that answers like a worker (verifyPacked + answerPacked), after a delay that reverses completion order. */
function endpoint(delay: number): SignatureEndpoint {
  return {
    async verify(p: PackedSignatures) {
      assertPacked(p);
      await new Promise((r) => setTimeout(r, delay));
      return answerPacked(p, await verifyPacked(p, (k, m, s) => nodeVerify(null, m, { key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), k]), format: 'der', type: 'spki' }, s)));
    }
  };
}

describe('event batches', () => {
  it('verdicts, event ids and leaf hashes come back in item order for 1, 2 and 3 endpoints', async () => {
    const list = items(50);
    // with affinity (the pure backend's pools) chunks interleave: answers are put back from short runs
    for (const [n, affinity] of [[1, false], [2, false], [3, false], [2, true], [3, true]] as const) {
      const s = new SignatureScheduler(Array.from({ length: n }, (_, i) => endpoint(30 - 10 * i)), { minChunk: 7, affinity });
      const { verdicts, digests } = await s.verifyEvents(list);
      expect(verdicts.length).toBe(50);
      expect(digests.length).toBe(50 * DIGEST_BYTES);
      list.forEach((it, i) => {
        expect(verdicts[i]).toBe(i % 5 === 2 ? 0 : 1);
        expect(toHex(digests.subarray(64 * i, 64 * i + 32))).toBe(sha([it.msg]));
        expect(toHex(digests.subarray(64 * i + 32, 64 * i + 64))).toBe(sha([Uint8Array.of(0), it.line]));
      });
      expect(Array.from(await s.verifyBatch(list))).toEqual(Array.from(verdicts));
    }
  });

  it('packs lines byte for byte and lists their buffers for transfer', () => {
    const list = items(9);
    const p = packSignatures(list, 2, 8, true);
    let from = 0;
    for (let j = 0; j < 6; j++) {
      expect(p.lines!.subarray(from, p.lineEnds![j]!)).toEqual(list[2 + j]!.line);
      from = p.lineEnds![j]!;
    }
    expect(transferables(p)).toHaveLength(7);
    expect(transferables(packSignatures(list))).toHaveLength(5);
    expect(answerPacked(packSignatures(list), new Uint8Array(9))).toHaveLength(9); // no lines: verdicts only
  });

  it('misuse and inconsistent batches are refused', () => {
    const list = items(4);
    const { line: _l, ...bare } = list[1]!;
    expect(() => packSignatures([list[0]!, bare as EventSignatureItem], 0, 2, true)).toThrow(TypeError);
    const p = packSignatures(list, 0, 4, true);
    expect(() => assertPacked({ ...p, lineEnds: p.lineEnds!.subarray(0, 3) })).toThrow(TypeError);
    expect(() => assertPacked({ ...p, lineEnds: Uint32Array.from([5, 3, 9, 10]) })).toThrow(TypeError);
    expect(() => answerPacked(p, new Uint8Array(3))).toThrow(TypeError);
  });
});
