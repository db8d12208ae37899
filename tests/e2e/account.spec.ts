// My rewards: the page's explanation shows exactly the numbers of `atlas explain --json` for the
// same account and epoch (run here, on the same demo bundle and pinned trust), opened by deep link.
import { execFileSync } from 'node:child_process';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

function atlasJson<T>(args: string[]): T {
  const out = execFileSync('node', ['bin/atlas.mjs', ...args, '--json', '--trust', 'static/demo/trust.json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(out) as T;
}

interface Explanation {
  account: string;
  epoch: number;
  policy: { version: string; hash: string; fromEpoch: number; toEpoch: number | null };
  steps: Array<{ id: string; value: string }>;
  guards: Array<{ name: string; pass: boolean }>;
  inputs: { seqs: number[]; events: number };
  recomputed: string;
  recorded: { seq: number; amount: string } | null;
  matches: boolean;
  seq: number | null;
  evidence: { signature: { valid: boolean; signer: string; key: string } | null; inclusion: { checkpointSize: number; checkpointRoot: string; proof: string[]; valid: boolean } | null } | null;
}

test.describe.configure({ mode: 'serial', timeout: 240_000 });

let account = '';
let epoch = 0;
let want: Explanation;
let rewarded: number;

test.beforeAll(() => {
  // The account with the most rewards (ties: lowest id), at an epoch under an older policy than
  // the newest, so the page must explain it with the policy of its own epoch.
  const accounts = atlasJson<Array<{ account: string; rewards: number }>>(['accounts', 'static/demo']);
  const best = accounts.filter((a) => a.account !== 'treasury').sort((a, b) => b.rewards - a.rewards || (a.account < b.account ? -1 : 1))[0]!;
  account = best.account;
  rewarded = best.rewards;
  epoch = 4;
  want = atlasJson<Explanation>(['explain', 'static/demo', '--account', account, '--epoch', String(epoch)]);
  expect(want.recorded, 'the chosen reward is recorded in the ledger').not.toBeNull();
});

test('an explanation shows the same numbers as atlas explain --json', async ({ page }) => {
  await page.goto(`/account/${encodeURIComponent(account)}/?epoch=${epoch}`);
  const x = page.getByTestId('reward-explanation');
  await expect(x).toBeVisible({ timeout: 180_000 });
  await expect(x).toHaveAttribute('data-epoch', String(epoch));
  await expect(page.getByTestId('final-reward')).toHaveAttribute('data-value', want.recomputed);
  await expect(page.getByTestId('recorded-reward')).toHaveAttribute('data-value', want.recorded!.amount);

  // Every step, by id, with the CLI's exact value.
  const table = page.getByTestId('steps-table');
  for (const s of want.steps) await expect(table.locator(`tr[data-step-id="${s.id}"]`)).toHaveAttribute('data-value', s.value);
  await expect(table.locator('tr[data-step-id]')).toHaveCount(want.steps.length);

  // The policy in force at that epoch (not the newest), with its full hash.
  await expect(page.getByTestId('policy-link')).toHaveText(want.policy.version);
  await expect(x.locator(`code[data-full="${want.policy.hash}"]`)).toHaveCount(1);

  for (const g of want.guards) await expect(x.locator(`[data-guard="${g.name}"]`)).toHaveAttribute('data-pass', String(g.pass));
  const seqs = await page.getByTestId('contributing-seqs').getByRole('link').allTextContents();
  expect(seqs).toEqual(want.inputs.seqs.map((s) => `#${s}`));

  // Badges: recomputation, signature and inclusion agree with the CLI's evidence.
  await expect(page.getByTestId('badge-match')).toContainText(want.matches ? 'recomputed value matches' : 'differs');
  expect(want.evidence?.signature?.valid).toBe(true);
  await expect(page.getByTestId('badge-signature')).toContainText('signature verified');
  await expect(page.getByTestId('badge-checkpoint')).toContainText(`included under checkpoint ${want.evidence!.inclusion!.checkpointSize.toLocaleString('en-US')}`);
  await expect(page.getByTestId('badge-checkpoint')).toContainText('witness cosignatures');

  // The evidence inside the explanation is the CLI's, field by field: signer and key, checkpoint, root, proof.
  const ev = x.getByTestId('evidence');
  const inc = want.evidence!.inclusion!;
  await expect(ev).toHaveAttribute('data-seq', String(want.seq));
  await expect(ev).toHaveAttribute('data-signature-valid', 'true');
  await expect(ev).toHaveAttribute('data-signer', want.evidence!.signature!.signer);
  await expect(ev).toHaveAttribute('data-checkpoint-size', String(inc.checkpointSize));
  await expect(ev).toHaveAttribute('data-proof-length', String(inc.proof.length));
  await expect(ev).toHaveAttribute('data-inclusion-valid', 'true');
  await expect(ev.getByTestId('evidence-signature')).toContainText(`signed by ${want.evidence!.signature!.signer}`);
  await expect(ev.locator(`code[data-full="${want.evidence!.signature!.key}"]`)).toHaveCount(1);
  await expect(ev.locator(`code[data-full="${inc.checkpointRoot}"]`)).toHaveCount(1);
  await expect(ev.getByTestId('evidence-inclusion')).toContainText(`${inc.proof.length}-hash RFC 9162 proof for leaf ${want.seq}`);
  // …and it leads to the drawn Merkle path of that event.
  await ev.getByRole('link', { name: 'See the Merkle path' }).click();
  await expect(page).toHaveURL(new RegExp(`/proof/${want.seq}/`));
  await expect(page.getByTestId('proof-tree')).toBeVisible({ timeout: 180_000 });
  await page.goBack();
  await expect(page.getByTestId('reward-explanation')).toBeVisible({ timeout: 180_000 });

  // The waterfalls are drawn from the same steps: the payout panel ends at the reward.
  await expect(page.getByTestId('wf-payout-table').locator('tr').last().locator('td').last()).toHaveAttribute('data-value', BigInt(want.recomputed.replace('.', '')).toString());
});

test('rewards per epoch: one bar and one row per rewarded epoch, links explain each', async ({ page }) => {
  await page.goto(`/account/${encodeURIComponent(account)}/`);
  await expect(page.getByTestId('reward-bars')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('reward-bars').locator('a')).toHaveCount(rewarded);
  await expect(page.getByTestId('rewards-table').locator('tbody tr')).toHaveCount(rewarded);
  await expect(page.getByTestId('streak-history')).toBeVisible();
  // Keyboard: the epoch bar is a link to that epoch's explanation.
  await page.locator(`[data-testid="reward-bars"] a[aria-label^="Epoch ${epoch}:"]`).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`\\?epoch=${epoch}`));
  await expect(page.getByTestId('final-reward')).toHaveAttribute('data-value', want.recomputed);
});

test('an unknown account gets a clear empty state', async ({ page }) => {
  await page.goto('/account/no-such-account/');
  await expect(page.getByText('No rewards for this account')).toBeVisible({ timeout: 180_000 });
});

test('axe: no serious or critical violation on the account page', async ({ page }) => {
  await page.goto(`/account/${encodeURIComponent(account)}/?epoch=${epoch}`);
  await expect(page.getByTestId('reward-explanation')).toBeVisible({ timeout: 180_000 });
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
});
