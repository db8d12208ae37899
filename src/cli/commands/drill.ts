// atlas drill [--full] [--seed S] [--events N] [--sample N] [--kinds K,...] [--ticks T] [--ledgers L] [--work DIR]
// The replay drills of issue 6, through the CLI (each ledger is generated and verified by child
// `atlas` processes, exactly as CI and auditors run them):
//   Drill A "Time Machine": generate an N-event ledger (default 10,000) from the seed, verify it,
//     pick `--sample` explainable events at random (seeded, printed, replayable) and check that each
//     explanation's recomputed value equals the ledger's, its signature verifies, and its inclusion
//     proof verifies against a witnessed checkpoint; a few are cross-checked with `atlas explain
//     --json`, `atlas proof` and `atlas entry`. Reports the time taken.
//   Drill B "Bad Actor": every corruption kind of the tamper library at a random tick;
//     `atlas verify --audit --json` must report exactly that seq and code first, nothing earlier.
//   --full (nightly): every kind at `--ticks` random ticks on two ledgers, plus `--ledgers` randomly
//     generated valid ledgers of random sizes that must verify with zero findings (false alarms 0).
// Exit 0 when every check passed, 1 otherwise, 2 on a usage error.

import { randomInt } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Replayer } from '../../lib/core/economy';
import { UsageError, registerCommand } from '../command';
import { bundleSource, intOption, runVerification } from '../bundle-run';
import { nodeBackend } from '../ed25519-node';
import { TamperSource, TAMPER_KINDS, isTamperKind, SeededRandom, type TamperKind } from '../../issuer/tamper';
import { atlasGenerate, atlasVerify, pinAtlas, runAtlas } from '../../issuer/tamper/atlas-process';
import { runDrillA, type DrillAResult } from '../../issuer/tamper/drill-a';
import { runDrillB, type DrillBCase } from '../../issuer/tamper/drill-b';

const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

interface Options {
  full: boolean;
  seed: number;
  events: number;
  sample: number;
  kinds: TamperKind[];
  ticks: number;
  ledgers: number;
  work: string;
}

async function drillA(o: Options, out: (t: string) => void): Promise<{ result: DrillAResult | null; ok: boolean; ms: number; crossChecked: number }> {
  const t0 = performance.now();
  const dir = join(o.work, `drill-a-${o.events}-seed-${o.seed}`);
  out(`\nDrill A "Time Machine": ${o.events} events from seed ${o.seed}, ${o.sample} random explanations (replay with --seed ${o.seed})`);
  const gen = await atlasGenerate(dir, o.events, o.seed);
  out(`  atlas generate: ${secs(gen)}`);
  const v = await atlasVerify(dir, false);
  out(`  atlas verify --json: ok=${v.ok}, ${v.events} events, ${v.epochs ?? '?'} epochs, ${v.signaturesVerified ?? '?'} signatures, ${v.checkpointsVerified ?? '?'} witnessed checkpoints, ${secs(v.ms)}`);
  let ok = v.ok && v.events === o.events && v.failures.length === 0;
  if (!ok) out(`  FAIL: the freshly generated ledger does not verify: ${JSON.stringify(v.failures.slice(0, 3))}`);
  const t1 = performance.now();
  const source = await bundleSource(dir);
  const { report, index } = await runVerification(source, {});
  if (!index || !report.ok) {
    out(`  FAIL: in-process replay refused the ledger: ${report.failures[0]?.code ?? 'no index'}`);
    return { result: null, ok: false, ms: performance.now() - t0, crossChecked: 0 };
  }
  out(`  fresh in-process replay: ${secs(performance.now() - t1)}`);
  const l = { source, report, index, replayer: index.replayer as unknown as Replayer };
  const result = await runDrillA(l, { seed: o.seed, n: o.sample, backend: nodeBackend, log: out });
  ok &&= result.passed === result.checks.length && result.checks.length === Math.min(o.sample, result.candidates);

  // Cross-check through the CLI: the same proof text, entry bytes and explanation.
  const cross = new SeededRandom(`cross/${o.seed}`).sample(result.checks, Math.min(o.full ? 4 : 1, result.checks.length));
  for (const c of cross) {
    const proof = await runAtlas(['proof', dir, '--seq', String(c.seq)]);
    const entry = await runAtlas(['entry', dir, '--seq', String(c.seq)], { binary: true });
    const want = new TextDecoder('latin1').decode(await index.entry(source, c.seq));
    const same = proof.code === 0 && proof.stdout === c.tlogProof && entry.code === 0 && entry.stdout === want;
    let explained = true;
    if (c.type === 'reward.allocate') {
      const env = JSON.parse(want) as { epoch: number; payload: { account: string; amount: string } };
      const x = await runAtlas(['explain', dir, '--account', env.payload.account, '--epoch', String(env.epoch), '--json']);
      const j = x.code === 0 ? (JSON.parse(x.stdout) as { recomputed: string; matches: boolean; evidence: { signature: { valid: boolean }; inclusion: { valid: boolean } } }) : null;
      explained = !!j && j.recomputed === env.payload.amount && j.matches && j.evidence.signature.valid && j.evidence.inclusion.valid;
    }
    out(`  ${same && explained ? 'ok  ' : 'FAIL'} cross-check seq ${c.seq} with atlas proof / entry${c.type === 'reward.allocate' ? ' / explain --json' : ''}: ${same && explained ? 'identical' : 'DIFFERENT'}`);
    ok &&= same && explained;
  }
  const ms = performance.now() - t0;
  out(`  Drill A: ${result.passed}/${result.checks.length} events pass (value, signature, inclusion) of ${result.candidates} explainable; ${secs(ms)} in all`);
  return { result, ok, ms, crossChecked: cross.length };
}

