import { describe, expect, it } from 'vitest';
import { ageLedger } from '../../src/core/aging.js';
import { applyPayments, type Payment } from '../../src/core/payments.js';
import { day, inv } from '../helpers.js';

const pay = (over: Partial<Payment> & { date: string; amount: number }): Payment => ({
  customerKey: null, customer: null, invoice: null, currency: null, row: 2, ...over, date: day(over.date),
});

describe('applying a payments sheet', () => {
  const ledger = [
    inv({ customer: 'Acme', invoice: 'F-1', due: '2024-01-31', open: 0, amount: 100000 }), // the ledger says paid: ignored with --payments
    inv({ customer: 'Acme', invoice: 'F-2', due: '2024-03-02', open: 50000 }),
    inv({ customer: 'Beta', invoice: 'B-1', due: '2024-01-31', open: 30000 }),
  ];
  const payments = [
    pay({ invoice: 'F-1', date: '2024-03-15', amount: 40000 }),
    pay({ invoice: 'F-1', date: '2024-04-15', amount: 60000 }), // after as-of: not applied
    pay({ invoice: 'B-1', date: '2024-02-01', amount: 35000 }), // 50.00 more than owed: unapplied
  ];
  it('applies payments dated on or before as-of, starting from the invoice totals, and keeps the excess as an unapplied credit', () => {
    const r = applyPayments(ledger, payments, day('2024-03-31'), 'p.csv');
    expect(r.applied).toBe(2);
    expect(r.unapplied).toBe(1);
    const report = ageLedger(r.items, { asOf: day('2024-03-31'), basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
    const acme = report.customers.find((c) => c.customer === 'Acme')!;
    // F-1: 1,000.00 − 400.00 = 600.00, due 2024-01-31 → 60 days (31-60); F-2: 500.00 due 2024-03-02 → 29 days (1-30).
    expect(acme.buckets).toEqual([0, 50000, 60000, 0, 0]);
    const beta = report.customers.find((c) => c.customer === 'Beta')!;
    // B-1 settled; the 50.00 excess is a credit dated 2024-02-01 → 59 days (31-60).
    expect(beta.balance).toBe(-5000);
    expect(beta.items.map((a) => a.item.invoice)).toEqual(['unapplied payment (B-1)']);
  });
  it('closes the invoice when the later payment is inside the as-of date', () => {
    const r = applyPayments(ledger, payments, day('2024-04-30'), 'p.csv');
    const report = ageLedger(r.items, { asOf: day('2024-04-30'), basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
    expect(report.customers.find((c) => c.customer === 'Acme')!.items.map((a) => a.item.invoice)).toEqual(['F-2']);
  });
  it('settles instalments oldest due date first', () => {
    const inst = [inv({ customer: 'C', invoice: 'I-1', due: '2024-02-29', open: 1000 }), inv({ customer: 'C', invoice: 'I-1', due: '2024-01-31', open: 1000 })];
    const r = applyPayments(inst, [pay({ invoice: 'I-1', date: '2024-02-01', amount: 1500 })], day('2024-03-31'), 'p.csv');
    expect(r.items.map((i) => i.open)).toEqual([500, 0]);
  });
  it('refuses to guess when an invoice number belongs to two customers and the sheet names none', () => {
    const twins = [inv({ customer: 'A', invoice: '100', due: '2024-01-31', open: 1 }), inv({ customer: 'B', invoice: '100', due: '2024-01-31', open: 1 })];
    const r = applyPayments(twins, [pay({ invoice: '100', date: '2024-02-01', amount: 1 })], day('2024-03-31'), 'p.csv');
    expect(r.problems[0]!.message).toMatch(/belongs to 2 customers/);
    expect(r.items.map((i) => i.open)).toEqual([1, 1]);
  });
  it('reports a payment for an unknown invoice with no customer', () => {
    const r = applyPayments(ledger, [pay({ invoice: 'ZZ', date: '2024-02-01', amount: 1 })], day('2024-03-31'), 'p.csv');
    expect(r.problems[0]!.message).toMatch(/not in the ledger/);
  });
});
