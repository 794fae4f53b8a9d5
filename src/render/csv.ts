// The aging report as CSV for spreadsheets, and the data layout (columns and typed cells) that the
// xlsx renderer shares: one row per customer and currency, then one TOTAL row per currency.
//
// - Amounts are plain decimal numbers with the currency's ISO decimals ("1234.50", "-200.00", no
//   grouping), unquoted, so a spreadsheet reads numbers.
// - Text cells starting with = + - @ tab or CR get a leading ' (SPEC §6): a customer typed as
//   =HYPERLINK("http://…") would otherwise run as a formula when the file is opened. This is done
//   here and not with csv-stringify's escape_formulas, which also prefixed the amount "-1234.56"
//   and turned a credit into text.
// - UTF-8 with a BOM (Excel otherwise opens "Peñalosa" as "PeÃ±alosa") and CRLF (RFC 4180).
// - Headings follow `lang`: this file is for people with a spreadsheet; the stable machine
//   contract is the JSON report.
import { stringify } from 'csv-stringify/sync';
import type { AgingReport } from '../core/aging.js';
import { currencyExponent, minorToDecimalText, type Minor } from '../core/money.js';
import type { RenderOptions } from './index.js';
import { bucketHeading, labelsFor, type Lang } from './labels.js';

/** Marks the per-currency totals rows in the customer column. */
export const TOTAL_MARK = 'TOTAL';

/** A data cell: text, a whole number, an amount in the row's currency, or empty. */
export type DataValue =
  | { readonly t: 'text'; readonly v: string }
  | { readonly t: 'int'; readonly v: number }
  | { readonly t: 'amount'; readonly v: Minor }
  | { readonly t: 'empty' };

export interface DataRow {
  readonly kind: 'customer' | 'total';
  readonly critical: boolean;
  readonly currency: string;
  readonly values: readonly DataValue[];
}

export interface DataLayout {
  readonly headings: readonly string[];
  readonly rows: readonly DataRow[];
}

const text = (v: string | null): DataValue => (v === null || v === '' ? { t: 'empty' } : { t: 'text', v });
const int = (v: number | null): DataValue => (v === null ? { t: 'empty' } : { t: 'int', v });
const amount = (v: Minor): DataValue => ({ t: 'amount', v });
const EMPTY: DataValue = { t: 'empty' };

/**
 * Columns: customer, customer id, email, currency, each bucket, balance, oldest days overdue,
 * invoices, critical (yes/no), critical amount.
 */
export function dataLayout(report: AgingReport, lang: Lang, rowHeading?: string): DataLayout {
  const L = labelsFor(lang);
  const headings = [
    rowHeading ?? L.customer,
    L.customerId,
    L.email,
    L.currency,
    ...report.bucketLabels.map((b) => bucketHeading(b, L)),
    L.balance,
    L.oldestDays,
    L.invoices,
    L.critical,
    L.criticalAmount,
  ];
  const rows: DataRow[] = report.customers.map((c) => ({
    kind: 'customer',
    critical: c.critical,
    currency: c.currency,
    values: [
      text(c.customer),
      text(c.customerId),
      text(c.email),
      text(c.currency),
      ...c.buckets.map(amount),
      amount(c.balance),
      int(c.oldestDaysOverdue),
      int(c.items.length),
      text(c.critical ? L.yes : L.no),
      amount(c.criticalAmount),
    ],
  }));
  for (const t of report.totals) {
    const invoices = report.customers.filter((c) => c.currency === t.currency).reduce((n, c) => n + c.items.length, 0);
    rows.push({
      kind: 'total',
      critical: false,
      currency: t.currency,
      values: [
        text(TOTAL_MARK),
        EMPTY,
        EMPTY,
        text(t.currency),
        ...t.buckets.map(amount),
        amount(t.balance),
        EMPTY,
        int(invoices),
        EMPTY,
        amount(t.criticalAmount),
      ],
    });
  }
  return { headings, rows };
}

/**
 * Neutralizes a text cell against formula injection: a leading = + - @ tab or CR gets a "'" in
 * front. Only for text: amounts are numbers and are never prefixed.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** A data cell as plain text: neutralized text, "1234.50" for amounts, "" when empty. */
export function dataText(value: DataValue, currency: string): string {
  switch (value.t) {
    case 'text':
      return neutralizeFormula(value.v);
    case 'int':
      return String(value.v);
    case 'amount':
      return minorToDecimalText(value.v, currencyExponent(currency));
    case 'empty':
      return '';
  }
}

export function renderCsv(report: AgingReport, opts: RenderOptions): string {
  return csvOfLayout(dataLayout(report, opts.lang, opts.rowHeading));
}

/** Any data layout as CSV: UTF-8 with BOM, CRLF, text neutralized, amounts as plain numbers. */
export function csvOfLayout(layout: DataLayout): string {
  const records = [
    layout.headings.map(neutralizeFormula),
    ...layout.rows.map((row) => row.values.map((v) => dataText(v, row.currency))),
  ];
  return stringify(records, { bom: true, record_delimiter: 'windows' });
}
