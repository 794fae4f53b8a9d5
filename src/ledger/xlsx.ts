// The xlsx reader: workbook structure (sheets, hidden state, 1900/1904 dates), date number
// formats, and each worksheet read as RawRows (table.ts) — or scanned at the byte level for the
// aging fast path (xlsxfast.ts). Why our own: exceljs's streaming reader corrupts multi-byte UTF-8
// characters at decompression chunk boundaries ("Logroño" came out as "Logro��o" in a 100k-row
// ledger and split a customer in two), and its full reader needs gigabytes on big files. Here
// zip.ts inflates one part at a time and xlsxscan.ts scans its bytes, decoding text only once a
// whole element is in the buffer, so memory stays bounded by one inflated piece, one row and the
// shared-string table (kept as bytes). Shared strings and date cells are one Cell per distinct
// value (CellReader), not one per cell.
import { dayFromExcelSerial, parseIsoDay } from '../core/dates.js';
import { InputError } from '../errors.js';
import { reportReadProgress } from '../progress.js';
import { EMPTY, type Cell, type RawRow, type RowSource, type SheetInfo } from './table.js';
import { contentOf, decodeText, richText, rootPrefix, startTags } from './xml.js';
import {
  SharedStringScanner, SharedStringTable, SheetScanner, T_BOOL, T_DATE, T_ERROR, T_INLINE, T_SHARED, T_STR, utf8Of, utf8Pieces,
  type RawCells, type SharedStrings,
} from './xlsxscan.js';
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
  source(sheet: SheetInfo): XlsxSource;
}

/** A worksheet to read: as Cells (RowSource), or at the byte level for the aging fast path. */
export interface XlsxSource extends RowSource {
  readonly format: 'xlsx';
  /** Inflated size of the sheet's XML, in bytes (as declared; checked while inflating). */
  readonly size: number;
  /**
   * Scans the whole sheet: `onRow` gets each row's cells as found in the XML (valid during the
   * call only) and the CellReader that turns them into Cells. Progress is reported as for rows().
   */
  scan(onRow: (raw: RawCells, cells: CellReader) => void): Promise<void>;
  /** Ends the reads of rows() still open (a reader that stopped early), closing the file. */
  close(): Promise<void>;
}

