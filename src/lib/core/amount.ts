// Amounts (docs/BUNDLE_FORMAT.md §3): QFS BigNum128 semantics. An amount is an unsigned fixed-point
// number with 18 decimals held as a bigint of atto-units (value × 10^18), in 0..2^128−1. Every
// operation floors; overflow and underflow are errors, except `saturatingSub`, which is QFS `sub`.
//
// The one string form in bundles is `I.FFFFFFFFFFFFFFFFFF`: the integer part without leading zeros
// ("0" for zero) and exactly 18 fractional digits (QFS to_decimal_string(fixed_width=True)).

export const SCALE = 10n ** 18n;
export const MAX_AMOUNT = (1n << 128n) - 1n;
export const DECIMALS = 18;

export class AmountError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmountError';
  }
}

function check(v: bigint, what: string): bigint {
  if (v < 0n) throw new AmountError(`${what} is negative`);
  if (v > MAX_AMOUNT) throw new AmountError(`${what} exceeds 2^128−1 atto-units`);
  return v;
}

const CANONICAL = /^(0|[1-9][0-9]*)\.([0-9]{18})$/;

/** Parse the one canonical bundle form; anything else (including "1.5" or "01.0…") is rejected. */
export function parseAmount(s: string): bigint {
  const m = CANONICAL.exec(s);
  if (!m) throw new AmountError(`amount ${JSON.stringify(s)} is not in the form I.FFFFFFFFFFFFFFFFFF (18 decimals)`);
  return check(BigInt(m[1]!) * SCALE + BigInt(m[2]!), `amount ${s}`);
}

/**
 * QFS BigNum128.from_string: "I", "I.F" or ".F"; more than 18 fractional digits is an error unless
 * the extra digits are all zeros (QFS has no rounding on parse). Used for QFS artifacts.
 */
export function parseAmountLenient(s: string): bigint {
  const m = /^([0-9]*)(?:\.([0-9]*))?$/.exec(s);
  if (!m || s === '' || s === '.' || (m[1] === '' && m[2] === undefined)) throw new AmountError(`amount ${JSON.stringify(s)} is not a decimal number`);
  let frac = m[2] ?? '';
  if (frac.length > DECIMALS) {
    if (/[^0]/.test(frac.slice(DECIMALS))) throw new AmountError(`amount ${JSON.stringify(s)} has more than 18 non-zero fractional digits`);
    frac = frac.slice(0, DECIMALS);
  }
  const int = m[1] === '' ? 0n : BigInt(m[1]!);
  return check(int * SCALE + BigInt(frac.padEnd(DECIMALS, '0') || '0'), `amount ${s}`);
}

export function formatAmount(v: bigint): string {
  check(v, 'amount');
  const int = v / SCALE;
  const frac = (v % SCALE).toString().padStart(DECIMALS, '0');
  return `${int}.${frac}`;
}

/** Human display: trailing zeros trimmed to at least `minDecimals`, thousands separated, unit appended. */
export function displayAmount(v: bigint, unit = 'ATR', minDecimals = 2): string {
  const s = formatAmount(v);
  const [int, frac] = s.split('.') as [string, string];
  let f = frac.replace(/0+$/, '');
  if (f.length < minDecimals) f = f.padEnd(minDecimals, '0');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}.${f}${unit ? ' ' + unit : ''}`;
}

/** Whole units to atto-units. */
export function units(n: number | bigint): bigint {
  return check(BigInt(n) * SCALE, 'amount');
}

export function add(a: bigint, b: bigint): bigint {
  return check(a + b, 'sum');
}

/** Checked subtraction: an error when b > a (QFS checked_sub). */
export function sub(a: bigint, b: bigint): bigint {
  if (b > a) throw new AmountError(`subtraction underflow: ${formatAmount(a)} − ${formatAmount(b)}`);
  return a - b;
}

/** QFS `sub`: saturates at zero. */
export function saturatingSub(a: bigint, b: bigint): bigint {
  return a > b ? a - b : 0n;
}

/** Fixed-point multiply: floor(a·b / 10^18). */
export function mul(a: bigint, b: bigint): bigint {
  return check((a * b) / SCALE, 'product');
}

/** Fixed-point divide: floor(a·10^18 / b). */
export function div(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new AmountError('division by zero');
  return check((a * SCALE) / b, 'quotient');
}

/** Exact pro-rata share floor(total·part / whole) on atto-units, with no intermediate rounding. */
export function mulDiv(total: bigint, part: bigint, whole: bigint): bigint {
  if (whole === 0n) throw new AmountError('division by zero');
  return check((total * part) / whole, 'share');
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
