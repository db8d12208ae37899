// The replay drills in a real browser (issue 6), against the built static app in Chromium.
// Drill A "Time Machine": a fresh profile verifies a 10,000-event ledger in the app's worker, then
// 50 random rewards (seed printed by global-setup) are explained in the app: the recomputed value
// equals the ledger's, the signature and match badges are green, the event is included under a
// witnessed checkpoint, and the app's C2SP tlog-proof verifies independently here (core, Node).
// Drill B "Bad Actor": for every corruption kind at a random tick, the app's own report names
// exactly that seq and code first, and nothing before it.
import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judge } from '../../src/issuer/tamper/drill-b';
import { BundleFiles, TAMPER_KINDS } from '../../src/issuer/tamper';
import { verifyTlogProof } from '../../src/lib/core/tlog-proof';
import { parseTrustPolicy } from '../../src/lib/core/trust-policy';
import { pureBackend } from '../../src/lib/core/ed25519';
import { parseTrustDoc } from '../../src/lib/core/manifest';
import { exportedFailures, go, openWithTrust } from './browser';
import { oracle } from './paths';

// The oracle is written by global-setup.ts, which runs after the test files are collected: read it
// inside each test.

test('Drill A "Time Machine": 50 random rewards of a 10,000-event ledger explained and proven in the browser', async ({ page }) => {
  test.setTimeout(900_000);
  const o = oracle();
  const started = performance.now();
  console.log(`Drill A: ${o.a.events} events from ledger seed ${o.a.ledgerSeed}, ${o.a.picks.length} rewards (drill seed ${o.seed})`);
  await openWithTrust(page, o.a.url, o.a.trustFile);
  await expect(page.getByTestId('verdict')).toContainText('Verified');
  await expect(page.getByTestId('summary').locator('[data-field="events"]')).toHaveText(o.a.events.toLocaleString('en-US'));
  const loaded = performance.now();
  console.log(`  verified in the worker in ${((loaded - started) / 1000).toFixed(1)} s`);

  const trust = parseTrustDoc(readFileSync(o.a.trustFile, 'utf8'));
  if (typeof trust === 'string') throw new Error(trust);
  const policy = parseTrustPolicy(trust.policy);
  if (!policy.ok) throw new Error(policy.message);
  const bundle = await BundleFiles.load(o.a.dir);
  const origin = bundle.manifest()['origin'] as string;
  const bundleParam = `bundle=${encodeURIComponent(o.a.url)}`;

  for (const pick of o.a.picks) {
    await go(page, `/account/${pick.account}?epoch=${pick.epoch}&${bundleParam}`);
    const x = page.locator(`[data-testid="reward-explanation"][data-account="${pick.account}"][data-epoch="${pick.epoch}"]`);
    await expect(x).toBeVisible();
    // The explanation's recomputed value equals the ledger's value at that seq.
    await expect(x.getByTestId('final-reward')).toHaveAttribute('data-value', pick.amount);
    await expect(x.getByTestId('recorded-reward')).toHaveAttribute('data-value', pick.amount);
    await expect(x.getByTestId('badge-match')).toContainText('recomputed value matches');
    await expect(x.getByTestId('badge-signature')).toContainText('signature verified');
    // The explanation's own evidence (core/evidence.ts, as `atlas explain` prints it): signed, and
    // included in the log under a verified checkpoint, the proof checked.
    await expect(x.getByTestId('evidence')).toHaveAttribute('data-seq', String(pick.seq));
    await expect(x.getByTestId('evidence')).toHaveAttribute('data-signature-valid', 'true');
    await expect(x.getByTestId('evidence')).toHaveAttribute('data-inclusion-valid', 'true');
    await expect(x.getByTestId('evidence-inclusion')).toContainText(`for leaf ${pick.seq}`);
    await expect(x.getByTestId('badge-checkpoint')).toContainText('included under checkpoint');
    await expect(x.getByTestId('badge-checkpoint')).not.toContainText(' 0 of ');

    // The proof view: root recomputed in the worker equals the signed root; its tlog-proof text
    // verifies here under the trust policy (operator signature, 2-of-3 witnesses, inclusion).
    await go(page, `/proof/${pick.seq}?${bundleParam}`);
    await expect(page.getByTestId('proof-badges')).toContainText('recomputed root equals the checkpoint root');
    await expect(page.getByTestId('proof-badges')).toContainText('log signature verified');
    const proofText = (await page.getByTestId('tlog-proof').textContent()) ?? '';
    const ref = bundle.locate(pick.seq);
    const entry = bundle.lines(ref.file)[ref.index]!;
    const v = await verifyTlogProof(proofText, entry, policy.value, pureBackend, { origin });
    expect(v.ok ? `index ${v.value.index}, quorum ${v.value.quorum.satisfied}` : `${v.reason}: ${v.message}`).toBe(`index ${pick.seq}, quorum true`);
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`  Drill A: ${o.a.picks.length}/${o.a.picks.length} rewards explained, matched, signed and proven; ${seconds.toFixed(1)} s in all (${((performance.now() - loaded) / 1000).toFixed(1)} s for the explanations)`);
  test.info().annotations.push({ type: 'drill-a-seconds', description: seconds.toFixed(1) });
  // Nothing in this honest ledger is reported wrong.
  expect(await exportedFailures(page, o.a.url)).toEqual([]);
});

