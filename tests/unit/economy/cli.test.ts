// atlas explain / drift / accounts, run in-process on an issuer ledger written to disk.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCommand, type CommandIo } from '../../../src/cli/command';
import '../../../src/cli/commands/explain';
import '../../../src/cli/commands/drift';
import '../../../src/cli/commands/accounts';
import { makeFixture, type Fixture } from '../ledger-fixture';

let fx: Fixture;
beforeAll(async () => {
  fx = await makeFixture(2500, 'economy-cli', 'replay');
}, 300_000);
afterAll(() => fx?.cleanup());

async function run(name: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CommandIo = { out: (t) => void (out += t + '\n'), err: (t) => void (err += t + '\n'), write: async () => {} };
  const code = await findCommand(name)!.run(args, io);
  return { code, out, err };
}

describe('economy commands', () => {
  it('atlas drift prints 0.00% for every epoch and exits 0', async () => {
    const r = await run('drift', fx.dir);
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(5);
    for (const row of rows) expect(row.trim().endsWith('0.00%')).toBe(true);
    expect(r.out).toMatch(/pool: distributed \+ remainder = pool in all \d+ closed epochs/);
    const j = JSON.parse((await run('drift', fx.dir, '--json')).out);
    expect(j).toMatchObject({ ok: true, differing: 0, percent: '0.00', drift: [] });
  }, 120_000);
  it('atlas accounts lists accounts; atlas explain prints a readable breakdown and, with --json, the object', async () => {
    const list = JSON.parse((await run('accounts', fx.dir, '--json')).out) as Array<{ account: string; rewards: number; total: string }>;
    const someone = list.find((a) => a.account !== 'treasury' && a.rewards > 0)!;
    expect(someone).toBeDefined();
    const x = JSON.parse((await run('explain', fx.dir, '--account', someone.account, '--epoch', '1', '--json')).out);
    expect(x.kind).toBe('reward');
    expect(x.account).toBe(someone.account);
    if (x.seq !== null) expect(x.evidence).toMatchObject({ signature: { valid: true, signer: 'operator' }, inclusion: { valid: true } });
    const text = (await run('explain', fx.dir, '--account', someone.account, '--epoch', '1')).out;
    expect(text).toContain(`Reward of ${someone.account} for epoch 1`);
    expect(text).toMatch(/Pro-rata share/);
    expect(text).toMatch(/ATR/);
  }, 120_000);
  it('atlas explain --content shows the placement and checks shipped bytes', async () => {
    const manifest = JSON.parse(new TextDecoder().decode(fx.files.get('manifest.json')!)) as { content: Array<{ cid: string }> };
    const cid = manifest.content[0]!.cid;
    const x = JSON.parse((await run('explain', fx.dir, '--content', cid, '--json')).out);
    expect(x).toMatchObject({ kind: 'placement', cid, matches: true, rootMatches: true, bytes: { ok: true } });
    // bad arguments are a UsageError (main.ts prints it with the usage and exits 2)
    await expect(run('explain', fx.dir, '--content', 'zz')).rejects.toThrow(/--content must be a content id/);
    await expect(run('explain', fx.dir, '--account', 'u-000001')).rejects.toThrow(/--account needs --epoch/);
  }, 120_000);
});
