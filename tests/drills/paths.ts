// Where the browser drills keep their site copy, ledgers and oracle (written by global-setup.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Expected } from '../../src/issuer/tamper';

export const SITE = 'test-results/drill-site';
export const ORACLE = 'test-results/drill-oracle';
export const PORT = Number(process.env.DRILL_PORT ?? 4176);
export const ORIGIN = `http://127.0.0.1:${PORT}`;

/** One reward event Drill A explains in the browser, with the ledger's own values. */
export interface RewardPick {
  seq: number;
  account: string;
  epoch: number;
  amount: string;
}

export interface DrillOracle {
  seed: number;
  a: { dir: string; url: string; events: number; ledgerSeed: number; trustFile: string; picks: RewardPick[]; generateMs: number };
  b: {
    ledgerSeed: number;
    events: number;
    trustFile: string;
    /** The untampered ledger every case was made from, served beside them. */
    honest: { dir: string; url: string };
    cases: { kind: string; url: string; seed: number; expected: Expected; detail: string }[];
  };
}

export function oracle(): DrillOracle {
  return JSON.parse(readFileSync(join(ORACLE, 'drills.json'), 'utf8')) as DrillOracle;
}
