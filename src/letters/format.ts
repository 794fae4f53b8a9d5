// Display of money, dates and numbers inside letters, in the letter's locale. Money and long dates
// reuse src/render/format.ts (one formatter for the whole tool: ISO 4217 decimals, exact decimal
// strings into Intl, UTC calendar dates); this file adds what only letters need.
//
// Why each rule exists:
// - Short dates are always two-digit day and month with a four-digit year ("05/03/2024" en-US,
//   "03/05/2024" es/en-GB): ICU's dateStyle "short" gave "5/3/24" and "3/05/24", whose varying width
//   broke the aligned invoice table of the text part, and a two-digit year reads badly on a demand.
// - Everything is formatted in UTC: a Day is a calendar date; local time put 2024-03-16 on
//   2024-03-15 west of Greenwich.
// - Dates and whole numbers are remembered once written, per locale: every letter line writes
//   three dates two ways and two day counts, and 10,000 letters asked Intl ~1 million times for
//   a few thousand distinct values (about 1.5 µs each here).
import { utcDateOfDay, type Day } from '../core/dates.js';
import { type Minor } from '../core/money.js';
import { formatDay, formatMoney, intlLocale } from '../render/format.js';

const cache = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();

function cached<T extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, make: () => T): T {
  let f = cache.get(key);
  if (!f) {
    f = make();
    cache.set(key, f);
  }
  return f as T;
}

/** Remembered results: locale → value → text. A table is emptied when it gets big (a pathological run). */
type Memo<K> = Map<string, Map<K, string>>;
const MEMO_LIMIT = 50_000;

function memoOf<K>(memo: Memo<K>, locale: string): Map<K, string> {
  let table = memo.get(locale);
  if (!table) {
    table = new Map();
    memo.set(locale, table);
  } else if (table.size > MEMO_LIMIT) table.clear();
  return table;
}

const longDates: Memo<Day> = new Map();
const shortDates: Memo<Day> = new Map();
const wholeNumbers: Memo<number> = new Map();

/** An amount with its currency as the locale writes it: 123450 MXN es-MX → "$1,234.50", EUR es-ES → "1234,50 €". */
export function formatLetterMoney(minor: Minor, currency: string, locale: string): string {
  return formatMoney(minor, currency, locale);
}

/**
 * A calendar date written out, with no-break spaces (U+00A0) between its words so that a letter
 * never splits it across lines: "31 de mayo de 2024" (es), "May 31, 2024" (en-US), "31 May 2024"
 * (en-GB). The text part's word wrap had left "a más tardar el 10 de junio de" at a line's end.
 */
export function formatDateLong(day: Day, locale: string): string {
  const table = memoOf(longDates, locale);
  let text = table.get(day);
  if (text === undefined) {
    text = formatDay(day, locale).replace(/ /g, '\u00a0');
    table.set(day, text);
  }
  return text;
}

/** A calendar date in fixed-width digits for tables: "31/05/2024" (es, en-GB), "05/31/2024" (en-US). */
export function formatDateShort(day: Day, locale: string): string {
  const table = memoOf(shortDates, locale);
  let text = table.get(day);
  if (text === undefined) {
    const loc = intlLocale(locale);
    const f = cached(`short|${loc}`, () =>
      new Intl.DateTimeFormat(loc, { timeZone: 'UTC', day: '2-digit', month: '2-digit', year: 'numeric' }),
    );
    text = f.format(utcDateOfDay(day));
    table.set(day, text);
  }
  return text;
}

/**
 * A plain number with the locale's separators, up to `maxDecimals` decimals (default 2):
 * 1234 → "1,234" (en-US), "1234" (es-ES, which does not group four digits), 1.5 → "1,5" (es-ES).
 */
export function formatNumber(n: number, locale: string, maxDecimals = 2): string {
  // A whole number is written the same whatever the (valid) decimals allowed; -0 is not (Intl writes "-0").
  const whole = Number.isSafeInteger(n) && !Object.is(n, -0) && Number.isInteger(maxDecimals) && maxDecimals >= 0 && maxDecimals <= 20;
  const table = whole ? memoOf(wholeNumbers, locale) : null;
  const known = table?.get(n);
  if (known !== undefined) return known;
  const loc = intlLocale(locale);
  const f = cached(`number|${loc}|${maxDecimals}`, () => new Intl.NumberFormat(loc, { maximumFractionDigits: maxDecimals }));
  const text = f.format(n);
  table?.set(n, text);
  return text;
}