async function drillB(o: Options, out: (t: string) => void): Promise<DrillBCase[]> {
  const rng = new SeededRandom(`drill-b/${o.seed}`);
  const ledgers = o.full ? [{ events: 2000, seed: rng.childSeed() }, { events: 5000, seed: rng.childSeed() }] : [{ events: 2000, seed: rng.childSeed() }];
  const cases: DrillBCase[] = [];
  for (const lg of ledgers) {
    const dir = join(o.work, `drill-b-${lg.events}-seed-${lg.seed}`);
    out(`\nDrill B "Bad Actor": ${o.kinds.length} kinds × ${o.full ? o.ticks : 1} random tick(s) on ${lg.events} events from seed ${lg.seed}`);
    await atlasGenerate(dir, lg.events, lg.seed);
    const source = await TamperSource.loadGenerated(dir, lg.seed);
    cases.push(
      ...(await runDrillB({ source, seed: rng.childSeed(), ticks: o.full ? o.ticks : 1, kinds: o.kinds, verify: async (d) => (await atlasVerify(d, true)).failures, workDir: o.work, log: out }))
    );
    await rm(dir, { recursive: true, force: true });
  }
  return cases;
}

async function falseAlarms(o: Options, out: (t: string) => void): Promise<{ ledgers: number; alarms: number }> {
  const rng = new SeededRandom(`valid/${o.seed}`);
  out(`\nValid ledgers: ${o.ledgers} random seeds and sizes, each must verify with zero findings`);
  let alarms = 0;
  for (let i = 0; i < o.ledgers; i++) {
    const seed = rng.childSeed();
    const events = 300 + rng.int(3700);
    const dir = join(o.work, `valid-${seed}`);
    await atlasGenerate(dir, events, seed);
    const v = await atlasVerify(dir, true);
    const bad = !v.ok || v.events !== events || v.failures.length > 0;
    if (bad) alarms += Math.max(1, v.failures.length);
    out(`  ${bad ? 'FAIL' : 'ok  '} seed ${String(seed).padStart(10)} ${String(events).padStart(5)} events: ${v.failures.length} finding(s)${bad && v.failures[0] ? `, first ${v.failures[0].code} at seq ${v.failures[0].seq}` : ''} (${secs(v.ms)})`);
    await rm(dir, { recursive: true, force: true });
  }
  return { ledgers: o.ledgers, alarms };
}

