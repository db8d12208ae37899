// Offline: after the first visit the service worker serves the app shell and the demo bundle,
// so a reload with the network gone still verifies the demo. A `?bundle=` URL on another origin
// is not the service worker's: the verifier stores the manifest of a URL that verified (IndexedDB)
// and, only when the network fails, verifies that manifest again from the files cached by hash.
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { FIXTURES, fixtureUrl, oracle } from './helpers/paths';

/** Wait until the service worker controls the page and has precached everything. */
async function controlled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((res) => navigator.serviceWorker.addEventListener('controllerchange', () => res(), { once: true }));
    }
    return reg.active?.state;
  });
}

test('the app and the demo keep working offline after the first visit', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await controlled(page);
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // Another page, opened directly while offline.
  await page.goto('/drift/');
  await expect(page.getByTestId('drift-total')).toContainText('0.00%', { timeout: 120_000 });
  await context.setOffline(false);
});

test('a ?bundle= URL from another origin verifies again offline from the manifest stored at the last visit, and says so', async ({ page, context }) => {
  const older = oracle<{ events: number; checkpointsVerified: number }>('older-verify.json');
  const url = fixtureUrl('older');
  const deepLink = `/?bundle=${encodeURIComponent(url)}`;
  const note = page.getByTestId('offline-note');
  await page.goto(deepLink);
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(page.getByTestId('anchor-status')).toContainText('First visit');
  await expect(note).toHaveCount(0);
  await controlled(page);

  await context.setOffline(true);
  const fixtureRequests: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(url)) fixtureRequests.push(r.url().slice(url.length));
  });
  await page.reload();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(note).toContainText('Offline: using the manifest this browser stored for this URL');
  await expect(note).toContainText('could not download manifest.json');
  await expect(note).toContainText('Events published on the server since then are not included');
  // The notice is readable in both themes (axe: no serious or critical violation).
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    const axe = await new AxeBuilder({ page }).include('[data-testid="offline-note"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${scheme}: ${v.id}`)).toEqual([]);
  }
  // The same bundle, verified in full from the cache: every event and checkpoint, the same log.
  await expect(page.getByTestId('summary').locator('[data-field="events"]')).toHaveText(older.events.toLocaleString('en-US'));
  await expect(page.getByTestId('summary').locator('[data-field="checkpointsVerified"]')).toHaveText(older.checkpointsVerified.toLocaleString('en-US'));
  await expect(page.getByTestId('anchor-status')).toContainText('Same checkpoint');
  await expect(page.getByTestId('cache-note')).toContainText("served from this browser's cache by content hash");
  // Only the manifest was asked of the network (and failed; a second try may ask whether the server
  // answers at all): every other file came from the cache.
  expect([...new Set(fixtureRequests)]).toEqual(['manifest.json']);

  // A URL this browser never verified has nothing stored: the error is the one it always was.
  await page.goto(`/?bundle=${encodeURIComponent(fixtureUrl('tampered'))}`);
  await expect(page.getByRole('alert').filter({ hasText: "Could not read the bundle's manifest.json" })).toBeVisible({ timeout: 120_000 });
  await expect(note).toHaveCount(0);

  // Back online, the server's manifest is used again and the notice is gone.
  await context.setOffline(false);
  await page.goto(deepLink);
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(note).toHaveCount(0);
});

// The fixture server sends its 404 without CORS headers (as nginx does unless told `always`), so the
// browser only sees a failed fetch; the verifier must still tell that the server answered.
test('a server that answers (HTTP 404, without CORS headers) is reported as before, even when a manifest is stored for the URL', async ({ page }) => {
  const dir = join(FIXTURES, 'offline-404');
  const url = fixtureUrl('offline-404');
  rmSync(dir, { recursive: true, force: true });
  cpSync(join(FIXTURES, 'older'), dir, { recursive: true });
  try {
    await page.goto(`/?bundle=${encodeURIComponent(url)}`);
    await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
    rmSync(join(dir, 'manifest.json'));
    await page.reload();
    await expect(page.getByRole('alert').filter({ hasText: `Could not read the bundle's manifest.json from ${url}: could not download manifest.json` })).toBeVisible({
      timeout: 120_000
    });
    await expect(page.getByTestId('offline-note')).toHaveCount(0);
    await expect(page.getByTestId('verdict')).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
