// End-to-end tests run against the *built* static app (`npm run build` first), served by
// scripts/serve-static.mjs, in the system Chromium (`npx playwright install` cannot work here).
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  // One line, no stack trace (issue 6): how to get a browser.
  console.error(`e2e: no Chromium at ${chromium}; install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH=/path/to/chromium`);
  process.exit(1);
}
const port = Number(process.env.E2E_PORT ?? 4173);
/** The built site to serve (default build/; a private copy avoids a concurrent `npm run build`). */
const buildDir = process.env.E2E_BUILD_DIR ?? 'build';
/** A second origin that hosts test bundles (tampered, older, hostile), like a third-party bundle URL. */
export const fixturePort = port + 1;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '*.spec.ts',
  // Playwright empties its output folder; the fixtures live next to it, not inside.
  outputDir: process.env.E2E_OUTPUT_DIR ?? 'test-results/playwright',
  // Two cores shared by everyone: one worker, no retries hiding flakiness.
  workers: 1,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 60_000 },
  reporter: [['list']],
  globalSetup: './tests/e2e/helpers/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    // Each test gets a fresh browser context (a fresh profile: no IndexedDB, no service worker).
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync'
      ]
    },
    trace: 'off',
    screenshot: 'off'
  },
  webServer: [
    {
      command: `node scripts/serve-static.mjs --port ${port} --root ${buildDir}`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 30_000
    },
    {
      command: `node scripts/serve-static.mjs --port ${fixturePort} --root test-results/e2e-fixtures --mkdir --cors`,
      port: fixturePort,
      reuseExistingServer: false,
      timeout: 30_000
    }
  ]
});
