// The aging fast path: a CSV ledger straight to the aging report, in bounded memory. It streams the
// file's bytes through the scanner (csvscan.ts) into compact per-invoice columns (typed arrays:
// dates as Int32 days, amounts as float64 holding integer minor units, indexes of the customer
// and the currency, flags) — no object per row, no string per row: an invoice costs ~80 bytes
// (see `memory` in the result), and the customers' names and contact details are kept once per
// distinct spelling.
//
// It applies the general reader's rules (read.ts: RowReader.accept, toInvoices,
// resolveDuplicates, the warnings of readLedger) and the aging core's (core/aging.ts ageLedger,
// core/metrics.ts), and gives up — returns { ok: false, reason } so that the caller runs the
// general path — whenever the file needs anything it does not do exactly the same way: a row the
// general reader would reject or skip (bad value, missing value, totals row, conflicting
// duplicate), a column it does not know, more rows waiting for the day/month order or the
// decimal separator than it keeps aside, an xlsx file, --payments, --group-by. So its output is
// the general path's, by construction and by test (test/perf/fast-path.test.ts compares the JSON
// reports on generated ledgers with every feature the reader has).
import { open as openFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { bucketIndex, bucketLabels, compareCustomers, currencyTotals, type AgingOptions, type AgingReport, type CustomerAging } from '../core/aging.js';
import { isoOfDay, type Day } from '../core/dates.js';
import { openAsOf, type Invoice } from '../core/ledger.js';
import { collectionEffectiveness, countbackDso, weightedDaysLate, type CurrencyMetrics } from '../core/metrics.js';
import { currencyExponent, decimalToMinor } from '../core/money.js';
import { InputError } from '../errors.js';
import { BytesTable, hashBytes } from './bytestable.js';
import { REQUIRED, type Field } from './columns.js';
import { csvError, fieldText, utf8Feeder, type CsvSource } from './csv.js';
import { CsvScanner, ESCAPED, type CsvRecord } from './csvscan.js';
import type { Diagnostic } from './diagnostics.js';
import { AMBIGUOUS, ERROR, NO_DAY, NOT_HANDLED, OK, parseAmountBytes, parseDateBytes, type AmountResult, type DateResult, type OrderCode } from './fastvalues.js';
import { reportReadProgress } from './progress.js';
import { customerKeyOf, type LedgerRead, type ReadOptions, type ReadStats } from './read.js';
import { openTable, type OpenedTable } from './source.js';
import { classifyStatus, parseAmount, parseCurrency, parseDate, parseFlag, parseTermsDays, type DateOrder, type StatusKind } from './values.js';

export interface FastAgingOptions extends AgingOptions {
  /** Length of the CEI period ending on as-of (core/metrics.ts MetricsOptions.periodDays). */
  readonly periodDays: number;
  /** Rows kept aside while the day/month order or the decimal separator is unknown (default 50,000). */
  readonly maxWaiting?: number;
  /** Bytes per read (default 1 MiB). */
  readonly chunkBytes?: number;
}

export interface FastAgingMemory {
  /** Distinct (customer, invoice) keys, and items (instalments count apart). */
  readonly invoices: number;
  readonly items: number;
  /** Bytes held by the per-invoice columns and the invoice-key table at the end. */
  readonly bytes: number;
  readonly bytesPerInvoice: number;
}

export type FastAgingResult =
  | { readonly ok: true; readonly read: LedgerRead; readonly report: AgingReport; readonly memory: FastAgingMemory }
  | { readonly ok: false; readonly reason: string };

/** The fields the fast path reads; a mapping with any other field goes to the general path. */
const KNOWN: ReadonlySet<Field> = new Set<Field>([
  'customer', 'customerId', 'invoice', 'series', 'amount', 'paid', 'balance', 'invoiceDate', 'dueDate', 'paidDate',
  'termsDays', 'status', 'disputed', 'currency', 'email', 'phone', 'contact', 'salesRep', 'language', 'segment',
]);

/** Contact fields kept per distinct spelling, in Invoice/CustomerAging order. */
const CONTACT = ['customer', 'customerId', 'email', 'phone', 'contact', 'salesRep', 'language', 'segment'] as const;
type ContactField = (typeof CONTACT)[number];

class Bail extends Error {}

function bail(reason: string): never {
  throw new Bail(reason);
}

const DOT = 46;
const COMMA = 44;
const NO_TERMS = -1;
const STATUS_OPEN = 0;
const STATUS_PAID = 1;
const STATUS_EXCLUDED = 2;
const FLAG_PAID_BY_STATUS = 1;

/** A customer as spelled on some row: the trimmed texts of its name, id and contact columns. */
interface Party {
  /** customer, customerId, email, phone, contact, salesRep, language, segment (null: empty). */
  readonly texts: readonly (string | null)[];
  /** Invoice.customer: the name, else the id. */
  readonly display: string;
  readonly customer: number;
}

/** One parsed row. A scratch instance serves the common case; a copy waits in the queue. */
class Parsed {
  row = 0;
  key = 0;
  party = 0;
  currency = 0;
  status = STATUS_OPEN;
  terms = NO_TERMS;
  // Dates: value (NO_DAY: empty), the month/day reading when ambiguous.
  inv = NO_DAY;
  invAlt = NO_DAY;
  invAmb = false;
  due = NO_DAY;
  dueAlt = NO_DAY;
  dueAmb = false;
  paid = NO_DAY;
  paidAlt = NO_DAY;
  paidAmb = false;
  // Amounts: present, value (grouping reading when ambiguous), decimal reading, ambiguous separator.
  hasAmt = false;
  amt = 0;
  amtAlt = 0;
  amtSep = 0;
  hasPay = false;
  pay = 0;
  payAlt = 0;
  paySep = 0;
  hasBal = false;
  bal = 0;
  balAlt = 0;
  balSep = 0;

  copy(): Parsed {
    return Object.assign(new Parsed(), this);
  }

  get ambiguous(): boolean {
    return this.invAmb || this.dueAmb || this.paidAmb || this.amtSep !== 0 || this.paySep !== 0 || this.balSep !== 0;
  }
}

/** Growable typed columns, one entry per item (an invoice, or one instalment of it). */
class Items {
  n = 0;
  due = new Int32Array(1024);
  inv = new Int32Array(1024);
  paid = new Int32Array(1024);
  amount = new Float64Array(1024);
  open = new Float64Array(1024);
  party = new Int32Array(1024);
  row = new Int32Array(1024);
  /** Next item of the same (customer, invoice) key (instalments), or -1. */
  next = new Int32Array(1024);
  currency = new Uint16Array(1024);
  flags = new Uint8Array(1024);

  add(): number {
    if (this.n === this.due.length) this.grow();
    return this.n++;
  }

  get bytes(): number {
    return this.due.byteLength + this.inv.byteLength + this.paid.byteLength + this.amount.byteLength + this.open.byteLength
      + this.party.byteLength + this.row.byteLength + this.next.byteLength + this.currency.byteLength + this.flags.byteLength;
  }

  private grow(): void {
    const n = this.due.length * 2;
    const g = <T extends Int32Array | Float64Array | Uint16Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a as never);
      return b;
    };
    this.due = g(this.due, (k) => new Int32Array(k));
    this.inv = g(this.inv, (k) => new Int32Array(k));
    this.paid = g(this.paid, (k) => new Int32Array(k));
    this.amount = g(this.amount, (k) => new Float64Array(k));
    this.open = g(this.open, (k) => new Float64Array(k));
    this.party = g(this.party, (k) => new Int32Array(k));
    this.row = g(this.row, (k) => new Int32Array(k));
    this.next = g(this.next, (k) => new Int32Array(k));
    this.currency = g(this.currency, (k) => new Uint16Array(k));
    this.flags = g(this.flags, (k) => new Uint8Array(k));
  }
}

