import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  L,
  PURE_CACHE_LIMITS,
  SMALL_ORDER_ENCODINGS,
  checkKey,
  createPureVerifier,
  isCanonicalPoint,
  precheck,
  probeBackend,
  pureBackend,
  verify,
  verifyAllPure,
  type Ed25519Backend,
  type PureCacheLimits,
  type PureVerifier
} from '../../src/lib/core/ed25519';
import { createNodeBackend } from '../../src/cli/ed25519-node';
import { createWebCryptoBackend, detectWebCryptoBackend, type SubtleEd25519 } from '../../src/lib/worker/ed25519-webcrypto';
import { fromHex, toHex } from '../../src/lib/core/bytes';
import spec from '../vectors/ed25519-speccheck/cases.json';
import wycheproof from '../vectors/c2sp-wycheproof-ed25519/ed25519_test.json';

const hex = (s: string): Uint8Array => fromHex(s)!;
const le = (v: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((v >> BigInt(8 * i)) & 255n));
const P = (1n << 255n) - 19n;

const sk = new Uint8Array(32).fill(7);
const pub = ed25519.getPublicKey(sk);
const msg = new TextEncoder().encode('qfs-ledger-bundle/1 event\n{}');
const sig = ed25519.sign(msg, sk);
const withR = (r: Uint8Array): Uint8Array => Uint8Array.from([...r, ...sig.subarray(32)]);
const withS = (s: Uint8Array): Uint8Array => Uint8Array.from([...sig.subarray(0, 32), ...s]);

describe('precheck', () => {
  it('accepts an honest signature', () => {
    expect(precheck(pub, sig)).toBeNull();
    expect(verify(pureBackend, pub, msg, sig)).toBe(true);
  });
  it('names each rejection', () => {
    expect(precheck(pub.subarray(1), sig)).toBe('length');
    expect(precheck(pub, sig.subarray(1))).toBe('length');
    expect(precheck(le(P), sig)).toBe('noncanonical-key'); // y = p
    expect(precheck(le(P + 1n), sig)).toBe('noncanonical-key'); // y = p + 1 (= 1 reduced)
    expect(precheck(le(1n | (1n << 255n)), sig)).toBe('noncanonical-key'); // x = 0 with sign bit
    expect(precheck(le((P - 1n) | (1n << 255n)), sig)).toBe('noncanonical-key');
    expect(precheck(pub, withR(le(P + 5n)))).toBe('noncanonical-r');
    expect(precheck(pub, withS(le(L)))).toBe('s-not-reduced');
    expect(precheck(pub, withS(le(L - 1n)))).toBeNull();
    expect(precheck(pub, withS(le((1n << 256n) - 1n)))).toBe('s-not-reduced');
    for (const so of SMALL_ORDER_ENCODINGS) {
      expect(precheck(so, sig)).toBe('small-order-key');
      expect(precheck(pub, withR(so))).toBe('small-order-r');
    }
  });
  it('the small-order list is exactly the 8-torsion subgroup, canonically encoded', () => {
    const seen = new Set<string>();
    for (const so of SMALL_ORDER_ENCODINGS) {
      const p = ed25519.Point.fromBytes(so);
      expect(p.isSmallOrder()).toBe(true);
      expect(toHex(p.toBytes())).toBe(toHex(so));
      seen.add(toHex(so));
    }
    expect(seen.size).toBe(8);
    // Closed under addition.
    for (const a of SMALL_ORDER_ENCODINGS)
      for (const b of SMALL_ORDER_ENCODINGS) expect(seen.has(ed25519.Point.fromBytes(a).add(ed25519.Point.fromBytes(b)).toHex())).toBe(true);
  });
  it('isCanonicalPoint agrees with a bigint reference on boundary values', () => {
    const cases = [0n, 1n, 2n, P - 2n, P - 1n, P, P + 1n, (1n << 255n) - 1n];
    for (const y of cases)
      for (const sign of [0n, 1n]) {
        const want = y < P && !(sign === 1n && (y === 1n || y === P - 1n));
        expect(isCanonicalPoint(le(y | (sign << 255n))), `y=${y} sign=${sign}`).toBe(want);
      }
  });
  it('misuse throws', () => {
    expect(() => precheck('00' as unknown as Uint8Array, sig)).toThrow(TypeError);
    expect(() => verify(pureBackend, pub, 'm' as unknown as Uint8Array, sig)).toThrow(TypeError);
  });
});

