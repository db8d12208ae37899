// The worker's rollback/fork check builds its RFC 9162 consistency proof from the stored size to
// the bundle's newest checkpoint before deciding (EventIndex.consistencyProof re-reads the entries
// of the block at the stored size). A different log of the same origin verified first at a smaller
// size (the 'older' fixture: seed 7, 3,000 events, not a prefix of the demo) then the demo: the
// proof is built and fails to verify, so a fork is raised with the proof's sizes, not "no
// consistency proof could be built".
import { expect, test } from '@playwright/test';
import { fixtureUrl } from './helpers/paths';

test('a smaller checkpoint of another log first, then the demo: the consistency proof is built and fails (fork)', async ({ page }) => {
  await page.goto(`/?bundle=${encodeURIComponent(fixtureUrl('older'))}`);
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  await page.goto('/');
  await expect(page.getByTestId('verdict')).toContainText('Verified', { timeout: 120_000 });
  const alarm = page.getByTestId('anchor-alarm');
  await expect(alarm).toContainText('Fork detected', { timeout: 60_000 });
  await expect(alarm).toContainText('consistency proof from size 3000 to 10000 fails');
  await expect(alarm).not.toContainText('no consistency proof could be built');
});
