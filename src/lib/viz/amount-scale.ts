// Amounts on a chart axis. Amounts are bigint atto-ATR (BUNDLE_FORMAT.md §3); a chart position is
// a float. The conversion is for geometry only: labels and tables always use the exact bigint
// through core's displayAmount, never this number.

import { SCALE } from '../core/amount';

const MICRO = 10n ** 12n; // keep six fractional digits before going to float

/** An amount as a float number of ATR, for positions on a scale. Exact to 1e-6 ATR below 2^53 µATR. */
export function amountToNumber(v: bigint): number {
  if (typeof v !== 'bigint') throw new TypeError('amountToNumber expects a bigint of atto-units');
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const whole = Number(abs / SCALE);
  const micro = Number((abs % SCALE) / MICRO) / 1e6;
  const n = whole + micro;
  return negative ? -n : n;
}

/** Tick label for an axis in ATR: compact (1.2k, 3.4M) so that it fits a phone screen. */
export function axisLabel(n: number): string {
  const abs = Math.abs(n);
  const sign = n < 0 ? '−' : '';
  if (abs >= 1e9) return `${sign}${trim(abs / 1e9)}B`;
  if (abs >= 1e6) return `${sign}${trim(abs / 1e6)}M`;
  if (abs >= 1e3) return `${sign}${trim(abs / 1e3)}k`;
  if (abs === 0) return '0';
  if (abs < 0.01) return `${sign}${abs.toPrecision(2)}`;
  return `${sign}${trim(abs)}`;
}

function trim(n: number): string {
  return n.toFixed(2).replace(/\.?0+$/, '');
}

/** Chart box: outer size and margins; the plot area is what is left inside. */
export interface Box {
  width: number;
  height: number;
  margin: { top: number; right: number; bottom: number; left: number };
}

export function innerSize(box: Box): { width: number; height: number } {
  const width = box.width - box.margin.left - box.margin.right;
  const height = box.height - box.margin.top - box.margin.bottom;
  if (!(width > 0) || !(height > 0)) throw new RangeError(`chart box ${box.width}×${box.height} leaves no room inside its margins`);
  return { width, height };
}

/**
 * A summary figure: truncated (never rounded up) to `decimals`, thousands grouped, with its unit.
 * Tables and explanations show the exact value; tiles use this and carry the exact one in a title.
 */
export function shortAmount(v: bigint, unit = 'ATR', decimals = 2): string {
  if (typeof v !== 'bigint' || v < 0n) throw new TypeError('shortAmount expects a non-negative bigint of atto-units');
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 18) throw new RangeError('decimals must be 0..18');
  const step = 10n ** BigInt(18 - decimals);
  const t = v - (v % step);
  const int = (t / SCALE).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = decimals ? '.' + (t % SCALE).toString().padStart(18, '0').slice(0, decimals) : '';
  return `${int}${frac}${unit ? ' ' + unit : ''}`;
}

/** Core's formula text with canonical 18-decimal amounts trimmed ("3.000000000000000000" → "3"). */
export function prettyFormula(text: string): string {
  return text.replace(/\b(\d+)\.(\d{18})\b/g, (_, i: string, f: string) => {
    const t = f.replace(/0+$/, '');
    return t ? `${i}.${t}` : i;
  });
}
