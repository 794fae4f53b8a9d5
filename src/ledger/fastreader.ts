// The row reader of the aging fast path: CSV records (csvscan.ts) → compact per-invoice columns
// (typed arrays: dates as Int32 days, amounts as float64 holding integer minor units, indexes of
// the customer spelling and the currency, flags) — no object per row, no string per row; the
// customers' names and contact details are kept once per distinct spelling.
//
// Repeated invoices (lines of one invoice, instalments, conflicting duplicates) are resolved once,
// after the last row (`finish`): every settled row is an item carrying the hash of its (customer,
// invoice) key and the key's bytes, and the items are sorted by that hash. A hash table looked up
// row by row did the same, but a million new keys meant a million cache misses in a 16 MB table:
// a third of a second here; the sort reads and writes its arrays in order.
//
// One reader reads one *part* of the file: the whole file, or, when fastaging.ts splits a large
// file between two threads, the first half here and the second in fastworker.ts. A part read on its
// own knows nothing of the rows before it, so what depends on them is left open and settled when
// the parts are joined (`absorb`): the other part's items are appended (an invoice key's hash is
// seeded with the hash of its customer's key text, the same in every thread, so the hashes stay
// valid), its customer spellings, customers and currencies renumbered, its rows waiting for the
// day/month order or the decimal separator handed over, and its row numbers shifted.
//
// It applies the general reader's rules (read.ts: RowReader.accept, toInvoices, resolveDuplicates)
// and gives up — throws Bail — whenever a row needs anything it does not do exactly the same way.
import { open as openFile, type FileHandle } from 'node:fs/promises';
import { isoOfDay } from '../core/dates.js';
import { currencyExponent, decimalToMinor } from '../core/money.js';
import { BytesTable, equalViews, hashString, hashView, viewOf } from './bytestable.js';
import type { Field } from './columns.js';
import { fieldText, utf8Feeder, type Utf8Feeder } from './csv.js';
import { CsvScanner, ESCAPED, type CsvRecord } from './csvscan.js';
import type { Diagnostic } from './diagnostics.js';
import { AMBIGUOUS, ERROR, NO_DAY, NOT_HANDLED, OK, parseAmountBytes, parseDateBytes, type AmountResult, type DateResult, type OrderCode } from './fastvalues.js';
import { customerKeyOf, type ReadStats } from './read.js';
import { classifyStatus, parseAmount, parseCurrency, parseDate, parseFlag, parseTermsDays, type DateOrder, type StatusKind } from './values.js';

/** The fields the fast path reads; a mapping with any other field goes to the general path. */
export const KNOWN: ReadonlySet<Field> = new Set<Field>([
  'customer', 'customerId', 'invoice', 'series', 'amount', 'paid', 'balance', 'invoiceDate', 'dueDate', 'paidDate',
  'termsDays', 'status', 'disputed', 'currency', 'email', 'phone', 'contact', 'salesRep', 'language', 'segment',
]);

/** Contact fields kept per distinct spelling, in Invoice/CustomerAging order. */
export const CONTACT = ['customer', 'customerId', 'email', 'phone', 'contact', 'salesRep', 'language', 'segment'] as const;
export const EMAIL_FIELD = CONTACT.indexOf('email');

/** What a reader needs to know of the file and the options: plain data, sent to the worker as is. */
export interface FastSpec {
  /** The file as messages name it. */
  readonly file: string;
  readonly path: string;
  readonly encoding: string;
  readonly delimiter: string;
  /** Bytes to skip at the start (a byte-order mark). */
  readonly bomBytes: number;
  /** Records starting on or before this line (the header, title rows) are skipped; 0 in a later part. */
  readonly headerLine: number;
  /** Column index per field, -1 when not mapped. */
  readonly columns: Readonly<Record<Field, number>>;
  /** Header text per mapped field (for messages). */
  readonly headers: Readonly<Partial<Record<Field, string>>>;
  readonly dateOrder: DateOrder | null;
  readonly decimal: ',' | '.' | null;
  readonly defaultCurrency: string;
  readonly defaultTermsDays: number;
  /** Rows kept aside while the day/month order or the decimal separator is unknown. */
  readonly maxWaiting: number;
  /** Rows this part probably holds (sizes the tables so that they need not grow); 0 when unknown. */
  readonly expectedRows: number;
}

/** Why the fast path leaves the file to the general reader. `row`: where (a line of this part). */
export class Bail extends Error {
  constructor(
    readonly what: string,
    readonly row: number | null = null,
    /** False when the reason may vanish once the rows before this part are known (fastaging.ts reads on). */
    readonly definitive = true,
  ) {
    super(row === null ? what : `row ${row}: ${what}`);
  }
}

export function bail(what: string, row: number | null = null): never {
  throw new Bail(what, row);
}

const DOT = 46;
const COMMA = 44;
const NO_TERMS = -1;
const STATUS_OPEN = 0;
const STATUS_PAID = 1;
const STATUS_EXCLUDED = 2;
export const FLAG_PAID_BY_STATUS = 1;
/** Not the first item of its (customer, invoice) key: reached through the first one's `next` (resolveKeys). */
export const FLAG_MEMBER = 2;
/** A line of an invoice already counted: in no key's list. */
export const FLAG_DROPPED = 4;
/** The row's disputed column says yes (kept for the invoices of fastaging.ts fastLedger; aging does not need it). */
export const FLAG_DISPUTED = 8;
/** A customer as spelled on some row: the trimmed texts of its name, id and contact columns. */
export interface Party {
  /** customer, customerId, email, phone, contact, salesRep, language, segment (null: empty). */
  readonly texts: readonly (string | null)[];
  /** Invoice.customer: the name, else the id. */
  readonly display: string;
  readonly customer: number;
}

export interface Proof {
  readonly row: number;
  readonly column: string;
  readonly text: string;
}