/** Whether a row source is a worksheet of an xlsx file (then it can be scanned). */
export function isXlsxSource(source: RowSource): source is XlsxSource {
  return (source as Partial<XlsxSource>).format === 'xlsx';
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

  let sst: Promise<SharedStrings> | null = null;
  const sharedStrings = (): Promise<SharedStrings> => (sst ??= sstEntry ? readSharedStrings(zip, sstEntry) : Promise.resolve(new SharedStringTable()));

  return {
    file: displayName,
    date1904,
    sheets,
    source(sheet: SheetInfo): XlsxSource {
      const part = parts[sheet.index];
      if (!part || sheets[sheet.index]?.name !== sheet.name) {
        throw new Error(`sheet "${sheet.name}" (#${sheet.index}) is not a sheet of ${displayName}`);
      }
      const where = `${displayName} › ${sheet.name}`;
      const open = new Set<AsyncGenerator<RawRow>>();
      const reader = async (): Promise<CellReader> => new CellReader(where, await sharedStrings(), dateStyles, date1904);
      return {
        format: 'xlsx',
        size: part.uncompressedSize,
        file: displayName,
        sheet: sheet.name,
        date1904,
        rows: () => {
          const rows: AsyncGenerator<RawRow> = sheetRows(zip, part, where, reader, () => open.delete(rows));
          open.add(rows);
          return rows;
        },
        scan: async (onRow) => {
          const cells = await reader();
          for await (const _ of scanPieces(zip, part, where, new SheetScanner(where, (raw) => onRow(raw, cells)))) { /* each piece scanned */ }
        },
        close: async () => {
          for (const rows of open) await rows.return(undefined);
          open.clear();
        },
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Worksheets

/**
 * Feeds the sheet's bytes to `scanner`, one inflated piece at a time, yielding after each piece
 * (the caller takes the rows the piece completed) and reporting progress (src/progress.ts) in
 * bytes of the sheet's XML against its inflated size.
 */
async function* scanPieces(zip: ZipArchive, part: ZipEntry, where: string, scanner: SheetScanner): AsyncGenerator<void> {
  let done = 0;
  try {
    for await (const piece of utf8Pieces(zip, part)) {
      done += piece.length;
      scanner.feed(piece);
      reportReadProgress(where, done, part.uncompressedSize, scanner.rows);
      yield;
    }
  } finally {
    reportReadProgress(where, done, part.uncompressedSize, scanner.rows, true);
  }
}

async function* sheetRows(
  zip: ZipArchive,
  part: ZipEntry,
  where: string,
  reader: () => Promise<CellReader>,
  ended: () => void,
): AsyncGenerator<RawRow> {
  try {
    const cellsOf = await reader();
    let batch: RawRow[] = [];
    const scanner = new SheetScanner(where, (raw) => {
      const row = cellsOf.row(raw);
      if (row) batch.push(row);
    });
    for await (const _ of scanPieces(zip, part, where, scanner)) {
      if (batch.length === 0) continue;
      const rows = batch;
      batch = [];
      yield* rows;
    }
  } finally {
    ended();
  }
}

/**
 * The cells of a scanned row (xlsxscan.ts RawCells) as Cells. Shared strings and date cells are
 * made once per distinct value and shared between rows (Cells are read-only): 100k rows of
 * 8 cells were 800k objects, most of them repeats.
 */
export class CellReader {
  /** Made with its final length: filled out of order, a growing array fell back to a hash table. */
  private readonly sstCells: (Cell | undefined)[];
  /** Date cells by whole serial (dayFromExcelSerial reads only the whole part); null: not a date. */
  private readonly dateCells = new Map<number, Cell | null>();

  constructor(
    private readonly where: string,
    readonly sst: SharedStrings,
    private readonly dateStyles: readonly boolean[],
    private readonly date1904: boolean,
  ) {
    this.sstCells = new Array<Cell | undefined>(sst.count);
  }

  /** The row's cells by column, or null when they are all empty. */
  row(raw: RawCells): RawRow | null {
    const cells: Cell[] = [];
    for (let k = 0; k < raw.n; k++) {
      const cell = this.cell(raw, k);
      if (cell === EMPTY) continue;
      const col = raw.col[k]!;
      while (cells.length < col) cells.push(EMPTY);
      cells[col] = cell;
    }
    return cells.length > 0 ? { row: raw.row, cells } : null;
  }

  /** Cell k of the row. */
  cell(raw: RawCells, k: number): Cell {
    const type = raw.type[k]!;
    const buf = raw.buf;
    if (type === T_INLINE && raw.isStart[k]! >= 0) return text(richText(utf8Of(buf, raw.isStart[k]!, raw.isEnd[k]!), raw.prefix));
    // No <is>: some writers put an inline string's text in <v>; read it as a formula string below.
    const vs = raw.vStart[k]!;
    const ve = raw.vEnd[k]!;
    if (vs < 0 || (vs === ve && type !== T_STR && type !== T_INLINE)) return raw.formula[k] ? NO_CACHED_VALUE : EMPTY;
    switch (type) {
      case T_SHARED: {
        let index = raw.num[k]!;
        if (Number.isNaN(index)) index = Number(utf8Of(buf, vs, ve));
        return this.shared(index, raw, k);
      }
      case T_STR:
      case T_INLINE:
        return text(decodeText(utf8Of(buf, vs, ve)));
      case T_BOOL: {
        const v = utf8Of(buf, vs, ve);
        return { t: 'b', v: v === '1' || v === 'true' };
      }
      case T_ERROR:
        return { t: 'e', v: decodeText(utf8Of(buf, vs, ve)) };
      case T_DATE: {
        // ISO 8601 date cells (t="d", "2024-02-29T00:00:00"): the calendar date, time ignored.
        const v = utf8Of(buf, vs, ve);
        const day = parseIsoDay(v.slice(0, 10));
        return day !== null ? { t: 'd', v: day } : text(decodeText(v));
      }
      default: {
        let num = raw.num[k]!;
        if (Number.isNaN(num)) {
          const v = utf8Of(buf, vs, ve);
          num = Number(v);
          if (!Number.isFinite(num)) return text(decodeText(v));
          if (num === 0 && v.trim() === '') return raw.formula[k] ? NO_CACHED_VALUE : EMPTY; // Number(' ') is 0: a blank value is no value, never 0
        }
        if (this.isDateStyle(raw, k)) {
          const date = this.dateCell(num);
          if (date !== null) return date;
        }
        return { t: 'n', v: num };
      }
    }
  }

  /** Whether cell k's style (s attribute) has a date number format. */
  isDateStyle(raw: RawCells, k: number): boolean {
    const style = raw.style[k]!;
    if (style === -1) return false;
    const index = style >= 0 ? style : Number(utf8Of(raw.buf, raw.styleStart[k]!, raw.styleEnd[k]!));
    return this.dateStyles[index] === true;
  }

  /** A date cell for a serial in a date-formatted cell, or null when the serial is no date. */
  dateCell(serial: number): Cell | null {
    const whole = Math.floor(serial);
    const known = this.dateCells.get(whole);
    if (known !== undefined) return known;
    const day = dayFromExcelSerial(serial, this.date1904);
    const cell: Cell | null = day === null ? null : { t: 'd', v: day };
    if (this.dateCells.size < 100_000) this.dateCells.set(whole, cell);
    return cell;
  }

  /** The cell of shared string `index`; a missing one means a corrupt file. */
  private shared(index: number, raw: RawCells, k: number): Cell {
    const cached = Number.isInteger(index) ? this.sstCells[index] : undefined;
    if (cached !== undefined) return cached;
    if (!(Number.isInteger(index) && index >= 0 && index < this.sst.count)) {
      const v = utf8Of(raw.buf, raw.vStart[k]!, raw.vEnd[k]!);
      throw new InputError(`${this.where} › ${columnName(raw.col[k]!)}${raw.row}: refers to shared string ${v}, which the file does not have: the .xlsx file is corrupt`);
    }
    const cell = text(this.sst.text(index));
    this.sstCells[index] = cell;
    return cell;
  }
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

async function readSharedStrings(zip: ZipArchive, entry: ZipEntry): Promise<SharedStrings> {
  const scanner = new SharedStringScanner(`${zip.displayName} › shared strings`, (si, p) => richText(si, p));
  for await (const piece of utf8Pieces(zip, entry)) scanner.feed(piece);
  return scanner.table;
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
