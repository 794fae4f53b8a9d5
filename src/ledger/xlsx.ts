// The xlsx reader: workbook structure (sheets, hidden state, 1900/1904 dates), shared strings,
// date number formats, and a streaming scan of each worksheet into RawRows (table.ts).
// Why our own: exceljs's streaming reader corrupts multi-byte UTF-8 characters at decompression
// chunk boundaries ("Logroño" came out as "Logro��o" in a 100k-row ledger and split a customer
// in two), and its full reader needs gigabytes on big files. Here zip.ts inflates one part at a
// time and decodes with a stateful TextDecoder, and each <row> is cut out with indexOf, so memory
// stays bounded by one decompressed piece plus the shared-string table.
import { dayFromExcelSerial, parseIsoDay } from '../core/dates.js';
import { InputError } from '../errors.js';
import { reportReadProgress } from './progress.js';
import { EMPTY, type Cell, type RawRow, type RowSource, type SheetInfo } from './table.js';
import {
  attrIn, contentOf, decodeText, ElementScanner, findElement, richText, rootPrefix, startTags,
} from './xml.js';
import { DEFAULT_ZIP_LIMITS, openZip, type ZipArchive, type ZipEntry } from './zip.js';

export interface XlsxLimits {
  /** Largest file accepted (default 1 GiB). */
  maxFileBytes: number;
  /** Largest uncompressed part, declared or actually inflated (default 2 GiB). */
  maxEntryBytes: number;
  /** Largest expansion ratio of a part over 10 MB (default 200:1). */
  maxRatio: number;
}

export interface Workbook {
  readonly file: string;
  readonly date1904: boolean;
  /** Every sheet in workbook order, hidden ones included (flagged). */
  readonly sheets: readonly SheetInfo[];
  source(sheet: SheetInfo): RowSource;
}

/** A small part (workbook, rels, styles) larger than this many characters is refused. */
const MAX_SMALL_PART_CHARS = 64 * 1024 * 1024;

/** A formula cell saved without its result (e.g. written by a script, never opened in Excel). */
const NO_CACHED_VALUE: Cell = { t: 'e', v: 'formula without a cached value' };

/**
 * Opens an .xlsx file and reads its structure; rows are read later, per sheet, by streaming.
 * `displayName` starts every message (e.g. "ledger.xlsx").
 */
