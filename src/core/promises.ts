// Promises to pay and holds (issue 8): what the bookkeeper recorded with `dunning promise` and
// `dunning hold` (journal records) or what the ledger says (promiseDate, noDunning columns), and
// what they mean for a customer on the as-of date. Pure: records come in as data.
import type { CustomerAging } from './aging.js';
import type { Day } from './dates.js';
import type { DunnableView } from './dunning.js';
import { currencyExponent, minorToDecimalText, type Minor } from './money.js';

/** A promise to pay, as the command records it (dates as Days here; ISO text in the journal). */
export interface PromiseToPay {
  readonly id: string;
  /** Who: matched against the customer key, id or name (case-insensitive). */
  readonly customer: string;
  readonly customerKey: string | null;
  readonly currency: string | null;
  /** The day the promise was recorded. */
  readonly madeOn: Day;
  readonly until: Day;
  /** Amount promised (minor units of `currency`), or null: "everything overdue". */
  readonly amount: Minor | null;
  /** The customer's open balance when the promise was made (minor units), when known. */
  readonly balanceThen: Minor | null;
  readonly note: string | null;
}

export interface Hold {
  /** Customer (key, id or name) or null when the hold is on one invoice. */
  readonly customer: string | null;
  readonly invoice: string | null;
  readonly until: Day;
  readonly reason: string;
}

export type PromiseState =
  | { readonly kind: 'none' }
  | { readonly kind: 'pending'; readonly promise: PromiseToPay }
  | { readonly kind: 'kept'; readonly promise: PromiseToPay }
  | { readonly kind: 'broken'; readonly promise: PromiseToPay; readonly why: string };

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Whether a recorded name/key/id designates this customer entry. */
export function designates(who: string, c: CustomerAging): boolean {
  const w = fold(who);
  return w === fold(c.customerKey) || w === fold(c.customer) || (c.customerId !== null && w.replace(/[\s.\-_/]/g, '') === fold(c.customerId).replace(/[\s.\-_/]/g, ''));
}

/**
 * The customer's newest promise and whether it is pending (as-of ≤ until), kept or broken. Kept:
 * with an amount, the balance went down by at least that amount since the promise; without one,
 * no invoice that was already overdue when the promise was made is still overdue and unpaid.
 */
export function promiseState(promises: readonly PromiseToPay[], c: CustomerAging, view: DunnableView, asOf: Day): PromiseState {
  const mine = promises.filter((p) => (p.customerKey ? p.customerKey === c.customerKey : designates(p.customer, c)) && (p.currency === null || p.currency === c.currency) && p.madeOn <= asOf);
  const p = mine[mine.length - 1];
  if (!p) return { kind: 'none' };
  if (asOf <= p.until) return { kind: 'pending', promise: p };
  if (p.amount !== null && p.balanceThen !== null) {
    const paid = p.balanceThen - c.balance;
    const exp = currencyExponent(c.currency);
    return paid >= p.amount
      ? { kind: 'kept', promise: p }
      : { kind: 'broken', promise: p, why: `the balance went down by ${minorToDecimalText(Math.max(0, paid), exp)} of the ${minorToDecimalText(p.amount, exp)} promised` };
  }
  const stillOpen = view.dunnable.filter((a) => a.item.dueDate < p.madeOn);
  return stillOpen.length === 0 ? { kind: 'kept', promise: p } : { kind: 'broken', promise: p, why: `${stillOpen.map((a) => a.item.invoice).join(', ')} still unpaid` };
}

/** The active hold on the customer, if any (a hold on one invoice is applied per invoice). */
export function customerHold(holds: readonly Hold[], c: CustomerAging, asOf: Day): Hold | null {
  return holds.find((h) => h.customer !== null && h.invoice === null && asOf <= h.until && designates(h.customer, c)) ?? null;
}

/** Invoice numbers on hold on the as-of date (for this customer, or for any customer when the hold names none). */
export function heldInvoices(holds: readonly Hold[], c: CustomerAging, asOf: Day): Set<string> {
  return new Set(holds.filter((h) => h.invoice !== null && asOf <= h.until && (h.customer === null || designates(h.customer, c))).map((h) => h.invoice!));
}
