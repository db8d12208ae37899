// Drill B, "Bad Actor" (issue 6): one corruption injected into a valid chain must be flagged at
// the exact tick where it occurs, with the right code, and nothing before it may be reported
// wrong. The verdict is judged from the verifier's own findings (CLI JSON or the worker's report).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Finding } from '../../lib/core/types';
import type { Expected } from './kinds';
import { SeededRandom } from './random';
import { TAMPER_KINDS, type TamperKind, type TamperSource } from '../tamper';

export interface CaseVerdict {
  ok: boolean;
  /** Why it failed, in one line (empty when ok). */
  reason: string;
}

const show = (f: Pick<Finding, 'seq' | 'code' | 'file'> | undefined): string =>
  f ? `${f.code} at seq ${f.seq}${f.file ? ` in ${f.file}` : ''}` : 'nothing';

/**
 * The Drill B rule: the first finding is exactly `expected` (seq, code, and file when the
 * corruption is in a file rather than an event), and no finding names an earlier seq.
 */
export function judge(expected: Expected, failures: readonly Pick<Finding, 'seq' | 'code' | 'file'>[]): CaseVerdict {
  const first = failures[0];
  if (!first) return { ok: false, reason: `expected ${show(expected)}, the verifier reported nothing (a missed corruption)` };
  const earlier = failures.find((f) => f.seq !== null && f.seq < expected.seq);
  if (earlier) return { ok: false, reason: `${show(earlier)} is reported before the corruption at seq ${expected.seq} (a false alarm)` };
  if (first.seq !== expected.seq || first.code !== expected.code || (expected.file !== undefined && first.file !== expected.file)) {
    return { ok: false, reason: `expected ${show(expected)} first, got ${show(first)}` };
  }
  return { ok: true, reason: '' };
}

export interface DrillBCase {
  kind: TamperKind;
  seed: number;
  detail: string;
  expected: Expected;
  got: Pick<Finding, 'seq' | 'code' | 'file'> | null;
  findings: number;
  verdict: CaseVerdict;
  ms: number;
}

export interface DrillBOptions {
  source: TamperSource;
  /** Seed of the choice of ticks; each case gets its own seed (printed) drawn from it. */
  seed: number;
  /** How many random ticks per kind. */
  ticks: number;
  kinds?: readonly TamperKind[];
  /** Verify a tampered bundle directory; returns the findings in the verifier's order. */
  verify: (dir: string) => Promise<Finding[]>;
  /** Where tampered copies are written (a fresh temp dir by default); each is removed after use. */
  workDir?: string;
  log?: (line: string) => void;
}

/** Run every kind at `ticks` random places; each tampered bundle is written to a temp dir and removed. */
export async function runDrillB(o: DrillBOptions): Promise<DrillBCase[]> {
  const rng = new SeededRandom(o.seed);
  const kinds = o.kinds ?? TAMPER_KINDS;
  const out: DrillBCase[] = [];
  const root = await mkdtemp(join(o.workDir ?? tmpdir(), 'atlas-drill-b-'));
  try {
    for (const kind of kinds) {
      for (let t = 0; t < o.ticks; t++) {
        const seed = rng.childSeed();
        const r = o.source.tamper(kind, seed);
        const dir = join(root, `${kind}-${seed}`);
        await r.bundle.save(dir);
        const started = performance.now();
        const failures = await o.verify(dir);
        const ms = performance.now() - started;
        await rm(dir, { recursive: true, force: true });
        const verdict = judge(r.expected, failures);
        const first = failures[0];
        const c: DrillBCase = {
          kind,
          seed,
          detail: r.detail,
          expected: r.expected,
          got: first ? { seq: first.seq, code: first.code, ...(first.file ? { file: first.file } : {}) } : null,
          findings: failures.length,
          verdict,
          ms
        };
        out.push(c);
        o.log?.(`  ${verdict.ok ? 'ok  ' : 'FAIL'} ${kind.padEnd(22)} seed ${String(seed).padStart(10)}  ${show(r.expected)}${verdict.ok ? '' : ` -- ${verdict.reason}`}  (${(ms / 1000).toFixed(1)} s; ${r.detail})`);
      }
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  return out;
}
