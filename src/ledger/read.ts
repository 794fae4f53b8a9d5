// Reading a ledger: open the file (CSV or xlsx), find the header row and the columns, parse every
// row into fields, settle what needs the whole file (day/month order, decimal separator), then
// resolve repeated invoice numbers (lines, instalments, conflicts: SPEC §2). Returns the items and
// every diagnostic; it throws only when nothing sensible can be read (InputError, exit 3).
import { isoOfDay, dayFromExcelSerial, dayFromYmd, type Day } from '../core/dates.js';
import type { Invoice } from '../core/ledger.js';
import { currencyExponent, decimalToMinor, floatToMinor, type Minor } from '../core/money.js';
import { InputError, UsageError } from '../errors.js';
import { normalizeHeader, REQUIRED, type ColumnChoice, type Field, type HeaderMatch } from './columns.js';
import type { Diagnostic, DiagnosticCode } from './diagnostics.js';
import { formatDiagnostic } from './diagnostics.js';
import { classifyStatus, parseAmount, parseCurrency, parseDate, parseFlag, parseTermsDays, type DateOrder, type StatusKind } from './values.js';
import type { Cell, RawRow, RowSource, SheetInfo } from './table.js';
import { cellLabel, openTable, type Requirement } from './source.js';
import type { Payment } from '../core/payments.js';

export interface ReadOptions {
  /** field → header text, from --map and the config's `columns`. */
  readonly map: Readonly<Partial<Record<Field, string>>>;
  /** Where each override came from, for `check` ("--map dueDate=Vence"). */
  readonly mapSource?: (field: Field) => string;
  readonly sheet?: string | null;
  readonly dateOrder?: DateOrder | null;
  readonly decimal?: ',' | '.' | null;
  readonly encoding?: string | null;
  readonly delimiter?: string | null;
  readonly defaultCurrency: string;
  readonly defaultTermsDays: number;
  /** `--group-by`: a field name (salesRep, segment…) or any header of the ledger. */
  readonly groupBy?: string | null;
  /** 'payments': a payments sheet (--payments): invoice or customer, a date and an amount per row. */
  readonly mode?: 'ledger' | 'payments';
}

export interface ReadStats {
  /** Rows after the header, blank rows not counted. */
  dataRows: number;
  /** Rows that became items (before lines were collapsed). */
  acceptedRows: number;
  rejectedRows: number;
  summaryRows: number;
  noteRows: number;
  notReceivable: number;
  linesCollapsed: number;
  instalmentInvoices: number;
  credits: number;
}

export interface LedgerRead {
  readonly file: string;
  readonly path: string;
  readonly format: 'csv' | 'xlsx';
  readonly sheet: string | null;
  readonly sheets: readonly SheetInfo[] | null;
  readonly sheetReason: string | null;
  readonly encoding: string | null;
  readonly delimiter: string | null;
  readonly headerRow: number;
  readonly headers: readonly string[];
  readonly mapping: HeaderMatch;
  readonly dateOrder: { readonly order: DateOrder | null; readonly reason: string };
  readonly invoices: readonly Invoice[];
  /** Errors: each is a rejected row (or a cell of one). */
  readonly rejected: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
  readonly stats: ReadStats;
}

const GENERIC_IDS = new Set(['XAXX010101000', 'XEXX010101000', '222222222222', '2222222222', 'CONSUMIDORFINAL', '9999999999999', '99999999']);

/** The user-visible text of a cell, for messages. */
function cellShown(c: Cell): string {
  return c.t === 'e' ? c.v : cellLabel(c);
}

type Pending<T> = T | { readonly ambiguous: true; readonly a: T; readonly b: T; readonly kind: 'date' | 'amount'; readonly sep?: ',' | '.' };

