// Aging: from ledger items to the report of SPEC §3. Pure: the as-of date and every setting come
// in as arguments. Buckets by calendar days; credits reduce totals but are never overdue.
import type { Day } from './dates.js';
import { openAsOf, type Basis, type ContactInfo, type Invoice } from './ledger.js';
import type { Minor } from './money.js';
import type { CurrencyMetrics } from './metrics.js';

export interface AgingOptions {
  readonly asOf: Day;
  readonly basis: Basis;
  /** Upper bounds of the overdue buckets, ascending: [30, 60, 90] → 1-30, 31-60, 61-90, 90+. */
  readonly bounds: readonly number[];
  readonly criticalDays: number;
}

/** One open item on the as-of date, with the numbers the report and letters need. */
export interface AgedItem {
  readonly item: Invoice;
  readonly open: Minor;
  /** as-of − due date (positive: overdue). */
  readonly daysOverdue: number;
  /** Days by the chosen basis (due or invoice date) that place the item in a bucket. */
  readonly ageDays: number;
  readonly bucket: number;
}

export interface CustomerAging extends ContactInfo {
  /** `${customerKey}\u0000${currency}`: one entry per customer and currency. */
  readonly id: string;
  readonly customerKey: string;
  readonly customer: string;
  readonly customerId: string | null;
  readonly currency: string;
  readonly balance: Minor;
  readonly buckets: readonly Minor[];
  /** Most days overdue among positive open amounts; null when nothing positive is overdue. */
  readonly oldestDaysOverdue: number | null;
  readonly items: readonly AgedItem[];
  readonly critical: boolean;
  readonly criticalAmount: Minor;
}

export interface CurrencyTotals {
  readonly currency: string;
  readonly balance: Minor;
  readonly buckets: readonly Minor[];
  readonly customers: number;
  readonly criticalCustomers: number;
  readonly criticalAmount: Minor;
}

export interface AgingReport {
  readonly asOf: Day;
  readonly basis: Basis;
  readonly criticalDays: number;
  readonly bucketLabels: readonly string[];
  readonly customers: readonly CustomerAging[];
  readonly totals: readonly CurrencyTotals[];
  /** Collection metrics per currency (core/metrics.ts), when computed. */
  readonly metrics?: readonly CurrencyMetrics[];
  /** Amount-weighted average days late per customer id (`customerKey\u0000currency`), when the ledger has paid dates. */
  readonly daysLate?: ReadonlyMap<string, number>;
}

/** [30, 60, 90] → ["current", "1-30", "31-60", "61-90", "90+"]. */
export function bucketLabels(bounds: readonly number[]): string[] {
  const labels = ['current'];
  let from = 1;
  for (const to of bounds) {
    labels.push(`${from}-${to}`);
    from = to + 1;
  }
  labels.push(`${bounds.length ? bounds[bounds.length - 1] : 0}+`);
  return labels;
}

/** Bucket index for an age in days: ≤ 0 is current (due today is not late); day 30 is in 1-30. */
export function bucketIndex(days: number, bounds: readonly number[]): number {
  if (days <= 0) return 0;
  for (let i = 0; i < bounds.length; i++) if (days <= bounds[i]!) return i + 1;
  return bounds.length + 1;
}

/** Checks bucket bounds: positive whole numbers, strictly ascending. Returns an error text or null. */
export function validateBounds(bounds: readonly number[]): string | null {
  if (bounds.length === 0) return 'at least one bucket bound is needed';
  let prev = 0;
  for (const b of bounds) {
    if (!Number.isInteger(b) || b <= prev) return 'bucket bounds must be whole numbers of days, ascending, above 0';
    prev = b;
  }
  return null;
}

/** Ages one item on the as-of date, or null when it is not open then. */
export function ageItem(item: Invoice, opts: AgingOptions): AgedItem | null {
  const open = openAsOf(item, opts.asOf);
  if (open === null) return null;
  const daysOverdue = opts.asOf - item.dueDate;
  const ageDays = opts.basis === 'invoice' ? opts.asOf - (item.invoiceDate ?? item.dueDate) : daysOverdue;
  return { item, open, daysOverdue, ageDays, bucket: bucketIndex(ageDays, opts.bounds) };
}

// Made on first use: building an ICU collator costs ~20 ms of start-up, and ties on balance are rare.
let collatorEs: Intl.Collator | null = null;
const collator = { compare: (a: string, b: string): number => (collatorEs ??= new Intl.Collator('es', { sensitivity: 'base', numeric: true })).compare(a, b) };

/** Report order: critical customers first, then by balance, descending; ties by name, then currency. */
export function compareCustomers(a: CustomerAging, b: CustomerAging): number {
  return Number(b.critical) - Number(a.critical) || b.balance - a.balance || collator.compare(a.customer, b.customer) || a.currency.localeCompare(b.currency);
}

/** Builds the aging report: one entry per (customer key, currency), critical first. */
export function ageLedger(items: Iterable<Invoice>, opts: AgingOptions): AgingReport {
  const labels = bucketLabels(opts.bounds);
  // Grouped by customer key, then currency, with the groups in the order they first appear. Why
  // not one map by `${customerKey}\u0000${currency}`: that built and hashed a new string for every
  // item (150,000 items: ~0.1 s).
  const groups: [string, AgedItem[]][] = [];
  const byKey = new Map<string, Map<string, AgedItem[]>>();
  for (const item of items) {
    const aged = ageItem(item, opts);
    if (!aged) continue;
    let byCurrency = byKey.get(item.customerKey);
    if (!byCurrency) {
      byCurrency = new Map();
      byKey.set(item.customerKey, byCurrency);
    }
    const list = byCurrency.get(item.currency);
    if (list) list.push(aged);
    else {
      const created = [aged];
      byCurrency.set(item.currency, created);
      groups.push([`${item.customerKey}\u0000${item.currency}`, created]);
    }
  }
  const customers = groups.map(([id, list]) => customerAging(id, list, labels.length, opts));
  customers.sort(compareCustomers);
  return {
    asOf: opts.asOf,
    basis: opts.basis,
    criticalDays: opts.criticalDays,
    bucketLabels: labels,
    customers,
    totals: currencyTotals(customers, labels.length),
  };
}

