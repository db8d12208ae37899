// The `atlas` CLI end to end, built from the current sources into a temp dir: generate → verify
// (full economy replay) on a 1,500-event ledger, byte-identical regeneration, exit codes 0/1/2,
// --json shape, pinned trust, http(s) bundles, entry/proof/vkey output checked with core.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustPolicy } from '../../src/lib/core/trust-policy';
import { verifyTlogProof } from '../../src/lib/core/tlog-proof';
import { pureBackend } from '../../src/lib/core/ed25519';
import { readDir, locateSeq, segmentLines } from './ledger-fixture';

const ROOT = resolve(__dirname, '../..');
let work = '';
let cli = '';
let ledger = '';

function atlas(...args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: work, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, out: r.stdout.toString(), err: r.stderr.toString() };
}
function atlasAsync(...args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, [cli, ...args], { cwd: work });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => res({ code, out, err }));
  });
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'atlas-cli-'));
  const common = { bundle: true, platform: 'node' as const, format: 'esm' as const, target: 'node20', logLevel: 'silent' as const };
  await build({ ...common, entryPoints: [join(ROOT, 'src/cli/main.ts')], outfile: join(work, 'atlas.mjs') });
  await build({ ...common, entryPoints: [join(ROOT, 'src/cli/pool/signature-worker.ts')], outfile: join(work, 'signature-worker.mjs') });
  cli = join(work, 'atlas.mjs');
  ledger = join(work, 'ledger');
  const g = atlas('generate', '--out', ledger, '--events', '1500', '--seed', '7');
  expect(g.err).toContain('1500 events');
  expect(g.code).toBe(0);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('atlas generate', () => {
  it('writes exactly N events and the same bytes for the same arguments', () => {
    const again = join(work, 'again');
    expect(atlas('generate', '--out', again, '--events', '1500', '--seed', '7', '--quiet').code).toBe(0);
    const a = readDir(ledger);
    const b = readDir(again);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [k, v] of a) expect(Buffer.compare(Buffer.from(v), Buffer.from(b.get(k)!)), k).toBe(0);
    expect(readFileSync(join(again, 'trust.json'), 'utf8')).toBe(readFileSync(join(ledger, 'trust.json'), 'utf8'));
    const m = JSON.parse(readFileSync(join(ledger, 'manifest.json'), 'utf8'));
    expect(m.events).toBe(1500);
    const other = join(work, 'other');
    expect(atlas('generate', '--out', other, '--events', '1500', '--seed', '8', '--quiet').code).toBe(0);
    expect(readFileSync(join(other, 'manifest.json'), 'utf8')).not.toBe(readFileSync(join(ledger, 'manifest.json'), 'utf8'));
  });

  it('refuses bad arguments with one line and exit 2', () => {
    const r = atlas('generate', '--out', join(work, 'x'), '--events', 'ten', '--seed', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain('--events');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});

describe('atlas verify', () => {
  it('--json: ok with every event, signature and checkpoint, the economy replayed', () => {
    const r = atlas('verify', ledger, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, format: 'qfs-ledger-bundle/1', events: 1500, failures: [] });
    const m = JSON.parse(readFileSync(join(ledger, 'manifest.json'), 'utf8'));
    expect(j.epochs).toBe(m.epochs);
    expect(j.checkpointsVerified).toBe(m.epochs);
    expect(j.signaturesVerified).toBe(1500 + 3 * m.epochs);
    expect(j.drift).toEqual([]);
    expect(j.trust.source).toBe('bundle');
  });

  it('says where trust came from, and refuses a pin that differs', () => {
    expect(atlas('verify', ledger).out).toContain('trust: from the bundle itself (not pinned)');
    const pinned = atlas('verify', join(ledger, 'manifest.json'), '--trust', join(ledger, 'trust.json'));
    expect(pinned.code).toBe(0);
    expect(pinned.out).toContain('trust: pinned');
    const trust = JSON.parse(readFileSync(join(ledger, 'trust.json'), 'utf8'));
    trust.aegis = trust.governance;
    writeFileSync(join(work, 'other-trust.json'), JSON.stringify(trust));
    const bad = atlas('verify', ledger, '--json', '--trust', join(work, 'other-trust.json'));
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).failures[0]).toMatchObject({ code: 'trust.mismatch', seq: null });
  });

  it('exit 1 with the exact failure on a tampered bundle; --audit lists more', () => {
    const t = join(work, 'tampered');
    cpSync(ledger, t, { recursive: true });
    const m = JSON.parse(readFileSync(join(t, 'manifest.json'), 'utf8'));
    const seg = join(t, m.segments[0].path);
    const bytes = readFileSync(seg);
    const lines = bytes.toString().split('\n');
    const at = lines.slice(0, 700).join('\n').length + 1 + lines[700]!.indexOf('"sig":"') + 12;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(seg, bytes);
    const r = atlas('verify', t, '--json');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j.ok).toBe(false);
    expect(j.failures[0]).toMatchObject({ seq: 700, code: 'sig.invalid' });
    expect(typeof j.failures[0].message).toBe('string');
    const audit = JSON.parse(atlas('verify', t, '--json', '--audit').out);
    expect(audit.failures.length).toBeGreaterThan(1);
    expect(audit.failures[0]).toMatchObject({ seq: 700, code: 'sig.invalid' });
    expect(audit.failures.at(-1).code).toBe('segment.hash-mismatch');
    const text = atlas('verify', t);
    expect(text.out).toContain('INVALID');
    expect(text.out).toContain('seq 700  sig.invalid');
  });

  it('exit 2 with one line for usage and I/O errors', () => {
    for (const args of [['verify'], ['verify', join(work, 'no-such-dir')], ['verify', ledger, '--bogus'], ['nonsense']]) {
      const r = atlas(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().length).toBeGreaterThan(0);
      expect(r.err).not.toMatch(/\n\s+at /);
    }
    const empty = mkdtempSync(join(work, 'empty-'));
    const r = atlas('verify', empty);
    expect(r.code).toBe(2);
    expect(r.err).toContain('manifest.json');
  });

  it('verifies a bundle served over http', async () => {
    const server: Server = createServer((req, res) => {
      const p = join(ledger, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
      try {
        const body = readFileSync(p);
        res.writeHead(200);
        res.end(body);
      } catch {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const r = await atlasAsync('verify', `http://127.0.0.1:${port}/manifest.json`, '--json', '--authenticity-only');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toMatchObject({ ok: true, events: 1500 });
      const missing = await atlasAsync('verify', `http://127.0.0.1:${port}/nothing-here/`);
      expect(missing.code).toBe(2);
    } finally {
      server.close();
    }
  });
});

describe('atlas entry / proof / vkey', () => {
  it('entry writes the exact line bytes; proof is a tlog-proof that verifies under the trust policy', async () => {
    const files = readDir(ledger);
    const trust = JSON.parse(readFileSync(join(ledger, 'trust.json'), 'utf8'));
    const policy = parseTrustPolicy(trust.policy);
    if (!policy.ok) throw new Error(policy.message);
    const origin = JSON.parse(readFileSync(join(ledger, 'manifest.json'), 'utf8')).origin;
    for (const seq of [733, 1499]) {
      const e = atlas('entry', ledger, '--seq', String(seq));
      expect(e.code).toBe(0);
      const { path, line } = locateSeq(files, seq);
      expect(e.stdout.toString()).toBe(segmentLines(files, path)[line]);
      const p = atlas('proof', ledger, '--seq', String(seq));
      expect(p.code).toBe(0);
      expect(p.out.startsWith(`c2sp.org/tlog-proof@v1\nindex ${seq}\n`)).toBe(true);
      const v = await verifyTlogProof(p.out, new Uint8Array(e.stdout), policy.value, pureBackend, { origin });
      expect(v.ok).toBe(true);
      const other = await verifyTlogProof(p.out, new TextEncoder().encode('x'), policy.value, pureBackend, { origin });
      expect(other.ok).toBe(false);
    }
    expect(atlas('entry', ledger, '--seq', '1500').code).toBe(2);
    expect(atlas('vkey', ledger).out.trim()).toBe(policy.value.logs[0]!.vkeyText);
  });
});
