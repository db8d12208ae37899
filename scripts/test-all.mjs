// `npm test`: every check CI runs, in order, stopping at the first failure.
import { spawnSync } from 'node:child_process';

const steps = [
  ['lint', 'npm', ['run', '-s', 'lint']],
  ['check', 'npm', ['run', '-s', 'check']],
  ['unit', 'npx', ['vitest', 'run']]
];
for (const [name, cmd, args] of steps) {
  console.error(`\n=== npm test: ${name} ===`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm test: step '${name}' failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
}
