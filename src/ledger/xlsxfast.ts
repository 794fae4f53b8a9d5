// The aging fast path for xlsx ledgers: the rows of a worksheet, scanned at the byte level
// (xlsxscan.ts), handed to the fast path's row reader (fastreader.ts FastReader) as the records
// it reads from a CSV file — each cell written as the text the general reader would see in it.
// Shared strings are copied from the shared-string table's bytes and plain numbers from the
// sheet's own bytes, so the common row makes no string and no object.
//
// The general reader gives typed cells their own meaning (read.ts RowReader): a number cell in an
// amount column is a float (floatToMinor), a date cell is a day, text is parsed. Each cell is
// written so that the fast reader reaches the same value, or the adapter gives up (Bail, so the
// caller runs the general path) where the two could differ:
//   - text columns (customer, invoice, currency, status…): the cell's label (source.ts cellLabel):
//     the text, a number as numberText, a date as ISO, TRUE/FALSE; an error cell gives up;
//   - date columns: a date cell as ISO "yyyy-mm-dd" (proves no day/month order, like a date cell);
//     text as it is; a plain number, a boolean or an error gives up, and so does a column that
//     mixes date cells with dates typed as text (the general reader warns about it);
//   - amount columns: a number as the decimal text floatToMinor reads (15 significant digits),
//     with the decimal separator --decimal asks for and a trailing 0 after exactly three decimals
//     ("1.234" would be ambiguous as text; "1.2340" is the same amount); text, dates, booleans
//     and errors give up (a number cell says nothing about the decimal separator of the column,
//     text amounts would be settled differently);
//   - other columns: only whether the cell has a value matters ("x" or nothing);
//   - a row of blank text cells, cells out of column order, rows out of order: give up.
import { isoOfDay, type Day } from '../core/dates.js';
import type { Field } from './columns.js';
import { PLAIN, type CsvRecord } from './csvscan.js';
import { Bail, FastReader, type FastSpec } from './fastreader.js';
import { cellLabel, type OpenedTable } from './source.js';
import type { Cell } from './table.js';
import { isXlsxSource, type CellReader } from './xlsx.js';
import { T_NUMBER, T_SHARED, type RawCells } from './xlsxscan.js';

const TEXT = 0;
const DATE = 1;
const AMOUNT = 2;
const OTHER = 3;

const DATE_FIELDS: readonly Field[] = ['invoiceDate', 'dueDate', 'paidDate'];
const AMOUNT_FIELDS: readonly Field[] = ['amount', 'paid', 'balance'];

/** Date serials below this one (the year 2173) have their ISO text cached. */
const SERIAL_CACHE = 100_000;
/** Columns past this one give up (a record per row is sized for the widest row). */
const MAX_COLUMNS = 1024;
/** Bytes of sheet XML per row, for sizing the reader's tables (a row of 8 cells is ~330 bytes). */
const BYTES_PER_ROW_GUESS = 256;

/** A CsvRecord written row by row into one growing buffer (FastReader copies what it keeps). */
class RowRecord implements CsvRecord {
  buf: Buffer = Buffer.alloc(4096);
  count = 0;
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** All PLAIN: the bytes are the text, no CSV quoting to undo. */
  quoted = new Uint8Array(MAX_COLUMNS).fill(PLAIN);
  line = 0;
  /** Bytes written for this row so far. */
  used = 0;

  begin(line: number): void {
    this.used = 0;
    this.count = 0;
    this.line = line;
  }

  room(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return;
    let n = this.buf.length * 2;
    while (n < this.used + bytes) n *= 2;
    const b = Buffer.alloc(n);
    b.set(this.buf.subarray(0, this.used));
    this.buf = b;
  }

  /** Empty fields up to (not including) column c. */
  emptyTo(c: number): void {
    if (c >= this.starts.length) {
      let n = this.starts.length * 2;
      while (n <= c) n *= 2;
      const s = new Int32Array(n);
      s.set(this.starts);
      const e = new Int32Array(n);
      e.set(this.ends);
      this.starts = s;
      this.ends = e;
    }
    for (let i = this.count; i < c; i++) this.starts[i] = this.ends[i] = this.used;
    this.count = c;
  }

  bytes(src: Uint8Array, s: number, e: number): void {
    const n = e - s;
    this.room(n);
    const buf = this.buf;
    let at = this.used;
    if (n > 64) buf.set(src.subarray(s, e), at);
    else for (let i = s; i < e; i++) buf[at++] = src[i]!;
    this.used += n;
  }

