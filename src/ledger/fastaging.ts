// The aging fast path: a CSV or xlsx ledger straight to the aging report, in bounded memory. The
// rows go through FastReader (fastreader.ts) into compact per-invoice columns — an xlsx sheet's
// cells through xlsxfast.ts, which writes each cell as the text the general reader would see; this
// file opens the file, splits a large CSV file between two threads, joins the parts and builds
// the report.
//
// It gives up — returns { ok: false, reason } so that the caller runs the general path — whenever
// the file needs anything it does not do exactly the same way: a row the general reader would
// reject or skip (bad value, missing value, totals row, conflicting duplicate), a column it does
// not know, more rows waiting for the day/month order or the decimal separator than it keeps
// aside, an xlsx cell whose typed value could read differently, an .xls file, --payments,
// --group-by. So its output is the general path's, by
// construction and by test (test/perf/fast-path.test.ts compares the JSON reports on generated
// ledgers with every feature the reader has; fast-split.test.ts the same, cut at chosen points).
//
// Two threads: a file of 24 MB or more is cut at a line end near its middle; this thread reads the
// first part while a worker (fastworker.ts) reads the second, then the parts are joined
// (FastReader.absorb). The cut is a guess until the first part is read: a line end inside a quoted
// field (a note with a newline) is not a record boundary. The first part's scanner says exactly
// whether it stopped between two records; if not — or when rows wait for the day/month order at
// the cut, or the worker fails for a reason the rows before it might change — the worker's part
// is thrown away and this thread reads on by itself: slower, never different.
import { existsSync } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { bucketIndex, bucketLabels, compareCustomers, currencyTotals, type AgedItem, type AgingOptions, type AgingReport, type CustomerAging } from '../core/aging.js';
import { monthStart, type Day } from '../core/dates.js';
import { openAsOf, type Invoice } from '../core/ledger.js';
import { collectionEffectiveness, countbackDso, weightedDaysLate, type CurrencyMetrics } from '../core/metrics.js';
import { InputError } from '../errors.js';
import { REQUIRED, type Field } from './columns.js';
import { csvError, type CsvSource } from './csv.js';
import { CsvScanner } from './csvscan.js';
import type { Diagnostic } from './diagnostics.js';
import { readPart, type WorkerJob, type WorkerReply } from './fastpart.js';
import { Bail, CONTACT, EMAIL_FIELD, FastReader, FLAG_DISPUTED, FLAG_DROPPED, FLAG_MEMBER, FLAG_PAID_BY_STATUS, Items, KNOWN, PartScanner, type FastSpec, type Grouping } from './fastreader.js';
import { NO_DAY } from './fastvalues.js';
import { reportReadProgress } from '../progress.js';
import type { LedgerRead, ReadOptions } from './read.js';
import { openTable, type OpenedTable } from './source.js';
import { readXlsxFast } from './xlsxfast.js';
import type { DateOrder } from './values.js';

/** How the fast path reads (for tests and benchmarks; the defaults are what the commands use). */
export interface FastReadOptions {
  /** Rows kept aside while the day/month order or the decimal separator is unknown (default 50,000). */
  readonly maxWaiting?: number;
  /** Bytes per read (default 1 MiB). */
  readonly chunkBytes?: number;
  /**
   * Reading on two threads: 'auto' (default) uses a worker for files of splitMinBytes and more
   * when the machine has two cores; 'off' never; 'inline' reads the second part on this thread
   * after the first, through the same code and the same join (for tests, at any size).
   */
  readonly threads?: 'auto' | 'off' | 'inline';
  /** Cut the file at the first line end at or after this byte (tests); default: near the middle. */
  readonly splitAt?: number;
  /** 'auto' uses a worker from this file size on (default 24 MB; tests and benchmarks lower it). */
  readonly splitMinBytes?: number;
  /** How repeated invoices are found (fastreader.ts Grouping; tests run both ways). */
  readonly grouping?: Grouping;
}

export interface FastAgingOptions extends AgingOptions, FastReadOptions {
  /** Length of the CEI period ending on as-of (core/metrics.ts MetricsOptions.periodDays). */
  readonly periodDays: number;
}

export interface FastAgingMemory {
  /** Distinct (customer, invoice) keys, and items (instalments count apart). */
  readonly invoices: number;
  readonly items: number;
  /** Bytes held by the per-invoice columns and the invoice-key tables at the end. */
  readonly bytes: number;
  readonly bytesPerInvoice: number;
}

