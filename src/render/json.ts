// The JSON report of SPEC §3: the aging report in a stable field order, amounts in major units
// rounded to the currency's ISO 4217 exponent. Every other renderer may start from this view.
import type { AgingReport, CustomerAging, CurrencyTotals } from '../core/aging.js';
import { isoOfDay } from '../core/dates.js';
import { currencyExponent, minorToMajor, type Minor } from '../core/money.js';
import type { CurrencyMetrics } from '../core/metrics.js';

export const SCHEMA_VERSION = 1;

export type BucketAmounts = Record<string, number>;

export interface JsonCustomer {
  customer: string;
  customerId: string | null;
  email: string | null;
  currency: string;
  balance: number;
  buckets: BucketAmounts;
  oldestDaysOverdue: number | null;
  invoices: number;
  critical: boolean;
  criticalAmount: number;
  /** Amount-weighted average days late of settled invoices; null without paid dates. */
  averageDaysLate: number | null;
}

export interface JsonTotals {
  currency: string;
  balance: number;
  buckets: BucketAmounts;
  customers: number;
  criticalCustomers: number;
  criticalAmount: number;
  /** Days sales outstanding, countback method. */
  dso: number | null;
  /** Share (0..1) of the open balance more than criticalDays past due. */
  atRiskRate: number | null;
  /** Collection effectiveness index (percent) over ceiPeriod; null without paid dates. */
  cei: number | null;
  ceiPeriod: { from: string; to: string } | null;
}

export interface JsonReport {
  schemaVersion: number;
  asOf: string;
  basis: string;
  criticalDays: number;
  buckets: string[];
  customers: JsonCustomer[];
  totals: JsonTotals[];
  warnings: string[];
}

function major(minor: Minor, currency: string): number {
  return minorToMajor(minor, currencyExponent(currency));
}

function bucketAmounts(labels: readonly string[], values: readonly Minor[], currency: string): BucketAmounts {
  const out: BucketAmounts = {};
  labels.forEach((label, i) => (out[label] = major(values[i] ?? 0, currency)));
  return out;
}

export function jsonCustomer(c: CustomerAging, labels: readonly string[], daysLate?: ReadonlyMap<string, number>): JsonCustomer {
  return {
    customer: c.customer,
    customerId: c.customerId,
    email: c.email,
    currency: c.currency,
    balance: major(c.balance, c.currency),
    buckets: bucketAmounts(labels, c.buckets, c.currency),
    oldestDaysOverdue: c.oldestDaysOverdue,
    invoices: c.items.length,
    critical: c.critical,
    criticalAmount: major(c.criticalAmount, c.currency),
    averageDaysLate: daysLate?.get(c.id) ?? null,
  };
}

export function jsonTotals(t: CurrencyTotals, labels: readonly string[], metrics?: CurrencyMetrics): JsonTotals {
  return {
    currency: t.currency,
    balance: major(t.balance, t.currency),
    buckets: bucketAmounts(labels, t.buckets, t.currency),
    customers: t.customers,
    criticalCustomers: t.criticalCustomers,
    criticalAmount: major(t.criticalAmount, t.currency),
    dso: metrics?.dso ?? null,
    atRiskRate: t.balance > 0 ? round4(t.criticalAmount / t.balance) : null,
    cei: metrics?.cei ?? null,
    ceiPeriod: metrics?.ceiPeriod ? { from: isoOfDay(metrics.ceiPeriod.from), to: isoOfDay(metrics.ceiPeriod.to) } : null,
  };
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export function toJsonReport(report: AgingReport, warnings: readonly string[]): JsonReport {
  const labels = report.bucketLabels;
  return {
    schemaVersion: SCHEMA_VERSION,
    asOf: isoOfDay(report.asOf),
    basis: report.basis,
    criticalDays: report.criticalDays,
    buckets: [...labels],
    customers: report.customers.map((c) => jsonCustomer(c, labels, report.daysLate)),
    totals: report.totals.map((t) => jsonTotals(t, labels, report.metrics?.find((m) => m.currency === t.currency))),
    warnings: [...warnings],
  };
}

export function renderJson(report: AgingReport, warnings: readonly string[]): string {
  return `${JSON.stringify(toJsonReport(report, warnings), null, 2)}\n`;
}
