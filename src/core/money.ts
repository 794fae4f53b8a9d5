// Money: integer minor units plus a currency. 123.45 MXN is { minor: 12345, currency: 'MXN' }.
// Amounts are parsed from decimal text straight to minor units (never Math.round(x * 100) on a
// float: Math.round(1.005 * 100) is 100 while Excel shows 1.01). Pure: no I/O.

/** Integer count of the currency's minor unit (cents, centavos). */
export type Minor = number;

// ISO 4217 exponents that are not 2. COP, MXN, ARS... are 2 even where CLDR shows 0 cash digits.
// A Map: looked up for every amount cell of a ledger, where an object's lookup by a string key was slower.
const EXPONENTS: ReadonlyMap<string, number> = new Map(Object.entries({
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
}));

/** The ISO 4217 exponent: how many decimals the currency's minor unit has (USD 2, JPY 0, KWD 3). */
export function currencyExponent(currency: string): number {
  return EXPONENTS.get(currency) ?? 2;
}

/**
 * Canonical decimal text ("-1234.5", "0.105", "12") to minor units, rounding half away from zero
 * when the text has more decimals than the currency (0.105 USD → 11 cents, as Excel displays).
 * Returns null when the text is not canonical decimal or is beyond exact integer range.
 *
 * One pass over the characters, no regular expression or substrings: every amount cell of a
 * ledger comes through here. The digits are accumulated in a double, which is exact while the
 * value stays below 2^53 — and a value that does not is refused either way.
 */
export function decimalToMinor(text: string, exponent: number): Minor | null {
  const n = text.length;
  let i = 0;
  const sign = text.charCodeAt(0);
  if (sign === 45 /* - */ || sign === 43 /* + */) i = 1;
  let minor = 0;
  let digits = 0;
  for (; i < n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    minor = minor * 10 + d;
    digits++;
  }
  let kept = 0;
  let roundUp = false;
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */) return null;
    for (i++; i < n; i++) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      if (kept < exponent) {
        minor = minor * 10 + d;
        kept++;
      } else if (kept === exponent) {
        roundUp = d >= 5; // only the first digit dropped decides
        kept++;
      }
      digits++;
    }
  }
  if (digits === 0) return null;
  for (; kept < exponent; kept++) minor *= 10;
  if (roundUp) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return sign === 45 && minor !== 0 ? -minor : minor;
}

/**
 * A spreadsheet number (a float) to minor units through its shortest decimal text with 15
 * significant digits, which is what Excel displays: 1.005 → "1.005" → 101 cents.
 */
export function floatToMinor(value: number, exponent: number): Minor | null {
  if (!Number.isFinite(value)) return null;
  const text = Number(value.toPrecision(15)).toString();
  if (/e/i.test(text)) {
    // Very small or very large numbers: expand through toFixed, which is exact enough here.
    return Math.abs(value) < 1 ? decimalToMinor(value.toFixed(exponent + 1), exponent) : null;
  }
  return decimalToMinor(text, exponent);
}

/** Minor units back to a major-unit JSON number (12345, 2 → 123.45): the nearest double. */
export function minorToMajor(minor: Minor, exponent: number): number {
  return exponent === 0 ? minor : minor / 10 ** exponent;
}

/** Plain decimal text for machine-readable output: 12345, 2 → "123.45"; -5, 2 → "-0.05". */
export function minorToDecimalText(minor: Minor, exponent: number): string {
  if (exponent === 0) return String(minor);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

/** Sum of minor amounts, checked to stay exact. */
export function sumMinor(values: Iterable<Minor>): Minor {
  let total = 0;
  for (const v of values) total += v;
  if (!Number.isSafeInteger(total)) throw new RangeError('amount total exceeds exact integer range');
  return total;
}
