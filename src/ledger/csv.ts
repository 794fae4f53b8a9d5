// CSV reader: bytes → UTF-8 (encoding detected: BOM, strict UTF-8, else Windows-1252; other
// encodings are transcoded) → records (csvscan.ts; delimiter detected from the first lines,
// outside quotes) → rows of text cells, streamed. csv-parse was replaced by the hand-written
// scanner for speed (8.8 s → well under a second of scanning for 1M rows): see csvscan.ts.
import { createReadStream, type ReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { isUtf8 } from 'node:buffer';
import { createRequire } from 'node:module';
import { InputError, UsageError } from '../errors.js';
import { CsvScanner, CsvSyntaxError, ESCAPED, type CsvRecord } from './csvscan.js';
import { reportReadProgress } from '../progress.js';
import { EMPTY, type Cell, type RawRow, type RowSource } from './table.js';

export interface CsvOptions {
  /** utf-8, utf-16le, utf-16be, windows-1252, latin1…; detected when absent. */
  readonly encoding?: string | null;
  readonly delimiter?: string | null;
}

export interface CsvSource extends RowSource {
  readonly encoding: string;
  readonly delimiter: string;
  /** Path of the file (for readers that scan the bytes themselves, like the aging fast path). */
  readonly path: string;
  /** Bytes to skip at the start (a byte-order mark). */
  readonly bomBytes: number;
  /** Stops every row stream of this source still open (a reader that stopped early). */
  close(): void;
}

// iconv-lite (with its tables) is loaded on the first file that is not UTF-8 / UTF-16, or names an
// unusual --encoding: ~20 ms of every run's start-up otherwise, for the common UTF-8 ledger.
type Iconv = typeof import('iconv-lite');
let iconvLib: Iconv | null = null;
function iconv(): Iconv {
  return (iconvLib ??= createRequire(import.meta.url)('iconv-lite') as Iconv);
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
  const open = new Set<ReadStream>();
  return {
    file: displayName,
    sheet: null,
    date1904: false,
    encoding,
    delimiter,
    path,
    bomBytes,
    rows: () => csvRows(path, displayName, encoding, bomBytes, delimiter, open),
    close: () => {
      for (const s of open) s.destroy();
      open.clear();
    },
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
  if (iconv().encodingExists(name)) return name;
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
  return iconv().decode(bytes, encoding);
}

function normalizeDelimiter(d: string, displayName: string): string {
  const map: Record<string, string> = { tab: '\t', '\\t': '\t', comma: ',', semicolon: ';', pipe: '|' };
  const out = map[d.toLowerCase()] ?? d;
  if (out.length !== 1) throw new InputError(`--delimiter ${JSON.stringify(d)}: use one character (, ; | or tab) for ${displayName}`);
  if (out.charCodeAt(0) > 127 || out === '"' || out === '\n' || out === '\r') {
    throw new UsageError(`--delimiter ${JSON.stringify(d)}: use an ASCII character other than a quote or a line end (, ; | or tab) for ${displayName}`);
  }
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

/**
 * Turns the file's bytes into UTF-8 for the scanner: UTF-8 is checked (strictly, across chunk
 * boundaries) and passed through; other encodings are decoded and re-encoded.
 */
export interface Utf8Feeder {
  /** Hands the UTF-8 of `chunk` to `push`, in one or two pieces (or none, for a chunk inside a character). */
  feed(chunk: Buffer, push: (bytes: Uint8Array) => void): void;
  flush(): Uint8Array;
  /** Bytes of a character cut by the end of the last chunk may be held back (true when a decoder cannot tell). */
  readonly pending: boolean;
}

export function utf8Feeder(encoding: string): Utf8Feeder {
  if (encoding === 'utf-8') {
    let carry: Buffer | null = null;
    return {
      get pending() {
        return carry !== null;
      },
      feed(chunk, push) {
        let bytes: Uint8Array = chunk;
        if (carry) {
          // The character the last chunk cut, completed from this one's first bytes — rather than
          // copying a whole chunk behind the few bytes carried.
          const need = sequenceLength(carry[0]!) - carry.length;
          if (chunk.length < need) {
            carry = Buffer.concat([carry, chunk]);
            return;
          }
          const head = Buffer.concat([carry, chunk.subarray(0, need)]);
          carry = null;
          if (!isUtf8(head)) throw new Error('invalid-utf8');
          push(head);
          bytes = chunk.subarray(need);
        }
        const cut = completeUtf8(bytes);
        if (cut < bytes.length) carry = Buffer.from(bytes.subarray(cut));
        const whole = cut < bytes.length ? bytes.subarray(0, cut) : bytes;
        if (!isUtf8(whole)) throw new Error('invalid-utf8');
        if (whole.length) push(whole);
      },
      flush() {
        if (carry) throw new Error('invalid-utf8');
        return new Uint8Array(0);
      },
    };
  }
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    const decoder = new TextDecoder(encoding, { fatal: true });
    const reencode = (f: () => string): Uint8Array => {
      try {
        return Buffer.from(f(), 'utf8');
      } catch {
        throw new Error('invalid-utf8');
      }
    };
    // A UTF-16 decoder may hold half a character: never split between threads (fastaging.ts).
    return { feed: (chunk, push) => push(reencode(() => decoder.decode(chunk, { stream: true }))), flush: () => reencode(() => decoder.decode()), pending: true };
  }
  const decoder = iconv().getDecoder(encoding);
  return {
    feed: (chunk, push) => push(Buffer.from(decoder.write(chunk), 'utf8')),
    flush: () => Buffer.from(decoder.end() ?? '', 'utf8'),
    // Single-byte code pages hold nothing back; others (Shift_JIS, GB18030…) may.
    pending: !SINGLE_BYTE.test(encoding),
  };
}

const SINGLE_BYTE = /^(windows-125\d|iso-8859-\d+|latin\d|cp125\d|ascii|us-ascii|macintosh|koi8-[ru])$/i;

/** Bytes of the UTF-8 sequence a lead byte starts (as completeUtf8 reads it). */
function sequenceLength(c: number): number {
  return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/** Length of the longest prefix of `b` that does not end inside a multi-byte UTF-8 sequence. */
function completeUtf8(b: Uint8Array): number {
  const n = b.length;
  for (let i = n - 1, k = 0; i >= 0 && k < 4; i--, k++) {
    const c = b[i]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    return i + sequenceLength(c) > n ? i : n;
  }
  return n;
}

/** The text of one field of a scanned record, exactly as stored (quotes removed, `""` → `"`). */
export function fieldText(r: CsvRecord, i: number): string {
  const s = Buffer.prototype.utf8Slice.call(r.buf, r.starts[i]!, r.ends[i]!) as string;
  return r.quoted[i] === ESCAPED ? s.replaceAll('""', '"') : s;
}

function rawRow(r: CsvRecord): RawRow {
  const cells: Cell[] = new Array<Cell>(r.count);
  for (let i = 0; i < r.count; i++) {
    const v = fieldText(r, i);
    cells[i] = v.trim() === '' ? EMPTY : { t: 's', v };
  }
  return { row: r.line, cells };
}

async function* csvRows(path: string, displayName: string, encoding: string, bomBytes: number, delimiter: string, open: Set<ReadStream>): AsyncGenerator<RawRow> {
  const input = createReadStream(path, { start: bomBytes, highWaterMark: 256 * 1024 });
  open.add(input);
  const batch: RawRow[] = [];
  const scanner = new CsvScanner(delimiter.charCodeAt(0), (r) => batch.push(rawRow(r)));
  const push = (bytes: Uint8Array): void => scanner.push(bytes);
  const utf8 = utf8Feeder(encoding);
  let done = bomBytes;
  let rows = 0;
  const total = (await stat(path)).size;
  try {
    let first = true;
    for await (const chunk of input as AsyncIterable<Buffer>) {
      // The first chunk in small slices, rows handed on after each: finding the header reads 30
      // rows, and turning the whole first 256 KB (~2,000 rows) into text cells first took 35 ms
      // of every `aging` run.
      const slice = first ? 16 * 1024 : chunk.length;
      first = false;
      for (let at = 0; at < chunk.length; at += slice) {
        const piece = chunk.subarray(at, Math.min(chunk.length, at + slice));
        utf8.feed(piece, push);
        done += piece.length;
        rows += batch.length;
        reportReadProgress(displayName, done, total, rows);
        for (let i = 0; i < batch.length; i++) yield batch[i]!;
        batch.length = 0;
      }
    }
    scanner.push(utf8.flush());
    scanner.end();
    yield* batch;
  } catch (err) {
    throw csvError(err, displayName, encoding);
  } finally {
    reportReadProgress(displayName, done, total, rows, true);
    input.destroy();
    open.delete(input);
  }
}

/** Scanner and decoding failures as InputErrors that name the file (and the line). */
export function csvError(err: unknown, displayName: string, encoding: string): Error {
  if (err instanceof Error && err.message === 'invalid-utf8') {
    return new InputError(`${displayName}: the file is not valid ${encoding.toUpperCase()} past its first 64 KB; pass --encoding windows-1252 (or the file's real encoding)`);
  }
  if (err instanceof CsvSyntaxError) return new InputError(`${displayName} near line ${err.line}: ${err.message}`);
  return err instanceof Error ? err : new Error(String(err));
}
