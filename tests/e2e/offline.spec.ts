// Offline: after the first visit the service worker serves the app shell and the demo bundle,
// so a reload with the network gone still verifies the demo.
import { expect, test } from '@playwright/test';

test('the app and the demo keep working offline after the first visit', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // Wait until the service worker controls the page and has precached everything.
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise<void>((res) => navigator.serviceWorker.addEventListener('controllerchange', () => res(), { once: true }));
    }
    return reg.active?.state;
  });
  await context.setOffline(true);
  await page.reload();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // Another page, opened directly while offline.
  await page.goto('/drift/');
  await expect(page.getByTestId('drift-total')).toContainText('0.00%', { timeout: 120_000 });
  await context.setOffline(false);
});
