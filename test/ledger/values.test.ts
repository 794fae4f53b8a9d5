import { describe, expect, it } from 'vitest';
import { isoOfDay } from '../../src/core/dates.js';
import { classifyStatus, parseAmount, parseCurrency, parseDate, parseFlag } from '../../src/ledger/values.js';

function amount(s: string, decimal: ',' | '.' | null = null): string {
  const p = parseAmount(s, decimal);
  if (p.kind !== 'ok') throw new Error(`${s}: ${p.kind}`);
  return p.text;
}

function date(s: string, order: 'dmy' | 'mdy' | null = null): string {
  const p = parseDate(s, order);
  if (p.kind !== 'ok') throw new Error(`${s}: ${p.kind}`);
  return isoOfDay(p.day);
}

describe('amounts', () => {
  it('reads plain and grouped amounts', () => {
    expect(amount('1234.56')).toBe('1234.56');
    expect(amount('1,234.56')).toBe('1234.56');
    expect(amount('1.234,56')).toBe('1234.56');
    expect(amount('1 234,56')).toBe('1234.56');
    expect(amount('12,345,678.9')).toBe('12345678.9');
    expect(amount('0.10')).toBe('0.10');
    expect(amount(' 500 ')).toBe('500');
  });
  it('reads currency symbols and codes before or after, and negatives in every style', () => {
    expect(amount('$1,234.50')).toBe('1234.50');
    expect(amount('1.234,50 €')).toBe('1234.50');
    expect(amount('MXN 1,000.00')).toBe('1000.00');
    expect(amount('1,000.00 USD')).toBe('1000.00');
    expect(amount('(400.00)')).toBe('-400.00');
    expect(amount('400.00-')).toBe('-400.00');
    expect(amount('-$25.00')).toBe('-25.00');
    expect(amount('$-25.00')).toBe('-25.00');
    expect(amount('1\u00a0234,50\u00a0€')).toBe('1234.50');
  });
  it('leaves "1,234" to the column (thousands or decimals), unless --decimal says', () => {
    const p = parseAmount('1,234');
    expect(p).toMatchObject({ kind: 'ambiguous', asGrouping: '1234', asDecimal: '1.234' });
    expect(amount('1,234', '.')).toBe('1234');
    expect(amount('1,234', ',')).toBe('1.234');
  });
  it('refuses text that is not an amount or has broken grouping', () => {
    expect(parseAmount('abc').kind).toBe('error');
    expect(parseAmount('12,34,56.00').kind).toBe('error');
    expect(parseAmount('1.234,56', '.').kind).toBe('error');
    expect(parseAmount('').kind).toBe('error');
  });
});

describe('dates', () => {
  it('reads ISO, with or without a time', () => {
    expect(date('2024-01-28')).toBe('2024-01-28');
    expect(date('2024-01-28 00:00:00')).toBe('2024-01-28');
    expect(date('2024-01-28T00:00:00Z')).toBe('2024-01-28');
    expect(date('2024/01/28')).toBe('2024-01-28');
  });
  it('reads day-first and month-first dates when one reading is impossible', () => {
    expect(parseDate('28/01/2024')).toMatchObject({ kind: 'ok', proves: 'dmy' });
    expect(date('28/01/2024')).toBe('2024-01-28');
    expect(date('1/28/2024')).toBe('2024-01-28');
    expect(parseDate('1/28/2024')).toMatchObject({ kind: 'ok', proves: 'mdy' });
    expect(date('28.01.2024')).toBe('2024-01-28');
  });
  it('leaves 03/04/2024 ambiguous unless the order is given', () => {
    const p = parseDate('03/04/2024');
    expect(p.kind).toBe('ambiguous');
    expect(date('03/04/2024', 'dmy')).toBe('2024-04-03');
    expect(date('03/04/2024', 'mdy')).toBe('2024-03-04');
    expect(date('05/05/2024')).toBe('2024-05-05');
  });
  it('reads month names in English and Spanish', () => {
    expect(date('Jan 28 2021')).toBe('2021-01-28');
    expect(date('January 28, 2021')).toBe('2021-01-28');
    expect(date('28-ene-2024')).toBe('2024-01-28');
    expect(date('28 de enero de 2024')).toBe('2024-01-28');
    expect(date('5-dic-23')).toBe('2023-12-05');
  });
  it('refuses impossible dates such as 31/02/2024', () => {
    expect(parseDate('31/02/2024').kind).toBe('error');
    expect(parseDate('2024-02-30').kind).toBe('error');
    expect(parseDate('13/13/2024').kind).toBe('error');
    expect(parseDate('soon').kind).toBe('error');
  });
});

