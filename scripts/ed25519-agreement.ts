// Fast and fallback Ed25519 paths agree (issue 7 "Done when"; BUNDLE_FORMAT.md §7):
// every backend, behind core's prechecks, gives the same verdict on
//   - every third-party vector (Wycheproof 151, ed25519-speccheck 12, RFC 8032 §7.1), checked
//     against the vectors' own expectations (speccheck: only case 3 is accepted);
//   - 10,000 random valid and 10,000 random invalid signatures (seeded, so reproducible), the
//     invalid ones spread over the kinds the rule is about: tampered message/R/S/key, S + L,
//     small-order R or A, non-canonical R, wrong key, wrong lengths, mixed-order R (accepted by
//     ZIP-215, rejected cofactorless) and mixed-order A (cofactorless accepts when 8 | k);
// in Node (pure JS, node:crypto, Node's WebCrypto) and in Chromium (WebCrypto and pure JS, run in
// a page by bench/page/agreement.ts). Exit 0 only if all agree.
//
// Run: `npm run agreement` (bundles this file with esbuild; about a minute on 2 busy cores).
// Options: --random N (default 10000 of each), --no-browser.
// tests/unit/ed25519.test.ts runs `agreementCorpus` + `runAgreement` on a smaller seeded corpus.

import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { L, SMALL_ORDER_ENCODINGS, pureBackend, verify, verifyAllPure, type Ed25519Backend } from '../src/lib/core/ed25519';
import { fromHex, toHex } from '../src/lib/core/bytes';
import { createNodeBackend } from '../src/cli/ed25519-node';
import { createWebCryptoBackend } from '../src/lib/worker/ed25519-webcrypto';
import { packSignatures, verifyPackedKeyed, type KeyedBackend } from '../src/lib/core/signature-batch';

export interface AgreementCase {
  name: string;
  pub: Uint8Array;
  msg: Uint8Array;
  sig: Uint8Array;
  /** The expected verdict: the vector's own, or by construction for generated cases. */
  want: boolean;
  /** For generated invalid cases: what was done to a valid signature. */
  mutation?: string;
}

const mk = (name: string, pub: string, msg: string, sig: string, want: boolean): AgreementCase => ({ name, pub: fromHex(pub)!, msg: fromHex(msg)!, sig: fromHex(sig)!, want });

const ROOT = process.cwd();

// -- the cases ------------------------------------------------------------------------------

function vectorCases(): AgreementCase[] {
  const out: AgreementCase[] = [];
  const wp = JSON.parse(readFileSync(join(ROOT, 'tests/vectors/c2sp-wycheproof-ed25519/ed25519_test.json'), 'utf8'));
  for (const g of wp.testGroups) {
    for (const t of g.tests) out.push(mk(`wycheproof#${t.tcId}`, g.publicKey.pk, t.msg, t.sig, t.result === 'valid'));
  }
  const sc = JSON.parse(readFileSync(join(ROOT, 'tests/vectors/ed25519-speccheck/cases.json'), 'utf8'));
  sc.forEach((c: { message: string; pub_key: string; signature: string }, i: number) =>
    out.push(mk(`speccheck#${i}`, c.pub_key, c.message, c.signature, i === 3))
  );
  const rfc = JSON.parse(readFileSync(join(ROOT, 'tests/vectors/rfc8032-ed25519/rfc8032-section-7.1.json'), 'utf8'));
  for (const v of rfc.vectors) out.push(mk(`rfc8032 ${v.name}`, v.publicKey, v.message, v.signature, true));
  return out;
}

/** mulberry32: a small seeded PRNG, enough to make the random cases reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const le = (b: Uint8Array): bigint => b.reduceRight((v, x) => (v << 8n) | BigInt(x), 0n);
const toLE = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));
const modL = (n: bigint): bigint => ((n % L) + L) % L;

/**
 * A seeded corpus: `n` valid signatures and `n` invalid ones spread over 12 kinds of mutation (all
 * invalid under the rule by construction). Signers are heavy-tailed like a ledger's, so both the
 * cold path and the hot-key precomputed tables of the pure backend are exercised.
 */
