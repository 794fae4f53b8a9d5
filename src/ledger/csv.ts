// CSV reader: bytes → text (encoding detected: BOM, strict UTF-8, else Windows-1252) → records
// (delimiter detected from the first lines, outside quotes) → rows of text cells, streamed.
// The only module that knows the CSV parser: the performance work may swap it underneath.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { parse } from 'csv-parse';
import iconv from 'iconv-lite';
import { InputError } from '../errors.js';
import type { Cell, RawRow, RowSource } from './table.js';

export interface CsvOptions {
  /** utf-8, utf-16le, utf-16be, windows-1252, latin1…; detected when absent. */
  readonly encoding?: string | null;
  readonly delimiter?: string | null;
}

export interface CsvSource extends RowSource {
  readonly encoding: string;
  readonly delimiter: string;
}

const SAMPLE_BYTES = 64 * 1024;
const DELIMITERS = [',', ';', '\t', '|'] as const;

/** Opens a CSV file: detects encoding and delimiter from its first 64 KB. */
export async function openCsv(path: string, displayName: string, opts: CsvOptions = {}): Promise<CsvSource> {
  const sample = await readSample(path);
  if (sample.length === 0) throw new InputError(`${displayName}: the file is empty`);
  const { encoding, bomBytes } = detectEncoding(sample, opts.encoding ?? null, displayName);
  const text = decodeSample(sample.subarray(bomBytes), encoding);
  if (/\u0000/.test(text)) throw new InputError(`${displayName}: this is not a text (CSV) file; expected a .csv or .xlsx ledger`);
  const delimiter = opts.delimiter ? normalizeDelimiter(opts.delimiter, displayName) : detectDelimiter(text);
  return {
    file: displayName,
    sheet: null,
    date1904: false,
    encoding,
    delimiter,
    rows: () => csvRows(path, displayName, encoding, bomBytes, delimiter),
  };
}

async function readSample(path: string): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SAMPLE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SAMPLE_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function normalizeEncoding(name: string, displayName: string): string {
  const n = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (n === 'utf8') return 'utf-8';
  if (n === 'utf16le' || n === 'utf16') return 'utf-16le';
  if (n === 'utf16be') return 'utf-16be';
  if (n === 'windows1252' || n === 'win1252' || n === 'cp1252' || n === 'ansi') return 'windows-1252';
  if (n === 'latin1' || n === 'iso88591') return 'windows-1252'; // a superset for printable text: € and curly quotes survive
  if (iconv.encodingExists(name)) return name;
  throw new InputError(`--encoding ${name}: unknown encoding (use utf-8, windows-1252, utf-16le…) for ${displayName}`);
}

function detectEncoding(sample: Buffer, forced: string | null, displayName: string): { encoding: string; bomBytes: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bomBytes: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bomBytes: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bomBytes: 2 };
  if (forced) return { encoding: normalizeEncoding(forced, displayName), bomBytes: 0 };
  if (sample.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) {
    throw new InputError(`${displayName}: this is an old Excel (.xls) or password-protected file; save it as .xlsx or .csv`);
  }
  if (sample[0] === 0x50 && sample[1] === 0x4b) {
    throw new InputError(`${displayName}: this looks like a zip/xlsx file with a .csv name; rename it to .xlsx`);
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true });
    return { encoding: 'utf-8', bomBytes: 0 };
  } catch {
    return { encoding: 'windows-1252', bomBytes: 0 };
  }
}

function decodeSample(bytes: Buffer, encoding: string): string {
  if (encoding === 'utf-8' || encoding === 'utf-16le') return new TextDecoder(encoding).decode(bytes, { stream: true });
  return iconv.decode(bytes, encoding);
}

function normalizeDelimiter(d: string, displayName: string): string {
  const map: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const out = map[d.toLowerCase()] ?? d;
  if (out.length !== 1) throw new InputError(`--delimiter ${JSON.stringify(d)}: use one character (, ; | or tab) for ${displayName}`);
  return out;
}

/** Fields per record for each candidate delimiter, counted outside quotes over the first lines. */
export function detectDelimiter(text: string): string {
  let best: { d: string; score: number; width: number } = { d: ',', score: -1, width: 0 };
  for (const d of DELIMITERS) {
    const counts = fieldCounts(text, d, 50);
    const freq = new Map<number, number>();
    for (const c of counts) if (c > 1) freq.set(c, (freq.get(c) ?? 0) + 1);
    let width = 0;
    let score = 0;
    for (const [w, n] of freq) if (n > score || (n === score && w > width)) [width, score] = [w, n];
    if (score > best.score || (score === best.score && width > best.width)) best = { d, score, width };
  }
  return best.d;
}

function fieldCounts(text: string, delimiter: string, maxRecords: number): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let fields = 1;
  let lineHasContent = false;
  // The sample may end mid-record: the last, possibly partial record is not counted.
  for (let i = 0; i < text.length && counts.length < maxRecords; i++) {
    const ch = text[i];
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && ch === delimiter) fields++;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) {
      if (lineHasContent) counts.push(fields);
      fields = 1;
      lineHasContent = false;
      continue;
    }
    if (ch !== ' ') lineHasContent = true;
  }
  return counts;
}

function decoderStream(encoding: string): Transform {
  if (encoding === 'utf-8' || encoding === 'utf-16le') {
    const decoder = new TextDecoder(encoding, { fatal: true });
    return new Transform({
      transform(chunk: Buffer, _enc, cb) {
        try {
          cb(null, decoder.decode(chunk, { stream: true }));
        } catch {
          cb(new Error('invalid-utf8'));
        }
      },
      flush(cb) {
        try {
          cb(null, decoder.decode());
        } catch {
          cb(new Error('invalid-utf8'));
        }
      },
    });
  }
  return iconv.decodeStream(encoding) as unknown as Transform;
}

async function* csvRows(path: string, displayName: string, encoding: string, bomBytes: number, delimiter: string): AsyncGenerator<RawRow> {
  const parser = parse({
    delimiter,
    bom: false,
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    trim: false,
  });
  const input = createReadStream(path, { start: bomBytes, highWaterMark: 256 * 1024 });
  const decoded = input.pipe(decoderStream(encoding));
  decoded.on('error', (err) => parser.destroy(err));
  input.on('error', (err) => parser.destroy(err));
  decoded.pipe(parser);
  try {
    for await (const { record, info } of parser as Readable & AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      let newlines = 0;
      for (const f of record) for (let i = f.indexOf('\n'); i >= 0; i = f.indexOf('\n', i + 1)) newlines++;
      const cells: Cell[] = record.map((v) => (v.trim() === '' ? { t: 'empty' as const } : { t: 's' as const, v }));
      yield { row: info.lines - newlines, cells };
    }
  } catch (err) {
    throw csvError(err, displayName, encoding);
  } finally {
    input.destroy();
  }
}

function csvError(err: unknown, displayName: string, encoding: string): Error {
  const e = err as { code?: string; message?: string; lines?: number };
  if (e.message === 'invalid-utf8') {
    return new InputError(`${displayName}: the file is not valid ${encoding.toUpperCase()} past its first 64 KB; pass --encoding windows-1252 (or the file's real encoding)`);
  }
  if (typeof e.code === 'string' && e.code.startsWith('CSV_')) {
    const where = e.lines ? ` near line ${e.lines}` : '';
    const what = e.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quoted field is never closed' : e.code === 'CSV_INVALID_CLOSING_QUOTE' ? 'a quote is followed by text inside a field' : (e.message ?? e.code);
    return new InputError(`${displayName}${where}: ${what}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
