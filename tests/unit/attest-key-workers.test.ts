// The AEGIS subject key check of §9.3 in the signature workers (issue 7: signature-batch.ts
// ATTEST_KEY_OK): a browser pool's worker marks a valid aegis.attest whose subject key passes the
// check, and the ordered pass checks only the others itself (the CLI's workers mark nothing). The marks are exactly the key check's verdicts, and
// reports with a pool equal the single-thread ones when an attested key is refused (not on the
// curve, small order, non-canonical), re-signed by the real AEGIS key so only the key check can tell.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { sequentialVerifier } from '../../src/lib/core/report';
import { SMALL_ORDER_ENCODINGS, checkSubjectKey, verify } from '../../src/lib/core/ed25519';
import { inProcessWorker } from './in-process-worker';
import { SignaturePool, type WorkerLike } from '../../src/lib/worker/pool/signature-pool';
import { createWebCryptoBackend } from '../../src/lib/worker/ed25519-webcrypto';
import { ATTEST_KEY_OK, EventLines, answerPacked, attestKeyAcceptable, packEventLines } from '../../src/lib/core/signature-batch';
import { cutEventLine } from '../../src/lib/core/envelope';
import { EVENT_DOMAIN } from '../../src/lib/core/types';
import { fromBase64, toBase64, utf8 } from '../../src/lib/core/bytes';
import { nodeBackend } from '../../src/cli/ed25519-node';
import { CliSignaturePool } from '../../src/cli/pool/signature-pool';
import { generateBundle } from '../../src/issuer/generate';
import { TamperSource } from '../../src/issuer/tamper';
import { resignEnvelope } from '../../src/issuer/tamper/signing';
import type { Envelope } from '../../src/lib/core/types';
import { demoLines } from './demo-lines';
import { useSha256Backend } from '../../src/lib/core/hash';
import { nodeSha256Backend } from '../../src/cli/sha256-node';
import { reportOf } from './bundle-report';

const SEED = 'attest-key-workers';
let dir = '';
let source: TamperSource;
let pool: CliSignaturePool;
let browserPool: SignaturePool;
/** Marks answered by the browser-like workers (attestKeys), counted. */
let marked = 0;

