// The audit page: checkpoint timeline with cosignatures, policy timeline with changes, first
// corruption, and a deterministic JSON export (same bundle, same bytes — across two fresh browsers).
import { expect, test, type Page } from '@playwright/test';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fixtureUrl, oracle } from './helpers/paths';

interface VerifyJson {
  checkpointsVerified: number;
  witnesses: { names: string[] };
  log: { size: number; root: string };
  failures: Array<{ seq: number | null; code: string }>;
}

async function exportBytes(page: Page): Promise<Buffer> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export report (JSON)' }).click()]);
  return readFileSync((await download.path())!);
}

test('the demo audit shows every checkpoint with its cosignatures, the policy history and no corruption', async ({ page }) => {
  const want = oracle<VerifyJson>('demo-verify.json');
  await page.goto('/audit/');
  await expect(page.getByTestId('first-failure')).toContainText('None', { timeout: 120_000 });
  const cps = page.getByTestId('checkpoints').locator(':scope > li');
  if (want.checkpointsVerified > 12) await page.getByRole('button', { name: /Show all/ }).click();
  await expect(cps).toHaveCount(want.checkpointsVerified);
  // The last checkpoint covers the whole log, with its root, the log signature and witness cosignatures.
  const last = cps.last();
  await expect(last).toContainText(`Tree size ${want.log.size.toLocaleString('en-US')}`);
  await expect(last.locator(`code[data-full="${want.log.root}"]`)).toHaveCount(1);
  await expect(last.getByText('log signature')).toHaveCount(1);
  await expect(last.getByText('cosigned')).not.toHaveCount(0);
  const policies = page.getByTestId('policies').locator(':scope > li');
  await expect(policies).not.toHaveCount(0);
  await expect(policies.first()).toContainText('The first policy.');
  if ((await policies.count()) > 1) await expect(policies.nth(1).getByText(/field.? changed from the previous version/)).toBeVisible();
});

test('the exported report is byte-identical across two independent runs', async ({ browser }) => {
  const a = await browser.newContext();
  const b = await browser.newContext();
  const pa = await a.newPage();
  const pb = await b.newPage();
  await pa.goto('/audit/');
  await pb.goto('/audit/');
  await expect(pa.getByTestId('first-failure')).toContainText('None', { timeout: 120_000 });
  await expect(pb.getByTestId('first-failure')).toContainText('None', { timeout: 120_000 });
  const x = await exportBytes(pa);
  const y = await exportBytes(pb);
  expect(createHash('sha256').update(x).digest('hex')).toBe(createHash('sha256').update(y).digest('hex'));
  const report = JSON.parse(x.toString('utf8')) as { format: string; report: { ok: boolean; log: { root: string } } };
  expect(report.format).toBe('atlas-verifier-report/1');
  expect(report.report.ok).toBe(true);
  expect(report.report.log.root).toBe(oracle<VerifyJson>('demo-verify.json').log.root);
  await a.close();
  await b.close();
});

test('the tampered ledger: first corruption at the exact seq', async ({ page }) => {
  const expected = oracle<{ expected: { seq: number; code: string } }>('tampered-expected.json').expected;
  const cli = oracle<VerifyJson>('tampered-verify.json');
  expect(cli.failures[0]!.seq).toBe(expected.seq);
  await page.goto(`/audit/?bundle=${encodeURIComponent(fixtureUrl('tampered'))}`);
  const first = page.getByTestId('first-failure');
  await expect(first).toContainText(`seq ${expected.seq}`, { timeout: 120_000 });
  await expect(first).toContainText(expected.code);
});
