// Run a TypeScript script under Node 20 (which cannot run .ts): bundle it with esbuild into
// bench/cache/run-ts/ (gitignored), dependencies left as imports, then execute it with the same
// arguments. `node bench/run-ts.mjs scripts/ed25519-agreement.ts --no-browser`
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { basename, join, resolve } from 'node:path';

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node bench/run-ts.mjs FILE.ts [args...]');
  process.exit(2);
}
const root = resolve(new URL('..', import.meta.url).pathname);
const outfile = join(root, 'bench/cache/run-ts', basename(entry).replace(/\.ts$/, '.mjs'));
await build({ entryPoints: [resolve(entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'error', alias: { $lib: join(root, 'src/lib') } });
const r = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