/** One parsed row. A scratch instance serves the common case; a copy waits in the queue. */
export class Parsed {
  row = 0;
  /** The (customer, invoice) key: its hash and its bytes in the reader's key arena. */
  keyHash = 0;
  keyStart = 0;
  keyEnd = 0;
  party = 0;
  currency = 0;
  status = STATUS_OPEN;
  disputed = false;
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

/** The typed columns of Items (one entry per item: an invoice, or one instalment of it). */
export interface ItemsData {
  readonly n: number;
  readonly due: Int32Array;
  readonly inv: Int32Array;
  readonly paid: Int32Array;
  readonly amount: Float64Array;
  readonly open: Float64Array;
  readonly party: Int32Array;
  readonly row: Int32Array;
  /** Next item of the same (customer, invoice) key (instalments), or -1. */
  readonly next: Int32Array;
  readonly currency: Uint16Array;
  readonly flags: Uint8Array;
  /** The hash of the item's (customer, invoice) key, and where its bytes end in the key arena. */
  readonly keyHash: Int32Array;
  readonly keyEnd: Int32Array;
}

type Column = Int32Array | Float64Array | Uint16Array | Uint8Array;
type ColumnName = Exclude<keyof ItemsData, 'n'>;

/** The columns and their element types. */
const COLUMNS: readonly (readonly [ColumnName, { new (b: ArrayBufferLike): Column; readonly BYTES_PER_ELEMENT: number }])[] = [
  ['due', Int32Array], ['inv', Int32Array], ['paid', Int32Array], ['amount', Float64Array], ['open', Float64Array], ['party', Int32Array],
  ['row', Int32Array], ['next', Int32Array], ['currency', Uint16Array], ['flags', Uint8Array], ['keyHash', Int32Array], ['keyEnd', Int32Array],
];

/**
 * Growable typed columns. Made on SharedArrayBuffers, one set of columns serves both threads: the
 * first part fills items [0, r), the worker's part items [r, …) of the same memory (a *region*,
 * `Items.view`), and the join copies nothing. A region that fills up grows into private memory
 * (`grown`), and the join copies that part's items instead.
 */
export class Items implements ItemsData {
  n = 0;
  due!: Int32Array;
  inv!: Int32Array;
  paid!: Int32Array;
  amount!: Float64Array;
  open!: Float64Array;
  party!: Int32Array;
  row!: Int32Array;
  next!: Int32Array;
  currency!: Uint16Array;
  flags!: Uint8Array;
  keyHash!: Int32Array;
  keyEnd!: Int32Array;
  /** The columns were reallocated since the Items were made (they are no longer a shared region). */
  grown = false;

