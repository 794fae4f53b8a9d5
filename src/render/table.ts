// The aging report as a terminal table (the default `--format table`), and the on-screen layout
// (headings, alignment, displayed cells) that the Markdown renderer shares.
//
// Critical customers are marked "! " in the name column whether or not colour is on: a cron log
// has no colour, and the mark must survive there. With colour they are also red and bold.
// cli-table3 colours headings and borders by itself, even when piped (its own colour detection):
// its styles are always emptied here and every colour comes from one chalk instance whose level
// follows `color`, so color: false gives output without a single escape code.
import { Chalk, type ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { AgingReport } from '../core/aging.js';
import type { Minor } from '../core/money.js';
import { formatAmount, formatCount, formatDay, printable } from './format.js';
import type { RenderOptions } from './index.js';
import { bucketHeading, labelsFor, type Labels } from './labels.js';
import { summaryLines } from './summary.js';

export type Align = 'left' | 'right';

export interface ScreenRow {
  readonly kind: 'customer' | 'total';
  readonly critical: boolean;
  /** Displayed text, already printable; the name cell carries no mark (each renderer adds its own). */
  readonly cells: readonly string[];
}

export interface ScreenLayout {
  readonly headings: readonly string[];
  readonly align: readonly Align[];
  readonly rows: readonly ScreenRow[];
  /** Title: "Receivables aging as of May 31, 2024 (by due date)". */
  readonly title: string;
  /** The legend of the critical mark, or null when no customer is critical. */
  readonly legend: string | null;
  readonly summary: readonly string[];
  readonly labels: Labels;
}

/** Shown for an empty bucket: accountants read "-" as nil, and it lets the amounts stand out. */
export const NIL = '-';

/**
 * The report as displayed text: customer, currency, one column per bucket, balance, oldest days
 * overdue; customer rows in report order (critical first), then one total row per currency.
 */
export function screenLayout(report: AgingReport, lang: RenderOptions['lang'], locale: string, rowHeading?: string): ScreenLayout {
  const L = labelsFor(lang);
  const bucketCell = (minor: Minor, currency: string) => (minor === 0 ? NIL : formatAmount(minor, currency, locale));
  const rows: ScreenRow[] = report.customers.map((c) => ({
    kind: 'customer',
    critical: c.critical,
    cells: [
      printable(c.customer),
      printable(c.currency),
      ...c.buckets.map((b) => bucketCell(b, c.currency)),
      formatAmount(c.balance, c.currency, locale),
      c.oldestDaysOverdue === null ? '' : formatCount(c.oldestDaysOverdue, locale),
    ],
  }));
  for (const t of report.totals) {
    rows.push({
      kind: 'total',
      critical: false,
      cells: [
        L.total,
        printable(t.currency),
        ...t.buckets.map((b) => bucketCell(b, t.currency)),
        formatAmount(t.balance, t.currency, locale),
        '',
      ],
    });
  }
  const nBuckets = report.bucketLabels.length;
  return {
    headings: [rowHeading ?? L.customer, L.currency, ...report.bucketLabels.map((b) => bucketHeading(b, L)), L.balance, L.oldestDays],
    align: ['left', 'left', ...new Array<Align>(nBuckets).fill('right'), 'right', 'right'],
    rows,
    title: `${L.asOf} ${formatDay(report.asOf, locale)} (${L.basis[report.basis]})`,
    legend: report.customers.some((c) => c.critical) ? L.criticalLegend(report.criticalDays) : null,
    summary: summaryLines(report, lang, locale),
    labels: L,
  };
}

function painter(color: boolean): ChalkInstance {
  // Level 1 (16 colours) is enough for red and bold, and is what every terminal understands.
  return new Chalk({ level: color ? 1 : 0 });
}

/**
 * The terminal table, followed by the legend and the summary lines. Warnings are not repeated
 * here: they go to stderr (SPEC §1), and this text goes to stdout.
 */
export function renderTable(report: AgingReport, opts: RenderOptions): string {
  const view = screenLayout(report, opts.lang, opts.locale, opts.rowHeading);
  const paint = painter(opts.color);
  const table = new Table({
    head: view.headings.map((h) => paint.bold(h)),
    colAligns: [...view.align],
    style: { head: [], border: [], compact: true },
  });
  let totalsStarted = false;
  for (const row of view.rows) {
    if (row.kind === 'total' && !totalsStarted) {
      totalsStarted = true;
      // A blank line sets the per-currency totals apart from the customers.
      table.push([{ content: '', colSpan: view.headings.length }]);
    }
    const [name = '', ...rest] = row.cells;
    const cells = [`${row.critical ? '!' : ' '} ${name}`, ...rest];
    const style = row.critical ? paint.red.bold : row.kind === 'total' ? paint.bold : (s: string) => s;
    table.push(cells.map((cell) => style(cell)));
  }
  const lines = [view.title, table.toString()];
  if (report.customers.length === 0) lines.push(view.labels.noOpenItems);
  if (view.legend) lines.push(paint.red(`! ${view.labels.critical}: ${view.legend}`));
  if (view.summary.length) lines.push('', ...view.summary);
  return `${lines.join('\n')}\n`;
}
