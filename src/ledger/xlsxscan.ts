// The byte level of the xlsx reader: worksheet XML and the shared-string table scanned as UTF-8
// bytes straight out of the inflater, with no text decoding of the whole part and no object per
// cell. A row is walked once into RawCells: per cell its column, type, style, its value as a
// number when it is one, and where its <v> or <is> content lies in the buffer; the common cell
// layout (<c r s t><v>…</v></c>) is read in one pass (plainCell), anything else tag by tag. Two
// readers use that: xlsx.ts turns it into Cells for the general path, xlsxfast.ts into records for
// the aging fast path. Why bytes: decoding 33 MB of sheet XML to strings, cutting each <row> out
// as a string and searching it with string indexOf took 0.6 s of a 100k-row read; a character
// split between two inflated pieces ("Logroño", see zip.ts) cannot be mangled when nothing is
// decoded until a whole element is in the buffer.
import { TextDecoder } from 'node:util';
import { InputError } from '../errors.js';
import { endsName, rootPrefix } from './xml.js';
import type { ZipArchive, ZipEntry } from './zip.js';

/** Zero bytes after the data in a scanner's buffer (the longest look-ahead is 8 bytes). */
const PADDING = 16;

/** A row (or shared string) larger than this many bytes is taken as a malformed or hostile part. */
export const MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

// The t attribute of a cell: only these change how the value reads; anything else is a number.
export const T_NUMBER = 0;
export const T_SHARED = 1;
export const T_STR = 2;
export const T_INLINE = 3;
export const T_BOOL = 4;
export const T_ERROR = 5;
export const T_DATE = 6;

const LT = 60;
const GT = 62;
const SLASH = 47;
const QUOT = 34;
const APOS = 39;
const EQ = 61;

/**
 * The cells of one row as the scanner found them, in document order, valid during the onRow
 * callback only (the buffer moves on). Positions are byte offsets into `buf`; -1 means absent.
 */
export class RawCells {
  buf: Buffer = Buffer.alloc(0);
  /** The namespace prefix of the sheet's elements ("" or e.g. "x:"), for reading an <is>. */
  prefix = '';
  /** The row number (the r attribute, else the previous row's + 1). */
  row = 0;
  /** Cells found (self-closing ones included). */
  n = 0;
  col = new Int32Array(64);
  type = new Uint8Array(64);
  /** The s attribute (cellXfs index), -1 when absent, -2 when it is not a plain number. */
  style = new Int32Array(64);
  /** Content of the first <v>: [vStart, vEnd); vStart -1 when there is none. */
  vStart = new Int32Array(64);
  vEnd = new Int32Array(64);
  /** Content of the first <is> (inline string), [isStart, isEnd); isStart -1 when there is none. */
  isStart = new Int32Array(64);
  isEnd = new Int32Array(64);
  /** 1 when the cell has an <f> (a formula). */
  formula = new Uint8Array(64);
  /** The <v> text as a number when it is a plain decimal (plainNumber), else NaN. */
  num = new Float64Array(64);
  /** Where the s attribute's value lies, for the rare value that is not a plain number. */
  styleStart = new Int32Array(64);
  styleEnd = new Int32Array(64);

  /** Room for cell k. */
  grow(k: number): void {
    if (k < this.col.length) return;
    const n = this.col.length * 2;
    const g = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.col = g(this.col);
    this.type = g(this.type);
    this.style = g(this.style);
    this.vStart = g(this.vStart);
    this.vEnd = g(this.vEnd);
    this.isStart = g(this.isStart);
    this.isEnd = g(this.isEnd);
    this.formula = g(this.formula);
    this.num = g(this.num);
    this.styleStart = g(this.styleStart);
    this.styleEnd = g(this.styleEnd);
  }

  /** The cell's <v> text, decoded ('' for <v/>), or null without a <v>. */
  valueText(k: number): string | null {
    const s = this.vStart[k]!;
    return s < 0 ? null : utf8Of(this.buf, s, this.vEnd[k]!);
  }
}

