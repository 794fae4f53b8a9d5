import { describe, expect, it } from 'vitest';
import { ageLedger } from '../../src/core/aging.js';
import { averageDaysLate, countbackDso, currencyMetrics } from '../../src/core/metrics.js';
import { day, inv } from '../helpers.js';

describe('DSO, countback method', () => {
  it('uses up the balance month by month: 150,000 owed, March sales 100,000, February 100,000 → 31 + 29 × ½ = 45.5 days', () => {
    const sales = new Map([[day('2024-03-01'), 10_000_000], [day('2024-02-01'), 10_000_000]]);
    expect(countbackDso(15_000_000, sales, day('2024-03-31'))).toBe(45.5);
  });
  it('counts a partial current month: as of 2024-03-15, March sales 60,000 cover 30,000 owed → 15 × ½ = 7.5 days', () => {
    expect(countbackDso(3_000_000, new Map([[day('2024-03-01'), 6_000_000]]), day('2024-03-15'))).toBe(7.5);
  });
  it('is null when nothing is owed', () => {
    expect(countbackDso(0, new Map(), day('2024-03-31'))).toBeNull();
  });
});

describe('average days late and CEI', () => {
  // Period: the 30 days ending 2024-03-31 (from 2024-03-02). Worked by hand:
  //  A-1 10,000 due 2024-02-15, paid 2024-03-10 → 24 days late; open at the start (2024-03-01), collected in the period.
  //  A-2  5,000 issued 2024-03-05 due 2024-04-04 → a sale of the period, still current at the end.
  //  A-3  3,000 due 2024-02-20, never paid → open at start and end, overdue.
  //  A-4  2,000 due 2024-01-10, paid 2024-01-20 → 10 days late; closed before the period.
  // Beginning AR = 10,000 + 3,000 = 13,000; sales = 5,000; ending AR = 8,000; ending current = 5,000.
  // CEI = (13,000 + 5,000 − 8,000) / (13,000 + 5,000 − 5,000) = 10,000 / 13,000 = 76.9 %.
  // Days late (amount-weighted over settled invoices): (10,000 × 24 + 2,000 × 10) / 12,000 = 21.7.
  const items = [
    inv({ customer: 'A', invoice: 'A-1', date: '2024-01-16', due: '2024-02-15', open: 0, amount: 1_000_000, paidDate: '2024-03-10' }),
    inv({ customer: 'A', invoice: 'A-2', date: '2024-03-05', due: '2024-04-04', open: 500_000 }),
    inv({ customer: 'A', invoice: 'A-3', date: '2024-01-21', due: '2024-02-20', open: 300_000 }),
    inv({ customer: 'A', invoice: 'A-4', date: '2023-12-11', due: '2024-01-10', open: 0, amount: 200_000, paidDate: '2024-01-20' }),
  ];
  const asOf = day('2024-03-31');
  const report = ageLedger(items, { asOf, basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
  it('computes the collection effectiveness index of the period', () => {
    const [m] = currencyMetrics(items, report, { asOf, criticalDays: 90, periodDays: 30, hasPaidDates: true });
    expect(m!.cei).toBe(76.9);
    expect(m!.atRiskRate).toBe(0);
  });
  it('weights days late by amount', () => {
    expect(averageDaysLate(items, asOf).get(report.customers[0]!.id)).toBe(21.7);
  });
  it('gives no CEI and no DSO without paid dates', () => {
    const [m] = currencyMetrics(items, report, { asOf, criticalDays: 90, periodDays: 30, hasPaidDates: false });
    expect(m!.cei).toBeNull();
    expect(m!.dso).toBeNull();
  });
});
