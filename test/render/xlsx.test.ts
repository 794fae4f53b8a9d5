import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, test } from 'vitest';
import type { RenderOptions } from '../../src/render/index.js';
import { renderXlsx } from '../../src/render/xlsx.js';
import { sampleReport } from './fixture.js';

const opts: RenderOptions = { lang: 'en', locale: 'en-US', color: false, warnings: ['=2 rows rejected'] };

async function load(buffer: Buffer): Promise<ExcelJS.Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buffer as unknown as ArrayBuffer);
  return wb;
}

/** The row whose first cell is `name`. */
function rowOf(sheet: ExcelJS.Worksheet, name: string): ExcelJS.Row {
  for (let r = 1; r <= sheet.rowCount; r++) if (sheet.getRow(r).getCell(1).value === name) return sheet.getRow(r);
  throw new Error(`no row ${name}`);
}

// Columns: 1 customer, 2 customer id, 3 email, 4 currency, 5-9 buckets (current..90+), 10 balance,
// 11 oldest days, 12 invoices, 13 critical, 14 critical amount.
describe('xlsx report', () => {
  let wb: ExcelJS.Workbook;
  let sheet: ExcelJS.Worksheet;
  beforeAll(async () => {
    wb = await load(await renderXlsx(sampleReport(), opts));
    sheet = wb.getWorksheet('Aging')!;
  });

  test('has an Aging sheet and a Summary sheet', () => {
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Aging', 'Summary']);
  });

  test('writes amounts as number cells with the currency decimals as number format', () => {
    const acme = rowOf(sheet, 'Acme S.A.');
    expect(acme.getCell(10).value).toBe(1234.5);
    expect(acme.getCell(10).numFmt).toBe('#,##0.00');
    expect(acme.getCell(6).value).toBe(234.5);
    const kwd = rowOf(sheet, 'Kuwait Trading');
    expect(kwd.getCell(10).value).toBe(1234.567);
    expect(kwd.getCell(10).numFmt).toBe('#,##0.000');
    expect(rowOf(sheet, "'@x").getCell(10).value).toBe(-1234.56);
  });

  test('writes the as-of date as a real date cell of that calendar day', () => {
    const cell = sheet.getCell('B1');
    expect(cell.value).toBeInstanceOf(Date);
    expect((cell.value as Date).getTime()).toBe(Date.UTC(2024, 4, 31));
    expect(cell.type).toBe(ExcelJS.ValueType.Date);
  });

  test('has a bold, filled header row on row 3 and freezes panes below it and right of the customer', () => {
    const header = sheet.getRow(3);
    expect(header.getCell(1).value).toBe('Customer');
    expect(header.getCell(10).value).toBe('Balance');
    expect(header.getCell(1).font?.bold).toBe(true);
    expect(header.getCell(1).fill).toMatchObject({ type: 'pattern', pattern: 'solid' });
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', xSplit: 1, ySplit: 3 });
  });

  test('marks critical rows with a fill and "yes" in the Critical column', () => {
    const acme = rowOf(sheet, 'Acme S.A.');
    expect(acme.getCell(13).value).toBe('yes');
    expect(acme.getCell(1).fill).toMatchObject({ pattern: 'solid', fgColor: { argb: 'FFFFC7CE' } });
    const beta = rowOf(sheet, 'Beta | Tubos');
    expect(beta.getCell(13).value).toBe('no');
    expect(beta.getCell(1).fill).not.toMatchObject({ pattern: 'solid' });
  });

  test('neutralizes formula-like names and never stores a formula', () => {
    expect(rowOf(sheet, `'=HYPERLINK("x")`).getCell(1).type).toBe(ExcelJS.ValueType.String);
    rowOf(sheet, "'-Cliente");
    sheet.eachRow((row) => row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  test('adds bold totals per currency below the customers, outside the autofilter', () => {
    const totals: [unknown, unknown][] = [];
    sheet.eachRow((row) => {
      if (row.getCell(1).value === 'TOTAL') {
        expect(row.getCell(1).font?.bold).toBe(true);
        totals.push([row.getCell(4).value, row.getCell(10).value]);
      }
    });
    expect(totals).toEqual([['KWD', 1234.567], ['MXN', 6034.5], ['USD', -1224.06]]);
    // header row 3 and the 6 customers in rows 4-9
    expect(sheet.autoFilter).toBe('A3:N9');
  });

  test('prints landscape, one page wide, with fitted column widths', () => {
    expect(sheet.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 });
    const widths = sheet.columns.map((c) => c.width ?? 0);
    expect(widths).toHaveLength(14);
    // "=HYPERLINK("x")" with its quote is the longest name (16 characters)
    expect(widths[0]).toBeGreaterThan(16);
    for (const w of widths) expect(w).toBeGreaterThanOrEqual(6);
  });

  test('the summary sheet has the totals per currency, the share, and the warnings', () => {
    const summary = wb.getWorksheet('Summary')!;
    const mxn = rowOf(summary, 'MXN');
    expect(mxn.values).toEqual([undefined, 'MXN', 2, 6034.5, 1, 1000, 100000 / 603450]);
    expect(mxn.getCell(6).numFmt).toBe('0.0%');
    expect(rowOf(summary, 'USD').getCell(6).value).toBe('–');
    expect(rowOf(summary, 'Warnings').getCell(1).font?.bold).toBe(true);
    rowOf(summary, "'=2 rows rejected");
  });
});

test('Spanish names the sheets Antigüedad and Resumen and answers "sí"', async () => {
  const wb = await load(await renderXlsx(sampleReport(), { ...opts, lang: 'es' }));
  expect(wb.worksheets.map((s) => s.name)).toEqual(['Antigüedad', 'Resumen']);
  const sheet = wb.getWorksheet('Antigüedad')!;
  expect(sheet.getRow(3).getCell(1).value).toBe('Cliente');
  expect(rowOf(sheet, 'Acme S.A.').getCell(13).value).toBe('sí');
});
