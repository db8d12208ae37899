// Screenshots of every page at desktop (1280×800) and phone (390×844) widths, light theme, written
// to docs/screenshots/<page>-<width>.png for the README. On demand only: `npm run screenshots`
// (after `npm run build`); skipped in the normal e2e run so tests never rewrite committed files.
// The ids shown come from the demo bundle itself, so the pictures show real, verified data.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';

test.skip(!process.env.SCREENSHOTS, 'screenshots are taken by `npm run screenshots`');
test.describe.configure({ timeout: 300_000 });

interface Line {
  seq: number;
  epoch: number;
  type: string;
  payload: { account?: string; version?: string };
}

function demo(): { account: string; epoch: number; seq: number; cid: string; version: string } {
  const dir = 'static/demo/segments';
  let reward: Line | null = null;
  const versions: string[] = [];
  for (const f of readdirSync(dir).sort()) {
    for (const text of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!text) continue;
      const e = JSON.parse(text) as Line;
      if (e.type === 'policy.activate' && e.payload.version) versions.push(e.payload.version);
      if (!reward && e.type === 'reward.allocate' && e.epoch >= 4) reward = e;
    }
  }
  const manifest = JSON.parse(readFileSync('static/demo/manifest.json', 'utf8')) as { content: Array<{ cid: string }> };
  if (!reward?.payload.account) throw new Error('the demo has no reward.allocate event from epoch 4 on');
  return { account: reward.payload.account, epoch: reward.epoch, seq: reward.seq, cid: manifest.content[0]!.cid, version: versions[1] ?? versions[0]! };
}

const WIDTHS = [
  { name: 'desktop', width: 1280, height: 800 },
  { name: 'phone', width: 390, height: 844 }
] as const;

async function ready(page: Page, what: string): Promise<void> {
  const t = 180_000;
  switch (what) {
    case 'overview':
      await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: t });
      break;
    case 'account':
      await expect(page.getByTestId('reward-explanation')).toBeVisible({ timeout: t });
      await expect(page.getByTestId('badge-checkpoint')).toContainText('witness', { timeout: t });
      break;
    case 'proof':
      await expect(page.getByTestId('proof-tree')).toBeVisible({ timeout: t });
      break;
    case 'content':
      await expect(page.getByTestId('placement-map')).toBeVisible({ timeout: t });
      await expect(page.getByTestId('ranking-explanation')).toBeVisible({ timeout: t });
      break;
    case 'drift':
      await expect(page.getByTestId('drift-total')).toBeVisible({ timeout: t });
      break;
    case 'audit':
      await expect(page.getByTestId('checkpoints')).toBeVisible({ timeout: t });
      break;
    case 'policy':
      await expect(page.getByTestId('policy-hash')).toBeVisible({ timeout: t });
      break;
    default:
      await expect(page.locator('h1')).toBeVisible({ timeout: t });
  }
}

/** The pages and the demo ids they show; read when a test runs, never at collection time. */
function pages(): Array<[string, string]> {
  const d = demo();
  return [
    ['overview', '/'],
    ['account', `/account/${encodeURIComponent(d.account)}/?epoch=${d.epoch}`],
    ['proof', `/proof/${d.seq}/`],
    ['content', `/content/${d.cid}/`],
    ['drift', '/drift/'],
    ['audit', '/audit/'],
    ['policy', `/policy/${encodeURIComponent(d.version)}/`],
    ['qfs', '/qfs/']
  ];
}

for (const w of WIDTHS) {
  test(`screenshots at ${w.name} width`, async ({ browser }) => {
    const context = await browser.newContext({ viewport: { width: w.width, height: w.height }, colorScheme: 'light', deviceScaleFactor: 1 });
    const page = await context.newPage();
    for (const [name, path] of pages()) {
      await page.goto(path);
      await ready(page, name);
      // Let charts measure their container and fonts settle.
      await page.waitForTimeout(600);
      await page.screenshot({ path: `docs/screenshots/${name}-${w.name}.png`, fullPage: true, animations: 'disabled' });
    }
    await context.close();
  });
}
