// Money, dates and numbers as letters write them, with the exact characters ICU puts out: U+00A0
// (no-break space) where a locale separates symbol and amount, and in long dates (added by the
// letter formatter so a date is never split across lines).
import { afterEach, describe, expect, test } from 'vitest';
import { formatDateLong, formatDateShort, formatLetterMoney, formatNumber } from '../../src/letters/format.js';
import { day } from './fixture.js';

const NBSP = '\u00a0';

describe('money in letters', () => {
  test('es-MX writes pesos as $1,234.50', () => {
    expect(formatLetterMoney(123450, 'MXN', 'es-MX')).toBe('$1,234.50');
  });

  test('es-CO writes COP with its two ISO decimals, a no-break space after the sign and dot grouping', () => {
    const text = formatLetterMoney(123450, 'COP', 'es-CO');
    expect(text).toBe(`$${NBSP}1.234,50`);
    expect([...text].map((c) => c.codePointAt(0)!.toString(16))).toEqual(['24', 'a0', '31', '2e', '32', '33', '34', '2c', '35', '30']);
  });

  test('es-ES does not group a four-digit amount and writes the euro sign last after a no-break space', () => {
    expect(formatLetterMoney(123450, 'EUR', 'es-ES')).toBe(`1234,50${NBSP}€`);
  });

  test('es-ES groups a five-digit amount with a dot', () => {
    expect(formatLetterMoney(1234500, 'EUR', 'es-ES')).toBe(`12.345,00${NBSP}€`);
  });

  test('en-US writes dollars, and a credit with the minus sign before the symbol', () => {
    expect(formatLetterMoney(123450, 'USD', 'en-US')).toBe('$1,234.50');
    expect(formatLetterMoney(-100000, 'USD', 'en-US')).toBe('-$1,000.00');
  });

  test('en-GB writes pounds', () => {
    expect(formatLetterMoney(123450, 'GBP', 'en-GB')).toBe('£1,234.50');
  });

  test('a sum beyond float precision keeps its last cent (decimal text, not minor / 100)', () => {
    expect(formatLetterMoney(9007199254740991, 'USD', 'en-US')).toBe('$90,071,992,547,409.91');
  });
});

describe('dates in letters', () => {
  const may3 = day('2024-05-03');

  test('long dates are written out per locale, with no-break spaces between the words', () => {
    expect(formatDateLong(may3, 'es-MX')).toBe(`3${NBSP}de${NBSP}mayo${NBSP}de${NBSP}2024`);
    expect(formatDateLong(may3, 'es-CO')).toBe(`3${NBSP}de${NBSP}mayo${NBSP}de${NBSP}2024`);
    expect(formatDateLong(may3, 'es-ES')).toBe(`3${NBSP}de${NBSP}mayo${NBSP}de${NBSP}2024`);
    expect(formatDateLong(may3, 'en-US')).toBe(`May${NBSP}3,${NBSP}2024`);
    expect(formatDateLong(may3, 'en-GB')).toBe(`3${NBSP}May${NBSP}2024`);
  });

  test('short dates always have two-digit day and month and a four-digit year, month first only in en-US', () => {
    expect(formatDateShort(may3, 'es-MX')).toBe('03/05/2024');
    expect(formatDateShort(may3, 'es-CO')).toBe('03/05/2024');
    expect(formatDateShort(may3, 'es-ES')).toBe('03/05/2024');
    expect(formatDateShort(may3, 'en-US')).toBe('05/03/2024');
    expect(formatDateShort(may3, 'en-GB')).toBe('03/05/2024');
  });

  describe('far from Greenwich', () => {
    const saved = process.env['TZ'];
    afterEach(() => {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    });

    for (const tz of ['America/Los_Angeles', 'Pacific/Pago_Pago']) {
      test(`the first of January stays the first of January in ${tz}`, () => {
        process.env['TZ'] = tz;
        const jan1 = day('2024-01-01');
        expect(new Date(jan1 * 86_400_000).getDate()).not.toBe(1); // the local calendar day differs here…
        expect(formatDateShort(jan1, 'es-MX')).toBe('01/01/2024'); // …the letter does not
        expect(formatDateLong(jan1, 'en-US')).toBe(`January${NBSP}1,${NBSP}2024`);
      });
    }
  });
});

describe('numbers in letters', () => {
  test('are grouped per locale, es-ES leaving four digits alone', () => {
    expect(formatNumber(1234, 'en-US')).toBe('1,234');
    expect(formatNumber(1234, 'es-MX')).toBe('1,234');
    expect(formatNumber(1234, 'es-ES')).toBe('1234');
    expect(formatNumber(12345, 'es-ES')).toBe('12.345');
    expect(formatNumber(12345, 'es-CO')).toBe('12.345');
  });

  test('keep at most two decimals unless told otherwise', () => {
    expect(formatNumber(1.5, 'es-ES')).toBe('1,5');
    expect(formatNumber(2.346, 'en-GB')).toBe('2.35');
    expect(formatNumber(2.5, 'en-GB', 0)).toBe('3');
  });
});
