// What every command that reads a ledger shares: its options (SPEC §1), the client folder, the
// config, and turning flags into reader and aging settings. Thin: no business rules here.
import { dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig, type Config } from '../config.js';
import { validateBounds, type AgingReport } from '../core/aging.js';
import { isoOfDay, parseIsoDay, type Day } from '../core/dates.js';
import { InputError, UsageError } from '../errors.js';
import { formatDiagnostic, translateQuoting } from '../ledger/diagnostics.js';
import { langFromArgv, type Lang } from '../i18n/index.js';
import { fastAging, fastLedger, type FastAgingOptions, type FastReadOptions } from '../ledger/fastaging.js';
import { isField, type Field } from '../ledger/columns.js';
import { readLedger, readPayments, type LedgerRead, type PaymentsRead, type ReadOptions } from '../ledger/read.js';
import { applyPayments } from '../core/payments.js';
import type { Invoice } from '../core/ledger.js';
import type { Diagnostic } from '../ledger/diagnostics.js';
import type { DateOrder } from '../ledger/values.js';

export interface GlobalOptions {
  readonly color: boolean;
  readonly quiet: boolean;
  readonly debug: boolean;
}

/** What cli.ts hands every command: the clock read once, the streams, the environment. */
export interface RunContext {
  readonly today: Day;
  /** The instant of the run in ms (contact windows, caps); DUNNING_NOW overrides it (tests, replays). */
  readonly now: number;
  /** The clock as it runs on from `now` (journal times of a long run; shifted like `now` under DUNNING_NOW). */
  readonly clock: () => number;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly global: () => GlobalOptions;
  /**
   * Told the language of messages once the config is read (flag > config > LANG), so that cli.ts
   * prints an error raised after that point in it; before, it goes by the flag and LANG alone.
   */
  readonly onLang?: (lang: Lang) => void;
}

export interface LedgerOptions {
  sheet?: string;
  map: string[];
  dateOrder?: string;
  decimal?: string;
  encoding?: string;
  delimiter?: string;
  config?: string;
  currency?: string;
  lang?: string;
  payments?: string;
  groupBy?: string;
}

export function addLedgerOptions(cmd: Command): Command {
  return cmd
    .option('--sheet <name|N>', 'worksheet to read (name or 1-based number); default: the one that looks like a ledger')
    .option('--map <field=Header>', 'use this column for a field (repeatable), e.g. --map dueDate=Vence', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(new Option('--date-order <order>', 'day/month order of dates like 03/04/2024 when the file cannot tell').choices(['dmy', 'mdy', 'ymd']))
    .addOption(new Option('--decimal <sep>', 'decimal separator of amounts written as text').choices([',', '.']))
    .option('--encoding <name>', 'CSV text encoding (default: detected; utf-8, windows-1252, utf-16le)')
    .option('--delimiter <char>', 'CSV delimiter (default: detected among , ; tab |)')
    .option('--config <file>', 'configuration file (default: dunning.config.json beside the ledger)')
    .option('--currency <code>', 'currency of amounts when the ledger has no currency column (ISO code, e.g. MXN)')
    .option('--payments <file>', 'a payments sheet (invoice, date, amount) applied to the ledger as of --as-of')
    .addOption(new Option('--lang <lang>', 'language of the output').choices(['es', 'en']));
}

/** The client folder: the ledger's folder (SPEC §1), never the current directory. */
export function clientDirOf(ledgerPath: string): string {
  return dirname(resolve(ledgerPath));
}

export function parseMapFlags(flags: readonly string[]): Partial<Record<Field, string>> {
  const out: Partial<Record<Field, string>> = {};
  for (const f of flags) {
    const eq = f.indexOf('=');
    const field = f.slice(0, eq).trim();
    const header = f.slice(eq + 1).trim();
    if (eq < 0 || !header) throw new UsageError(`--map ${f}: expected field=Header, e.g. --map dueDate=Vence`);
    if (!isField(field)) throw new UsageError(`--map ${f}: unknown field "${field}"; fields are customer, customerId, invoice, amount, paid, balance, invoiceDate, dueDate, paidDate, termsDays, status, disputed, currency, email, phone, contact, salesRep, language, segment`);
    out[field] = header;
  }
  return out;
}

export function parseAsOf(text: string | undefined, today: Day): Day {
  if (text === undefined) return today;
  const day = parseIsoDay(text.trim());
  if (day === null) throw new UsageError(`--as-of ${text}: not a date; use YYYY-MM-DD, e.g. --as-of 2024-03-31`);
  return day;
}

export function parseBuckets(text: string | undefined, config: Config): number[] {
  if (text === undefined) return [...config.buckets];
  const parts = text.split(',').map((s) => s.trim());
  const bounds = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN));
  const err = bounds.some(Number.isNaN) ? 'use whole numbers of days separated by commas' : validateBounds(bounds);
  if (err) throw new UsageError(`--buckets ${text}: ${err}, e.g. --buckets 30,60,90,120`);
  return bounds;
}

