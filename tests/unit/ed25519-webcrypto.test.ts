// The WebCrypto backend's key cache (src/lib/worker/ed25519-webcrypto.ts): keys are found by a
// 30-bit prefix in an open-addressed index and confirmed on all 32 bytes, at most 8,192 keys, the
// oldest out first. A fake SubtleCrypto makes the key a verify used visible: its "signature" is
// valid only under the key whose bytes it starts with.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createWebCryptoBackend, type SubtleEd25519 } from '../../src/lib/worker/ed25519-webcrypto';

type FakeKey = { bytes: Uint8Array };

function fakeSubtle(opts: { lazy?: boolean } = {}): { subtle: SubtleEd25519; imported: string[]; views: { sig: Uint8Array; data: Uint8Array }[] } {
  const imported: string[] = [];
  const views: { sig: Uint8Array; data: Uint8Array }[] = [];
  const subtle: SubtleEd25519 = {
    importKey: (_f, data) => {
      imported.push(Array.from(data, (b) => b.toString(16).padStart(2, '0')).join(''));
      // A key ending in 0xff stands for one that is not a point: the import fails.
      if (data[31] === 0xff) return Promise.reject(new Error('not a point'));
      return Promise.resolve({ bytes: Uint8Array.from(data) } satisfies FakeKey);
    },
    verify: (_a, key, sig, data) => {
      views.push({ sig, data });
      const k = (key as unknown as FakeKey).bytes;
      // Valid iff the signature starts with the key and ends with the message's first and last bytes.
      const answer = (): boolean => k.every((b, i) => sig[i] === b) && sig[62] === data[0] && sig[63] === data[data.length - 1];
      if (data[0] === 0xee) return Promise.reject(new Error('engine refused'));
      // lazy: the bytes are read after the call returns (an engine that does not copy them first).
      return opts.lazy ? Promise.resolve().then(answer) : Promise.resolve(answer());
    }
  };
  return { subtle, imported, views };
}

/** A 32-byte key: the 4-byte prefix `p` (little-endian), then `rest` in byte 4 and `last` in byte 31. */
function key(p: number, rest: number, last = 0): Uint8Array {
  const k = new Uint8Array(32);
  new DataView(k.buffer).setUint32(0, p, true);
  k[4] = rest;
  k[31] = last;
  return k;
}

const msg = Uint8Array.of(1, 2, 3);

/** A signature the fake accepts under `k` only, for message `m`. */
function sigFor(k: Uint8Array, m: Uint8Array = msg): Uint8Array {
  const s = new Uint8Array(64);
  s.set(k);
  s[62] = m[0]!;
  s[63] = m[m.length - 1]!;
  return s;
}

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
    // 8,192 keys: pairs sharing a prefix (and so a home in the index).
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

/** Prefixes for the model test: two share their 30 bits (they differ in the top 2 bits of byte 3), and small indexes share homes. */
const PREFIXES = [1, 1 | 0xc0000000, 2, 0x01020304, 0x3fffffff, 0x40000000];

