// The reward waterfall: base → bonuses → pool share → caps → final (issue 5, "Explain this").
// Input is the explanation's steps with the running value after each step, as the replay reports
// them (issue 3 §7: "every step with its intermediate value"). The bars are derived from those
// values, never from a separately supplied delta, so the chart cannot disagree with the numbers in
// the table: each floating bar spans [previous value, this value] and a total bar spans [0, value].

import { scaleBand, scaleLinear } from 'd3';
import { amountToNumber, axisLabel, innerSize, type Box } from './amount-scale';
import type { Tick } from './bars';

export interface WaterfallStep {
  label: string;
  /** The running value after this step, in atto-ATR. */
  value: bigint;
  /** A total bar drawn from zero (the base, a subtotal, the final value) rather than a change. */
  total?: boolean;
  /** Free text shown with the step (the rule or formula that produced it). */
  detail?: string;
}

export type WaterfallKind = 'total' | 'increase' | 'decrease' | 'unchanged';

export interface WaterfallBar {
  label: string;
  detail: string;
  kind: WaterfallKind;
  /** Value before the step (0 for totals) and after it. */
  from: bigint;
  to: bigint;
  /** to − from, signed. */
  delta: bigint;
}

/** Turn running values into bars. The first step is always a total (it starts from nothing). */
export function waterfallBars(steps: readonly WaterfallStep[]): WaterfallBar[] {
  if (steps.length === 0) throw new RangeError('a waterfall needs at least one step');
  const bars: WaterfallBar[] = [];
  let prev = 0n;
  steps.forEach((s, i) => {
    if (typeof s.value !== 'bigint') throw new TypeError(`step ${JSON.stringify(s.label)} has no bigint value`);
    const total = i === 0 || s.total === true;
    const from = total ? 0n : prev;
    const delta = s.value - from;
    const kind: WaterfallKind = total ? 'total' : delta > 0n ? 'increase' : delta < 0n ? 'decrease' : 'unchanged';
    bars.push({ label: s.label, detail: s.detail ?? '', kind, from, to: s.value, delta });
    prev = s.value;
  });
  return bars;
}

export interface WaterfallRect extends WaterfallBar {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Connector from this bar's end level to the next bar (absent on the last bar). */
  connector: { x1: number; x2: number; y: number } | null;
}

export interface WaterfallLayout {
  rects: WaterfallRect[];
  yTicks: Tick[];
  inner: { width: number; height: number };
}

/** Unchanged steps still get a visible hairline so that every step has something to focus. */
const MIN_HEIGHT = 1.5;

export function layoutWaterfall(steps: readonly WaterfallStep[], box: Box): WaterfallLayout {
  const inner = innerSize(box);
  const bars = waterfallBars(steps);
  const x = scaleBand<number>()
    .domain(bars.map((_, i) => i))
    .range([0, inner.width])
    .paddingInner(0.25)
    .paddingOuter(0.1);
  let lo = 0;
  let hi = 0;
  for (const b of bars) {
    for (const v of [amountToNumber(b.from), amountToNumber(b.to)]) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (hi === lo) hi = lo + 1;
  const y = scaleLinear().domain([lo, hi]).range([inner.height, 0]).nice(5);
  const rects = bars.map((b, i): WaterfallRect => {
    const a = y(amountToNumber(b.from));
    const c = y(amountToNumber(b.to));
    let top = Math.min(a, c);
    let height = Math.abs(a - c);
    if (height < MIN_HEIGHT) {
      top = Math.min(top, c - MIN_HEIGHT / 2);
      height = MIN_HEIGHT;
    }
    const bx = x(i) ?? 0;
    const next = i + 1 < bars.length ? (x(i + 1) ?? 0) : null;
    return {
      ...b,
      x: bx,
      y: top,
      width: x.bandwidth(),
      height,
      connector: next === null ? null : { x1: bx + x.bandwidth(), x2: next, y: c }
    };
  });
  const yTicks = y.ticks(5).map((v) => ({ value: v, label: axisLabel(v), pos: y(v) }));
  return { rects, yTicks, inner };
}

/** Split an axis label into at most two lines of about `maxChars`, at spaces; the rest is elided. */
export function wrapLabel(label: string, maxChars: number): string[] {
  if (maxChars < 3) return [label.slice(0, 1) + '…'];
  if (label.length <= maxChars) return [label];
  const words = label.split(' ');
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    const next = cur ? `${cur} ${w}` : w;
    if (next.length <= maxChars || !cur) cur = next;
    else {
      lines.push(cur);
      cur = w;
    }
  }
  lines.push(cur);
  const fit = (s: string) => (s.length > maxChars ? s.slice(0, maxChars - 1) + '…' : s);
  if (lines.length <= 2) return lines.map(fit);
  return [fit(lines[0]!), fit(lines.slice(1).join(' '))];
}