describe('checkKey', () => {
  it('accepts an honest key and rejects each bad kind', () => {
    expect(checkKey(pub)).toBeNull();
    expect(checkKey(pub.subarray(2))).toBe('length');
    expect(checkKey(le(P))).toBe('noncanonical-key');
    expect(checkKey(SMALL_ORDER_ENCODINGS[4]!)).toBe('small-order-key');
    // y = 2 is not on the curve (x² = (y²−1)/(d·y²+1) has no root).
    expect(checkKey(le(2n))).toBe('not-on-curve');
    // speccheck case 3's key is mixed order: canonical, not small, not torsion-free.
    expect(checkKey(hex(spec[3]!.pub_key))).toBe('not-torsion-free');
    const mixed = ed25519.Point.fromBytes(pub).add(ed25519.Point.fromBytes(SMALL_ORDER_ENCODINGS[4]!)).toBytes();
    expect(precheck(mixed, sig)).toBeNull();
    expect(checkKey(mixed)).toBe('not-torsion-free');
  });
});

describe('backends', () => {
  const node = createNodeBackend();
  const web = createWebCryptoBackend();
  it('the prechecks are load-bearing: raw OpenSSL (node, WebCrypto) and the rule disagree on speccheck', async () => {
    const raw: string[] = [];
    for (const c of spec) raw.push(node.verifyRaw(hex(c.pub_key), hex(c.message), hex(c.signature)) ? 'V' : 'X');
    expect(raw.join(' ')).toBe('V V V V X X X X X X X V');
    const rawWeb: string[] = [];
    for (const c of spec) rawWeb.push((await web.verifyRaw(hex(c.pub_key), hex(c.message), hex(c.signature))) ? 'V' : 'X');
    expect(rawWeb.join(' ')).toBe('V V V V X X X X X X X V');
  });
  it('verify is synchronous on a synchronous backend and a promise on an async one', async () => {
    expect(verify(node, pub, msg, sig)).toBe(true);
    const p = verify(web, pub, msg, sig);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(true);
    // Prechecks answer without touching the backend.
    expect(verify(web, pub, msg, withS(le(L)))).toBe(false);
  });
  it('a throwing or rejecting backend counts as a rejection', async () => {
    const throws: Ed25519Backend = { name: 'throws', verifyRaw: () => { throw new Error('boom'); } };
    const rejects: Ed25519Backend = { name: 'rejects', verifyRaw: () => Promise.reject(new Error('boom')) };
    expect(verify(throws, pub, msg, sig)).toBe(false);
    expect(await verify(rejects, pub, msg, sig)).toBe(false);
  });
  it('probeBackend accepts real backends and refuses broken ones', async () => {
    expect(await probeBackend(pureBackend)).toBe(true);
    expect(await probeBackend(node)).toBe(true);
    expect(await probeBackend(web)).toBe(true);
    expect(await detectWebCryptoBackend()).not.toBeNull();
    expect(await probeBackend({ name: 'yes', verifyRaw: () => true })).toBe(false);
    expect(await probeBackend({ name: 'no', verifyRaw: () => false })).toBe(false);
    expect(await probeBackend({ name: 'throws', verifyRaw: () => { throw new Error('x'); } })).toBe(false);
    const subtleWithoutEd25519 = { importKey: () => Promise.reject(new Error('NotSupportedError')) } as unknown as SubtleEd25519;
    expect(await detectWebCryptoBackend(subtleWithoutEd25519)).toBeNull();
  });
  it('WebCrypto importKeys imports each new key once, concurrently; verifies then need no import', async () => {
    const real = (globalThis as { crypto: { subtle: SubtleEd25519 } }).crypto.subtle;
    let imports = 0;
    const counting: SubtleEd25519 = {
      importKey: (...a) => {
        imports++;
        return real.importKey(...a);
      },
      verify: (...a) => real.verify(...a)
    };
    const web = createWebCryptoBackend(counting);
    const signers = [1, 2, 3].map((b) => {
      const s = new Uint8Array(32).fill(b);
      return { s, p: ed25519.getPublicKey(s) };
    });
    const notAPoint = fromHex('0200000000000000000000000000000000000000000000000000000000000000')!; // y = 2 is not on the curve
    await web.importKeys([...signers.map((k) => k.p), signers[0]!.p, notAPoint]);
    expect(imports).toBe(4);
    for (const [i, k] of signers.entries()) {
      const m = Uint8Array.of(i);
      expect(await verify(web, k.p, m, ed25519.sign(m, k.s))).toBe(true);
      expect(await verify(web, k.p, Uint8Array.of(i + 1), ed25519.sign(m, k.s))).toBe(false);
    }
    expect(await web.verifyRaw(notAPoint, Uint8Array.of(0), new Uint8Array(64))).toBe(false);
    await web.importKeys(signers.map((k) => k.p));
    expect(imports).toBe(4);
  });

  it('the pure backend stays correct while its key cache promotes and evicts (40 signers round robin)', () => {
    const signers = Array.from({ length: 40 }, (_, i) => {
      const s = new Uint8Array(32).fill(i + 1);
      return { s, p: ed25519.getPublicKey(s) };
    });
    // 6 rounds: each key signs 6 times and is the wrong key for another 6
    const uses = Array.from({ length: 6 }, (_, round) =>
      signers.map((k, i) => {
        const m = Uint8Array.of(round, i);
        return { m, sg: ed25519.sign(m, k.s), p: k.p, other: signers[(i + 1) % signers.length]!.p };
      })
    ).flat();
    const variants: { name: string; verifier: PureVerifier; bounds: PureCacheLimits; promoted: boolean }[] = [
      { name: 'default limits (comb tables only: 12 uses < hotAfterUses)', verifier: createPureVerifier(), bounds: PURE_CACHE_LIMITS, promoted: false },
      // all 40 keys promoted at their 5th use, 24 of them evicted from the hot tier again; 40 comb tables for 24 slots
      { name: 'small tiers', verifier: createPureVerifier({ hotAfterUses: 5, hotMax: 16, combMax: 24, decodedMax: 8192 }), bounds: { hotAfterUses: 5, hotMax: 16, combMax: 24, decodedMax: 8192 }, promoted: true },
      // decoded keys evicted too (round robin over more keys than the cache holds: every use decodes again)
      { name: 'small decoded cache', verifier: createPureVerifier({ hotAfterUses: 3, hotMax: 4, combMax: 8, decodedMax: 32 }), bounds: { hotAfterUses: 3, hotMax: 4, combMax: 8, decodedMax: 32 }, promoted: false }
    ];
    for (const { name, verifier, bounds, promoted } of variants) {
      let ok = 0;
      let sawHot = false;
      for (const u of uses) {
        if (verify(verifier.backend, u.p, u.m, u.sg) === true) ok++;
        expect(verify(verifier.backend, u.other, u.m, u.sg), name).toBe(false);
        const sizes = verifier.cacheSizes();
        expect(sizes.hot, name).toBeLessThanOrEqual(bounds.hotMax);
        expect(sizes.comb, name).toBeLessThanOrEqual(bounds.combMax);
        expect(sizes.decoded, name).toBeLessThanOrEqual(bounds.decodedMax);
        if (sizes.hot > 0) sawHot = true;
      }
      expect(ok, name).toBe(240);
      expect(sawHot, name).toBe(promoted);
      // the batch path over the same uses, through a fresh cache with the same limits
      const batch = createPureVerifier(bounds).verifyAll(uses.length, (i) => ({ key: uses[i]!.p, msg: uses[i]!.m, sig: uses[i]!.sg }));
      expect(batch.reduce((a, b) => a + b, 0), name).toBe(240);
    }
  });
});

