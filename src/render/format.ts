// Display of values for people, kept apart from the values (hledger's Amount vs AmountStyle):
// money, counts, shares and calendar dates in a locale, through Intl with full ICU. Core never
// formats; every human-facing renderer and summary goes through here.
//
// Why each rule exists:
// - Decimals always follow the ISO 4217 exponent, not CLDR: es-CO COP showed "$ 1.235" for
//   1234.50 with ICU's defaults (0 cash digits), hiding 50 centavos that are really owed.
// - Intl gets a decimal string built from integer minor units (Node 20 formats decimal strings
//   exactly), never minor / 100: 90071992547409.91 would come out as ...409.9 through a float.
// - ICU's separators are U+00A0 / U+202F in some locales and es-ES does not group 4-digit numbers
//   ("1234,50 €", "12.345,00 €"): that is correct Spanish, tests pin the exact characters.
import { utcDateOfDay, type Day } from '../core/dates.js';
import { currencyExponent, minorToDecimalText, type Minor } from '../core/money.js';
import { UsageError } from '../errors.js';

type Decimal = `${number}`;

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let f = formatters.get(key);
  if (!f) {
    f = make();
    formatters.set(key, f);
  }
  return f as T;
}

/**
 * A locale tag Intl accepts: "es_MX.UTF-8" (from LANG) → "es-MX". Throws UsageError for a tag
 * that is not a locale at all, so a typo in config or --locale is exit 2, not an internal error.
 */
export function intlLocale(locale: string): string {
  // Memoized: getCanonicalLocales took 1.2 s of 10,000 letters (every amount and date asks).
  const known = canonicalLocales.get(locale);
  if (known) return known;
  const tag = locale.trim().replace(/[.@].*$/, '').replace(/_/g, '-');
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical) {
      canonicalLocales.set(locale, canonical);
      return canonical;
    }
  } catch {
    // fall through to the error below
  }
  throw new UsageError(`unknown locale "${locale}" (expected a tag like es-MX, es-ES, en-US)`);
}

const canonicalLocales = new Map<string, string>();

/** A number with the currency's ISO decimals and the locale's grouping, no symbol (table cells). */
export function formatAmount(minor: Minor, currency: string, locale: string): string {
  const digits = currencyExponent(currency);
  const loc = intlLocale(locale);
  const key = `amount|${loc}|${digits}`;
  const format = minorFormats.get(key) ?? minorFormat(key, new Intl.NumberFormat(loc, { minimumFractionDigits: digits, maximumFractionDigits: digits }), digits);
  return format(minor);
}

