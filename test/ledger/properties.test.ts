// Round-trip properties of the cell parsers in src/ledger/values.ts: an amount written the way
// some bookkeeping system writes it reads back to the same minor units, and a date written in any
// accepted form reads back to the same Day. The formatters here are written independently of the
// parser (digit strings, not Intl), so a shared mistake cannot make both sides agree.
// Deliberate ambiguity: a lone separator after 1–3 digits and before exactly three ("1,234",
// "1.234") means either; the parser answers 'ambiguous' there, and the decimal separator must be
// passed (what --decimal does), so the generator passes it in exactly those cases.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayFromYmd, ymdOfDay, type Day } from '../../src/core/dates.js';
import { decimalToMinor } from '../../src/core/money.js';
import { parseAmount, parseDate } from '../../src/ledger/values.js';

const SEED = 20240531;
const RUNS = 400;

// ---------------------------------------------------------------------------------------------
// Amounts

type Grouping = 'plain' | 'us' | 'eu' | 'space' | 'nbsp' | 'narrow' | 'apostrophe';
type Negative = 'minus' | 'parens' | 'trailing';
type Affix = 'none' | 'dollar' | 'dollar-inside' | 'euro-suffix' | 'iso-prefix' | 'iso-suffix' | 'iso-suffix-tight' | 'pound' | 'usd-symbol';

/** [group separator, decimal separator] for each grouping style. */
const SEPARATORS: Readonly<Record<Grouping, readonly [string, ',' | '.']>> = {
  plain: ['', '.'],
  us: [',', '.'],
  eu: ['.', ','],
  space: [' ', ','],
  nbsp: ['\u00a0', ','],
  narrow: ['\u202f', ','],
  apostrophe: ["'", '.'],
};

function groupDigits(digits: string, sep: string): string {
  if (sep === '') return digits;
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += sep;
    out += digits[i];
  }
  return out;
}

/** |minor| as text in a grouping style, with `exponent` decimals (none when 0). */
function formatNumber(minor: number, exponent: number, grouping: Grouping): string {
  const [group, decimal] = SEPARATORS[grouping];
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  const intPart = digits.slice(0, digits.length - exponent);
  const frac = digits.slice(digits.length - exponent);
  return groupDigits(intPart, group) + (exponent > 0 ? decimal + frac : '');
}

function withAffix(number: string, affix: Affix, code: string): string {
  switch (affix) {
    case 'none': return number;
    case 'dollar': return `$${number}`;
    case 'dollar-inside': return `$ ${number}`;
    case 'euro-suffix': return `${number} €`;
    case 'iso-prefix': return `${code} ${number}`;
    case 'iso-suffix': return `${number} ${code}`;
    case 'iso-suffix-tight': return `${number}${code}`;
    case 'pound': return `£${number}`;
    case 'usd-symbol': return `US$ ${number}`;
  }
}

function withSign(text: string, negative: boolean, style: Negative): string {
  if (!negative) return text;
  switch (style) {
    case 'minus': return `-${text}`;
    case 'parens': return `(${text})`;
    case 'trailing': return `${text}-`;
  }
}

/** Whether the number is the deliberately ambiguous shape: one separator, 1–3 digits, then exactly 3. */
function isAmbiguousShape(number: string): boolean {
  return /^\d{1,3}[.,]\d{3}$/.test(number);
}

const amountCase = fc.record({
  minor: fc.oneof(fc.integer({ min: -999_999, max: 999_999 }), fc.integer({ min: -99_999_999_999, max: 99_999_999_999 })),
  currency: fc.constantFrom<[string, number]>(['USD', 2], ['JPY', 0], ['KWD', 3], ['EUR', 2], ['MXN', 2]),
  grouping: fc.constantFrom<Grouping>('plain', 'us', 'eu', 'space', 'nbsp', 'narrow', 'apostrophe'),
  negative: fc.constantFrom<Negative>('minus', 'parens', 'trailing'),
  affix: fc.constantFrom<Affix>('none', 'dollar', 'dollar-inside', 'euro-suffix', 'iso-prefix', 'iso-suffix', 'iso-suffix-tight', 'pound', 'usd-symbol'),
});

