// Value parsing on UTF-8 bytes for the aging fast path: the common forms of dates (ISO, d/m/yyyy)
// and amounts (digits with `.`/`,` separators, a minus or parentheses), with exactly the results
// of values.ts (parseDate, parseAmount) and money.ts (decimalToMinor) — test/perf/fast-path.test.ts
// checks that on thousands of generated values. Anything else answers NOT_HANDLED and the caller
// decodes the text and asks values.ts: the fast forms are a shortcut, never a second opinion.

/** "No date" in Int32 columns. */
export const NO_DAY = -2147483648;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Howard Hinnant's days_from_civil: days since 1970-01-01. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Day number of 1 January of years 1000…10000 (a table: two dates a row, a million rows). */
const YEAR_START = Int32Array.from({ length: 9001 }, (_, i) => daysFromCivil(1000 + i, 1, 1));
/** Days before each month in a common year. */
const BEFORE_MONTH = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

/** Days since 1970-01-01 of a calendar date, or NO_DAY when it does not exist (like dayFromYmd). */
export function civilDay(y: number, m: number, d: number): number {
  if (y < 1000 || y > 9999 || m < 1 || m > 12 || d < 1) return NO_DAY;
  const start = YEAR_START[y - 1000]!;
  const leap = YEAR_START[y - 999]! - start === 366;
  if (d > (m === 2 && leap ? 29 : DAYS_IN_MONTH[m]!)) return NO_DAY;
  return start + BEFORE_MONTH[m]! + (leap && m > 2 ? 1 : 0) + d - 1;
}

export const NOT_HANDLED = 0;
export const OK = 1;
export const AMBIGUOUS = 2;
export const ERROR = 3;

/** Day/month order as numbers: 0 none, 1 dmy, 2 mdy, 3 ymd (values.ts DateOrder). */
export type OrderCode = 0 | 1 | 2 | 3;

export interface DateResult {
  kind: number;
  /** OK: the day; AMBIGUOUS: the day/month reading. */
  day: number;
  /** AMBIGUOUS: the month/day reading. */
  alt: number;
  /** OK: the order this value proves: 0 none, 1 dmy, 2 mdy. */
  proves: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * A date field's bytes [s, e): `2024-01-31` or `d/m/yyyy` (1- or 2-digit day and month; `/`, `-`
 * or `.` between), surrounding ASCII spaces ignored. Results as parseDate(text, order).
 */
export function parseDateBytes(buf: Uint8Array, s: number, e: number, order: OrderCode, out: DateResult): void {
  while (s < e && isSpace(buf[s]!)) s++;
  while (e > s && isSpace(buf[e - 1]!)) e--;
  out.kind = NOT_HANDLED;
  out.proves = 0;
  const n = e - s;
  if (n === 10 && isDigit(buf[s]!) && isDigit(buf[s + 3]!) && isDigit(buf[s + 4]!) === false) {
    // yyyy-mm-dd (or yyyy/mm/dd, yyyy.mm.dd)
    const sep1 = buf[s + 4]!;
    const sep2 = buf[s + 7]!;
    if ((sep1 !== 45 && sep1 !== 47 && sep1 !== 46) || (sep2 !== 45 && sep2 !== 47 && sep2 !== 46)) return;
    let y = 0;
    for (let i = 0; i < 4; i++) {
      const c = buf[s + i]!;
      if (!isDigit(c)) return;
      y = y * 10 + c - 48;
    }
    const m1 = buf[s + 5]!;
    const m2 = buf[s + 6]!;
    const d1 = buf[s + 8]!;
    const d2 = buf[s + 9]!;
    if (!isDigit(m1) || !isDigit(m2) || !isDigit(d1) || !isDigit(d2)) return;
    const day = civilDay(y, (m1 - 48) * 10 + m2 - 48, (d1 - 48) * 10 + d2 - 48);
    out.kind = day === NO_DAY ? ERROR : OK;
    out.day = day;
    return;
  }
  if (n < 8 || n > 10) return;
  // d/m/yyyy: one or two digits, a separator, one or two digits, a separator, four digits.
  let i = s;
  let a = 0;
  let k = 0;
  while (i < e && isDigit(buf[i]!) && k < 2) {
    a = a * 10 + buf[i]! - 48;
    i++;
    k++;
  }
  if (k === 0 || i >= e) return;
  const sepA = buf[i]!;
  if (sepA !== 47 && sepA !== 45 && sepA !== 46) return;
  i++;
  let b = 0;
  k = 0;
  while (i < e && isDigit(buf[i]!) && k < 2) {
    b = b * 10 + buf[i]! - 48;
    i++;
    k++;
  }
  if (k === 0 || i >= e) return;
  const sepB = buf[i]!;
  if (sepB !== 47 && sepB !== 45 && sepB !== 46) return;
  i++;
  if (e - i !== 4) return;
  let y = 0;
  for (; i < e; i++) {
    const c = buf[i]!;
    if (!isDigit(c)) return;
    y = y * 10 + c - 48;
  }
  const dmy = civilDay(y, b, a);
  const mdy = civilDay(y, a, b);
  if (order === 1 || order === 2) {
    const day = order === 1 ? dmy : mdy;
    out.kind = day === NO_DAY ? ERROR : OK;
    out.day = day;
    return;
  }
  if (dmy === NO_DAY && mdy === NO_DAY) {
    out.kind = ERROR;
    return;
  }
  out.kind = OK;
  if (dmy === NO_DAY) {
    out.day = mdy;
    out.proves = 2;
  } else if (mdy === NO_DAY) {
    out.day = dmy;
    out.proves = 1;
  } else if (dmy === mdy) {
    out.day = dmy;
  } else {
    out.kind = AMBIGUOUS;
    out.day = dmy;
    out.alt = mdy;
  }
}