/** The part's bytes as UTF-8, in pieces: a UTF-16 part (BOM-marked, some generators) is re-encoded. */
export async function* utf8Pieces(zip: ZipArchive, entry: ZipEntry): AsyncGenerator<Buffer> {
  let decoder: TextDecoder | null = null;
  let first = true;
  for await (const piece of zip.bytes(entry)) {
    if (first) {
      first = false;
      const utf16 = piece[0] === 0xff && piece[1] === 0xfe ? 'utf-16le' : piece[0] === 0xfe && piece[1] === 0xff ? 'utf-16be' : null;
      if (utf16) decoder = new TextDecoder(utf16);
    }
    // stream: true keeps a character split between two pieces whole (see zip.ts).
    if (decoder) yield Buffer.from(decoder.decode(piece, { stream: true }), 'utf8');
    else yield Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  }
  if (decoder) yield Buffer.from(decoder.decode(), 'utf8');
}

/**
 * Base for the two scanners: a buffer of unread bytes (the unfinished tail of the previous piece
 * plus the new one) and the document's namespace prefix, read from its root element.
 */
abstract class PieceScanner {
  /** Unread bytes [pos, len), then PADDING zero bytes: see feed(). */
  protected buf: Buffer = Buffer.alloc(PADDING);
  protected len = 0;
  protected pos = 0;
  /** The root element's namespace prefix as bytes ("x:" for <x:worksheet>), null until known. */
  protected prefix: Buffer | null = null;
  prefixText = '';

  constructor(
    protected readonly describe: string,
    private readonly tag: string,
    private readonly maxElementBytes: number,
  ) {}

  /**
   * Adds a piece and scans every complete element in the buffer. The buffer ends in PADDING zero
   * bytes past the data, so that the scanners can look a few bytes ahead of a position without
   * reading out of bounds: such a read (undefined) sent V8 back to unoptimized code ten times in
   * a 100k-row sheet, once per piece that ended inside a cell, and doubled the scan's time.
   */
  feed(piece: Uint8Array): void {
    const rest = this.len - this.pos;
    const need = rest + piece.length + PADDING;
    // One buffer, reused: the unread tail moves to its front and the piece goes after it (a new
    // buffer per piece touched fresh memory every time). It grows by doubling, so an element
    // spread over many pieces is copied a few times, not once per piece.
    let buf = this.buf;
    if (buf.length < need) {
      buf = Buffer.allocUnsafe(Math.max(need, buf.length * 2));
      buf.set(this.buf.subarray(this.pos, this.len), 0);
    } else if (this.pos > 0 && rest > 0) buf.copyWithin(0, this.pos, this.len);
    buf.set(piece, rest);
    buf.fill(0, rest + piece.length, need);
    this.buf = buf;
    this.len = rest + piece.length;
    this.pos = 0;
    if (this.prefix === null) {
      // Names are ASCII: latin1 of the head is enough to find the root element.
      const p = rootPrefix(latin1Of(buf, 0, Math.min(this.len, 1 << 20)));
      if (p === null) {
        if (this.len > 1 << 20) throw new InputError(`${this.describe}: no root element in the first megabyte: the file is malformed`);
        return;
      }
      this.prefixText = p;
      this.prefix = Buffer.from(p, 'latin1');
      this.started();
    }
    this.pos = this.scan();
    if (this.len - this.pos > this.maxElementBytes) {
      throw new InputError(`${this.describe}: an element <${this.tag}> is larger than ${this.maxElementBytes / 1024 / 1024} MB: the file is malformed`);
    }
  }

  /** Whether the bytes at i are `needle` (all of them before the end of the data). */
  protected at(i: number, needle: Uint8Array): boolean {
    if (i + needle.length > this.len) return false;
    const buf = this.buf;
    for (let j = 0; j < needle.length; j++) if (buf[i + j] !== needle[j]) return false;
    return true;
  }