  text(s: string): void {
    this.room(s.length * 3);
    this.used += this.buf.write(s, this.used, 'utf8');
  }
}

/** Per date column: date cells and dates typed as text (read.ts dateCellKinds). */
interface DateKinds {
  cells: number;
  texts: number;
}

class XlsxRows {
  readonly rec = new RowRecord();
  /** Role per column (TEXT, DATE, AMOUNT; OTHER beyond). */
  private readonly roles: Uint8Array;
  /** Date kinds per column, by header text as read.ts counts them. */
  private readonly kinds: (DateKinds | undefined)[] = [];
  /** Per shared string: 0 unknown, 1 has text, 2 empty, 3 blank (only whitespace). */
  private sstKind: Uint8Array = new Uint8Array(0);
  private readonly iso = new Map<Day, Buffer | null>();
  private readonly decimalComma: boolean;
  private readonly headerLine: number;

  private prevRow = 0;

  constructor(spec: FastSpec, private readonly onRecord: (rec: CsvRecord) => void) {
    this.headerLine = spec.headerLine;
    const roles = new Uint8Array(MAX_COLUMNS).fill(OTHER);
    const byHeader = new Map<string, DateKinds>();
    for (const [field, col] of Object.entries(spec.columns) as [Field, number][]) {
      if (col < 0) continue;
      if (col >= MAX_COLUMNS) throw new Bail(`a column past ${MAX_COLUMNS}`);
      roles[col] = DATE_FIELDS.includes(field) ? DATE : AMOUNT_FIELDS.includes(field) ? AMOUNT : TEXT;
      if (roles[col] === DATE) {
        const header = spec.headers[field] ?? field;
        let k = byHeader.get(header);
        if (!k) byHeader.set(header, (k = { cells: 0, texts: 0 }));
        this.kinds[col] = k;
      }
    }
    this.roles = roles;
    this.decimalComma = spec.decimal === ',';
  }

  /** One scanned row → one record for the FastReader. */
  readonly onRow = (raw: RawCells, cells: CellReader): void => {
    if (raw.row <= this.prevRow) throw new Bail('rows out of order in the sheet', raw.row);
    this.prevRow = raw.row;
    if (raw.row <= this.headerLine) return; // the header and any title rows above it
    const rec = this.rec;
    rec.begin(raw.row);
    // Whether any cell has a value for the general reader, and any field for the fast one.
    let anyCell = false;
    let anyPresent = false;
    let lastCol = -1;
    const sst = cells.sst;
    if (this.sstKind.length !== sst.count) this.sstKind = new Uint8Array(sst.count);
    for (let k = 0; k < raw.n; k++) {
      const col = raw.col[k]!;
      if (col <= lastCol) throw new Bail('cells out of column order in a row', raw.row);
      if (col >= MAX_COLUMNS) throw new Bail(`a cell past column ${MAX_COLUMNS}`, raw.row);
      lastCol = col;
      rec.emptyTo(col);
      const start = rec.used;
      const role = this.roles[col]!;
      const type = raw.type[k]!;
      let present = true;
      if (type === T_SHARED && role !== AMOUNT) {
        const i = raw.num[k]!;
        if (Number.isInteger(i) && i >= 0 && i < sst.count) {
          const kind = this.sstKind[i] || this.classify(i, cells);
          if (kind === 2) { // '' reads as an empty cell
            rec.ends[col] = rec.starts[col] = start;
            rec.count = col + 1;
            continue;
          }
          anyCell = true;
          present = kind === 1;
          if (role === DATE) {
            if (!present) throw new Bail('a blank date', raw.row);
            this.kinds[col]!.texts++;
            this.checkKinds(col, raw.row);
          }
          if (role === OTHER) rec.bytes(X, 0, 1);
          else rec.bytes(sst.arena, sst.offsets[i]!, sst.offsets[i + 1]!);
        } else present = this.cell(cells.cell(raw, k), raw, role, col);
      } else if (type === T_NUMBER && role === DATE) {
        // A date cell: its serial's "yyyy-mm-dd", made once per serial.
        const vs = raw.vStart[k]!;
        const ve = raw.vEnd[k]!;
        const serial = vs >= 0 && ve > vs ? raw.num[k]! : NaN;
        const at = serial === serial && cells.isDateStyle(raw, k) ? this.isoOfSerial(serial, cells) : -1;
        if (at >= 0) {
          rec.bytes(this.isoArena, at, at + 10);
          const kinds = this.kinds[col]!;
          kinds.cells++;
          if (kinds.texts > 0) this.checkKinds(col, raw.row);
        } else present = this.cell(cells.cell(raw, k), raw, role, col);
      } else if (type === T_NUMBER && !cells.isDateStyle(raw, k)) {
        const vs = raw.vStart[k]!;
        const ve = raw.vEnd[k]!;
        if (vs >= 0 && ve > vs && canonicalNumber(raw.buf, vs, ve)) {
          // The bytes are numberText(value) and floatToMinor's text: no Number, no string.
          anyCell = true;
          if (role === OTHER) rec.bytes(X, 0, 1);
          else if (role === TEXT) rec.bytes(raw.buf, vs, ve);
          else this.amountBytes(raw.buf, vs, ve);
        } else present = this.cell(cells.cell(raw, k), raw, role, col);
      } else present = this.cell(cells.cell(raw, k), raw, role, col);
      if (rec.used > start) anyCell = true;
      if (present && rec.used > start) anyPresent = true;
      rec.starts[col] = start;
      rec.ends[col] = rec.used;
      rec.count = col + 1;
    }
    // A row of blank text: the general reader counts (and rejects or skips) it, the fast one
    // would not see it.
    if (anyCell && !anyPresent) throw new Bail('a row of blank text cells', raw.row);
    this.onRecord(rec);
  };