  constructor(capacity = 1024, shared = false) {
    const n = Math.max(16, capacity);
    for (const [name, Type] of COLUMNS) {
      const bytes = n * Type.BYTES_PER_ELEMENT;
      (this as Record<ColumnName, Column>)[name] = new Type(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
    }
  }

  /** Items [from, to) of `d`'s columns, as empty Items of capacity to − from (no copy: the same memory). */
  static view(d: ItemsData, from: number, to: number): Items {
    const it = new Items(16);
    for (const [name] of COLUMNS) (it as Record<ColumnName, Column>)[name] = d[name].subarray(from, to);
    return it;
  }

  add(): number {
    if (this.n === this.due.length) this.resize(Math.max(1024, this.due.length * 2));
    return this.n++;
  }

  get capacity(): number {
    return this.due.length;
  }

  get bytes(): number {
    return this.columns().reduce((s, a) => s + a.byteLength, 0);
  }

  /** The columns (for transfer lists and byte counts). */
  columns(): Column[] {
    return COLUMNS.map(([name]) => this[name]);
  }

  /** Narrows the columns to items [0, n) of the memory they are on (a region whose end is decided later). */
  limit(n: number): void {
    if (n < this.n || n > this.due.length) throw new RangeError('Items.limit: outside the items held');
    for (const [name] of COLUMNS) (this as Record<ColumnName, Column>)[name] = this[name].subarray(0, n);
  }

  /** Makes room for `n` items (a fresh allocation only when needed). */
  reserve(n: number): void {
    if (n > this.due.length) this.resize(n);
  }

  /** Appends items [0, d.n) of another part's columns; the caller fixes their party, currency, row and next. */
  append(d: ItemsData): number {
    const base = this.n;
    this.reserve(base + d.n);
    for (const [name] of COLUMNS) this[name].set(d[name].subarray(0, d.n) as never, base);
    this.n = base + d.n;
    return base;
  }

  private resize(n: number): void {
    for (const [name, Type] of COLUMNS) {
      const b = new Type(new ArrayBuffer(n * Type.BYTES_PER_ELEMENT));
      b.set(this[name].subarray(0, this.n) as never);
      (this as Record<ColumnName, Column>)[name] = b;
    }
    this.grown = true;
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
  lastText: string | null = null;
  constructor(private readonly compute: (text: string) => T) {}

  /** The answer for cell `col` of `r` (trimmed text → compute), and its trimmed text in `lastText`. */
  get(r: CsvRecord, v: DataView, col: number): T {
    const s = r.starts[col]!;
    const e = r.ends[col]!;
    // The quoting kind is part of the key: "a""b" and a"b are different bytes for the same text.
    const tag = r.quoted[col] === ESCAPED ? 1 : 0;
    const h = hashView(v, s, e);
    let id = this.keys.size < 4096 ? this.keys.find(v, s, e, h, tag) : -1;
    if (id < 0) {
      const text = fieldText(r, col).trim();
      const value = this.compute(text);
      if (this.keys.size >= 4096) {
        this.lastText = text;
        return value;
      }
      id = this.keys.intern(v, s, e, h, tag);
      this.values[id] = value;
      this.texts[id] = text;
    }
    this.lastText = this.texts[id]!;
    return this.values[id]!;
  }
}

function isBlankByte(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** A queued row as sent between threads (a Parsed without its prototype). */
export type ParsedData = Omit<Parsed, 'copy' | 'ambiguous'>;

/** Everything a reader learnt from its part, for joining it to the part before (all cloneable). */
export interface PartData {
  readonly stats: ReadStats;
  readonly items: ItemsData;
  /** The invoice keys' bytes, [0, keyBytes) in use. */
  readonly keyArena: Uint8Array;
  readonly keyBytes: number;
  /** The part's items sorted by key hash (sortPending before toData), or null. */
  readonly sorted: SortedItems | null;
  /** The items are still in the region of shared columns the reader was given (not grown out of it). */
  readonly inRegion: boolean;
  readonly parties: readonly Party[];
  readonly customerKeys: readonly string[];
  readonly currencies: readonly string[];
  readonly unknownStatuses: readonly (readonly [string, number])[];
  readonly dueBeforeInvoice: readonly Diagnostic[];
  readonly dmy: Proof | null;
  readonly mdy: Proof | null;
  readonly ambiguousDate: boolean;
  readonly decimalProof: readonly [comma: number, dot: number];
  readonly queue: readonly ParsedData[];
}

/** Growable Int32Array helper. */
function grown(a: Int32Array, n: number, fill = 0): Int32Array<ArrayBuffer> {
  if (n <= a.length) return a as Int32Array<ArrayBuffer>;
  let m = a.length * 2;
  while (m < n) m *= 2;
  const b = new Int32Array(m);
  if (fill !== 0) b.fill(fill, a.length);
  b.set(a);
  return b;
}

export class FastReader {
  readonly stats: ReadStats = { dataRows: 0, acceptedRows: 0, rejectedRows: 0, summaryRows: 0, noteRows: 0, notReceivable: 0, linesCollapsed: 0, instalmentInvoices: 0, credits: 0 };
  items: Items;
  /** The bytes of every item's invoice key, in item order (Items.keyEnd). */
  keyArena: Uint8Array;
  keyBytes = 0;
  /** Distinct (customer, invoice) keys, known after finish. */
  keyCount = 0;
  /** Items [from, to) hold nothing: the space between two parts' regions (absorb). */
  private gap: readonly [from: number, to: number] = [0, 0];
  /** Items sorted by key hash: each segment a run of consecutive items (sortPending). */
  private readonly segments: SortedItems[] = [];
  private sortedUpTo = 0;
  readonly parties = new BytesTable(256);
  readonly partyInfo: Party[] = [];
  /** Per party: its customer, and a bit per CONTACT field that is not empty. */
  partyCustomer = new Int32Array(256);
  partyMask = new Int32Array(256);
  readonly customerKeys: string[] = [];
  readonly customerIndex = new Map<string, number>();
  /** Per customer: the hash of its key text, which seeds its invoice keys' hashes. */
  customerSeed = new Int32Array(256);
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
  private keyView = viewOf(this.keyBuf);
  private partyBuf = new Uint8Array(256);
  private rec: CsvRecord | null = null;
  /** A DataView of the record's buffer (one per scanner buffer, i.e. per chunk). */
  private view: DataView = viewOf(new Uint8Array(0));
  private viewOfBuf: Uint8Array | null = null;
  private readonly order: OrderCode;
  private readonly decimal: number;
  // Column indexes (-1: not mapped).
  private readonly c: Readonly<Record<Field, number>>;
  private readonly partyColumns: Int32Array;
  private readonly statusCache = new CellCache<StatusKind>((t) => classifyStatus(t));
  private readonly currencyCache: CellCache<string | null>;
  private readonly flagCache = new CellCache<boolean | null>((t) => parseFlag(t));
  private readonly termsCache = new CellCache<number | null>((t) => parseTermsDays(t));
  private readonly exponents: number[] = [];

  /** `items`: the columns to fill (a shared region); default: new ones sized for the rows expected. */
  constructor(readonly spec: FastSpec, items?: Items) {
    this.order = spec.dateOrder === 'dmy' ? 1 : spec.dateOrder === 'mdy' ? 2 : spec.dateOrder === 'ymd' ? 3 : 0;
    this.decimal = spec.decimal === ',' ? COMMA : spec.decimal === '.' ? DOT : 0;
    this.c = spec.columns;
    this.partyColumns = Int32Array.from(CONTACT.map((f) => spec.columns[f]));
    this.currencyCache = new CellCache((t) => parseCurrency(t, spec.defaultCurrency));
    // Sized for the rows expected: no doubling (and no second copy of every column) on the way.
    const expected = Math.min(Math.max(spec.expectedRows, 0), 1 << 26);
    this.items = items ?? new Items(expected || 4096);
    this.keyArena = new Uint8Array(Math.max(4096, expected * 16));
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
      // Only a few characters that String#trim removes are not ASCII (U+00A0, U+1680, U+2000–U+200A,
      // U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF), and their UTF-8 starts with one of these
      // bytes. Anything else (Á, Ó, ñ: names like "Ópticas León") is text, without decoding the cell.
      if (b !== 0xc2 && b !== 0xe1 && b !== 0xe2 && b !== 0xe3 && b !== 0xef) return true;
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
    const r = this.rec!;
    const d = this.date;
    // The byte parser first: what it reads is not empty; what it leaves may be (then no date).
    if (col >= 0 && col < r.count) {
      if (r.quoted[col] !== ESCAPED) parseDateBytes(r.buf, r.starts[col]!, r.ends[col]!, this.order, d);
      else d.kind = NOT_HANDLED;
    }
    if (col >= 0 && col < r.count && (d.kind !== NOT_HANDLED || this.present(col))) {
      let proves = 0;
      if (d.kind === NOT_HANDLED) {
        const parsed = parseDate(fieldText(r, col), this.spec.dateOrder);
        if (parsed.kind === 'error') bail('a date the general reader rejects', p.row);
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
      if (d.kind === ERROR) bail('a date the general reader rejects', p.row);
      day = d.day;
      if (d.kind === AMBIGUOUS) {
        alt = d.alt;
        amb = true;
        this.ambiguousDate = true;
      } else if (proves === 1 && !this.dmy) this.dmy = { row: p.row, column: this.spec.headers[field]!, text: fieldText(r, col).trim() };
      else if (proves === 2 && !this.mdy) this.mdy = { row: p.row, column: this.spec.headers[field]!, text: fieldText(r, col).trim() };
      this.checkDateOrders();
    }
    if (field === 'invoiceDate') {
      p.inv = day;
      p.invAlt = alt;
      p.invAmb = amb;
    } else if (field === 'dueDate') {
      p.due = day;
      p.dueAlt = alt;
      p.dueAmb = amb;
    } else {
      p.paid = day;
      p.paidAlt = alt;
      p.paidAmb = amb;
    }
  }

  /** The general reader refuses a file with day-first and month-first dates and ambiguous ones. */
  checkDateOrders(): void {
    if (!this.spec.dateOrder && this.ambiguousDate && this.dmy && this.mdy) bail('dates are both day-first and month-first, with ambiguous ones: the general reader refuses the file');
  }

  /** Parses an amount cell into this.amount (kind OK or AMBIGUOUS), or returns false for an empty cell. */
  private parseMinor(col: number, exp: number, row: number): boolean {
    const r = this.rec!;
    if (col < 0 || col >= r.count) return false;
    const a = this.amount;
    // The byte parser first: what it reads is not empty; what it leaves may be (then no amount).
    if (r.quoted[col] !== ESCAPED) parseAmountBytes(r.buf, r.starts[col]!, r.ends[col]!, this.decimal, exp, a);
    else a.kind = NOT_HANDLED;
    if (a.kind === NOT_HANDLED) {
      if (!this.present(col)) return false;
      const p = parseAmount(fieldText(r, col), this.spec.decimal);
      if (p.kind === 'error') bail('an amount the general reader rejects', row);
      if (p.kind === 'ambiguous') {
        const g = decimalToMinor(p.asGrouping, exp);
        const d = decimalToMinor(p.asDecimal, exp);
        if (g === null || d === null) bail('an amount the general reader rejects', row);
        a.kind = AMBIGUOUS;
        a.minor = g;
        a.alt = d;
        a.sep = p.sep === ',' ? COMMA : DOT;
      } else {
        if (p.decimalSep) this.decimalProof[p.decimalSep === ',' ? COMMA : DOT]!++;
        const m = decimalToMinor(p.text, exp);
        if (m === null) bail('an amount too large', row);
        a.kind = OK;
        a.minor = m;
        a.sep = 0;
      }
      return true;
    }
    if (a.kind === ERROR) bail('an amount the general reader rejects', row);
    if (a.kind === OK) {
      if (a.sep) this.decimalProof[a.sep]!++;
      a.sep = 0;
    }
    return true;
  }

  // ---------- rows ----------

  readonly onRecord = (r: CsvRecord): void => {
    if (r.line <= this.spec.headerLine) return;
    if (this.absorbed) throw new Error('FastReader: a row after the parts were joined');
    this.rec = r;
    if (r.buf !== this.viewOfBuf) {
      this.viewOfBuf = r.buf;
      this.view = viewOf(r.buf);
    }
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
    const hasInvoice = this.invoiceKey();
    if (!this.present(c.customer) && !this.present(c.customerId)) bail('no customer', p.row);
    // Status, currency, disputed, terms.
    let status: StatusKind = 'open';
    if (this.present(c.status)) {
      status = this.statusCache.get(r, this.view, c.status);
      const statusText = this.statusCache.lastText!;
      if (status === 'unknown') this.unknownStatuses.set(statusText, (this.unknownStatuses.get(statusText) ?? 0) + 1);
    }
    p.status = status === 'paid' ? STATUS_PAID : status === 'excluded' ? STATUS_EXCLUDED : STATUS_OPEN;
    let currency = this.spec.defaultCurrency;
    if (this.present(c.currency)) {
      const cur = this.currencyCache.get(r, this.view, c.currency);
      if (cur === null) bail('a currency the general reader rejects', p.row);
      currency = cur;
    }
    p.currency = this.currencyOf(currency);
    p.disputed = false;
    if (this.present(c.disputed)) {
      const disputed = this.flagCache.get(r, this.view, c.disputed);
      if (disputed === null) bail('a disputed flag the general reader rejects', p.row);
      p.disputed = disputed;
    }
    p.terms = NO_TERMS;
    if (this.present(c.termsDays)) {
      const t = this.termsCache.get(r, this.view, c.termsDays);
      if (t === null) bail('terms the general reader rejects', p.row);
      p.terms = t;
    }
    this.parseDay('invoiceDate', p);
    this.parseDay('dueDate', p);
    this.parseDay('paidDate', p);
    const exp = this.exponents[p.currency]!;
    const a = this.amount;
    p.hasAmt = this.parseMinor(c.amount, exp, p.row);
    p.amtSep = 0;
    if (p.hasAmt) {
      p.amt = a.minor;
      p.amtAlt = a.alt;
      p.amtSep = a.sep;
    }
    p.hasPay = this.parseMinor(c.paid, exp, p.row);
    p.paySep = 0;
    if (p.hasPay) {
      p.pay = a.minor;
      p.payAlt = a.alt;
      p.paySep = a.sep;
    }
    p.hasBal = this.parseMinor(c.balance, exp, p.row);
    p.balSep = 0;
    if (p.hasBal) {
      p.bal = a.minor;
      p.balAlt = a.alt;
      p.balSep = a.sep;
    }
    // checkInvoice: every row needs a customer, an invoice, an amount and a date.
    if (!hasInvoice) bail('no invoice number', p.row);
    if (!p.hasAmt && !p.hasBal) bail('no amount', p.row);
    if (p.inv === NO_DAY && p.due === NO_DAY) bail('no date', p.row);
    p.party = this.partyOf();
    if (p.status === STATUS_EXCLUDED) {
      this.stats.notReceivable++;
      return;
    }
    this.storeKey(p);
    // Rows are settled in file order: once one waits, the ones after it wait too.
    if (this.queue.length === 0 && this.settleable(p, false)) this.settle(p);
    else {
      this.queue.push(p.copy());
      if (this.queue.length > this.spec.maxWaiting) {
        throw new Bail(`more than ${this.spec.maxWaiting} rows wait for the day/month order or the decimal separator`, null, false);
      }
    }
    this.drain(false);
  }

  /** Where the invoice number's bytes are: [keyS, keyE) of keyV (the record, or keyBuf). */
  private keyV: DataView = this.keyView;
  private keyS = 0;
  private keyE = 0;

  /** Finds the (series +) invoice number; false when it is empty. */
  private invoiceKey(): boolean {
    const r = this.rec!;
    const c = this.c;
    if (!this.present(c.invoice)) return false;
    let s = r.starts[c.invoice]!;
    let e = r.ends[c.invoice]!;
    const buf = r.buf;
    while (s < e && isBlankByte(buf[s]!)) s++;
    while (e > s && isBlankByte(buf[e - 1]!)) e--;
    if (c.series < 0 && r.quoted[c.invoice] !== ESCAPED && buf[s]! < 128 && buf[e - 1]! < 128) {
      // The bytes as they are in the record: hashed and compared there, copied only when new.
      this.keyV = this.view;
      this.keyS = s;
      this.keyE = e;
      return true;
    }
    const folio = this.text(c.invoice)!;
    const series = this.text(c.series);
    const text = series !== null && !folio.startsWith(series) ? `${series}-${folio}` : folio;
    const bytes = Buffer.from(text, 'utf8');
    if (this.keyBuf.length < bytes.length) {
      this.keyBuf = new Uint8Array(bytes.length * 2);
      this.keyView = viewOf(this.keyBuf);
    }
    this.keyBuf.set(bytes, 0);
    this.keyV = this.keyView;
    this.keyS = 0;
    this.keyE = bytes.length;
    return true;
  }

  /** Hashes the row's (customer, invoice) key and keeps its bytes (the record is gone when the row settles). */
  private storeKey(p: Parsed): void {
    const v = this.keyV;
    const s = this.keyS;
    const e = this.keyE;
    p.keyHash = hashView(v, s, e, this.customerSeed[this.partyCustomer[p.party]!]!);
    if (this.keyBytes + e - s > this.keyArena.length) this.keyArena = grownBytes(this.keyArena, this.keyBytes + e - s);
    const arena = this.keyArena;
    let k = this.keyBytes;
    p.keyStart = k;
    for (let i = s; i < e; i++) arena[k++] = v.getUint8(i);
    p.keyEnd = this.keyBytes = k;
  }


  /** The spelling of the last row (partyOf). */
  private lastParty = -1;

  /** The row's customer spelling: name, id and contact columns, interned by their bytes. */
  private partyOf(): number {
    const r = this.rec!;
    const v = this.view;
    const cols = this.partyColumns;
    // Ledgers sorted by customer repeat the last row's spelling: checked first, without hashing.
    const last = this.lastParty;
    if (last >= 0) {
      let len = 0;
      for (let f = 0; f < cols.length; f++) {
        const col = cols[f]!;
        len += col >= 0 && col < r.count ? r.ends[col]! - r.starts[col]! + 2 : 2;
      }
      const parties = this.parties;
      if (parties.end(last) - parties.start(last) === len && this.sameParty(parties.view, parties.start(last))) return last;
    }
    // The hash reads at most 32 bytes of each field (names and emails differ early); the
    // comparison with a stored spelling reads every byte, straight from the record.
    let h = 0x1c9dc5;
    let len = 0;
    for (let f = 0; f < cols.length; f++) {
      const col = cols[f]!;
      if (col >= 0 && col < r.count) {
        const s = r.starts[col]!;
        const e = r.ends[col]!;
        h = hashView(v, s, Math.min(e, s + 32), h ^ (r.quoted[col] === ESCAPED ? 0x100 : 0));
        len += e - s + 2;
      } else {
        h = Math.imul(h ^ 0xfc, 0x01000193) & 0x3fffffff; // a small integer: see hashView
        len += 2;
      }
    }
    const parties = this.parties;
    for (let slot = parties.firstWith(h); slot >= 0; slot = parties.nextWith(h, slot)) {
      const id = parties.idAt(slot);
      if (parties.end(id) - parties.start(id) === len && this.sameParty(parties.view, parties.start(id))) return (this.lastParty = id);
    }
    if (this.partyBuf.length < len) this.partyBuf = new Uint8Array(len * 2);
    const kb = this.partyBuf;
    const buf = r.buf;
    let k = 0;
    for (let f = 0; f < cols.length; f++) {
      const col = cols[f]!;
      if (col >= 0 && col < r.count) {
        const e = r.ends[col]!;
        for (let i = r.starts[col]!; i < e; i++) kb[k++] = buf[i]!;
        kb[k++] = r.quoted[col] === ESCAPED ? 0xfe : 0xfd;
      } else kb[k++] = 0xfc;
      kb[k++] = 0xff; // never in UTF-8: fields cannot run into each other
    }
    const id = this.parties.intern(viewOf(kb), 0, k, h);
    this.addParty(this.partyTexts());
    return (this.lastParty = id);
  }

  /**
   * The record's contact texts. Apart from partyOf: a closure there over its locals made V8
   * allocate a context on every call, i.e. on every row (50 MB of garbage on 1M rows).
   */
  private partyTexts(): (string | null)[] {
    const out: (string | null)[] = [];
    for (let f = 0; f < CONTACT.length; f++) out.push(this.text(this.partyColumns[f]!));
    return out;
  }

  /** Registers a new spelling (and its customer when new, unless `known`); returns its index. */
  private addParty(texts: readonly (string | null)[], known?: number): number {
    const [name, id2] = texts;
    const customer = known ?? this.customerOf(customerKeyOf(name ?? '', id2 ?? null));
    const display = name || id2 || '';
    let mask = display !== '' ? 1 : 0;
    for (let f = 1; f < CONTACT.length; f++) if (texts[f]) mask |= 1 << f;
    const pi = this.partyInfo.length;
    this.partyInfo.push({ texts, display, customer });
    this.partyCustomer = grown(this.partyCustomer, pi + 1);
    this.partyMask = grown(this.partyMask, pi + 1);
    this.partyCustomer[pi] = customer;
    this.partyMask[pi] = mask;
    return pi;
  }

  private customerOf(customerKey: string): number {
    let customer = this.customerIndex.get(customerKey);
    if (customer === undefined) {
      customer = this.customerKeys.length;
      this.customerKeys.push(customerKey);
      this.customerIndex.set(customerKey, customer);
      this.customerSeed = grown(this.customerSeed, customer + 1);
      this.customerSeed[customer] = hashString(customerKey);
    }
    return customer;
  }

  /** Whether the stored spelling at arena[a…] (of the right length) is this record's party columns (partyOf's layout). */
  private sameParty(arena: DataView, a: number): boolean {
    const r = this.rec!;
    const v = this.view;
    const starts = r.starts;
    const ends = r.ends;
    const count = r.count;
    const cols = this.partyColumns;
    let k = a;
    for (let f = 0; f < cols.length; f++) {
      const col = cols[f]!;
      if (col >= 0 && col < count) {
        const s = starts[col]!;
        const len = ends[col]! - s;
        if (!equalViews(arena, k, v, s, len)) return false;
        k += len;
        if (arena.getUint8(k) !== (r.quoted[col] === ESCAPED ? 0xfe : 0xfd)) return false;
        k += 2;
      } else {
        if (arena.getUint8(k) !== 0xfc) return false;
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
    if (this.spec.dateOrder) return this.spec.dateOrder === 'mdy' ? 2 : 1;
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
    if (p.amtSep !== 0 && this.amountReading(p.amtSep, atEnd) === 0) return false;
    if (p.paySep !== 0 && this.amountReading(p.paySep, atEnd) === 0) return false;
    if (p.balSep !== 0 && this.amountReading(p.balSep, atEnd) === 0) return false;
    return true;
  }

  /** Settles the waiting rows that can be; at the end of the file, all of them or Bail. */
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
    if (due === NO_DAY) due = open < 0 || amount < 0 ? inv : inv + (p.terms !== NO_TERMS ? p.terms : this.spec.defaultTermsDays);
    if (inv !== NO_DAY && due < inv && open >= 0) {
      if (this.dueBeforeInvoice.length >= 10_000) bail('more than 10,000 due dates before their invoice dates');
      this.dueBeforeInvoice.push({
        code: 'due-before-invoice', severity: 'warning', file: this.spec.file, sheet: null, row: p.row, column: null, value: null,
        message: `due date ${isoOfDay(due)} is before the invoice date ${isoOfDay(inv)}`,
      });
    }
    if (open < 0 || amount < 0) this.stats.credits++;
    this.stats.acceptedRows++;
    const it = this.items;
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
    it.flags[k] = (p.status === STATUS_PAID ? FLAG_PAID_BY_STATUS : 0) | (p.disputed ? FLAG_DISPUTED : 0);
    it.keyHash[k] = p.keyHash;
    it.keyEnd[k] = p.keyEnd;
    // Items are settled in file order, and their keys were stored in file order: the bytes of item
    // k are [keyEnd[k - 1], keyEnd[k]).
    if (p.keyStart !== (k === 0 ? 0 : it.keyEnd[k - 1])) throw new Error('FastReader: keys out of order');
  }

  // ---------- repeated invoices: resolveDuplicates, once, after the last row ----------

  /** Where item k's key bytes start in the arena. */
  private keyStartOf(k: number): number {
    return k === 0 ? 0 : this.items.keyEnd[k - 1]!;
  }

  /** Item k's invoice number (with its series), as the general reader has it: the key's bytes as text. */
  invoiceText(k: number): string {
    return Buffer.prototype.utf8Slice.call(this.keyArena, this.keyStartOf(k), this.items.keyEnd[k]!) as string;
  }

  /** Whether items a and b have the same (customer, invoice) key. */
  private sameKey(a: number, b: number, arena: DataView): boolean {
    const it = this.items;
    if (this.partyCustomer[it.party[a]!] !== this.partyCustomer[it.party[b]!]) return false;
    const sa = this.keyStartOf(a);
    const sb = this.keyStartOf(b);
    const n = it.keyEnd[a]! - sa;
    return n === it.keyEnd[b]! - sb && equalViews(arena, sa, arena, sb, n);
  }

  /**
   * Puts item k at the end of the items of its key (whose first item is `head`), unless it
   * repeats one of them. Repeated (customer, invoice): same due date and amounts → a line, counted
   * once (false); another due date → an instalment; same due date, other amounts → the general
   * reader rejects the rows (Bail).
   */
  private link(head: number, k: number): boolean {
    const it = this.items;
    let last = head;
    for (let j = head; j !== -1; j = it.next[j]!) {
      if (it.due[j] === it.due[k]) {
        if (it.amount[j] === it.amount[k] && it.open[j] === it.open[k] && it.currency[j] === it.currency[k] && it.paid[j] === it.paid[k]) {
          this.stats.linesCollapsed++;
          return false;
        }
        bail('a conflicting duplicate the general reader rejects', it.row[k]!);
      }
      last = j;
    }
    it.next[last] = k;
    it.next[k] = -1;
    return true;
  }

  /** Sorts the items settled since the last call by key hash (each thread sorts its own part). */
  sortPending(): void {
    const n = this.items.n;
    if (n > this.sortedUpTo) this.segments.push(sortByHash(this.items.keyHash, this.sortedUpTo, n));
    this.sortedUpTo = n;
  }

  /**
   * Groups the items by key — walking the sorted segments together by hash, equal hashes compared
   * byte for byte — and applies `link` within each group in file order. Afterwards the first item
   * of each key (its "head") is the one not flagged MEMBER, heads are in file order like the
   * general reader's keys, and `next` links each head to the key's other items (instalments);
   * collapsed lines are MEMBER | DROPPED.
   */
  private resolveKeys(grouping: Grouping): void {
    if (grouping === 'table' || (grouping === 'auto' && this.items.n <= 1 << 18)) {
      this.groupByTable();
      return;
    }
    this.sortPending();
    const it = this.items;
    const arena = viewOf(this.keyArena);
    const segs = this.segments;
    const at = new Int32Array(segs.length);
    const run: number[] = [];
    const heads: number[] = [];
    const [gapFrom, gapTo] = this.gap;
    let keys = 0;
    let instalments = 0;
    for (;;) {
      // The smallest hash at the segments' fronts (hashes are non-negative).
      let h = -1;
      for (let g = 0; g < segs.length; g++) {
        const hash = segs[g]!.hash;
        const i = at[g]!;
        if (i < hash.length && (h < 0 || hash[i]! < h)) h = hash[i]!;
      }
      if (h < 0) break;
      // Its items, in file order: segments hold consecutive item ranges, in file order, each stable.
      let count = 0;
      for (let g = 0; g < segs.length; g++) {
        const { hash, idx } = segs[g]!;
        let i = at[g]!;
        while (i < hash.length && hash[i] === h) {
          const k = idx[i++]!;
          if (k >= gapFrom && k < gapTo) continue; // the gap between two parts' regions
          if (count < run.length) run[count] = k;
          else run.push(k);
          count++;
        }
        at[g] = i;
      }
      if (count <= 1) {
        keys += count; // the common case: an invoice on one row
        continue;
      }
      // Usually one key repeated (lines, instalments), rarely a collision of hashes.
      heads.length = 0;
      for (let r = 0; r < count; r++) {
        const k = run[r]!;
        let head = -1;
        for (const x of heads) {
          if (this.sameKey(x, k, arena)) {
            head = x;
            break;
          }
        }
        if (head === -1) {
          heads.push(k);
          keys++;
        } else it.flags[k]! |= this.link(head, k) ? FLAG_MEMBER : FLAG_MEMBER | FLAG_DROPPED;
      }
      for (const x of heads) if (it.next[x] !== -1) instalments++;
    }
    this.segments.length = 0;
    this.keyCount = keys;
    this.stats.instalmentInvoices = instalments;
  }

  /**
   * resolveKeys with a hash table of each key's first item, in one pass in file order: for up to
   * 256k items the table stays in the caches, and this beats sorting (35 ms of a 100k-row run).
   */
  private groupByTable(): void {
    const it = this.items;
    const n = it.n;
    let cap = 16;
    while (cap < 2 * n) cap *= 2;
    const mask = cap - 1;
    // Pairs (first item + 1, hash), as in BytesTable.
    const slots = new Int32Array(2 * cap);
    const arena = viewOf(this.keyArena);
    const { flags, keyHash, next } = it;
    const [gapFrom, gapTo] = this.gap;
    let keys = 0;
    let instalments = 0;
    for (let k = 0; k < n; k++) {
      if (k >= gapFrom && k < gapTo) continue; // the gap between two parts' regions
      const h = keyHash[k]!;
      for (let i = h & mask; ; i = (i + 1) & mask) {
        const head = slots[2 * i]! - 1;
        if (head < 0) {
          slots[2 * i] = k + 1;
          slots[2 * i + 1] = h;
          keys++;
          break;
        }
        if (slots[2 * i + 1] === h && this.sameKey(head, k, arena)) {
          const alone = next[head] === -1;
          if (this.link(head, k)) {
            flags[k]! |= FLAG_MEMBER;
            if (alone) instalments++;
          } else flags[k]! |= FLAG_MEMBER | FLAG_DROPPED;
          break;
        }
      }
    }
    this.segments.length = 0;
    this.keyCount = keys;
    this.stats.instalmentInvoices = instalments;
  }

  // ---------- joining parts ----------

  /** What this reader learnt, for the thread that joins the parts (the arrays are handed over). */
  toData(): PartData {
    return {
      stats: this.stats,
      items: this.items,
      keyArena: this.keyArena,
      keyBytes: this.keyBytes,
      inRegion: !this.items.grown && this.items.due.buffer instanceof SharedArrayBuffer,
      sorted: this.segments.length === 1 && this.sortedUpTo === this.items.n ? this.segments[0]! : null,
      parties: this.partyInfo,
      customerKeys: this.customerKeys,
      currencies: this.currencies,
      unknownStatuses: [...this.unknownStatuses],
      dueBeforeInvoice: this.dueBeforeInvoice,
      dmy: this.dmy,
      mdy: this.mdy,
      ambiguousDate: this.ambiguousDate,
      decimalProof: [this.decimalProof[COMMA]!, this.decimalProof[DOT]!],
      queue: this.queue.map((p) => ({ ...p })),
    };
  }

  /**
   * Joins the part that follows this one in the file (read by another reader, whose first line is
   * line `lineOffset + 1` of the file), as if this reader had read on. Requires an empty queue
   * here: rows waiting at the end of this part would have made every later row wait (and
   * maxWaiting counts them); fastaging.ts reads on by itself then.
   *
   * `shared`: the columns whose regions [0, at) and [at, …) this reader and the other part's filled;
   * when both parts stayed in their regions the other part's items are used where they are.
   */
  absorb(part: PartData, lineOffset: number, shared?: { readonly all: ItemsData; readonly at: number }): void {
    if (this.queue.length) throw new Error('FastReader.absorb: rows are waiting');
    this.absorbed = true;
    this.sortPending();
    // Customers, spellings and currencies: this part's numbers for the other part's. Customers
    // first, in the other part's order (the order of their first rows).
    const customerMap = part.customerKeys.map((key) => this.customerOf(key));
    const partyBase = this.partyInfo.length;
    for (const party of part.parties) this.addParty(party.texts, customerMap[party.customer]);
    const currencyMap = new Uint16Array(part.currencies.length);
    part.currencies.forEach((code, i) => (currencyMap[i] = this.currencyOf(code)));
    // File-wide evidence and warnings, in file order.
    const shift = <T extends { readonly row: number | null }>(x: T): T => ({ ...x, row: x.row === null ? null : x.row + lineOffset }) as T;
    this.dmy ??= part.dmy && shift(part.dmy);
    this.mdy ??= part.mdy && shift(part.mdy);
    this.ambiguousDate ||= part.ambiguousDate;
    this.checkDateOrders();
    this.decimalProof[COMMA]! += part.decimalProof[0];
    this.decimalProof[DOT]! += part.decimalProof[1];
    for (const [status, n] of part.unknownStatuses) this.unknownStatuses.set(status, (this.unknownStatuses.get(status) ?? 0) + n);
    for (const d of part.dueBeforeInvoice) this.dueBeforeInvoice.push(shift(d));
    if (this.dueBeforeInvoice.length > 10_000) bail('more than 10,000 due dates before their invoice dates');
    const s = this.stats;
    const t = part.stats;
    s.dataRows += t.dataRows;
    s.acceptedRows += t.acceptedRows;
    s.notReceivable += t.notReceivable;
    s.credits += t.credits;
    // Key bytes, then items, renumbered.
    const arenaBase = this.keyBytes;
    if (arenaBase + part.keyBytes > this.keyArena.length) this.keyArena = grownBytes(this.keyArena, arenaBase + part.keyBytes);
    this.keyArena.set(part.keyArena.subarray(0, part.keyBytes), arenaBase);
    this.keyBytes = arenaBase + part.keyBytes;
    let it = this.items;
    let base: number;
    if (shared && part.inRegion && !it.grown && it.due.buffer === shared.all.due.buffer) {
      // In place: the gap between the two regions holds no items (flagged so, with empty keys).
      base = shared.at;
      const all = Items.view(shared.all, 0, shared.all.due.length);
      for (let k = it.n; k < base; k++) {
        all.flags[k] = FLAG_MEMBER | FLAG_DROPPED;
        all.keyEnd[k] = arenaBase;
      }
      this.gap = [it.n, base];
      all.n = base + part.items.n;
      this.items = it = all;
    } else base = it.append(part.items);
    for (let k = base; k < it.n; k++) {
      it.party[k]! += partyBase;
      it.currency[k] = currencyMap[it.currency[k]!]!;
      it.row[k]! += lineOffset;
      it.keyEnd[k]! += arenaBase;
    }
    // Sorted by hash for the join: as the other part sent them, or now when this part sorted its own.
    if (part.sorted) {
      const idx = part.sorted.idx;
      for (let i = 0; i < idx.length; i++) idx[i]! += base;
      this.segments.push(part.sorted);
    } else if (this.segments.length) this.segments.push(sortByHash(it.keyHash, base, it.n));
    if (this.segments.length) this.sortedUpTo = it.n;
    // Rows the other part left waiting: waiting here now.
    for (const q of part.queue) {
      const p = Object.assign(new Parsed(), q);
      p.row += lineOffset;
      p.party += partyBase;
      p.currency = currencyMap[p.currency]!;
      p.keyStart += arenaBase;
      p.keyEnd += arenaBase;
      this.queue.push(p);
    }
    this.drain(false);
  }

  private absorbed = false;

  /** After the last row: settles what waits (or Bail), resolves repeated invoices (or Bail). */
  finish(grouping: Grouping = 'auto'): void {
    this.drain(true);
    this.resolveKeys(grouping);
  }

  /** Bytes held by the per-invoice columns and the invoice keys. */
  get bytes(): number {
    return this.items.bytes + this.keyArena.byteLength;
  }
}

/**
 * How repeated invoices are found after the last row: by sorting the items by key hash (the parts
 * of a large file each sort their own on their thread), or with a hash table (fewer items); 'auto'
 * picks by size. Both give the same result (the tests run both).
 */
export type Grouping = 'auto' | 'sort' | 'table';

/** Items sorted by the hash of their key: item numbers and their hashes. */
export interface SortedItems {
  readonly hash: Int32Array;
  readonly idx: Int32Array;
}

/**
 * Items [from, to) sorted by key hash (hashes are 30-bit, non-negative), stable: equal hashes keep
 * item order. Up to 256k items: hash × 2^23 + offset as doubles, sorted natively (exact below 2^53);
 * above: LSD radix sort, a byte at a time. The radix loops run once per process, mostly before V8
 * has optimized them: 45 ms for 60k items, against 15 ms for the native sort (100k-row ledgers);
 * from about 500k items on the radix sort is the faster.
 */
export function sortByHash(hashes: Int32Array, from: number, to: number, method: 'auto' | 'native' | 'radix' = 'auto'): SortedItems {
  const n = to - from;
  if (method === 'native' || (method === 'auto' && n <= 1 << 18)) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = hashes[from + i]! * 8388608 + i;
    packed.sort();
    const hash = new Int32Array(n);
    const idx = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = packed[i]!;
      const h = Math.floor(v / 8388608);
      hash[i] = h;
      idx[i] = from + (v - h * 8388608);
    }
    return { hash, idx };
  }
  let hA = hashes.slice(from, to);
  let iA = new Int32Array(n);
  for (let i = 0; i < n; i++) iA[i] = from + i;
  let hB = new Int32Array(n);
  let iB = new Int32Array(n);
  const count = new Int32Array(256);
  for (let shift = 0; shift < 32; shift += 8) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(hA[i]! >>> shift) & 255]!++;
    let sum = 0;
    for (let d = 0; d < 256; d++) {
      const c = count[d]!;
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const h = hA[i]!;
      const j = count[(h >>> shift) & 255]!++;
      hB[j] = h;
      iB[j] = iA[i]!;
    }
    [hA, hB] = [hB, hA];
    [iA, iB] = [iB, iA];
  }
  return { hash: hA, idx: iA };
}

function grownBytes(a: Uint8Array, n: number): Uint8Array {
  let m = a.length * 2;
  while (m < n) m *= 2;
  const b = new Uint8Array(m);
  b.set(a);
  return b;
}

/**
 * Reads a byte range of the file through a scanner into a reader, in chunks (the next read runs
 * while the scanner works on the current one). A range may stop anywhere: `atRecordStart` tells
 * whether it stopped between two records, and reading can go on from there.
 */
export class PartScanner {
  readonly scanner: CsvScanner;
  private readonly utf8: Utf8Feeder;
  private readonly push = (bytes: Uint8Array): void => this.scanner.push(bytes);
  private readonly bufs: Buffer[];
  pos: number;

