// `npm test`: every check CI runs — lint (with the closed-system rule), type checks, unit and
// vector tests, the static build, end-to-end tests and drills in Chromium, and the quick CLI drills.
// Every step runs (a failed build skips only the steps that need it); the last line counts tests:
// "npm test: N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';

const out = 'test-results/npm-test';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const steps = [
  { name: 'lint', cmd: 'npm', args: ['run', '-s', 'lint'] },
  { name: 'check', cmd: 'npm', args: ['run', '-s', 'check'] },
  { name: 'cli build', cmd: 'node', args: ['scripts/build-cli.mjs'] },
  { name: 'demo ledger', cmd: 'npm', args: ['run', '-s', 'demo'] },
  {
    name: 'unit',
    cmd: 'npx',
    args: ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}/vitest.json`],
    counts: () => vitestCounts(`${out}/vitest.json`)
  },
  { name: 'build', cmd: 'npm', args: ['run', '-s', 'build'] },
  {
    name: 'e2e',
    needs: 'build',
    cmd: 'npx',
    args: ['playwright', 'test', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/e2e.json` },
    counts: () => playwrightCounts(`${out}/e2e.json`)
  },
  {
    name: 'browser drills',
    needs: 'build',
    cmd: 'npx',
    args: ['playwright', 'test', '-c', 'playwright.drills.config.ts', '--reporter=list,json'],
    env: { PLAYWRIGHT_JSON_OUTPUT_NAME: `${out}/drills.json` },
    counts: () => playwrightCounts(`${out}/drills.json`)
  },
  { name: 'cli drills', cmd: 'npm', args: ['run', '-s', 'drill'] }
];

function vitestCounts(file) {
  if (!existsSync(file)) return null;
  const r = JSON.parse(readFileSync(file, 'utf8'));
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCounts(file) {
  if (!existsSync(file)) return null;
  const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
  return { passed: s.expected ?? 0, failed: (s.unexpected ?? 0) + (s.flaky ?? 0), skipped: s.skipped ?? 0 };
}

const failedSteps = new Set();
let passed = 0;
let failed = 0;
let skipped = 0;
for (const step of steps) {
  if (step.needs && failedSteps.has(step.needs)) {
    console.error(`\n=== npm test: ${step.name}: not run, '${step.needs}' failed ===`);
    failedSteps.add(step.name);
    failed++;
    continue;
  }
  console.error(`\n=== npm test: ${step.name} ===`);
  const t0 = Date.now();
  const r = spawnSync(step.cmd, step.args, { stdio: 'inherit', env: { ...process.env, ...step.env } });
  const ok = r.status === 0;
  const c = step.counts?.();
  if (c) {
    passed += c.passed;
    failed += c.failed;
    skipped += c.skipped;
  } else {
    // A step without test counts (lint, type check, build, CLI drills) counts as one check.
    if (ok) passed++;
    else failed++;
  }
  if (c && !ok && c.failed === 0) failed++; // the runner failed without a failing test (e.g. a crash)
  if (!ok) failedSteps.add(step.name);
  console.error(`=== npm test: ${step.name}: ${ok ? 'ok' : `FAILED (exit ${r.status})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s ===`);
}

if (failedSteps.size) console.error(`\nnpm test: failed steps: ${[...failedSteps].join(', ')}`);
console.log(`npm test: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedSteps.size ? 1 : 0);
