import { describe, expect, test } from 'vitest';
import type { CurrencyTotals } from '../../src/core/aging.js';
import { formatCriticalShare, summaryLine, summaryLines } from '../../src/render/summary.js';
import { sampleReport } from './fixture.js';

const NBSP = '\u00a0';

function totals(p: Partial<CurrencyTotals>): CurrencyTotals {
  return { currency: 'MXN', balance: 0, buckets: [], customers: 0, criticalCustomers: 0, criticalAmount: 0, ...p };
}

describe('summary line', () => {
  test('the example of the brief reads as written in English', () => {
    const t = totals({ balance: 123456789, customers: 38, criticalCustomers: 5, criticalAmount: 12345600 });
    // 123,456.00 / 1,234,567.89 = 0.099999... → 10.0%
    expect(summaryLine(t, 'en', 'en-US')).toBe(
      'MXN: 38 customers · open 1,234,567.89 · critical 123,456.00 (10.0%) in 5 customers',
    );
  });

  test('reads in Spanish with es-ES digits', () => {
    const t = totals({ balance: 123456789, customers: 38, criticalCustomers: 5, criticalAmount: 12345600 });
    expect(summaryLine(t, 'es', 'es-ES')).toBe(
      `MXN: 38 clientes · saldo 1.234.567,89 · crítico 123.456,00 (10,0${NBSP}%) en 5 clientes`,
    );
  });

  test('says "1 customer" in the singular', () => {
    const t = totals({ balance: 1000, customers: 1, criticalCustomers: 1, criticalAmount: 500 });
    expect(summaryLine(t, 'en', 'en-US')).toBe('MXN: 1 customer · open 10.00 · critical 5.00 (50.0%) in 1 customer');
    expect(summaryLine(t, 'es', 'es-MX')).toBe('MXN: 1 cliente · saldo 10.00 · crítico 5.00 (50.0%) en 1 cliente');
  });

  test('says so when no customer is critical', () => {
    const t = totals({ currency: 'USD', balance: 250000, customers: 3 });
    expect(summaryLine(t, 'en', 'en-US')).toBe('USD: 3 customers · open 2,500.00 · no critical customers');
    expect(summaryLine(t, 'es', 'es-MX')).toBe('USD: 3 clientes · saldo 2,500.00 · sin clientes críticos');
  });

  test('shows a dash instead of a share when credits leave the balance at or below zero', () => {
    expect(formatCriticalShare({ balance: 0, criticalAmount: 100 }, 'en-US')).toBe('–');
    expect(formatCriticalShare({ balance: -1, criticalAmount: 100 }, 'en-US')).toBe('–');
  });

  test('one line per currency, in the order of the totals', () => {
    expect(summaryLines(sampleReport(), 'en', 'en-US')).toEqual([
      'KWD: 1 customer · open 1,234.567 · critical 1,234.567 (100.0%) in 1 customer',
      // 1,000.00 of 6,034.50 = 16.57 %
      'MXN: 2 customers · open 6,034.50 · critical 1,000.00 (16.6%) in 1 customer',
      // 10.00 + 0.50 − 1,234.56 = −1,224.06: no share
      'USD: 3 customers · open -1,224.06 · critical 0.50 (–) in 1 customer',
    ]);
  });
});
