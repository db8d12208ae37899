// A signature worker's whole-batch WebCrypto path (issue 7, session 7): core verifyPackedKeyed
// (signature-batch.ts) with the WebCrypto backend's `keyed` form (worker/ed25519-webcrypto.ts)
// gives exactly the verdicts of verifyPacked with core `verify` per item: the §7 precheck, then the
// equation, a rejection or an unimportable key counting as false. Real Ed25519 through Node's
// WebCrypto, and a fake SubtleCrypto that accepts whatever the precheck lets through.
import { describe, expect, it } from 'vitest';
import { createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { SMALL_ORDER_ENCODINGS, verify } from '../../src/lib/core/ed25519';
import { L } from '../../src/lib/core/scalar25519';
import { MALFORMED, packSignatures, verifyPacked, verifyPackedKeyed, type KeyedBackend, type SignatureItem } from '../../src/lib/core/signature-batch';
import { createWebCryptoBackend, type SubtleEd25519 } from '../../src/lib/worker/ed25519-webcrypto';

function keyPair(seedByte: number): { priv: KeyObject; pub: Uint8Array } {
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.alloc(32, seedByte)]);
  const priv = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
  return { priv, pub: new Uint8Array(spki.subarray(spki.length - 32)) };
}

const signers = [1, 2, 3, 4].map(keyPair);

/** S + L as 32 little-endian bytes (the same signature with a non-reduced S). */
function plusL(sig: Uint8Array): Uint8Array {
  let s = 0n;
  for (let i = 31; i >= 0; i--) s = (s << 8n) | BigInt(sig[32 + i]!);
  s += L;
  const out = sig.slice();
  for (let i = 0; i < 32; i++, s >>= 8n) out[32 + i] = Number(s & 0xffn);
  return out;
}

/**
 * Items of every kind the rule tells apart: valid, a changed message, a changed R and S, S + L,
 * non-canonical R (y = p), small-order R, a small-order key, a non-canonical key, a key that is
 * not a point (its import fails in Node), a short signature and a short key (MALFORMED), an empty
 * and a long message (past the backend's 16 KiB scratch).
 */
function items(): SignatureItem[] {
  const out: SignatureItem[] = [];
  const notAPoint = new Uint8Array(32);
  notAPoint[0] = 2; // y = 2: (y² − 1)/(d·y² + 1) is not a square mod p
  const yIsP = new Uint8Array(32).fill(0xff);
  yIsP[0] = 0xed;
  yIsP[31] = 0x7f;
  for (let i = 0; i < 64; i++) {
    const s = signers[i % signers.length]!;
    const msg = i === 5 ? new Uint8Array(0) : i === 6 ? new Uint8Array(20000).fill(i) : new TextEncoder().encode(`event ${i} ${'y'.repeat(i)}`);
    const sig = new Uint8Array(sign(null, msg, s.priv));
    const it: SignatureItem = { key: s.pub, msg, sig };
    switch (i % 13) {
      case 1: it.msg = msg.slice(); it.msg[0] = (it.msg[0] ?? 0) ^ 1; if (msg.length === 0) it.msg = Uint8Array.of(1); break;
      case 2: it.sig = sig.slice(); it.sig[3]! ^= 4; break;
      case 3: it.sig = sig.slice(); it.sig[40]! ^= 4; break;
      case 4: it.sig = plusL(sig); break;
      case 7: it.sig = sig.slice(); it.sig.set(yIsP, 0); break;
      case 8: it.sig = sig.slice(); it.sig.set(SMALL_ORDER_ENCODINGS[i % 8]!, 0); break;
      case 9: it.key = SMALL_ORDER_ENCODINGS[(i + 3) % 8]!; break;
      case 10: it.key = yIsP; break;
      case 11: it.key = notAPoint; break;
      case 12: it.sig = sig.subarray(0, 63); break;
      default: if (i === 13 * 4) it.key = s.pub.subarray(0, 31);
    }
    out.push(it);
  }
  return out;
}

