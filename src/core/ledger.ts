// The ledger data model: what a reader produces and the aging core consumes. Readonly data, no
// behaviour beyond small pure helpers. Money in minor units, dates as Days (see money.ts, dates.ts).
import type { Day } from './dates.js';
import type { Minor } from './money.js';

/** Contact and grouping details carried from the ledger to reports and letters. */
export interface ContactInfo {
  readonly email: string | null;
  readonly phone: string | null;
  readonly contact: string | null;
  readonly salesRep: string | null;
  readonly language: string | null;
  readonly segment: string | null;
}

/** Where a value came from: for messages that point at the cell. */
export interface SourceRef {
  readonly file: string;
  readonly sheet: string | null;
  /** 1-based row number as the spreadsheet shows it (CSV: the record's line number). */
  readonly row: number;
}

/** One receivable item: an invoice, one instalment of an invoice, or a credit (negative open). */
export interface Invoice extends ContactInfo {
  /** Grouping key: the customer id when present and not generic, else the normalized name. */
  readonly customerKey: string;
  readonly customer: string;
  readonly customerId: string | null;
  /** Invoice number as text: leading zeros matter. */
  readonly invoice: string;
  readonly currency: string;
  readonly invoiceDate: Day | null;
  readonly dueDate: Day;
  /** The invoice total (for a credit: negative). When the export gives only a balance: that balance. */
  readonly amount: Minor;
  /** Open amount as exported (balance, or amount − paid). */
  readonly open: Minor;
  /** Date the invoice was fully settled, if the export says so. */
  readonly paidDate: Day | null;
  /** Status said paid/pagada but gave no date: closed at any as-of. */
  readonly paidByStatus: boolean;
  readonly disputed: boolean;
  /** Ledger column promiseDate: the customer promised to pay by this date. */
  readonly promiseDate?: Day | null;
  /** Ledger column noDunning: truthy → no letters for this customer. */
  readonly noDunning?: boolean;
  /** The value of the `--group-by` column for this row, when grouping was asked for. */
  readonly group?: string | null;
  readonly source: SourceRef;
}

export type Basis = 'due' | 'invoice';

/** The open amount of an item on the as-of date, or null when it is not a receivable then. */
export function openAsOf(inv: Invoice, asOf: Day): Minor | null {
  const issued = inv.invoiceDate ?? inv.dueDate;
  if (issued > asOf && inv.invoiceDate !== null) return null; // not yet issued on that date
  if (inv.invoiceDate === null && inv.open < 0 && inv.dueDate > asOf) return null; // credit not yet issued
  if (inv.paidDate !== null) {
    // Settled after as-of: it was open then. The paid/balance columns describe the export's
    // date, so the item reopens at its full amount.
    return inv.paidDate <= asOf ? null : inv.amount;
  }
  if (inv.paidByStatus) return null;
  return inv.open === 0 ? null : inv.open;
}