export function resolveLang(flag: string | undefined, config: Config, env: NodeJS.ProcessEnv): 'es' | 'en' {
  if (flag === 'es' || flag === 'en') return flag;
  if (config.lang) return config.lang;
  const sys = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^es/i.test(sys) ? 'es' : 'en';
}

export function resolveLocale(lang: 'es' | 'en', config: Config): string {
  return config.locale ?? (lang === 'es' ? 'es-MX' : 'en-US');
}

export interface LoadedLedger {
  readonly config: Config;
  readonly clientDir: string;
  readonly read: LedgerRead;
  readonly payments: PaymentsRead | null;
  readonly lang: 'es' | 'en';
  readonly locale: string;
  /**
   * The aging report (with metrics) when the fast path read the ledger (ledger/fastaging.ts): then
   * `read` carries the columns, stats and warnings but no invoices.
   */
  readonly fastReport?: AgingReport;
}

/** Loads config and ledger with the shared options. */
/**
 * What a command may do between reading the config and reading the ledger: `fast` — the options of
 * the streaming aging pass (aging), or null for the general reader; `beforeRead` — start work that
 * can run while the ledger is read (remind's render worker).
 */
export interface LoadHooks {
  readonly fast?: (config: Config) => FastAgingOptions | null;
  /** Read the invoices through the fast path's reader when it can (ledger/fastaging.ts fastLedger): remind, calls. */
  readonly fastInvoices?: boolean;
  readonly beforeRead?: (config: Config, clientDir: string, lang: Lang) => void;
}

export async function loadLedger(ledgerPath: string, opts: LedgerOptions, ctx: RunContext, hooks: LoadHooks = {}): Promise<LoadedLedger> {
  const { fast } = hooks;
  const clientDir = clientDirOf(ledgerPath);
  const config = await loadConfig(opts.config ? resolve(opts.config) : null, clientDir);
  const lang = resolveLang(opts.lang, config, ctx.env);
  ctx.onLang?.(lang);
  hooks.beforeRead?.(config, clientDir, lang);
  if (opts.currency !== undefined && !/^[A-Za-z]{3}$/.test(opts.currency)) throw new UsageError(`--currency ${opts.currency}: use an ISO currency code like MXN, USD, EUR`);
  const flagMap = parseMapFlags(opts.map ?? []);
  const map = { ...config.columns, ...flagMap };
  const readOpts: ReadOptions = {
    map,
    mapSource: (f: Field) => (flagMap[f] !== undefined ? `--map ${f}=${flagMap[f]}` : `config columns.${f} = "${config.columns[f]}"`),
    sheet: opts.sheet ?? null,
    dateOrder: (opts.dateOrder as DateOrder | undefined) ?? config.dateOrder,
    decimal: (opts.decimal as ',' | '.' | undefined) ?? config.decimal,
    encoding: opts.encoding ?? null,
    delimiter: opts.delimiter ?? null,
    defaultCurrency: opts.currency?.toUpperCase() ?? config.currency ?? 'XXX',
    defaultTermsDays: config.defaultTermsDays,
    groupBy: opts.groupBy ?? null,
  };
  // The fast path's reader, when the command asks for it and the file allows it: `aging` gets its
  // report in one streaming pass in bounded memory (fastAging), `remind` and `calls` the invoices
  // (fastLedger); on { ok: false } nothing was reported and the general reader below runs.
  const fastAllowed = !opts.payments && ctx.env.DUNNING_FAST !== '0';
  const fastOpts = fastAllowed && fast ? fast(config) : null;
  const aged = fastOpts ? await fastAging(ledgerPath, readOpts, fastOpts) : null;
  const result = aged ?? (fastAllowed && hooks.fastInvoices ? await fastLedger(ledgerPath, readOpts, fastThreadsOf(ctx.env)) : null);
  if (result?.ok) {
    return { config, clientDir, read: result.read, payments: null, lang, locale: resolveLocale(lang, config), ...(aged?.ok ? { fastReport: aged.report } : {}) };
  }
  if (result && ctx.global().debug) ctx.stderr.write(`dunning: fast path not used: ${result.reason}\n`);
  const read = await readLedger(ledgerPath, readOpts);
  const payments = opts.payments ? await readPayments(resolve(opts.payments), { ...readOpts, sheet: null, groupBy: null, dateOrder: readOpts.dateOrder ?? read.dateOrder.order }) : null;
  return { config, clientDir, read, payments, lang, locale: resolveLocale(lang, config) };
}

