// Drift per epoch as a bar chart (the /drift page): D3 computes the scales and ticks, Svelte draws.
// Percentages arrive as two-decimal strings from the core ("0.00"); they are parsed here only for
// drawing. The y axis always shows at least 0–1 % so an honest ledger reads as a flat zero line
// rather than a blown-up noise chart.
import { scaleBand, scaleLinear } from 'd3';
import type { EpochDrift } from '$lib/core/economy/drift';
import { innerSize, type Box } from './amount-scale';

export interface DriftBar {
  epoch: number;
  percent: string;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
  compared: number;
  differing: number;
}

export interface DriftChart {
  bars: DriftBar[];
  yTicks: Array<{ y: number; label: string }>;
  xTicks: Array<{ x: number; label: string }>;
  /** y of the 0 % target line. */
  zeroY: number;
  maxPercent: number;
  width: number;
  height: number;
}

export function layoutDrift(epochs: readonly EpochDrift[], box: Box, maxXTicks = 12): DriftChart {
  const { width, height } = innerSize(box);
  const values = epochs.map((e) => Number(e.percent));
  const maxPercent = Math.max(1, ...values.filter((v) => Number.isFinite(v)));
  const x = scaleBand<number>()
    .domain(epochs.map((e) => e.epoch))
    .range([0, width])
    .paddingInner(0.2)
    .paddingOuter(0.1);
  const y = scaleLinear().domain([0, maxPercent]).nice().range([height, 0]);
  const bars = epochs.map((e, i) => {
    const v = Number.isFinite(values[i]!) ? values[i]! : 0;
    const top = y(v);
    return { epoch: e.epoch, percent: e.percent, value: v, x: x(e.epoch) ?? 0, y: top, width: x.bandwidth(), height: y(0) - top, compared: e.compared, differing: e.differing };
  });
  const step = Math.max(1, Math.ceil(epochs.length / maxXTicks));
  const xTicks = epochs.filter((_, i) => i % step === 0).map((e) => ({ x: (x(e.epoch) ?? 0) + x.bandwidth() / 2, label: String(e.epoch) }));
  const yTicks = y.ticks(4).map((t) => ({ y: y(t), label: `${t.toFixed(2)}%` }));
  return { bars, yTicks, xTicks, zeroY: y(0), maxPercent, width, height };
}
