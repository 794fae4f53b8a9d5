// Small builders for tests: invoices inline, dates as ISO text.
import { parseIsoDay, type Day } from '../src/core/dates.js';
import type { Invoice } from '../src/core/ledger.js';

export function day(iso: string): Day {
  const d = parseIsoDay(iso);
  if (d === null) throw new Error(`bad test date ${iso}`);
  return d;
}

let row = 1;

export interface InvoiceSpec {
  customer?: string;
  customerId?: string | null;
  invoice?: string;
  currency?: string;
  date?: string | null;
  due: string;
  /** open amount in minor units */
  open: number;
  amount?: number;
  paidDate?: string | null;
  paidByStatus?: boolean;
  disputed?: boolean;
  email?: string | null;
}

export function inv(spec: InvoiceSpec): Invoice {
  row += 1;
  const customer = spec.customer ?? 'Acme S.A.';
  return {
    customerKey: spec.customerId ? `id:${spec.customerId}` : `name:${customer.toLowerCase()}`,
    customer,
    customerId: spec.customerId ?? null,
    invoice: spec.invoice ?? `F-${row}`,
    currency: spec.currency ?? 'MXN',
    invoiceDate: spec.date === undefined ? null : spec.date === null ? null : day(spec.date),
    dueDate: day(spec.due),
    amount: spec.amount ?? spec.open,
    open: spec.open,
    paidDate: spec.paidDate ? day(spec.paidDate) : null,
    paidByStatus: spec.paidByStatus ?? false,
    disputed: spec.disputed ?? false,
    email: spec.email ?? null,
    phone: null,
    contact: null,
    salesRep: null,
    language: null,
    segment: null,
    source: { file: 'test.csv', sheet: null, row },
  };
}
