// The call list (issue "portfolio at a glance"): customers a person should phone — critical
// accounts (more than criticalDays overdue) and customers who got a level-3+ letter and have not
// paid the invoices it asked for — ordered by priority = amount overdue × oldest days overdue,
// ties broken by amount, currency by currency. Pure: the letters come in as data.
import type { AgingReport, CustomerAging } from './aging.js';
import type { Day } from './dates.js';
import { dunnableView, type DunnableView, type PastLetter } from './dunning.js';
import type { PromiseState } from './promises.js';
import type { Minor } from './money.js';

export interface CallEntry {
  readonly customer: CustomerAging;
  /** Overdue dunnable amount (what a call asks for before credits). */
  readonly overdue: Minor;
  /** Overdue amount minus credits. */
  readonly amountAsked: Minor;
  readonly oldestDays: number;
  readonly priority: number;
  readonly reasons: readonly ('critical' | 'no-response' | 'broken-promise')[];
  /** Letters sent (or of unknown outcome) in the current cycle, oldest first. */
  readonly letters: readonly PastLetter[];
  /** Promise-to-pay date, when one is recorded. */
  readonly promisedDate: Day | null;
}

/** Builds the call list. `lettersOf` gives a customer's past letters, oldest first. */
export function callList(
  report: AgingReport,
  lettersOf: (c: CustomerAging) => readonly PastLetter[],
  promiseOf: (c: CustomerAging, view: DunnableView) => PromiseState = () => ({ kind: 'none' }),
  minLevel = 3,
): CallEntry[] {
  const out: CallEntry[] = [];
  for (const c of report.customers) {
    const view = dunnableView(c);
    const promise = promiseOf(c, view);
    if (view.dunnable.length === 0 || view.oldestDunnableDays === null) continue;
    const letters = lettersOf(c).filter((l) => l.state === 'sent' || l.state === 'unknown');
    const open = new Set(view.dunnable.map((a) => `${a.item.invoice}\u0000${a.item.dueDate}`));
    const unanswered = letters.some((l) => l.level >= minLevel && l.invoices.some((i) => open.has(`${i.invoice}\u0000${i.dueDate}`)));
    const critical = view.oldestDunnableDays > report.criticalDays;
    const broken = promise.kind === 'broken';
    if (!critical && !unanswered && !broken) continue;
    const overdue = view.dunnable.reduce((s, a) => s + a.open, 0);
    const last = letters[letters.length - 1];
    const cycle = last?.cycle ?? null;
    out.push({
      customer: c,
      overdue,
      amountAsked: view.amountAsked,
      oldestDays: view.oldestDunnableDays,
      priority: overdue * view.oldestDunnableDays,
      reasons: [...(critical ? (['critical'] as const) : []), ...(unanswered ? (['no-response'] as const) : []), ...(broken ? (['broken-promise'] as const) : [])],
      letters: cycle === null ? [] : letters.filter((l) => l.cycle === cycle),
      promisedDate: promise.kind === 'none' ? null : promise.promise.until,
    });
  }
  // Amounts of different currencies are never compared: the list runs currency by currency, in
  // the order of the report's totals (largest open balance first), by priority within each.
  const rank = new Map(report.totals.map((t, i) => [t.currency, i]));
  return out.sort(
    (a, b) =>
      (rank.get(a.customer.currency) ?? 0) - (rank.get(b.customer.currency) ?? 0) ||
      b.priority - a.priority ||
      b.overdue - a.overdue ||
      a.customer.customer.localeCompare(b.customer.customer),
  );
}
