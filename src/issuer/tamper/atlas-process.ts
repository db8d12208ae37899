// Running the `atlas` CLI as a child process, the way CI and auditors do (issue 6: the drills go
// "through the CLI"). The binary is the built bin/atlas.mjs of this checkout, run by the same Node.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Finding } from '../../lib/core/types';

/** The JSON `atlas verify --json` prints (the fields the drills read). */
export interface VerifyJson {
  ok: boolean;
  events: number;
  epochs?: number;
  signaturesVerified?: number;
  checkpointsVerified?: number;
  failures: Finding[];
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** bin/atlas.mjs of the checkout this module runs from (src/issuer/tamper or a bundled bin/). */
export function atlasBin(): string {
  if (process.env['ATLAS_BIN']) return resolve(process.env['ATLAS_BIN']);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'bin', 'atlas.mjs');
    if (existsSync(candidate) && existsSync(join(dir, 'package.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('cannot find bin/atlas.mjs above ' + fileURLToPath(import.meta.url) + '; set ATLAS_BIN');
}

/**
 * Pin the child `atlas` processes to a copy of the CLI bundle that is running now (dist/cli/atlas.mjs
 * and its signature worker), so that a rebuild of dist/ during a long drill cannot mix two versions
 * of the verifier and the issuer (which would show up as false alarms). No-op when not bundled.
 */
export function pinAtlas(workDir: string): string | null {
  const self = fileURLToPath(import.meta.url);
  if (basename(self) !== 'atlas.mjs' || !existsSync(join(dirname(self), 'signature-worker.mjs'))) return null;
  const dir = join(workDir, 'atlas-cli');
  mkdirSync(dir, { recursive: true });
  for (const f of ['atlas.mjs', 'signature-worker.mjs']) copyFileSync(join(dirname(self), f), join(dir, f));
  process.env['ATLAS_BIN'] = join(dir, 'atlas.mjs');
  return process.env['ATLAS_BIN'];
}

/** Run `atlas ...args`; resolves with the exit code and output (never rejects on a non-zero exit). */
export function runAtlas(args: readonly string[], opts: { binary?: boolean } = {}): Promise<RunResult> {
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [atlasBin(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code) => {
      const stdout = opts.binary ? Buffer.concat(out).toString('latin1') : Buffer.concat(out).toString('utf8');
      resolvePromise({ code: code ?? -1, stdout, stderr: Buffer.concat(err).toString('utf8'), ms: performance.now() - started });
    });
  });
}

/** `atlas verify DIR --json [--audit]`, parsed. Exit 0 must mean ok, 1 a verification failure. */
export async function atlasVerify(dir: string, audit: boolean): Promise<VerifyJson & { ms: number }> {
  const r = await runAtlas(['verify', dir, '--json', ...(audit ? ['--audit'] : [])]);
  if (r.code !== 0 && r.code !== 1) throw new Error(`atlas verify ${dir} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
  let v: VerifyJson;
  try {
    v = JSON.parse(r.stdout) as VerifyJson;
  } catch {
    throw new Error(`atlas verify ${dir} printed no JSON: ${r.stdout.slice(0, 200)}`);
  }
  if (v.ok !== (r.code === 0)) throw new Error(`atlas verify ${dir}: exit ${r.code} disagrees with ok=${v.ok}`);
  return { ...v, ms: r.ms };
}

/** `atlas generate --out DIR --events N --seed S`. */
export async function atlasGenerate(out: string, events: number, seed: number): Promise<number> {
  const r = await runAtlas(['generate', '--out', out, '--events', String(events), '--seed', String(seed)]);
  if (r.code !== 0) throw new Error(`atlas generate --events ${events} --seed ${seed} exited ${r.code}: ${r.stderr.trim()}`);
  return r.ms;
}
