import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  AmountError,
  MAX_AMOUNT,
  SCALE,
  add,
  displayAmount,
  div,
  formatAmount,
  mul,
  mulDiv,
  parseAmount,
  parseAmountLenient,
  saturatingSub,
  sub,
  units
} from '../../src/lib/core/amount';

const amount = fc.bigInt({ min: 0n, max: MAX_AMOUNT });

describe('amount (QFS BigNum128, 18 decimals)', () => {
  it('one canonical string form', () => {
    expect(formatAmount(0n)).toBe('0.000000000000000000');
    expect(formatAmount(1n)).toBe('0.000000000000000001');
    expect(formatAmount(units(12))).toBe('12.000000000000000000');
    expect(formatAmount(MAX_AMOUNT)).toBe('340282366920938463463.374607431768211455');
    expect(parseAmount('1.500000000000000000')).toBe(15n * 10n ** 17n);
    for (const bad of ['1.5', '01.000000000000000000', '1.0000000000000000000', '-1.000000000000000000', ' 1.000000000000000000', '1e18', '', '.000000000000000000', '340282366920938463463.374607431768211456'])
      expect(() => parseAmount(bad), bad).toThrow(AmountError);
  });
  it('property: format/parse round trip', () => {
    fc.assert(
      fc.property(amount, (a) => {
        expect(parseAmount(formatAmount(a))).toBe(a);
      })
    );
  });
  it('lenient QFS parse: I, I.F, .F; extra digits only if zeros', () => {
    expect(parseAmountLenient('1')).toBe(SCALE);
    expect(parseAmountLenient('1.5')).toBe(15n * 10n ** 17n);
    expect(parseAmountLenient('.25')).toBe(25n * 10n ** 16n);
    expect(parseAmountLenient('0.0000000000000000010000')).toBe(1n);
    expect(() => parseAmountLenient('0.0000000000000000011')).toThrow(/more than 18 non-zero/);
    for (const bad of ['', '.', 'abc', '1.2.3', '-1', '1e5', ' 1']) expect(() => parseAmountLenient(bad), bad).toThrow(AmountError);
  });
  it('floor on multiply and divide; exact mulDiv', () => {
    expect(mul(parseAmount('0.000000000000000001'), parseAmount('0.500000000000000000'))).toBe(0n); // 0.5 atto floors to 0
    expect(mul(units(3), parseAmount('0.333333333333333333'))).toBe(999999999999999999n);
    expect(div(units(1), units(3))).toBe(333333333333333333n);
    expect(div(units(2), units(3))).toBe(666666666666666666n);
    expect(mulDiv(100n, 1n, 3n)).toBe(33n);
    fc.assert(
      fc.property(amount, fc.bigInt({ min: 1n, max: MAX_AMOUNT }), (a, b) => {
        const p = (a * b) / SCALE;
        if (p <= MAX_AMOUNT) expect(mul(a, b)).toBe(p);
        const q = (a * SCALE) / b;
        if (q <= MAX_AMOUNT) {
          expect(div(a, b)).toBe(q);
          expect(div(a, b) * b).toBeLessThanOrEqual(a * SCALE); // floor
        }
      })
    );
  });
  it('overflow, underflow and division by zero are errors; saturatingSub is QFS sub', () => {
    expect(() => add(MAX_AMOUNT, 1n)).toThrow(AmountError);
    expect(() => mul(MAX_AMOUNT, units(2))).toThrow(AmountError);
    expect(() => div(MAX_AMOUNT, 1n)).toThrow(AmountError);
    expect(() => div(1n, 0n)).toThrow(/division by zero/);
    expect(() => mulDiv(1n, 1n, 0n)).toThrow(/division by zero/);
    expect(() => sub(1n, 2n)).toThrow(/underflow/);
    expect(saturatingSub(1n, 2n)).toBe(0n);
    expect(() => formatAmount(-1n)).toThrow(AmountError);
    expect(() => units(-1)).toThrow(AmountError);
  });
  it('display form', () => {
    expect(displayAmount(parseAmount('1234567.500000000000000000'))).toBe('1,234,567.50 ATR');
    expect(displayAmount(1n, '', 2)).toBe('0.000000000000000001');
  });
});