function firstNonEmpty<K extends keyof Invoice>(list: readonly AgedItem[], key: K): Invoice[K] | null {
  for (const a of list) {
    const v = a.item[key];
    if (v !== null && v !== undefined && v !== '') return v;
  }
  return null;
}

function customerAging(id: string, list: AgedItem[], nBuckets: number, opts: AgingOptions): CustomerAging {
  // Items in ledger order (the reader's order) keep "first non-empty value" meaningful.
  list.sort((a, b) => a.item.source.row - b.item.source.row);
  const buckets = new Array<Minor>(nBuckets).fill(0);
  let balance = 0;
  let oldest: number | null = null;
  let criticalAmount = 0;
  for (const a of list) {
    buckets[a.bucket]! += a.open;
    balance += a.open;
    if (a.open > 0 && a.daysOverdue > 0) {
      oldest = oldest === null ? a.daysOverdue : Math.max(oldest, a.daysOverdue);
      if (a.daysOverdue > opts.criticalDays) criticalAmount += a.open;
    }
  }
  const first = list[0]!.item;
  return {
    id,
    customerKey: first.customerKey,
    customer: firstNonEmpty(list, 'customer') ?? first.customerKey,
    customerId: firstNonEmpty(list, 'customerId'),
    email: firstNonEmpty(list, 'email'),
    phone: firstNonEmpty(list, 'phone'),
    contact: firstNonEmpty(list, 'contact'),
    salesRep: firstNonEmpty(list, 'salesRep'),
    language: firstNonEmpty(list, 'language'),
    segment: firstNonEmpty(list, 'segment'),
    currency: first.currency,
    balance,
    buckets,
    oldestDaysOverdue: oldest,
    items: list,
    critical: criticalAmount > 0,
    criticalAmount,
  };
}

/** Totals per currency over the given customers, largest balance first. */
export function currencyTotals(customers: readonly CustomerAging[], nBuckets: number): CurrencyTotals[] {
  const byCurrency = new Map<string, { balance: Minor; buckets: Minor[]; customers: number; criticalCustomers: number; criticalAmount: Minor }>();
  for (const c of customers) {
    let t = byCurrency.get(c.currency);
    if (!t) {
      t = { balance: 0, buckets: new Array<Minor>(nBuckets).fill(0), customers: 0, criticalCustomers: 0, criticalAmount: 0 };
      byCurrency.set(c.currency, t);
    }
    t.balance += c.balance;
    c.buckets.forEach((v, i) => (t.buckets[i]! += v));
    t.customers += 1;
    if (c.critical) t.criticalCustomers += 1;
    t.criticalAmount += c.criticalAmount;
  }
  return [...byCurrency.entries()]
    .sort(([a, x], [b, y]) => y.balance - x.balance || a.localeCompare(b))
    .map(([currency, t]) => ({ currency, ...t }));
}

/** Keeps only critical customers, with totals recomputed over them (`--critical-only`). */
export function criticalOnly(report: AgingReport): AgingReport {
  const customers = report.customers.filter((c) => c.critical);
  return { ...report, customers, totals: currencyTotals(customers, report.bucketLabels.length) };
}

/**
 * The report by segment (`--group-by`): one entry per (group, currency), summing its customers;
 * the group of a customer is the first non-empty group value among its items. The entries have
 * the shape of customers so every renderer can show them; `customerKey` holds the group.
 */
export function groupReport(report: AgingReport, unassigned: string): AgingReport {
  const groups = new Map<string, CustomerAging[]>();
  for (const c of report.customers) {
    const g = groupOf(c, unassigned);
    const id = `${g}\u0000${c.currency}`;
    groups.set(id, [...(groups.get(id) ?? []), c]);
  }
  const entries: CustomerAging[] = [...groups.entries()].map(([id, list]) => {
    const [group = unassigned] = id.split('\u0000');
    const buckets = new Array<Minor>(report.bucketLabels.length).fill(0);
    for (const c of list) c.buckets.forEach((v, i) => (buckets[i]! += v));
    const oldest = list.map((c) => c.oldestDaysOverdue).filter((d): d is number => d !== null);
    const criticalAmount = list.reduce((s, c) => s + c.criticalAmount, 0);
    return {
      id, customerKey: group, customer: group, customerId: null, email: null, phone: null, contact: null, salesRep: null, language: null, segment: null,
      currency: list[0]!.currency,
      balance: list.reduce((s, c) => s + c.balance, 0),
      buckets,
      oldestDaysOverdue: oldest.length ? Math.max(...oldest) : null,
      items: list.flatMap((c) => c.items),
      critical: criticalAmount > 0,
      criticalAmount,
    };
  });
  entries.sort((a, b) => b.balance - a.balance || collator.compare(a.customer, b.customer) || a.currency.localeCompare(b.currency));
  return { ...report, customers: entries };
}

/** The group of each customer entry, by id (for a group column in the customer rows). */
export function groupOf(c: CustomerAging, unassigned: string): string {
  return c.items.find((a) => a.item.group)?.item.group ?? unassigned;
}
