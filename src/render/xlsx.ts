// The aging report as an Excel workbook (exceljs): the sheet "Aging"/"Antigüedad" with the data
// layout of csv.ts as real number cells, and a small "Summary"/"Resumen" sheet with the totals per
// currency and the warnings. Made for a bookkeeper who filters, sorts and prints it:
// - amounts are numbers with the currency's ISO decimals as number format (#,##0.00; JPY #,##0;
//   KWD #,##0.000), so sums and filters work; text cells starting with = + - @ tab CR get a "'"
//   like in the CSV (exceljs writes them as strings, but other tools re-export them as CSV);
// - the as-of date is a real date cell. exceljs writes Dates as UTC: utcDateOfDay gives the
//   calendar date itself (a local-midnight Date showed the previous day west of Greenwich). Its
//   format is Excel's built-in short date (id 14), which Excel shows in the reader's own order;
// - header bold and filled, panes frozen below it and right of the customer column, autofilter
//   over the customer rows (the totals sit below, outside it, so sorting never mixes them in),
//   critical rows filled light red with "yes" in the Critical column, totals bold, landscape,
//   one page wide.
import ExcelJS from 'exceljs';
import type { AgingReport } from '../core/aging.js';
import { utcDateOfDay } from '../core/dates.js';
import { currencyExponent, minorToMajor } from '../core/money.js';
import { dataLayout, dataText, neutralizeFormula, type DataLayout, type DataValue } from './csv.js';
import { formatAmount } from './format.js';
import type { RenderOptions } from './index.js';
import { labelsFor, type Labels } from './labels.js';
import { NO_SHARE } from './summary.js';

const TITLE_ROW = 1;
const HEADER_ROW = 3;
const HEADER_FILL = 'FFD9E1F2';
const CRITICAL_FILL = 'FFFFC7CE'; // Excel's "light red fill"
const CRITICAL_FONT = 'FF9C0006'; // ... "with dark red text"
/** Excel's built-in short date (numFmtId 14): displayed in the reader's regional order. */
const DATE_FORMAT = 'mm-dd-yy';
const MIN_WIDTH = 6;
const MAX_WIDTH = 50;

/** "#,##0.00" for 2 decimals, "#,##0" for JPY, "#,##0.000" for KWD. */
export function amountFormat(currency: string): string {
  const digits = currencyExponent(currency);
  return digits === 0 ? '#,##0' : `#,##0.${'0'.repeat(digits)}`;
}

function solidFill(argb: string): ExcelJS.Fill {
  return { type: 'pattern', pattern: 'solid', fgColor: { argb } };
}

/** Widths in characters that fit the longest text of each column, within bounds. */
function fitWidths(sheet: ExcelJS.Worksheet, texts: readonly (readonly string[])[]): void {
  const widths: number[] = [];
  for (const row of texts) {
    row.forEach((t, i) => (widths[i] = Math.max(widths[i] ?? 0, t.length)));
  }
  // The half keeps a width off exactly 9, which exceljs takes for its default and leaves out of
  // the file ("31-60" came out at Excel's 8.43).
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, w + 2.5))));
}

function writeTitle(sheet: ExcelJS.Worksheet, report: AgingReport, L: Labels): void {
  const row = sheet.getRow(TITLE_ROW);
  row.getCell(1).value = `${L.asOf}:`;
  row.getCell(1).font = { bold: true };
  const date = row.getCell(2);
  date.value = utcDateOfDay(report.asOf);
  date.numFmt = DATE_FORMAT;
  date.alignment = { horizontal: 'left' };
  row.getCell(3).value = `${L.basis[report.basis]} · ${L.critical}: > ${report.criticalDays}`;
}

function writeHeader(sheet: ExcelJS.Worksheet, rowNumber: number, headings: readonly string[]): void {
  const row = sheet.getRow(rowNumber);
  headings.forEach((h, i) => {
    const cell = row.getCell(i + 1);
    cell.value = neutralizeFormula(h);
    cell.font = { bold: true };
    cell.fill = solidFill(HEADER_FILL);
    cell.alignment = { vertical: 'middle', wrapText: true };
    cell.border = { bottom: { style: 'thin' } };
  });
}

function cellValue(value: DataValue, currency: string): ExcelJS.CellValue {
  switch (value.t) {
    case 'text':
      return neutralizeFormula(value.v);
    case 'int':
      return value.v;
    // Major units as a double is what a number cell is; the exact amount was rounded to the
    // currency's decimals in minor units before this one conversion.
    case 'amount':
      return minorToMajor(value.v, currencyExponent(currency));
    case 'empty':
      return null;
  }
}

/** The text a cell shows (amounts with grouping), to fit the column width. */
function shownText(value: DataValue, currency: string): string {
  return value.t === 'amount' ? formatAmount(value.v, currency, 'en-US') : dataText(value, currency);
}