/** A browser pool worker stand-in (in-process-worker.ts), with the browser worker's attestKeys. */
function fakeWorker(): WorkerLike {
  const web = createWebCryptoBackend(globalThis.crypto.subtle);
  return inProcessWorker(async () => ({ name: web.name, verifyOne: (k, m, sg) => verify(web, k, m, sg), keyed: web.keyed }), { attestKeys: true }, (msg) => {
    // an event batch's answer: one verdict per item, then 64 digest bytes per item
    if (msg.t === 'verdicts') for (const b of msg.verdicts.subarray(0, msg.verdicts.length / 65)) if (b === (1 | ATTEST_KEY_OK)) marked++;
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-attest-'));
  const outfile = join(dir, 'signature-worker.mjs');
  await build({ entryPoints: ['src/cli/pool/signature-worker.ts'], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile, logLevel: 'error' });
  await generateBundle({ out: join(dir, 'ledger'), events: 600, seed: SEED });
  source = await TamperSource.loadGenerated(join(dir, 'ledger'), SEED);
  pool = await CliSignaturePool.start({ threads: 2, backend: 'native', workerUrl: pathToFileURL(outfile), minChunk: 16 });
  browserPool = await SignaturePool.start({ threads: 2, createWorker: fakeWorker, minChunk: 16 });
});
afterAll(async () => {
  await pool?.close();
  browserPool?.close();
  rmSync(dir, { recursive: true, force: true });
});


/** A y not on the curve (about half of all y are not), canonical and not of small order. */
function offCurve(): Uint8Array {
  for (let i = 2; ; i++) {
    const b = new Uint8Array(32);
    b[0] = i;
    if (checkSubjectKey(b) === 'not-on-curve') return b;
  }
}

/** p + 1 as a 32-byte little-endian encoding: a non-canonical y. */
function nonCanonical(): Uint8Array {
  const b = new Uint8Array(32).fill(0xff);
  b[0] = 0xee;
  b[31] = 0x7f;
  return b;
}

describe('attestKeyAcceptable (what a worker marks)', () => {
  it('on every demo line: true exactly for the aegis.attest lines whose key passes the check', () => {
    let attests = 0;
    for (const line of demoLines()) {
      const env = JSON.parse(new TextDecoder().decode(line)) as Envelope;
      const want = env.type === 'aegis.attest' && checkSubjectKey(fromBase64((env.payload as { key: string }).key)!) === null;
      if (env.type === 'aegis.attest') attests++;
      expect(attestKeyAcceptable(line)).toBe(want);
    }
    expect(attests).toBeGreaterThan(100);
  });

  it('refused keys, other types and type strings elsewhere in the line are not marked', () => {
    const line = (type: string, key: string, extra = '') =>
      utf8(`{"epoch":0,"key":"${'A'.repeat(43)}=","payload":{"key":"${key}","kind":"user","subject":"u-1"${extra},"validFrom":0,"validUntil":4},"prev":"${'0'.repeat(64)}","seq":1,"sig":"${'A'.repeat(86)}==","signer":"aegis","type":"${type}","v":1}`);
    const good = toBase64(fromBase64('9Uhx68QIEt61I1Z7Pg+p/iMP+uxsJwbfNI8+JyvJH1Y=')!);
    expect(attestKeyAcceptable(line('aegis.attest', good))).toBe(true);
    for (const bad of [offCurve(), nonCanonical(), SMALL_ORDER_ENCODINGS[1]!]) expect(attestKeyAcceptable(line('aegis.attest', toBase64(bad)))).toBe(false);
    expect(attestKeyAcceptable(line('aegis.attest', good.slice(0, 40)))).toBe(false);
    expect(attestKeyAcceptable(line('aegis.revoke', good))).toBe(false);
    expect(attestKeyAcceptable(line('aegis.revoke', good, ',"note":"\\"type\\":\\"aegis.attest\\""'))).toBe(false);
    expect(attestKeyAcceptable(line('aegis.attest', good).subarray(0, 300))).toBe(false); // not JSON
  });

  it('answerPacked marks only items whose signature verified', () => {
    const lines = demoLines().filter((l) => attestKeyAcceptable(l)).slice(0, 4);
    const batch = new EventLines(lines.length);
    for (const line of lines) expect(cutEventLine(line, batch)).toBe(true);
    const packed = packEventLines(batch);
    expect(Array.from(answerPacked(packed, Uint8Array.of(1, 0, 1, 0), true).subarray(0, 4))).toEqual([1 | ATTEST_KEY_OK, 0, 1 | ATTEST_KEY_OK, 0]);
    // a worker not asked to (the CLI's) marks nothing
    expect(Array.from(answerPacked(packed, Uint8Array.of(1, 0, 1, 0)).subarray(0, 4))).toEqual([1, 0, 1, 0]);
  });

  it('answerPacked gives the same bytes with the pure SHA-256 (digests written in place) as with an installed node:crypto one', () => {
    // demo lines of every kind, attestations among them, an empty line and lines past the pure path's first scratch size
    const lines = [...demoLines().slice(0, 300), new Uint8Array(0), new Uint8Array(5000).fill(0x7b), new Uint8Array(1023).fill(0x22)];
    const attests = lines.filter((l) => attestKeyAcceptable(l)).length;
    expect(attests).toBeGreaterThan(3);
    // any cut of any line: the message is the domain and the line without [start, end)
    const batch = new EventLines(lines.length);
    lines.forEach((line, i) => {
      const start = (i * 13) % (line.length + 1);
      batch.add(line, new Uint8Array(32).fill(i % 7), new Uint8Array(64), start, start + ((i * 7) % (line.length - start + 1)));
    });
    const packed = packEventLines(batch);
    const verdicts = Uint8Array.from(lines, (_, i) => (i % 3 === 2 ? 0 : 1));
    const pure = answerPacked(packed, verdicts, true);
    const prev = useSha256Backend(nodeSha256Backend);
    let viaNode: Uint8Array;
    try {
      viaNode = answerPacked(packed, verdicts, true);
    } finally {
      useSha256Backend(prev);
    }
    expect(Buffer.from(pure).equals(Buffer.from(viaNode))).toBe(true);
    expect(Array.from(pure.subarray(0, lines.length)).filter((v) => v === (1 | ATTEST_KEY_OK)).length).toBeGreaterThan(0);
    expect(Buffer.from(pure.subarray(lines.length + 64 * 301 + 32, lines.length + 64 * 302)).toString('hex')).toBe(createHash('sha256').update(Buffer.concat([Buffer.of(0), Buffer.alloc(5000, 0x7b)])).digest('hex'));
    // the event id of the 5000-byte line (a message longer than the reader's first buffer)
    const [s0, s1] = [batch.cuts[2 * 301]!, batch.cuts[2 * 301 + 1]!];
    expect(s1 - s0).toBeGreaterThan(0);
    const msg = Buffer.concat([Buffer.from(EVENT_DOMAIN), Buffer.alloc(5000 - (s1 - s0), 0x7b)]);
    expect(Buffer.from(pure.subarray(lines.length + 64 * 301, lines.length + 64 * 301 + 32)).toString('hex')).toBe(createHash('sha256').update(msg).digest('hex'));
  });
});

describe('a refused attested key: pools and single thread agree', () => {
  it('honest ledger: the browser-like workers mark the attested keys, and the reports are equal', async () => {
    const before = marked;
    const single = await reportOf(source.bundle, sequentialVerifier(nodeBackend), 'stop');
    expect(single.ok).toBe(true);
    expect(await reportOf(source.bundle, browserPool, 'stop', 37)).toEqual(single);
    expect(await reportOf(source.bundle, pool, 'stop', 37)).toEqual(single);
    const attests = [...source.bundle.envelopes()].filter((e) => e.type === 'aegis.attest').length;
    expect(marked - before).toBe(attests);
  });

  const kinds: Array<[string, () => Uint8Array]> = [
    ['not on the curve', offCurve],
    ['small order', () => SMALL_ORDER_ENCODINGS[3]!],
    ['non-canonical', nonCanonical]
  ];
  kinds.forEach(([name, key], k) => {
    it(`${name}: aegis.invalid at the same seq, identical reports in stop and audit mode`, async () => {
      const events = [...source.bundle.envelopes()];
      const attests = events.flatMap((e, i) => (e.type === 'aegis.attest' && i > 20 ? [i] : []));
      const seq = attests[(7 * k + 3) % attests.length]!;
      const b = source.bundle.clone();
      const e = events[seq]!;
      b.setEnvelope(seq, resignEnvelope({ ...e, payload: { ...(e.payload as object), key: toBase64(key()) } } as Envelope, source.keys));
      const single = await reportOf(b, sequentialVerifier(nodeBackend), 'stop', 37);
      expect(single.failures[0]).toMatchObject({ code: 'aegis.invalid', seq });
      for (const p of [browserPool, pool]) expect(await reportOf(b, p, 'stop', 37)).toEqual(single);
      const audit = await reportOf(b, sequentialVerifier(nodeBackend), 'audit');
      expect(audit.failures.some((f) => f.code === 'aegis.invalid' && f.seq === seq)).toBe(true);
      for (const p of [browserPool, pool]) expect(await reportOf(b, p, 'audit')).toEqual(audit);
    });
  });
});
