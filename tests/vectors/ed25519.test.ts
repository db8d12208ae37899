// Ed25519 acceptance rule against third-party vectors (BUNDLE_FORMAT.md §7): Wycheproof (all 151
// agree), ed25519-speccheck (only case 3 accepted: the libsodium row), RFC 8032 §7.1. Each runs on
// the pure backend, node:crypto and Node's WebCrypto, all through the same prechecks.
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { hex, readJson, readText } from './load';
import { pureBackend, verify, type Ed25519Backend } from '../../src/lib/core/ed25519';
import { createNodeBackend } from '../../src/cli/ed25519-node';
import { createWebCryptoBackend } from '../../src/lib/worker/ed25519-webcrypto';
import { toHex } from '../../src/lib/core/bytes';

const backends: Ed25519Backend[] = [pureBackend, createNodeBackend(), createWebCryptoBackend()];

interface Wycheproof {
  numberOfTests: number;
  testGroups: { publicKey: { pk: string }; tests: { tcId: number; msg: string; sig: string; result: 'valid' | 'invalid'; comment: string }[] }[];
}
const wp = readJson<Wycheproof>('c2sp-wycheproof-ed25519', 'ed25519_test.json');
const wpCases = wp.testGroups.flatMap((g) => g.tests.map((t) => ({ ...t, pk: g.publicKey.pk })));

interface Speccheck { message: string; pub_key: string; signature: string }
const spec = readJson<Speccheck[]>('ed25519-speccheck', 'cases.json');

interface Rfc8032 { vectors: { name: string; secretKey: string; publicKey: string; message: string; signature: string }[] }
const rfc = readJson<Rfc8032>('rfc8032-ed25519', 'rfc8032-section-7.1.json');

describe.each(backends.map((b) => [b.name, b] as const))('backend %s', (_name, backend) => {
  it('Wycheproof ed25519: all 151 agree with the expected result', async () => {
    expect(wpCases.length).toBe(151);
    expect(wp.numberOfTests).toBe(151);
    const wrong: number[] = [];
    for (const t of wpCases) {
      const got = await verify(backend, hex(t.pk), hex(t.msg), hex(t.sig));
      if (got !== (t.result === 'valid')) wrong.push(t.tcId);
    }
    expect(wrong).toEqual([]);
  });

  it('ed25519-speccheck: the libsodium row X X X V X X X X X X X X', async () => {
    expect(spec).toHaveLength(12);
    const row: string[] = [];
    for (const c of spec) row.push((await verify(backend, hex(c.pub_key), hex(c.message), hex(c.signature))) ? 'V' : 'X');
    expect(row.join(' ')).toBe('X X X V X X X X X X X X');
    // The expected row is the upstream LibSodium row, read from the vector folder.
    const libsodium = /\|LibSodium\s*\|([^\n]*)/.exec(readText('ed25519-speccheck', 'results.md'))![1]!;
    expect(row.join(' ')).toBe(libsodium.split('|').map((s) => s.trim()).filter(Boolean).join(' '));
  });

  it('RFC 8032 §7.1: every vector verifies; the key and signature are reproduced by signing; tampering fails', async () => {
    expect(rfc.vectors).toHaveLength(5);
    for (const v of rfc.vectors) {
      const pub = hex(v.publicKey);
      const msg = hex(v.message);
      const sig = hex(v.signature);
      expect(toHex(ed25519.getPublicKey(hex(v.secretKey)))).toBe(v.publicKey);
      expect(toHex(ed25519.sign(msg, hex(v.secretKey)))).toBe(v.signature);
      expect(await verify(backend, pub, msg, sig)).toBe(true);
      const bad = sig.slice();
      bad[63]! ^= 0x01;
      expect(await verify(backend, pub, msg, bad)).toBe(false);
      const badMsg = Uint8Array.from([...msg, 0]);
      expect(await verify(backend, pub, badMsg, sig)).toBe(false);
    }
  });
});
