// Money: integer minor units plus a currency. 123.45 MXN is { minor: 12345, currency: 'MXN' }.
// Amounts are parsed from decimal text straight to minor units (never Math.round(x * 100) on a
// float: Math.round(1.005 * 100) is 100 while Excel shows 1.01). Pure: no I/O.

/** Integer count of the currency's minor unit (cents, centavos). */
export type Minor = number;

// ISO 4217 exponents that are not 2. COP, MXN, ARS... are 2 even where CLDR shows 0 cash digits.
const EXPONENTS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0,
  UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** The ISO 4217 exponent: how many decimals the currency's minor unit has (USD 2, JPY 0, KWD 3). */
export function currencyExponent(currency: string): number {
  return EXPONENTS[currency] ?? 2;
}

/**
 * Canonical decimal text ("-1234.5", "0.105", "12") to minor units, rounding half away from zero
 * when the text has more decimals than the currency (0.105 USD → 11 cents, as Excel displays).
 * Returns null when the text is not canonical decimal or is beyond exact integer range.
 */
export function decimalToMinor(text: string, exponent: number): Minor | null {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m) return null;
  const [, sign = '', intPart = '', fracPart = ''] = m;
  if (intPart === '' && fracPart === '') return null;
  const kept = fracPart.slice(0, exponent).padEnd(exponent, '0');
  const rest = fracPart.slice(exponent);
  let minor = Number((intPart || '0') + kept);
  if (rest !== '' && rest.charCodeAt(0) >= 53 /* '5' */) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return sign === '-' && minor !== 0 ? -minor : minor;
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
