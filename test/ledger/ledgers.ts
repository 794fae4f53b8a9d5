// Test ledgers written to a temp folder: CSV from inline text, xlsx built with exceljs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { readLedger, type LedgerRead, type ReadOptions } from '../../src/ledger/read.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dunning-test-'));
}

export function csvFile(text: string, name = 'ledger.csv', encoding: BufferEncoding | Buffer = 'utf8'): string {
  const path = join(tempDir(), name);
  writeFileSync(path, Buffer.isBuffer(encoding) ? encoding : Buffer.from(text, encoding));
  return path;
}

export const defaults: ReadOptions = { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 };

export async function readCsv(text: string, opts: Partial<ReadOptions> = {}): Promise<LedgerRead> {
  return readLedger(csvFile(text), { ...defaults, ...opts });
}

export type SheetSpec = { name: string; rows: unknown[][]; hidden?: boolean; numFmt?: Record<number, string> };

/** Writes an xlsx with exceljs. Dates as UTC-midnight Date objects become date cells. */
export async function xlsxFile(sheets: SheetSpec[], opts: { date1904?: boolean } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  if (opts.date1904) wb.properties.date1904 = true;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, s.hidden ? { state: 'hidden' } : {});
    for (const r of s.rows) ws.addRow(r);
    for (const [col, fmt] of Object.entries(s.numFmt ?? {})) ws.getColumn(Number(col)).numFmt = fmt;
  }
  const path = join(tempDir(), 'ledger.xlsx');
  await wb.xlsx.writeFile(path);
  return path;
}

export function utc(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}