describe('verifyPackedKeyed', () => {
  it('gives verifyPacked + core verify\'s verdicts on real Ed25519 (Node WebCrypto), every precheck reason included', async () => {
    const all = items();
    const p = packSignatures(all);
    const perItem = createWebCryptoBackend(globalThis.crypto.subtle as unknown as SubtleEd25519);
    const want = await verifyPacked(p, (k, m, s) => verify(perItem, k, m, s));
    const web = createWebCryptoBackend(globalThis.crypto.subtle as unknown as SubtleEd25519);
    const got = await verifyPackedKeyed(p, web.keyed);
    expect(Array.from(got)).toEqual(Array.from(want));
    // the set covers both answers and the malformed items
    expect(got.filter((v) => v === 1).length).toBeGreaterThan(10);
    expect(got.filter((v) => v === 0).length).toBeGreaterThan(20);
    expect(Array.from(p.keyIndex).filter((k) => k === MALFORMED).length).toBeGreaterThan(3);
    // twice through the same backend (keys now cached) and in two halves: the same
    expect(Array.from(await verifyPackedKeyed(p, web.keyed))).toEqual(Array.from(want));
    const halves = [...(await verifyPackedKeyed(packSignatures(all, 0, 30), web.keyed)), ...(await verifyPackedKeyed(packSignatures(all, 30), web.keyed))];
    expect(halves).toEqual(Array.from(want));
  });

  it('applies the precheck itself: a backend that accepts everything still gets no item the rule refuses', async () => {
    const all = items();
    const p = packSignatures(all);
    const seen: number[] = [];
    const yes: KeyedBackend<number> = {
      handles: (keys) => Promise.resolve(Array.from({ length: keys.length / 32 }, (_, k) => k)),
      verify: (_h, msg) => {
        seen.push(msg.length);
        return true;
      }
    };
    const got = await verifyPackedKeyed(p, yes);
    const want = await verifyPacked(p, (k, m, s) => verify({ name: 'yes', verifyRaw: () => true }, k, m, s));
    expect(Array.from(got)).toEqual(Array.from(want));
    expect(seen.length).toBe(Array.from(want).filter((v) => v === 1).length);
    // the refused kinds are there: S + L, y = p, small-order R and key, non-canonical key
    expect(Array.from(want).filter((v) => v === 0).length).toBeGreaterThanOrEqual(20);
  });

  it('counts a rejection, a throw, an answer other than true and a null handle as false, and goes on', async () => {
    const { pub } = signers[0]!;
    const other = signers[1]!.pub;
    const list: SignatureItem[] = [];
    const sig = new Uint8Array(64);
    sig.set(signers[2]!.pub); // R: a canonical point of large order, S = 0: passes the precheck
    for (let i = 0; i < 8; i++) list.push({ key: i === 6 ? other : pub, msg: Uint8Array.of(i), sig });
    const answers: Array<() => Promise<boolean> | boolean> = [
      () => true,
      () => Promise.reject(new Error('engine refused')),
      () => {
        throw new Error('sync throw');
      },
      () => Promise.resolve(1 as unknown as boolean),
      () => Promise.resolve(true),
      () => false,
      () => true, // item 6: its key's handle is null, never called
      () => Promise.resolve(true)
    ];
    const calls: number[] = [];
    const fake: KeyedBackend<string> = {
      handles: async (keys) => (keys.length === 64 ? ['h0', null] : ['h0']),
      verify: (h, msg) => {
        expect(h).toBe('h0');
        calls.push(msg[0]!);
        return answers[msg[0]!]!();
      }
    };
    expect(Array.from(await verifyPackedKeyed(packSignatures(list), fake))).toEqual([1, 0, 0, 0, 1, 0, 0, 1]);
    expect(calls).toEqual([0, 1, 2, 3, 4, 5, 7]);
    const wrong: KeyedBackend<string> = { handles: async () => [], verify: () => true };
    await expect(verifyPackedKeyed(packSignatures(list), wrong)).rejects.toThrow(/one handle per key/);
  });
});

