// This browser's cached bundle files: the overview shows what they take against the budget and can
// clear them, keeping the checkpoint memory. Pages of dynamic routes opened offline (a content page,
// straight from the address bar) are the app, not the browser's network error page, and re-hash
// the content's bytes from what the verification kept.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO, FIXTURES, fixtureUrl, oracle } from './helpers/paths';
import { revisit, watchSegments } from './helpers/visits';

/** Wait until the service worker controls the page and has precached everything. */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((res) => navigator.serviceWorker.addEventListener('controllerchange', () => res(), { once: true }));
    }
  });
}

/** A content item whose bytes the bundle in `dir` ships. */
function shippedCid(dir: string): string {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { content: Array<{ cid: string }> };
  return m.content[0]!.cid;
}

test('the overview shows the storage the cached files use, and clearing them keeps the checkpoint memory', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  const usage = page.getByTestId('cache-usage');
  await expect(usage.locator('[data-field="bundles"]')).toHaveText('1 bundle');
  // The demo's segments (and nothing else, for the demo) are the cached files: a few MiB.
  await expect(usage.locator('[data-field="bytes"]')).toHaveText(/^[1-9]\d*\.\d MiB$/);
  await expect(usage).toContainText('the files of the least recently verified bundles are removed first');
  await expect(usage).toContainText('The checkpoint memory (rollback and fork alarm) is kept.');

  await usage.getByRole('button', { name: 'Clear cached files' }).click();
  await expect(page.getByTestId('clear-cache-result')).toContainText('Cached files cleared');
  await expect(usage.locator('[data-field="bytes"]')).toHaveText('0.0 MiB');
  await expect(usage.locator('[data-field="bundles"]')).toHaveText('0 bundles');

  // A revisit downloads the segments again, and the log's checkpoint is still remembered.
  const segmentRequests = await revisit(page);
  expect(segmentRequests.length).toBeGreaterThan(0);
  await expect(page.getByTestId('cache-note')).toHaveCount(0);
  await expect(usage.locator('[data-field="bundles"]')).toHaveText('1 bundle');
});

test('a content page opened offline is the app, and re-hashes the bytes (demo: the service worker; a URL: the files kept at verification)', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await controlled(page);
  const url = fixtureUrl('older');
  await page.goto(`/?bundle=${encodeURIComponent(url)}`);
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });

  await context.setOffline(true);
  try {
    for (const [cid, link] of [
      [shippedCid(DEMO), ''],
      [shippedCid(join(FIXTURES, 'older')), `?bundle=${encodeURIComponent(url)}`]
    ] as const) {
      // Straight from the address bar: a dynamic route, served offline as the app's shell.
      await page.goto(`/content/${cid}/${link}`);
      await expect(page.getByRole('heading', { level: 1 })).toContainText('Content', { timeout: 120_000 });
      await expect(page.getByTestId('rehash')).toBeVisible({ timeout: 120_000 });
      await page.getByTestId('rehash').click();
      await expect(page.getByTestId('rehash-result')).toContainText('equals the content id');
      await expect(page.getByTestId('rehash-offline')).toHaveCount(0);
    }
  } finally {
    await context.setOffline(false);
  }
});

/** The cache database's holdings (IndexedDB 'atlas-verifier'); with `put`, store that record first. */
function holdings(page: Page, put: unknown = null): Promise<Array<{ source: string; files: Record<string, number> }>> {
  return page.evaluate(async (rec) => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('atlas-verifier');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    try {
      const tx = db.transaction('holdings', 'readwrite');
      if (rec) tx.objectStore('holdings').put(rec);
      const q = tx.objectStore('holdings').getAll();
      const all = await new Promise<Array<{ source: string; files: Record<string, number> }>>((res) => (q.onsuccess = () => res(q.result)));
      await new Promise((res) => (tx.oncomplete = res));
      return all;
    } finally {
      db.close();
    }
  }, put);
}

test('over the budget, the least recently verified bundle\'s files are evicted, and its checkpoint is still remembered', async ({ page }) => {
  const older = oracle<{ log: { size: number } }>('older-verify.json');
  const url = fixtureUrl('older');
  const usage = page.getByTestId('cache-usage');
  await page.goto(`/?bundle=${encodeURIComponent(url)}`);
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // This browser's quota is large: the budget is its cap, 1 GiB.
  await expect(usage).toContainText('limit 1,024.0 MiB');
  const [held] = await holdings(page);
  expect(held!.source).toBe(url);
  const olderBytes = Object.values(held!.files).reduce((s, n) => s + n, 0);
  // A bundle verified after it that holds nearly the whole budget (its files are not really there:
  // only the record counts), so that the demo's segments put the cache over by half of older's files.
  const demoBytes = readdirSync(join(DEMO, 'segments')).reduce((s, f) => s + statSync(join(DEMO, 'segments', f)).size, 0);
  const big = 2 ** 30 - demoBytes - olderBytes + Math.floor(olderBytes / 2);
  await holdings(page, { manifestHash: 'ab'.repeat(32), source: 'https://big.example/', files: { ['cd'.repeat(32)]: big }, lastVerified: Date.now() });

  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // Only the least recently verified bundle goes, and that is enough.
  await expect(usage.locator('[data-field="evicted"]')).toHaveText(`Removed to stay within it: the files of ${url}.`);
  await expect(usage.locator('[data-field="bundles"]')).toHaveText('2 bundles');
  // The older log's signed checkpoint survived the eviction of its files: the demo is measured against it.
  await expect(page.getByTestId('anchor-alarm')).toContainText(`Verified before (size ${older.log.size})`);

  // The evicted bundle is downloaded again on its next visit.
  const segmentRequests = watchSegments(page, url);
  await page.goto(`/?bundle=${encodeURIComponent(url)}`);
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  expect(segmentRequests.length).toBeGreaterThan(0);
  await expect(page.getByTestId('cache-note')).toHaveCount(0);
});