export interface AmountResult {
  kind: number;
  /** OK: minor units; AMBIGUOUS: the reading with the separator as thousands grouping. */
  minor: number;
  /** AMBIGUOUS: the reading with the separator as the decimal point. */
  alt: number;
  /** OK: the decimal separator the value proves (44 `,`, 46 `.`), or 0. AMBIGUOUS: the separator. */
  sep: number;
}

const COMMA = 44;
const DOT = 46;

/**
 * An amount field's bytes [s, e): digits with `.` and `,`, an optional leading minus and optional
 * parentheses (a negative), surrounding ASCII spaces ignored. `decimal` is --decimal (0 when not
 * given). `exp` is the currency's ISO 4217 exponent. Results as parseAmount + decimalToMinor.
 */
export function parseAmountBytes(buf: Uint8Array, s: number, e: number, decimal: number, exp: number, out: AmountResult): void {
  out.kind = NOT_HANDLED;
  out.sep = 0;
  while (s < e && isSpace(buf[s]!)) s++;
  while (e > s && isSpace(buf[e - 1]!)) e--;
  if (s >= e || exp > 9) return;
  let negative = false;
  if (buf[s] === 40 /* ( */ && buf[e - 1] === 41 /* ) */) {
    negative = true;
    s++;
    e--;
    // parseAmount trims inside the parentheses: leave such cases to it.
    if (s >= e || isSpace(buf[s]!) || isSpace(buf[e - 1]!)) return;
  }
  if (buf[s] === 45 /* - */) {
    negative = !negative;
    s++;
    if (s >= e || isSpace(buf[s]!)) return;
  }
  // The common case in one pass: digits, at most one `.` with digits after it (1850.92, 1850), when
  // `.` is or may be the decimal point and the value is not ambiguous (1.234: left to the rules below).
  if (decimal !== COMMA) {
    let dot = -1;
    let i = s;
    for (; i < e; i++) {
      const c = buf[i]!;
      if (c >= 48 && c <= 57) continue;
      if (c !== DOT || dot >= 0) break;
      dot = i;
    }
    if (i === e && dot !== s && dot !== e - 1 && !(decimal === 0 && dot > s && dot - s <= 3 && e - dot - 1 === 3)) {
      const minor = minorOf(buf, s, dot >= 0 ? dot : e, dot >= 0 ? dot + 1 : -1, e, exp);
      if (minor < 0) return;
      out.kind = OK;
      out.minor = signed(minor, negative);
      out.sep = dot >= 0 ? DOT : 0;
      return;
    }
  }
  let dots = 0;
  let commas = 0;
  let lastDot = -1;
  let lastComma = -1;
  let digits = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]!;
    if (isDigit(c)) digits++;
    else if (c === DOT) {
      dots++;
      lastDot = i;
    } else if (c === COMMA) {
      commas++;
      lastComma = i;
    } else return; // anything else: a currency sign, a space, a trailing minus… values.ts decides
  }
  if (digits === 0) return;
  let decimalSep = 0;
  if (decimal) decimalSep = decimal;
  else if (dots && commas) decimalSep = lastDot > lastComma ? DOT : COMMA;
  else if (dots + commas === 1) {
    const sep = dots ? DOT : COMMA;
    const at = dots ? lastDot : lastComma;
    const idx = at - s;
    if (e - at - 1 === 3 && idx > 0 && idx <= 3) {
      // "1,234" / "1.234": both readings are valid; the column decides.
      const asGrouping = minorOf(buf, s, e, -1, -1, exp);
      const asDecimal = minorOf(buf, s, at, at + 1, e, exp);
      if (asGrouping < 0 || asDecimal < 0) return;
      out.kind = AMBIGUOUS;
      out.minor = signed(asGrouping, negative);
      out.alt = signed(asDecimal, negative);
      out.sep = sep;
      return;
    }
    decimalSep = sep;
  } else if (dots > 1) decimalSep = COMMA;
  else if (commas > 1) decimalSep = DOT;
  // checked(): at most one decimal separator, digits after it, groups of three before it.
  const groupSep = decimalSep === COMMA ? DOT : COMMA;
  let decAt = -1;
  if (decimalSep) {
    for (let i = s; i < e; i++) {
      if (buf[i] === decimalSep) {
        if (decAt >= 0) return error(out);
        decAt = i;
      }
    }
  }
  const intEnd = decAt >= 0 ? decAt : e;
  if (decAt >= 0) {
    if (decAt + 1 >= e) return error(out);
    for (let i = decAt + 1; i < e; i++) if (!isDigit(buf[i]!)) return error(out);
  }
  // Integer part: plain digits, or 1–3 digits then groups of exactly three after each separator.
  let hasGroup = false;
  for (let i = s; i < intEnd; i++) if (buf[i] === groupSep) hasGroup = true;
  if (hasGroup) {
    let run = 0;
    let first = true;
    for (let i = s; i < intEnd; i++) {
      const c = buf[i]!;
      if (c === groupSep) {
        if (first ? run < 1 || run > 3 : run !== 3) return error(out);
        first = false;
        run = 0;
      } else if (isDigit(c)) run++;
      else return error(out);
    }
    if (run !== 3) return error(out);
  } else {
    for (let i = s; i < intEnd; i++) if (!isDigit(buf[i]!)) return error(out);
  }
  const minor = minorOf(buf, s, intEnd, decAt >= 0 ? decAt + 1 : -1, e, exp);
  if (minor < 0) return; // beyond 15 significant digits: values.ts and money.ts decide
  out.kind = OK;
  out.minor = signed(minor, negative);
  out.sep = dots + commas > 0 ? decimalSep : 0;
}

function error(out: AmountResult): void {
  out.kind = ERROR;
}

function signed(minor: number, negative: boolean): number {
  return negative && minor !== 0 ? -minor : minor;
}

/**
 * decimalToMinor on bytes: integer digits in [is, ie) (other bytes, i.e. group separators, are
 * skipped), fraction digits in [fs, fe) (fs < 0: none); half away from zero on the first dropped
 * digit. -1 when more than 15 significant digits would be needed (left to money.ts).
 */
function minorOf(buf: Uint8Array, is: number, ie: number, fs: number, fe: number, exp: number): number {
  let v = 0;
  let sig = 0;
  for (let i = is; i < ie; i++) {
    const c = buf[i]!;
    if (!isDigit(c)) continue;
    v = v * 10 + c - 48;
    if (v > 0) sig++;
  }
  const fracLen = fs < 0 ? 0 : fe - fs;
  for (let k = 0; k < exp; k++) {
    v = v * 10 + (k < fracLen ? buf[fs + k]! - 48 : 0);
    if (v > 0) sig++;
  }
  if (sig > 15) return -1;
  if (fracLen > exp && buf[fs + exp]! >= 53) v += 1;
  return v;
}