function writeAgingSheet(wb: ExcelJS.Workbook, report: AgingReport, opts: RenderOptions, L: Labels): void {
  const layout = dataLayout(report, opts.lang, opts.rowHeading);
  const sheet = wb.addWorksheet(L.agingSheet, {
    views: [{ state: 'frozen', xSplit: 1, ySplit: HEADER_ROW, topLeftCell: `B${HEADER_ROW + 1}`, activeCell: `B${HEADER_ROW + 1}` }],
    pageSetup: {
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: `${HEADER_ROW}:${HEADER_ROW}`,
    },
  });
  writeTitle(sheet, report, L);
  writeHeader(sheet, HEADER_ROW, layout.headings);

  const widthTexts: string[][] = [[`${L.asOf}:`], [...layout.headings]];
  let rowNumber = HEADER_ROW;
  let totalsStarted = false;
  for (const data of layout.rows) {
    if (data.kind === 'total' && !totalsStarted) {
      totalsStarted = true;
      rowNumber += 1; // one empty row: totals stay out of the autofilter range
    }
    rowNumber += 1;
    const row = sheet.getRow(rowNumber);
    data.values.forEach((v, i) => {
      const cell = row.getCell(i + 1);
      cell.value = cellValue(v, data.currency);
      if (v.t === 'amount') cell.numFmt = amountFormat(data.currency);
      if (data.critical) {
        cell.fill = solidFill(CRITICAL_FILL);
        cell.font = { color: { argb: CRITICAL_FONT } };
      }
      if (data.kind === 'total') {
        cell.font = { bold: true };
        cell.border = { top: { style: 'thin' } };
      }
    });
    widthTexts.push(data.values.map((v) => shownText(v, data.currency)));
  }

  const lastColumn = layout.headings.length;
  const lastCustomerRow = HEADER_ROW + report.customers.length;
  sheet.autoFilter = { from: { row: HEADER_ROW, column: 1 }, to: { row: lastCustomerRow, column: lastColumn } };
  fitWidths(sheet, widthTexts);
  // The as-of date sits in column B (the currency column): keep it readable.
  sheet.getColumn(2).width = Math.max(sheet.getColumn(2).width ?? 0, 12);
}

function writeSummarySheet(wb: ExcelJS.Workbook, report: AgingReport, opts: RenderOptions, L: Labels): void {
  const sheet = wb.addWorksheet(L.summarySheet, {
    views: [{ state: 'frozen', ySplit: HEADER_ROW, xSplit: 0 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  writeTitle(sheet, report, L);
  const headings = [L.currency, L.customers, L.balance, L.criticalCustomers, L.criticalAmount, L.criticalShare];
  writeHeader(sheet, HEADER_ROW, headings);
  const widthTexts: string[][] = [[`${L.asOf}:`], headings];
  let rowNumber = HEADER_ROW;
  for (const t of report.totals) {
    const row = sheet.getRow(++rowNumber);
    const exp = currencyExponent(t.currency);
    row.values = [
      neutralizeFormula(t.currency),
      t.customers,
      minorToMajor(t.balance, exp),
      t.criticalCustomers,
      minorToMajor(t.criticalAmount, exp),
      t.balance > 0 ? t.criticalAmount / t.balance : NO_SHARE,
    ];
    row.getCell(3).numFmt = amountFormat(t.currency);
    row.getCell(5).numFmt = amountFormat(t.currency);
    row.getCell(6).numFmt = '0.0%';
    row.getCell(6).alignment = { horizontal: 'right' };
    widthTexts.push([t.currency, '', formatAmount(t.balance, t.currency, 'en-US'), '', formatAmount(t.criticalAmount, t.currency, 'en-US'), '']);
  }
  if (opts.warnings.length) {
    rowNumber += 2;
    const head = sheet.getRow(rowNumber).getCell(1);
    head.value = L.warnings;
    head.font = { bold: true };
    for (const w of opts.warnings) sheet.getRow(++rowNumber).getCell(1).value = neutralizeFormula(w);
  }
  fitWidths(sheet, widthTexts);
  sheet.getColumn(2).width = Math.max(sheet.getColumn(2).width ?? 0, 12);
}

export async function renderXlsx(report: AgingReport, opts: RenderOptions): Promise<Buffer> {
  const L = labelsFor(opts.lang);
  const wb = new ExcelJS.Workbook();
  wb.creator = 'dunning';
  // Stamped with the as-of date rather than the clock: the same report gives the same properties.
  wb.created = utcDateOfDay(report.asOf);
  wb.modified = utcDateOfDay(report.asOf);
  writeAgingSheet(wb, report, opts, L);
  writeSummarySheet(wb, report, opts, L);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/**
 * Any data layout as a one-sheet workbook (the call list…): bold filled header, frozen below it,
 * autofilter, real number cells with the currency's decimals, widths that fit, landscape.
 */
export async function xlsxOfLayout(layout: DataLayout, sheetName: string): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const sheet = wb.addWorksheet(sheetName, {
    views: [{ state: 'frozen', ySplit: 1, xSplit: 1 }],
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  writeHeader(sheet, 1, layout.headings);
  layout.rows.forEach((row, i) => {
    const r = sheet.getRow(i + 2);
    row.values.forEach((v, j) => {
      const cell = r.getCell(j + 1);
      cell.value = cellValue(v, row.currency);
      if (v.t === 'amount') cell.numFmt = amountFormat(row.currency);
    });
    if (row.critical) r.eachCell((cell) => (cell.fill = solidFill(CRITICAL_FILL)));
  });
  if (layout.rows.length) sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: layout.rows.length + 1, column: layout.headings.length } };
  fitWidths(sheet, [layout.headings, ...layout.rows.map((row) => row.values.map((v) => shownText(v, row.currency)))]);
  return Buffer.from(await wb.xlsx.writeBuffer());
}
