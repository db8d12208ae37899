// axe-core on every page (the list is in helpers/pages.ts, shared with UI-2's pages), in light and
// dark themes and at phone width: no serious or critical violation.
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { allPages } from './helpers/pages';

for (const scheme of ['light', 'dark'] as const) {
  test(`every page passes axe (${scheme})`, async ({ page }) => {
    test.setTimeout(600_000);
    await page.emulateMedia({ colorScheme: scheme });
    const problems: string[] = [];
    for (const p of allPages()) {
      await page.goto(p.path);
      await expect(page.locator('main')).toContainText(p.ready, { timeout: 120_000 });
      const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      for (const v of r.violations) {
        if (v.impact === 'serious' || v.impact === 'critical') {
          problems.push(`${p.name}: ${v.id} (${v.impact}) ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
}

test('the overview is usable at phone width and by keyboard', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // Nothing forces horizontal scrolling.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  // Keyboard: the skip link is first, and it moves focus to the main content.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  const focusedInMain = await page.evaluate(() => document.querySelector('main')?.contains(document.activeElement) ?? false);
  expect(focusedInMain).toBe(true);
});
