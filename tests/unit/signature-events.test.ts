// Event batches (src/lib/core/signature-batch.ts EventLines, verifyEvents / answerPacked, issue 7):
// the workers get each line once with its cut, build the signed message from it, and return the
// verdict, the event's id SHA-256(msg) and leaf hash SHA-256(0x00 ‖ line), in item order, whatever
// the number of endpoints and completion order.
import { createHash, createPrivateKey, sign, verify as nodeVerify, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DIGEST_BYTES, EventLines, SignatureScheduler, answerPacked, assertPacked, packEventLines, packSignatures, transferables, verifyPacked, type PackedSignatures, type SignatureEndpoint } from '../../src/lib/core/signature-batch';
import { toBase64, toHex } from '../../src/lib/core/bytes';
import { cutEventLine } from '../../src/lib/core/envelope';
import { EVENT_DOMAIN } from '../../src/lib/core/types';

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

const enc = (s: string) => new TextEncoder().encode(s);

interface Item {
  key: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
  line: Uint8Array;
}

/**
 * n signed event lines in the canonical layout (BUNDLE_FORMAT §4: the sig member between seq and
 * signer), every fifth one's signature wrong. The lines lie back to back in one buffer, as a batch's
 * lines do in their LineSlabs slabs, except that a byte of no line follows every fifth, and every
 * seventh line has its own buffer (a line longer than a slab).
 */
function items(n: number): Item[] {
  const drafts = Array.from({ length: n }, (_, i) => {
    const { priv, pub } = signers[i % 3]!;
    const head = `{"epoch":0,"key":"${toBase64(pub)}","payload":{"pad":"${'y'.repeat(i % 37)}"},"prev":"${'0'.repeat(64)}","seq":${i}`;
    const tail = `,"signer":"u-${i % 3}","type":"engagement","v":1}`;
    const msg = enc(EVENT_DOMAIN + head + tail);
    const sig = new Uint8Array(sign(null, msg, priv));
    if (i % 5 === 2) sig[3] = sig[3]! ^ 1; // invalid
    return { key: pub, msg, sig, text: `${head},"sig":"${toBase64(sig)}"${tail}` };
  });
  // the lines around a gap are not one range
  const gap = (i: number) => (i % 5 === 4 ? '\n' : '');
  const slab = enc(drafts.map((d, i) => (i % 7 === 3 ? '' : d.text + gap(i))).join(''));
  let at = 0;
  return drafts.map((d, i) => {
    if (i % 7 === 3) return { key: d.key, msg: d.msg, sig: d.sig, line: enc(d.text) };
    const line = slab.subarray(at, at + d.text.length);
    at += d.text.length + gap(i).length;
    return { key: d.key, msg: d.msg, sig: d.sig, line };
  });
}

/** The items as the ordered pass hands them to a pool (every one is cut). */
function batchOf(list: readonly Item[]): EventLines {
  const b = new EventLines(list.length);
  for (const it of list) expect(cutEventLine(it.line, b)).toBe(true);
  return b;
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
      const { verdicts, digests } = await s.verifyEvents(batchOf(list));
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

  it('packs lines byte for byte, with their cuts, and lists their buffers for transfer', () => {
    const list = items(20);
    const b = batchOf(list);
    const p = packEventLines(b, 2, 18);
    assertPacked(p);
    expect(p.msgs).toBeUndefined();
    let from = 0;
    for (let j = 0; j < 16; j++) {
      const it = list[2 + j]!;
      expect(p.lines!.subarray(from, p.lineEnds![j]!)).toEqual(it.line);
      const text = new TextDecoder().decode(it.line);
      expect([p.cuts![2 * j], p.cuts![2 * j + 1]]).toEqual([text.indexOf(',"sig":"'), text.indexOf(',"signer":"')]);
      expect(p.keys.subarray(32 * p.keyIndex[j]!, 32 * p.keyIndex[j]! + 32)).toEqual(it.key);
      expect(p.sigs.subarray(64 * j, 64 * j + 64)).toEqual(it.sig);
      from = p.lineEnds![j]!;
    }
    expect(from).toBe(p.lines!.length);
    expect(p.keys.length).toBe(32 * 3); // deduplicated
    expect(transferables(p)).toHaveLength(6);
    expect(transferables(packSignatures(list))).toHaveLength(5);
    expect(answerPacked(packSignatures(list), new Uint8Array(20))).toHaveLength(20); // no lines: verdicts only
  });

  it('misuse and inconsistent batches are refused', () => {
    const list = items(4);
    const b = new EventLines(2);
    const { key, sig, line } = list[0]!;
    expect(() => b.add(line, key, sig, 10, 9)).toThrow(RangeError);
    expect(() => b.add(line, key, sig, 10, line.length + 1)).toThrow(RangeError);
    expect(() => b.add(line, key.subarray(1), sig, 10, 20)).toThrow(RangeError);
    b.add(line, key, sig, 10, 20);
    b.add(line, key, sig, 10, 20);
    expect(() => b.add(line, key, sig, 10, 20)).toThrow(RangeError);
    expect(() => packEventLines(b, 1, 3)).toThrow(RangeError);
    const p = packEventLines(batchOf(list));
    assertPacked(p);
    expect(() => assertPacked({ ...p, lineEnds: p.lineEnds!.subarray(0, 3) })).toThrow(TypeError);
    expect(() => assertPacked({ ...p, lineEnds: Uint32Array.from([5, 3, 9, 10]) })).toThrow(TypeError);
    expect(() => assertPacked({ ...p, cuts: p.cuts!.subarray(0, 6) })).toThrow(TypeError);
    const outside = p.cuts!.slice();
    outside[7] = p.lineEnds![3]! - p.lineEnds![2]! + 1; // the last item's sig member ends past its line
    expect(() => assertPacked({ ...p, cuts: outside })).toThrow(TypeError);
    outside[7] = p.lineEnds![3]! - p.lineEnds![2]!;
    expect(() => assertPacked({ ...p, cuts: outside })).not.toThrow();
    const reversed = p.cuts!.slice();
    reversed[0] = reversed[1]! + 1;
    expect(() => assertPacked({ ...p, cuts: reversed })).toThrow(TypeError);
    const { cuts: _c, ...uncut } = p;
    expect(() => assertPacked(uncut)).toThrow(TypeError);
    const m = packSignatures(list);
    expect(() => assertPacked({ ...p, msgs: m.msgs, msgEnds: m.msgEnds })).toThrow(TypeError); // both forms
    expect(() => answerPacked(p, new Uint8Array(3))).toThrow(TypeError);
  });
});