  /** The first position of `needle` at or after `from` in the data, or -1 (the buffer may be longer). */
  protected find(needle: Uint8Array | number, from: number): number {
    const i = this.buf.indexOf(needle, from);
    return i >= this.len ? -1 : i;
  }

  /** Called once the prefix is known. */
  protected abstract started(): void;
  /** Scans complete elements from this.pos; returns where the unfinished tail starts. */
  protected abstract scan(): number;
}

// Element names inside a row, as codes.
const N_OTHER = 0;
const N_C = 1;
const N_V = 2;
const N_F = 3;
const N_IS = 4;
const N_ROW = 5;

/**
 * Cuts the rows out of a worksheet's bytes and calls `onRow` with the cells of each row that has
 * any (self-closing rows and rows without cells are skipped, their numbers still counted).
 */
export class SheetScanner extends PieceScanner {
  readonly cells = new RawCells();
  /** Rows handed to onRow. */
  rows = 0;
  private prevRow = 0;
  private rowOpen: Buffer = Buffer.alloc(0);

  constructor(describe: string, private readonly onRow: (cells: RawCells) => void, maxElementBytes = MAX_ELEMENT_BYTES) {
    super(describe, 'row', maxElementBytes);
  }

  protected started(): void {
    this.rowOpen = Buffer.from(`<${this.prefixText}row`, 'latin1');
  }

  /** The code of the (prefixed) element name at buf[i], as far as a row's content needs. */
  private nameAt(i: number): number {
    const buf = this.buf;
    const p = this.prefix!;
    for (let j = 0; j < p.length; j++) if (buf[i + j] !== p[j]) return N_OTHER;
    i += p.length;
    const c0 = buf[i];
    const c1 = buf[i + 1];
    if (c1 === undefined) return N_OTHER;
    switch (c0) {
      case 99: return endsName(c1) ? N_C : N_OTHER; // c
      case 118: return endsName(c1) ? N_V : N_OTHER; // v
      case 102: return endsName(c1) ? N_F : N_OTHER; // f
      case 105: return c1 === 115 && endsName(buf[i + 2] ?? 0) ? N_IS : N_OTHER; // is
      case 114: return c1 === 111 && buf[i + 2] === 119 && endsName(buf[i + 3] ?? 0) ? N_ROW : N_OTHER; // row
      default: return N_OTHER;
    }
  }

  protected scan(): number {
    const buf = this.buf;
    const open = this.rowOpen;
    let pos = this.pos;
    for (;;) {
      // Rows follow one another: look right here before searching.
      const s = this.at(pos, open) ? pos : this.find(open, pos);
      if (s < 0) return Math.max(pos, this.len - open.length);
      const after = s + open.length;
      if (after >= this.len) return s;
      if (!endsName(buf[after]!)) { pos = after; continue; }
      const end = this.row(after);
      if (end < 0) return s; // the row is not complete yet
      pos = end;
    }
  }