/**
 * Answers for short, repetitive columns (currency, status, flags, terms), keyed by the cell's
 * bytes: "MXN" on a million rows is one decode and one parseCurrency, not a million.
 */
class CellCache<T> {
  private readonly keys = new BytesTable(64);
  private readonly values: T[] = [];
  private readonly texts: (string | null)[] = [];
  constructor(private readonly compute: (text: string) => T) {}

  /** The answer for cell `col` of `r` (trimmed text → compute), and its trimmed text in `lastText`. */
  get(r: CsvRecord, col: number): T {
    const s = r.starts[col]!;
    const e = r.ends[col]!;
    // The quoting kind is part of the key: "a""b" and a"b are different bytes for the same text.
    const h = hashBytes(r.buf, s, e, r.quoted[col] === ESCAPED ? 0x2bd5f1a3 : 0x811c9dc5);
    let id = this.keys.size < 4096 ? this.keys.find(r.buf, s, e, h) : -1;
    if (id < 0 || this.quotedOf[id] !== (r.quoted[col] === ESCAPED)) {
      const text = fieldText(r, col).trim();
      const v = this.compute(text);
      if (this.keys.size >= 4096) {
        this.lastText = text;
        return v;
      }
      id = this.keys.intern(r.buf, s, e, h);
      this.values[id] = v;
      this.texts[id] = text;
      this.quotedOf[id] = r.quoted[col] === ESCAPED;
    }
    this.lastText = this.texts[id]!;
    return this.values[id]!;
  }

  lastText: string | null = null;
  private readonly quotedOf: boolean[] = [];
}

