// Opening a table to read: the file (CSV or xlsx, the sheet that looks like a ledger), the header
// row (title rows above it skipped) and the mapping of its columns to fields. Shared by the ledger
// reader and the payments reader, so both find files, sheets and headers the same way.
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { isoOfDay } from '../core/dates.js';
import { InputError, UsageError } from '../errors.js';
import { headerScore, matchHeaders, suggestHeaders, synonymsOf, type Field, type HeaderMatch } from './columns.js';
import { openCsv } from './csv.js';
import type { Cell, RawRow, RowSource, SheetInfo } from './table.js';
import { openXlsx } from './xlsx.js';

export interface TableOptions {
  /** field → header text, from --map and the config's `columns`. */
  readonly map: Readonly<Partial<Record<Field, string>>>;
  /** Where each override came from, for `check` ("--map dueDate=Vence"). */
  readonly mapSource?: (field: Field) => string;
  readonly sheet?: string | null;
  readonly encoding?: string | null;
  readonly delimiter?: string | null;
}

export interface OpenedFile {
  readonly source: RowSource;
  readonly format: 'csv' | 'xlsx';
  readonly sheets: SheetInfo[] | null;
  readonly sheetReason: string | null;
  readonly encoding: string | null;
  readonly delimiter: string | null;
}

/** Fields a table must have: each entry needs one of `anyOf`. */
export interface Requirement {
  readonly anyOf: readonly Field[];
  readonly what: string;
}

export interface OpenedTable extends OpenedFile {
  /** `file` or `file › sheet`, for messages. */
  readonly where: string;
  readonly headerRow: RawRow;
  readonly headers: readonly string[];
  readonly mapping: HeaderMatch;
  /** The rows below the header, in order. */
  readonly rows: AsyncIterable<RawRow>;
}

const HEADER_SCAN_ROWS = 30;

// ---------- opening ----------

async function openSource(path: string, opts: TableOptions): Promise<OpenedFile> {
  const name = basename(path);
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new InputError(`${path}: file not found`);
  }
  if (st.isDirectory()) throw new InputError(`${path}: is a folder, not a ledger file (.csv or .xlsx)`);
  const ext = extname(path).toLowerCase();
  if (ext === '.xls') throw new InputError(`${name}: old Excel .xls files are not supported; save it as .xlsx (or .csv) and try again`);
  if (ext === '.xlsx' || ext === '.xlsm') {
    const wb = await openXlsx(path, name);
    const { sheet, reason } = await chooseSheet(wb.sheets, (s) => wb.source(s), opts.sheet ?? null, name);
    return { source: wb.source(sheet), format: 'xlsx', sheets: [...wb.sheets], sheetReason: reason, encoding: null, delimiter: null };
  }
  if (opts.sheet) throw new UsageError(`--sheet ${opts.sheet}: ${name} is a CSV file, which has no sheets`);
  const csv = await openCsv(path, name, { encoding: opts.encoding ?? null, delimiter: opts.delimiter ?? null });
  return { source: csv, format: 'csv', sheets: null, sheetReason: null, encoding: csv.encoding, delimiter: csv.delimiter };
}

async function peekRows(source: RowSource, n: number): Promise<RawRow[]> {
  const out: RawRow[] = [];
  for await (const r of source.rows()) {
    out.push(r);
    if (out.length >= n) break;
  }
  return out;
}

function bestHeaderScore(rows: readonly RawRow[]): number {
  return Math.max(0, ...rows.map((r) => headerScore(r.cells.map(cellLabel))));
}

