// The drift page: 0.00 % for the demo; for a tampered ledger (one reward amount changed and
// re-signed by the operator, written in global setup) the same non-zero figure as `atlas drift`.
import { expect, test } from '@playwright/test';
import { fixtureUrl, oracle } from './helpers/paths';

interface DriftJson {
  percent: string;
  compared: number;
  differing: number;
  drift: Array<{ seq: number; epoch: number; kind: string; recorded: string; recomputed: string; subject: string }>;
}

test('the demo shows 0.00% drift and no mismatch', async ({ page }) => {
  const want = oracle<DriftJson>('demo-drift.json');
  expect(want.percent).toBe('0.00');
  await page.goto('/drift/');
  const total = page.getByTestId('drift-total');
  await expect(total).toContainText('recomputed values differ', { timeout: 120_000 });
  await expect(total.locator('[data-field="percent"]')).toHaveText('0.00%');
  await expect(total).toContainText(`0 of ${want.compared.toLocaleString('en-US')} recomputed values differ`);
  await expect(page.getByText('On target')).toBeVisible();
  await expect(page.getByText("None: every recomputed value equals the ledger's.")).toBeVisible();
  // The chart has a text alternative.
  await expect(page.locator('#drift-chart-summary')).toContainText('0.00% drift');
});

test('a tampered ledger shows the right non-zero drift with recorded and recomputed values', async ({ page }) => {
  const want = oracle<DriftJson>('tampered-drift.json');
  const expected = oracle<{ expected: { seq: number; code: string } }>('tampered-expected.json').expected;
  expect(want.differing).toBeGreaterThan(0);
  await page.goto(`/drift/?bundle=${encodeURIComponent(fixtureUrl('tampered'))}`);
  const total = page.getByTestId('drift-total');
  await expect(total).toContainText('recomputed values differ', { timeout: 120_000 });
  await expect(total.locator('[data-field="percent"]')).toHaveText(`${want.percent}%`);
  await expect(total).toContainText(`${want.differing} of ${want.compared.toLocaleString('en-US')}`);
  await expect(page.getByText('Off target')).toBeVisible();
  const rows = page.getByTestId('drift-items').locator('tbody tr');
  await expect(rows).toHaveCount(want.drift.length);
  // The tampered reward: its seq, both amounts, and a link to its explanation.
  const item = want.drift.find((d) => d.seq === expected.seq)!;
  const row = rows.filter({ has: page.getByRole('link', { name: String(item.seq), exact: true }) });
  await expect(row).toContainText(item.recorded);
  await expect(row).toContainText(item.recomputed);
  const explain = row.getByRole('link', { name: /Explain/ });
  await expect(explain).toHaveAttribute('href', new RegExp(`account/${item.subject}/\\?epoch=${item.epoch}`));
  // The ?bundle= deep link is kept when navigating inside the app.
  await page.getByRole('link', { name: 'Audit' }).click();
  await expect(page).toHaveURL(/\/audit\/\?bundle=/);
  await expect(page.getByTestId('first-failure')).toContainText(`seq ${expected.seq}`, { timeout: 60_000 });
});
