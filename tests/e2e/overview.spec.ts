// The overview verifies the demo in Chromium and shows the same figures as `atlas verify --json`.
import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { FIXTURES, oracle } from './helpers/paths';

interface VerifyJson {
  ok: boolean;
  events: number;
  epochs: number;
  accounts: number;
  nodes: number;
  content: number;
  signaturesVerified: number;
  checkpointsVerified: number;
  witnesses: { quorum: string; cosignaturesVerified: number };
  log: { size: number; root: string };
  replay: { percent: string };
}

const n = (x: number) => x.toLocaleString('en-US');

test('the demo ledger verifies with the same counts as the CLI', async ({ page }) => {
  const want = oracle<VerifyJson>('demo-verify.json');
  expect(want.ok).toBe(true);
  await page.goto('/');
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toContainText('Verified', { timeout: 120_000 });
  const summary = page.getByTestId('summary');
  const field = (name: string) => summary.locator(`[data-field="${name}"]`);
  await expect(field('events')).toHaveText(n(want.events));
  await expect(field('epochs')).toHaveText(n(want.epochs));
  await expect(field('accounts')).toHaveText(n(want.accounts));
  await expect(field('content')).toHaveText(n(want.content));
  await expect(field('nodes')).toHaveText(n(want.nodes));
  await expect(field('signaturesVerified')).toHaveText(n(want.signaturesVerified));
  await expect(field('checkpointsVerified')).toHaveText(n(want.checkpointsVerified));
  await expect(field('quorum')).toHaveText(want.witnesses.quorum);
  await expect(field('cosignatures')).toHaveText(n(want.witnesses.cosignaturesVerified));
  await expect(field('drift')).toHaveText(`${want.replay.percent}%`);
  // The full log root is available to assistive tech and on copy.
  await expect(page.locator(`code[data-full="${want.log.root}"]`)).toHaveCount(1);
  // Trust panel shows the pinned policy with its hash.
  await expect(page.getByRole('heading', { name: 'Trust policy' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'Trust policy' }).getByText(/Pinned/).first()).toBeVisible();
});

test('progress is shown while verifying, and the account search leads to an account page', async ({ page }) => {
  await page.goto('/');
  // The progress bar (or its starting state) appears before the verdict.
  await expect(page.getByRole('progressbar').or(page.getByText('Starting the verifier…'))).toBeVisible();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  const search = page.getByLabel('Find an account');
  await search.fill('');
  const first = page.getByRole('list', { name: 'Accounts' }).getByRole('link').first();
  await expect(first).toBeVisible();
  const id = (await first.textContent())!.trim();
  await search.fill(id);
  await page.getByRole('button', { name: 'Show rewards' }).click();
  await expect(page).toHaveURL(new RegExp(`/account/${encodeURIComponent(id)}/?`));
});

test('a bundle signed by other keys is refused with a clear message', async ({ page }) => {
  // A trust file with a different governance key: the demo no longer matches it.
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  const trust = oracle<{ trust: { fingerprints: { operator: string; witnesses: string[] } } }>('demo-verify.json');
  const policy = `log ${trust.trust.fingerprints.operator}\nquorum none\n`;
  const other = { policy, governance: 'governance.example+00000000+AWNvbnRyb2wtZ292ZXJuYW5jZS1rZXktMzItYnl0ZXMh', aegis: 'aegis.example+00000000+AWNvbnRyb2wtYWVnaXMta2V5LTMyLWJ5dGVzLi4uLi4h' };
  await page.locator('input[type=file][accept*="json"]').setInputFiles({ name: 'other-trust.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
  await expect(page.getByRole('alert').filter({ hasText: 'refused' }).or(page.getByRole('alert').filter({ hasText: 'Refused' })).first()).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText(/trust\.(mismatch|invalid)/).first()).toBeVisible();
});

test('a local folder picked with the folder chooser is verified in the browser', async ({ page }) => {
  const want = oracle<VerifyJson>('older-verify.json');
  await page.goto('/');
  await page.locator('input[type=file][webkitdirectory]').setInputFiles(join(FIXTURES, 'older'));
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(page.getByTestId('summary').locator('[data-field="events"]')).toHaveText(n(want.events));
  await expect(page.getByRole('heading', { name: /Result/ })).toContainText('local files');
});

test('cancelling stops the verification and nothing is shown as verified; verifying again works', async ({ page }) => {
  await page.goto('/');
  const cancel = page.getByRole('button', { name: 'Cancel' });
  await cancel.click({ timeout: 60_000 });
  await expect(page.getByText('Verification cancelled')).toBeVisible();
  await expect(page.getByTestId('verdict')).toHaveCount(0);
  await expect(page.getByRole('status', { name: /Ledger status: Cancelled/ })).toBeVisible();
  await page.getByRole('button', { name: 'Verify again' }).click();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
});