// A seeded corpus (self-contained; the 10,000 + 10,000 run is scripts/ed25519-agreement.ts, owned
// by the performance work): `count` valid signatures by 16 keys and `count` mutated ones.
interface Case { pub: Uint8Array; msg: Uint8Array; sig: Uint8Array; mutation: string }
function agreementCorpus(count: number, seed: number): { valid: Case[]; invalid: Case[] } {
  let st = seed >>> 0;
  const next = (): number => {
    st = (st + 0x9e3779b9) >>> 0;
    let z = st;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => next() & 255);
  const keys = Array.from({ length: 16 }, () => {
    const s = bytes(32);
    return { s, p: ed25519.getPublicKey(s) };
  });
  const flip = (b: Uint8Array): void => {
    const bit = next() % (b.length * 8);
    b[bit >> 3]! ^= 1 << (bit & 7);
  };
  const valid: Case[] = [];
  const invalid: Case[] = [];
  for (let i = 0; i < count; i++) {
    const ki = next() % keys.length;
    const k = keys[ki]!;
    const m = bytes(1 + (next() % 600));
    const sg = ed25519.sign(m, k.s);
    valid.push({ pub: k.p, msg: m, sig: sg, mutation: 'none' });
    const c: Case = { pub: k.p.slice(), msg: m.slice(), sig: sg.slice(), mutation: '' };
    switch (i % 8) {
      case 0: c.mutation = 'msg-bit'; flip(c.msg); break;
      case 1: c.mutation = 'r-bit'; flip(c.sig.subarray(0, 32)); break;
      case 2: c.mutation = 's-bit'; flip(c.sig.subarray(32)); break;
      case 3: c.mutation = 'key-bit'; flip(c.pub); break;
      case 4: {
        let s = 0n;
        for (let j = 63; j >= 32; j--) s = (s << 8n) | BigInt(c.sig[j]!);
        c.mutation = 's-plus-l';
        c.sig.set(le(s + L), 32); // S + L < 2^256 always (S < L < 2^253)
        break;
      }
      case 5: c.mutation = 'random-r'; c.sig.set(bytes(32), 0); break;
      case 6: c.mutation = 'other-key'; c.pub = keys[(ki + 1) % keys.length]!.p; break;
      default: c.mutation = 'small-order-r'; c.sig.set(SMALL_ORDER_ENCODINGS[next() % 8]!, 0);
    }
    invalid.push(c);
  }
  return { valid, invalid };
}

