// Proof view: the D3 path folds to the signed checkpoint root, and "copy proof" gives exactly the
// C2SP tlog-proof text that `atlas proof` prints for the same event (checked here, in setup).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

function atlas(args: string[]): string {
  return execFileSync('node', ['bin/atlas.mjs', ...args, '--trust', 'static/demo/trust.json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

test.describe.configure({ mode: 'serial', timeout: 240_000 });

let seq = 0;
let want = '';
let rootHex = '';
let size = 0;

test.beforeAll(() => {
  const manifest = JSON.parse(readFileSync('static/demo/manifest.json', 'utf8')) as { events: number };
  // An event in the middle of the log whose path includes an incomplete right-edge subtree.
  seq = Math.floor(manifest.events * 0.46) + 7;
  want = atlas(['proof', 'static/demo', '--seq', String(seq)]);
  // tlog-proof: header, index, hashes, blank line, then the checkpoint note (origin, size, root).
  const lines = want.split('\n');
  expect(lines[0]).toBe('c2sp.org/tlog-proof@v1');
  const blank = lines.indexOf('', 2);
  size = Number(lines[blank + 2]);
  rootHex = Buffer.from(lines[blank + 3]!, 'base64').toString('hex');
});

test('the recomputed root equals the checkpoint root and the proof text equals atlas proof', async ({ page }) => {
  await page.goto(`/proof/${seq}/`);
  await expect(page.getByTestId('proof-tree')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('recomputed-root')).toHaveAttribute('data-root', rootHex);
  await expect(page.getByTestId('checkpoint-root')).toHaveAttribute('data-root', rootHex);
  await expect(page.getByTestId('checkpoint-size')).toHaveText(size.toLocaleString('en-US'));
  await expect(page.getByTestId('proof-badges')).toContainText('recomputed root equals the checkpoint root');
  // The drawn root node carries the same hash; the path has one sibling per proof hash.
  const hashes = want.split('\n').slice(2, want.split('\n').indexOf('', 2));
  await expect(page.locator('[data-testid="proof-tree"] [data-role="root"]')).toHaveAttribute('data-hash', rootHex);
  await expect(page.locator('[data-testid="proof-tree"] [data-role="sibling"]')).toHaveCount(hashes.length);
  for (const [i, h] of hashes.entries()) {
    await expect(page.locator('[data-testid="proof-tree"] [data-role="sibling"]').nth(i)).toHaveAttribute('data-hash', Buffer.from(h, 'base64').toString('hex'));
  }
  await page.getByText('Show the proof text').click();
  expect(await page.getByTestId('tlog-proof').textContent()).toBe(want);
  // The entry is the event's canonical line, for this seq.
  expect(JSON.parse((await page.getByTestId('proof-entry').textContent())!).seq).toBe(seq);
});

test('every node hash is inspectable with the keyboard, and copy proof puts the text on the clipboard', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(`/proof/${seq}/`);
  await expect(page.getByTestId('proof-tree')).toBeVisible({ timeout: 180_000 });
  const leaf = page.locator('[data-testid="proof-tree"] [data-role="leaf"]');
  await leaf.focus();
  await page.keyboard.press('Enter');
  const leafHash = await leaf.getAttribute('data-hash');
  await expect(page.getByTestId('proof-node-detail').locator(`code[data-full="${leafHash}"]`)).toHaveCount(1);
  await expect(page.getByTestId('proof-node-detail')).toContainText(`leaf ${seq}`);
  await page.keyboard.press('Tab');
  const next = await page.evaluate(() => document.activeElement?.getAttribute('data-hash'));
  expect(next).toMatch(/^[0-9a-f]{64}$/);
  await expect(page.getByTestId('proof-node-detail').locator(`code[data-full="${next}"]`)).toHaveCount(1);
  await page.getByTestId('copy-proof').click();
  await expect(page.getByText('Copied to the clipboard.')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(want);
});

test('a seq outside the log is a clear error, not a crash', async ({ page }) => {
  await page.goto('/proof/999999999/');
  await expect(page.getByText(/No proof for event #999999999/)).toBeVisible({ timeout: 180_000 });
  await page.goto('/proof/abc/');
  await expect(page.getByText('Not an event number')).toBeVisible({ timeout: 180_000 });
});

test('axe: no serious or critical violation on the proof page', async ({ page }) => {
  await page.goto(`/proof/${seq}/`);
  await expect(page.getByTestId('proof-tree')).toBeVisible({ timeout: 180_000 });
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
});
