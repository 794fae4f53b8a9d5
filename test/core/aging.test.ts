import { describe, expect, it } from 'vitest';
import { ageLedger, bucketIndex, bucketLabels, criticalOnly, type AgingOptions } from '../../src/core/aging.js';
import { day, inv } from '../helpers.js';

const asOf = day('2024-05-31');
const opts: AgingOptions = { asOf, basis: 'due', bounds: [30, 60, 90], criticalDays: 90 };

describe('bucket boundaries', () => {
  // Days counted by hand from 2024-05-31 (May has 31 days, April 30, March 31).
  const cases: [string, number, string][] = [
    ['2024-06-01', -1, 'current'],
    ['2024-05-31', 0, 'current'], // due today is not late
    ['2024-05-30', 1, '1-30'],
    ['2024-05-01', 30, '1-30'],
    ['2024-04-30', 31, '31-60'],
    ['2024-04-01', 60, '31-60'],
    ['2024-03-31', 61, '61-90'],
    ['2024-03-02', 90, '61-90'],
    ['2024-03-01', 91, '90+'],
  ];
  for (const [due, days, label] of cases) {
    it(`an invoice due ${due} is ${days} days overdue on 2024-05-31 and sits in ${label}`, () => {
      const report = ageLedger([inv({ due, open: 10000 })], opts);
      const c = report.customers[0]!;
      const idx = report.bucketLabels.indexOf(label);
      expect(c.items[0]!.daysOverdue).toBe(days);
      expect(c.buckets[idx]).toBe(10000);
      expect(c.buckets.reduce((a, b) => a + b, 0)).toBe(10000);
      expect(c.critical).toBe(days >= 91);
    });
  }

  it('counts the leap day: from 2024-02-28 to 2024-03-01 is 2 days', () => {
    const r = ageLedger([inv({ due: '2024-02-28', open: 1 })], { ...opts, asOf: day('2024-03-01') });
    expect(r.customers[0]!.oldestDaysOverdue).toBe(2);
  });

  it('counts month ends by calendar: 2023-01-31 to 2023-03-01 is 29 days', () => {
    const r = ageLedger([inv({ due: '2023-01-31', open: 1 })], { ...opts, asOf: day('2023-03-01') });
    expect(r.customers[0]!.oldestDaysOverdue).toBe(29);
  });

  it('is not fooled by a daylight-saving change: 2024-03-01 to 2024-05-30 is 90 days, not 89', () => {
    const r = ageLedger([inv({ due: '2024-03-01', open: 1 })], { ...opts, asOf: day('2024-05-30') });
    expect(r.customers[0]!.oldestDaysOverdue).toBe(90);
    expect(r.customers[0]!.critical).toBe(false);
  });
});

describe('bucket labels', () => {
  it('labels the default buckets as the spec shows', () => {
    expect(bucketLabels([30, 60, 90])).toEqual(['current', '1-30', '31-60', '61-90', '90+']);
  });
  it('labels custom buckets 30,60,90,120', () => {
    expect(bucketLabels([30, 60, 90, 120])).toEqual(['current', '1-30', '31-60', '61-90', '91-120', '120+']);
  });
  it('places day 120 in 91-120 and day 121 in 120+', () => {
    expect(bucketIndex(120, [30, 60, 90, 120])).toBe(4);
    expect(bucketIndex(121, [30, 60, 90, 120])).toBe(5);
  });
});

describe('custom buckets and critical', () => {
  it('keeps critical at criticalDays whatever the buckets: 95 days with 30,60,90,120 is in 91-120 and critical', () => {
    const r = ageLedger([inv({ due: '2024-02-26', open: 500 })], { ...opts, bounds: [30, 60, 90, 120] });
    const c = r.customers[0]!;
    expect(c.items[0]!.daysOverdue).toBe(95);
    expect(r.bucketLabels[c.items[0]!.bucket]).toBe('91-120');
    expect(c.critical).toBe(true);
    expect(c.criticalAmount).toBe(500);
  });
});

describe('basis invoice', () => {
  it('ages from the invoice date: issued 2024-04-15, due 2024-05-15 → 46 days, 31-60', () => {
    const item = inv({ date: '2024-04-15', due: '2024-05-15', open: 700 });
    const byDue = ageLedger([item], opts).customers[0]!;
    const byInvoice = ageLedger([item], { ...opts, basis: 'invoice' }).customers[0]!;
    expect(byDue.buckets).toEqual([0, 700, 0, 0, 0]);
    expect(byInvoice.buckets).toEqual([0, 0, 700, 0, 0]);
    // Days overdue stay days past the due date.
    expect(byInvoice.oldestDaysOverdue).toBe(16);
  });
});

