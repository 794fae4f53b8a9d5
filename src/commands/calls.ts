// `dunning calls LEDGER`: the call list for the collections team — critical accounts and
// customers who got a level-3+ letter and did not pay — with contact, phone, sales rep, amounts,
// oldest days, the letters of the cycle (from the journal), ordered by priority (core/calls.ts).
// As a table, CSV or xlsx; `--by-rep DIR` writes one file per sales rep.
import { mkdir } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { ageLedger } from '../core/aging.js';
import { callList, type CallEntry } from '../core/calls.js';
import { isoOfDay } from '../core/dates.js';
import { UsageError } from '../errors.js';
import { pastLetters } from '../letters/plan.js';
import { openJournal } from '../mail/journal.js';
import { promisesOf } from '../mail/records.js';
import { promiseState } from '../core/promises.js';
import { csvOfLayout, type DataLayout, type DataRow, type DataValue } from '../render/csv.js';
import { formatAmount, printable } from '../render/format.js';
import { writeFileAtomic } from '../render/output.js';
import { translate, warningPrefix } from '../i18n/index.js';
import { addLedgerOptions, itemsAsOf, loadLedger, parseAsOf, requireUsableRows, parseBuckets, type LedgerOptions, type RunContext } from './common.js';

interface CallsFlags extends LedgerOptions {
  asOf?: string;
  format?: 'table' | 'csv' | 'xlsx';
  output?: string;
  byRep?: string;
}

const HEADINGS = {
  en: ['Priority', 'Customer', 'Currency', 'Contact', 'Phone', 'Email', 'Sales rep', 'Overdue', 'Asked', 'Oldest days', 'Why', 'Letters (this cycle)', 'Promised'],
  es: ['Prioridad', 'Cliente', 'Moneda', 'Contacto', 'Teléfono', 'Correo', 'Vendedor', 'Vencido', 'A cobrar', 'Días máx.', 'Motivo', 'Cartas (este ciclo)', 'Promesa'],
} as const;

const REASONS = {
  en: { critical: 'critical', 'no-response': 'no response to letters', 'broken-promise': 'broken promise' },
  es: { critical: 'crítico', 'no-response': 'sin respuesta a cartas', 'broken-promise': 'promesa incumplida' },
} as const;

const text = (v: string | null): DataValue => (v ? { t: 'text', v } : { t: 'empty' });

function lettersText(e: CallEntry): string {
  return e.letters.map((l) => `${isoOfDay(l.asOf)} L${l.level}${l.state === 'unknown' ? '?' : ''}`).join('; ');
}

export function callsLayout(entries: readonly CallEntry[], lang: 'es' | 'en'): DataLayout {
  const rows: DataRow[] = entries.map((e, i) => ({
    kind: 'customer',
    critical: e.reasons.includes('critical'),
    currency: e.customer.currency,
    values: [
      { t: 'int', v: i + 1 },
      text(e.customer.customer),
      text(e.customer.currency),
      text(e.customer.contact),
      text(e.customer.phone),
      text(e.customer.email),
      text(e.customer.salesRep),
      { t: 'amount', v: e.overdue },
      { t: 'amount', v: e.amountAsked },
      { t: 'int', v: e.oldestDays },
      text(e.reasons.map((r) => REASONS[lang][r]).join(', ')),
      text(lettersText(e)),
      text(e.promisedDate === null ? null : isoOfDay(e.promisedDate)),
    ],
  }));
  return { headings: [...HEADINGS[lang]], rows };
}

function callsTable(entries: readonly CallEntry[], lang: 'es' | 'en', locale: string, color: boolean): string {
  const h = HEADINGS[lang];
  const table = new Table({
    head: [h[0], h[1], h[2], h[3], h[4], h[6], h[7], h[9], h[10], h[11]],
    style: color ? { compact: true } : { head: [], border: [], compact: true },
    colAligns: ['right', 'left', 'left', 'left', 'left', 'left', 'right', 'right', 'left', 'left'],
  });
  entries.forEach((e, i) =>
    table.push([
      String(i + 1), printable(e.customer.customer), e.customer.currency, printable(e.customer.contact ?? ''), printable(e.customer.phone ?? ''),
      printable(e.customer.salesRep ?? ''), formatAmount(e.overdue, e.customer.currency, locale), String(e.oldestDays),
      e.reasons.map((r) => REASONS[lang][r]).join(', '), lettersText(e),
    ]),
  );
  return `${table.toString()}\n`;
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').toLowerCase() || 'x';
}

