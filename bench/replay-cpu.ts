// CPU of the ordered pass's economy replay (issue 7, H1): verify bundles in this thread with core's
// verifyBundle, the PURE-JS SHA-256 backend (what the browser's verifier worker uses) and
// node:crypto Ed25519 checked one by one, and print the CPU seconds of the whole run and the time
// CPU time spent inside Replayer.apply, its computeEpoch / prospective, and AegisRegistry.attest.
// Each ledger runs in a fresh process (the subject-key memo is process-wide), `--reps` times.
//
// --isolated: verify once while recording the registry's attest/revoke and the replayer's apply
// calls in order, then re-run only those (a fresh AegisRegistry with an unmemoised subject-key
// check, and a fresh Replayer) `--reps` times in the same process: the replay's own CPU, without
// parsing and signatures, far less noisy on a shared machine. Prints min and median.
//
// --record-sha native (with --isolated): the recording verify uses node:crypto SHA-256, the re-runs
// still the --sha backend; the same calls are recorded, in less time (1M: the verify is most of it).
//
//   node bench/run-ts.mjs bench/replay-cpu.ts DIR [DIR...] [--reps 3] [--sha native] [--isolated] [--record-sha native]
import { spawnSync } from 'node:child_process';
import v8 from 'node:v8';
import { AegisRegistry } from '../src/lib/core/aegis-registry';
import type { Json } from '../src/lib/core/canonical-json';
import { checkSubjectKey } from '../src/lib/core/ed25519';
import type { Envelope } from '../src/lib/core/types';
import { Replayer } from '../src/lib/core/economy/replayer';
import { useSha256Backend } from '../src/lib/core/hash';
import { verifyBundle } from '../src/lib/core/verify-bundle';
import { nodeBackend } from '../src/cli/ed25519-node';
import { FsSource } from '../src/cli/node-source';
import { nodeSha256Backend } from '../src/cli/sha256-node';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = args[i + 1]!;
  args.splice(i, 2);
  return v;
};
const reps = Number(opt('reps', '3'));
const sha = opt('sha', 'pure');
const recordSha = opt('record-sha', sha);
const child = opt('child', '');
const isolated = args.includes('--isolated');
if (isolated) args.splice(args.indexOf('--isolated'), 1);
const memory = args.includes('--memory');
if (memory) args.splice(args.indexOf('--memory'), 1);

/** Process CPU time in ms (µs resolution on Linux): unlike wall time, not inflated when other jobs take the cores. */
const cpuMs = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

type Timed = Record<string, { ms: number; calls: number }>;

function wrap(obj: object, name: string, t: Timed, label = name): void {
  const o = obj as Record<string, (...a: unknown[]) => unknown>;
  const f = o[name]!;
  const slot = (t[label] = { ms: 0, calls: 0 });
  let depth = 0;
  o[name] = function (this: unknown, ...a: unknown[]) {
    if (depth++ > 0) {
      try {
        return f.apply(this, a);
      } finally {
        depth--;
      }
    }
    const t0 = cpuMs();
    try {
      return f.apply(this, a);
    } finally {
      depth--;
      slot.ms += cpuMs() - t0;
      slot.calls++;
    }
  };
}

type Call = { kind: 'attest' | 'revoke'; seq: number; epoch: number; payload: Json } | { kind: 'apply'; env: Envelope; ctx: { seq: number; eventId: Uint8Array } };

/**
 * --memory: what a replay of the recorded calls retains, by Replayer field (issue 7). Replays once
 * more, drops the recorded calls (so payload strings count where the replay keeps them), then clears
 * the Replayer's fields one at a time under gc(): each field's figure is what it alone kept alive
 * (shared objects count at the last field that held them); `private` is what remains with every
 * public field cleared (#nodeTable, #hashPool, the cache...), `registry` the AegisRegistry.
 */