function isBlankByte(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

interface Proof {
  readonly row: number;
  readonly column: string;
  readonly text: string;
}

class FastReader {
  readonly stats: ReadStats = { dataRows: 0, acceptedRows: 0, rejectedRows: 0, summaryRows: 0, noteRows: 0, notReceivable: 0, linesCollapsed: 0, instalmentInvoices: 0, credits: 0 };
  readonly items = new Items();
  readonly keys = new BytesTable(4096);
  /** Per key: its first item, or -1 while its row waits in the queue. */
  keyHead = new Int32Array(4096);
  readonly parties = new BytesTable(256);
  readonly partyInfo: Party[] = [];
  readonly customerKeys: string[] = [];
  readonly customerIndex = new Map<string, number>();
  readonly currencies: string[] = [];
  readonly currencyIndex = new Map<string, number>();
  readonly unknownStatuses = new Map<string, number>();
  readonly dueBeforeInvoice: Diagnostic[] = [];
  dmy: Proof | null = null;
  mdy: Proof | null = null;
  ambiguousDate = false;
  readonly decimalProof = { [COMMA]: 0, [DOT]: 0 } as Record<number, number>;
  readonly queue: Parsed[] = [];
  private readonly scratch = new Parsed();
  private readonly date: DateResult = { kind: 0, day: 0, alt: 0, proves: 0 };
  private readonly amount: AmountResult = { kind: 0, minor: 0, alt: 0, sep: 0 };
  private keyBuf = new Uint8Array(256);
  private partyBuf = new Uint8Array(256);
  private rec: CsvRecord | null = null;
  private readonly headerLine: number;
  private readonly order: OrderCode;
  private readonly decimal: number;
  // Column indexes (-1: not mapped).
  private readonly c: Record<Field, number>;
  private readonly header: Partial<Record<Field, string>>;
  private readonly partyColumns: readonly number[];
  private readonly statusCache = new CellCache<StatusKind>((t) => classifyStatus(t));
  private readonly currencyCache: CellCache<string | null>;
  private readonly flagCache = new CellCache<boolean | null>((t) => parseFlag(t));
  private readonly termsCache = new CellCache<number | null>((t) => parseTermsDays(t));
  private readonly exponents: number[] = [];

  constructor(
    readonly table: OpenedTable,
    readonly opts: ReadOptions,
    private readonly maxWaiting: number,
  ) {
    this.headerLine = table.headerRow.row;
    const o = opts.dateOrder ?? null;
    this.order = o === 'dmy' ? 1 : o === 'mdy' ? 2 : o === 'ymd' ? 3 : 0;
    this.decimal = opts.decimal === ',' ? COMMA : opts.decimal === '.' ? DOT : 0;
    const c = {} as Record<Field, number>;
    const header: Partial<Record<Field, string>> = {};
    for (const f of KNOWN) c[f] = -1;
    for (const ch of table.mapping.choices) {
      if (!KNOWN.has(ch.field)) bail(`column ${ch.field} is not read by the fast path`);
      c[ch.field] = ch.column;
      header[ch.field] = ch.header;
    }
    this.c = c;
    this.header = header;
    this.partyColumns = CONTACT.map((f) => c[f]);
    this.currencyCache = new CellCache((t) => parseCurrency(t, opts.defaultCurrency));
    this.keyHead.fill(-1);
  }

  // ---------- cells ----------

  private present(col: number): boolean {
    const r = this.rec!;
    if (col < 0 || col >= r.count) return false;
    const buf = r.buf;
    const e = r.ends[col]!;
    for (let i = r.starts[col]!; i < e; i++) {
      const b = buf[i]!;
      if (isBlankByte(b)) continue;
      if (b < 128) return true;
      return fieldText(r, col).trim() !== '';
    }
    return false;
  }

  /** The cell's text as stored (untrimmed), or null for an empty cell (like an EMPTY Cell). */
  private raw(col: number): string | null {
    if (!this.present(col)) return null;
    return fieldText(this.rec!, col);
  }

  /** cellLabel of the cell: trimmed text, or null. */
  private text(col: number): string | null {
    const v = this.raw(col);
    return v === null ? null : v.trim();
  }

  private parseDay(field: 'invoiceDate' | 'dueDate' | 'paidDate', p: Parsed): void {
    const col = this.c[field];
    let day = NO_DAY;
    let alt = NO_DAY;
    let amb = false;
    if (this.present(col)) {
      const r = this.rec!;
      const d = this.date;
      if (r.quoted[col] !== ESCAPED) parseDateBytes(r.buf, r.starts[col]!, r.ends[col]!, this.order, d);
      else d.kind = NOT_HANDLED;
      let proves = 0;
      if (d.kind === NOT_HANDLED) {
        const parsed = parseDate(fieldText(r, col), this.opts.dateOrder ?? null);
        if (parsed.kind === 'error') bail(`row ${p.row}: a date the general reader rejects`);
        if (parsed.kind === 'ambiguous') {
          d.kind = AMBIGUOUS;
          d.day = parsed.dmy;
          d.alt = parsed.mdy;
        } else {
          d.kind = OK;
          d.day = parsed.day;
          proves = parsed.proves === 'dmy' ? 1 : parsed.proves === 'mdy' ? 2 : 0;
        }
      } else proves = d.proves;
      if (d.kind === ERROR) bail(`row ${p.row}: a date the general reader rejects`);
      day = d.day;
      if (d.kind === AMBIGUOUS) {
        alt = d.alt;
        amb = true;
        this.ambiguousDate = true;
      } else if (proves === 1 && !this.dmy) this.dmy = { row: p.row, column: this.header[field]!, text: fieldText(r, col).trim() };
      else if (proves === 2 && !this.mdy) this.mdy = { row: p.row, column: this.header[field]!, text: fieldText(r, col).trim() };
      if (!this.opts.dateOrder && this.ambiguousDate && this.dmy && this.mdy) bail('dates are both day-first and month-first, with ambiguous ones: the general reader refuses the file');
    }
    if (field === 'invoiceDate') [p.inv, p.invAlt, p.invAmb] = [day, alt, amb];
    else if (field === 'dueDate') [p.due, p.dueAlt, p.dueAmb] = [day, alt, amb];
    else [p.paid, p.paidAlt, p.paidAmb] = [day, alt, amb];
  }

  /** Parses an amount cell into out (kind OK or AMBIGUOUS), or returns false for an empty cell. */
  private parseMinor(col: number, exp: number, row: number): boolean {
    if (!this.present(col)) return false;
    const r = this.rec!;
    const a = this.amount;
    if (r.quoted[col] !== ESCAPED) parseAmountBytes(r.buf, r.starts[col]!, r.ends[col]!, this.decimal, exp, a);
    else a.kind = NOT_HANDLED;
    if (a.kind === NOT_HANDLED) {
      const p = parseAmount(fieldText(r, col), this.opts.decimal ?? null);
      if (p.kind === 'error') bail(`row ${row}: an amount the general reader rejects`);
      if (p.kind === 'ambiguous') {
        const g = decimalToMinor(p.asGrouping, exp);
        const d = decimalToMinor(p.asDecimal, exp);
        if (g === null || d === null) bail(`row ${row}: an amount the general reader rejects`);
        a.kind = AMBIGUOUS;
        a.minor = g;
        a.alt = d;
        a.sep = p.sep === ',' ? COMMA : DOT;
      } else {
        if (p.decimalSep) this.decimalProof[p.decimalSep === ',' ? COMMA : DOT]!++;
        const m = decimalToMinor(p.text, exp);
        if (m === null) bail(`row ${row}: an amount too large`);
        a.kind = OK;
        a.minor = m;
        a.sep = 0;
      }
      return true;
    }
    if (a.kind === ERROR) bail(`row ${row}: an amount the general reader rejects`);
    if (a.kind === OK) {
      if (a.sep) this.decimalProof[a.sep]!++;
      a.sep = 0;
    }
    return true;
  }

  // ---------- rows ----------

  readonly onRecord = (r: CsvRecord): void => {
    if (r.line <= this.headerLine) return;
    this.rec = r;
    this.accept(r);
    this.rec = null;
  };

  private accept(r: CsvRecord): void {
    let any = false;
    for (let i = 0; i < r.count && !any; i++) any = this.present(i);
    if (!any) return;
    const c = this.c;
    const p = this.scratch;
    p.row = r.line;
    this.stats.dataRows++;
    // The invoice number, with its series (read.ts: Serie + folio).
    const invoiceText = this.invoiceKey(p);
    if (!this.present(c.customer) && !this.present(c.customerId)) bail(`row ${p.row}: no customer`);
    // Status, currency, disputed, terms.
    let status: StatusKind = 'open';
    if (this.present(c.status)) {
      status = this.statusCache.get(r, c.status);
      const statusText = this.statusCache.lastText!;
      if (status === 'unknown') this.unknownStatuses.set(statusText, (this.unknownStatuses.get(statusText) ?? 0) + 1);
    }
    p.status = status === 'paid' ? STATUS_PAID : status === 'excluded' ? STATUS_EXCLUDED : STATUS_OPEN;
    let currency = this.opts.defaultCurrency;
    if (this.present(c.currency)) {
      const cur = this.currencyCache.get(r, c.currency);
      if (cur === null) bail(`row ${p.row}: a currency the general reader rejects`);
      currency = cur;
    }
    p.currency = this.currencyOf(currency);
    if (this.present(c.disputed) && this.flagCache.get(r, c.disputed) === null) bail(`row ${p.row}: a disputed flag the general reader rejects`);
    p.terms = NO_TERMS;
    if (this.present(c.termsDays)) {
      const t = this.termsCache.get(r, c.termsDays);
      if (t === null) bail(`row ${p.row}: terms the general reader rejects`);
      p.terms = t;
    }
    this.parseDay('invoiceDate', p);
    this.parseDay('dueDate', p);
    this.parseDay('paidDate', p);
    const exp = this.exponents[p.currency]!;
    const a = this.amount;
    p.hasAmt = this.parseMinor(c.amount, exp, p.row);
    if (p.hasAmt) [p.amt, p.amtAlt, p.amtSep] = [a.minor, a.alt, a.sep];
    else p.amtSep = 0;
    p.hasPay = this.parseMinor(c.paid, exp, p.row);
    if (p.hasPay) [p.pay, p.payAlt, p.paySep] = [a.minor, a.alt, a.sep];
    else p.paySep = 0;
    p.hasBal = this.parseMinor(c.balance, exp, p.row);
    if (p.hasBal) [p.bal, p.balAlt, p.balSep] = [a.minor, a.alt, a.sep];
    else p.balSep = 0;
    // checkInvoice: every row needs a customer, an invoice, an amount and a date.
    if (invoiceText === false) bail(`row ${p.row}: no invoice number`);
    if (!p.hasAmt && !p.hasBal) bail(`row ${p.row}: no amount`);
    if (p.inv === NO_DAY && p.due === NO_DAY) bail(`row ${p.row}: no date`);
    p.party = this.partyOf();
    if (p.status === STATUS_EXCLUDED) {
      this.stats.notReceivable++;
      return;
    }
    p.key = this.keyOf(p);
    // Rows are settled in file order: once one waits, the ones after it wait too.
    if (this.queue.length === 0 && this.settleable(p, false)) this.settle(p);
    else {
      this.queue.push(p.copy());
      if (this.queue.length > this.maxWaiting) bail(`more than ${this.maxWaiting} rows wait for the day/month order or the decimal separator`);
    }
    this.drain(false);
  }

  /** Builds the (customer, invoice) key in keyBuf from the invoice column; false when it is empty. */
  private keyLen = 0;
  private invoiceKey(p: Parsed): boolean {
    const r = this.rec!;
    const c = this.c;
    void p;
    this.keyLen = 0;
    if (!this.present(c.invoice)) return false;
    let s = r.starts[c.invoice]!;
    let e = r.ends[c.invoice]!;
    const buf = r.buf;
    while (s < e && isBlankByte(buf[s]!)) s++;
    while (e > s && isBlankByte(buf[e - 1]!)) e--;
    const simple = c.series < 0 && r.quoted[c.invoice] !== ESCAPED && buf[s]! < 128 && buf[e - 1]! < 128;
    if (simple) {
      this.ensureKey(e - s + 4);
      const kb = this.keyBuf;
      for (let i = s, k = 4; i < e; i++, k++) kb[k] = buf[i]!;
      this.keyLen = e - s + 4;
      return true;
    }
    const folio = this.text(c.invoice)!;
    const series = this.text(c.series);
    const text = series !== null && !folio.startsWith(series) ? `${series}-${folio}` : folio;
    const bytes = Buffer.from(text, 'utf8');
    this.ensureKey(bytes.length + 4);
    this.keyBuf.set(bytes, 4);
    this.keyLen = bytes.length + 4;
    return true;
  }

  private ensureKey(n: number): void {
    if (this.keyBuf.length < n) this.keyBuf = new Uint8Array(n * 2);
  }

  private keyOf(p: Parsed): number {
    const customer = this.partyInfo[p.party]!.customer;
    const kb = this.keyBuf;
    kb[0] = customer & 0xff;
    kb[1] = (customer >>> 8) & 0xff;
    kb[2] = (customer >>> 16) & 0xff;
    kb[3] = (customer >>> 24) & 0xff;
    const h = hashBytes(kb, 0, this.keyLen);
    const before = this.keys.size;
    const id = this.keys.intern(kb, 0, this.keyLen, h);
    if (this.keys.size !== before) {
      if (id >= this.keyHead.length) {
        const k = new Int32Array(this.keyHead.length * 2).fill(-1);
        k.set(this.keyHead);
        this.keyHead = k;
      }
      this.keyHead[id] = -1;
    }
    return id;
  }

  /** The row's customer spelling: name, id and contact columns, interned by their bytes. */
  private partyOf(): number {
    const r = this.rec!;
    const buf = r.buf;
    const cols = this.partyColumns;
    // The hash reads at most 24 bytes of each field (names and emails differ early); the
    // comparison with a stored spelling reads every byte, straight from the record.
    let h = 0x811c9dc5;
    let len = 0;
    for (let f = 0; f < cols.length; f++) {
      const col = cols[f]!;
      if (col >= 0 && col < r.count) {
        const s = r.starts[col]!;
        const e = r.ends[col]!;
        const stop = Math.min(e, s + 24);
        for (let i = s; i < stop; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
        h = Math.imul(h ^ (e - s) ^ (r.quoted[col] === ESCAPED ? 0x100 : 0), 0x01000193);
        len += e - s + 2;
      } else {
        h = Math.imul(h ^ 0xfc, 0x01000193);
        len += 2;
      }
    }
    this.partyLen = len;
    const found = this.parties.findWith(h, this.samePartyFn);
    if (found >= 0) return found;
    if (this.partyBuf.length < len) this.partyBuf = new Uint8Array(len * 2);
    const kb = this.partyBuf;
    let k = 0;
    for (const col of cols) {
      if (col >= 0 && col < r.count) {
        const e = r.ends[col]!;
        for (let i = r.starts[col]!; i < e; i++) kb[k++] = buf[i]!;
        kb[k++] = r.quoted[col] === ESCAPED ? 0xfe : 0xfd;
      } else kb[k++] = 0xfc;
      kb[k++] = 0xff; // never in UTF-8: fields cannot run into each other
    }
    const before = this.parties.size;
    const id = this.parties.intern(kb, 0, k, h);
    if (this.parties.size !== before) {
      const texts = this.partyColumns.map((col) => this.text(col));
      const [name, id2] = texts;
      const customerKey = customerKeyOf(name ?? '', id2 ?? null);
      let customer = this.customerIndex.get(customerKey);
      if (customer === undefined) {
        customer = this.customerKeys.length;
        this.customerKeys.push(customerKey);
        this.customerIndex.set(customerKey, customer);
      }
      this.partyInfo.push({ texts, display: name || id2 || '', customer });
    }
    return id;
  }

  private partyLen = 0;
  private readonly samePartyFn = (arena: Uint8Array, a: number, n: number): boolean => this.sameParty(arena, a, n);

  /** Whether the stored spelling arena[a, a + n) is this record's party columns (partyOf's layout). */
  private sameParty(arena: Uint8Array, a: number, n: number): boolean {
    if (n !== this.partyLen) return false;
    const r = this.rec!;
    const buf = r.buf;
    const starts = r.starts;
    const ends = r.ends;
    const count = r.count;
    const cols = this.partyColumns;
    let k = a;
    for (let f = 0; f < cols.length; f++) {
      const col = cols[f]!;
      if (col >= 0 && col < count) {
        const e = ends[col]!;
        for (let i = starts[col]!; i < e; i++, k++) if (arena[k] !== buf[i]) return false;
        if (arena[k] !== (r.quoted[col] === ESCAPED ? 0xfe : 0xfd)) return false;
        k += 2;
      } else {
        if (arena[k] !== 0xfc) return false;
        k += 2;
      }
    }
    return true;
  }

  private currencyOf(code: string): number {
    if (code === this.lastCurrency) return this.lastCurrencyIndex;
    let i = this.currencyIndex.get(code);
    if (i === undefined) {
      i = this.currencies.length;
      if (i > 0xffff) bail('too many currencies');
      this.currencies.push(code);
      this.currencyIndex.set(code, i);
      this.exponents.push(currencyExponent(code));
    }
    this.lastCurrency = code;
    this.lastCurrencyIndex = i;
    return i;
  }

  private lastCurrency = '';
  private lastCurrencyIndex = 0;

  // ---------- settling: the file-wide decisions (read.ts resolveDateOrder and pick) ----------

  /** 1 dmy, 2 mdy for ambiguous day/month dates; 0 while unknown. */
  private dateReading(): number {
    if (this.opts.dateOrder) return this.opts.dateOrder === 'mdy' ? 2 : 1;
    if (this.dmy && this.mdy) bail('dates are both day-first and month-first, with ambiguous ones');
    return this.dmy ? 1 : this.mdy ? 2 : 0;
  }

  /** For an ambiguous amount with separator `sep`: 1 grouping, 2 decimal, 0 while unknown. */
  private amountReading(sep: number, atEnd: boolean): number {
    const other = sep === DOT ? COMMA : DOT;
    if (this.decimalProof[other]! > 0) return 1;
    if (!atEnd) return 0;
    return this.decimalProof[sep]! > 0 ? 2 : 1;
  }

  private settleable(p: Parsed, atEnd: boolean): boolean {
    if (!p.ambiguous) return true;
    if ((p.invAmb || p.dueAmb || p.paidAmb) && this.dateReading() === 0) return false;
    for (const sep of [p.amtSep, p.paySep, p.balSep]) if (sep !== 0 && this.amountReading(sep, atEnd) === 0) return false;
    return true;
  }

  drain(atEnd: boolean): void {
    let i = 0;
    while (i < this.queue.length && this.settleable(this.queue[i]!, atEnd)) this.settle(this.queue[i++]!);
    if (i > 0) this.queue.splice(0, i);
    if (atEnd && this.queue.length) {
      // Ambiguous dates and no row that tells the order: the general reader asks for --date-order.
      bail('ambiguous day/month dates and nothing in the file tells the order');
    }
  }

  /** toInvoices + resolveDuplicates for one settled row. */
  private settle(p: Parsed): void {
    const dr = p.invAmb || p.dueAmb || p.paidAmb ? this.dateReading() : 0;
    const inv = p.invAmb && dr === 2 ? p.invAlt : p.inv;
    const paidDate = p.paidAmb && dr === 2 ? p.paidAlt : p.paid;
    let due = p.dueAmb && dr === 2 ? p.dueAlt : p.due;
    const amt = p.amtSep && this.amountReading(p.amtSep, true) === 2 ? p.amtAlt : p.amt;
    const pay = p.paySep && this.amountReading(p.paySep, true) === 2 ? p.payAlt : p.pay;
    const bal = p.balSep && this.amountReading(p.balSep, true) === 2 ? p.balAlt : p.bal;
    const open = p.hasBal ? bal : (p.hasAmt ? amt : 0) - (p.hasPay ? pay : 0);
    const amount = p.hasAmt ? amt : open;
    if (due === NO_DAY) due = open < 0 || amount < 0 ? inv : inv + (p.terms !== NO_TERMS ? p.terms : this.opts.defaultTermsDays);
    if (inv !== NO_DAY && due < inv && open >= 0) {
      if (this.dueBeforeInvoice.length >= 10_000) bail('more than 10,000 due dates before their invoice dates');
      this.dueBeforeInvoice.push({
        code: 'due-before-invoice', severity: 'warning', file: this.table.source.file, sheet: null, row: p.row, column: null, value: null,
        message: `due date ${isoOfDay(due)} is before the invoice date ${isoOfDay(inv)}`,
      });
    }
    if (open < 0 || amount < 0) this.stats.credits++;
    this.stats.acceptedRows++;
    const it = this.items;
    // Repeated (customer, invoice): same due date and amounts → a line, counted once; another due
    // date → an instalment; same due date, other amounts → the general reader rejects the rows.
    let last = -1;
    for (let k = this.keyHead[p.key]!; k !== -1; k = it.next[k]!) {
      if (it.due[k] === due) {
        if (it.amount[k] === amount && it.open[k] === open && it.currency[k] === p.currency && it.paid[k] === paidDate) {
          this.stats.linesCollapsed++;
          return;
        }
        bail(`row ${p.row}: a conflicting duplicate the general reader rejects`);
      }
      last = k;
    }
    const k = it.add();
    it.due[k] = due;
    it.inv[k] = inv;
    it.paid[k] = paidDate;
    it.amount[k] = amount;
    it.open[k] = open;
    it.party[k] = p.party;
    it.row[k] = p.row;
    it.next[k] = -1;
    it.currency[k] = p.currency;
    it.flags[k] = p.status === STATUS_PAID ? FLAG_PAID_BY_STATUS : 0;
    if (last === -1) this.keyHead[p.key] = k;
    else {
      if (this.keyHead[p.key] === last && it.next[last] === -1) this.stats.instalmentInvoices++;
      it.next[last] = k;
    }
  }
}

// ---------- the report ----------

interface Group {
  readonly id: string;
  readonly customer: number;
  readonly currency: number;
  count: number;
  balance: number;
  readonly buckets: number[];
  oldest: number | null;
  criticalAmount: number;
  firstRow: number;
  readonly bestRow: number[];
  readonly best: (string | null)[];
}

function buildReport(rd: FastReader, opts: FastAgingOptions, hasPaidDates: boolean): AgingReport {
  const it = rd.items;
  const labels = bucketLabels(opts.bounds);
  const nCur = rd.currencies.length;
  const groups: Group[] = [];
  const groupOf = new Int32Array(rd.customerKeys.length * nCur).fill(-1);
  // A scratch Invoice for openAsOf: the one rule of "open on the as-of date" is core/ledger.ts's.
  const scratch = { invoiceDate: null as Day | null, dueDate: 0, amount: 0, open: 0, paidDate: null as Day | null, paidByStatus: false } as { -readonly [K in keyof Invoice]: Invoice[K] };
  const load = (k: number): void => {
    scratch.invoiceDate = it.inv[k] === NO_DAY ? null : it.inv[k]!;
    scratch.dueDate = it.due[k]!;
    scratch.amount = it.amount[k]!;
    scratch.open = it.open[k]!;
    scratch.paidDate = it.paid[k] === NO_DAY ? null : it.paid[k]!;
    scratch.paidByStatus = (it.flags[k]! & FLAG_PAID_BY_STATUS) !== 0;
  };
  const periodStart = opts.asOf - opts.periodDays;
  const sales = new Map<number, Map<Day, number>>();
  const beginning = new Float64Array(nCur);
  const creditSales = new Float64Array(nCur);
  const late = new Map<number, { weighted: number; amount: number }>();
  // resolveDuplicates' order: keys by first row, each key's items in the order their due dates appeared.
  for (let key = 0; key < rd.keys.size; key++) {
    for (let k = rd.keyHead[key]!; k !== -1; k = it.next[k]!) {
      load(k);
      const party = rd.partyInfo[it.party[k]!]!;
      const cur = it.currency[k]!;
      const gkey = party.customer * nCur + cur;
      // core/metrics.ts: credit sales by month, the receivables at the start of the CEI period,
      // the credit sales inside it, and days late of what was settled by as-of.
      const amount = scratch.amount;
      const inv = scratch.invoiceDate;
      if (hasPaidDates) {
        if (inv !== null && inv <= opts.asOf && amount > 0) {
          let m = sales.get(cur);
          if (!m) sales.set(cur, (m = new Map()));
          const start = monthStartOf(inv);
          m.set(start, (m.get(start) ?? 0) + amount);
        }
        const atStart = openAsOf(scratch as Invoice, periodStart);
        if (atStart !== null) beginning[cur]! += atStart;
        if (amount > 0 && inv !== null && inv > periodStart && inv <= opts.asOf) creditSales[cur]! += amount;
        const paid = scratch.paidDate;
        if (paid !== null && paid <= opts.asOf && amount > 0) {
          let a = late.get(gkey);
          if (!a) late.set(gkey, (a = { weighted: 0, amount: 0 }));
          a.weighted += amount * Math.max(0, paid - scratch.dueDate);
          a.amount += amount;
        }
      }
      const open = openAsOf(scratch as Invoice, opts.asOf);
      if (open === null) continue;
      let gi = groupOf[gkey]!;
      if (gi < 0) {
        gi = groups.length;
        groupOf[gkey] = gi;
        groups.push({
          id: `${rd.customerKeys[party.customer]}\u0000${rd.currencies[cur]}`, customer: party.customer, currency: cur, count: 0, balance: 0,
          buckets: new Array<number>(labels.length).fill(0), oldest: null, criticalAmount: 0, firstRow: Infinity,
          bestRow: new Array<number>(CONTACT.length).fill(Infinity), best: new Array<string | null>(CONTACT.length).fill(null),
        });
      }
      const g = groups[gi]!;
      const daysOverdue = opts.asOf - scratch.dueDate;
      const ageDays = opts.basis === 'invoice' ? opts.asOf - (scratch.invoiceDate ?? scratch.dueDate) : daysOverdue;
      g.count++;
      g.buckets[bucketIndex(ageDays, opts.bounds)]! += open;
      g.balance += open;
      if (open > 0 && daysOverdue > 0) {
        g.oldest = g.oldest === null ? daysOverdue : Math.max(g.oldest, daysOverdue);
        if (daysOverdue > opts.criticalDays) g.criticalAmount += open;
      }
      // core/aging.ts firstNonEmpty: the first non-empty value in row order among the group's items.
      const row = it.row[k]!;
      if (row < g.firstRow) g.firstRow = row;
      for (let f = 0; f < CONTACT.length; f++) {
        const v = f === 0 ? party.display : party.texts[f]!;
        if (v !== null && v !== '' && row < g.bestRow[f]!) {
          g.bestRow[f] = row;
          g.best[f] = v;
        }
      }
    }
  }
  const customers: CustomerAging[] = groups.map((g) => {
    const contact = (f: ContactField): string | null => g.best[CONTACT.indexOf(f)] ?? null;
    return {
      id: g.id,
      customerKey: rd.customerKeys[g.customer]!,
      customer: contact('customer') ?? rd.customerKeys[g.customer]!,
      customerId: contact('customerId'),
      email: contact('email'),
      phone: contact('phone'),
      contact: contact('contact'),
      salesRep: contact('salesRep'),
      language: contact('language'),
      segment: contact('segment'),
      currency: rd.currencies[g.currency]!,
      balance: g.balance,
      buckets: g.buckets,
      oldestDaysOverdue: g.oldest,
      // The fast path keeps no item objects: only the count is known (renderers of `aging` use
      // items.length). A holey array: reading an item fails loudly rather than quietly.
      items: new Array(g.count),
      critical: g.criticalAmount > 0,
      criticalAmount: g.criticalAmount,
    };
  });
  customers.sort(compareCustomers);
  const totals = currencyTotals(customers, labels.length);
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

/** The first day of the day's month (core/metrics.ts monthStart), by integer arithmetic. */
function monthStartOf(day: Day): Day {
  // Howard Hinnant's civil_from_days, for the day of the month.
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  return day - d + 1;
}

/** readLedger's warnings after the rows, in its order. */
function warningsOf(rd: FastReader, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warn = (code: Diagnostic['code'], message: string, column: string | null = null): void => {
    out.push({ code, severity: 'warning', file, sheet: null, row: null, column, value: null, message });
  };
  if (!rd.opts.dateOrder && rd.dmy && rd.mdy) {
    const { dmy, mdy } = rd;
    warn('mixed-date-order', `dates are day-first in some rows (row ${dmy.row}: ${dmy.column} ${dmy.text}) and month-first in others (row ${mdy.row}: ${mdy.column} ${mdy.text}): check the file`);
  }
  out.push(...rd.dueBeforeInvoice);
  const statusHeader = rd.table.mapping.choices.find((c) => c.field === 'status')?.header ?? null;
  for (const [status, n] of rd.unknownStatuses) {
    warn('unknown-status', `${n} row(s) have status ${JSON.stringify(status)}, which is not a known word for draft/void/paid: read as open`, statusHeader);
  }
  const s = rd.stats;
  if (s.linesCollapsed) warn('lines-collapsed', `${s.linesCollapsed} repeated row(s) were lines of an invoice already counted (same due date and amounts): counted once`);
  if (s.instalmentInvoices) warn('instalments', `${s.instalmentInvoices} invoice(s) have several due dates: each instalment is aged by its own due date`);
  if (s.credits) warn('credits', `${s.credits} credit(s) (negative amounts) found: they reduce their customer's balance and are never overdue`);
  if (s.notReceivable) warn('not-receivable', `${s.notReceivable} row(s) are draft, void or cancelled: not receivables`);
  if (rd.table.mapping.choices.some((c) => c.field === 'email')) {
    // Customers none of whose items has an email, named in the order of their items.
    const it = rd.items;
    const withEmail = new Uint8Array(rd.customerKeys.length);
    const seen = new Uint8Array(rd.customerKeys.length);
    for (let k = 0; k < it.n; k++) {
      const party = rd.partyInfo[it.party[k]!]!;
      seen[party.customer] = 1;
      if (party.texts[2]) withEmail[party.customer] = 1;
    }
    let missing = 0;
    for (let cu = 0; cu < seen.length; cu++) if (seen[cu] && !withEmail[cu]) missing++;
    if (missing) {
      const names: string[] = [];
      const named = new Set<string>();
      outer: for (let key = 0; key < rd.keys.size; key++) {
        for (let k = rd.keyHead[key]!; k !== -1; k = it.next[k]!) {
          const party = rd.partyInfo[it.party[k]!]!;
          if (withEmail[party.customer] || named.has(party.display)) continue;
          named.add(party.display);
          names.push(party.display);
          if (names.length === 5) break outer;
        }
      }
      warn('missing-email', `${missing} customer(s) have no email address: ${names.join(', ')}${missing > 5 ? ', …' : ''}`);
    }
  }
  return out;
}

// ---------- entry point ----------

/**
 * Reads a CSV ledger and ages it in one pass, or says why it leaves the file to the general path
 * (readLedger + ageLedger + metrics). `opts` are the reader's options, as for readLedger.
 */
export async function fastAging(path: string, opts: ReadOptions, aging: FastAgingOptions): Promise<FastAgingResult> {
  if (opts.mode === 'payments') return { ok: false, reason: 'a payments sheet' };
  if (opts.groupBy) return { ok: false, reason: '--group-by' };
  const ext = extname(path).toLowerCase();
  if (ext === '.xlsx' || ext === '.xlsm' || ext === '.xls') return { ok: false, reason: 'not a CSV file' };
  let table: OpenedTable;
  try {
    table = await openTable(path, opts, REQUIRED);
  } catch (err) {
    // The general path reports it, in its own words.
    return { ok: false, reason: `opening: ${(err as Error).message}` };
  }
  const source = table.source as CsvSource;
  source.close();
  if (table.format !== 'csv') return { ok: false, reason: 'not a CSV file' };
  try {
    const rd = new FastReader(table, opts, aging.maxWaiting ?? 50_000);
    await scanFile(source, rd, aging.chunkBytes ?? 1 << 20);
    rd.drain(true);
    const it = rd.items;
    if (it.n === 0 && rd.stats.notReceivable === 0) bail('no invoice rows');
    const hasPaidDates = table.mapping.choices.some((c) => c.field === 'paidDate');
    const report = buildReport(rd, aging, hasPaidDates);
    const warnings = warningsOf(rd, source.file);
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
      format: 'csv',
      sheet: null,
      sheets: null,
      sheetReason: null,
      encoding: table.encoding,
      delimiter: table.delimiter,
      headerRow: table.headerRow.row,
      headers: table.headers,
      mapping: table.mapping,
      dateOrder,
      // The fast path keeps no Invoice objects; `aging` needs only the report below.
      invoices: [],
      rejected: [],
      warnings,
      stats: rd.stats,
    };
    const bytes = it.bytes + rd.keys.bytes + rd.keyHead.byteLength;
    return { ok: true, read, report, memory: { invoices: rd.keys.size, items: it.n, bytes, bytesPerInvoice: rd.keys.size ? Math.round(bytes / rd.keys.size) : 0 } };
  } catch (err) {
    if (err instanceof Bail) return { ok: false, reason: err.message };
    if (err instanceof InputError) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Reads the file in chunks (the next read runs while the scanner works on the current one). */
async function scanFile(source: CsvSource, rd: FastReader, chunkBytes: number): Promise<void> {
  const fh = await openFile(source.path, 'r');
  try {
    const total = (await fh.stat()).size;
    const bufs = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    const scanner = new CsvScanner(source.delimiter.charCodeAt(0), rd.onRecord);
    const utf8 = utf8Feeder(source.encoding);
    let pos = source.bomBytes;
    let which = 0;
    let pending = fh.read(bufs[0]!, 0, chunkBytes, pos);
    try {
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) break;
        const chunk = bufs[which]!.subarray(0, bytesRead);
        pos += bytesRead;
        which ^= 1;
        pending = fh.read(bufs[which]!, 0, chunkBytes, pos);
        scanner.push(utf8.feed(chunk));
        reportReadProgress(source.file, pos, total, rd.stats.dataRows);
      }
      scanner.push(utf8.flush());
      scanner.end();
    } catch (err) {
      await pending.catch(() => undefined);
      if (err instanceof Bail) throw err;
      throw csvError(err, source.file, source.encoding);
    } finally {
      reportReadProgress(source.file, pos, total, rd.stats.dataRows, true);
    }
  } finally {
    await fh.close();
  }
}