  private constructor(
    private readonly fh: FileHandle,
    spec: FastSpec,
    reader: FastReader,
    from: number,
    chunkBytes: number,
  ) {
    this.scanner = new CsvScanner(spec.delimiter.charCodeAt(0), reader.onRecord);
    this.utf8 = utf8Feeder(spec.encoding);
    this.bufs = [Buffer.allocUnsafe(chunkBytes), Buffer.allocUnsafe(chunkBytes)];
    this.pos = from;
  }

  static async open(spec: FastSpec, reader: FastReader, from: number, chunkBytes: number): Promise<PartScanner> {
    return new PartScanner(await openFile(spec.path, 'r'), spec, reader, from, chunkBytes);
  }

  /**
   * Scans bytes [pos, end) (end: Infinity for the rest of the file); `progress` after each chunk.
   * Stops early, after a chunk, when `until()` says so (pos tells where).
   */
  async readTo(end: number, progress?: (pos: number) => void, until?: () => boolean): Promise<void> {
    let which = 0;
    const want = (): number => Math.min(this.bufs[0]!.length, end - this.pos);
    if (want() <= 0) return;
    let pending = this.fh.read(this.bufs[0]!, 0, want(), this.pos);
    try {
      for (;;) {
        const { bytesRead } = await pending;
        if (bytesRead === 0) break;
        const chunk = this.bufs[which]!.subarray(0, bytesRead);
        this.pos += bytesRead;
        which ^= 1;
        const n = want();
        pending = n > 0 ? this.fh.read(this.bufs[which]!, 0, n, this.pos) : Promise.resolve({ bytesRead: 0, buffer: this.bufs[which]! });
        this.utf8.feed(chunk, this.push);
        progress?.(this.pos);
        if (until?.()) {
          await pending; // the next chunk, read ahead: read again by the next call
          return;
        }
      }
    } catch (err) {
      await pending.catch(() => undefined);
      throw err;
    }
  }

  /** Whether the bytes so far end exactly after a record (nothing carried, no character cut). */
  get atRecordStart(): boolean {
    return this.scanner.atRecordStart && !this.utf8.pending;
  }

  /** The end of the file: the last record (a missing final line end is fine). */
  finish(): void {
    this.scanner.push(this.utf8.flush());
    this.scanner.end();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