function retained(calls: Call[]): Record<string, { heap: number; ab: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('--memory needs node --expose-gc');
  const events = calls.filter((c) => c.kind === 'apply').length;
  const now = (): { heap: number; ab: number } => {
    gc();
    gc();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, ab: m.arrayBuffers };
  };
  let registry: AegisRegistry | null = new AegisRegistry((pub) => checkSubjectKey(pub) === null);
  let replayer: Replayer | null = new Replayer(registry);
  for (const c of calls) {
    if (c.kind === 'apply') replayer.apply(c.env, c.ctx);
    else if (c.kind === 'attest') registry.attest(c.seq, c.epoch, c.payload);
    else registry.revoke(c.seq, c.epoch, c.payload);
  }
  calls.length = 0;
  const hold = globalThis as { aegisRegistry?: AegisRegistry };
  hold.aegisRegistry = registry;
  // Held by `hold` alone from here, so that deleting it below frees it (the Replayer's identity is gone by then).
  registry = null;
  if (process.env.REPLAY_SNAPSHOT) {
    gc();
    (globalThis as { keepReplayer?: unknown }).keepReplayer = replayer;
    console.error(v8.writeHeapSnapshot(process.env.REPLAY_SNAPSHOT));
  }
  const out: Record<string, { heap: number; ab: number }> = {};
  const per = (a: { heap: number; ab: number }, b: { heap: number; ab: number }) => ({ heap: Math.round(((a.heap - b.heap) / events) * 10) / 10, ab: Math.round(((a.ab - b.ab) / events) * 10) / 10 });
  const start = now();
  let prev = start;
  const fields = Object.keys(replayer).filter((k) => k !== 'identity');
  for (const k of fields) {
    (replayer as unknown as Record<string, unknown>)[k] = null;
    const m = now();
    out[k] = per(prev, m);
    prev = m;
  }
  replayer.invalidate();
  const mc = now();
  out.cache = per(prev, mc);
  prev = mc;
  replayer = null;
  const m = now();
  out.private = per(prev, m);
  out.replayer = per(start, m);
  out.events = { heap: events, ab: 0 };
  // The AegisRegistry is the ledger layer's, not the replay's: kept alive until here.
  delete hold.aegisRegistry;
  out.aegisRegistry = per(m, now());
  return out;
}