describe('WebCrypto backend key cache: the index against a FIFO model', () => {
  it('imports exactly the keys a FIFO cache of the same size misses, and each key verifies under its own CryptoKey (verifyRaw and keyed.handles)', async () => {
    await fc.assert(
      fc.asyncProperty(
        // cacheMax <= 32 = MAX_PROBE: every key then finds a place in the index, as with honest keys
        fc.integer({ min: 1, max: 32 }),
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: PREFIXES.length - 1 }), fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 4 }), { maxLength: 120 }),
        fc.boolean(),
        async (cacheMax, batches, keyed) => {
          const { subtle, imported } = fakeSubtle();
          const web = createWebCryptoBackend(subtle, { cacheMax });
          const model: string[] = [];
          let misses = 0;
          for (const batch of batches) {
            const ks = batch.map(([p, r]) => key(PREFIXES[p]!, r));
            for (const [p, r] of batch) {
              const id = `${p}/${r}`;
              if (model.includes(id)) continue;
              misses++;
              model.push(id);
              if (model.length > cacheMax) model.shift();
            }
            if (keyed) {
              // one buffer of the batch's keys, as verifyPackedKeyed passes them
              const packed = new Uint8Array(32 * ks.length);
              ks.forEach((k, i) => packed.set(k, 32 * i));
              const handles = await web.keyed.handles(packed);
              handles.forEach((h, i) => expect((h as FakeKey).bytes).toEqual(ks[i]));
            } else {
              for (const k of ks) expect(await web.verifyRaw(k, msg, sigFor(k))).toBe(true);
              expect(await web.verifyRaw(ks[ks.length - 1]!, msg, sigFor(key(7, 7)))).toBe(false); // the newest key: still cached
            }
            expect(imported).toHaveLength(misses);
          }
        }
      ),
      { numRuns: 300 }
    );
  });

  it('after many evictions the newest keys are still found (evicted keys leave the index)', async () => {
    const { subtle, imported } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    const keys = Array.from({ length: 40000 }, (_, i) => key(i * 7919, i & 3));
    await web.importKeys(keys);
    expect(imported).toHaveLength(40000);
    await web.importKeys(keys.slice(-8192));
    expect(imported).toHaveLength(40000);
    expect(await web.verifyRaw(keys[0]!, msg, sigFor(keys[0]!))).toBe(true); // long evicted: imported again
    expect(imported).toHaveLength(40001);
  });

  it('keys crafted to share one home: each verifies; past 32 places in the index they are imported again on each use (a lookup stays bounded)', async () => {
    const { subtle, imported } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    const keys = Array.from({ length: 40 }, (_, i) => key(0x0a0b0c0d, i));
    for (const k of keys) expect(await web.verifyRaw(k, msg, sigFor(k))).toBe(true);
    expect(imported).toHaveLength(40);
    for (const k of keys) expect(await web.verifyRaw(k, msg, sigFor(k))).toBe(true);
    expect(imported).toHaveLength(48); // the first 32 were found, the other 8 imported again
    expect(await web.verifyRaw(keys[39]!, msg, sigFor(keys[0]!))).toBe(false);
  });
});

describe('WebCrypto backend: reused views for subtle.verify', () => {
  const k = key(11, 1);
  const messages = [Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6), Uint8Array.of(7, 8), Uint8Array.of(9, 10, 11), new Uint8Array(20000).fill(3)];

  it('a caller that awaits each verdict gets the same view per message length, with that call\'s bytes', async () => {
    const { subtle, views } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    for (const m of messages) {
      expect(await web.verifyRaw(k, m, sigFor(k, m))).toBe(true);
      expect(await web.verifyRaw(k, m, sigFor(key(12, 1), m))).toBe(false);
    }
    const wrongEnd = Uint8Array.of(1, 2, 4);
    expect(await web.verifyRaw(k, wrongEnd, sigFor(k, messages[0]))).toBe(false);
    // Lengths 3 and 2 reuse one view each (and one signature view), the 20,000-byte message does not.
    expect(views[0]!.data).toBe(views[2]!.data);
    expect(views[0]!.data).toBe(views[6]!.data);
    expect(views[4]!.data).not.toBe(views[0]!.data);
    expect(views[0]!.sig).toBe(views[7]!.sig);
    expect(views[8]!.data).toBe(messages[4]); // handed over as it is

  });

  it('callers that do not await (an engine reading the bytes late) still get each call\'s own bytes', async () => {
    const { subtle, views } = fakeSubtle({ lazy: true });
    const web = createWebCryptoBackend(subtle);
    await web.importKeys([k]);
    const calls = messages.flatMap((m) => [web.verifyRaw(k, m, sigFor(k, m)), web.verifyRaw(k, m, sigFor(k, Uint8Array.of(0, 0)))]);
    expect(await Promise.all(calls)).toEqual(messages.flatMap(() => [true, false]));
    // Only the first call took the reused views; the others, made while it was in flight, did not.
    expect(views.filter((v) => v.sig === views[0]!.sig)).toHaveLength(1);
  });

  it('a rejected verify counts as false (via core verify) and frees the reused views', async () => {
    const { subtle, views } = fakeSubtle();
    const web = createWebCryptoBackend(subtle);
    const refused = Uint8Array.of(0xee, 1, 2);
    await expect(web.verifyRaw(k, refused, sigFor(k, refused))).resolves.toBe(false);
    expect(await web.verifyRaw(k, messages[0]!, sigFor(k, messages[0]))).toBe(true);
    expect(views[1]!.data).toBe(views[0]!.data);
  });
});