async function runAgreement(backends: Ed25519Backend[], cases: Case[]): Promise<{ backend: string; accepted: number; rejected: number; disagreements: number[] }[]> {
  const answers: boolean[][] = [];
  for (const b of backends) {
    const out: boolean[] = [];
    for (const c of cases) out.push(await verify(b, c.pub, c.msg, c.sig));
    answers.push(out);
  }
  return backends.map((b, j) => ({
    backend: b.name,
    accepted: answers[j]!.filter(Boolean).length,
    rejected: answers[j]!.filter((x) => !x).length,
    disagreements: answers[j]!.flatMap((x, i) => (x === answers[0]![i] ? [] : [i]))
  }));
}

describe('agreement on a seeded corpus (2,000 valid + 2,000 mutated; 10,000 in scripts/ed25519-agreement.ts)', () => {
  it('node:crypto, pure and WebCrypto give identical answers, all valid accepted, all mutated rejected', async () => {
    const { valid, invalid } = agreementCorpus(2000, 20261126);
    const results = await runAgreement([createNodeBackend(), pureBackend, createWebCryptoBackend()], [...valid, ...invalid]);
    for (const r of results) {
      expect(r.disagreements, r.backend).toEqual([]);
      expect(r.accepted, r.backend).toBe(2000);
      expect(r.rejected, r.backend).toBe(2000);
    }
    // The corpus exercises every mutation kind, and some mutated signatures reach the backends.
    expect(new Set(invalid.map((c) => c.mutation)).size).toBe(8);
    expect(invalid.filter((c) => precheck(c.pub, c.sig) === null).length).toBeGreaterThan(1000);
  });
});