  /** What shared string i is for the fast reader (sstKind codes), remembered. */
  private classify(i: number, cells: CellReader): number {
    const { arena, offsets } = cells.sst;
    const s = offsets[i]!;
    const e = offsets[i + 1]!;
    let kind = e === s ? 2 : 3;
    for (let j = s; j < e && kind === 3; j++) {
      const b = arena[j]!;
      if (b >= 128) kind = cells.sst.text(i).trim() === '' ? 3 : 1;
      else if (!(b === 32 || (b >= 9 && b <= 13))) kind = 1;
    }
    this.sstKind[i] = kind;
    return kind;
  }

  /**
   * Writes a Cell (the general reader's view of cell k) into the record for a column of `role`;
   * returns whether the fast reader will see a value (not blank). Gives up where they differ.
   */
  private cell(cell: Cell, raw: RawCells, role: number, col: number): boolean {
    const rec = this.rec;
    if (cell.t === 'empty') return true;
    if (role === OTHER) {
      rec.bytes(X, 0, 1);
      return true;
    }
    if (cell.t === 'e') throw new Bail('an error cell or a formula without a value', raw.row);
    if (role === TEXT) {
      const label = cellLabel(cell);
      rec.text(cell.t === 's' ? cell.v : label);
      return label !== '';
    }
    if (role === DATE) {
      if (cell.t === 'd') {
        const iso = this.isoBytes(cell.v);
        if (iso === null) throw new Bail('a date outside the years 1000–9999', raw.row);
        rec.bytes(iso, 0, iso.length);
        this.kinds[col]!.cells++;
      } else if (cell.t === 's') {
        if (cell.v.trim() === '') throw new Bail('a blank date', raw.row);
        rec.text(cell.v);
        this.kinds[col]!.texts++;
      } else throw new Bail(cell.t === 'n' ? 'a number that is not formatted as a date in a date column' : 'a non-date in a date column', raw.row);
      this.checkKinds(col, raw.row);
      return true;
    }
    // AMOUNT
    if (cell.t !== 'n') throw new Bail(cell.t === 's' ? 'an amount typed as text' : 'a non-number in an amount column', raw.row);
    const text = Number(cell.v.toPrecision(15)).toString();
    if (text.includes('e')) throw new Bail('an amount too small or too large to write as a decimal', raw.row);
    const b = Buffer.from(text, 'latin1');
    this.amountBytes(b, 0, b.length);
    return true;
  }

  /** A date column that mixes date cells with text dates: the general reader warns; we give up. */
  private checkKinds(col: number, row: number): void {
    const k = this.kinds[col]!;
    if (k.cells > 0 && k.texts > 0) throw new Bail('a date column mixes date cells with dates typed as text', row);
  }

  /** Checks the date columns once all rows are read (a text date may come after date cells). */
  finish(): void {
    for (let col = 0; col < this.kinds.length; col++) if (this.kinds[col]) this.checkKinds(col, 0);
  }

  /** Canonical decimal bytes buf[s, e) as an amount: see the file's header. */
  private amountBytes(buf: Uint8Array, s: number, e: number): void {
    const rec = this.rec;
    const at = rec.used;
    rec.bytes(buf, s, e);
    let dot = -1;
    for (let i = at; i < rec.used; i++) {
      if (rec.buf[i] === 46) {
        dot = i;
        break;
      }
    }
    if (dot < 0) return;
    if (this.decimalComma) rec.buf[dot] = 44;
    if (rec.used - dot - 1 === 3) rec.bytes(ZERO, 0, 1);
  }

