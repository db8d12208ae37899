// Browser drill setup: copy the built app, generate the drill ledgers next to it, choose the events
// (Drill A) and corruptions (Drill B) from one printed seed, and write the oracle the specs read.
// Ledgers come from `atlas generate` (the CLI, as an operator would run it); corruptions from the
// tamper library. Replay a run with DRILL_SEED=<seed>.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { BundleFiles, SeededRandom, TAMPER_KINDS, TamperSource } from '../../src/issuer/tamper';
import { ORACLE, ORIGIN, SITE, type DrillOracle, type RewardPick } from './paths';

function generate(out: string, events: number, seed: number): number {
  const t = performance.now();
  execFileSync('node', ['bin/atlas.mjs', 'generate', '--out', out, '--events', String(events), '--seed', String(seed), '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return performance.now() - t;
}

export default async function globalSetup(): Promise<void> {
  if (!existsSync('build/index.html')) throw new Error('drills: build/ is missing: run `npm run build` first');
  if (!existsSync('dist/cli/atlas.mjs')) throw new Error('drills: the CLI is not built: run `npm run build:cli` first');
  const seed = process.env.DRILL_SEED ? Number(process.env.DRILL_SEED) : randomInt(1, 2 ** 31);
  if (!Number.isSafeInteger(seed)) throw new Error(`DRILL_SEED must be an integer, got ${process.env.DRILL_SEED}`);
  console.log(`\nbrowser drills: seed ${seed} (replay with DRILL_SEED=${seed} npm run drill:browser)`);
  const rng = new SeededRandom(`browser/${seed}`);

  rmSync(SITE, { recursive: true, force: true });
  rmSync(ORACLE, { recursive: true, force: true });
  cpSync('build', SITE, { recursive: true });
  mkdirSync(ORACLE, { recursive: true });

  // Drill A: a 10,000-event ledger from a seed; 50 reward events chosen at random.
  const events = Number(process.env.DRILL_EVENTS ?? 10_000);
  const aSeed = rng.childSeed();
  const aDir = join(SITE, 'drills', 'a');
  const generateMs = generate(aDir, events, aSeed);
  const bundle = await BundleFiles.load(aDir);
  const rewards: RewardPick[] = [];
  let seq = 0;
  for (const e of bundle.envelopes()) {
    if (e.type === 'reward.allocate') {
      const p = e.payload as { account: string; amount: string };
      rewards.push({ seq, account: p.account, epoch: e.epoch, amount: p.amount });
    }
    seq++;
  }
  const picks = rng.sample(rewards, Math.min(50, rewards.length));
  const aTrust = join(ORACLE, 'trust-a.json');
  cpSync(join(aDir, 'trust.json'), aTrust);
  rmSync(join(aDir, 'trust.json'));

  // Drill B: every corruption kind at a random tick of a 2,000-event ledger from another seed.
  const bSeed = rng.childSeed();
  const bBase = join(ORACLE, 'b-base');
  generate(bBase, 2000, bSeed);
  const bTrust = join(ORACLE, 'trust-b.json');
  cpSync(join(bBase, 'trust.json'), bTrust);
  const src = await TamperSource.loadGenerated(bBase, bSeed);
  // The honest ledger too, for Drill B in a browser that verified it first.
  const bHonest = join(SITE, 'drills', 'b-honest');
  cpSync(bBase, bHonest, { recursive: true });
  rmSync(join(bHonest, 'trust.json'), { force: true });
  const cases: DrillOracle['b']['cases'] = [];
  for (const kind of TAMPER_KINDS) {
    const s = rng.childSeed();
    const t = src.tamper(kind, s);
    const dir = join(SITE, 'drills', `b-${kind}`);
    await t.bundle.save(dir);
    rmSync(join(dir, 'trust.json'), { force: true });
    cases.push({ kind, url: `${ORIGIN}/drills/b-${kind}/`, seed: s, expected: t.expected, detail: t.detail });
  }

  const o: DrillOracle = {
    seed,
    a: { dir: aDir, url: `${ORIGIN}/drills/a/`, events, ledgerSeed: aSeed, trustFile: aTrust, picks, generateMs },
    b: { ledgerSeed: bSeed, events: 2000, trustFile: bTrust, honest: { dir: bHonest, url: `${ORIGIN}/drills/b-honest/` }, cases }
  };
  writeFileSync(join(ORACLE, 'drills.json'), JSON.stringify(o, null, 2));
}