/** An amount with its currency symbol or code as the locale writes it: es-MX "$1,234.50". */
export function formatMoney(minor: Minor, currency: string, locale: string): string {
  const digits = currencyExponent(currency);
  const loc = intlLocale(locale);
  const key = `money|${loc}|${currency}`;
  let format = minorFormats.get(key);
  if (!format) {
    let f: Intl.NumberFormat;
    try {
      f = new Intl.NumberFormat(loc, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    } catch {
      // Not a well-formed currency code ("PESOS"): still show the amount, with the code as written.
      return `${formatAmount(minor, currency, locale)} ${currency}`;
    }
    format = minorFormat(key, f, digits);
  }
  return format(minor);
}

// ---------- amounts without Intl's cost ----------
//
// Intl.NumberFormat took ~2 µs an amount: a tenth of a letter's data, and most of the time of a
// table of 34,000 customers. So each (locale, currency) learns its pattern once from Intl's own
// parts — what comes before and after the digits (sign, symbol, spaces) for a positive and a
// negative amount, the group and decimal separators, whether four-digit numbers are grouped
// (es-ES does not: "1234,50 €") — and writes amounts itself, groups of three. It is used only if it
// gives Intl's text, character for character, for every probe amount below; a locale it does not
// fit (other digits, Indian grouping "12,34,567", anything new in ICU) keeps Intl.

type MinorFormat = (minor: Minor) => string;
const minorFormats = new Map<string, MinorFormat>();
const byHand = new WeakSet<MinorFormat>();

/** Whether formatMoney writes this currency in this locale by hand (the tests check both ways give Intl's text). */
export function moneyFormattedByHand(currency: string, locale: string): boolean {
  formatMoney(0, currency, locale);
  const format = minorFormats.get(`money|${intlLocale(locale)}|${currency}`);
  return format !== undefined && byHand.has(format);
}

/** Minor units that show every rule: zero, signs, one to fifteen digits, group boundaries. */
const PROBES: readonly Minor[] = [0, 1, -1, 7, 99, 100, -100, 999, 1234, -1234, 12345, 99999, 123456, -123456, 1234567, 12345678, -123456789, 1234567890, 100000000000, 999999999999999, -9007199254740991];

function minorFormat(key: string, f: Intl.NumberFormat, digits: number): MinorFormat {
  const intl: MinorFormat = (minor) => f.format(minorToDecimalText(minor, digits) as Decimal);
  const format = learntFormat(f, digits, intl) ?? intl;
  minorFormats.set(key, format);
  return format;
}

function learntFormat(f: Intl.NumberFormat, digits: number, intl: MinorFormat): MinorFormat | null {
  const fraction = digits > 0 ? `.${'5'.repeat(digits)}` : '';
  const shapeOf = (text: string) => {
    let before = '';
    let after = '';
    let group: string | null = null;
    let decimal = '';
    let number = false;
    for (const p of f.formatToParts(text as Decimal)) {
      if (p.type === 'integer' || p.type === 'fraction') number = true;
      else if (p.type === 'group') group = p.value;
      else if (p.type === 'decimal') decimal = p.value;
      else if (number) after += p.value;
      else before += p.value;
    }
    return { before, after, group, decimal };
  };
  const plus = shapeOf(`1234567${fraction}`);
  const minus = shapeOf(`-1234567${fraction}`);
  const group = plus.group;
  if (group === null || minus.group !== group || minus.decimal !== plus.decimal) return null;
  // Grouped from four integer digits on, or (es-ES) from five.
  const from = f.format(`1234${fraction}` as Decimal).includes(group) ? 4 : 5;
  const format: MinorFormat = (minor) => {
    const negative = minor < 0;
    const text = String(negative ? -minor : minor).padStart(digits + 1, '0');
    const end = text.length - digits;
    let int = text.slice(0, end);
    if (end >= from) {
      let i = end % 3 || 3;
      let out = text.slice(0, i);
      for (; i < end; i += 3) out += group + text.slice(i, i + 3);
      int = out;
    }
    const shape = negative ? minus : plus;
    return digits > 0 ? `${shape.before}${int}${shape.decimal}${text.slice(end)}${shape.after}` : `${shape.before}${int}${shape.after}`;
  };
  for (const p of PROBES) if (format(p) !== intl(p)) return null;
  byHand.add(format);
  return format;
}

/** A whole count with the locale's grouping: 1234 → "1,234" (en) / "1234" (es-ES). */
export function formatCount(n: number, locale: string): string {
  const loc = intlLocale(locale);
  return cached(`count|${loc}`, () => new Intl.NumberFormat(loc, { maximumFractionDigits: 0 })).format(n);
}

/** A ratio as a percentage with one decimal by default: 0.1 → "10.0%" (en), "10,0 %" (es-ES). */
export function formatPercent(ratio: number, locale: string, fractionDigits = 1): string {
  const loc = intlLocale(locale);
  const f = cached(`percent|${loc}|${fractionDigits}`, () =>
    new Intl.NumberFormat(loc, {
      style: 'percent',
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
    }),
  );
  return f.format(ratio);
}

/**
 * A calendar date written out for people: 2024-05-31 → "May 31, 2024" (en-US), "31 May 2024"
 * (en-GB), "31 de mayo de 2024" (es). Long form on purpose: 05/06 means two dates across our locales.
 * Formatted in UTC because a Day is a calendar date; local time put it on the previous day west of
 * Greenwich.
 */
export function formatDay(day: Day, locale: string): string {
  const loc = intlLocale(locale);
  const f = cached(`day|${loc}`, () => new Intl.DateTimeFormat(loc, { timeZone: 'UTC', dateStyle: 'long' }));
  return f.format(utcDateOfDay(day));
}

/**
 * Ledger text made safe to print: control characters (newlines in a multi-line cell, ESC of an
 * ANSI sequence typed into a name) become spaces, so a customer name cannot break a table row or
 * colour a cron log.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ');
}