describe('credits', () => {
  it('reduce the balance in the bucket of their own date but are never overdue or critical', () => {
    const r = ageLedger(
      [
        inv({ customer: 'Beta', due: '2024-05-20', open: 40000 }), // 11 days: 1-30
        inv({ customer: 'Beta', invoice: 'NC-1', due: '2024-01-10', open: -15000 }), // 142 days, but a credit
      ],
      opts,
    );
    const c = r.customers[0]!;
    expect(c.balance).toBe(25000);
    expect(c.buckets).toEqual([0, 40000, 0, 0, -15000]);
    expect(c.oldestDaysOverdue).toBe(11);
    expect(c.critical).toBe(false);
    expect(c.criticalAmount).toBe(0);
  });

  it('gives oldestDaysOverdue null when only credits are past due', () => {
    const r = ageLedger([inv({ due: '2024-01-10', open: -100 }), inv({ due: '2024-06-30', open: 300 })], opts);
    expect(r.customers[0]!.oldestDaysOverdue).toBeNull();
  });
});

describe('currencies', () => {
  it('gives a customer one entry per currency and never sums currencies in the totals', () => {
    const r = ageLedger(
      [
        inv({ customer: 'Gamma', due: '2024-05-01', open: 100000, currency: 'MXN' }),
        inv({ customer: 'Gamma', due: '2024-05-01', open: 5000, currency: 'USD' }),
        inv({ customer: 'Delta', due: '2024-02-01', open: 20000, currency: 'MXN' }),
      ],
      opts,
    );
    expect(r.customers.map((c) => `${c.customer}/${c.currency}`)).toEqual(['Delta/MXN', 'Gamma/MXN', 'Gamma/USD']);
    expect(r.totals).toEqual([
      { currency: 'MXN', balance: 120000, buckets: [0, 100000, 0, 0, 20000], customers: 2, criticalCustomers: 1, criticalAmount: 20000 },
      { currency: 'USD', balance: 5000, buckets: [0, 5000, 0, 0, 0], customers: 1, criticalCustomers: 0, criticalAmount: 0 },
    ]);
  });
});

describe('order', () => {
  it('puts critical customers first, then by balance descending, ties by name', () => {
    const r = ageLedger(
      [
        inv({ customer: 'Zeta', due: '2024-05-30', open: 900 }),
        inv({ customer: 'Alfa', due: '2024-05-30', open: 900 }),
        inv({ customer: 'Omega', due: '2024-05-30', open: 5000 }),
        inv({ customer: 'Small critical', due: '2023-12-01', open: 1 }),
      ],
      opts,
    );
    expect(r.customers.map((c) => c.customer)).toEqual(['Small critical', 'Omega', 'Alfa', 'Zeta']);
  });

  it('critical-only keeps critical customers and recomputes totals over them', () => {
    const r = criticalOnly(ageLedger([inv({ customer: 'A', due: '2024-01-01', open: 300 }), inv({ customer: 'B', due: '2024-05-30', open: 700 })], opts));
    expect(r.customers.map((c) => c.customer)).toEqual(['A']);
    expect(r.totals[0]!.balance).toBe(300);
  });
});

describe('as-of in the past', () => {
  const asOfMarch = { ...opts, asOf: day('2024-03-31') };
  it('ignores invoices dated after the as-of date', () => {
    const r = ageLedger([inv({ date: '2024-04-02', due: '2024-05-02', open: 100 })], asOfMarch);
    expect(r.customers).toEqual([]);
  });
  it('does not apply payments dated after the as-of date: the invoice is open for its full amount', () => {
    const r = ageLedger([inv({ date: '2024-01-10', due: '2024-02-09', open: 0, amount: 2500, paidDate: '2024-04-15' })], asOfMarch);
    expect(r.customers[0]!.balance).toBe(2500);
    expect(r.customers[0]!.oldestDaysOverdue).toBe(51);
  });
  it('closes an invoice paid on or before the as-of date', () => {
    const r = ageLedger([inv({ date: '2024-01-10', due: '2024-02-09', open: 0, amount: 2500, paidDate: '2024-03-31' })], asOfMarch);
    expect(r.customers).toEqual([]);
  });
  it('closes an invoice whose status says paid without a date', () => {
    const r = ageLedger([inv({ due: '2024-02-09', open: 2500, paidByStatus: true })], asOfMarch);
    expect(r.customers).toEqual([]);
  });
});

describe('exact money', () => {
  it('sums 10,000 invoices of 0.10 to exactly 1,000.00', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => inv({ invoice: `X${i}`, due: '2024-05-15', open: 10 }));
    const r = ageLedger(items, opts);
    expect(r.customers[0]!.balance).toBe(100000);
    expect(r.totals[0]!.buckets[1]).toBe(100000);
  });
});
