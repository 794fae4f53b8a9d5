// `dunning check LEDGER`: the data-quality report. Which column became which field and why, how
// many rows were read, every rejected row with file/sheet/row/column and the reason, and the
// warnings. Exit 3 when any row is rejected, so scripts can run `check` before `remind --send`.
import { Command, Option } from 'commander';
import { isoOfDay } from '../core/dates.js';
import { InputError } from '../errors.js';
import { FIELDS } from '../ledger/columns.js';
import { formatDiagnostic } from '../ledger/diagnostics.js';
import type { LedgerRead } from '../ledger/read.js';
import { addLedgerOptions, loadLedger, type LedgerOptions, type RunContext } from './common.js';

interface CheckFlags extends LedgerOptions {
  format: 'text' | 'json';
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function checkText(read: LedgerRead): string {
  const lines: string[] = [];
  const s = read.stats;
  lines.push(`File: ${read.file}${read.format === 'csv' ? ` (CSV, ${read.encoding}, delimiter ${JSON.stringify(read.delimiter)})` : ''}`);
  if (read.sheet) {
    lines.push(`Sheet: ${read.sheet} — ${read.sheetReason}`);
    const others = (read.sheets ?? []).filter((x) => x.name !== read.sheet);
    if (others.length) lines.push(`  other sheets: ${others.map((x) => `${x.name}${x.hidden ? ' (hidden)' : ''}`).join(', ')}`);
  }
  lines.push(`Header: row ${read.headerRow}${read.headerRow > 1 ? ` (rows above it skipped as titles)` : ''}`);
  lines.push('', 'Columns:');
  const width = Math.max(...read.mapping.choices.map((c) => c.header.length), 8) + 2;
  for (const c of read.mapping.choices) lines.push(`  ${pad(JSON.stringify(c.header), width)} → ${pad(c.field, 12)} ${c.reason}`);
  for (const u of read.mapping.unused) lines.push(`  ${pad(JSON.stringify(u.header), width)} → (ignored)     ${u.note}`);
  const mapped = new Set(read.mapping.choices.map((c) => c.field));
  const missing = FIELDS.filter((f) => !mapped.has(f));
  if (missing.length) lines.push(`  not found (optional): ${missing.join(', ')}`);
  lines.push('', `Dates: ${read.dateOrder.order ? `${read.dateOrder.order} — ` : ''}${read.dateOrder.reason}`);
  lines.push('', 'Rows:');
  lines.push(`  ${s.dataRows} data rows below the header`);
  lines.push(`  ${read.invoices.length} open or closed items read (${s.credits} credits, ${s.instalmentInvoices} invoices in instalments)`);
  if (s.linesCollapsed) lines.push(`  ${s.linesCollapsed} line rows collapsed into their invoice`);
  if (s.notReceivable) lines.push(`  ${s.notReceivable} draft/void/cancelled rows (not receivables)`);
  if (s.summaryRows) lines.push(`  ${s.summaryRows} totals rows skipped`);
  if (s.noteRows) lines.push(`  ${s.noteRows} rows with no invoice and no amount skipped`);
  lines.push(`  ${s.rejectedRows} rejected`);
  if (read.rejected.length) {
    lines.push('', `Rejected rows (${s.rejectedRows}):`);
    for (const d of read.rejected) lines.push(`  ${formatDiagnostic(d)}`);
  }
  if (read.warnings.length) {
    lines.push('', `Warnings (${read.warnings.length}):`);
    for (const d of read.warnings) lines.push(`  ${formatDiagnostic(d)}`);
  }
  const currencies = [...new Set(read.invoices.map((i) => i.currency))];
  const dates = read.invoices.map((i) => i.invoiceDate ?? i.dueDate);
  if (dates.length) {
    lines.push('', `Currencies: ${currencies.join(', ')}; invoice dates from ${isoOfDay(Math.min(...dates))} to ${isoOfDay(Math.max(...dates))}`);
  }
  return `${lines.join('\n')}\n`;
}

function checkJson(read: LedgerRead): string {
  return `${JSON.stringify(
    {
      file: read.file,
      sheet: read.sheet,
      sheetReason: read.sheetReason,
      encoding: read.encoding,
      delimiter: read.delimiter,
      headerRow: read.headerRow,
      columns: read.mapping.choices.map((c) => ({ field: c.field, header: c.header, column: c.column + 1, reason: c.reason })),
      ignoredColumns: read.mapping.unused.map((u) => ({ header: u.header, column: u.column + 1, note: u.note })),
      dateOrder: read.dateOrder,
      stats: { ...read.stats, items: read.invoices.length },
      rejected: read.rejected,
      warnings: read.warnings,
    },
    null,
    2,
  )}\n`;
}

export function checkCommand(ctx: RunContext): Command {
  const cmd = new Command('check')
    .description('data-quality report: how columns were mapped and why, rows rejected, warnings')
    .argument('<ledger>', 'invoice ledger (.xlsx or .csv)')
    .addOption(new Option('--format <format>', 'text or json').choices(['text', 'json']).default('text'));
  addLedgerOptions(cmd);
  return cmd.action(async (ledger: string, flags: CheckFlags) => {
    const { read, payments } = await loadLedger(ledger, flags, ctx);
    ctx.stdout.write(flags.format === 'json' ? checkJson(read) : checkText(read));
    if (payments && flags.format !== 'json') {
      const lines = ['', `Payments: ${payments.file}: ${payments.payments.length} payment(s) read, ${payments.rejected.length} rejected`];
      for (const d of payments.rejected) lines.push(`  ${formatDiagnostic(d)}`);
      ctx.stdout.write(`${lines.join('\n')}\n`);
    }
    const rejected = read.stats.rejectedRows + (payments?.rejected.length ?? 0);
    if (rejected > 0) {
      throw new InputError(`${read.file}: ${rejected} row(s) rejected (listed above)`);
    }
  });
}
