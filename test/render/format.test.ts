import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  formatAmount,
  formatCount,
  formatDay,
  formatMoney,
  formatPercent,
  intlLocale,
  moneyFormattedByHand,
  printable,
} from '../../src/render/format.js';
import { day } from './fixture.js';

const NBSP = '\u00a0';

describe('formatMoney', () => {
  test('es-MX writes pesos with a dollar sign, comma grouping and two decimals', () => {
    expect(formatMoney(123450, 'MXN', 'es-MX')).toBe('$1,234.50');
  });

  test('es-CO keeps the two ISO decimals of COP that ICU drops by default, after a no-break space', () => {
    expect(formatMoney(123450, 'COP', 'es-CO')).toBe(`$${NBSP}1.234,50`);
  });

  test('es-ES does not group a four-digit amount and puts the euro sign after a no-break space', () => {
    expect(formatMoney(123450, 'EUR', 'es-ES')).toBe(`1234,50${NBSP}€`);
  });

  test('es-ES groups five digits with a dot', () => {
    expect(formatMoney(1234500, 'EUR', 'es-ES')).toBe(`12.345,00${NBSP}€`);
  });

  test('en-US writes a negative amount with the minus before the symbol', () => {
    expect(formatMoney(-123450, 'USD', 'en-US')).toBe('-$1,234.50');
  });

  test('en-GB writes pounds', () => {
    expect(formatMoney(123450, 'GBP', 'en-GB')).toBe('£1,234.50');
  });

  test('JPY has no decimals: 1234 minor units are 1,234 yen', () => {
    expect(formatMoney(1234, 'JPY', 'en-US')).toBe('¥1,234');
  });

  test('KWD has three decimals', () => {
    expect(formatMoney(1234567, 'KWD', 'en-US')).toBe(`KWD${NBSP}1,234.567`);
  });

  test('a currency code Intl refuses is still shown, after the amount', () => {
    expect(formatMoney(123450, 'PESOS', 'en-US')).toBe('1,234.50 PESOS');
  });
});

describe('formatAmount', () => {
  test('shows no symbol and the currency decimals with the locale grouping', () => {
    expect(formatAmount(123450, 'MXN', 'es-MX')).toBe('1,234.50');
    expect(formatAmount(123450, 'COP', 'es-CO')).toBe('1.234,50');
    expect(formatAmount(123450, 'EUR', 'es-ES')).toBe('1234,50');
    expect(formatAmount(1234, 'JPY', 'en-US')).toBe('1,234');
    expect(formatAmount(1234567, 'KWD', 'en-US')).toBe('1,234.567');
  });

  test('shows small negative amounts and zero with all their decimals', () => {
    expect(formatAmount(-5, 'USD', 'en-US')).toBe('-0.05');
    expect(formatAmount(0, 'USD', 'en-US')).toBe('0.00');
  });

  test('is exact at the largest safe integer, where minor / 100 as a float ends in .90', () => {
    expect(formatAmount(9007199254740991, 'USD', 'en-US')).toBe('90,071,992,547,409.91');
  });
});

describe('locales', () => {
  test('a LANG-style locale such as es_MX.UTF-8 is accepted', () => {
    expect(intlLocale('es_MX.UTF-8')).toBe('es-MX');
    expect(formatAmount(123450, 'MXN', 'es_CO')).toBe('1.234,50');
  });

  test('a locale that is not a locale tag is a usage error naming it', () => {
    expect(() => formatAmount(1, 'USD', 'not a locale!')).toThrow(UsageError);
    expect(() => formatAmount(1, 'USD', 'not a locale!')).toThrow(/not a locale!/);
  });
});

describe('formatPercent and formatCount', () => {
  test('a share shows one decimal, with the locale spacing of the percent sign', () => {
    expect(formatPercent(0.1, 'en-US')).toBe('10.0%');
    expect(formatPercent(1 / 6, 'es-MX')).toBe('16.7%');
    expect(formatPercent(0.1, 'es-ES')).toBe(`10,0${NBSP}%`);
  });

  test('a count is grouped as the locale does', () => {
    expect(formatCount(12345, 'en-US')).toBe('12,345');
    expect(formatCount(12345, 'es-ES')).toBe('12.345');
  });
});

describe('formatDay', () => {
  const savedTz = process.env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  test('writes the date out in each language', () => {
    expect(formatDay(day('2024-05-31'), 'en-US')).toBe('May 31, 2024');
    expect(formatDay(day('2024-05-31'), 'en-GB')).toBe('31 May 2024');
    expect(formatDay(day('2024-05-31'), 'es-MX')).toBe('31 de mayo de 2024');
  });

  test('gives the same calendar date west of Greenwich', () => {
    process.env.TZ = 'Pacific/Honolulu';
    expect(formatDay(day('2024-01-01'), 'en-US')).toBe('January 1, 2024');
  });
});

test('printable turns control characters from a ledger cell into spaces', () => {
  expect(printable('\u001b[31mEvil\nCo\tS.A.')).toBe(' [31mEvil Co S.A.');
});

describe('amounts written by hand give Intl\'s text', () => {
  // Intl itself, as formatMoney and formatAmount used it for every amount before.
  const intl = (minor: number, currency: string, locale: string, style: 'currency' | 'decimal'): string => {
    const digits = ({ CLP: 0, JPY: 0, COP: 2, KWD: 3 } as Record<string, number>)[currency] ?? 2;
    const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
    const text = `${minor < 0 ? '-' : ''}${digits ? `${abs.slice(0, -digits)}.${abs.slice(-digits)}` : abs}`;
    return new Intl.NumberFormat(locale, { ...(style === 'currency' ? { style, currency } : {}), minimumFractionDigits: digits, maximumFractionDigits: digits }).format(text as `${number}`);
  };
  const LOCALES = ['es-MX', 'es-ES', 'es-CO', 'es-AR', 'es-CL', 'es-PE', 'es-US', 'en-US', 'en-GB', 'en-IN', 'de-DE', 'de-CH', 'fr-FR', 'pt-BR', 'ar-EG', 'hi-IN'];
  const CURRENCIES = ['MXN', 'EUR', 'USD', 'COP', 'CLP', 'KWD', 'JPY', 'GBP'];

  test('our locales are written by hand (else this test would only check Intl against itself)', () => {
    for (const [currency, locale] of [['MXN', 'es-MX'], ['EUR', 'es-ES'], ['COP', 'es-CO'], ['USD', 'en-US'], ['GBP', 'en-GB'], ['CLP', 'es-CL']]) {
      expect(moneyFormattedByHand(currency!, locale!), `${currency} ${locale}`).toBe(true);
    }
    // Indian grouping (12,34,567.00) is not groups of three: Intl keeps it.
    expect(moneyFormattedByHand('INR', 'en-IN')).toBe(false);
  });

  test('any amount, in any of these locales and currencies, with and without the symbol', () => {
    fc.assert(fc.property(
      fc.oneof(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })),
      fc.constantFrom(...LOCALES), fc.constantFrom(...CURRENCIES),
      (minor, locale, currency) => {
        expect(formatMoney(minor, currency, locale)).toBe(intl(minor, currency, locale, 'currency'));
        expect(formatAmount(minor, currency, locale)).toBe(intl(minor, currency, locale, 'decimal'));
      },
    ), { numRuns: 5000 });
  });
});