/** Whether the file was read in two parts, where it was cut, and why not when it was not. */
export interface FastAgingSplit {
  readonly used: boolean;
  /** Byte offset of the second part's first record, when a cut was tried. */
  readonly at: number | null;
  readonly reason: string;
}

export type FastAgingResult =
  | { readonly ok: true; readonly read: LedgerRead; readonly report: AgingReport; readonly memory: FastAgingMemory; readonly split: FastAgingSplit }
  | { readonly ok: false; readonly reason: string };

/**
 * Files from this size on are read on two threads ('auto'). Below it the worker's start-up (a V8
 * isolate and our modules: ~0.1 s of CPU before it reads a byte) and the join cost about what the
 * second thread saves — a 12 MB, 100k-row ledger took 0.9 s on two threads and 0.6 s on one while
 * the other core was busy. Above it two threads win even then: each gets a share of the cores.
 */
const SPLIT_MIN_BYTES = 24 << 20;
/** Bytes that must be left to read when the worker is ready, for it to get a part. */
const MIN_WORKER_BYTES = 4 << 20;
const SAMPLE_BYTES = 64 * 1024;

// ---------- the worker ----------

interface WorkerHandle {
  readonly reply: Promise<WorkerReply>;
  /** Its modules are loaded: a job sent now is started at once. */
  ready: boolean;
  /** Bytes of its part read so far, and rows. */
  done: number;
  rows: number;
  send(job: WorkerJob): void;
  stop(): void;
}

const WORKER_URL = new URL('./fastworker.js', import.meta.url);

/** Starts the worker (it waits for its job), or null when there is no worker script (tests on src/). */
async function startWorker(): Promise<WorkerHandle | null> {
  if (!existsSync(fileURLToPath(WORKER_URL))) return null;
  const { Worker } = await import('node:worker_threads');
  let worker: Worker;
  try {
    // A small young generation: the worker allocates little per row, and its heap counts in the
    // process's peak memory (1M rows are to fit in 250 MB).
    worker = new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 4 } });
  } catch {
    return null;
  }
  const handle: WorkerHandle = {
    ready: false,
    done: 0,
    rows: 0,
    reply: new Promise<WorkerReply>((resolve) => {
      worker.on('message', (m: WorkerReply | { type: 'progress'; done: number; rows: number } | { type: 'ready' }) => {
        if (m.type === 'ready') handle.ready = true;
        else if (m.type === 'progress') {
          handle.done = m.done;
          handle.rows = m.rows;
        } else resolve(m);
      });
      worker.on('error', (err) => resolve({ type: 'error', message: err.message }));
      worker.on('exit', (code) => resolve({ type: 'error', message: `the worker stopped (exit code ${code})` }));
    }),
    send: (job) => worker.postMessage(job),
    stop: () => void worker.terminate(),
  };
  return handle;
}

// ---------- cutting the file ----------

/** Rows per byte in the first 64 KB (line ends counted), for sizing the tables. */
async function rowsPerByte(path: string, from: number): Promise<number> {
  const fh = await openFile(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, from);
    let lines = 0;
    for (let i = buf.indexOf(10); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) lines++;
    return bytesRead > 0 ? Math.max(1, lines) / bytesRead : 0;
  } finally {
    await fh.close();
  }
}

/**
 * The offset just after a line end at or after `at` where the next records look whole: three
 * records with as many fields as the header, scanned as if a record started there (the first
 * part's scanner checks it for certain). The first line end when none looks right; null when
 * there is no line end in the 64 KB after `at`.
 */
