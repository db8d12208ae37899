// The verifier worker's explanations, through its real comlink protocol (src/lib/worker/verifier.worker.ts
// exposed on one end of a MessageChannel, wrapped on the other, so every answer is structured-cloned
// as in the browser): each explanation carries its evidence, and equals `atlas explain --json` on the
// same bundle byte for byte; a reward past the newest verified checkpoint has no inclusion.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Comlink from 'comlink';
import type { VerifierApi } from '../../../src/lib/worker/verifier.worker';
import { findCommand, type CommandIo } from '../../../src/cli/command';
import '../../../src/cli/commands/explain';
import { generateBundle } from '../../../src/issuer/generate';
import { BundleFiles, TamperSource } from '../../../src/issuer/tamper';
import { forgeLastCheckpoint } from '../forged-last-checkpoint';
import { serveBytes, startVerifierWorker } from './in-process-verifier';

const SEED = 'worker-explain';
let dir = '';
let source: TamperSource;
let trust: unknown;
let server: Server;
let base = '';
/** What the test server serves under /<name>/: a bundle's files. */
const served = new Map<string, BundleFiles>();
let remote: Comlink.Remote<VerifierApi>;
let close: () => void;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'atlas-worker-explain-'));
  trust = (await generateBundle({ out: join(dir, 'ledger'), events: 600, seed: SEED })).trust;
  source = await TamperSource.loadGenerated(join(dir, 'ledger'), SEED);
  ({ base, server } = await serveBytes(([name, ...rest]) => {
    const b = served.get(name ?? '');
    const path = rest.join('/');
    return b && b.paths().includes(path) ? b.get(path) : null;
  }));
  ({ remote, close } = await startVerifierWorker());
}, 300_000);
afterAll(() => {
  close?.();
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function load(name: string, b: BundleFiles, audit: boolean) {
  served.set(name, b);
  return remote.load({ kind: 'url', url: `${base}${name}/` }, { trust, audit, base });
}

async function cli(...args: string[]): Promise<string> {
  let out = '';
  const io: CommandIo = { out: (t) => void (out += t), err: () => {}, write: async () => {} };
  expect(await findCommand('explain')!.run([join(dir, 'ledger'), ...args, '--json'], io)).toBe(0);
  return out;
}

describe('verifier worker: explanations carry their evidence', () => {
  it('reward, ranking and placement equal atlas explain --json, evidence included', async () => {
    const r = await load('honest', source.bundle, false);
    expect(r.status).toBe('verified');
    const account = (await remote.accounts('u-', 50)).find((a) => a.rewards > 0)!.account;
    const reward = await remote.explainReward(account, 1);
    expect(reward?.evidence?.signature).toMatchObject({ valid: true, signer: 'operator' });
    expect(reward?.evidence?.inclusion).toMatchObject({ checkpointSize: source.eventCount, leafIndex: reward!.seq, valid: true });
    expect(JSON.stringify(reward)).toBe(await cli('--account', account, '--epoch', '1'));

    const cid = (await remote.contentList())[0]!.cid;
    const ranking = await remote.explainRanking(cid, 2);
    expect(ranking?.seq).not.toBeNull();
    expect(ranking?.evidence?.inclusion?.valid).toBe(true);
    expect(JSON.stringify(ranking)).toBe(await cli('--content', cid, '--epoch', '2'));

    const placement = await remote.explainPlacement(cid);
    expect(placement?.evidence?.signature?.valid).toBe(true);
    // The CLI also re-hashes shipped bytes into `bytes`; the app does that on request (checkContentBytes).
    expect(JSON.stringify({ ...placement, bytes: null })).toBe(JSON.stringify({ ...JSON.parse(await cli('--content', cid)), bytes: null }));
  }, 300_000);

  it('the summaries for the history charts agree with the explanations', async () => {
    const account = (await remote.accounts('u-', 50)).find((a) => a.rewards > 1)!.account;
    const rows = await remote.rewardsOf(account);
    expect(rows.length).toBeGreaterThan(1);
    for (const row of rows) {
      const x = (await remote.explainReward(account, row.epoch))!;
      const streak = x.steps.find((s) => s.id === 'streak')!;
      expect(row).toMatchObject({ recomputed: x.recomputed, seq: x.seq, streak: Number(streak.value) });
      expect(streak.formula.endsWith(`= ${row.bonusEpochs}`)).toBe(true);
    }
    const item = (await remote.contentList()).find((c) => c.epoch > 0)!;
    const ranks = await remote.rankingsOf(item.cid, 0, item.epoch + 2);
    const want = [];
    for (let e = 0; e <= item.epoch + 2; e++) {
      const x = await remote.explainRanking(item.cid, e);
      if (x) want.push({ epoch: e, rank: x.rank, score: x.recomputed.score });
    }
    expect(want.length).toBeGreaterThan(0);
    expect(ranks).toEqual(want);
  }, 300_000);

  /** The account page's one answer against the two it replaces: explainReward, then proof() for the witnesses. */
  async function viewMatchesTwoRoundTrips(account: string, epoch: number): Promise<boolean> {
    const view = await remote.explainRewardView(account, epoch);
    const x = await remote.explainReward(account, epoch);
    expect(JSON.stringify(view.explanation)).toBe(JSON.stringify(x));
    const seq = x?.recorded?.seq ?? null;
    const p = seq === null ? null : await remote.proof(seq);
    expect(view.witnesses).toEqual(p && p.ok ? p.value.checkpoint.signatures.filter((sig) => sig.kind === 'witness') : null);
    return (view.witnesses?.length ?? 0) > 0;
  }

  it('the account page\'s one answer (explainRewardView) shows what explainReward and proof() showed together', async () => {
    expect((await load('honest', source.bundle, false)).status).toBe('verified');
    let withWitnesses = 0;
    for (const a of (await remote.accounts('u-', 50)).slice(0, 6)) {
      for (const row of await remote.rewardsOf(a.account)) if (await viewMatchesTwoRoundTrips(a.account, row.epoch)) withWitnesses++;
    }
    expect(withWitnesses).toBeGreaterThan(0);
    // Nothing to explain: no witnesses either.
    expect(await remote.explainRewardView('no-such-account', 0)).toEqual({ explanation: null, witnesses: null });
    // Past the newest verified checkpoint: the proof view's checkpoint (the forged one) all the same.
    const t = forgeLastCheckpoint(source);
    await load('forged-last-checkpoint', t.bundle, true);
    for (const a of (await remote.accounts('u-', 50)).slice(0, 6)) await viewMatchesTwoRoundTrips(a.account, (t.bundle.manifest().epochs as number) - 1);
  }, 300_000);

  it('a reward whose amount was changed without re-signing is no evidence: the replay never took it', async () => {
    const t = source.tamper('amount-stale-sig', 1);
    const env = t.bundle.envelope(t.expected.seq!);
    const r = await load('stale-sig', t.bundle, true);
    expect(r.status).toBe('failed');
    expect(r.report?.failures.some((f) => f.seq === t.expected.seq && f.code === 'sig.invalid')).toBe(true);
    const x = await remote.explainReward((env.payload as { account: string }).account, env.epoch);
    expect(x).toMatchObject({ recorded: null, seq: null, evidence: null, matches: false });
  }, 300_000);

  it('a reward after the newest verified checkpoint: signature verified, no inclusion', async () => {
    const t = forgeLastCheckpoint(source);
    const r = await load('forged-last-checkpoint', t.bundle, true);
    expect(r.report?.failures.map((f) => f.code)).toEqual(['checkpoint.signature-invalid']);
    const lastEpoch = r.report!.epochs - 1;
    let found = false;
    for (const a of await remote.accounts('u-', 50)) {
      const x = await remote.explainReward(a.account, lastEpoch);
      if (!x?.recorded) continue;
      expect(x.seq!).toBeGreaterThanOrEqual(t.previousSize);
      expect(x.evidence).toEqual({ signature: { valid: true, signer: 'operator', key: t.bundle.envelope(x.seq!).key }, inclusion: null });
      found = true;
      break;
    }
    expect(found, 'some account is rewarded in the last epoch').toBe(true);
  }, 300_000);
});