export function agreementCorpus(n: number, seed: number): { valid: AgreementCase[]; invalid: AgreementCase[]; torsionKeyAccepted: AgreementCase[] } {
  const rnd = prng(seed);
  const bytes = (len: number) => Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
  const signers = Array.from({ length: 500 }, () => {
    const seedBytes = bytes(32);
    const priv = createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seedBytes]), format: 'der', type: 'pkcs8' });
    const spki = createPublicKey(priv).export({ format: 'der', type: 'spki' });
    return { seedBytes, priv, pub: new Uint8Array(spki.subarray(spki.length - 32)) };
  });
  const pick = () => signers[Math.floor(signers.length * rnd() ** 3)]!;
  const T8 = ed25519.Point.fromBytes(SMALL_ORDER_ENCODINGS[4]!); // a point of order 8
  const hashK = (R: Uint8Array, A: Uint8Array, m: Uint8Array) => modL(le(sha512(new Uint8Array([...R, ...A, ...m]))));
  /** An honest-looking signature for key A + T8 (torsion added); cofactorless accepts iff 8 | k. */
  const torsionKeySig = (s: (typeof signers)[number], m: Uint8Array, wantAccept: boolean) => {
    const { scalar: a, point: A } = ed25519.utils.getExtendedPublicKey(s.seedBytes);
    const key = A.add(T8).toBytes();
    for (;;) {
      const r = modL(le(bytes(32))) || 1n;
      const R = ed25519.Point.BASE.multiply(r).toBytes();
      const k = hashK(R, key, m);
      if ((k % 8n === 0n) === wantAccept) return { key, sig: new Uint8Array([...R, ...toLE(modL(r + k * a))]) };
    }
  };
  const valid: AgreementCase[] = [];
  for (let i = 0; i < n; i++) {
    const s = pick();
    const msg = bytes(1 + Math.floor(rnd() * 500));
    valid.push({ name: `valid#${i}`, pub: s.pub, msg, sig: new Uint8Array(sign(null, msg, s.priv)), want: true });
  }
  const invalid: AgreementCase[] = [];
  const KINDS = 12;
  for (let i = 0; i < n; i++) {
    const s = pick();
    const msg = bytes(1 + Math.floor(rnd() * 500));
    let sig: Uint8Array = new Uint8Array(sign(null, msg, s.priv));
    let key: Uint8Array = s.pub;
    let mutation = '';
    switch (i % KINDS) {
      case 0: mutation = 'msg-bit'; msg[Math.floor(rnd() * msg.length)]! ^= 1 << Math.floor(rnd() * 8); break;
      case 1: mutation = 'r-bit'; sig[Math.floor(rnd() * 32)]! ^= 1 << Math.floor(rnd() * 8); break;
      case 2: mutation = 's-bit'; sig[32 + Math.floor(rnd() * 32)]! ^= 1 << Math.floor(rnd() * 8); break;
      case 3: mutation = 'key-bit'; key = key.slice(); key[Math.floor(rnd() * 32)]! ^= 1 << Math.floor(rnd() * 8); break;
      case 4: mutation = 's-plus-l'; sig.set(toLE(le(sig.subarray(32)) + L), 32); break; // S < L < 2^253, so S + L fits
      case 5: mutation = 'small-order-r'; sig.set(SMALL_ORDER_ENCODINGS[Math.floor(rnd() * 8)]!, 0); break;
      case 6: mutation = 'small-order-a'; key = SMALL_ORDER_ENCODINGS[Math.floor(rnd() * 8)]!; break;
      case 7: mutation = 'noncanonical-r'; sig.set(fromHex('0100000000000000000000000000000000000000000000000000000000000080')!, 0); break;
      case 8: mutation = 'wrong-key'; key = signers[(signers.indexOf(s) + 1) % signers.length]!.pub; break;
      case 9:
        mutation = rnd() < 0.5 ? 'short-sig' : 'short-key';
        if (mutation === 'short-sig') sig = sig.subarray(0, 63);
        else key = key.subarray(0, 31);
        break;
      case 10: {
        // Mixed-order R: R = rB + T8, S = r + k·a. Cofactored (ZIP-215) accepts; cofactorless rejects.
        mutation = 'mixed-order-r';
        const { scalar: a } = ed25519.utils.getExtendedPublicKey(s.seedBytes);
        const r = modL(le(bytes(32))) || 1n;
        const R = ed25519.Point.BASE.multiply(r).add(T8).toBytes();
        sig = new Uint8Array([...R, ...toLE(modL(r + hashK(R, key, msg) * a))]);
        break;
      }
      case 11: {
        mutation = 'torsion-key'; // key A + T8 with 8 ∤ k: rejected by the cofactorless equation
        ({ key, sig } = torsionKeySig(s, msg, false));
        break;
      }
    }
    invalid.push({ name: `invalid/${mutation}#${i}`, pub: key, msg, sig, want: false, mutation });
  }
  // The other side of the torsion-key case: with 8 | k the cofactorless equation holds, the key is
  // canonical and not small-order, so the rule accepts (only pinned keys get the torsion check).
  const torsionKeyAccepted: AgreementCase[] = [];
  for (let i = 0; i < 16; i++) {
    const s = pick();
    const msg = bytes(64);
    const { key, sig } = torsionKeySig(s, msg, true);
    torsionKeyAccepted.push({ name: `torsion-key-8|k#${i}`, pub: key, msg, sig, want: true });
  }
  return { valid, invalid, torsionKeyAccepted };
}