async function findCut(path: string, at: number, delimiter: string, fields: number): Promise<number | null> {
  const fh = await openFile(path, 'r');
  let window: Buffer;
  try {
    const buf = Buffer.allocUnsafe(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, at);
    window = buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  let first: number | null = null;
  for (let i = window.indexOf(10), tries = 0; i >= 0 && tries < 32; i = window.indexOf(10, i + 1), tries++) {
    first ??= at + i + 1;
    const counts: number[] = [];
    const probe = new CsvScanner(delimiter.charCodeAt(0), (r) => void counts.push(r.count));
    try {
      probe.push(window.subarray(i + 1));
    } catch {
      continue; // text after a closing quote: this line end was inside a quoted field
    }
    if (counts.length >= 3 && counts.slice(0, 3).every((n) => n === fields)) return at + i + 1;
  }
  return first;
}

// ---------- entry point ----------

/**
 * Reads a CSV ledger and ages it in one pass, or says why it leaves the file to the general path
 * (readLedger + ageLedger + metrics). `opts` are the reader's options, as for readLedger.
 */
export async function fastAging(path: string, opts: ReadOptions, aging: FastAgingOptions): Promise<FastAgingResult> {
  return readFast(path, opts, aging, ({ rd, table, read, split, items }) => {
    const hasPaidDates = table.mapping.choices.some((c) => c.field === 'paidDate');
    const report = buildReport(rd, aging, hasPaidDates);
    const invoices = rd.keyCount;
    const bytes = rd.bytes;
    return {
      ok: true, read, report, split,
      memory: { invoices, items, bytes, bytesPerInvoice: invoices ? Math.round(bytes / invoices) : 0 },
    };
  });
}

export type FastLedgerResult = { readonly ok: true; readonly read: LedgerRead } | { readonly ok: false; readonly reason: string };

/**
 * readLedger through the fast path: the same LedgerRead — its invoices made from the compact
 * columns once the file is read, in resolveDuplicates' order — or why the general reader must read
 * the file (the same cases as fastAging's). For `remind` and `calls`, which need every invoice: on
 * the bench's 150k-row ledger the general reader took 1.6–2.2 s, this 0.6–1.0 s.
 */
export async function fastLedger(path: string, opts: ReadOptions, options: FastReadOptions = {}): Promise<FastLedgerResult> {
  return readFast(path, opts, options, (fast) => ({ ok: true, read: { ...fast.read, invoices: invoicesOf(fast.rd, fast.read) } }));
}

/** A file read by the fast path: the reader, the table, the LedgerRead without its invoices. */
interface FastRead {
  readonly rd: FastReader;
  readonly table: OpenedTable;
  readonly read: LedgerRead;
  readonly split: FastAgingSplit;
  /** Items that are not lines collapsed into an earlier one. */
  readonly items: number;
}

/** Opens and reads the file (two threads when worth it), then hands it to `use`; Bail and InputError become { ok: false }. */
async function readFast<T>(path: string, opts: ReadOptions, options: FastReadOptions, use: (fast: FastRead) => T): Promise<T | { readonly ok: false; readonly reason: string }> {
  if (opts.mode === 'payments') return { ok: false, reason: 'a payments sheet' };
  if (opts.groupBy) return { ok: false, reason: '--group-by' };
  const ext = extname(path).toLowerCase();
  if (ext === '.xls') return { ok: false, reason: 'not a CSV file' };
  const xlsx = ext === '.xlsx' || ext === '.xlsm';
  const threads = options.threads ?? 'auto';
  let size = 0;
  try {
    size = (await stat(path)).size;
  } catch {
    // openTable says what is wrong.
  }
  // The worker starts now: its start-up runs while this thread opens the file.
  const minBytes = options.splitMinBytes ?? SPLIT_MIN_BYTES;
  const worker = !xlsx && threads === 'auto' && size >= minBytes && availableParallelism() >= 2 ? await startWorker() : null;
  try {
    const fast = await readWhole(path, opts, options, size, threads, worker, minBytes);
    return 'reason' in fast ? fast : use(fast);
  } catch (err) {
    if (err instanceof Bail) return { ok: false, reason: err.message };
    if (err instanceof InputError) return { ok: false, reason: err.message };
    throw err;
  } finally {
    worker?.stop();
  }
}

async function readWhole(path: string, opts: ReadOptions, options: FastReadOptions, size: number, threads: string, worker: WorkerHandle | null, minBytes: number): Promise<FastRead | { readonly ok: false; readonly reason: string }> {
  let table: OpenedTable;
  try {
    table = await openTable(path, opts, REQUIRED);
  } catch (err) {
    // The general path reports it, in its own words.
    return { ok: false, reason: `opening: ${(err as Error).message}` };
  }
  const xlsx = table.format === 'xlsx';
  const source = table.source as CsvSource;
  if (!xlsx) source.close(); // an xlsx source is closed by readXlsxFast
  const columns = {} as Record<Field, number>;
  const headers: Partial<Record<Field, string>> = {};
  for (const f of KNOWN) columns[f] = -1;
  for (const ch of table.mapping.choices) {
    if (!KNOWN.has(ch.field)) throw new Bail(`column ${ch.field} is not read by the fast path`);
    columns[ch.field] = ch.column;
    headers[ch.field] = ch.header;
  }
  const density = xlsx ? 0 : await rowsPerByte(source.path, source.bomBytes);
  const spec: FastSpec = {
    file: source.file,
    path,
    encoding: xlsx ? 'utf-8' : source.encoding,
    delimiter: xlsx ? ',' : source.delimiter,
    bomBytes: xlsx ? 0 : source.bomBytes,
    headerLine: table.headerRow.row,
    columns,
    headers,
    dateOrder: opts.dateOrder ?? null,
    decimal: opts.decimal ?? null,
    defaultCurrency: opts.defaultCurrency,
    defaultTermsDays: opts.defaultTermsDays,
    maxWaiting: options.maxWaiting ?? 50_000,
    expectedRows: xlsx ? 0 : Math.ceil((size - source.bomBytes) * density * 1.02) + 16, // xlsx: estimated by readXlsxFast
  };
  const { rd, split } = xlsx
    ? { rd: await readXlsxFast(table, spec), split: { used: false, at: null, reason: 'an xlsx file' } }
    : await readFile(spec, size, table.headers.length, options, threads, worker, minBytes);
  rd.finish(options.grouping);
  const items = liveItems(rd);
  if (items === 0 && rd.stats.notReceivable === 0) throw new Bail('no invoice rows');
  // The general reader's diagnostics name the sheet (formatDiagnostic: "file › sheet › …").
  const warnings = warningsOf(rd, table).map((d) => ({ ...d, sheet: table.source.sheet }));
  const dateOrder: { order: DateOrder | null; reason: string } = opts.dateOrder
    ? { order: opts.dateOrder, reason: 'given (--date-order or config dateOrder)' }
    : rd.dmy && rd.mdy
      ? { order: null, reason: 'mixed (no ambiguous dates)' }
      : rd.dmy
        ? { order: 'dmy', reason: `day first: row ${rd.dmy.row} has ${rd.dmy.column} ${rd.dmy.text}` }
        : rd.mdy
          ? { order: 'mdy', reason: `month first: row ${rd.mdy.row} has ${rd.mdy.column} ${rd.mdy.text}` }
          : { order: null, reason: 'not needed (no day/month dates)' };
  const read: LedgerRead = {
    file: source.file,
    path,
    format: table.format,
    sheet: table.source.sheet,
    sheets: table.sheets,
    sheetReason: table.sheetReason,
    encoding: table.encoding,
    delimiter: table.delimiter,
    headerRow: table.headerRow.row,
    headers: table.headers,
    mapping: table.mapping,
    dateOrder,
    // The fast path keeps no Invoice objects; `aging` needs only its report (fastLedger makes them).
    invoices: [],
    rejected: [],
    warnings,
    stats: rd.stats,
  };
  return { rd, table, read, split, items };
}

/**
 * The invoices readLedger would give, from the reader's columns: resolveDuplicates' order (keys by
 * first row — a key's first item is not a MEMBER —, each key's items in the order their due dates
 * appeared), the customer's texts shared by the rows of one spelling.
 */
function invoicesOf(rd: FastReader, read: LedgerRead): Invoice[] {
  const { due, inv, paid, amount, open, party, row, next, currency, flags, n } = rd.items;
  const out: Invoice[] = [];
  const { file, sheet } = read;
  for (let head = 0; head < n; head++) {
    if (flags[head]! & FLAG_MEMBER) continue;
    for (let k = head; k !== -1; k = next[k]!) {
      const p = rd.partyInfo[party[k]!]!;
      const t = p.texts;
      out.push({
        customerKey: rd.customerKeys[p.customer]!,
        customer: p.display,
        customerId: t[1]!,
        invoice: rd.invoiceText(k),
        currency: rd.currencies[currency[k]!]!,
        invoiceDate: inv[k] === NO_DAY ? null : inv[k]!,
        dueDate: due[k]!,
        amount: amount[k]!,
        open: open[k]!,
        paidDate: paid[k] === NO_DAY ? null : paid[k]!,
        paidByStatus: (flags[k]! & FLAG_PAID_BY_STATUS) !== 0,
        disputed: (flags[k]! & FLAG_DISPUTED) !== 0,
        email: t[2]!,
        phone: t[3]!,
        contact: t[4]!,
        salesRep: t[5]!,
        language: t[6]!,
        segment: t[7]!,
        source: { file, sheet, row: row[k]! },
      });
    }
  }
  return out;
}

/**
 * Reads the whole file into a reader: in two parts when it is worth it (see the header), else in
 * one. Bail and InputError (bad bytes, a quote never closed) propagate.
 *
 * Where to cut: this thread starts reading at once; the worker needs ~0.1 s (more on a busy
 * machine) before it can read a byte, so the cut is made when it says it is ready, in the middle
 * of what is left — both parts then take about as long. (Tests give the place: splitAt.)
 */
async function readFile(spec: FastSpec, size: number, fields: number, aging: FastReadOptions, threads: string, worker: WorkerHandle | null, minBytes: number): Promise<{ rd: FastReader; split: FastAgingSplit }> {
  const chunkBytes = aging.chunkBytes ?? 1 << 20;
  const { bomBytes } = spec;
  let reason = threads === 'off' ? 'threads off' : 'a small file';
  if (threads === 'auto' && size >= minBytes && !worker) reason = availableParallelism() < 2 ? 'one core' : 'no worker script';
  let twoParts = threads === 'inline' || worker !== null;
  if (twoParts && spec.encoding !== 'utf-8' && spec.encoding !== 'windows-1252') {
    reason = `${spec.encoding}: not cut`;
    twoParts = false;
  }
  // Two parts: one set of item columns in shared memory, a region for each part (with 5 % to
  // spare: a part that outgrows its region goes on in memory of its own, and is copied at the join).
  const all = twoParts ? new Items(Math.ceil(spec.expectedRows * 1.05) + 2048, true) : null;
  const rd = new FastReader(spec, all ? Items.view(all, 0, all.capacity) : undefined);
  const rowsPerByte = spec.expectedRows / Math.max(1, size - bomBytes);
  const progress = (pos: number): void => {
    reportReadProgress(spec.file, pos + (worker?.done ?? 0), size, rd.stats.dataRows + (worker?.rows ?? 0));
  };
  // Repeated invoices will be found by sorting (FastReader.finish): each part sorts its own.
  const sorting = aging.grouping === 'sort' || (aging.grouping !== 'table' && spec.expectedRows > 1 << 18);
  const ps = await PartScanner.open(spec, rd, bomBytes, chunkBytes);
  try {
    let cut: number | null = null;
    let used = false;
    if (twoParts) {
      let at = aging.splitAt ?? null;
      if (at === null) {
        if (worker) await ps.readTo(Infinity, progress, () => worker.ready);
        const left = size - ps.pos;
        if (left >= MIN_WORKER_BYTES || threads === 'inline') at = ps.pos + Math.floor(left / 2);
        else reason = 'the worker was ready when little was left: read on one thread';
      }
      if (at !== null) {
        cut = at > ps.pos && at < size ? await findCut(spec.path, at, spec.delimiter, fields) : null;
        if (cut === null) reason = 'no line end to cut at';
      }
    }
    if (cut !== null && all) {
      // This part's region ends where its rows up to the cut (estimated from the bytes) fit.
      const estimate = Math.ceil((rd.items.n + (cut - ps.pos) * rowsPerByte) * 1.05) + 1024;
      const region = rd.items.grown ? Math.min(all.capacity, estimate) : Math.max(rd.items.n, Math.min(all.capacity - 1024, estimate));
      if (!rd.items.grown) rd.items.limit(region);
      const job: WorkerJob = {
        spec: { ...spec, headerLine: 0, expectedRows: Math.ceil((size - cut) * rowsPerByte) },
        from: cut,
        chunkBytes,
        sort: sorting,
        region: { items: all, from: region, to: all.capacity },
      };
      worker?.send(job);
      await ps.readTo(cut, progress);
      if (!ps.atRecordStart) reason = 'the cut fell inside a record (a quoted line end): read on one thread';
      else if (ps.scanner.nextLine <= spec.headerLine) reason = 'the cut fell in the header';
      else if (rd.queue.length) reason = 'rows wait for the day/month order or the decimal separator at the cut: read on one thread';
      else {
        // This part's share of the sorting for repeated invoices, while the worker finishes its own.
        if (sorting) rd.sortPending();
        const reply = worker ? await worker.reply : await inline(job);
        const lineOffset = ps.scanner.nextLine - 1;
        if (reply.type === 'done') {
          rd.absorb(reply.part, lineOffset, { all, at: region });
          used = true;
          reason = threads === 'inline' ? 'two parts, read one after the other' : 'two threads';
        } else if (reply.type === 'failed' && reply.definitive) {
          throw new Bail(reply.what, reply.row === null ? null : reply.row + lineOffset);
        } else reason = `the worker's part was not used (${reply.type === 'failed' ? reply.what : reply.message}): read on one thread`;
      }
    }
    // A worker whose part was used idles until fastAging returns (see fastworker.ts).
    if (!used) {
      worker?.stop();
      await ps.readTo(Infinity, progress);
      ps.finish();
    }
    return { rd, split: { used, at: cut, reason } };
  } catch (err) {
    if (err instanceof Bail) throw err;
    throw csvError(err, spec.file, spec.encoding);
  } finally {
    reportReadProgress(spec.file, size, size, rd.stats.dataRows, true);
    await ps.close();
  }
}

/** The worker's part, read on this thread (threads: 'inline'), through a structured clone like a message. */
async function inline(job: WorkerJob): Promise<WorkerReply> {
  const { reply, transfer } = await readPart(job);
  return structuredClone(reply, { transfer });
}

// ---------- the report ----------

/** Items that are not lines collapsed into an earlier one. */
function liveItems(rd: FastReader): number {
  let n = 0;
  const flags = rd.items.flags;
  for (let k = 0; k < rd.items.n; k++) if (!(flags[k]! & FLAG_DROPPED)) n++;
  return n;
}

/** Per group, one run of numbers (a cache line or two, not one array per figure): */
const G_COUNT = 0;
const G_BALANCE = 1;
const G_OLDEST = 2; // -1: nothing positive overdue
const G_CRITICAL = 3;
const G_BUCKETS = 4;

function buildReport(rd: FastReader, opts: FastAgingOptions, hasPaidDates: boolean): AgingReport {
  const it = rd.items;
  const labels = bucketLabels(opts.bounds);
  const nb = labels.length;
  const nf = CONTACT.length;
  const nCur = rd.currencies.length;
  const nParties = rd.partyInfo.length;
  const stride = G_BUCKETS + nb;
  // Groups (customer, currency), numbered as first met in key order.
  const groupOf = new Int32Array(rd.customerKeys.length * nCur).fill(-1);
  const gCustomer: number[] = [];
  const gCurrency: number[] = [];
  let g = new Float64Array(stride * 1024);
  // The first row of each (spelling, currency) among open items: the contact details of a group
  // are the first non-empty ones in row order (core/aging.ts firstNonEmpty), settled after the loop.
  const NO_ROW = 0x7fffffff;
  const partyRow = new Int32Array(nParties * nCur).fill(NO_ROW);
  // A scratch Invoice for openAsOf: the one rule of "open on the as-of date" is core/ledger.ts's.
  const scratch = { invoiceDate: null as Day | null, dueDate: 0, amount: 0, open: 0, paidDate: null as Day | null, paidByStatus: false } as { -readonly [K in keyof Invoice]: Invoice[K] };
  const periodStart = opts.asOf - opts.periodDays;
  const sales = new Map<number, Map<Day, number>>();
  const beginning = new Float64Array(nCur);
  const creditSales = new Float64Array(nCur);
  const late = new Map<number, { weighted: number; amount: number }>();
  const { due, inv, paid, amount: amounts, open: opens, party, row: rows, next, currency, flags } = it;
  const { partyCustomer } = rd;
  const bounds = opts.bounds;
  // resolveDuplicates' order: keys by first row (a key's first item is not a MEMBER), each key's
  // items in the order their due dates appeared.
  for (let head = 0; head < it.n; head++) {
    if (flags[head]! & FLAG_MEMBER) continue;
    for (let k = head; k !== -1; k = next[k]!) {
      scratch.invoiceDate = inv[k] === NO_DAY ? null : inv[k]!;
      scratch.dueDate = due[k]!;
      scratch.amount = amounts[k]!;
      scratch.open = opens[k]!;
      scratch.paidDate = paid[k] === NO_DAY ? null : paid[k]!;
      scratch.paidByStatus = (flags[k]! & FLAG_PAID_BY_STATUS) !== 0;
      const pi = party[k]!;
      const cur = currency[k]!;
      const gkey = partyCustomer[pi]! * nCur + cur;
      if (hasPaidDates) {
        // core/metrics.ts: credit sales by month, the receivables at the start of the CEI period,
        // the credit sales inside it, and days late of what was settled by as-of.
        const amount = scratch.amount;
        const invDay = scratch.invoiceDate;
        if (invDay !== null && invDay <= opts.asOf && amount > 0) {
          let m = sales.get(cur);
          if (!m) sales.set(cur, (m = new Map()));
          const start = monthStart(invDay);
          m.set(start, (m.get(start) ?? 0) + amount);
        }
        const atStart = openAsOf(scratch as Invoice, periodStart);
        if (atStart !== null) beginning[cur]! += atStart;
        if (amount > 0 && invDay !== null && invDay > periodStart && invDay <= opts.asOf) creditSales[cur]! += amount;
        const paidDay = scratch.paidDate;
        if (paidDay !== null && paidDay <= opts.asOf && amount > 0) {
          let a = late.get(gkey);
          if (!a) late.set(gkey, (a = { weighted: 0, amount: 0 }));
          a.weighted += amount * Math.max(0, paidDay - scratch.dueDate);
          a.amount += amount;
        }
      }
      const open = openAsOf(scratch as Invoice, opts.asOf);
      if (open === null) continue;
      let gi = groupOf[gkey]!;
      if (gi < 0) {
        gi = gCustomer.length;
        groupOf[gkey] = gi;
        gCustomer.push(partyCustomer[pi]!);
        gCurrency.push(cur);
        if ((gi + 1) * stride > g.length) {
          const bigger = new Float64Array(g.length * 2);
          bigger.set(g);
          g = bigger;
        }
        g[gi * stride + G_OLDEST] = -1;
      }
      const at = gi * stride;
      const daysOverdue = opts.asOf - scratch.dueDate;
      const ageDays = opts.basis === 'invoice' ? opts.asOf - (scratch.invoiceDate ?? scratch.dueDate) : daysOverdue;
      g[at + G_COUNT]!++;
      g[at + G_BUCKETS + bucketIndex(ageDays, bounds)]! += open;
      g[at + G_BALANCE]! += open;
      if (open > 0 && daysOverdue > 0) {
        if (daysOverdue > g[at + G_OLDEST]!) g[at + G_OLDEST] = daysOverdue;
        if (daysOverdue > opts.criticalDays) g[at + G_CRITICAL]! += open;
      }
      const pr = pi * nCur + cur;
      const row = rows[k]!;
      if (row < partyRow[pr]!) partyRow[pr] = row;
    }
  }
  // Contact details: per group and field, the spelling with the earliest row that has one.
  const nGroups = gCustomer.length;
  const bestRow = new Int32Array(nGroups * nf).fill(NO_ROW);
  const bestParty = new Int32Array(nGroups * nf).fill(-1);
  for (let pi = 0; pi < nParties; pi++) {
    const mask = rd.partyMask[pi]!;
    for (let cur = 0; cur < nCur; cur++) {
      const row = partyRow[pi * nCur + cur]!;
      if (row === NO_ROW) continue;
      const base = groupOf[partyCustomer[pi]! * nCur + cur]! * nf;
      for (let m = mask; m !== 0; m &= m - 1) {
        const f = 31 - Math.clz32(m & -m); // the lowest field not empty in this spelling
        if (row < bestRow[base + f]!) {
          bestRow[base + f] = row;
          bestParty[base + f] = pi;
        }
      }
    }
  }
  const contact = (gi: number, f: number): string | null => {
    const pi = bestParty[gi * nf + f]!;
    if (pi < 0) return null;
    const p = rd.partyInfo[pi]!;
    return f === 0 ? p.display : p.texts[f]!;
  };
  // The fast path keeps no item objects: only the count is known (renderers of `aging` use
  // items.length). Holey arrays, one per count, shared (nothing writes to them): reading an item
  // fails loudly rather than quietly, and 17k customers do not allocate 1M empty slots.
  const holes = new Map<number, AgedItem[]>();
  const itemsOf = (n: number): AgedItem[] => {
    let a = holes.get(n);
    if (!a) holes.set(n, (a = new Array<AgedItem>(n)));
    return a;
  };
  const customers: CustomerAging[] = gCustomer.map((customer, gi) => {
    const customerKey = rd.customerKeys[customer]!;
    const cur = rd.currencies[gCurrency[gi]!]!;
    const at = gi * stride;
    const oldest = g[at + G_OLDEST]!;
    const buckets: number[] = [];
    for (let b = 0; b < nb; b++) buckets.push(g[at + G_BUCKETS + b]!);
    return {
      id: `${customerKey}\u0000${cur}`,
      customerKey,
      customer: contact(gi, 0) ?? customerKey,
      customerId: contact(gi, 1),
      email: contact(gi, 2),
      phone: contact(gi, 3),
      contact: contact(gi, 4),
      salesRep: contact(gi, 5),
      language: contact(gi, 6),
      segment: contact(gi, 7),
      currency: cur,
      balance: g[at + G_BALANCE]!,
      buckets,
      oldestDaysOverdue: oldest < 0 ? null : oldest,
      items: itemsOf(g[at + G_COUNT]!),
      critical: g[at + G_CRITICAL]! > 0,
      criticalAmount: g[at + G_CRITICAL]!,
    };
  });
  customers.sort(compareCustomers);
  const totals = currencyTotals(customers, nb);
  const metrics: CurrencyMetrics[] = totals.map((t) => {
    const cur = rd.currencyIndex.get(t.currency)!;
    // Mirrors core/metrics.ts currencyMetrics (test/perf/fast-path.test.ts fails when they drift):
    // without paid dates the ledger has no record of what was sold and collected, so no DSO.
    const dso = hasPaidDates ? countbackDso(t.balance, sales.get(cur) ?? new Map(), opts.asOf) : null;
    const atRiskRate = t.balance > 0 ? t.criticalAmount / t.balance : null;
    const cei = hasPaidDates ? collectionEffectiveness(beginning[cur]!, creditSales[cur]!, t.balance, t.buckets[0] ?? 0) : null;
    return { currency: t.currency, dso, atRiskRate, cei, ceiPeriod: hasPaidDates ? { from: periodStart + 1, to: opts.asOf } : null };
  });
  const daysLate = new Map<string, number>();
  for (const [gkey, a] of late) {
    const customer = Math.floor(gkey / nCur);
    daysLate.set(`${rd.customerKeys[customer]}\u0000${rd.currencies[gkey % nCur]}`, weightedDaysLate(a.weighted, a.amount));
  }
  return {
    asOf: opts.asOf,
    basis: opts.basis,
    criticalDays: opts.criticalDays,
    bucketLabels: labels,
    customers,
    totals,
    metrics,
    ...(hasPaidDates ? { daysLate } : {}),
  };
}

/** readLedger's warnings after the rows, in its order. */
function warningsOf(rd: FastReader, table: OpenedTable): Diagnostic[] {
  const file = rd.spec.file;
  const out: Diagnostic[] = [];
  const warn = (code: Diagnostic['code'], message: string, column: string | null = null): void => {
    out.push({ code, severity: 'warning', file, sheet: null, row: null, column, value: null, message });
  };
  if (!rd.spec.dateOrder && rd.dmy && rd.mdy) {
    const { dmy, mdy } = rd;
    warn('mixed-date-order', `dates are day-first in some rows (row ${dmy.row}: ${dmy.column} ${dmy.text}) and month-first in others (row ${mdy.row}: ${mdy.column} ${mdy.text}): check the file`);
  }
  out.push(...rd.dueBeforeInvoice);
  const statusHeader = table.mapping.choices.find((c) => c.field === 'status')?.header ?? null;
  for (const [status, n] of rd.unknownStatuses) {
    warn('unknown-status', `${n} row(s) have status ${JSON.stringify(status)}, which is not a known word for draft/void/paid: read as open`, statusHeader);
  }
  const s = rd.stats;
  if (s.linesCollapsed) warn('lines-collapsed', `${s.linesCollapsed} repeated row(s) were lines of an invoice already counted (same due date and amounts): counted once`);
  if (s.instalmentInvoices) warn('instalments', `${s.instalmentInvoices} invoice(s) have several due dates: each instalment is aged by its own due date`);
  if (s.credits) warn('credits', `${s.credits} credit(s) (negative amounts) found: they reduce their customer's balance and are never overdue`);
  if (s.notReceivable) warn('not-receivable', `${s.notReceivable} row(s) are draft, void or cancelled: not receivables`);
  if (table.mapping.choices.some((c) => c.field === 'email')) {
    // Customers none of whose items has an email, named in the order of their items.
    const { next, party, flags, n } = rd.items;
    const { partyCustomer, partyMask } = rd;
    const emailBit = 1 << EMAIL_FIELD;
    const withEmail = new Uint8Array(rd.customerKeys.length);
    const seen = new Uint8Array(rd.customerKeys.length);
    for (let head = 0; head < n; head++) {
      if (flags[head]! & FLAG_MEMBER) continue;
      for (let k = head; k !== -1; k = next[k]!) {
        const pi = party[k]!;
        const cu = partyCustomer[pi]!;
        seen[cu] = 1;
        if (partyMask[pi]! & emailBit) withEmail[cu] = 1;
      }
    }
    let missing = 0;
    for (let cu = 0; cu < seen.length; cu++) if (seen[cu] && !withEmail[cu]) missing++;
    if (missing) {
      const names: string[] = [];
      const named = new Set<string>();
      outer: for (let head = 0; head < n; head++) {
        if (flags[head]! & FLAG_MEMBER) continue;
        for (let k = head; k !== -1; k = next[k]!) {
          const p = rd.partyInfo[party[k]!]!;
          if (withEmail[p.customer] || named.has(p.display)) continue;
          named.add(p.display);
          names.push(p.display);
          if (names.length === 5) break outer;
        }
      }
      warn('missing-email', `${missing} customer(s) have no email address: ${names.join(', ')}${missing > 5 ? ', …' : ''}`);
    }
  }
  return out;
}