/**
 * DUNNING_THREADS: '1' → 'off' (one thread), '2' → 'on' (two threads whatever the size: tests,
 * benchmarks), anything else → 'auto'. Read by the CSV reader (aging) and letter rendering (remind).
 */
export function threadsOf(env: NodeJS.ProcessEnv): 'auto' | 'off' | 'on' {
  return env.DUNNING_THREADS === '1' ? 'off' : env.DUNNING_THREADS === '2' ? 'on' : 'auto';
}

/** The fast path's threads from DUNNING_THREADS: one thread (=1), or two whatever the file's size (=2). */
export function fastThreadsOf(env: NodeJS.ProcessEnv): Pick<FastReadOptions, 'threads' | 'splitMinBytes'> {
  const wanted = threadsOf(env);
  return { threads: wanted === 'off' ? 'off' : 'auto', ...(wanted === 'on' ? { splitMinBytes: 0 } : {}) };
}

/** SPEC §1: "no usable rows" is an input error (exit 3), not an empty report; its message in `lang`. */
export function requireUsableRows(read: LedgerRead, lang: Lang = 'en'): void {
  if (read.invoices.length > 0 || read.stats.rejectedRows === 0) return;
  const first = read.rejected[0];
  const text = `${read.file}: no usable rows: all ${read.stats.rejectedRows} row(s) were rejected${first ? `; first: ${formatDiagnostic(first)}` : ''} (dunning check for the list)`;
  throw new InputError(translateQuoting(text, lang, first ? [first] : []));
}

/**
 * The language of messages for commands without a ledger (history, trend, hold…): the client
 * folder's config `lang` when it reads cleanly, else LANG. Never fails: a broken config is the
 * business of the commands that use it.
 */
export async function messageLangOf(dir: string, ctx: RunContext): Promise<Lang> {
  let config: Config | null = null;
  try {
    config = await loadConfig(null, dir);
  } catch {
    config = null;
  }
  const lang = config ? resolveLang(undefined, config, ctx.env) : langFromArgv([], ctx.env);
  ctx.onLang?.(lang);
  return lang;
}

export interface ItemsAsOf {
  readonly items: readonly Invoice[];
  /** Payment rows that could not be read or placed: they count as rejected rows (SPEC §2). */
  readonly rejected: readonly Diagnostic[];
  readonly warnings: readonly string[];
}

/** The ledger's items on the as-of date, with the payments sheet applied when there is one. */
export function itemsAsOf(loaded: LoadedLedger, asOf: Day): ItemsAsOf {
  const { read, payments } = loaded;
  if (!payments) return { items: read.invoices, rejected: [], warnings: [] };
  const result = applyPayments(read.invoices, payments.payments, asOf, payments.file);
  const problems: Diagnostic[] = result.problems.map((p) => ({
    code: 'unmatched-payment', severity: 'error', file: payments.file, sheet: null, row: p.payment.row, column: null, value: null, message: p.message,
  }));
  const warnings = [`${payments.file}: ${result.applied} payment(s) applied as of ${isoOfDay(asOf)}, ${result.unapplied} left unapplied (shown as credits); the ledger's paid and balance columns are not used with --payments`];
  return { items: result.items, rejected: [...payments.rejected, ...problems], warnings };
}