// -- running backends ------------------------------------------------------------------------

export interface AgreementResult {
  backend: string;
  /** '1'/'0' per case. */
  verdicts: string;
  accepted: number;
  rejected: number;
  /** Names of the cases whose verdict differs from the expectation. */
  disagreements: string[];
}

function summarise(backend: string, verdicts: string, cases: readonly AgreementCase[]): AgreementResult {
  const accepted = [...verdicts].filter((x) => x === '1').length;
  const disagreements = cases.flatMap((c, i) => ((verdicts[i] === '1') !== c.want ? [c.name] : []));
  return { backend, verdicts, accepted, rejected: verdicts.length - accepted, disagreements };
}

/** Every backend (behind core's `verify`, i.e. the prechecks) over every case. */
export async function runAgreement(backends: readonly Ed25519Backend[], cases: readonly AgreementCase[]): Promise<AgreementResult[]> {
  const out: AgreementResult[] = [];
  for (const b of backends) {
    let v = '';
    for (const c of cases) {
      const r = verify(b, c.pub, c.msg, c.sig);
      v += (typeof r === 'boolean' ? r : await r) ? '1' : '0';
    }
    out.push(summarise(b.name, v, cases));
  }
  return out;
}

/** The pure backend as the signature workers run it: whole batches of 512 through verifyAllPure. */
export function pureBatchVerdicts(cases: ReadonlyArray<{ pub: Uint8Array; msg: Uint8Array; sig: Uint8Array }>, batch = 512): string {
  let v = '';
  for (let o = 0; o < cases.length; o += batch) {
    const part = cases.slice(o, o + batch);
    for (const x of verifyAllPure(part.length, (i) => ({ key: part[i]!.pub, msg: part[i]!.msg, sig: part[i]!.sig }))) v += x === 1 ? '1' : '0';
  }
  return v;
}

/** WebCrypto as the browser's signature workers run it (or another keyed backend: node:crypto as the CLI's do): packed batches through verifyPackedKeyed (one byte per case). */
export async function keyedVerdicts(cases: ReadonlyArray<{ pub: Uint8Array; msg: Uint8Array; sig: Uint8Array }>, batch = 512, keyed: KeyedBackend<unknown> = createWebCryptoBackend(globalThis.crypto.subtle).keyed): Promise<string> {
  let v = '';
  for (let o = 0; o < cases.length; o += batch) {
    const p = packSignatures(cases.slice(o, o + batch).map((c) => ({ key: c.pub, msg: c.msg, sig: c.sig })));
    for (const x of await verifyPackedKeyed(p, keyed)) v += x === 1 ? '1' : '0';
  }
  return v;
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Serve `dir` on 127.0.0.1 (random port). */
function serveDir(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    const file = join(dir, name);
    if (!['index.html', 'agreement.js', 'cases.json'].includes(name)) return void res.writeHead(404).end();
    const type = name.endsWith('.js') ? 'text/javascript' : name.endsWith('.html') ? 'text/html' : 'application/json';
    res.writeHead(200, { 'content-type': type, 'content-length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      ok({ url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((c) => server.close(() => c())) });
    })
  );
}