  /**
   * Reads the row whose name ends at buf[from]: its r attribute, then its cells, up to </row>.
   * Returns the offset after the row, or -1 when the buffer ends first.
   */
  private row(from: number): number {
    const buf = this.buf;
    const len = this.len;
    const gt = this.startTag(from, len, -1);
    if (gt < 0) return -1;
    const rowNumber = this.ref > 0 ? this.ref : this.prevRow + 1;
    if (buf[gt - 1] === SLASH) { // <row …/>
      this.prevRow = rowNumber;
      return gt + 1;
    }
    const cells = this.cells;
    const skip = this.prefix!.length;
    let n = 0;
    let col = -1;
    let inCell = false;
    let i = gt + 1;
    // Tags are a few bytes apart: plain loops here are faster than a Buffer.indexOf call per tag.
    for (;;) {
      if (!inCell && skip === 0) {
        const end = this.plainCell(i, n, col);
        if (end > 0) {
          col = cells.col[n++]!;
          i = end;
          continue;
        }
      }
      const lt = next(buf, LT, i, len);
      if (lt < 0) return -1;
      if (buf[lt + 1] === SLASH) {
        const name = this.nameAt(lt + 2);
        const close = next(buf, GT, lt + 2, len);
        if (close < 0) return -1;
        i = close + 1;
        if (name === N_C) inCell = false;
        else if (name === N_ROW) break;
        else if (name === N_IS && inCell && cells.isStart[n - 1]! >= 0 && cells.isEnd[n - 1]! < 0) {
          cells.isEnd[n - 1] = lt; // </is>: the first one after <is>
        }
        continue;
      }
      const name = this.nameAt(lt + 1);
      if (name === N_C) {
        if (n >= cells.col.length) cells.grow(n);
        const tagEnd = this.startTag(lt + 2 + skip, len, n);
        if (tagEnd < 0) return -1;
        i = tagEnd + 1;
        col = this.ref >= 0 ? this.ref : col + 1;
        cells.col[n] = col;
        cells.vStart[n] = -1;
        cells.num[n] = NaN;
        cells.isStart[n] = -1;
        cells.isEnd[n] = -1;
        cells.formula[n] = 0;
        n++;
        inCell = buf[tagEnd - 1] !== SLASH;
        continue;
      }
      const tagEnd = next(buf, GT, lt + 1, len);
      if (tagEnd < 0) return -1;
      i = tagEnd + 1;
      if (!inCell) continue; // an element of the row that is not a cell
      const selfClosing = buf[tagEnd - 1] === SLASH;
      const k = n - 1;
      if (name === N_V) {
        if (cells.vStart[k]! >= 0) continue; // only the first <v> counts
        if (selfClosing) {
          cells.vStart[k] = cells.vEnd[k] = i;
          cells.num[k] = NaN;
          continue;
        }
        // A value holds no '<': the next one is its end tag.
        const e = next(buf, LT, i, len);
        if (e < 0) return -1;
        cells.vStart[k] = i;
        cells.vEnd[k] = e;
        cells.num[k] = plainNumber(buf, i, e);
        i = e;
        // The usual "</v></c>" (unprefixed) is stepped over here rather than tag by tag.
        if (skip === 0 && buf[e + 1] === SLASH && buf[e + 2] === 118 && buf[e + 3] === GT) {
          i = e + 4;
          if (buf[i] === LT && buf[i + 1] === SLASH && buf[i + 2] === 99 && buf[i + 3] === GT) {
            i += 4;
            inCell = false;
          }
        }
      } else if (name === N_F) {
        cells.formula[k] = 1;
      } else if (name === N_IS) {
        if (cells.isStart[k]! >= 0) continue;
        cells.isStart[k] = i;
        cells.isEnd[k] = selfClosing ? i : -1;
      }
    }
    this.prevRow = rowNumber;
    if (n > 0) {
      // An <is> never closed (malformed): not an inline string.
      for (let k = 0; k < n; k++) if (cells.isEnd[k]! < 0) cells.isStart[k] = -1;
      cells.buf = buf;
      cells.prefix = this.prefixText;
      cells.row = rowNumber;
      cells.n = n;
      this.rows++;
      this.onRow(cells);
    }
    return i;
  }

