// Applying a payments sheet (--payments FILE) to the ledger on the as-of date. Payments dated
// after as-of are not applied. A payment names its invoice (and, when the sheet has one, its
// customer); it settles that invoice's instalments oldest due date first. What is left over, or
// a payment that names no invoice of the ledger but a customer, stays as an unapplied payment:
// a credit that reduces the customer's balance and is shown as such. Pure.
import type { Day } from './dates.js';
import type { Invoice } from './ledger.js';
import type { Minor } from './money.js';

export interface Payment {
  /** Customer key when the sheet names the customer, else null. */
  readonly customerKey: string | null;
  readonly customer: string | null;
  readonly invoice: string | null;
  readonly date: Day;
  /** Positive amount paid, minor units. */
  readonly amount: Minor;
  /** Currency when the sheet says; null means "the invoice's". */
  readonly currency: string | null;
  readonly row: number;
}

export interface PaymentProblem {
  readonly payment: Payment;
  readonly message: string;
}

export interface AppliedPayments {
  /** The ledger items with payments applied (open reduced), plus unapplied payments as credits. */
  readonly items: readonly Invoice[];
  readonly applied: number;
  readonly unapplied: number;
  /** Payments that could not be placed at all (no such invoice and no customer, several candidates…). */
  readonly problems: readonly PaymentProblem[];
}

/** The label of an unapplied payment shown where an invoice number would be. */
export const UNAPPLIED_LABEL = 'unapplied payment';

/**
 * With a payments sheet, the sheet is the record of payments: every invoice starts at its total
 * (`amount`) and the ledger's paid, balance and paid-date columns are not used, so nothing is
 * counted twice and `--as-of` applies to each payment by its own date.
 */
export function applyPayments(ledger: readonly Invoice[], payments: readonly Payment[], asOf: Day, file: string): AppliedPayments {
  const items: Invoice[] = ledger.map((i) => ({ ...i, open: i.amount, paidDate: null, paidByStatus: false }));
  const open = new Map<Invoice, Minor>(items.map((i) => [i, i.open]));
  const byNumber = new Map<string, Invoice[]>();
  for (const i of items) byNumber.set(i.invoice, [...(byNumber.get(i.invoice) ?? []), i]);
  const credits: Invoice[] = [];
  const problems: PaymentProblem[] = [];
  let applied = 0;
  let unapplied = 0;
  for (const p of [...payments].sort((a, b) => a.date - b.date || a.row - b.row)) {
    if (p.date > asOf) continue;
    let candidates = p.invoice === null ? [] : (byNumber.get(p.invoice) ?? []);
    if (p.customerKey !== null) candidates = candidates.filter((i) => i.customerKey === p.customerKey);
    if (p.currency !== null) candidates = candidates.filter((i) => i.currency === p.currency);
    const customers = new Set(candidates.map((i) => `${i.customerKey}\u0000${i.currency}`));
    if (customers.size > 1) {
      problems.push({ payment: p, message: `invoice ${p.invoice} belongs to ${customers.size} customers; add a customer column to the payments sheet` });
      continue;
    }
    let left = p.amount;
    // Instalments of the invoice, oldest due date first.
    for (const inv of [...candidates].sort((a, b) => a.dueDate - b.dueDate)) {
      const due = open.get(inv)!;
      if (left <= 0 || due <= 0) continue;
      const take = Math.min(due, left);
      open.set(inv, due - take);
      left -= take;
    }
    if (left < p.amount) applied++;
    if (left === 0) continue;
    const owner = candidates[0];
    const customerKey = owner?.customerKey ?? p.customerKey;
    if (customerKey === null) {
      problems.push({ payment: p, message: p.invoice === null ? 'names no customer' : `invoice ${p.invoice} is not in the ledger and the payment names no customer` });
      continue;
    }
    unapplied++;
    const template = owner ?? items.find((i) => i.customerKey === customerKey);
    credits.push({
      ...(template ?? emptyContact()),
      customerKey,
      customer: template?.customer ?? p.customer ?? customerKey,
      customerId: template?.customerId ?? null,
      invoice: p.invoice ? `${UNAPPLIED_LABEL} (${p.invoice})` : UNAPPLIED_LABEL,
      currency: p.currency ?? template?.currency ?? 'XXX',
      invoiceDate: p.date,
      dueDate: p.date,
      amount: -left,
      open: -left,
      paidDate: null,
      paidByStatus: false,
      disputed: false,
      source: { file, sheet: null, row: p.row },
    });
  }
  // A fully paid invoice is simply closed: open 0 is not an item (openAsOf drops it).
  const adjusted = items.map((i) => (open.get(i) === i.open ? i : { ...i, open: open.get(i)! }));
  return { items: [...adjusted, ...credits], applied, unapplied, problems };
}

function emptyContact() {
  return { email: null, phone: null, contact: null, salesRep: null, language: null, segment: null };
}
