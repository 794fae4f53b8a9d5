// `dunning check LEDGER`: the data-quality report. Which column became which field and why, how
// many rows were read, every rejected row with file/sheet/row/column and the reason, and the
// warnings. Exit 3 when any row is rejected, so scripts can run `check` before `remind --send`.
import { Command, Option } from 'commander';
import { isoOfDay } from '../core/dates.js';
import { InputError } from '../errors.js';
import { FIELDS } from '../ledger/columns.js';
import { formatDiagnostic } from '../ledger/diagnostics.js';
import { rowWord, translate, type Lang } from '../i18n/index.js';
import type { LedgerRead } from '../ledger/read.js';
import { addLedgerOptions, loadLedger, type LedgerOptions, type RunContext } from './common.js';

interface CheckFlags extends LedgerOptions {
  format: 'text' | 'json';
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The words of the data-quality report; file names, headers, field names and dates as they are. */
const WORDS = {
  en: {
    file: 'File', delimiter: 'delimiter', sheet: 'Sheet', otherSheets: 'other sheets', hidden: 'hidden', header: 'Header',
    titlesSkipped: 'rows above it skipped as titles', columns: 'Columns', ignored: '(ignored)', notFound: 'not found (optional)',
    dates: 'Dates', rows: 'Rows', dataRows: 'data rows below the header',
    items: (n: number, credits: number, instalments: number) => `${n} open or closed items read (${credits} credits, ${instalments} invoices in instalments)`,
    linesCollapsed: 'line rows collapsed into their invoice', notReceivable: 'draft/void/cancelled rows (not receivables)',
    summaryRows: 'totals rows skipped', noteRows: 'rows with no invoice and no amount skipped', rejected: 'rejected',
    rejectedRows: 'Rejected rows', warnings: 'Warnings',
    currencies: (list: string, from: string, to: string) => `Currencies: ${list}; invoice dates from ${from} to ${to}`,
    payments: (file: string, read: number, rejected: number) => `Payments: ${file}: ${read} payment(s) read, ${rejected} rejected`,
  },
  es: {
    file: 'Archivo', delimiter: 'separador', sheet: 'Hoja', otherSheets: 'otras hojas', hidden: 'oculta', header: 'Encabezado',
    titlesSkipped: 'las filas de arriba se omitieron como títulos', columns: 'Columnas', ignored: '(ignorada)', notFound: 'no encontrados (opcionales)',
    dates: 'Fechas', rows: 'Filas', dataRows: 'filas de datos debajo del encabezado',
    items: (n: number, credits: number, instalments: number) => `${n} partidas abiertas o cerradas leídas (${credits} créditos, ${instalments} facturas en parcialidades)`,
    linesCollapsed: 'filas de partidas agrupadas en su factura', notReceivable: 'filas en borrador/anuladas/canceladas (no son cuentas por cobrar)',
    summaryRows: 'filas de totales omitidas', noteRows: 'filas sin factura ni importe omitidas', rejected: 'rechazadas',
    rejectedRows: 'Filas rechazadas', warnings: 'Avisos',
    currencies: (list: string, from: string, to: string) => `Monedas: ${list}; fechas de factura del ${from} al ${to}`,
    payments: (file: string, read: number, rejected: number) => `Pagos: ${file}: ${read} pago(s) leído(s), ${rejected} rechazado(s)`,
  },
} as const;

export function checkText(read: LedgerRead, lang: Lang = 'en'): string {
  const W = WORDS[lang];
  const t = (text: string): string => translate(text, lang);
  const lines: string[] = [];
  const s = read.stats;
  lines.push(`${W.file}: ${read.file}${read.format === 'csv' ? ` (CSV, ${read.encoding}, ${W.delimiter} ${JSON.stringify(read.delimiter)})` : ''}`);
  if (read.sheet) {
    lines.push(`${W.sheet}: ${read.sheet} — ${read.sheetReason === null ? '' : t(read.sheetReason)}`);
    const others = (read.sheets ?? []).filter((x) => x.name !== read.sheet);
    if (others.length) lines.push(`  ${W.otherSheets}: ${others.map((x) => `${x.name}${x.hidden ? ` (${W.hidden})` : ''}`).join(', ')}`);
  }
  lines.push(`${W.header}: ${rowWord(lang)} ${read.headerRow}${read.headerRow > 1 ? ` (${W.titlesSkipped})` : ''}`);
  lines.push('', `${W.columns}:`);
  const width = Math.max(...read.mapping.choices.map((c) => c.header.length), 8) + 2;
  const ignored = pad(W.ignored, 13);
  for (const c of read.mapping.choices) lines.push(`  ${pad(JSON.stringify(c.header), width)} → ${pad(c.field, 12)} ${t(c.reason)}`);
  for (const u of read.mapping.unused) lines.push(`  ${pad(JSON.stringify(u.header), width)} → ${ignored} ${t(u.note)}`);
  const mapped = new Set(read.mapping.choices.map((c) => c.field));
  const missing = FIELDS.filter((f) => !mapped.has(f));
  if (missing.length) lines.push(`  ${W.notFound}: ${missing.join(', ')}`);
  lines.push('', `${W.dates}: ${read.dateOrder.order ? `${read.dateOrder.order} — ` : ''}${t(read.dateOrder.reason)}`);
  lines.push('', `${W.rows}:`);
  lines.push(`  ${s.dataRows} ${W.dataRows}`);
  lines.push(`  ${W.items(read.invoices.length, s.credits, s.instalmentInvoices)}`);
  if (s.linesCollapsed) lines.push(`  ${s.linesCollapsed} ${W.linesCollapsed}`);
  if (s.notReceivable) lines.push(`  ${s.notReceivable} ${W.notReceivable}`);
  if (s.summaryRows) lines.push(`  ${s.summaryRows} ${W.summaryRows}`);
  if (s.noteRows) lines.push(`  ${s.noteRows} ${W.noteRows}`);
  lines.push(`  ${s.rejectedRows} ${W.rejected}`);
  if (read.rejected.length) {
    lines.push('', `${W.rejectedRows} (${s.rejectedRows}):`);
    for (const d of read.rejected) lines.push(`  ${formatDiagnostic(d, lang)}`);
  }
  if (read.warnings.length) {
    lines.push('', `${W.warnings} (${read.warnings.length}):`);
    for (const d of read.warnings) lines.push(`  ${formatDiagnostic(d, lang)}`);
  }
  const currencies = [...new Set(read.invoices.map((i) => i.currency))];
  const dates = read.invoices.map((i) => i.invoiceDate ?? i.dueDate);
  if (dates.length) {
    lines.push('', W.currencies(currencies.join(', '), isoOfDay(Math.min(...dates)), isoOfDay(Math.max(...dates))));
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
    const { read, payments, lang } = await loadLedger(ledger, flags, ctx);
    // `--format json` stays English (rejected[].message, warnings[].message): machine-facing, stable; codes are the keys.
    ctx.stdout.write(flags.format === 'json' ? checkJson(read) : checkText(read, lang));
    if (payments && flags.format !== 'json') {
      const lines = ['', WORDS[lang].payments(payments.file, payments.payments.length, payments.rejected.length)];
      for (const d of payments.rejected) lines.push(`  ${formatDiagnostic(d, lang)}`);
      ctx.stdout.write(`${lines.join('\n')}\n`);
    }
    const rejected = read.stats.rejectedRows + (payments?.rejected.length ?? 0);
    if (rejected > 0) {
      throw new InputError(`${read.file}: ${rejected} row(s) rejected (listed above)`);
    }
  });
}