  /**
   * The common unprefixed cell at buf[i] — `<c r="B2" s="1" t="s"><v>7</v></c>`, attributes r, s
   * and t in any order one space apart, or self-closing — read as cell k in one pass without
   * searching. Returns the position after it, or -1 when the bytes there are anything else (a
   * formula, an inline string, other attributes, the end of the buffer): the general walk in
   * row() then reads them. Sets the same fields as that walk would.
   */
  private plainCell(i: number, k: number, prevCol: number): number {
    const buf = this.buf;
    if (buf[i] !== LT || buf[i + 1] !== 99 /* c */ || buf[i + 2] !== 32) return -1;
    const cells = this.cells;
    if (k >= cells.col.length) cells.grow(k);
    const len = this.len;
    let col = prevCol + 1; // no r attribute: the next column
    let type = T_NUMBER;
    let style = -1;
    let j = i + 3;
    for (;;) {
      const name = buf[j];
      if (buf[j + 1] !== EQ || buf[j + 2] !== QUOT) return -1;
      j += 3;
      const vs = j;
      if (name === 114 /* r */) {
        // columnOf: up to three letters, then anything up to the quote.
        let c = 0;
        while (j < vs + 3) {
          const u = (buf[j] ?? 0) & ~32;
          if (u < 65 || u > 90) break;
          c = c * 26 + (u - 64);
          j++;
        }
        if (j > vs) col = c - 1;
        while (j < len && buf[j] !== QUOT) j++;
      } else if (name === 115 /* s */) {
        let v = 0;
        for (;;) {
          const d = (buf[j] ?? 0) - 48;
          if (d < 0 || d > 9) break;
          v = v * 10 + d;
          j++;
        }
        if (j === vs || j - vs > 9) return -1;
        style = v;
        cells.styleStart[k] = vs;
        cells.styleEnd[k] = j;
      } else if (name === 116 /* t */) {
        while (j < len && buf[j] !== QUOT) j++;
        type = j === vs + 1 && buf[vs] === 115 ? T_SHARED : typeOf(buf, vs, j);
      } else return -1;
      if (buf[j] !== QUOT) return -1;
      const c = buf[++j];
      if (c === 32) {
        j++;
        continue;
      }
      if (c === GT) break;
      if (c === SLASH && buf[j + 1] === GT) { // <c …/>: a cell with no value
        cells.col[k] = col;
        cells.type[k] = type;
        cells.style[k] = style;
        cells.vStart[k] = cells.isStart[k] = cells.isEnd[k] = -1;
        cells.num[k] = NaN;
        cells.formula[k] = 0;
        return j + 2;
      }
      return -1;
    }
    // <v>value</v></c>, the value read as a number on the way (plainNumber, in the same pass).
    if (buf[j + 1] !== LT || buf[j + 2] !== 118 /* v */ || buf[j + 3] !== GT) return -1;
    const vs = j + 4;
    let e = vs;
    const neg = buf[e] === 45;
    if (neg) e++;
    let m = 0;
    let digits = 0;
    let frac = -1;
    let plain = true;
    for (; e < len; e++) {
      const c = buf[e]!;
      if (c === LT) break;
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        if (frac >= 0) frac++;
      } else if (c === 46 && frac < 0) frac = 0;
      else plain = false;
    }
    if (e >= len || buf[e + 1] !== SLASH || buf[e + 2] !== 118 || buf[e + 3] !== GT
      || buf[e + 4] !== LT || buf[e + 5] !== SLASH || buf[e + 6] !== 99 || buf[e + 7] !== GT) return -1;
    cells.col[k] = col;
    cells.type[k] = type;
    cells.style[k] = style;
    cells.vStart[k] = vs;
    cells.vEnd[k] = e;
    const v = frac > 0 ? m / POW10[frac]! : m;
    cells.num[k] = plain && digits > 0 && digits <= 15 ? (neg ? -v : v) : NaN;
    cells.isStart[k] = cells.isEnd[k] = -1;
    cells.formula[k] = 0;
    return e + 8;
  }

  /** What startTag() found: the row's number (0: none) or the cell's column (-1: none). */
  private ref = 0;

  /**
   * Reads the attributes of the start tag whose name ends at buf[from], up to its '>' (quotes
   * respected), and returns the position of that '>', or -1 when the buffer ends first. For a row
   * (k -1) this.ref is its r attribute as a positive integer, or 0; for cell k it is the column
   * of its r attribute, or -1, and the cell's type and style are set. Attribute values are not
   * entity-decoded (r, s and t never need it).
   */
  private startTag(from: number, len: number, k: number): number {
    const buf = this.buf;
    const cells = this.cells;
    let ref = k < 0 ? 0 : -1;
    if (k >= 0) {
      cells.type[k] = T_NUMBER;
      cells.style[k] = -1;
    }
    for (let i = from; i < len; i++) {
      const c = buf[i];
      if (c === GT) {
        this.ref = ref;
        return i;
      }
      if (c !== EQ) continue;
      const q = buf[i + 1];
      if (q !== QUOT && q !== APOS) continue;
      const vs = i + 2;
      let close = vs;
      while (close < len && buf[close] !== q) close++;
      if (close >= len) return -1;
      const before = buf[i - 2];
      // One-letter names only, preceded by whitespace: r, s, t (x14ac:dyDescent is not t).
      if (before === 32 || before === 9 || before === 10 || before === 13) {
        const name = buf[i - 1];
        if (name === 114 /* r */) ref = k < 0 ? rowNumberOf(buf, vs, close) : columnOf(buf, vs, close);
        else if (k >= 0 && name === 115 /* s */) {
          cells.style[k] = digitsValue(buf, vs, close);
          cells.styleStart[k] = vs;
          cells.styleEnd[k] = close;
        } else if (k >= 0 && name === 116 /* t */) cells.type[k] = typeOf(buf, vs, close);
      }
      i = close;
    }
    return -1;
  }
}