if (child && isolated) {
  if (recordSha === 'native') useSha256Backend(nodeSha256Backend);
  const calls: Call[] = [];
  const reg = AegisRegistry.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const rep = Replayer.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
  const [attest, revoke, apply] = [reg.attest!, reg.revoke!, rep.apply!];
  reg.attest = function (this: unknown, seq, epoch, payload) {
    calls.push({ kind: 'attest', seq: seq as number, epoch: epoch as number, payload: payload as Json });
    return attest.call(this, seq, epoch, payload);
  };
  reg.revoke = function (this: unknown, seq, epoch, payload) {
    calls.push({ kind: 'revoke', seq: seq as number, epoch: epoch as number, payload: payload as Json });
    return revoke.call(this, seq, epoch, payload);
  };
  rep.apply = function (this: unknown, env, ctx) {
    calls.push({ kind: 'apply', env: env as Envelope, ctx: ctx as { seq: number; eventId: Uint8Array } });
    return apply.call(this, env, ctx);
  };
  const { report } = await verifyBundle(new FsSource(child), { backend: nodeBackend });
  Object.assign(reg, { attest, revoke });
  rep.apply = apply;
  useSha256Backend(sha === 'native' ? nodeSha256Backend : null);
  const total: number[] = [];
  const parts: Record<string, number[]> = { attest: [], apply: [] };
  let findings = 0;
  for (let i = 0; i < reps; i++) {
    // The registry's calls alone first (they do not depend on the replay), then everything with
    // no per-call timing (process.cpuUsage costs microseconds, as much as an event's replay):
    // apply = total − attest.
    const alone = new AegisRegistry((pub) => checkSubjectKey(pub) === null);
    const a0 = cpuMs();
    for (const c of calls) {
      if (c.kind === 'attest') alone.attest(c.seq, c.epoch, c.payload);
      else if (c.kind === 'revoke') alone.revoke(c.seq, c.epoch, c.payload);
    }
    const att = cpuMs() - a0;
    const registry = new AegisRegistry((pub) => checkSubjectKey(pub) === null);
    const replayer = new Replayer(registry);
    findings = 0;
    const t0 = cpuMs();
    for (const c of calls) {
      if (c.kind === 'apply') findings += replayer.apply(c.env, c.ctx).length;
      else if (c.kind === 'attest') registry.attest(c.seq, c.epoch, c.payload);
      else registry.revoke(c.seq, c.epoch, c.payload);
    }
    const t = cpuMs() - t0;
    total.push(t);
    parts.attest!.push(att);
    parts.apply!.push(t - att);
  }
  const mem = memory ? retained(calls) : undefined;
  console.log(JSON.stringify({ ok: report.ok, findings, total, parts, mem }));
} else if (child) {
  if (sha === 'native') useSha256Backend(nodeSha256Backend);
  const t: Timed = {};
  wrap(Replayer.prototype, 'apply', t);
  wrap(Replayer.prototype, 'computeEpoch', t);
  wrap(Replayer.prototype, 'prospective', t);
  wrap(AegisRegistry.prototype, 'attest', t);
  const c0 = process.cpuUsage();
  const { report } = await verifyBundle(new FsSource(child), { backend: nodeBackend });
  const c = process.cpuUsage(c0);
  const events = (report as unknown as { events?: number }).events ?? 0;
  console.log(JSON.stringify({ ok: report.ok, events, cpu: (c.user + c.system) / 1e6, parts: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, { ms: Math.round(v.ms), calls: v.calls }])) }));
} else {
  for (const dir of args) {
    if (isolated) {
      const r = spawnSync(process.execPath, [...(memory ? ['--expose-gc'] : []), process.argv[1]!, '--child', dir, '--sha', sha, '--record-sha', recordSha, '--reps', String(reps), '--isolated', ...(memory ? ['--memory'] : [])], { encoding: 'utf8', maxBuffer: 1 << 26 });
      if (r.status !== 0) throw new Error(r.stderr);
      const x = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ok: boolean; findings: number; total: number[]; parts: Record<string, number[]>; mem?: Record<string, { heap: number; ab: number }> };
      if (x.mem) console.log(`${dir} retained bytes per event by Replayer field (heap / array buffers): ${Object.entries(x.mem).map(([k, v]) => `${k} ${v.heap}/${v.ab}`).join(', ')}`);
      const stat = (v: number[]): string => {
        const s = [...v].sort((a, b) => a - b);
        return `${s[0]!.toFixed(0)}/${s[s.length >> 1]!.toFixed(0)}`;
      };
      console.log(`${dir} sha=${sha} ok=${x.ok} findings=${x.findings} replay only, CPU ms min/median of ${reps}: total ${stat(x.total)}; apply ${stat(x.parts.apply!)}; attest+revoke ${stat(x.parts.attest!)}`);
      continue;
    }
    const runs: Array<{ ok: boolean; cpu: number; parts: Timed }> = [];
    for (let i = 0; i < reps; i++) {
      const r = spawnSync(process.execPath, [process.argv[1]!, '--child', dir, '--sha', sha], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      runs.push(JSON.parse(r.stdout.trim().split('\n').pop()!));
    }
    const med = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
    const part = (k: string): string => `${k} ${med(runs.map((r) => r.parts[k]!.ms))} ms/${runs[0]!.parts[k]!.calls}`;
    console.log(`${dir} sha=${sha} ok=${runs.every((r) => r.ok)} cpu(median of ${reps}) ${med(runs.map((r) => r.cpu)).toFixed(2)} s; ${['apply', 'computeEpoch', 'prospective', 'attest'].map(part).join(', ')}`);
  }
}