async function chooseSheet(sheets: readonly SheetInfo[], open: (s: SheetInfo) => RowSource, wanted: string | null, name: string): Promise<{ sheet: SheetInfo; reason: string }> {
  if (wanted !== null) {
    const byName = sheets.find((s) => s.name.toLowerCase() === wanted.toLowerCase());
    const n = /^\d+$/.test(wanted) ? Number(wanted) : NaN;
    const sheet = byName ?? (n >= 1 && n <= sheets.length ? sheets[n - 1] : undefined);
    if (!sheet) throw new UsageError(`--sheet ${wanted}: ${name} has no such sheet (sheets: ${sheets.map((s) => s.name).join(', ')})`);
    return { sheet, reason: `chosen with --sheet ${wanted}` };
  }
  const visible = sheets.filter((s) => !s.hidden);
  if (visible.length === 0) throw new InputError(`${name}: the workbook has no visible sheets`);
  if (visible.length === 1) return { sheet: visible[0]!, reason: 'the only visible sheet' };
  let best = { sheet: visible[0]!, score: -1 };
  for (const s of visible) {
    const score = bestHeaderScore(await peekRows(open(s), HEADER_SCAN_ROWS));
    if (score > best.score) best = { sheet: s, score };
  }
  const hidden = sheets.length - visible.length;
  return {
    sheet: best.sheet,
    reason: `looks most like a ledger (${best.score} known columns) among ${visible.length} visible sheets${hidden ? `; ${hidden} hidden ignored` : ''}; use --sheet to choose another`,
  };
}

// ---------- cells ----------

export function numberText(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(15)));
}

/** Text of a cell as a label (header detection). */
export function cellLabel(c: Cell): string {
  switch (c.t) {
    case 's': return c.v.trim();
    case 'n': return numberText(c.v);
    case 'd': return isoOfDay(c.v);
    case 'b': return c.v ? 'TRUE' : 'FALSE';
    default: return '';
  }
}


/** Opens a table: file, sheet, header row, column mapping; checks the required fields. */
export async function openTable(path: string, opts: TableOptions, required: readonly Requirement[]): Promise<OpenedTable> {
  const opened = await openSource(path, opts);
  const { source } = opened;
  const where = source.sheet ? `${source.file} › ${source.sheet}` : source.file;
  const iterator = source.rows()[Symbol.asyncIterator]();
  const head: RawRow[] = [];
  for (let i = 0; i < HEADER_SCAN_ROWS; i++) {
    const next = await iterator.next();
    if (next.done) break;
    head.push(next.value);
  }
  if (head.length === 0) throw new InputError(`${where}: no rows (the ${source.sheet ? 'sheet' : 'file'} is empty)`);
  // The header row: the first row with the most recognisable column names (title rows above are skipped).
  const overrideHeaders = new Set(Object.values(opts.map).map((h) => h!.trim().toLowerCase()));
  let headerIndex = -1;
  let bestScore = 1;
  head.forEach((r, i) => {
    const labels = r.cells.map(cellLabel);
    const score = headerScore(labels) + labels.filter((l) => overrideHeaders.has(l.toLowerCase())).length;
    if (score > bestScore) [headerIndex, bestScore] = [i, score];
  });
  if (headerIndex < 0) {
    const examples = required.map((r) => synonymsOf(r.anyOf[0]!, 2).join('/')).join(', ');
    throw new InputError(`${where}: no header row found in the first ${head.length} rows; expected column names such as ${examples} (or name them with --map field=Header)`);
  }
  const headerRow = head[headerIndex]!;
  const headers = headerRow.cells.map(cellLabel);
  const mapSource = opts.mapSource ?? ((f: Field) => `--map ${f}=${opts.map[f]}`);
  const mapping = matchHeaders(headers, opts.map, mapSource);
  if (mapping.missingOverrides.length) {
    const f = mapping.missingOverrides[0]!;
    throw new UsageError(`${mapSource(f)}: ${where} has no column "${opts.map[f]}" (headers in row ${headerRow.row}: ${headers.filter(Boolean).join(', ')})`);
  }
  const present = new Set(mapping.choices.map((c) => c.field));
  const taken = new Set(mapping.choices.map((c) => c.column));
  for (const req of required) {
    if (!req.anyOf.some((f) => present.has(f))) {
      const looked = req.anyOf.flatMap((f) => synonymsOf(f, 4)).join(', ');
      const field = req.anyOf[0]!;
      const candidates = suggestHeaders(field, headers, taken);
      const hint = candidates.length ? `perhaps --map ${field}="${candidates[0]}"` : `name it with --map ${field}="<your header>"`;
      throw new InputError(`${where}: required column missing: ${req.what}; looked for ${looked} in row ${headerRow.row} (${headers.filter(Boolean).join(', ')}); ${hint}`);
    }
  }
  const rest = head.slice(headerIndex + 1);
  async function* rows(): AsyncGenerator<RawRow> {
    yield* rest;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { ...opened, where, headerRow, headers, mapping, rows: rows() };
}
