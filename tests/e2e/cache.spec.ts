// This browser's memory of the log (IndexedDB): a revisit is served from the cache by content
// hash; an older checkpoint of the same log raises the rollback alarm with both signed notes and
// is not accepted; a corrupt cache is reported as such and cleared.
import { expect, test } from '@playwright/test';
import { fixtureUrl, oracle } from './helpers/paths';
import { revisit } from './helpers/visits';

test('a revisit verifies again without downloading the segments', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(page.getByTestId('anchor-status')).toContainText('First visit');
  const segmentRequests = await revisit(page);
  await expect(page.getByTestId('cache-note')).toContainText("served from this browser's cache by content hash");
  expect(segmentRequests).toEqual([]);
});

test('a revisit recalls the signatures of the segments it serves from the cache; "Check every signature" checks them all', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(page.getByTestId('signatures-recalled')).toHaveCount(0); // the first visit checks every signature
  const signatures = await page.getByTestId('summary').locator('[data-field="signaturesVerified"]').textContent();
  await revisit(page);
  const recalled = page.getByTestId('signatures-recalled');
  await expect(recalled.locator('[data-field="recalled"]')).toHaveText('10,000');
  await expect(recalled).toContainText(`of the ${signatures} signatures were not checked again`);
  await expect(page.getByTestId('summary').locator('[data-field="signaturesVerified"]')).toHaveText(signatures!);
  await recalled.getByRole('button', { name: 'Check every signature' }).click();
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await expect(page.getByTestId('signatures-recalled')).toHaveCount(0);
  await expect(page.getByTestId('summary').locator('[data-field="signaturesVerified"]')).toHaveText(signatures!);
});

test('an older checkpoint of the same log raises the rollback alarm and is not accepted', async ({ page }) => {
  const demo = oracle<{ log: { size: number; root: string } }>('demo-verify.json');
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // The same operator's log served at an earlier size (the issuer with seed 7, fewer events).
  await page.goto(`/?bundle=${encodeURIComponent(fixtureUrl('older'))}`);
  const alarm = page.getByTestId('anchor-alarm');
  await expect(alarm).toContainText('Rollback detected', { timeout: 120_000 });
  await expect(alarm).toContainText(`Verified before (size ${demo.log.size})`);
  await expect(alarm.getByLabel('Stored signed checkpoint')).toContainText(`${demo.log.size}\n`);
  await expect(alarm.getByLabel('Served signed checkpoint')).toContainText('ledger.qfs.example/seed-7');
  await expect(alarm).toContainText('not accepted');
  // Not silently accepted: the demo again is still "same", not "extends from the older one".
  await page.goto('/');
  await expect(page.getByTestId('anchor-status')).toContainText('Same checkpoint', { timeout: 120_000 });
});

test('after an alarm, only an explicit, confirmed choice forgets the stored checkpoint; the served one is then a first visit', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await page.goto(`/?bundle=${encodeURIComponent(fixtureUrl('older'))}`);
  const alarm = page.getByTestId('anchor-alarm');
  await expect(alarm).toContainText('Rollback detected', { timeout: 120_000 });
  await alarm.getByRole('button', { name: 'Forget the stored checkpoint…' }).click();
  // A second step: "Keep it" leaves everything as it was.
  await alarm.getByRole('button', { name: 'Keep it' }).click();
  await expect(alarm.getByRole('button', { name: 'Forget it and verify again' })).toHaveCount(0);
  await alarm.getByRole('button', { name: 'Forget the stored checkpoint…' }).click();
  await alarm.getByRole('button', { name: 'Forget it and verify again' }).click();
  await expect(page.getByTestId('anchor-status')).toContainText('First visit', { timeout: 120_000 });
  await expect(page.getByTestId('anchor-alarm')).toHaveCount(0);
  // The served checkpoint is now the one remembered. The "older" fixture is a shorter ledger from the
  // same seed, not a prefix of the demo, so the demo is now measured against it (and conflicts).
  await page.goto('/');
  const older = oracle<{ log: { size: number } }>('older-verify.json');
  await expect(page.getByTestId('anchor-alarm')).toContainText(`Verified before (size ${older.log.size})`, { timeout: 120_000 });
});

test('a corrupt local cache is reported as the cache, not the ledger, and cleared', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  // Flip bytes of every cached blob, directly in IndexedDB.
  const changed = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((res, rej) => {
      const r = indexedDB.open('atlas-verifier');
      r.onsuccess = () => res(r.result);
      r.onerror = () => rej(r.error);
    });
    const tx = db.transaction('blobs', 'readwrite');
    const store = tx.objectStore('blobs');
    const all = await new Promise<Array<{ hash: string; bytes: Uint8Array }>>((res) => {
      const q = store.getAll();
      q.onsuccess = () => res(q.result as Array<{ hash: string; bytes: Uint8Array }>);
    });
    for (const rec of all) {
      rec.bytes[0] = rec.bytes[0]! ^ 0xff;
      store.put(rec);
    }
    await new Promise((res) => (tx.oncomplete = res));
    db.close();
    return all.length;
  });
  expect(changed).toBeGreaterThan(0);
  await page.reload();
  await expect(page.getByRole('alert').filter({ hasText: 'Local cache corrupt — cleared' })).toBeVisible({ timeout: 120_000 });
  // The ledger itself is still verified: the corruption is not blamed on it.
  await expect(page.getByTestId('verdict')).toContainText('Verified');
});