describe('parseAmount round-trips', () => {
  it('reads back any amount in any supported style to the same minor units', () => {
    fc.assert(
      fc.property(amountCase, ({ minor, currency: [code, exponent], grouping, negative, affix }) => {
        const number = formatNumber(minor, exponent, grouping);
        const text = withSign(withAffix(number, affix, code), minor < 0, negative);
        const hint = isAmbiguousShape(number) ? SEPARATORS[grouping][1] : null;
        const parsed = parseAmount(text, hint);
        expect(parsed, text).toMatchObject({ kind: 'ok' });
        if (parsed.kind !== 'ok') return;
        expect(decimalToMinor(parsed.text, exponent), text).toBe(minor);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('reads back the same amount when the decimal separator is always given (--decimal)', () => {
    fc.assert(
      fc.property(amountCase, ({ minor, currency: [code, exponent], grouping, negative, affix }) => {
        const text = withSign(withAffix(formatNumber(minor, exponent, grouping), affix, code), minor < 0, negative);
        const parsed = parseAmount(text, SEPARATORS[grouping][1]);
        expect(parsed, text).toMatchObject({ kind: 'ok' });
        if (parsed.kind !== 'ok') return;
        expect(decimalToMinor(parsed.text, exponent), text).toBe(minor);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('answers "ambiguous" for a lone separator before exactly three digits, offering both readings', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom(',', '.'), (head, tail, sep) => {
        const tail3 = String(tail).padStart(3, '0');
        const parsed = parseAmount(`${head}${sep}${tail3}`);
        expect(parsed).toEqual({ kind: 'ambiguous', sep, asGrouping: `${head}${tail3}`, asDecimal: `${head}.${tail3}` });
      }),
      { seed: SEED + 2, numRuns: 200 },
    );
  });

  it('never reads an amount to a different value than written when it does read it, without a hint', () => {
    // Whatever the parser decides on its own (ok or ambiguous), an 'ok' answer is the written value.
    fc.assert(
      fc.property(amountCase, ({ minor, currency: [code, exponent], grouping, negative, affix }) => {
        const text = withSign(withAffix(formatNumber(minor, exponent, grouping), affix, code), minor < 0, negative);
        const parsed = parseAmount(text);
        if (parsed.kind === 'ok') expect(decimalToMinor(parsed.text, exponent), text).toBe(minor);
        else expect(parsed.kind, text).toBe('ambiguous');
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Dates

const EN_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const EN_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const ES_SHORT = ['ene', 'feb', 'mar', 'abr', 'may', 'jun', 'jul', 'ago', 'sep', 'oct', 'nov', 'dic'];
const ES_LONG = ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'];

const FIRST = dayFromYmd(1950, 1, 1)!;
const LAST = dayFromYmd(2099, 12, 31)!;
const anyDay = fc.integer({ min: FIRST, max: LAST });

const pad = (n: number): string => String(n).padStart(2, '0');

type DateStyle = (y: number, m: number, d: number) => string;

/** Forms that name the month or put the year first: one reading only, no order needed. */
const UNAMBIGUOUS: Readonly<Record<string, DateStyle>> = {
  iso: (y, m, d) => `${y}-${pad(m)}-${pad(d)}`,
  'iso with time': (y, m, d) => `${y}-${pad(m)}-${pad(d)}T00:00:00`,
  'yyyy/mm/dd': (y, m, d) => `${y}/${pad(m)}/${pad(d)}`,
  'Jan 28 2021': (y, m, d) => `${EN_SHORT[m - 1]} ${d} ${y}`,
  'January 28, 2021': (y, m, d) => `${EN_LONG[m - 1]} ${d}, ${y}`,
  '28-ene-2024': (y, m, d) => `${pad(d)}-${ES_SHORT[m - 1]}-${y}`,
  '28-Jan-2024': (y, m, d) => `${d}-${EN_SHORT[m - 1]}-${y}`,
  '28 de enero de 2024': (y, m, d) => `${d} de ${ES_LONG[m - 1]} de ${y}`,
};

/** Numeric forms whose day/month order the caller knows. */
const ORDERED: Readonly<Record<string, { style: DateStyle; order: 'dmy' | 'mdy' }>> = {
  'dd/mm/yyyy': { style: (y, m, d) => `${pad(d)}/${pad(m)}/${y}`, order: 'dmy' },
  'm/d/yyyy': { style: (y, m, d) => `${m}/${d}/${y}`, order: 'mdy' },
  'dd.mm.yyyy': { style: (y, m, d) => `${pad(d)}.${pad(m)}.${y}`, order: 'dmy' },
  'dd-mm-yyyy': { style: (y, m, d) => `${pad(d)}-${pad(m)}-${y}`, order: 'dmy' },
  'mm/dd/yyyy': { style: (y, m, d) => `${pad(m)}/${pad(d)}/${y}`, order: 'mdy' },
};

function ymd(day: Day): [number, number, number] {
  const { year, month, day: d } = ymdOfDay(day);
  return [year, month, d];
}

describe('parseDate round-trips', () => {
  it('reads back a date written with the month named or the year first, with no order given', () => {
    fc.assert(
      fc.property(anyDay, fc.constantFrom(...Object.keys(UNAMBIGUOUS)), (day, name) => {
        const text = UNAMBIGUOUS[name]!(...ymd(day));
        expect(parseDate(text), text).toMatchObject({ kind: 'ok', day });
      }),
      { seed: SEED + 4, numRuns: RUNS },
    );
  });

  it('reads back a numeric day/month date when the order is given', () => {
    fc.assert(
      fc.property(anyDay, fc.constantFrom(...Object.keys(ORDERED)), (day, name) => {
        const { style, order } = ORDERED[name]!;
        const text = style(...ymd(day));
        expect(parseDate(text, order), text).toMatchObject({ kind: 'ok', day });
      }),
      { seed: SEED + 5, numRuns: RUNS },
    );
  });

  it('without an order, reads a numeric date only when one reading is possible, and proves the order then', () => {
    fc.assert(
      fc.property(anyDay, fc.constantFrom(...Object.keys(ORDERED)), (day, name) => {
        const { style, order } = ORDERED[name]!;
        const [, m, d] = ymd(day);
        const text = style(...ymd(day));
        const parsed = parseDate(text);
        // Both readings exist only when the day could also be a month (≤ 12) and differs from it.
        if (m === d) expect(parsed, text).toEqual({ kind: 'ok', day, proves: null });
        else if (d > 12) expect(parsed, text).toEqual({ kind: 'ok', day, proves: order });
        else {
          expect(parsed.kind, text).toBe('ambiguous');
          if (parsed.kind === 'ambiguous') expect(order === 'dmy' ? parsed.dmy : parsed.mdy, text).toBe(day);
        }
      }),
      { seed: SEED + 6, numRuns: RUNS },
    );
  });

  it('never accepts a day that does not exist (31/02, 29/02 of a common year, month 13)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1950, max: 2099 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 29, max: 31 }), (y, m, d) => {
        const real = dayFromYmd(y, m, d);
        const parsed = parseDate(`${y}-${pad(m)}-${pad(d)}`);
        if (real === null) expect(parsed.kind).toBe('error');
        else expect(parsed).toMatchObject({ kind: 'ok', day: real });
      }),
      { seed: SEED + 7, numRuns: 300 },
    );
    expect(parseDate('13/13/2024').kind).toBe('error');
  });
});
