// Revisits of the app in e2e tests: which segment files a page downloads, and a reload that waits
// for the verdict against the remembered checkpoint.
import { expect, type Page } from '@playwright/test';

/** The segment files the page requests from now on (only those under `prefix` when given): a live list. */
export function watchSegments(page: Page, prefix = ''): string[] {
  const urls: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(prefix) && r.url().includes('/segments/')) urls.push(r.url());
  });
  return urls;
}

/** Reload, wait for "Verified" against the same remembered checkpoint; the segments it downloaded. */
export async function revisit(page: Page): Promise<string[]> {
  const segments = watchSegments(page);
  await page.reload();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(page.getByTestId('anchor-status')).toContainText('Same checkpoint');
  return segments;
}
