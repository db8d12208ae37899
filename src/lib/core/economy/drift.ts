// Drift (docs/BUNDLE_FORMAT.md §10.7): every recomputed value is compared with the recorded one and
// counted per epoch and kind; a differing value is kept with both numbers and its seq. Ledger Truth:
// nothing is smoothed over, an honest ledger shows 0.00 %.

import type { FindingCode } from '../types';

export type DriftKind = 'policy' | 'reward' | 'pool' | 'ranking' | 'placement' | 'proof' | 'state-root';
export const DRIFT_KINDS: readonly DriftKind[] = ['policy', 'reward', 'pool', 'ranking', 'placement', 'proof', 'state-root'];

export interface DriftItem {
  epoch: number;
  seq: number;
  kind: DriftKind;
  code: FindingCode;
  /** What the value is about: an account, a cid, a rank, "epoch". */
  subject: string;
  recorded: string;
  recomputed: string;
}

export interface EpochDrift {
  epoch: number;
  compared: number;
  differing: number;
  /** differing / compared × 100, rounded half up to two decimals ("0.00" when nothing compared). */
  percent: string;
  byKind: Record<DriftKind, { compared: number; differing: number }>;
}

/** 100·d/c with two decimals, half up, in integer arithmetic. */
export function percent(differing: number, compared: number): string {
  if (compared === 0) return '0.00';
  const hundredths = (BigInt(differing) * 20000n + BigInt(compared)) / (2n * BigInt(compared));
  const s = hundredths.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

const zeroKinds = (): Record<DriftKind, { compared: number; differing: number }> =>
  Object.fromEntries(DRIFT_KINDS.map((k) => [k, { compared: 0, differing: 0 }])) as Record<DriftKind, { compared: number; differing: number }>;

export class DriftTracker {
  #epochs = new Map<number, EpochDrift>();
  #items: DriftItem[] = [];

  #epoch(e: number): EpochDrift {
    let d = this.#epochs.get(e);
    if (!d) this.#epochs.set(e, (d = { epoch: e, compared: 0, differing: 0, percent: '0.00', byKind: zeroKinds() }));
    return d;
  }

  /** One recomputed value compared; `diff` present when it differs. */
  compare(epoch: number, kind: DriftKind, diff?: Omit<DriftItem, 'epoch' | 'kind'>): void {
    const d = this.#epoch(epoch);
    d.compared++;
    d.byKind[kind].compared++;
    if (diff) {
      d.differing++;
      d.byKind[kind].differing++;
      this.#items.push({ epoch, kind, ...diff });
    }
  }

  /** Make sure an epoch appears in the report even when nothing was compared in it. */
  touch(epoch: number): void {
    this.#epoch(epoch);
  }

  epochs(): EpochDrift[] {
    // The percentage is computed here, not at every compare (bigint arithmetic per compared value: issue 7).
    return [...this.#epochs.values()].sort((a, b) => a.epoch - b.epoch).map((d) => ({ ...d, percent: percent(d.differing, d.compared), byKind: structuredCloneKinds(d.byKind) }));
  }

  items(): DriftItem[] {
    return this.#items.map((i) => ({ ...i }));
  }
}

function structuredCloneKinds(k: Record<DriftKind, { compared: number; differing: number }>): Record<DriftKind, { compared: number; differing: number }> {
  return Object.fromEntries(DRIFT_KINDS.map((x) => [x, { ...k[x] }])) as Record<DriftKind, { compared: number; differing: number }>;
}