export async function openXlsx(path: string, displayName: string, limits?: Partial<XlsxLimits>): Promise<Workbook> {
  const zip = await openZip(path, displayName, { ...DEFAULT_ZIP_LIMITS, ...limits });

  const rootRels = zip.entry('_rels/.rels');
  const rootTargets = rootRels ? parseRels(await wholeText(zip, rootRels), '') : [];
  const wbPath = rootTargets.find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  const wbEntry = zip.entry(wbPath) ?? zip.entry('xl/workbook.xml');
  if (!wbEntry) {
    if (zip.entry('content.xml') && zip.entry('mimetype')) {
      throw new InputError(`${displayName}: is an OpenDocument spreadsheet (.ods), not .xlsx: save it as .xlsx`);
    }
    throw new InputError(`${displayName}: is not an Excel workbook (the zip has no xl/workbook.xml)`);
  }
  const wbXml = await wholeText(zip, wbEntry);
  const wbDir = wbEntry.name.includes('/') ? wbEntry.name.slice(0, wbEntry.name.lastIndexOf('/') + 1) : '';
  const wbBase = wbEntry.name.slice(wbDir.length);
  const relsEntry = zip.entry(`${wbDir}_rels/${wbBase}.rels`);
  const rels = relsEntry ? parseRels(await wholeText(zip, relsEntry), wbDir) : [];
  const relById = new Map(rels.map((r) => [r.id, r]));

  const { date1904, declared } = parseWorkbook(wbXml);
  const sheets: SheetInfo[] = [];
  const parts: ZipEntry[] = [];
  for (const [index, s] of declared.entries()) {
    const rel = s.relId !== null ? relById.get(s.relId) : undefined;
    const entry = rel ? zip.entry(rel.target) : undefined;
    if (!entry) {
      throw new InputError(`${displayName}: the .xlsx file is corrupt: sheet "${s.name}" has no worksheet part`);
    }
    zip.checkDeclared(entry);
    sheets.push({ name: s.name, index, hidden: s.hidden });
    parts.push(entry);
  }

  const stylesEntry = partOfType(zip, rels, '/styles', `${wbDir}styles.xml`);
  const dateStyles = stylesEntry ? parseStyles(await wholeText(zip, stylesEntry)) : [];
  const sstEntry = partOfType(zip, rels, '/sharedStrings', `${wbDir}sharedStrings.xml`);
  if (sstEntry) zip.checkDeclared(sstEntry);

  let sst: Promise<readonly string[]> | null = null;
  const sharedStrings = (): Promise<readonly string[]> => (sst ??= sstEntry ? readSharedStrings(zip, sstEntry) : Promise.resolve([]));

  return {
    file: displayName,
    date1904,
    sheets,
    source(sheet: SheetInfo): RowSource {
      const part = parts[sheet.index];
      if (!part || sheets[sheet.index]?.name !== sheet.name) {
        throw new Error(`sheet "${sheet.name}" (#${sheet.index}) is not a sheet of ${displayName}`);
      }
      const where = `${displayName} › ${sheet.name}`;
      return {
        file: displayName,
        sheet: sheet.name,
        date1904,
        rows: () => sheetRows(zip, part, where, sharedStrings, dateStyles, date1904),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Worksheets

async function* sheetRows(
  zip: ZipArchive,
  part: ZipEntry,
  where: string,
  sharedStrings: () => Promise<readonly string[]>,
  dateStyles: readonly boolean[],
  date1904: boolean,
): AsyncGenerator<RawRow> {
  const sst = await sharedStrings();
  const scanner = new ElementScanner('row', where);
  let parser: RowParser | null = null;
  // Progress (ledger/progress.ts) in characters of the sheet's XML against its inflated size.
  let done = 0;
  let count = 0;
  try {
    for await (const piece of zip.text(part)) {
      done += piece.length;
      const rows = scanner.feed(piece);
      reportReadProgress(where, done, part.uncompressedSize, count);
      if (rows.length === 0) continue;
      parser ??= new RowParser(scanner.prefix, where, sst, dateStyles, date1904);
      for (const el of rows) {
        const row = parser.parse(el);
        if (row) {
          count++;
          yield row;
        }
      }
    }
  } finally {
    reportReadProgress(where, done, part.uncompressedSize, count, true);
  }
}

class RowParser {
  private prevRow = 0;
  private readonly cOpen: string;
  private readonly cClose: string;
  private readonly vOpen: string;
  private readonly vClose: string;
  private readonly fOpen: string;
  private readonly isName: string;

  constructor(
    private readonly p: string,
    private readonly where: string,
    private readonly sst: readonly string[],
    private readonly dateStyles: readonly boolean[],
    private readonly date1904: boolean,
  ) {
    this.cOpen = `<${p}c`;
    this.cClose = `</${p}c>`;
    this.vOpen = `<${p}v`;
    this.vClose = `</${p}v>`;
    this.fOpen = `<${p}f`;
    this.isName = `${p}is`;
  }

  /** One `<row>` element → a RawRow, or null when it holds no value. */
  parse(el: string): RawRow | null {
    const gt = el.indexOf('>');
    const r = attrIn(el, 0, gt, 'r');
    const n = r === null ? NaN : parseInt(r, 10);
    // Rows without an r attribute follow the previous one (some writers omit it).
    const row = Number.isFinite(n) && n > 0 ? n : this.prevRow + 1;
    this.prevRow = row;
    if (el.charCodeAt(gt - 1) === 47 /* <row …/> */) return null;
    const cells: Cell[] = [];
    let col = -1;
    let pos = gt + 1;
    for (;;) {
      const s = findElement(el, this.cOpen, pos, el.length);
      if (s < 0) break;
      const tagEnd = el.indexOf('>', s);
      if (tagEnd < 0) break;
      this.cellAttrs(el, s + this.cOpen.length, tagEnd);
      const refCol = this.ref === null ? -1 : columnIndex(this.ref);
      col = refCol >= 0 ? refCol : col + 1;
      if (el.charCodeAt(tagEnd - 1) === 47) { pos = tagEnd + 1; continue; } // <c r="B2" s="3"/>
      const close = el.indexOf(this.cClose, tagEnd + 1);
      if (close < 0) break;
      pos = close + this.cClose.length;
      const cell = this.cell(el, tagEnd, close, row, col);
      if (cell === EMPTY) continue;
      while (cells.length < col) cells.push(EMPTY);
      cells[col] = cell;
    }
    return cells.length > 0 ? { row, cells } : null;
  }

  // The r, s and t attributes of the cell start tag being read (one pass over the tag per cell:
  // three separate attribute searches cost a third of the scan at 100k rows).
  private ref: string | null = null;
  private style: string | null = null;
  private type: string | null = null;

  /** Reads the one-letter attributes r, s, t of the start tag el[from, end) into this.ref/style/type. */
  private cellAttrs(el: string, from: number, end: number): void {
    this.ref = this.style = this.type = null;
    for (let i = from; i < end; i++) {
      if (el.charCodeAt(i) !== 61 /* = */) continue;
      const q = el.charCodeAt(i + 1);
      if (q !== 34 && q !== 39) continue;
      const close = el.indexOf(q === 34 ? '"' : "'", i + 2);
      if (close < 0 || close > end) return;
      const before = el.charCodeAt(i - 2);
      if (before === 32 || before === 9 || before === 10 || before === 13) {
        const name = el.charCodeAt(i - 1);
        if (name === 114 /* r */) this.ref = el.slice(i + 2, close);
        else if (name === 115 /* s */) this.style = el.slice(i + 2, close);
        else if (name === 116 /* t */) this.type = el.slice(i + 2, close);
      }
      i = close;
    }
  }

  /** The cell whose start tag ends at el[tagEnd] (attributes read by cellAttrs) and whose content ends at `close`. */
  private cell(el: string, tagEnd: number, close: number, row: number, col: number): Cell {
    const type = this.type;
    const from = tagEnd + 1;
    if (type === 'inlineStr') {
      const inner = el.slice(from, close);
      const is = contentOf(inner, this.isName);
      if (is) return text(own(richText(inner, this.p, is.start, is.end)));
      // No <is>: some writers put the text in <v>; read it as a formula string below.
    }
    const v = this.valueText(el, from, close);
    if (v === null || (v === '' && type !== 'str' && type !== 'inlineStr')) {
      return findElement(el, this.fOpen, from, close) >= 0 ? NO_CACHED_VALUE : EMPTY;
    }
    switch (type) {
      case 's': {
        const str = this.sst[Number(v)];
        if (str === undefined) {
          throw new InputError(`${this.where} › ${columnName(col)}${row}: refers to shared string ${v}, which the file does not have: the .xlsx file is corrupt`);
        }
        return text(str);
      }
      case 'str':
      case 'inlineStr':
        return text(own(decodeText(v)));
      case 'b':
        return { t: 'b', v: v === '1' || v === 'true' };
      case 'e':
        return { t: 'e', v: decodeText(v) };
      case 'd': {
        // ISO 8601 date cells (t="d", "2024-02-29T00:00:00"): the calendar date, time ignored.
        const day = parseIsoDay(v.slice(0, 10));
        return day !== null ? { t: 'd', v: day } : text(decodeText(v));
      }
      default: {
        const num = Number(v);
        if (!Number.isFinite(num)) return text(decodeText(v));
        if (num === 0 && v.trim() === '') { // Number(' ') is 0: a blank value is no value, never 0
          return findElement(el, this.fOpen, from, close) >= 0 ? NO_CACHED_VALUE : EMPTY;
        }
        const style = this.style;
        if (style !== null && this.dateStyles[Number(style)] === true) {
          const day = dayFromExcelSerial(num, this.date1904);
          if (day !== null) return { t: 'd', v: day };
        }
        return { t: 'n', v: num };
      }
    }
  }

  /** The raw text of the cell's `<v>` in el[from, to), '' for `<v/>`, or null when absent. */
  private valueText(el: string, from: number, to: number): string | null {
    const v = findElement(el, this.vOpen, from, to);
    if (v < 0) return null;
    const gt = el.indexOf('>', v);
    if (el.charCodeAt(gt - 1) === 47) return '';
    const end = el.indexOf(this.vClose, gt + 1);
    return end < 0 || end > to ? null : el.slice(gt + 1, end);
  }
}

/**
 * A copy of a string cut out of a sheet piece. V8 keeps a slice pointing into its parent, so
 * keeping one customer name per row would keep the whole sheet's XML alive (copying keys cut a
 * 1M-row run from 250 to 149 MB). Shared strings need no copy: together they cover their part.
 */
function own(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1); // V8 copies slices shorter than 13 anyway
}

/** Empty text reads as an empty cell, so a row of "" cells is skipped like any blank row. */
function text(s: string): Cell {
  return s === '' ? EMPTY : { t: 's', v: s };
}

/** "AB12" → 27 (column A = 0), or -1 when the reference has no column letters. */
export function columnIndex(ref: string): number {
  let n = 0;
  let i = 0;
  for (; i < ref.length && i < 3; i++) {
    const c = ref.charCodeAt(i) & ~32; // upper-case
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return i === 0 ? -1 : n - 1;
}

/** 27 → "AB". */
export function columnName(index: number): string {
  let s = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

// ---------------------------------------------------------------------------------------------
// Shared strings

async function readSharedStrings(zip: ZipArchive, entry: ZipEntry): Promise<readonly string[]> {
  const scanner = new ElementScanner('si', `${zip.displayName} › shared strings`);
  const list: string[] = [];
  let plainOpen = '';
  let plainClose = '';
  for await (const piece of zip.text(entry)) {
    for (const si of scanner.feed(piece)) {
      if (plainOpen === '') {
        plainOpen = `<${scanner.prefix}si><${scanner.prefix}t>`;
        plainClose = `</${scanner.prefix}t></${scanner.prefix}si>`;
      }
      // Fast path for the common <si><t>text</t></si>; rich text and xml:space go the long way.
      const textEnd = si.length - plainClose.length;
      list.push(si.startsWith(plainOpen) && si.indexOf('<', plainOpen.length) === textEnd
        ? decodeText(si.slice(plainOpen.length, textEnd))
        : richText(si, scanner.prefix));
    }
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// Styles: which cell style indexes carry a date number format

// Built-in number formats that show a date or time (ECMA-376 §18.8.30; 27–36 and 50–58 are the
// East Asian date formats).
const BUILTIN_DATE_FORMATS: ReadonlySet<number> = new Set([
  14, 15, 16, 17, 18, 19, 20, 21, 22,
  27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
  45, 46, 47,
  50, 51, 52, 53, 54, 55, 56, 57, 58,
]);

/**
 * Whether a number format code shows a date or time: a d, m, y, h or s outside quoted text,
 * `[...]` sections (colours, locales like `[$-80A]`, elapsed `[h]`), and escaped or padding
 * characters. "dd/mm/yyyy" and "[$-80A]dd-mmm-yy" are dates; "#,##0.00", "\"$\"#,##0.00",
 * "0.00%" and "[Red]0.00" are not.
 */
export function isDateFormatCode(code: string): boolean {
  for (let i = 0; i < code.length; i++) {
    const c = code[i]!;
    if (c === '"') {
      i = code.indexOf('"', i + 1);
      if (i < 0) return false;
    } else if (c === '[') {
      i = code.indexOf(']', i + 1);
      if (i < 0) return false;
    } else if (c === '\\' || c === '_' || c === '*') {
      i++; // escaped literal, padding width or fill character: the next character is not a code
    } else if ('dmyhsDMYHS'.includes(c)) {
      return true;
    }
  }
  return false;
}

/** Whether the number format `id` (with its custom code, if the workbook defines one) is a date format. */
export function isDateFormat(id: number, customCode: string | undefined): boolean {
  return customCode !== undefined ? isDateFormatCode(customCode) : BUILTIN_DATE_FORMATS.has(id);
}

/** styles.xml → for each cellXfs index (a cell's s attribute), whether it formats a date. */
function parseStyles(xml: string): boolean[] {
  const p = rootPrefix(xml) ?? '';
  const custom = new Map<number, string>();
  const numFmts = contentOf(xml, `${p}numFmts`);
  if (numFmts) {
    for (const tag of startTags(xml, `${p}numFmt`, numFmts.start, numFmts.end)) {
      const id = Number(tag.attrs.get('numFmtId'));
      const code = tag.attrs.get('formatCode');
      if (Number.isInteger(id) && code !== undefined) custom.set(id, code);
    }
  }
  const out: boolean[] = [];
  const xfs = contentOf(xml, `${p}cellXfs`);
  if (xfs) {
    for (const tag of startTags(xml, `${p}xf`, xfs.start, xfs.end)) {
      const id = Number(tag.attrs.get('numFmtId') ?? '0');
      out.push(isDateFormat(id, custom.get(id)));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Workbook and relationships

interface DeclaredSheet {
  readonly name: string;
  readonly hidden: boolean;
  readonly relId: string | null;
}

function parseWorkbook(xml: string): { date1904: boolean; declared: DeclaredSheet[] } {
  const p = rootPrefix(xml) ?? '';
  let date1904 = false;
  for (const tag of startTags(xml, `${p}workbookPr`)) {
    const v = tag.attrs.get('date1904');
    date1904 = v === '1' || v === 'true';
    break;
  }
  const declared: DeclaredSheet[] = [];
  const sheets = contentOf(xml, `${p}sheets`);
  if (sheets) {
    for (const tag of startTags(xml, `${p}sheet`, sheets.start, sheets.end)) {
      let relId: string | null = null;
      for (const [k, v] of tag.attrs) if (k.endsWith(':id')) { relId = v; break; }
      const state = tag.attrs.get('state');
      declared.push({ name: tag.attrs.get('name') ?? '', hidden: state === 'hidden' || state === 'veryHidden', relId });
    }
  }
  return { date1904, declared };
}

interface Rel {
  readonly id: string;
  readonly type: string;
  /** Zip part name, resolved against the source part's folder. */
  readonly target: string;
}

function parseRels(xml: string, baseDir: string): Rel[] {
  const p = rootPrefix(xml) ?? '';
  const out: Rel[] = [];
  for (const tag of startTags(xml, `${p}Relationship`)) {
    const target = tag.attrs.get('Target');
    if (target === undefined || tag.attrs.get('TargetMode') === 'External') continue;
    out.push({ id: tag.attrs.get('Id') ?? '', type: tag.attrs.get('Type') ?? '', target: resolvePart(baseDir, target) });
  }
  return out;
}

/** "worksheets/sheet1.xml" against "xl/" → "xl/worksheets/sheet1.xml"; "/xl/…" is absolute. */
export function resolvePart(baseDir: string, target: string): string {
  let t = target;
  try { t = decodeURIComponent(target); } catch { /* keep as written */ }
  const segments = (t.startsWith('/') ? t.slice(1) : baseDir + t).split('/');
  const out: string[] = [];
  for (const seg of segments) {
    if (seg === '..') out.pop();
    else if (seg !== '.' && seg !== '') out.push(seg);
  }
  return out.join('/');
}

function partOfType(zip: ZipArchive, rels: readonly Rel[], typeSuffix: string, fallback: string): ZipEntry | undefined {
  const rel = rels.find((r) => r.type.endsWith(typeSuffix));
  return (rel && zip.entry(rel.target)) ?? zip.entry(fallback);
}

async function wholeText(zip: ZipArchive, entry: ZipEntry): Promise<string> {
  const pieces: string[] = [];
  let chars = 0;
  for await (const piece of zip.text(entry)) {
    chars += piece.length;
    if (chars > MAX_SMALL_PART_CHARS) {
      throw new InputError(`${zip.displayName}: the part "${entry.name}" is larger than ${MAX_SMALL_PART_CHARS / 1024 / 1024} MB: the file is malformed`);
    }
    pieces.push(piece);
  }
  return pieces.join('');
}