describe('verifyAllPure (the pure backend over a whole batch)', () => {
  it('gives verify(pureBackend) verdicts item by item on the corpus, speccheck, Wycheproof and malformed items in one batch', () => {
    const { valid, invalid } = agreementCorpus(300, 7);
    const cases: ({ key: Uint8Array; msg: Uint8Array; sig: Uint8Array } | null)[] = [...valid, ...invalid].map((c) => ({ key: c.pub, msg: c.msg, sig: c.sig }));
    for (const c of spec as { pub_key: string; message: string; signature: string }[]) {
      cases.push({ key: fromHex(c.pub_key)!, msg: fromHex(c.message)!, sig: fromHex(c.signature)! });
    }
    let wpValid = 0;
    for (const g of wycheproof.testGroups) {
      for (const t of g.tests) {
        cases.push({ key: fromHex(g.publicKey.pk)!, msg: fromHex(t.msg)!, sig: fromHex(t.sig) ?? new Uint8Array(0) });
        if (t.result === 'valid') wpValid++;
      }
    }
    cases.splice(17, 0, null);
    cases.splice(301, 0, null);
    pureBackend.clearCache();
    const want = cases.map((c) => (c !== null && verify(pureBackend, c.key, c.msg, c.sig) === true ? 1 : 0));
    expect(want.filter((v) => v === 1).length).toBe(301 + wpValid); // 300 valid, speccheck case 3, Wycheproof's valid
    pureBackend.clearCache();
    expect(Array.from(verifyAllPure(cases.length, (i) => cases[i]!))).toEqual(want);
    expect(Array.from(verifyAllPure(cases.length, (i) => cases[i]!))).toEqual(want); // warm key cache
    expect(verifyAllPure(0, () => null).length).toBe(0);
  });
});

describe('docs/BUNDLE_FORMAT.md §7.4 worked examples', () => {
  it('every example in the spec gets the verdict the spec states, on every backend', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/BUNDLE_FORMAT.md', import.meta.url), 'utf8');
    const s7 = doc.slice(doc.indexOf('### 7.4'), doc.indexOf('## 8.'));
    const cases: { a: string; m: string; sig: string; want: string }[] = [];
    for (const b of s7.match(/```\n[\s\S]*?```/g) ?? []) {
      for (const chunk of b.split(/\n\n/)) {
        const get = (k: string) => new RegExp(`^${k} +(\\S+)`, 'm').exec(chunk)?.[1];
        const a = get('A');
        if (!a) continue;
        const m = /^M {3}\(empty\)/m.test(chunk) ? '' : get('M')!;
        const sig = get('sig') ?? get('R')! + get('S')!;
        const want = /→ accept/.test(chunk) ? 'accept' : /→ reject \(step 7\)/.test(chunk) ? 'equation' : /→ ([a-z-]+)/.exec(chunk)![1]!;
        cases.push({ a, m, sig, want });
      }
    }
    expect(cases).toHaveLength(8);
    for (const backend of [pureBackend, createNodeBackend(), createWebCryptoBackend()]) {
      for (const c of cases) {
        const pre = precheck(hex(c.a), hex(c.sig));
        const ok = await verify(backend, hex(c.a), hex(c.m), hex(c.sig));
        const got = ok ? 'accept' : (pre ?? 'equation');
        expect(got, `${backend.name} ${c.a.slice(0, 8)}`).toBe(c.want);
      }
    }
  });
});

describe('verify with a misbehaving backend', () => {
  it('an answer that is neither boolean nor promise is a rejection', () => {
    const odd = { name: 'odd', verifyRaw: () => 1 as unknown as boolean };
    expect(verify(odd, pub, msg, sig)).toBe(false);
  });
});
