// The QFS page checks real QFS artifacts (copied under tests/vectors/qfs with their README) and
// shows the profile, segments and findings exactly as the core reports them.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyQfs, verifyQfsSet } from '../../src/lib/core/qfs/verify';

const DIR = 'tests/vectors/qfs';
const files = ['evidence_chain.jsonl', 'v13/ledger/staging_ledger_v1.jsonl', 'evidence/governance_index.json', 'evidence/poe_artifacts/GOV-001-EXEC-00.json'];
const baseName = (f: string) => f.split('/').pop()!;

test('each real QFS artifact shows its detected profile and the same findings count as core', async ({ page }) => {
  expect(files.length).toBeGreaterThan(0);
  await page.goto('/qfs/');
  await expect(page.getByText('No files checked yet')).toBeVisible();
  for (const f of files) {
    const bytes = new Uint8Array(readFileSync(join(DIR, f)));
    const want = verifyQfs(bytes, baseName(f));
    await page.locator('input[type=file]').first().setInputFiles(join(DIR, f));
    const report = page.getByTestId('qfs-report');
    await expect(report).toBeVisible({ timeout: 60_000 });
    await expect(report.locator('[data-field="profile"]')).toHaveText(want.format);
    if (want.ok) await expect(report.getByText('All checks pass')).toBeVisible();
    else await expect(report.getByText(`${want.failures.length} finding`).first()).toBeVisible();
  }
});

test('a governance index and its PoE artifacts are cross-checked together', async ({ page }) => {
  const set = ['evidence/governance_index.json', 'evidence/poe_artifacts/GOV-001-EXEC-00.json', 'evidence/poe_artifacts/GOV-001-EXEC-01.json', 'evidence/poe_artifacts/GOV-001-EXEC-02.json'];
  const want = verifyQfsSet(set.map((f) => ({ name: baseName(f), bytes: new Uint8Array(readFileSync(join(DIR, f))) })));
  await page.goto('/qfs/');
  await page.locator('input[type=file]').first().setInputFiles(set.map((f) => join(DIR, f)));
  const report = page.getByTestId('qfs-report');
  await expect(report).toBeVisible({ timeout: 60_000 });
  await expect(report.locator('[data-field="profile"]')).toHaveCount(set.length);
  await expect(report.getByRole('heading', { name: 'Cross-checks' })).toHaveCount(want.crossChecks.length > 0 ? 1 : 0);
  if (want.crossChecks.length > 0) await expect(report.locator('table').last().locator('tbody tr')).toHaveCount(want.crossChecks.length);
});
