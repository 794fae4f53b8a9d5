// The byte-level value parsers of the aging fast path (src/ledger/fastvalues.ts) against the
// general ones (values.ts, money.ts, dates.ts): same answer for every value they claim to handle.
import { describe, expect, it } from 'vitest';
import { dayFromYmd } from '../../src/core/dates.js';
import { decimalToMinor } from '../../src/core/money.js';
import { AMBIGUOUS, civilDay, ERROR, NO_DAY, NOT_HANDLED, OK, parseAmountBytes, parseDateBytes, type AmountResult, type DateResult, type OrderCode } from '../../src/ledger/fastvalues.js';
import { parseAmount, parseDate, type DateOrder } from '../../src/ledger/values.js';

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ORDERS: readonly [OrderCode, DateOrder | null][] = [[0, null], [1, 'dmy'], [2, 'mdy'], [3, 'ymd']];

function dateBoth(text: string, code: OrderCode, order: DateOrder | null): { fast: DateResult; slow: ReturnType<typeof parseDate> } {
  const buf = Buffer.from(text, 'utf8');
  const fast: DateResult = { kind: 0, day: 0, alt: 0, proves: 0 };
  parseDateBytes(buf, 0, buf.length, code, fast);
  return { fast, slow: parseDate(text, order) };
}

function expectSameDate(text: string, code: OrderCode, order: DateOrder | null): boolean {
  const { fast, slow } = dateBoth(text, code, order);
  if (fast.kind === NOT_HANDLED) return false;
  const where = `${JSON.stringify(text)} order ${order}`;
  if (slow.kind === 'error') expect(fast.kind, where).toBe(ERROR);
  else if (slow.kind === 'ambiguous') expect([fast.kind, fast.day, fast.alt], where).toEqual([AMBIGUOUS, slow.dmy, slow.mdy]);
  else expect([fast.kind, fast.day, fast.proves], where).toEqual([OK, slow.day, slow.proves === 'dmy' ? 1 : slow.proves === 'mdy' ? 2 : 0]);
  return true;
}

function expectSameAmount(text: string, decimal: ',' | '.' | null, exp: number): boolean {
  const buf = Buffer.from(text, 'utf8');
  const fast: AmountResult = { kind: 0, minor: 0, alt: 0, sep: 0 };
  parseAmountBytes(buf, 0, buf.length, decimal === null ? 0 : decimal.charCodeAt(0), exp, fast);
  if (fast.kind === NOT_HANDLED) return false;
  const where = `${JSON.stringify(text)} decimal ${decimal} exp ${exp}`;
  const slow = parseAmount(text, decimal);
  if (slow.kind === 'error') expect(fast.kind, where).toBe(ERROR);
  else if (slow.kind === 'ambiguous') {
    expect([fast.kind, fast.minor, fast.alt, String.fromCharCode(fast.sep)], where).toEqual([AMBIGUOUS, decimalToMinor(slow.asGrouping, exp), decimalToMinor(slow.asDecimal, exp), slow.sep]);
  } else {
    const minor = decimalToMinor(slow.text, exp);
    if (minor === null) return false;
    expect([fast.kind, fast.minor, fast.sep ? String.fromCharCode(fast.sep) : null], where).toEqual([OK, minor, slow.decimalSep]);
  }
  return true;
}

describe('fast value parsing', () => {
  it('computes the same day as dayFromYmd for every date from 1999 to 2031 and rejects what does not exist', () => {
    for (let y = 1999; y <= 2031; y++) {
      for (let m = 1; m <= 12; m++) for (let d = 1; d <= 31; d++) expect(civilDay(y, m, d)).toBe(dayFromYmd(y, m, d) ?? NO_DAY);
    }
    // The table of year starts, over its whole range: the days around each year's end and February.
    for (let y = 1000; y <= 9999; y++) {
      for (const [m, d] of [[1, 1], [2, 28], [2, 29], [3, 1], [12, 31]] as const) expect(civilDay(y, m, d)).toBe(dayFromYmd(y, m, d) ?? NO_DAY);
    }
    expect(civilDay(10000, 1, 1)).toBe(NO_DAY);
    expect(civilDay(1900, 2, 29)).toBe(NO_DAY);
    expect(civilDay(2000, 2, 29)).toBe(dayFromYmd(2000, 2, 29));
    expect(civilDay(999, 1, 1)).toBe(NO_DAY);
    expect(civilDay(2024, 13, 1)).toBe(NO_DAY);
  });

  it('reads dates like parseDate, under every --date-order', () => {
    const fixed = ['2024-01-31', '2024/02/29', '2023.02.29', '2024-13-01', '31/01/2024', '1/2/2024', '03/04/2024', '12/12/2024', '13/13/2024', '5-6-2024', '05.06.2024', ' 31/01/2024 ', '0/1/2024', '1/0/2024', '2024-1-31', '31/01/24', '31/1/2024 10:00', '2024-01-31T10:00'];
    let handled = 0;
    for (const t of fixed) for (const [code, order] of ORDERS) if (expectSameDate(t, code, order)) handled++;
    const rand = prng(7);
    const nums = ['0', '1', '2', '9', '02', '09', '12', '13', '29', '30', '31', '32', '2024', '1999', '0999', '2023', '2000', '1900'];
    const seps = ['/', '/', '-', '.', ' ', 'x'];
    const pick = <T,>(l: readonly T[]): T => l[Math.floor(rand() * l.length)]!;
    for (let i = 0; i < 20_000; i++) {
      const t = rand() < 0.05 ? `${pick(nums)}${pick(seps)}${pick(nums)}` : `${pick(nums)}${pick(seps)}${pick(nums)}${pick(seps)}${pick(nums)}`;
      const [code, order] = ORDERS[i % 4]!;
      if (expectSameDate(t, code, order)) handled++;
    }
    expect(handled).toBeGreaterThan(800);
  });

  it('reads amounts like parseAmount + decimalToMinor, for exponents 0, 2 and 3 and with --decimal', () => {
    const fixed = ['1234.56', '1,234.56', '1.234,56', '1,234', '1.234', '12,345,678', '1.234.567', '(400.00)', '-75.5', '-(5)', '(-5)', '0.105', '1.005', ',5', '1,', '12,34,56', '1.2.3,4', '007', '-0', '123456789012345', '1234567890123456789', '1,234.5678', '  99.99 '];
    let handled = 0;
    for (const t of fixed) for (const decimal of [null, ',', '.'] as const) for (const exp of [0, 2, 3]) if (expectSameAmount(t, decimal, exp)) handled++;
    const rand = prng(11);
    const pieces = ['0', '1', '5', '9', '12', '123', '999', '1000', '.', ',', '-', '(', ')', ' '];
    for (let i = 0; i < 30_000; i++) {
      const n = 1 + Math.floor(rand() * 7);
      let t = '';
      for (let k = 0; k < n; k++) t += pieces[Math.floor(rand() * pieces.length)];
      const decimal = ([null, null, ',', '.'] as const)[i % 4]!;
      if (expectSameAmount(t, decimal, [0, 2, 2, 3][i % 4]!)) handled++;
    }
    expect(handled).toBeGreaterThan(5000);
  });
});
