// Policy page: for every policy activated in the demo ledger, the page shows the hash that
// python3 computes over the canonical JSON (json.dumps sort_keys, compact separators, ASCII:
// BUNDLE_FORMAT.md §2, an implementation independent of ours), the epochs it covers and what
// changed from the previous version.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

type Doc = { [k: string]: unknown };
interface Activation {
  version: string;
  fromEpoch: number;
  seq: number;
  policy: Doc;
  hash: string;
}

function pythonHash(doc: unknown): string {
  const script = 'import hashlib,json,sys; d=json.load(sys.stdin); print(hashlib.sha256(json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()).hexdigest())';
  return execFileSync('python3', ['-c', script], { input: JSON.stringify(doc), encoding: 'utf8' }).trim();
}

function leaves(doc: unknown, path = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (doc !== null && typeof doc === 'object' && !Array.isArray(doc)) {
    for (const [k, v] of Object.entries(doc)) for (const [p, x] of leaves(v, path ? `${path}.${k}` : k)) out.set(p, x);
  } else out.set(path, JSON.stringify(doc));
  return out;
}

test.describe.configure({ mode: 'serial', timeout: 240_000 });

let policies: Activation[] = [];

test.beforeAll(() => {
  const dir = 'static/demo/segments';
  for (const f of readdirSync(dir).sort()) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      if (!line.includes('"type":"policy.activate"')) continue;
      const e = JSON.parse(line) as { seq: number; type: string; payload: { version: string; fromEpoch: number; policy: Doc } };
      if (e.type !== 'policy.activate') continue;
      policies.push({ version: e.payload.version, fromEpoch: e.payload.fromEpoch, seq: e.seq, policy: e.payload.policy, hash: pythonHash(e.payload.policy) });
    }
  }
  policies = policies.sort((a, b) => a.fromEpoch - b.fromEpoch);
  expect(policies.length).toBeGreaterThanOrEqual(3);
});

test('every version: its full hash, the epochs it covers and the fields that changed', async ({ page }) => {
  for (const [i, p] of policies.entries()) {
    await page.goto(`/policy/${encodeURIComponent(p.version)}/`);
    await expect(page.getByTestId('policy-hash')).toHaveText(p.hash, { timeout: 180_000 });
    const next = policies[i + 1];
    await expect(page.getByTestId('policy-epochs')).toHaveText(`epochs ${p.fromEpoch}–${next ? next.fromEpoch - 1 : 'now (still in force)'}`);
    await expect(page.getByRole('link', { name: `event #${p.seq}` })).toBeVisible();
    // The document: every leaf value exactly as in the ledger (numbers and strings as text).
    const doc = page.getByTestId('policy-document');
    for (const [path, v] of leaves(p.policy)) {
      const text = typeof JSON.parse(v) === 'string' ? (JSON.parse(v) as string) : v;
      await expect(doc.locator(`tr[data-path="${path}"] td`)).toHaveAttribute('data-value', text);
    }
    const prev = policies[i - 1];
    if (!prev) {
      await expect(page.getByText('This is the first policy of the ledger')).toBeVisible();
      continue;
    }
    const a = leaves(prev.policy);
    const b = leaves(p.policy);
    const changed = [...new Set([...a.keys(), ...b.keys()])].filter((k) => a.get(k) !== b.get(k)).sort();
    const rows = page.getByTestId('policy-changes').locator('tbody tr');
    await expect(rows).toHaveCount(changed.length);
    expect((await rows.evaluateAll((trs) => trs.map((t) => t.getAttribute('data-path')))).sort()).toEqual(changed);
  }
});

test('an unknown version lists the real ones; axe finds nothing serious', async ({ page }) => {
  await page.goto('/policy/no-such-version/');
  await expect(page.getByText('No policy no-such-version in this ledger')).toBeVisible({ timeout: 180_000 });
  for (const p of policies) await expect(page.getByRole('link', { name: p.version, exact: true })).toBeVisible();
  await page.goto(`/policy/${encodeURIComponent(policies[1]!.version)}/`);
  await expect(page.getByTestId('policy-hash')).toBeVisible({ timeout: 180_000 });
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)).toEqual([]);
});