/** The first position of `byte` in buf[from, end), or -1. */
function next(buf: Uint8Array, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}

/** parseInt semantics for a row's r attribute: its leading digits; 0 when there are none. */
function rowNumberOf(buf: Buffer, s: number, e: number): number {
  let n = 0;
  let i = s;
  for (; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) break;
    n = n * 10 + c;
  }
  if (i === s) {
    const v = parseInt(latin1Of(buf, s, e), 10); // " 12", "+12": rare, the slow way
    return Number.isFinite(v) && v > 0 ? v : 0;
  }
  return n;
}

/** "AB12" → 27 (column A = 0), or -1 when the reference has no column letters (xlsx.ts columnIndex). */
function columnOf(buf: Buffer, s: number, e: number): number {
  let n = 0;
  let i = s;
  for (; i < e && i < s + 3; i++) {
    const c = buf[i]! & ~32;
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return i === s ? -1 : n - 1;
}

/** A plain non-negative integer, or -2 when the bytes are anything else (read the slow way). */
function digitsValue(buf: Buffer, s: number, e: number): number {
  if (s === e || e - s > 9) return -2;
  let n = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i]! - 48;
    if (c < 0 || c > 9) return -2;
    n = n * 10 + c;
  }
  return n;
}

function typeOf(buf: Buffer, s: number, e: number): number {
  const len = e - s;
  const c = buf[s];
  if (len === 1) return c === 115 ? T_SHARED : c === 98 ? T_BOOL : c === 101 ? T_ERROR : c === 100 ? T_DATE : T_NUMBER;
  if (len === 3 && c === 115 && buf[s + 1] === 116 && buf[s + 2] === 114) return T_STR;
  if (len === 9 && latin1Of(buf, s, e) === 'inlineStr') return T_INLINE;
  return T_NUMBER;
}

// Buffer's own decoders, without toString's argument checks (csv.ts fieldText does the same).
const bufferProto = Buffer.prototype as unknown as {
  utf8Slice(this: Uint8Array, start: number, end: number): string;
  latin1Slice(this: Uint8Array, start: number, end: number): string;
};

/** The UTF-8 text of buf[s, e) (invalid bytes read as U+FFFD, like TextDecoder). */
export function utf8Of(buf: Uint8Array, s: number, e: number): string {
  return bufferProto.utf8Slice.call(buf, s, e);
}