registerCommand({
  name: 'drill',
  summary: 'run the replay drills: A "Time Machine" (explain random events) and B "Bad Actor" (every corruption caught at its exact seq)',
  usage: 'atlas drill [--full] [--seed S] [--events N] [--sample N] [--kinds K,...] [--ticks T] [--ledgers L] [--work DIR]',
  async run(args, io) {
    let v;
    try {
      v = parseArgs({
        args,
        options: {
          full: { type: 'boolean' },
          seed: { type: 'string' },
          events: { type: 'string' },
          sample: { type: 'string' },
          kinds: { type: 'string' },
          ticks: { type: 'string' },
          ledgers: { type: 'string' },
          work: { type: 'string' },
          'skip-a': { type: 'boolean' },
          'skip-b': { type: 'boolean' }
        }
      });
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const kinds = v.values.kinds ? v.values.kinds.split(',') : [...TAMPER_KINDS];
    const unknown = kinds.filter((k) => !isTamperKind(k));
    if (unknown.length) throw new UsageError(`unknown kind(s) ${unknown.join(', ')}; known: ${TAMPER_KINDS.join(', ')}`);
    const full = v.values.full === true;
    const work = v.values.work ?? (await mkdtemp(join(tmpdir(), 'atlas-drill-')));
    const o: Options = {
      full,
      seed: intOption(v.values.seed, 'seed') ?? randomInt(1, 2 ** 31),
      events: intOption(v.values.events, 'events') ?? 10_000,
      sample: intOption(v.values.sample, 'sample') ?? 50,
      kinds: kinds as TamperKind[],
      ticks: intOption(v.values.ticks, 'ticks') ?? 3,
      ledgers: intOption(v.values.ledgers, 'ledgers') ?? (full ? 6 : 0),
      work
    };
    const out = (t: string) => io.out(t);
    const started = performance.now();
    // An interrupted drill leaves no ledgers behind in a temp dir it created.
    const interrupted = () => {
      if (!v.values.work) rmSync(work, { recursive: true, force: true });
      process.exit(130);
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    const pinned = pinAtlas(work);
    out(`atlas drill${full ? ' --full' : ''} --seed ${o.seed}   (work dir ${work}${pinned ? '; child atlas pinned to a copy of this build' : ''})`);
    try {
      const a = v.values['skip-a'] ? null : await drillA(o, out);
      const b = v.values['skip-b'] ? [] : await drillB(o, out);
      const valid = o.ledgers > 0 ? await falseAlarms(o, out) : { ledgers: 0, alarms: 0 };
      const caught = b.filter((c) => c.verdict.ok).length;
      const missed = b.filter((c) => c.got === null).length;
      const bFalse = b.filter((c) => c.got !== null && c.verdict.reason.includes('false alarm')).length;
      const wrong = b.length - caught - missed - bFalse;
      const aFalse = a && a.result ? a.result.checks.length - a.result.passed : 0;
      const falseTotal = valid.alarms + bFalse + aFalse;
      out('\nSummary');
      if (a) out(`  Drill A: ${a.result ? `${a.result.passed}/${a.result.checks.length}` : '0/0'} explained events verified (value, signature, inclusion), ${a.crossChecked} cross-checked through the CLI, ${secs(a.ms)}`);
      if (b.length) {
        const perKind = new Map<string, number>();
        for (const c of b) if (c.verdict.ok) perKind.set(c.kind, (perKind.get(c.kind) ?? 0) + 1);
        out(`  Drill B: ${caught}/${b.length} corruptions caught at the exact seq and code (${o.kinds.length} kinds); missed ${missed}, wrong code or seq ${wrong}`);
        for (const c of b.filter((x) => !x.verdict.ok)) out(`    FAIL ${c.kind} seed ${c.seed}: ${c.verdict.reason}`);
      }
      if (valid.ledgers) out(`  Valid ledgers: ${valid.ledgers} verified, ${valid.alarms} finding(s) on valid data`);
      out(`  False alarms: ${falseTotal}`);
      const ok = (!a || a.ok) && caught === b.length && falseTotal === 0;
      out(`  ${ok ? 'PASS' : 'FAIL'} in ${secs(performance.now() - started)} (replay with: atlas drill${full ? ' --full' : ''} --seed ${o.seed})`);
      return ok ? 0 : 1;
    } finally {
      if (!v.values.work) await rm(work, { recursive: true, force: true });
    }
  }
});
