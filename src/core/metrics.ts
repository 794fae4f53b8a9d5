// Collection metrics (per currency, never summed across currencies). Pure.
//
// - DSO, countback method: walk back from the as-of date month by month, "using up" the open
//   balance with each month's credit sales (invoice amounts by invoice date); whole months count
//   their days, the last month the fraction of its sales still needed. Days of sales outstanding
//   that reflect the current mix of sales, unlike the average method (balance / sales × days).
// - At-risk rate: the share of the open balance more than criticalDays past due.
// - Average days late (per customer, amount-weighted): over invoices fully settled on or before
//   the as-of date, Σ(amount × max(0, paid date − due date)) / Σ amount. Needs paid dates.
// - CEI, collection effectiveness index, for the period (periodDays ending on as-of):
//   (beginning receivables + credit sales − ending total receivables)
//   / (beginning receivables + credit sales − ending current receivables) × 100.
//   Needs paid dates: without them the receivables at the start of the period are unknown.
import { ageLedger, type AgingReport } from './aging.js';
import { monthStart, type Day } from './dates.js';
import { openAsOf, type Invoice } from './ledger.js';
import type { Minor } from './money.js';

export interface CurrencyMetrics {
  readonly currency: string;
  /** Days; null when there were no sales to count back against or nothing is owed. */
  readonly dso: number | null;
  /** 0..1; null when the open balance is not positive. */
  readonly atRiskRate: number | null;
  /** Percent; null without paid dates or when the denominator is not positive. */
  readonly cei: number | null;
  readonly ceiPeriod: { readonly from: Day; readonly to: Day } | null;
}

export interface MetricsOptions {
  readonly asOf: Day;
  readonly criticalDays: number;
  /** Length of the CEI period, ending on as-of. */
  readonly periodDays: number;
  /** Whether the ledger says when invoices were paid (a paid-date column or a payments sheet). */
  readonly hasPaidDates: boolean;
  /** How many months DSO may count back at most. */
  readonly maxMonths?: number;
}

/**
 * DSO by countback over monthly credit sales; `sales` maps month-start Day → amount. Null when
 * nothing is owed, or when `maxMonths` of sales do not cover the balance (too short a history).
 */
export function countbackDso(balance: Minor, salesByMonth: ReadonlyMap<Day, Minor>, asOf: Day, maxMonths = 36): number | null {
  if (balance <= 0) return null;
  let left = balance;
  let days = 0;
  let end = asOf; // inclusive end of the current period
  for (let i = 0; i < maxMonths; i++) {
    const start = monthStart(end);
    const periodDays = end - start + 1;
    const sales = salesByMonth.get(start) ?? 0;
    if (sales >= left && sales > 0) return Math.round((days + (periodDays * left) / sales) * 10) / 10;
    left -= Math.max(0, sales);
    days += periodDays;
    end = start - 1;
  }
  // The ledger's sales never cover the balance: its history is too short to say.
  return null;
}

/** CEI in percent, one decimal; null when the denominator is not positive. */
export function collectionEffectiveness(beginning: Minor, creditSales: Minor, endingTotal: Minor, endingCurrent: Minor): number | null {
  const denominator = beginning + creditSales - endingCurrent;
  return denominator > 0 ? Math.round(((beginning + creditSales - endingTotal) / denominator) * 1000) / 10 : null;
}

/** Σ(amount × days late) / Σ amount, one decimal. */
export function weightedDaysLate(weighted: number, amount: Minor): number {
  return Math.round((weighted / amount) * 10) / 10;
}

/** Amount-weighted average days late of invoices settled on or before as-of, per customer/currency id. */
export function averageDaysLate(items: Iterable<Invoice>, asOf: Day): Map<string, number> {
  const acc = new Map<string, { weighted: number; amount: number }>();
  for (const it of items) {
    if (it.paidDate === null || it.paidDate > asOf || it.amount <= 0) continue;
    const id = `${it.customerKey}\u0000${it.currency}`;
    const a = acc.get(id) ?? { weighted: 0, amount: 0 };
    a.weighted += it.amount * Math.max(0, it.paidDate - it.dueDate);
    a.amount += it.amount;
    acc.set(id, a);
  }
  const out = new Map<string, number>();
  for (const [id, a] of acc) out.set(id, weightedDaysLate(a.weighted, a.amount));
  return out;
}

export function currencyMetrics(items: readonly Invoice[], report: AgingReport, opts: MetricsOptions): CurrencyMetrics[] {
  const sales = new Map<string, Map<Day, Minor>>();
  for (const it of items) {
    if (it.invoiceDate === null || it.invoiceDate > opts.asOf || it.amount <= 0) continue;
    const m = sales.get(it.currency) ?? new Map<Day, Minor>();
    const start = monthStart(it.invoiceDate);
    m.set(start, (m.get(start) ?? 0) + it.amount);
    sales.set(it.currency, m);
  }
  const periodStart = opts.asOf - opts.periodDays;
  const begin = opts.hasPaidDates ? ageLedger(items, { asOf: periodStart, basis: 'due', bounds: [30, 60, 90], criticalDays: opts.criticalDays }) : null;
  return report.totals.map((t) => {
    // An export of open items only has no record of what was sold and collected: countback would
    // use up the balance against itself. DSO needs the settled invoices too (paid dates).
    const dso = opts.hasPaidDates ? countbackDso(t.balance, sales.get(t.currency) ?? new Map(), opts.asOf, opts.maxMonths) : null;
    const atRiskRate = t.balance > 0 ? t.criticalAmount / t.balance : null;
    let cei: number | null = null;
    if (begin) {
      const beginning = begin.totals.find((x) => x.currency === t.currency)?.balance ?? 0;
      let creditSales = 0;
      for (const it of items) {
        if (it.currency === t.currency && it.amount > 0 && it.invoiceDate !== null && it.invoiceDate > periodStart && it.invoiceDate <= opts.asOf) creditSales += it.amount;
      }
      cei = collectionEffectiveness(beginning, creditSales, t.balance, t.buckets[0] ?? 0);
    }
    return { currency: t.currency, dso, atRiskRate, cei, ceiPeriod: begin ? { from: periodStart + 1, to: opts.asOf } : null };
  });
}


