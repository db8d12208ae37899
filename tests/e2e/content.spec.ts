// Content: the placement map, its table and the redundancy match `atlas explain --content --json`;
// the ranking at an epoch matches `atlas explain --content --epoch --json`; the shipped bytes
// re-hash to the content id and the recorded fragments.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator } from '@playwright/test';

function atlasJson<T>(args: string[]): T {
  const out = execFileSync('node', ['bin/atlas.mjs', ...args, '--json', '--trust', 'static/demo/trust.json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as T;
}

interface Placement {
  epoch: number;
  k: number;
  n: number;
  root: string;
  fragments: Array<{ index: number; hash: string; node: string; zone: string | null; identity: { status: string }; matches: boolean }>;
  redundancy: Array<{ epoch: number; live: number; redundancy: number }>;
  bytes: { ok: boolean } | null;
  seq: number;
  evidence: Evidence;
}
interface Ranking {
  epoch: number;
  rank: number | null;
  recomputed: { rank: number | null; score: string };
  steps: Array<{ id: string; value: string }>;
  seq: number | null;
  evidence: Evidence | null;
}
interface Evidence {
  signature: { valid: boolean; signer: string } | null;
  inclusion: { checkpointSize: number; checkpointRoot: string; proof: string[]; valid: boolean } | null;
}

/** The evidence panel shows exactly the CLI's evidence of that event. */
async function expectEvidence(panel: Locator, seq: number, ev: Evidence): Promise<void> {
  expect(ev.signature?.valid).toBe(true);
  expect(ev.inclusion?.valid).toBe(true);
  await expect(panel).toHaveAttribute('data-seq', String(seq));
  await expect(panel).toHaveAttribute('data-signature-valid', 'true');
  await expect(panel).toHaveAttribute('data-signer', ev.signature!.signer);
  await expect(panel).toHaveAttribute('data-checkpoint-size', String(ev.inclusion!.checkpointSize));
  await expect(panel).toHaveAttribute('data-proof-length', String(ev.inclusion!.proof.length));
  await expect(panel).toHaveAttribute('data-inclusion-valid', 'true');
  await expect(panel.locator(`code[data-full="${ev.inclusion!.checkpointRoot}"]`)).toHaveCount(1);
}

test.describe.configure({ mode: 'serial', timeout: 240_000 });

let cid = '';
let pl: Placement;
let rk: Ranking;

test.beforeAll(() => {
  const manifest = JSON.parse(readFileSync('static/demo/manifest.json', 'utf8')) as { content: Array<{ cid: string }> };
  cid = manifest.content[0]!.cid; // shipped with its bytes
  pl = atlasJson<Placement>(['explain', 'static/demo', '--content', cid]);
  rk = atlasJson<Ranking>(['explain', 'static/demo', '--content', cid, '--epoch', String(pl.epoch)]);
});

test('placement map, table and redundancy match atlas explain --content', async ({ page }) => {
  await page.goto(`/content/${cid}/?epoch=${pl.epoch}`);
  await expect(page.getByTestId('placement-map')).toBeVisible({ timeout: 180_000 });
  const map = page.getByTestId('placement-map');
  await expect(map.locator('[data-fragment]')).toHaveCount(pl.fragments.length);
  const rows = page.getByTestId('placement-table').locator('tbody tr');
  await expect(rows).toHaveCount(pl.fragments.length);
  for (const f of pl.fragments) {
    const row = page.getByTestId('placement-table').locator(`tr[data-fragment="${f.index}"]`);
    await expect(row).toHaveAttribute('data-node', f.node);
    await expect(row).toHaveAttribute('data-status', f.identity.status);
    await expect(row.locator(`code[data-full="${f.hash}"]`)).toHaveCount(1);
  }
  const last = pl.redundancy[pl.redundancy.length - 1]!;
  const badge = page.getByTestId('redundancy');
  await expect(badge).toHaveAttribute('data-live', String(last.live));
  await expect(badge).toHaveAttribute('data-redundancy', String(last.redundancy));
  await expect(badge).toContainText(`${last.live} of ${pl.n} fragments live at epoch ${last.epoch}`);
  const red = page.getByTestId('redundancy-table').locator('tbody tr');
  await expect(red).toHaveCount(pl.redundancy.length);
  for (const r of pl.redundancy) {
    await expect(page.getByTestId('redundancy-table').locator(`tr[data-epoch="${r.epoch}"] td`).first()).toHaveText(String(r.live));
  }
  // At the latest epoch (the default), the map counts as live exactly the fragments the CLI does.
  await expect(map.locator('figcaption')).toHaveAttribute('data-epoch', String(last.epoch));
  await expect(map.locator('[data-fragment][data-status="verified"]')).toHaveCount(last.live);
  // At the placement epoch, every cell has the status the explanation gives.
  if (pl.redundancy.length > 1) {
    await page.getByRole('group', { name: 'Show node status at epoch' }).getByRole('button', { name: String(pl.epoch), exact: true }).click();
    await expect(map.locator('figcaption')).toHaveAttribute('data-epoch', String(pl.epoch));
  }
  for (const f of pl.fragments) await expect(map.locator(`[data-fragment="${f.index}"][data-node="${f.node}"]`)).toHaveAttribute('data-status', f.identity.status);
  // The legend counts every copy once.
  await expect(map.getByText(new RegExp(`Verified \\(${pl.fragments.filter((f) => f.identity.status === 'verified').length} cop`))).toBeVisible();
  // The storage.place event's evidence: signed, and included under the newest checkpoint.
  await expectEvidence(page.getByTestId('evidence').filter({ hasText: 'storage.place event' }), pl.seq, pl.evidence);
});

test('the ranking at the placement epoch matches atlas explain --content --epoch', async ({ page }) => {
  await page.goto(`/content/${cid}/?epoch=${rk.epoch}`);
  const x = page.getByTestId('ranking-explanation');
  await expect(x).toBeVisible({ timeout: 180_000 });
  await expect(x).toHaveAttribute('data-epoch', String(rk.epoch));
  await expect(page.getByTestId('rank')).toHaveAttribute('data-rank', rk.rank === null ? '' : String(rk.rank));
  for (const s of rk.steps) await expect(page.getByTestId('ranking-steps').locator(`tr[data-step-id="${s.id}"]`)).toHaveAttribute('data-value', s.value);
  await expect(page.getByTestId('rank-history')).toBeVisible();
  expect(rk.seq).not.toBeNull();
  await expectEvidence(x.getByTestId('evidence'), rk.seq!, rk.evidence!);
});

test('re-hashing the shipped bytes confirms the content id and every fragment', async ({ page }) => {
  expect(pl.bytes?.ok).toBe(true);
  await page.goto(`/content/${cid}/`);
  await expect(page.getByTestId('rehash')).toBeVisible({ timeout: 180_000 });
  await page.getByTestId('rehash').click();
  const result = page.getByTestId('rehash-result');
  await expect(result).toContainText('equals the content id');
  await expect(result).toContainText('every fragment hash re-derived from the bytes matches the placement');
  await expect(result.locator(`code[data-full="${cid}"]`)).toHaveCount(1);
  // Each fragment hash and the root, re-derived from the bytes, beside the recorded ones.
  const rows = page.getByTestId('rehash-fragments').locator('tbody tr');
  await expect(rows).toHaveCount(pl.fragments.length + 1);
  for (const f of pl.fragments) {
    const row = page.getByTestId('rehash-fragments').locator(`tr[data-fragment="${f.index}"]`);
    await expect(row).toHaveAttribute('data-match', 'true');
    await expect(row.locator(`code[data-full="${f.hash}"]`)).toHaveCount(2);
  }
  await expect(page.getByTestId('rehash-fragments').locator('tr[data-fragment="root"]').locator(`code[data-full="${pl.root}"]`)).toHaveCount(2);
});

test('a fragment proof opens and folds to the fragment root', async ({ page }) => {
  await page.goto(`/content/${cid}/`);
  await expect(page.getByTestId('placement-map')).toBeVisible({ timeout: 180_000 });
  await page.locator('summary', { hasText: 'Fragment 1 on' }).click();
  await expect(page.getByText('it folds to the recorded fragment root.')).toBeVisible();
  await expect(page.locator(`[data-testid="proof-tree"] [data-role="root"][data-hash="${pl.root}"]`)).toHaveCount(1);
});

test('unknown content gets a clear empty state; axe finds nothing serious', async ({ page }) => {
  await page.goto(`/content/${'0'.repeat(64)}/`);
  await expect(page.getByText('Unknown content')).toBeVisible({ timeout: 180_000 });
  await page.goto(`/content/${cid}/`);
  await expect(page.getByTestId('placement-map')).toBeVisible({ timeout: 180_000 });
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
});
