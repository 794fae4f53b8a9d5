import { describe, expect, it } from 'vitest';
import { ageLedger } from '../../src/core/aging.js';
import { callList } from '../../src/core/calls.js';
import type { PastLetter } from '../../src/core/dunning.js';
import { day, inv } from '../helpers.js';

const asOf = day('2024-05-31');
const age = (items: ReturnType<typeof inv>[]) => ageLedger(items, { asOf, basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });

describe('the call list', () => {
  it('lists critical customers by amount × oldest days, ties broken by amount', () => {
    // A: 1,000.00 at 120 days → 120,000; B: 2,000.00 at 100 days → 200,000; C: 1,500.00 at 80 days, not critical;
    // D: 1,200.00 at 100 days → 120,000, ties with A, larger amount first.
    const report = age([
      inv({ customer: 'A', due: '2024-02-01', open: 100000 }),
      inv({ customer: 'B', due: '2024-02-21', open: 200000 }),
      inv({ customer: 'C', due: '2024-03-12', open: 150000 }),
      inv({ customer: 'D', due: '2024-02-21', open: 120000 }),
    ]);
    const list = callList(report, () => []);
    expect(list.map((e) => [e.customer.customer, e.priority / 100])).toEqual([['B', 200000], ['D', 120000], ['A', 120000]]);
  });
  it('adds customers who got a level-3 letter for invoices still unpaid, and not those who paid them', () => {
    const report = age([inv({ customer: 'C', invoice: 'C-1', due: '2024-03-12', open: 150000 }), inv({ customer: 'E', invoice: 'E-2', due: '2024-03-12', open: 5000 })]);
    const letter = (invoice: string, level: number): PastLetter => ({ key: `k-${invoice}`, asOf: day('2024-05-20'), level, state: 'sent', invoices: [{ invoice, dueDate: day('2024-03-12') }], to: ['x@y.mx'], cycle: `k-${invoice}` });
    const list = callList(report, (c) => (c.customer === 'C' ? [letter('C-1', 3)] : [letter('E-1', 3)]));
    expect(list.map((e) => [e.customer.customer, e.reasons, e.letters.length])).toEqual([['C', ['no-response'], 1]]);
  });
  it('never compares amounts of two currencies: the currency with the larger balance comes first', () => {
    const report = age([
      inv({ customer: 'Small USD', due: '2024-01-01', open: 50000, currency: 'USD' }),
      inv({ customer: 'Big MXN', due: '2024-02-01', open: 900000, currency: 'MXN' }),
      inv({ customer: 'Tiny MXN', due: '2024-02-01', open: 100, currency: 'MXN' }),
    ]);
    expect(callList(report, () => []).map((e) => e.customer.customer)).toEqual(['Big MXN', 'Tiny MXN', 'Small USD']);
  });
});
