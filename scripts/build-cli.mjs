// Builds the `atlas` CLI: one ESM bundle for Node 20 (dist/cli/atlas.mjs) plus the signature
// worker the thread pool loads (dist/cli/signature-worker.mjs). `npm ci` runs it through `prepare`.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', format: 'esm', target: 'node20', sourcemap: false, logLevel: 'warning', legalComments: 'none' };
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/atlas.mjs' });
await build({ ...common, entryPoints: ['src/cli/pool/signature-worker.ts'], outfile: 'dist/cli/signature-worker.mjs' });
console.error('built dist/cli/atlas.mjs and dist/cli/signature-worker.mjs');