test.describe('Drill B "Bad Actor": one corruption, flagged at its exact seq in the browser', () => {
  for (const kind of TAMPER_KINDS) {
    test(kind, async ({ page }) => {
      const o = oracle();
      const c = o.b.cases.find((x) => x.kind === kind)!;
      console.log(`Drill B ${c.kind} (seed ${c.seed}): expect ${c.expected.code} at seq ${c.expected.seq}; ${c.detail}`);
      await openWithTrust(page, c.url, o.b.trustFile);
      await expect(page.getByTestId('verdict')).toContainText('Failures found');
      const failures = await exportedFailures(page, c.url);
      const verdict = judge(c.expected, failures);
      expect(verdict.reason, `first findings: ${JSON.stringify(failures.slice(0, 3).map((f) => [f.seq, f.code, f.file]))}`).toBe('');
      // The audit page names the same first corruption.
      await expect(page.getByTestId('first-failure')).toContainText(`seq ${c.expected.seq}`);
      await expect(page.getByTestId('first-failure')).toContainText(c.expected.code);
    });
  }
});

// The same corruptions in one browser that verified the honest ledger first: its segment is then in
// the cache with its signatures found valid. A case whose manifest names that segment, byte for byte
// the honest one, recalls them (a corrupted checkpoint or content item); every other case is other
// bytes, or names them by another hash, and is checked. Either way the corruption is flagged at its exact seq, as in a fresh browser, with one
// exception the cache is designed for: when the manifest still commits to the honest segment's
// SHA-256 and only the server's copy of it differs (a truncated file), the cache serves the bytes
// the manifest commits to, and the ledger verifies (clearing the cached files checks the server's).
test('Drill B after an honest visit: every corruption still flagged at its exact seq, unchanged segments recalled', async ({ page }) => {
  const o = oracle();
  await openWithTrust(page, o.b.honest.url, o.b.trustFile);
  await expect(page.getByTestId('verdict')).toContainText('Verified');
  const segments = (dir: string) => readdirSync(join(dir, 'segments')).sort().map((f) => readFileSync(join(dir, 'segments', f)));
  const committed = (dir: string) => JSON.stringify((JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { segments: unknown }).segments);
  const honest = segments(o.b.honest.dir);
  const recalledText = o.b.events.toLocaleString('en-US');
  let recalledCases = 0;
  let servedFromCache = 0;
  for (const c of o.b.cases) {
    const dir = join(o.b.honest.dir, '..', `b-${c.kind}`);
    await openWithTrust(page, c.url, o.b.trustFile);
    const mine = segments(dir);
    const same = mine.length === honest.length && mine.every((b, i) => b.equals(honest[i]!));
    const committedHonest = committed(dir) === committed(o.b.honest.dir);
    if (!same && committedHonest) {
      servedFromCache++;
      await expect(page.getByTestId('verdict'), c.kind).toContainText('Verified');
      await expect(page.getByTestId('signatures-recalled').locator('[data-field="recalled"]'), c.kind).toHaveText(recalledText);
      continue;
    }
    await expect(page.getByTestId('verdict'), c.kind).toContainText('Failures found');
    // Recalled only where the manifest names the honest segment (so the cache serves it): a manifest
    // listing another SHA-256 for the same bytes (segment-hash) has them downloaded and checked.
    if (same && committedHonest) {
      recalledCases++;
      await expect(page.getByTestId('signatures-recalled').locator('[data-field="recalled"]'), c.kind).toHaveText(recalledText);
    } else await expect(page.getByTestId('signatures-recalled'), c.kind).toHaveCount(0);
    const failures = await exportedFailures(page, c.url);
    expect(judge(c.expected, failures).reason, `${c.kind}: first findings ${JSON.stringify(failures.slice(0, 3).map((f) => [f.seq, f.code, f.file]))}`).toBe('');
  }
  console.log(
    `  Drill B after an honest visit: ${o.b.cases.length - servedFromCache}/${o.b.cases.length} flagged at the exact seq and code, ${recalledCases} of them with the signatures of their unchanged segment recalled; ${servedFromCache} served the manifest's committed segment from the cache`
  );
  expect(recalledCases).toBeGreaterThan(0);
  // Exactly the segment-truncated case: it cuts the server's copy and leaves the manifest as it was;
  // every other kind changes what the manifest commits to, or is not in a segment.
  expect(servedFromCache).toBe(o.b.cases.filter((c) => c.kind === 'segment-truncated').length);
  expect(servedFromCache).toBe(1);
});

test.afterAll(() => {
  console.log(`browser drills: replay with DRILL_SEED=${oracle().seed} npm run drill:browser (oracle ${join('test-results', 'drill-oracle', 'drills.json')})`);
});