function latin1Of(buf: Uint8Array, s: number, e: number): string {
  return bufferProto.latin1Slice.call(buf, s, e);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Number(text) of the bytes [s, e), exactly, for plain decimals ("-4171.61", "44794") of at most
 * 15 digits: the digits as an integer and a power of ten are both exact doubles, so their quotient
 * is the correctly rounded value, which is what Number() returns. NaN for anything else (an
 * exponent, a sign '+', spaces, more digits): the caller then uses Number() on the text.
 */
export function plainNumber(buf: Uint8Array, s: number, e: number): number {
  let i = s;
  const neg = buf[i] === 45;
  if (neg) i++;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < e; i++) {
    const c = buf[i]!;
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (frac >= 0) frac++;
    } else if (c === 46 && frac < 0) frac = 0;
    else return NaN;
  }
  if (digits === 0 || digits > 15) return NaN;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

/**
 * The shared-string table as UTF-8 bytes, decoded (entities, _xHHHH_ escapes, rich-text runs
 * joined): string i is arena[offsets[i], offsets[i + 1]). One array of bytes rather than 100k
 * strings; the readers make a string of an entry when they need one.
 */
export interface SharedStrings {
  readonly count: number;
  readonly arena: Buffer;
  readonly offsets: Int32Array;
  text(i: number): string;
}

export class SharedStringTable implements SharedStrings {
  count = 0;
  arena: Buffer = Buffer.allocUnsafe(1 << 16);
  offsets: Int32Array = new Int32Array(1024);
  private used = 0;

  text(i: number): string {
    return utf8Of(this.arena, this.offsets[i]!, this.offsets[i + 1]!);
  }

  /** Appends the bytes buf[s, e) as the next string. */
  addBytes(buf: Uint8Array, s: number, e: number): void {
    // Bytes that are not UTF-8 are kept as the text they read as (U+FFFD for each bad sequence),
    // so that equal strings are equal bytes: the aging fast path compares names as bytes.
    if (!validUtf8(buf, s, e)) {
      this.addText(utf8Of(buf, s, e));
      return;
    }
    this.reserve(e - s);
    const arena = this.arena;
    let at = this.used;
    // Most strings are a few dozen bytes: a loop beats Buffer.copy's call.
    if (e - s > 64) arena.set(buf.subarray(s, e), at);
    else for (let i = s; i < e; i++) arena[at++] = buf[i]!;
    this.used += e - s;
    this.close();
  }

  addText(text: string): void {
    const max = text.length * 3;
    this.reserve(max);
    this.used += this.arena.write(text, this.used, max, 'utf8');
    this.close();
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.arena.length) return;
    let n = this.arena.length * 2;
    while (n < this.used + bytes) n *= 2;
    const a = Buffer.allocUnsafe(n);
    this.arena.copy(a, 0, 0, this.used);
    this.arena = a;
  }

  private close(): void {
    this.count++;
    if (this.count + 1 >= this.offsets.length) {
      const o = new Int32Array(this.offsets.length * 2);
      o.set(this.offsets);
      this.offsets = o;
    }
    this.offsets[this.count] = this.used;
  }
}

/**
 * Reads sharedStrings.xml into a SharedStringTable. `slow` decodes one <si> element given as text
 * (rich text, xml:space, entities): xml.ts's richText, passed in to keep this file free of it.
 */
export class SharedStringScanner extends PieceScanner {
  readonly table = new SharedStringTable();
  private siOpen: Buffer = Buffer.alloc(0);
  private siClose: Buffer = Buffer.alloc(0);
  /** "<si>", "<t" and "</t></si>", prefixed: the plain form of a shared string. */
  private siPlain: Buffer = Buffer.alloc(0);
  private tOpen: Buffer = Buffer.alloc(0);
  private tail: Buffer = Buffer.alloc(0);

  constructor(describe: string, private readonly slow: (si: string, prefix: string) => string, maxElementBytes = MAX_ELEMENT_BYTES) {
    super(describe, 'si', maxElementBytes);
  }

  protected started(): void {
    const p = this.prefixText;
    this.siOpen = Buffer.from(`<${p}si`, 'latin1');
    this.siClose = Buffer.from(`</${p}si>`, 'latin1');
    this.siPlain = Buffer.from(`<${p}si>`, 'latin1');
    this.tOpen = Buffer.from(`<${p}t`, 'latin1');
    this.tail = Buffer.from(`</${p}t></${p}si>`, 'latin1');
  }

