#!/usr/bin/env node
// `npx atlas …`: runs the bundled CLI built by scripts/build-cli.mjs (npm ci runs it via prepare).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/cli/atlas.mjs', import.meta.url);
if (!existsSync(fileURLToPath(built))) {
  process.stderr.write('atlas: the CLI is not built; run `npm run build:cli` (npm ci does it)\n');
  process.exit(2);
}
await import(built.href);