describe('WebCrypto backend, keyed form', () => {
  /** A fake engine: a signature is valid iff it starts with the key's first 8 bytes and ends with the message's first byte. */
  function fake(): { subtle: SubtleEd25519; imported: number; views: Set<Uint8Array>; sigs: Set<Uint8Array> } {
    const state = { imported: 0, views: new Set<Uint8Array>(), sigs: new Set<Uint8Array>() };
    const subtle: SubtleEd25519 = {
      importKey: (_f, data) => {
        state.imported++;
        return data[31] === 0x55 ? Promise.reject(new Error('not a point')) : Promise.resolve({ bytes: Uint8Array.from(data) });
      },
      verify: (_a, key, sig, data) => {
        state.views.add(data);
        state.sigs.add(sig);
        const k = (key as unknown as { bytes: Uint8Array }).bytes;
        return Promise.resolve(k.subarray(0, 8).every((b, i) => sig[i] === b) && sig[31] === 0 && sig[63] === 0 && sig[32] === (data[0] ?? 0));
      }
    };
    return Object.assign(state, { subtle }) as never;
  }

  it('imports each distinct key of a batch once, reuses one message view per length, and a failed import is false', async () => {
    const f = fake();
    const web = createWebCryptoBackend(f.subtle);
    const keys = [1, 2, 3].map((b) => {
      const k = new Uint8Array(32);
      k.fill(b, 0, 8);
      k[10] = b;
      return k;
    });
    keys[2]![31] = 0x55; // its import fails
    const list: SignatureItem[] = [];
    for (let i = 0; i < 30; i++) {
      const key = keys[i % 3]!;
      const msg = Uint8Array.of(i, i, i % 2);
      const sig = new Uint8Array(64);
      sig.set(key.subarray(0, 8));
      sig[32] = i % 4 === 0 ? 99 : i; // every 4th is wrong
      list.push({ key, msg, sig });
    }
    const got = await verifyPackedKeyed(packSignatures(list), web.keyed);
    expect(Array.from(got)).toEqual(list.map((_, i) => (i % 3 === 2 || i % 4 === 0 ? 0 : 1)));
    expect(f.imported).toBe(3);
    expect(f.views.size).toBe(1); // every message has 3 bytes: one reused view
    expect(f.sigs.size).toBe(1); // the caller's one signature buffer
    await verifyPackedKeyed(packSignatures(list), web.keyed);
    expect(f.imported).toBe(3); // cached across batches, the failure too
  });

  it('finds keys whose 30-bit prefix another key holds by their offset in the packed buffer', async () => {
    const f = fake();
    const web = createWebCryptoBackend(f.subtle);
    const a = new Uint8Array(32).fill(9);
    const b = a.slice();
    b[20] = 1; // same prefix as a
    const c = a.slice();
    c[3] = 9 | 0xc0; // differs from a only above the 30-bit prefix
    const list = [a, b, c, b, a, c].map((key, i) => {
      const sig = new Uint8Array(64);
      sig.set(key.subarray(0, 8));
      sig[32] = i;
      return { key, msg: Uint8Array.of(i), sig };
    });
    expect(Array.from(await verifyPackedKeyed(packSignatures(list), web.keyed))).toEqual([1, 1, 1, 1, 1, 1]);
    // a wrong key for the signature: c's signature under a
    list[4] = { ...list[4]!, sig: list[2]!.sig.slice() };
    list[4].sig[32] = 4;
    expect(Array.from(await verifyPackedKeyed(packSignatures(list), web.keyed))).toEqual([1, 1, 1, 1, 0, 1]);
    expect(f.imported).toBe(3);
  });
});
