// A small aging report shared by the renderer tests, built through the real core (ageLedger)
// from hand-written invoices. As of 2024-05-31, buckets 30/60/90, critical after 90 days:
//
//   customer              cur  item  due         days  open        bucket  → balance / critical
//   Kuwait Trading        KWD  K1    2024-02-01   120  1,234.567   90+     1,234.567, critical 1,234.567
//   Acme S.A.             MXN  A1    2024-01-15   137  1,000.00    90+     1,234.50, critical 1,000.00
//                              A2    2024-05-01    30    234.50    1-30
//   -Cliente              USD  C1    2024-03-01    91      0.50    90+     0.50, critical 0.50
//   Beta | Tubos          MXN  B1    2024-06-15   -15  5,000.00    current 4,800.00, not critical
//                              B2    2024-04-01    60   -200.00    31-60   (a credit: never overdue)
//   =HYPERLINK("x")       USD  H1    2024-05-21    10     10.00    1-30    10.00
//   @x                    USD  X1    2024-05-31     0 -1,234.56    current -1,234.56 (credit only)
//
// Report order: critical first, then balance (minor units) descending:
//   Kuwait (1234567), Acme (123450), -Cliente (50), Beta (480000), =HYPERLINK (1000), @x (-123456).
// Totals by balance descending: KWD 1,234.567; MXN 6,034.50; USD -1,224.06.
import { ageLedger, type AgingReport } from '../../src/core/aging.js';
import { parseIsoDay, type Day } from '../../src/core/dates.js';
import type { Invoice } from '../../src/core/ledger.js';

export function day(iso: string): Day {
  const d = parseIsoDay(iso);
  if (d === null) throw new Error(`bad test date ${iso}`);
  return d;
}

let row = 1;

export function invoice(p: {
  customer: string;
  invoice: string;
  due: string;
  open: number;
  currency?: string;
  customerId?: string;
  email?: string;
}): Invoice {
  row += 1;
  return {
    customerKey: p.customerId ?? p.customer.toLowerCase(),
    customer: p.customer,
    customerId: p.customerId ?? null,
    invoice: p.invoice,
    currency: p.currency ?? 'MXN',
    invoiceDate: null,
    dueDate: day(p.due),
    amount: p.open,
    open: p.open,
    paidDate: null,
    paidByStatus: false,
    disputed: false,
    email: p.email ?? null,
    phone: null,
    contact: null,
    salesRep: null,
    language: null,
    segment: null,
    source: { file: 'test.csv', sheet: null, row },
  };
}

export const AS_OF = '2024-05-31';

export function report(items: readonly Invoice[], asOf = AS_OF): AgingReport {
  return ageLedger(items, { asOf: day(asOf), basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
}

export function sampleReport(): AgingReport {
  return report([
    invoice({ customer: 'Acme S.A.', customerId: 'ACM010101AB1', email: 'pagos@acme.mx', invoice: 'A1', due: '2024-01-15', open: 100000 }),
    invoice({ customer: 'Acme S.A.', customerId: 'ACM010101AB1', invoice: 'A2', due: '2024-05-01', open: 23450 }),
    invoice({ customer: 'Beta | Tubos', invoice: 'B1', due: '2024-06-15', open: 500000 }),
    invoice({ customer: 'Beta | Tubos', invoice: 'B2', due: '2024-04-01', open: -20000 }),
    invoice({ customer: '=HYPERLINK("x")', invoice: 'H1', due: '2024-05-21', open: 1000, currency: 'USD' }),
    invoice({ customer: '-Cliente', invoice: 'C1', due: '2024-03-01', open: 50, currency: 'USD' }),
    invoice({ customer: '@x', invoice: 'X1', due: '2024-05-31', open: -123456, currency: 'USD' }),
    invoice({ customer: 'Kuwait Trading', invoice: 'K1', due: '2024-02-01', open: 1234567, currency: 'KWD' }),
  ]);
}
