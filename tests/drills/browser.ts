// Driving the built app for the drills: open a bundle with ?bundle= under a trust file chosen in
// the app (the drill ledgers are not the demo's, so the pinned demo trust rightly refuses them),
// move between pages client-side (the worker keeps the verified ledger; no second download), and
// export the app's own JSON report.
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import type { Finding } from '../../src/lib/core/types';

/** Open `bundleUrl` and verify it in the worker under the trust file `trustFile`. */
export async function openWithTrust(page: Page, bundleUrl: string, trustFile: string): Promise<void> {
  await page.goto(`/?bundle=${encodeURIComponent(bundleUrl)}`);
  // The pinned demo trust does not match the drill ledger's keys: the app refuses it first.
  await expect(page.getByText('Bundle refused')).toBeVisible();
  await page.locator('input[type="file"][accept=".json,application/json"]').setInputFiles(trustFile);
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 240_000 });
  // A marker that a full page load would erase: client-side navigation must keep it.
  await page.evaluate(() => ((window as unknown as { __drill: number }).__drill = 1));
}

/** Navigate inside the app (SvelteKit's router handles the click; the worker session stays). */
export async function go(page: Page, href: string): Promise<void> {
  await page.evaluate((h) => {
    const a = document.createElement('a');
    a.href = h;
    document.body.append(a);
    a.click();
    a.remove();
  }, href);
  // The router may add a trailing slash (adapter-static pages) and re-encode the query.
  const want = new URL(href, 'http://x');
  const strip = (p: string) => p.replace(/\/$/, '');
  await page.waitForURL((u) => strip(u.pathname) === strip(want.pathname) && u.searchParams.toString() === want.searchParams.toString());
  const kept = await page.evaluate(() => (window as unknown as { __drill?: number }).__drill === 1);
  expect(kept, `navigation to ${href} reloaded the page`).toBe(true);
}

/** The app's exported report (audit page, "Export report (JSON)"): its failures, in order. */
export async function exportedFailures(page: Page, bundleUrl: string): Promise<Finding[]> {
  await go(page, `/audit?bundle=${encodeURIComponent(bundleUrl)}`);
  await expect(page.getByTestId('first-failure')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (JSON)' }).click()]);
  const text = readFileSync(await download.path(), 'utf8');
  const r = JSON.parse(text) as { report: { failures: Finding[] } };
  return r.report.failures;
}
