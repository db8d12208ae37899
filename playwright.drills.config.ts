// Playwright replay drills (issue 6): Drill A "Time Machine" and Drill B "Bad Actor" in Chromium
// against the *built* static app (`npm run build` first). tests/drills/global-setup.ts copies
// build/ to test-results/drill-site/ and writes the drill ledgers next to the app under /drills/,
// so every bundle is opened with `?bundle=` from the app's own origin. `DRILL_SEED=S` replays a run.
import { defineConfig } from '@playwright/test';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`drills: no Chromium at ${chromium}; install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH=/path/to/chromium`);
  process.exit(1);
}
const port = Number(process.env.DRILL_PORT ?? 4176);

export default defineConfig({
  testDir: 'tests/drills',
  testMatch: '*.spec.ts',
  outputDir: 'test-results/drills-playwright',
  workers: 1,
  retries: 0,
  timeout: 300_000,
  expect: { timeout: 120_000 },
  reporter: [['list']],
  globalSetup: './tests/drills/global-setup.ts',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    acceptDownloads: true,
    // A fresh context (profile) per test: no IndexedDB, cache or service worker from earlier runs.
    launchOptions: {
      executablePath: chromium,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
    },
    trace: 'off',
    screenshot: 'off'
  },
  webServer: {
    // global-setup.ts fills the directory after the server has started.
    command: `mkdir -p test-results/drill-site && exec node scripts/serve-static.mjs --port ${port} --root test-results/drill-site`,
    port,
    reuseExistingServer: false,
    timeout: 30_000
  }
});