/** Run bench/page/agreement.ts in headless Chromium: verdicts of its WebCrypto and pure backends. */
async function browserVerdicts(cases: readonly AgreementCase[]): Promise<{ userAgent: string; results: Record<string, string> }> {
  const { build } = await import('esbuild');
  const { chromium } = await import('playwright-core');
  const dir = mkdtempSync(join(tmpdir(), 'atlas-agree-'));
  try {
    await build({ entryPoints: [join(ROOT, 'bench/page/agreement.ts')], bundle: true, format: 'esm', target: 'es2022', outfile: join(dir, 'agreement.js'), logLevel: 'error', alias: { $lib: join(ROOT, 'src/lib') } });
    writeFileSync(join(dir, 'index.html'), '<!doctype html><meta charset="utf-8"><title>ed25519 agreement</title><script type="module" src="agreement.js"></script>');
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(cases.map((c) => [toHex(c.pub), toHex(c.msg), toHex(c.sig)])));
    const server = await serveDir(dir);
    const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`chromium: ${e.message}`));
      await page.goto(`${server.url}/index.html`);
      await page.waitForFunction(() => (globalThis as unknown as { __agreement?: unknown }).__agreement, null, { timeout: 600_000 });
      const res = (await page.evaluate(() => (globalThis as unknown as { __agreement: unknown }).__agreement)) as { error?: string; results: Record<string, string>; userAgent: string };
      if (res.error) throw new Error(`chromium: ${res.error}`);
      return res;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const random = Number(argv[argv.indexOf('--random') + 1] || 10_000) || 10_000;
  const corpus = agreementCorpus(random, 20261126);
  const vectors = vectorCases();
  const cases = [...vectors, ...corpus.torsionKeyAccepted, ...corpus.valid, ...corpus.invalid];
  console.log(`cases: ${vectors.length} vectors + ${corpus.torsionKeyAccepted.length} torsion-key accepts + ${random} random valid + ${random} random invalid = ${cases.length}`);
  const t0 = performance.now();
  const results = await runAgreement([createNodeBackend(), createWebCryptoBackend(globalThis.crypto.subtle), pureBackend], cases);
  results.push(summarise('pure-batch', pureBatchVerdicts(cases), cases));
  results.push(summarise('webcrypto-keyed', await keyedVerdicts(cases), cases));
  results.push(summarise('node-crypto-keyed', await keyedVerdicts(cases, 512, createNodeBackend().keyed), cases));
  results.forEach((r) => (r.backend = `node/${r.backend}`));
  console.log(`node: ${results.length} backends in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (!argv.includes('--no-browser')) {
    const t1 = performance.now();
    const b = await browserVerdicts(cases);
    for (const [k, v] of Object.entries(b.results)) results.push(summarise(`chromium/${k}`, v, cases));
    console.log(`chromium (${b.userAgent}): ${Object.keys(b.results).join(', ')} in ${((performance.now() - t1) / 1000).toFixed(1)} s`);
  }
  const ref = results[0]!.verdicts;
  let failures = 0;
  for (const r of results) {
    const diff = [...r.verdicts].flatMap((x, i) => (x !== ref[i] ? [cases[i]!.name] : []));
    console.log(`${r.backend.padEnd(20)} accepted ${r.accepted}/${cases.length}  differs from ${results[0]!.backend}: ${diff.length}  against expectations: ${r.disagreements.length}`);
    if (diff.length) console.log(`  first differences: ${diff.slice(0, 8).join(', ')}`);
    if (r.disagreements.length) console.log(`  first unexpected: ${r.disagreements.slice(0, 8).join(', ')}`);
    failures += diff.length + r.disagreements.length;
  }
  if (failures) {
    console.log(`FAIL: ${failures} disagreements`);
    process.exit(1);
  }
  console.log(`OK: ${results.length} backends agree on all ${cases.length} cases, and with every expectation`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main(process.argv.slice(2));
