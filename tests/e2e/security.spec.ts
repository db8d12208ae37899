// Safety: strict CSP in every built page, no request leaves the origin except to the bundle URL
// the user chose, and hostile bundles fail with a message without freezing the tab.
import { expect, test } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allPages } from './helpers/pages';
import { APP_ORIGIN, BUILD, FIXTURE_ORIGIN, fixtureUrl } from './helpers/paths';

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return name === 'demo' ? [] : htmlFiles(p);
    return name.endsWith('.html') ? [p] : [];
  });
}

test('every built page has a strict CSP and no inline script it does not pin by hash', () => {
  const files = htmlFiles(BUILD);
  expect(files.length).toBeGreaterThanOrEqual(5);
  for (const file of files) {
    const html = readFileSync(file, 'utf8');
    const csp = /<meta http-equiv="content-security-policy" content="([^"]+)"/.exec(html)?.[1];
    expect(csp, file).toBeTruthy();
    const directives = new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
    const script = directives.get('script-src')!;
    expect(script, file).toContain("'self'");
    expect(script.join(' '), file).not.toMatch(/unsafe-inline|unsafe-eval|\*|data:|https?:/);
    expect(directives.get('object-src'), file).toEqual(["'none'"]);
    expect(directives.get('default-src'), file).toEqual(["'self'"]);
    // No inline event handlers, no javascript: URLs.
    expect(html, file).not.toMatch(/\son[a-z]+=["']/i);
    expect(html, file).not.toMatch(/javascript:/i);
    // The only inline script is SvelteKit's bootstrap, and the CSP pins its exact hash.
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length, file).toBeLessThanOrEqual(1);
    for (const body of inline) {
      const hash = `'sha256-${createHash('sha256').update(body).digest('base64')}'`;
      expect(script, `${file}: inline script not pinned`).toContain(hash);
    }
  }
});

test('no request leaves the origin on any page', async ({ page }) => {
  test.setTimeout(900_000);
  const outside: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== APP_ORIGIN) outside.push(r.url());
  });
  for (const p of allPages()) {
    await page.goto(p.path);
    await expect(page.locator('main')).toContainText(p.ready, { timeout: 120_000 });
  }
  expect(outside).toEqual([]);
});

test('with a chosen bundle URL, only that bundle is fetched from outside the origin', async ({ page }) => {
  const outside: string[] = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.origin !== APP_ORIGIN) outside.push(r.url());
  });
  const bundle = fixtureUrl('older');
  await page.goto(`/?bundle=${encodeURIComponent(bundle)}`);
  await expect(page.getByTestId('verdict')).toBeVisible({ timeout: 120_000 });
  expect(outside.length).toBeGreaterThan(0);
  for (const u of outside) expect(u.startsWith(bundle), u).toBe(true);
  expect(outside.every((u) => u.startsWith(FIXTURE_ORIGIN))).toBe(true);
});

test('a bundle with an oversized event line fails with limit.exceeded and the tab stays responsive', async ({ page }) => {
  await page.goto(`/?bundle=${encodeURIComponent(fixtureUrl('huge-line'))}`);
  // The main thread answers while the worker reads the hostile bundle.
  expect(await page.evaluate(() => 6 * 7)).toBe(42);
  await expect(page.getByText('limit.exceeded').first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByText('Size limit exceeded').first()).toBeVisible();
  await expect(page.getByTestId('verdict')).toContainText('Failures found');
  await expect(page.getByTestId('verdict')).toContainText('seq 0');
});

test('a manifest claiming absurd sizes is refused with a message, not a crash', async ({ page }) => {
  await page.goto(`/?bundle=${encodeURIComponent(fixtureUrl('absurd'))}`);
  expect(await page.evaluate(() => 6 * 7)).toBe(42);
  await expect(page.getByText(/manifest\.invalid|limit\.exceeded/).first()).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('alert').first()).toBeVisible();
  // The UI still works afterwards: the demo verifies in the same tab.
  await page.getByRole('button', { name: 'Verify the demo ledger' }).click();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
});