  protected scan(): number {
    const buf = this.buf;
    const open = this.siOpen;
    const close = this.siClose;
    const len = this.len;
    const unprefixed = this.prefix!.length === 0;
    let pos = this.pos;
    for (;;) {
      // The usual <si><t>text</t></si>, read in place (no search, no copy of the element).
      if (unprefixed && buf[pos] === LT && buf[pos + 1] === 115 && buf[pos + 2] === 105 && buf[pos + 3] === GT
        && buf[pos + 4] === LT && buf[pos + 5] === 116 && buf[pos + 6] === GT) {
        const ts = pos + 7;
        let e = ts;
        let plain = true;
        for (; e < len; e++) {
          const c = buf[e];
          if (c === LT) break;
          if (c === 38 || (c === 95 && buf[e + 1] === 120)) plain = false; // & or _x: an entity or escape
        }
        if (e + 9 <= len && buf[e + 1] === SLASH && buf[e + 2] === 116 && buf[e + 3] === GT && buf[e + 4] === LT
          && buf[e + 5] === SLASH && buf[e + 6] === 115 && buf[e + 7] === 105 && buf[e + 8] === GT) {
          if (plain) this.table.addBytes(buf, ts, e);
          else this.table.addText(this.slow(utf8Of(buf, pos, e + 9), ''));
          pos = e + 9;
          continue;
        }
      }
      const s = this.find(open, pos);
      if (s < 0) return Math.max(pos, this.len - open.length);
      const after = s + open.length;
      if (after >= this.len) return s;
      if (!endsName(buf[after]!)) { pos = after; continue; }
      const gt = this.find(GT, after);
      if (gt < 0) return s;
      if (buf[gt - 1] === SLASH) { // <si/>
        this.table.addBytes(buf, 0, 0);
        pos = gt + 1;
        continue;
      }
      const e = this.find(close, gt + 1);
      if (e < 0) return s;
      pos = e + close.length;
      this.one(s, gt, pos);
    }
  }

  /** The <si> element buf[s, end), whose start tag ends at `gt`. */
  private one(s: number, gt: number, end: number): void {
    const buf = this.buf;
    // Fast path for the common <si><t>text</t></si> and <si><t xml:space="preserve">text</t></si>:
    // the text's bytes are the string when they hold no entity or escape.
    if (gt - s + 1 === this.siPlain.length) {
      const t = gt + 1 + this.tOpen.length; // just after "<t"
      if (buf.compare(this.tOpen, 0, this.tOpen.length, gt + 1, t) === 0 && endsName(buf[t] ?? 0)) {
        const tEnd = this.find(GT, t);
        const textEnd = end - this.tail.length;
        if (tEnd >= 0 && tEnd < textEnd && buf[tEnd - 1] !== SLASH && this.find(LT, tEnd + 1) === textEnd
          && buf.compare(this.tail, 0, this.tail.length, textEnd, end) === 0 && plainText(buf, tEnd + 1, textEnd)) {
          this.table.addBytes(buf, tEnd + 1, textEnd);
          return;
        }
      }
    }
    this.table.addText(this.slow(utf8Of(buf, s, end), this.prefixText));
  }
}

/** Whether buf[s, e) is well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF). */
export function validUtf8(buf: Uint8Array, s: number, e: number): boolean {
  let i = s;
  while (i < e) {
    const c = buf[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
    else return false;
    if (i + n >= e) return false; // cut short
    let cp = c & (0x3f >> n);
    for (let k = 1; k <= n; k++) {
      const b = buf[i + k]!;
      if ((b & 0xc0) !== 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/** No entity (&) and no _xHHHH_ escape: the bytes are the text. */
function plainText(buf: Buffer, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === 38 || (c === 95 && buf[i + 1] === 120)) return false;
  }
  return true;
}