describe('flags, statuses and currencies', () => {
  it('reads the disputed column as SPEC §2 lists', () => {
    for (const t of ['yes', 'Sí', 'si', 'TRUE', '1', 'x', 'disputed', 'En disputa', 'reclamada', 'ja', 'oui']) expect(parseFlag(t)).toBe(true);
    for (const t of ['no', 'false', '0', '']) expect(parseFlag(t)).toBe(false);
    expect(parseFlag('maybe')).toBeNull();
  });
  it('classifies statuses in several languages', () => {
    expect(classifyStatus('Draft')).toBe('excluded');
    expect(classifyStatus('Cancelada')).toBe('excluded');
    expect(classifyStatus('storniert')).toBe('excluded');
    expect(classifyStatus('Pagada')).toBe('paid');
    expect(classifyStatus('Vencida')).toBe('open');
    expect(classifyStatus('Whatever')).toBe('unknown');
  });
  it('reads currency codes and symbols', () => {
    expect(parseCurrency('usd', 'MXN')).toBe('USD');
    expect(parseCurrency('€', 'MXN')).toBe('EUR');
    expect(parseCurrency('$', 'MXN')).toBe('MXN');
    expect(parseCurrency('$', 'EUR')).toBeNull();
    expect(parseCurrency('dollars', 'MXN')).toBe('USD');
  });
});

describe('parseAmount on plain cells (the shortcut for "1234.56")', () => {
  it('gives what the full parse gives for the same text with spaces around it', () => {
    const samples: string[] = ['0', '-0', '7', '-80', '0.5', '12.50', '-1234.56', '007.10', '1000000', '99.9', '-3.05'];
    let seed = 7;
    const next = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    for (let i = 0; i < 500; i++) {
      const int = String(next(10 ** (1 + next(8))));
      const frac = next(3) === 0 ? '' : `.${String(next(100)).padStart(2, '0').slice(0, 1 + next(2))}`;
      samples.push(`${next(4) === 0 ? '-' : ''}${int}${frac}`);
    }
    for (const s of samples) {
      for (const decimal of [null, '.'] as const) expect(parseAmount(s, decimal), `${s} ${decimal}`).toEqual(parseAmount(` ${s} `, decimal));
    }
    expect(parseAmount('12.50')).toEqual({ kind: 'ok', text: '12.50', decimalSep: '.' });
    expect(parseAmount('-80')).toEqual({ kind: 'ok', text: '-80', decimalSep: null });
    // Three decimals stay ambiguous; --decimal ',' makes the dot a grouping separator.
    expect(parseAmount('1.234').kind).toBe('ambiguous');
    expect(parseAmount('12.50', ',')).toEqual({ kind: 'error', reason: 'has misplaced thousands or decimal separators' });
  });
});

describe('parseDate on the common cells (the shortcuts for "2024-01-28" and "28/01/2024")', () => {
  it('gives what the full parse gives for the same text with spaces around it, invalid days included', () => {
    const samples = ['2024-01-28', '2024-02-29', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '0999-01-01', '9999-12-31', '2024-1a-01', '2024-01-2x', '20a4-01-01', '2024/01/28'];
    const p2 = (n: number): string => String(n).padStart(2, '0');
    for (let y = 1998; y <= 2031; y += 3) {
      for (let m = 0; m <= 13; m++) {
        for (const d of [0, 1, 12, 15, 28, 29, 30, 31, 32]) {
          samples.push(`${y}-${p2(m)}-${p2(d)}`, `${p2(d)}/${p2(m)}/${y}`, `${p2(m)}.${p2(d)}.${y}`, `${p2(d)}-${p2(m)}-${y}`, `${p2(d)}/${p2(m)}.${y}`);
        }
      }
    }
    samples.push('1a/01/2024', '01/0b/2024', '01/01/20c4', '01/01/0999', '12/12/2024');
    for (const s of samples) {
      for (const order of [null, 'dmy', 'mdy'] as const) expect(parseDate(s, order), `${s} ${order}`).toEqual(parseDate(` ${s} `, order));
    }
    expect(date('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('2023-02-29')).toEqual({ kind: 'error', reason: 'is not a valid date' });
    expect(date('28/01/2024')).toBe('2024-01-28');
    expect(parseDate('05/01/2024').kind).toBe('ambiguous');
    expect(date('05/01/2024', 'mdy')).toBe('2024-05-01');
  });
});