interface RowFields {
  row: number;
  customer: string;
  customerId: string | null;
  invoice: string;
  currency: string;
  invoiceDate: Pending<Day> | null;
  dueDate: Pending<Day> | null;
  paidDate: Pending<Day> | null;
  termsDays: number | null;
  amount: Pending<Minor> | null;
  paid: Pending<Minor> | null;
  balance: Pending<Minor> | null;
  status: StatusKind;
  disputed: boolean;
  email: string | null;
  phone: string | null;
  contact: string | null;
  salesRep: string | null;
  language: string | null;
  segment: string | null;
  group: string | null;
  promiseDate: Pending<Day> | null;
  noDunning: boolean;
}

function isPending<T>(v: Pending<T> | null): v is { ambiguous: true; a: T; b: T; kind: 'date' | 'amount'; sep?: ',' | '.' } {
  return v !== null && typeof v === 'object' && 'ambiguous' in v;
}

const SUMMARY_ROW = /^(sub ?total|total|totales|gran total|grand total|suma|summe|somme|total general)\b/;

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().trim();
}

function normalizeId(raw: string): string {
  return raw.toUpperCase().replace(/[\s.\-_/]/g, '');
}

function normalizeName(raw: string): string {
  return raw.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

// ---------- the reader ----------

class RowReader {
  readonly rejected: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly rows: RowFields[] = [];
  readonly stats: ReadStats = { dataRows: 0, acceptedRows: 0, rejectedRows: 0, summaryRows: 0, noteRows: 0, notReceivable: 0, linesCollapsed: 0, instalmentInvoices: 0, credits: 0 };
  readonly col: Partial<Record<Field, ColumnChoice>>;
  /** Rows that prove an order, per date column: the first example of each kind. */
  readonly dateProof: { dmy: { row: number; column: string; text: string } | null; mdy: { row: number; column: string; text: string } | null } = { dmy: null, mdy: null };
  readonly decimalProof: { ',': number; '.': number } = { ',': 0, '.': 0 };
  readonly dateCellKinds = new Map<string, { cells: number; texts: number; firstText: number }>();
  readonly unknownStatuses = new Map<string, number>();
  private rowErrors: Diagnostic[] = [];
  private current: RawRow | null = null;
  /** Column index of `--group-by`, or null. */
  groupColumn: number | null = null;

  private groupText(): string | null {
    const cell = this.current!.cells[this.groupColumn!];
    const t = cell ? cellLabel(cell) : '';
    return t === '' ? null : t;
  }

  constructor(
    readonly source: RowSource,
    readonly choices: readonly ColumnChoice[],
    readonly opts: ReadOptions,
  ) {
    this.col = Object.fromEntries(choices.map((c) => [c.field, c]));
  }

  private cell(field: Field): Cell | null {
    const c = this.col[field];
    if (!c || !this.current) return null;
    const cell = this.current.cells[c.column];
    return cell && cell.t !== 'empty' ? cell : null;
  }

  private fail(field: Field, code: DiagnosticCode, message: string, cell: Cell | null): null {
    this.rowErrors.push({
      code, severity: 'error', file: this.source.file, sheet: this.source.sheet, row: this.current!.row,
      column: this.col[field]?.header ?? field, value: cell && !(cell.t === 'e' && cell.v === 'formula without a cached value') ? cellShown(cell) : null, message,
    });
    return null;
  }

  warn(code: DiagnosticCode, row: number | null, message: string, column: string | null = null, value: string | null = null): void {
    this.warnings.push({ code, severity: 'warning', file: this.source.file, sheet: this.source.sheet, row, column, value, message });
  }

  private text(field: Field): string | null {
    const c = this.cell(field);
    if (!c) return null;
    if (c.t === 'e') return this.fail(field, 'bad-cell', c.v === 'formula without a cached value' ? 'is a formula with no saved value; open the file in Excel and save it again' : `is an error value (${c.v})`, c);
    const t = cellLabel(c);
    return t === '' ? null : t;
  }

  private date(field: Field): Pending<Day> | null {
    const c = this.cell(field);
    if (!c) return null;
    const column = this.col[field]!.header;
    const kinds = this.dateCellKinds.get(column) ?? { cells: 0, texts: 0, firstText: 0 };
    this.dateCellKinds.set(column, kinds);
    switch (c.t) {
      case 'd':
        kinds.cells++;
        return c.v;
      case 'n': {
        // A serial date in a number cell (a date column that lost its format), or 20240131.
        if (Number.isInteger(c.v) && c.v >= 19000101 && c.v <= 29991231) {
          const d = dayFromYmd(Math.floor(c.v / 10000), Math.floor(c.v / 100) % 100, c.v % 100);
          if (d !== null) return d;
        }
        const d = c.v >= 3653 && c.v < 146100 ? dayFromExcelSerial(c.v, this.source.date1904) : null;
        kinds.cells++;
        return d ?? this.fail(field, 'bad-date', 'is a number, not a date', c);
      }
      case 's': {
        kinds.texts++;
        if (!kinds.firstText) kinds.firstText = this.current!.row;
        const p = parseDate(c.v, this.opts.dateOrder ?? null);
        if (p.kind === 'error') return this.fail(field, 'bad-date', p.reason === 'is not a valid date' ? 'is not a valid date (no such day)' : 'is not a date', c);
        if (p.kind === 'ambiguous') return { ambiguous: true, a: p.dmy, b: p.mdy, kind: 'date' };
        if (p.proves && !this.dateProof[p.proves]) this.dateProof[p.proves] = { row: this.current!.row, column, text: c.v.trim() };
        return p.day;
      }
      case 'e':
        return this.fail(field, 'bad-cell', `is an error value (${c.v})`, c);
      default:
        return this.fail(field, 'bad-date', 'is not a date', c);
    }
  }

  private amount(field: Field, currency: string): Pending<Minor> | null {
    const c = this.cell(field);
    if (!c) return null;
    const exp = currencyExponent(currency);
    switch (c.t) {
      case 'n':
        return floatToMinor(c.v, exp) ?? this.fail(field, 'bad-amount', 'is too large to be an amount', c);
      case 's': {
        const p = parseAmount(c.v, this.opts.decimal ?? null);
        if (p.kind === 'error') return this.fail(field, 'bad-amount', p.reason, c);
        if (p.kind === 'ambiguous') {
          const a = decimalToMinor(p.asGrouping, exp);
          const b = decimalToMinor(p.asDecimal, exp);
          if (a === null || b === null) return this.fail(field, 'bad-amount', 'is not an amount', c);
          return { ambiguous: true, a, b, kind: 'amount', sep: p.sep };
        }
        if (p.decimalSep) this.decimalProof[p.decimalSep]++;
        return decimalToMinor(p.text, exp) ?? this.fail(field, 'bad-amount', 'is too large to be an amount', c);
      }
      case 'e':
        return this.fail(field, 'bad-cell', c.v === 'formula without a cached value' ? 'is a formula with no saved value; open the file in Excel and save it again' : `is an error value (${c.v})`, c);
      default:
        return this.fail(field, 'bad-amount', c.t === 'd' ? 'is a date, not an amount' : 'is not an amount', c);
    }
  }

  /** A yes/no column (disputed, noDunning): empty is no; anything else that is not yes or no rejects the row. */
  private flag(field: Field): boolean {
    const cell = this.cell(field);
    if (!cell) return false;
    const flag = parseFlag(cellLabel(cell));
    if (flag === null) this.fail(field, 'bad-flag', 'is neither yes nor no (use Sí/No, yes/no, x or empty)', cell);
    return flag ?? false;
  }

  /** One data row → fields, or a rejection / a skip. */
  accept(raw: RawRow): void {
    if (raw.cells.every((c) => c.t === 'empty')) return;
    this.current = raw;
    this.rowErrors = [];
    this.stats.dataRows++;
    const folio = this.text('invoice');
    const series = this.text('series');
    // Serie + folio (CFDI, Colombian prefixes): A-1251 and NC-1251 are different documents.
    const invoiceText = folio !== null && series !== null && !folio.startsWith(series) ? `${series}-${folio}` : folio;
    const nameText = this.text('customer');
    const idText = this.text('customerId');
    if (invoiceText === null && this.rowErrors.length === 0) {
      const labels = raw.cells.map(cellLabel).filter((t) => t !== '');
      if (labels.some((t) => SUMMARY_ROW.test(fold(t)))) {
        this.stats.summaryRows++;
        this.warn('summary-row', raw.row, `skipped a totals row ("${labels[0]}")`);
        return;
      }
      const hasAmount = this.cell('amount') ?? this.cell('balance');
      if (!hasAmount && labels.length <= 1) {
        this.stats.noteRows++;
        this.warn('note-row', raw.row, `skipped a row with no invoice and no amount${labels[0] ? ` ("${labels[0]}")` : ''}`);
        return;
      }
    }
    const statusText = this.text('status');
    const status = statusText === null ? 'open' : classifyStatus(statusText);
    if (status === 'unknown') this.unknownStatuses.set(statusText!, (this.unknownStatuses.get(statusText!) ?? 0) + 1);
    const currencyText = this.text('currency');
    let currency = this.opts.defaultCurrency;
    if (currencyText !== null) {
      const cur = parseCurrency(currencyText, this.opts.defaultCurrency);
      if (cur === null) this.fail('currency', 'bad-currency', 'is not a currency code (use ISO codes like MXN, USD, EUR)', this.cell('currency'));
      else currency = cur;
    }
    const disputed = this.flag('disputed');
    const termsText = this.text('termsDays');
    const termsDays = termsText === null ? null : parseTermsDays(termsText);
    if (termsText !== null && termsDays === null) this.fail('termsDays', 'bad-terms', 'is not a number of days', this.cell('termsDays'));
    const fields: RowFields = {
      row: raw.row,
      customer: nameText ?? '',
      customerId: idText,
      invoice: invoiceText ?? '',
      currency,
      invoiceDate: this.date('invoiceDate'),
      dueDate: this.date('dueDate'),
      paidDate: this.date('paidDate'),
      termsDays,
      amount: this.amount('amount', currency),
      paid: this.amount('paid', currency),
      balance: this.amount('balance', currency),
      status,
      disputed,
      email: this.text('email'),
      phone: this.text('phone'),
      contact: this.text('contact'),
      salesRep: this.text('salesRep'),
      language: this.text('language'),
      segment: this.text('segment'),
      group: this.groupColumn === null ? null : this.groupText(),
      promiseDate: this.date('promiseDate'),
      noDunning: this.flag('noDunning'),
    };
    if (this.opts.mode === 'payments') this.checkPayment(fields, nameText ?? idText);
    else this.checkInvoice(fields, nameText ?? idText);
    if (this.rowErrors.length) {
      this.rejected.push(...this.rowErrors);
      this.stats.rejectedRows++;
      return;
    }
    if (status === 'excluded') {
      this.stats.notReceivable++;
      return;
    }
    this.rows.push(fields);
  }

  private checkPayment(fields: RowFields, customer: string | null): void {
    const badCell = (code: DiagnosticCode) => this.rowErrors.some((e) => e.code === code || e.code === 'bad-cell');
    if (customer === null && !fields.invoice) this.fail(this.col.invoice ? 'invoice' : 'customer', 'missing-value', 'is empty: a payment needs the invoice it pays or the customer who paid', null);
    if (fields.amount === null && fields.paid === null && fields.balance === null && !badCell('bad-amount')) this.fail(this.col.paid ? 'paid' : 'amount', 'missing-value', 'is empty: a payment needs an amount', null);
    if (fields.paidDate === null && fields.invoiceDate === null && fields.dueDate === null && !badCell('bad-date')) this.fail(this.col.paidDate ? 'paidDate' : 'invoiceDate', 'missing-value', 'is empty: a payment needs a date', null);
  }

  private checkInvoice(fields: RowFields, customer: string | null): void {
    const invoiceText = fields.invoice || null;
    if (customer === null) this.fail(this.col.customer ? 'customer' : 'customerId', 'missing-value', 'is empty: every row needs a customer', null);
    if (invoiceText === null) this.fail('invoice', 'missing-value', 'is empty: every row needs an invoice number', null);
    if (fields.amount === null && fields.balance === null && !this.rowErrors.some((e) => e.code === 'bad-amount' || e.code === 'bad-cell')) {
      this.fail(this.col.balance && !this.col.amount ? 'balance' : 'amount', 'missing-value', 'is empty: every row needs an amount', null);
    }
    if (fields.invoiceDate === null && fields.dueDate === null && !this.rowErrors.some((e) => e.code === 'bad-date' || e.code === 'bad-cell')) {
      this.fail(this.col.invoiceDate ? 'invoiceDate' : 'dueDate', 'missing-value', 'is empty: every row needs an invoice or due date', null);
    }
  }

  /** Settles day/month order from the whole file (SPEC §2). */
  resolveDateOrder(): { order: DateOrder | null; reason: string } {
    if (this.opts.dateOrder) return { order: this.opts.dateOrder, reason: 'given (--date-order or config dateOrder)' };
    const { dmy, mdy } = this.dateProof;
    const hasAmbiguous = this.rows.some((r) => isPending(r.invoiceDate) || isPending(r.dueDate) || isPending(r.paidDate) || isPending(r.promiseDate));
    if (dmy && mdy) {
      const msg = `dates are day-first in some rows (row ${dmy.row}: ${dmy.column} ${dmy.text}) and month-first in others (row ${mdy.row}: ${mdy.column} ${mdy.text})`;
      if (hasAmbiguous) {
        throw new InputError(`${this.where()}: ${msg}, so dates like 03/04 cannot be read safely; fix the file or pass --date-order dmy|mdy`);
      }
      this.warn('mixed-date-order', null, `${msg}: check the file`);
      return { order: null, reason: 'mixed (no ambiguous dates)' };
    }
    if (dmy) return { order: 'dmy', reason: `day first: row ${dmy.row} has ${dmy.column} ${dmy.text}` };
    if (mdy) return { order: 'mdy', reason: `month first: row ${mdy.row} has ${mdy.column} ${mdy.text}` };
    if (hasAmbiguous) {
      const r = this.rows.find((x) => isPending(x.invoiceDate) || isPending(x.dueDate) || isPending(x.paidDate) || isPending(x.promiseDate))!;
      const field: Field = isPending(r.invoiceDate) ? 'invoiceDate' : isPending(r.dueDate) ? 'dueDate' : isPending(r.paidDate) ? 'paidDate' : 'promiseDate';
      throw new InputError(`${this.where()} › row ${r.row} › "${this.col[field]?.header ?? field}": every date could be day/month or month/day (no day above 12); pass --date-order dmy or --date-order mdy`);
    }
    return { order: null, reason: 'not needed (no day/month dates)' };
  }

  where(): string {
    return this.source.sheet ? `${this.source.file} › ${this.source.sheet}` : this.source.file;
  }

  pick<T>(v: Pending<T> | null, order: DateOrder | null): T | null {
    if (!isPending(v)) return v as T | null;
    if (v.kind === 'date') return order === 'mdy' ? v.b : v.a;
    // A lone separator before three digits: the decimal separator only if the column uses it so elsewhere.
    const sep = v.sep!;
    const other = sep === '.' ? ',' : '.';
    return this.decimalProof[sep] > 0 && this.decimalProof[other] === 0 ? v.b : v.a;
  }
}

/** `--group-by NAME`: a mapped field's column, else the header of that name (any case, accents). */
function groupColumnOf(name: string, headers: readonly string[], choices: readonly ColumnChoice[], where: string): number {
  const byField = choices.find((c) => c.field === name);
  if (byField) return byField.column;
  const want = normalizeHeader(name);
  const i = headers.findIndex((h) => h === name || normalizeHeader(h) === want);
  if (i < 0) throw new UsageError(`--group-by ${name}: ${where} has no such column (headers: ${headers.filter(Boolean).join(', ')})`);
  return i;
}

/**
 * The grouping key: the customer id unless generic (SPEC §2) or only punctuation ("-", "/": an
 * export's way of saying "none"), else the normalized name.
 */
export function customerKeyOf(name: string, customerId: string | null): string {
  return (customerId ? idKeyOf(customerId) : null) ?? `name:${normalizeName(name || customerId || '')}`;
}

/** "id:…" for a customer id that identifies one customer, null for a generic or empty one. */
function idKeyOf(customerId: string): string | null {
  const id = normalizeId(customerId);
  if (id === '' || GENERIC_IDS.has(id) || /^CONSUMIDOR ?FINAL$/i.test(customerId)) return null;
  return `id:${id}`;
}

/**
 * customerKeyOf with its answers kept: a ledger repeats each customer's name and id on every
 * row, and normalizing them again each time was a sixth of the general reader's time.
 */
class CustomerKeys {
  private readonly byName = new Map<string, string>();
  private readonly byId = new Map<string, string | null>();

  of(name: string, customerId: string | null): string {
    if (customerId) {
      let k = this.byId.get(customerId);
      if (k === undefined) {
        k = idKeyOf(customerId);
        this.byId.set(customerId, k);
      }
      if (k !== null) return k;
    }
    const text = name || customerId || '';
    let k = this.byName.get(text);
    if (k === undefined) {
      k = `name:${normalizeName(text)}`;
      this.byName.set(text, k);
    }
    return k;
  }
}

/** Turns settled row fields into items; rows that cannot be settled become diagnostics. */
function toInvoices(reader: RowReader, order: DateOrder | null, opts: ReadOptions): Invoice[] {
  const out: Invoice[] = [];
  const src = reader.source;
  const keys = new CustomerKeys();
  for (const r of reader.rows) {
    const invoiceDate = reader.pick(r.invoiceDate, order);
    const paidDate = reader.pick(r.paidDate, order);
    let amount = reader.pick(r.amount, order);
    const paid = reader.pick(r.paid, order);
    const balance = reader.pick(r.balance, order);
    const open = balance ?? (amount ?? 0) - (paid ?? 0);
    if (amount === null) amount = open;
    let dueDate = reader.pick(r.dueDate, order);
    if (dueDate === null) {
      // No due date: invoice date + terms; a credit is "due" on its own date.
      dueDate = open < 0 || amount < 0 ? invoiceDate! : invoiceDate! + (r.termsDays ?? opts.defaultTermsDays);
    }
    if (invoiceDate !== null && dueDate < invoiceDate && open >= 0) {
      reader.warn('due-before-invoice', r.row, `due date ${isoOfDay(dueDate)} is before the invoice date ${isoOfDay(invoiceDate)}`);
    }
    const customerKey = keys.of(r.customer, r.customerId);
    if (open < 0 || amount < 0) reader.stats.credits++;
    out.push({
      customerKey,
      customer: r.customer || r.customerId || '',
      customerId: r.customerId,
      invoice: r.invoice,
      currency: r.currency,
      invoiceDate,
      dueDate,
      amount,
      open,
      paidDate,
      paidByStatus: r.status === 'paid',
      disputed: r.disputed,
      email: r.email,
      phone: r.phone,
      contact: r.contact,
      salesRep: r.salesRep,
      language: r.language,
      segment: r.segment,
      ...(reader.groupColumn === null ? {} : { group: r.group }),
      ...(r.promiseDate === null ? {} : { promiseDate: reader.pick(r.promiseDate, order) }),
      ...(r.noDunning ? { noDunning: true } : {}),
      source: { file: src.file, sheet: src.sheet, row: r.row },
    });
  }
  return out;
}

/**
 * Repeated (customer key, invoice) rows (SPEC §2): same due date and the same amounts → lines of
 * one invoice, counted once; different due dates → instalments, each aged by its own date;
 * anything else → every row of the group rejected as a conflicting duplicate.
 */
function resolveDuplicates(items: Invoice[], reader: RowReader): Invoice[] {
  // Most invoices have one row: they get no array of their own.
  const firsts = new Map<string, Invoice>();
  const repeated = new Map<string, Invoice[]>();
  for (const it of items) {
    const k = `${it.customerKey}\u0000${it.invoice}`;
    const first = firsts.get(k);
    if (first === undefined) firsts.set(k, it);
    else {
      const g = repeated.get(k);
      if (g) g.push(it);
      else repeated.set(k, [first, it]);
    }
  }
  const out: Invoice[] = [];
  for (const [k, first] of firsts) {
    const group = repeated.get(k);
    if (group === undefined) {
      out.push(first);
      continue;
    }
    const byDue = new Map<number, Invoice[]>();
    for (const it of group) {
      const g = byDue.get(it.dueDate);
      if (g) g.push(it);
      else byDue.set(it.dueDate, [it]);
    }
    const kept: Invoice[] = [];
    let conflict: Invoice[] | null = null;
    for (const same of byDue.values()) {
      const first = same[0]!;
      const identical = same.every((x) => x.amount === first.amount && x.open === first.open && x.currency === first.currency && x.paidDate === first.paidDate);
      if (!identical) {
        conflict = same;
        break;
      }
      if (same.length > 1) reader.stats.linesCollapsed += same.length - 1;
      kept.push(first);
    }
    if (conflict) {
      const rows = group.map((x) => x.source.row);
      for (const x of group) {
        reader.rejected.push({
          code: 'conflicting-duplicate', severity: 'error', file: x.source.file, sheet: x.source.sheet, row: x.source.row,
          column: reader.col.invoice?.header ?? 'invoice', value: x.invoice,
          message: `appears in rows ${rows.join(', ')} with the same due date but different amounts: not lines of one invoice, not instalments; fix the file or give the invoice-total column with --map`,
        });
      }
      reader.stats.rejectedRows += group.length;
      continue;
    }
    if (byDue.size > 1) reader.stats.instalmentInvoices++;
    out.push(...kept);
  }
  return out;
}

/** Reads a ledger file into items and diagnostics. */
export async function readLedger(path: string, opts: ReadOptions): Promise<LedgerRead> {
  const table = await openTable(path, opts, REQUIRED);
  const { source, where, headerRow, headers, mapping: match } = table;
  const reader = new RowReader(source, match.choices, opts);
  if (opts.groupBy) reader.groupColumn = groupColumnOf(opts.groupBy, headers, match.choices, where);
  for await (const r of table.rows) reader.accept(r);
  for (const [column, k] of reader.dateCellKinds) {
    if (k.cells > 0 && k.texts > 0) {
      reader.warn('mixed-date-cells', k.firstText, `column mixes ${k.cells} date cells with ${k.texts} dates typed as text: a sign of a file damaged by a locale change; check these dates`, column);
    }
  }
  const dateOrder = reader.resolveDateOrder();
  const items = toInvoices(reader, dateOrder.order, opts);
  const invoices = resolveDuplicates(items, reader);
  reader.stats.acceptedRows = items.length - reader.rejected.filter((d) => d.code === 'conflicting-duplicate').length;
  for (const [status, n] of reader.unknownStatuses) {
    reader.warn('unknown-status', null, `${n} row(s) have status ${JSON.stringify(status)}, which is not a known word for draft/void/paid: read as open`, reader.col.status?.header ?? null);
  }
  if (reader.stats.linesCollapsed) reader.warn('lines-collapsed', null, `${reader.stats.linesCollapsed} repeated row(s) were lines of an invoice already counted (same due date and amounts): counted once`);
  if (reader.stats.instalmentInvoices) reader.warn('instalments', null, `${reader.stats.instalmentInvoices} invoice(s) have several due dates: each instalment is aged by its own due date`);
  if (reader.stats.credits) reader.warn('credits', null, `${reader.stats.credits} credit(s) (negative amounts) found: they reduce their customer's balance and are never overdue`);
  if (reader.stats.notReceivable) reader.warn('not-receivable', null, `${reader.stats.notReceivable} row(s) are draft, void or cancelled: not receivables`);
  const missingEmail = new Set<string>();
  const withEmail = new Set<string>();
  for (const it of invoices) (it.email ? withEmail : missingEmail).add(it.customerKey);
  const noEmail = new Set([...missingEmail].filter((k) => !withEmail.has(k)));
  if (reader.col.email && noEmail.size) {
    const names = new Set<string>();
    for (const i of invoices) {
      if (names.size === 5) break;
      if (noEmail.has(i.customerKey)) names.add(i.customer);
    }
    reader.warn('missing-email', null, `${noEmail.size} customer(s) have no email address: ${[...names].join(', ')}${noEmail.size > 5 ? ', …' : ''}`);
  }
  if (invoices.length === 0 && reader.rejected.length === 0 && reader.stats.notReceivable === 0) {
    throw new InputError(`${where}: no invoice rows below the header (row ${headerRow.row})`);
  }
  return {
    file: source.file,
    path,
    format: table.format,
    sheet: source.sheet,
    sheets: table.sheets,
    sheetReason: table.sheetReason,
    encoding: table.encoding,
    delimiter: table.delimiter,
    headerRow: headerRow.row,
    headers,
    mapping: match,
    dateOrder,
    invoices,
    rejected: reader.rejected,
    warnings: reader.warnings,
    stats: reader.stats,
  };
}

/** The one-line warning `aging` prints for rejected rows (SPEC §2). */
export function rejectedSummary(read: LedgerRead): string | null {
  if (read.stats.rejectedRows === 0) return null;
  const first = read.rejected[0];
  return `${read.stats.rejectedRows} row(s) rejected (run \`dunning check ${read.path}\` for the list)${first ? `; first: ${formatDiagnostic(first)}` : ''}`;
}

const PAYMENT_FIELDS: readonly Requirement[] = [
  { anyOf: ['invoice', 'customer', 'customerId'], what: 'the invoice paid (or the customer who paid)' },
  { anyOf: ['paid', 'amount', 'balance'], what: 'the amount paid' },
  { anyOf: ['paidDate', 'invoiceDate', 'dueDate'], what: 'the payment date' },
];

export interface PaymentsRead {
  readonly file: string;
  readonly payments: readonly Payment[];
  readonly rejected: readonly Diagnostic[];
  readonly warnings: readonly Diagnostic[];
}

/** Reads a payments sheet (--payments FILE): invoice and/or customer, date, amount per row. */
export async function readPayments(path: string, opts: ReadOptions): Promise<PaymentsRead> {
  const table = await openTable(path, { ...opts, map: {} }, PAYMENT_FIELDS);
  const reader = new RowReader(table.source, table.mapping.choices, { ...opts, mode: 'payments' });
  for await (const r of table.rows) reader.accept(r);
  const { order } = reader.resolveDateOrder();
  const payments: Payment[] = [];
  for (const r of reader.rows) {
    const amount = reader.pick(r.paid, order) ?? reader.pick(r.amount, order) ?? reader.pick(r.balance, order) ?? 0;
    const date = reader.pick(r.paidDate, order) ?? reader.pick(r.invoiceDate, order) ?? reader.pick(r.dueDate, order)!;
    const named = r.customer || r.customerId;
    payments.push({
      customerKey: named ? customerKeyOf(r.customer, r.customerId) : null,
      customer: named || null,
      invoice: r.invoice || null,
      date,
      amount: Math.abs(amount),
      currency: reader.col.currency ? r.currency : null,
      row: r.row,
    });
  }
  return { file: table.source.file, payments, rejected: reader.rejected, warnings: reader.warnings };
}