  /** Per whole serial below SERIAL_CACHE: 0 not known yet, -1 no date, else 1 + its offset in isoArena. */
  private readonly isoBySerial = new Int32Array(SERIAL_CACHE);
  private isoArena = new Uint8Array(10 * 1024);
  private isoUsed = 0;

  /** Offset in isoArena of the "yyyy-mm-dd" of a date cell's serial, or -1 (not a date, or out of range). */
  private isoOfSerial(serial: number, cells: CellReader): number {
    const whole = Math.floor(serial);
    const cached = whole >= 0 && whole < SERIAL_CACHE;
    if (cached) {
      const known = this.isoBySerial[whole]!;
      if (known !== 0) return known - 1;
    }
    const cell = cells.dateCell(serial);
    const iso = cell?.t === 'd' ? this.isoBytes(cell.v) : null;
    if (iso === null) {
      if (cached) this.isoBySerial[whole] = 0; // the slow way, every time: it gives up anyway
      return -1;
    }
    if (this.isoUsed + 10 > this.isoArena.length) {
      const a = new Uint8Array(this.isoArena.length * 2);
      a.set(this.isoArena);
      this.isoArena = a;
    }
    const at = this.isoUsed;
    this.isoArena.set(iso, at);
    this.isoUsed += 10;
    if (cached) this.isoBySerial[whole] = at + 1;
    return at;
  }

  /** "yyyy-mm-dd" of a day, or null outside the years the fast reader reads (1000–9999). */
  private isoBytes(day: Day): Buffer | null {
    let b = this.iso.get(day);
    if (b === undefined) {
      const iso = isoOfDay(day);
      b = /^\d{4}-\d{2}-\d{2}$/.test(iso) && iso >= '1000' ? Buffer.from(iso, 'latin1') : null;
      this.iso.set(day, b);
    }
    return b;
  }
}

const X = Buffer.from('x', 'latin1');
const ZERO = Buffer.from('0', 'latin1');

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/**
 * Whether buf[s, e) is exactly the text JavaScript writes for the number it denotes (String of
 * Number of it, and so numberText and floatToMinor's text): an optional '-', an integer part
 * without leading zeros, an optional fraction not ending in 0, at most 15 digits (15 significant
 * digits survive a double exactly, so the shortest text that reads back is this one), no
 * exponent, not "-0", and not below 1e-6 (written with an exponent).
 */
export function canonicalNumber(buf: Uint8Array, s: number, e: number): boolean {
  let i = s;
  if (buf[i] === 45) i++;
  const intStart = i;
  while (i < e && isDigit(buf[i])) i++;
  const intLen = i - intStart;
  if (intLen === 0 || (intLen > 1 && buf[intStart] === 48)) return false;
  let digits = intLen;
  if (i < e) {
    if (buf[i] !== 46) return false;
    const fracStart = ++i;
    while (i < e && isDigit(buf[i])) i++;
    const fracLen = i - fracStart;
    if (i !== e || fracLen === 0 || buf[e - 1] === 48) return false;
    digits += fracLen;
    if (buf[intStart] === 48) {
      let zeros = 0;
      while (buf[fracStart + zeros] === 48) zeros++;
      if (zeros >= 6) return false;
    }
  } else if (intLen === 1 && buf[intStart] === 48 && intStart !== s) return false; // "-0"
  return digits <= 15;
}

/**
 * Reads the rows below the header of an opened xlsx table into a new FastReader (not finished:
 * the caller calls finish(), as after PartScanner). Throws Bail when the general path must read
 * the sheet (see the file's header), InputError for a corrupt file. `spec` as for a CSV part;
 * its expectedRows is replaced by an estimate from the sheet's size.
 */
export async function readXlsxFast(table: OpenedTable, spec: FastSpec): Promise<FastReader> {
  const source = table.source;
  if (!isXlsxSource(source)) throw new Bail('not an xlsx file');
  // The general reader's rows (header detection) are not read any further.
  await source.close();
  const expectedRows = Math.ceil(source.size / BYTES_PER_ROW_GUESS) + 16;
  const rd = new FastReader({ ...spec, headerLine: table.headerRow.row, expectedRows });
  const rows = new XlsxRows(rd.spec, rd.onRecord);
  await source.scan(rows.onRow);
  rows.finish();
  return rd;
}
