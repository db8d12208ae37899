// Bench ledgers (issue 7): generated once with the reference issuer (`atlas generate`) and cached
// under bench/cache/ (gitignored) between runs. The cache key is the generator's version (a hash of
// the issuer's and core's source files: the issuer computes the derived events with core's economy,
// so a change to either can change the bytes) plus the arguments. A 1M-event ledger takes about
// 40 minutes to generate on this machine when it is busy.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

export const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
export const CACHE = join(ROOT, 'bench', 'cache');

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else if (/\.(ts|mjs|js|json)$/.test(name) && !/\.test\.ts$/.test(name)) out.push(p);
  }
  return out.sort();
}

/** Hash of the generator: the issuer's sources (not its tamper library) and core's. */
export function generatorVersion() {
  const h = createHash('sha256');
  for (const f of [...listFiles(join(ROOT, 'src/issuer')).filter((f) => !f.includes('/tamper')), ...listFiles(join(ROOT, 'src/lib/core'))]) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

/** The directory of a generated ledger of `events` events from `seed`, generating it if needed. */
export function ensureLedger(events, seed = 7, log = console.error, { fresh = false } = {}) {
  const args = ['generate', '--events', String(events), '--seed', String(seed)];
  const key = createHash('sha256').update(generatorVersion()).update(JSON.stringify(args)).digest('hex').slice(0, 16);
  const dir = join(CACHE, `ledger-${events}-s${seed}-${key}`);
  const done = join(dir, '.complete');
  if (existsSync(done) && !fresh) return { dir, cached: true, key };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(CACHE, { recursive: true });
  log(`bench: generating ${events} events (seed ${seed}) into ${relative(ROOT, dir)} ...`);
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/cli/atlas.mjs'), ...args.slice(0, 1), '--out', join(dir, 'bundle'), ...args.slice(1)], {
    stdio: ['ignore', 'inherit', 'inherit'],
    cwd: ROOT
  });
  if (r.status !== 0) throw new Error(`atlas generate failed (exit ${r.status})`);
  writeFileSync(done, JSON.stringify({ events, seed, generator: generatorVersion(), seconds: (performance.now() - t0) / 1000 }));
  return { dir, cached: false, key };
}

/** The bundle directory inside a cached ledger. */
export const bundleDir = (ledger) => join(ledger.dir, 'bundle');

/** Remove cached ledgers whose generator version no longer matches (keeps the cache small). */
export function pruneCache(keep) {
  if (!existsSync(CACHE)) return;
  for (const name of readdirSync(CACHE)) {
    if (name.startsWith('ledger-') && !keep.has(join(CACHE, name))) rmSync(join(CACHE, name), { recursive: true, force: true });
  }
}