async function encode(layout: DataLayout, format: 'csv' | 'xlsx', lang: 'es' | 'en'): Promise<string | Buffer> {
  if (format === 'csv') return csvOfLayout(layout);
  const { xlsxOfLayout } = await import('../render/xlsx.js');
  return xlsxOfLayout(layout, lang === 'es' ? 'Llamadas' : 'Calls');
}

export function callsCommand(ctx: RunContext): Command {
  const cmd = new Command('calls')
    .description('the call list: critical and non-responding customers, by priority (amount × days)')
    .argument('<ledger>', 'invoice ledger (.xlsx or .csv)')
    .option('--as-of <date>', 'as of this date (YYYY-MM-DD); default: today')
    .addOption(new Option('--format <format>', 'table, csv or xlsx (default: table, or from the -o extension)').choices(['table', 'csv', 'xlsx']))
    .option('-o, --output <file>', 'write the list to this file')
    .option('--by-rep <dir>', 'write one file per sales rep into this folder (csv, or xlsx with --format xlsx)');
  addLedgerOptions(cmd);
  return cmd.action(async (ledger: string, flags: CallsFlags) => {
    const asOf = parseAsOf(flags.asOf, ctx.today);
    const ext = flags.output ? extname(flags.output).slice(1).toLowerCase() : '';
    const format = flags.format ?? (ext === 'csv' || ext === 'xlsx' ? ext : flags.byRep ? 'csv' : 'table');
    if (flags.byRep && format === 'table') throw new UsageError('--by-rep writes files: use --format csv or xlsx');
    // The invoices through the fast path's reader when it can, as remind.
    const loaded = await loadLedger(ledger, flags, ctx, { fastInvoices: true });
    const { config, clientDir, lang, locale } = loaded;
    requireUsableRows(loaded.read, lang);
    const report = ageLedger(itemsAsOf(loaded, asOf).items, { asOf, basis: 'due', bounds: parseBuckets(undefined, config), criticalDays: config.criticalDays });
    const journal = await openJournal(clientDir);
    for (const w of journal.warnings) ctx.stderr.write(`${warningPrefix(lang)}${translate(w, lang)}\n`);
    const promises = promisesOf(journal);
    const entries = callList(report, (c) => pastLetters(journal, c).filter((l) => l.level > 0), (c, view) => promiseState(promises, c, view, asOf));
    const g = ctx.global();
    if (flags.byRep) {
      const dir = resolve(flags.byRep);
      await mkdir(dir, { recursive: true });
      const byRep = new Map<string, CallEntry[]>();
      for (const e of entries) {
        const rep = e.customer.salesRep?.trim() || (lang === 'es' ? 'sin vendedor' : 'unassigned');
        byRep.set(rep, [...(byRep.get(rep) ?? []), e]);
      }
      for (const [rep, list] of byRep) {
        const file = join(dir, `${lang === 'es' ? 'llamadas' : 'calls'}-${slug(rep)}.${format}`);
        await writeFileAtomic(file, await encode(callsLayout(list, lang), format as 'csv' | 'xlsx', lang));
        if (!g.quiet) ctx.stderr.write(`${translate(`${file}: ${list.length} customer(s) for ${rep}`, lang)}\n`);
      }
      return;
    }
    if (format === 'table') {
      if (flags.output) throw new UsageError('-o needs --format csv or xlsx (or a .csv/.xlsx file name)');
      ctx.stdout.write(entries.length ? callsTable(entries, lang, locale, g.color && Boolean(ctx.stdout.isTTY)) : `${translate('Nobody to call.', lang)}\n`);
      return;
    }
    const out = await encode(callsLayout(entries, lang), format, lang);
    if (flags.output) await writeFileAtomic(resolve(flags.output), out);
    else if (format === 'xlsx' && ctx.stdout.isTTY) throw new UsageError('--format xlsx writes a binary file: add -o calls.xlsx');
    else ctx.stdout.write(out);
  });
}
