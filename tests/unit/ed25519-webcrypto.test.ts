// The WebCrypto backend's key cache (src/lib/worker/ed25519-webcrypto.ts): keys are found by a
// 30-bit prefix and confirmed on all 32 bytes, with a string map for keys whose prefix another key
// holds, at most 8,192 keys, the oldest out first. A fake SubtleCrypto makes the key a verify used
// visible: its "signature" is valid only under the key whose bytes it starts with.
import { describe, expect, it } from 'vitest';
import { createWebCryptoBackend, type SubtleEd25519 } from '../../src/lib/worker/ed25519-webcrypto';

type FakeKey = { bytes: Uint8Array };

function fakeSubtle(): { subtle: SubtleEd25519; imported: string[] } {
  const imported: string[] = [];
  const subtle: SubtleEd25519 = {
    importKey: (_f, data) => {
      imported.push(Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(''));
      // A key ending in 0xff stands for one that is not a point: the import fails.
      if (data[31] === 0xff) return Promise.reject(new Error('not a point'));
      return Promise.resolve({ bytes: Uint8Array.from(data) } satisfies FakeKey);
    },
    verify: (_a, key, sig) => {
      const k = (key as unknown as FakeKey).bytes;
      return Promise.resolve(k.every((b, i) => sig[i] === b));
    }
  };
  return { subtle, imported };
}

/** A 32-byte key: the 4-byte prefix `p` (little-endian), then `rest` in byte 4 and `last` in byte 31. */
function key(p: number, rest: number, last = 0): Uint8Array {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(0, p, true);
  k[4] = rest;
  k[31] = last;
  return k;
}

/** A signature the fake accepts under `k` only. */
function sigFor(k: Uint8Array): Uint8Array {
  const s = new Uint8Array(64);
  s.set(k);
  return s;
}

const msg = Uint8Array.of(1, 2, 3);

describe('WebCrypto backend key cache', () => {
  it('keys sharing a 30-bit prefix (and only differing above it) each verify under their own CryptoKey', async () => {
    const { subtle, imported } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    // Same low 30 bits; b differs in byte 4, c only in the top 2 bits of byte 3 (outside the prefix).
    const a = key(0x01020304, 5);
    const b = key(0x01020304, 6);
    const c = key(0x01020304 | 0xc0000000, 5);
    await web.importKeys([a, b, c]);
    expect(imported).toHaveLength(3);
    for (const k of [a, b, c]) {
      expect(await web.verifyRaw(k, msg, sigFor(k))).toBe(true);
      for (const other of [a, b, c]) if (other !== k) expect(await web.verifyRaw(k, msg, sigFor(other))).toBe(false);
    }
    // Fresh views of the same bytes find the same keys (no new import), including the collided ones.
    for (const k of [a, b, c]) expect(await web.verifyRaw(Uint8Array.from(k), msg, sigFor(k))).toBe(true);
    expect(imported).toHaveLength(3);
  });

  it('a key buffer changed in place after use is looked up by its new bytes', async () => {
    const { subtle } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    const buf = key(7, 1);
    const first = Uint8Array.from(buf);
    expect(await web.verifyRaw(buf, msg, sigFor(first))).toBe(true);
    buf[4] = 2; // same prefix, other key
    expect(await web.verifyRaw(buf, msg, sigFor(first))).toBe(false);
    expect(await web.verifyRaw(buf, msg, sigFor(buf))).toBe(true);
    buf[0] = 9; // other prefix
    expect(await web.verifyRaw(buf, msg, sigFor(buf))).toBe(true);
    expect(await web.verifyRaw(first, msg, sigFor(first))).toBe(true);
  });

  it('a failed import is cached as a rejection and not retried', async () => {
    const { subtle, imported } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    const bad = key(3, 3, 0xff);
    expect(await web.verifyRaw(bad, msg, sigFor(bad))).toBe(false);
    await web.importKeys([bad]);
    expect(await web.verifyRaw(bad, msg, sigFor(bad))).toBe(false);
    expect(imported).toHaveLength(1);
  });

  it('holds at most 8,192 keys, the oldest out first, and stays correct across evictions (collided keys too)', async () => {
    const { subtle, imported } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    // 8,192 keys: pairs sharing a prefix, so half of them live in the string map.
    const keys = Array.from({ length: 8192 }, (_, i) => key(i >> 1, i & 1));
    await web.importKeys(keys);
    expect(imported).toHaveLength(8192);
    await web.importKeys(keys);
    expect(imported).toHaveLength(8192); // all cached
    const extra = [key(0x3fff0000, 0), key(0x3fff0000, 1)];
    await web.importKeys(extra); // evicts keys[0] and keys[1] (one by prefix, one collided)
    expect(imported).toHaveLength(8194);
    await web.importKeys(keys.slice(2));
    expect(imported).toHaveLength(8194); // still cached
    for (const k of [...extra, keys[2]!, keys[3]!, keys[8191]!]) expect(await web.verifyRaw(k, msg, sigFor(k))).toBe(true);
    expect(imported).toHaveLength(8194);
    for (const k of [keys[0]!, keys[1]!]) expect(await web.verifyRaw(k, msg, sigFor(k))).toBe(true); // imported again
    expect(imported).toHaveLength(8196);
    expect(await web.verifyRaw(keys[0]!, msg, sigFor(keys[1]!))).toBe(false);
  });
});
