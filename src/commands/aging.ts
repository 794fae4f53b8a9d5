// `dunning aging LEDGER`: read → age → render. The aging rules live in core/aging.ts; the
// formats in render/. This file only turns options into those calls and writes the result.
import { extname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { ageLedger, criticalOnly, groupOf, groupReport, type AgingReport } from '../core/aging.js';
import { averageDaysLate, currencyMetrics } from '../core/metrics.js';
import type { Basis } from '../core/ledger.js';
import { UsageError } from '../errors.js';
import { jsonCustomer, renderJson, toJsonReport, type JsonReport } from '../render/json.js';
import type { RenderOptions } from '../render/index.js';
import { loadSnapshots, saveSnapshot, trendRows } from '../snapshots.js';
import { formatDiagnostic, translateQuoting } from '../ledger/diagnostics.js';
import { translate, warningPrefix, type Lang } from '../i18n/index.js';
import { rejectedSummary, type LedgerRead } from '../ledger/read.js';
import { addLedgerOptions, fastThreadsOf, itemsAsOf, loadLedger, parseAsOf, parseBuckets, requireUsableRows, type LedgerOptions, type RunContext } from './common.js';

interface AgingFlags extends LedgerOptions {
  asOf?: string;
  basis: Basis;
  buckets?: string;
  criticalOnly?: boolean;
  format?: string;
  output?: string;
  snapshot?: boolean;
}

const FORMATS = ['table', 'json', 'csv', 'xlsx', 'md', 'html'] as const;
type Format = (typeof FORMATS)[number];

function formatFor(flags: AgingFlags): Format {
  if (flags.format) {
    if (!(FORMATS as readonly string[]).includes(flags.format)) throw new UsageError(`--format ${flags.format}: use one of ${FORMATS.join(', ')}`);
    return flags.format as Format;
  }
  const ext = flags.output ? extname(flags.output).toLowerCase().slice(1) : '';
  if (ext === 'json' || ext === 'csv' || ext === 'xlsx' || ext === 'md' || ext === 'html') return ext;
  if (ext === 'htm') return 'html';
  if (ext === '' || ext === 'txt') return 'table';
  throw new UsageError(`-o ${flags.output}: cannot tell the format from ".${ext}"; add --format ${FORMATS.join('|')}`);
}

/** The one-line rejected-rows warning (ledger/read.ts rejectedSummary) in `lang`. */
function rejectedLine(read: LedgerRead, lang: Lang): string | null {
  const line = rejectedSummary(read);
  return line === null ? null : translateQuoting(line, lang, read.rejected.slice(0, 1));
}

/**
 * Report warnings: the rejected-rows line first, then one line per kind of warning. In English for
 * the JSON report and snapshots (machine-facing, stable); in `lang` for the reports people read.
 */
export function reportWarnings(read: LedgerRead, lang: Lang = 'en'): string[] {
  const out: string[] = [];
  const rejected = rejectedLine(read, lang);
  if (rejected) out.push(rejected);
  const byCode = new Map<string, string[]>();
  // push, not a spread per warning: 10,000 "due before invoice" rows took seconds (quadratic).
  // Only the first of each kind is shown, so only the first is formatted in `lang`.
  for (const w of read.warnings) {
    const list = byCode.get(w.code);
    if (list) list.push('');
    else byCode.set(w.code, [formatDiagnostic(w, lang)]);
  }
  const more = (n: number): string => (lang === 'es' ? ` (y ${n} más como esta)` : ` (and ${n} more like it)`);
  for (const list of byCode.values()) out.push(list.length === 1 ? list[0]! : `${list[0]}${more(list.length - 1)}`);
  return out;
}

/**
 * `--group-by`: JSON gains `groupBy`, `groups` and each customer's `group`; table and Markdown get a
 * second table by group after the customers; CSV and xlsx hold one row per group and currency.
 */
async function withGroups(format: Format, report: AgingReport, groupBy: string, out: string | Buffer, opts: RenderOptions): Promise<string | Buffer> {
  const unassigned = opts.lang === 'es' ? '(sin dato)' : '(none)';
  const grouped = groupReport(report, unassigned);
  const { renderReport } = await import('../render/index.js');
  if (format === 'json') {
    const json = toJsonReport(report, opts.warnings) as JsonReport & { groupBy?: string; groups?: unknown[] };
    json.customers.forEach((c, i) => Object.assign(c, { group: groupOf(report.customers[i]!, unassigned) }));
    json.groupBy = groupBy;
    json.groups = grouped.customers.map((g) => {
      const { customer, customerId: _id, email: _email, invoices: _n, oldestDaysOverdue: _o, averageDaysLate: _d, ...rest } = jsonCustomer(g, report.bucketLabels);
      const members = report.customers.filter((c) => c.currency === g.currency && groupOf(c, unassigned) === g.customerKey);
      return { group: customer, ...rest, customers: members.length, criticalCustomers: members.filter((c) => c.critical).length };
    });
    return `${JSON.stringify(json, null, 2)}\n`;
  }
  if (format === 'csv' || format === 'xlsx') return renderReport(format, grouped, { ...opts, rowHeading: groupBy });
  const byGroup = await renderReport(format, grouped, { ...opts, warnings: [], rowHeading: groupBy });
  return `${String(out)}\n${opts.lang === 'es' ? 'Por' : 'By'} ${groupBy}:\n${String(byGroup)}`;
}

export function agingCommand(ctx: RunContext): Command {
  const cmd = new Command('aging')
    .description('aging report: who owes what and for how long, critical accounts first')
    .argument('<ledger>', 'invoice ledger (.xlsx or .csv)')
    .option('--as-of <date>', 'age as of this date (YYYY-MM-DD); default: today')
    .addOption(new Option('--basis <basis>', 'age from the due date or the invoice date').choices(['due', 'invoice']).default('due'))
    .option('--buckets <days>', 'bucket bounds in days, e.g. 30,60,90,120 (default: 30,60,90 or config buckets)')
    .option('--critical-only', 'only customers with amounts more than criticalDays overdue')
    .option('--format <format>', `output format: ${FORMATS.join(', ')} (default: table, or from the -o file extension)`)
    .option('-o, --output <file>', 'write the report to this file (atomically) instead of stdout')
    .option('--group-by <column>', 'totals by segment: a ledger column (salesRep, segment, a header such as País)')
    .option('--snapshot', 'also save this report in .dunning/snapshots/ of the client folder, for `dunning trend`');
  addLedgerOptions(cmd);
  return cmd.action(async (ledger: string, flags: AgingFlags) => {
    const format = formatFor(flags);
    // The HTML report is one page about customers; a page by group is not designed yet.
    if (flags.groupBy && format === 'html') throw new UsageError('--group-by is not available with --format html: use table, md, csv, xlsx or json');
    if (flags.output && resolve(flags.output) === resolve(ledger)) throw new UsageError(`-o ${flags.output}: that is the ledger itself; nothing the tool reads is ever overwritten`);
    const asOf = parseAsOf(flags.asOf, ctx.today);
    // A CSV ledger is aged in one streaming pass when it can be (ledger/fastaging.ts: the same
    // report, in bounded memory); a bad --buckets is left to the general path to report.
    const loaded = await loadLedger(ledger, flags, ctx, { fast: (config) => {
      if (flags.groupBy) return null;
      try {
        // DUNNING_THREADS=1 reads on one thread, =2 on two whatever the size (benchmarks, tests).
        return { asOf, basis: flags.basis, bounds: parseBuckets(flags.buckets, config), criticalDays: config.criticalDays, periodDays: 30, ...fastThreadsOf(ctx.env) };
      } catch {
        return null;
      }
    } });
    const { config, read, lang, locale } = loaded;
    const warn = warningPrefix(lang);
    requireUsableRows(read, lang);
    const bounds = parseBuckets(flags.buckets, config);
    const asOfItems = itemsAsOf(loaded, asOf);
    let report = loaded.fastReport ?? ageLedger(asOfItems.items, { asOf, basis: flags.basis, bounds, criticalDays: config.criticalDays });
    if (!loaded.fastReport) {
      // Metrics over the whole portfolio, before --critical-only narrows the rows.
      const paidDatesKnown = Boolean(loaded.payments) || read.mapping.choices.some((c) => c.field === 'paidDate');
      report = {
        ...report,
        metrics: currencyMetrics(asOfItems.items, report, { asOf, criticalDays: config.criticalDays, periodDays: 30, hasPaidDates: paidDatesKnown }),
        ...(paidDatesKnown ? { daysLate: averageDaysLate(asOfItems.items, asOf) } : {}),
      };
    }
    if (flags.snapshot) {
      const file = await saveSnapshot(loaded.clientDir, toJsonReport(report, reportWarnings(read)));
      if (!ctx.global().quiet) ctx.stderr.write(`${translate(`snapshot saved: ${file}`, lang)}\n`);
    }
    if (flags.criticalOnly) report = criticalOnly(report);
    // The JSON report keeps its warnings in English (machine-facing, stable); the others are read by people.
    const shownLang: Lang = format === 'json' ? 'en' : lang;
    const warnings = [
      ...reportWarnings(read, shownLang),
      ...asOfItems.warnings.map((w) => translate(w, shownLang)),
      ...asOfItems.rejected.map((d) => translateQuoting(`payment rejected: ${formatDiagnostic(d)}`, shownLang, [d])),
    ];
    const g = ctx.global();
    const color = g.color && !flags.output && format === 'table' && Boolean(ctx.stdout.isTTY);
    if (format === 'xlsx' && !flags.output && ctx.stdout.isTTY) throw new UsageError('--format xlsx writes a binary file: add -o report.xlsx');
    // The HTML report draws the trend of the snapshots saved in the client folder, this one included.
    const trend = format === 'html' ? trendRows(await loadSnapshots(loaded.clientDir)) : undefined;
    const opts = { lang, locale, color, warnings, ...(trend ? { trend } : {}) };
    // JSON (cron, scripts) straight from render/json.ts: the registry loads every renderer
    // (csv-stringify, chalk, cli-table3), ~50 ms of start-up that JSON does not use.
    let out = format === 'json' ? renderJson(report, warnings) : await (await import('../render/index.js')).renderReport(format, report, opts);
    if (flags.groupBy) out = await withGroups(format, report, flags.groupBy, out, opts);
    if (flags.output) {
      const { writeFileAtomic } = await import('../render/output.js');
      await writeFileAtomic(resolve(flags.output), out);
      if (!g.quiet) ctx.stderr.write(`${translate(`Report written to ${flags.output}`, lang)}\n`);
    } else {
      ctx.stdout.write(out);
    }
    // The rejected-rows line always reaches stderr (the JSON also carries it in "warnings").
    if (!g.quiet) {
      const rejected = rejectedLine(read, lang);
      if (rejected) ctx.stderr.write(`${warn}${rejected}\n`);
      for (const d of asOfItems.rejected) ctx.stderr.write(`${warn}${translateQuoting(`payment rejected: ${formatDiagnostic(d)}`, lang, [d])}\n`);
    }
  });
}
