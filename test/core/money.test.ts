import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { currencyExponent, decimalToMinor, floatToMinor, minorToDecimalText, minorToMajor } from '../../src/core/money.js';

describe('money', () => {
  it('knows ISO 4217 exponents: MXN 2, COP 2, JPY 0, CLP 0, KWD 3', () => {
    expect([currencyExponent('MXN'), currencyExponent('COP'), currencyExponent('JPY'), currencyExponent('CLP'), currencyExponent('KWD')]).toEqual([2, 2, 0, 0, 3]);
  });
  it('reads decimal text into minor units: 123.45 is 12345', () => {
    expect(decimalToMinor('123.45', 2)).toBe(12345);
    expect(decimalToMinor('-0.05', 2)).toBe(-5);
    expect(decimalToMinor('7', 2)).toBe(700);
    expect(decimalToMinor('.5', 2)).toBe(50);
    expect(decimalToMinor('1.5', 0)).toBe(2);
  });
  it('rounds half away from zero beyond the exponent: 0.105 → 11 cents, -0.105 → -11', () => {
    expect(decimalToMinor('0.105', 2)).toBe(11);
    expect(decimalToMinor('-0.105', 2)).toBe(-11);
    expect(decimalToMinor('0.104', 2)).toBe(10);
  });
  it('rejects text that is not a canonical decimal', () => {
    expect(decimalToMinor('1,5', 2)).toBeNull();
    expect(decimalToMinor('', 2)).toBeNull();
    expect(decimalToMinor('.', 2)).toBeNull();
  });
  it('reads spreadsheet floats as Excel shows them: 1.005 → 1.01 (Math.round(1.005*100) would give 1.00)', () => {
    expect(floatToMinor(1.005, 2)).toBe(101);
    expect(floatToMinor(0.1 + 0.2, 2)).toBe(30);
    expect(floatToMinor(1234.5, 2)).toBe(123450);
    expect(floatToMinor(-400, 2)).toBe(-40000);
  });
  it('prints minor units back as decimal text and major numbers', () => {
    expect(minorToDecimalText(12345, 2)).toBe('123.45');
    expect(minorToDecimalText(-5, 2)).toBe('-0.05');
    expect(minorToDecimalText(1500, 0)).toBe('1500');
    expect(minorToDecimalText(1234, 3)).toBe('1.234');
    expect(minorToMajor(12345, 2)).toBe(123.45);
  });

  it('reads decimal text with one pass over the characters exactly as the regular-expression reading did', () => {
    // The reading decimalToMinor had before it became a loop (kept here as the reference).
    const reference = (text: string, exponent: number): number | null => {
      const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
      if (!m) return null;
      const [, sign = '', intPart = '', fracPart = ''] = m;
      if (intPart === '' && fracPart === '') return null;
      let minor = Number((intPart || '0') + fracPart.slice(0, exponent).padEnd(exponent, '0'));
      if (fracPart.length > exponent && fracPart.charCodeAt(exponent) >= 53) minor += 1;
      if (!Number.isSafeInteger(minor)) return null;
      return sign === '-' && minor !== 0 ? -minor : minor;
    };
    const text = fc.oneof(
      fc.string({ unit: fc.constantFrom('0', '1', '5', '9', '.', '-', '+', ',', ' ', 'e'), maxLength: 12 }),
      fc.tuple(fc.constantFrom('', '-', '+'), fc.bigInt({ min: 0n, max: 10n ** 20n }), fc.option(fc.stringMatching(/^\d{0,6}$/))).map(([s, i, f]) => `${s}${i}${f === null ? '' : `.${f}`}`),
    );
    fc.assert(fc.property(text, fc.integer({ min: 0, max: 4 }), (t, exp) => {
      expect(decimalToMinor(t, exp)).toBe(reference(t, exp));
    }), { numRuns: 20000 });
    expect(decimalToMinor('9007199254740991', 0)).toBe(9007199254740991);
    expect(decimalToMinor('9007199254740992', 0)).toBeNull();
    expect(decimalToMinor('-0.004', 2)).toBe(0);
  });
});
