// Rewards per epoch as a bar chart: one bar per epoch, height = the recomputed reward. Pure layout
// (D3 scales → numbers); the Svelte component draws it and the table beside it is the text
// alternative.

import { scaleBand, scaleLinear } from 'd3';
import { amountToNumber, axisLabel, innerSize, type Box } from './amount-scale';

export interface EpochAmount {
  epoch: number;
  amount: bigint;
  /** false when the recomputed value differs from the ledger's (drawn in the warning colour). */
  matches?: boolean;
}

export interface Bar {
  epoch: number;
  amount: bigint;
  matches: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Tick {
  value: number;
  label: string;
  /** Position along the axis inside the plot area. */
  pos: number;
}

export interface BarLayout {
  bars: Bar[];
  xTicks: Tick[];
  yTicks: Tick[];
  inner: { width: number; height: number };
}

/** At most this many epoch labels on the x axis; the others are thinned out evenly. */
const MAX_X_LABELS = 12;

export function layoutBars(rows: readonly EpochAmount[], box: Box): BarLayout {
  const inner = innerSize(box);
  const sorted = [...rows].sort((a, b) => a.epoch - b.epoch);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.epoch === sorted[i - 1]!.epoch) throw new RangeError(`epoch ${sorted[i]!.epoch} appears twice`);
  }
  const x = scaleBand<number>()
    .domain(sorted.map((r) => r.epoch))
    .range([0, inner.width])
    .paddingInner(sorted.length > 40 ? 0.05 : 0.2)
    .paddingOuter(0.1);
  const max = sorted.reduce((m, r) => Math.max(m, amountToNumber(r.amount)), 0);
  const y = scaleLinear()
    .domain([0, max > 0 ? max : 1])
    .range([inner.height, 0])
    .nice(5);
  const bars = sorted.map((r) => {
    const top = y(amountToNumber(r.amount));
    return {
      epoch: r.epoch,
      amount: r.amount,
      matches: r.matches ?? true,
      x: x(r.epoch) ?? 0,
      y: top,
      width: x.bandwidth(),
      height: inner.height - top
    };
  });
  const step = Math.max(1, Math.ceil(sorted.length / MAX_X_LABELS));
  const xTicks = sorted
    .filter((_, i) => i % step === 0)
    .map((r) => ({ value: r.epoch, label: String(r.epoch), pos: (x(r.epoch) ?? 0) + x.bandwidth() / 2 }));
  const yTicks = y.ticks(5).map((v) => ({ value: v, label: axisLabel(v), pos: y(v) }));
  return { bars, xTicks, yTicks, inner };
}
