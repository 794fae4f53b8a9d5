// Tests for the streaming xlsx reader (src/ledger/xlsx.ts, zip.ts, xml.ts). Fixtures are built
// here: with exceljs for what Excel-like writers produce, and by hand with fflate's zipSync for
// what exceljs cannot write (inline strings, _x000D_ escapes, missing r attributes, zip bombs).
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { deflateSync, strToU8, zipSync, type Zippable } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayFromExcelSerial, parseIsoDay } from '../../src/core/dates.js';
import { InputError } from '../../src/errors.js';
import type { Cell, RawRow } from '../../src/ledger/table.js';
import { columnIndex, columnName, isDateFormatCode, openXlsx, resolvePart, type XlsxLimits } from '../../src/ledger/xlsx.js';

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'dunning-xlsx-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

let counter = 0;
function fixturePath(ext = 'xlsx'): string {
  counter += 1;
  return join(dir, `f${counter}.${ext}`);
}

async function excel(build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const path = fixturePath();
  await wb.xlsx.writeFile(path);
  return path;
}

async function readRows(path: string, sheetIndex = 0, limits?: Partial<XlsxLimits>): Promise<RawRow[]> {
  const wb = await openXlsx(path, 'ledger.xlsx', limits);
  const sheet = wb.sheets[sheetIndex];
  if (!sheet) throw new Error(`no sheet ${sheetIndex}`);
  const rows: RawRow[] = [];
  for await (const row of wb.source(sheet).rows()) rows.push(row);
  return rows;
}

function day(iso: string): number {
  const d = parseIsoDay(iso);
  if (d === null) throw new Error(`bad test date ${iso}`);
  return d;
}

const s = (v: string): Cell => ({ t: 's', v });
const n = (v: number): Cell => ({ t: 'n', v });
const d = (iso: string): Cell => ({ t: 'd', v: day(iso) });
const EMPTY: Cell = { t: 'empty' };

// --- hand-made workbooks -----------------------------------------------------------------------

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

interface HandSheet { name: string; xml: string; state?: string; target?: string }

function handWorkbook(opts: {
  sheets: HandSheet[];
  sst?: string;
  styles?: string;
  date1904?: boolean;
}): Zippable {
  const files: Zippable = {};
  const sheetTags = opts.sheets
    .map((sh, i) => `<sheet name="${sh.name}" sheetId="${i + 1}"${sh.state ? ` state="${sh.state}"` : ''} r:id="rId${i + 1}"/>`)
    .join('');
  files['xl/workbook.xml'] = strToU8(`${XML_DECL}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">`
    + `${opts.date1904 ? '<workbookPr date1904="true"/>' : '<workbookPr/>'}<sheets>${sheetTags}</sheets></workbook>`);
  const rels = opts.sheets.map((sh, i) =>
    `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="${sh.target ?? `worksheets/sheet${i + 1}.xml`}"/>`);
  if (opts.sst !== undefined) rels.push(`<Relationship Id="rIdS" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>`);
  if (opts.styles !== undefined) rels.push(`<Relationship Id="rIdT" Type="${REL_NS}/styles" Target="styles.xml"/>`);
  files['xl/_rels/workbook.xml.rels'] = strToU8(`${XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${rels.join('')}</Relationships>`);
  opts.sheets.forEach((sh, i) => {
    const target = sh.target ?? `worksheets/sheet${i + 1}.xml`;
    files[resolvePart('xl/', target)] = strToU8(sh.xml);
  });
  if (opts.sst !== undefined) files['xl/sharedStrings.xml'] = strToU8(opts.sst);
  if (opts.styles !== undefined) files['xl/styles.xml'] = strToU8(opts.styles);
  return files;
}

function sheetXml(rows: string): string {
  return `${XML_DECL}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${rows}</sheetData></worksheet>`;
}

/** cellXfs: index 0 General, 1 built-in 14 (date), 2 custom 164 dd/mm/yyyy, 3 custom 165 "$"#,##0.00. */
const STYLES = `${XML_DECL}<styleSheet xmlns="${MAIN_NS}"><numFmts count="2">`
  + '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="&quot;$&quot;#,##0.00"/></numFmts>'
  + '<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
  + '<cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/>'
  + '<xf numFmtId="164" xfId="0"><alignment horizontal="left"/></xf><xf numFmtId="165" xfId="0"/></cellXfs></styleSheet>';

async function writeZip(files: Zippable, level: 0 | 6 = 6): Promise<string> {
  const path = fixturePath();
  await writeFile(path, zipSync(files, { level }));
  return path;
}

async function expectInputError(p: Promise<unknown>, pattern: RegExp): Promise<InputError> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  const err = e as InputError;
  expect(err.message.startsWith('ledger.xlsx')).toBe(true);
  expect(err.message).toMatch(pattern);
  return err;
}

// --- tests -------------------------------------------------------------------------------------

describe('dayFromExcelSerial', () => {
  it('reads serial 46053 as 2026-01-31 in the 1900 system and 2030-02-01 in the 1904 system', () => {
    expect(dayFromExcelSerial(46053, false)).toBe(day('2026-01-31'));
    expect(dayFromExcelSerial(46053, true)).toBe(day('2030-02-01'));
  });

  it('skips the fake 1900-02-29 of the 1900 system and ignores the time of day', () => {
    expect(dayFromExcelSerial(1, false)).toBe(day('1900-01-01'));
    expect(dayFromExcelSerial(59, false)).toBe(day('1900-02-28'));
    expect(dayFromExcelSerial(60, false)).toBeNull();
    expect(dayFromExcelSerial(61, false)).toBe(day('1900-03-01'));
    expect(dayFromExcelSerial(45351.75, false)).toBe(day('2024-02-29'));
    expect(dayFromExcelSerial(0, true)).toBe(day('1904-01-01'));
  });
});

describe('date number formats', () => {
  it('recognises date codes with d, m, y, h or s outside quotes and brackets', () => {
    for (const code of ['dd/mm/yyyy', 'yyyy-mm-dd', '[$-80A]dd-mmm-yy', 'd-mmm', 'h:mm', '[h]:mm:ss', 'DD.MM.YYYY']) {
      expect(isDateFormatCode(code), code).toBe(true);
    }
  });

  it('does not take money, percentage or coloured number formats for dates', () => {
    for (const code of ['#,##0.00', '"$"#,##0.00', '0.00%', '[Red]0.00', 'General', '#,##0 "días"', '0\\d', '_-* #,##0.00_-;-* #,##0.00_-', '@']) {
      expect(isDateFormatCode(code), code).toBe(false);
    }
  });

  it('converts column letters to indexes and back', () => {
    expect(columnIndex('A1')).toBe(0);
    expect(columnIndex('Z9')).toBe(25);
    expect(columnIndex('AB12')).toBe(27);
    expect(columnIndex('XFD1')).toBe(16383);
    expect(columnName(27)).toBe('AB');
    expect(resolvePart('xl/', '/xl/worksheets/sheet1.xml')).toBe('xl/worksheets/sheet1.xml');
    expect(resolvePart('xl/', '../customXml/item1.xml')).toBe('customXml/item1.xml');
  });
});

describe('reading cells written by exceljs', () => {
  it('reads date cells as the exact calendar day, whatever the date format', async () => {
    const path = await excel((wb) => {
      const ws = wb.addWorksheet('Facturas');
      ws.addRow(['Fecha', 'Vence', 'Emitida', 'Pagada', 'Importe']);
      const row = ws.addRow([
        new Date(Date.UTC(2024, 1, 29)), new Date(Date.UTC(2024, 0, 31)),
        new Date(Date.UTC(2023, 11, 1)), new Date(Date.UTC(2025, 6, 4)), 1234.5,
      ]);
      row.getCell(2).numFmt = 'dd/mm/yyyy';
      row.getCell(3).numFmt = '[$-80A]dd-mmm-yy';
      row.getCell(4).numFmt = 'yyyy-mm-dd';
      row.getCell(5).numFmt = '"$"#,##0.00';
    });
    const rows = await readRows(path);
    expect(rows[1]).toEqual({ row: 2, cells: [d('2024-02-29'), d('2024-01-31'), d('2023-12-01'), d('2025-07-04'), n(1234.5)] });
    // 2024-02-29 is epoch day 19782, worked out independently of parseIsoDay.
    expect(rows[1]!.cells[0]).toEqual({ t: 'd', v: 19782 });
  });

  it('keeps numbers with number, percentage and coloured formats as numbers', async () => {
    const path = await excel((wb) => {
      const ws = wb.addWorksheet('Importes');
      const row = ws.addRow([45351, 0.25, -400, 1000.5]);
      row.getCell(1).numFmt = '#,##0.00';
      row.getCell(2).numFmt = '0.00%';
      row.getCell(3).numFmt = '[Red]0.00';
      row.getCell(4).numFmt = '"$"#,##0.00';
    });
    expect(await readRows(path)).toEqual([{ row: 1, cells: [n(45351), n(0.25), n(-400), n(1000.5)] }]);
  });

  it('keeps dates and numbers typed as text as the exact text', async () => {
    const path = await excel((wb) => {
      const ws = wb.addWorksheet('Texto');
      ws.addRow(['31/01/2024', '2024-02-29', '1.234,50', '$1,234.50', '00123', ' con espacios ']);
    });
    expect(await readRows(path)).toEqual([{ row: 1, cells: [s('31/01/2024'), s('2024-02-29'), s('1.234,50'), s('$1,234.50'), s('00123'), s(' con espacios ')] }]);
  });

  it('uses the cached value of formulas and flags a formula saved without one', async () => {
    const path = await excel((wb) => {
      const ws = wb.addWorksheet('Formulas');
      ws.getCell('A1').value = 21;
      ws.getCell('B1').value = { formula: 'A1*2', result: 42 };
      ws.getCell('C1').value = { formula: 'UPPER("acme")', result: 'ACME' };
      ws.getCell('D1').value = { formula: 'A1+1' };
      ws.getCell('E1').value = { error: '#N/A' };
      ws.getCell('F1').value = true;
    });
    expect(await readRows(path)).toEqual([{
      row: 1,
      cells: [n(21), n(42), s('ACME'), { t: 'e', v: 'formula without a cached value' }, { t: 'e', v: '#N/A' }, { t: 'b', v: true }],
    }]);
  });

  it('reports a title row above the header with its own row numbers and skips blank rows', async () => {
    const path = await excel((wb) => {
      const ws = wb.addWorksheet('Cartera');
      ws.getCell('A1').value = 'Cartera al 31/05/2024 — Servicios Ruiz';
      ws.getCell('A3').value = 'Cliente';
      ws.getCell('B3').value = 'Factura';
      ws.getCell('C3').value = 'Saldo';
      ws.getCell('A4').value = 'Logroño Textil';
      ws.getCell('B4').value = 'F-001';
      ws.getCell('C4').value = 150.25;
      ws.getCell('B5').style = { font: { bold: true } }; // a styled but empty cell: row 5 is blank
      ws.getCell('C6').value = 99;
    });
    expect(await readRows(path)).toEqual([
      { row: 1, cells: [s('Cartera al 31/05/2024 — Servicios Ruiz')] },
      { row: 3, cells: [s('Cliente'), s('Factura'), s('Saldo')] },
      { row: 4, cells: [s('Logroño Textil'), s('F-001'), n(150.25)] },
      { row: 6, cells: [EMPTY, EMPTY, n(99)] },
    ]);
  });

  it('lists every sheet in order, flags the hidden one, and reads each by its own source', async () => {
    const path = await excel((wb) => {
      wb.addWorksheet('Resumen').addRow(['Total', 10]);
      wb.addWorksheet('Facturas').addRow(['Cliente', 'Saldo']);
      wb.getWorksheet('Facturas')!.addRow(['Peñalosa', 5]);
      wb.addWorksheet('Config', { state: 'hidden' }).addRow(['secreto']);
    });
    const wb = await openXlsx(path, 'ledger.xlsx');
    expect(wb.file).toBe('ledger.xlsx');
    expect(wb.date1904).toBe(false);
    expect(wb.sheets).toEqual([
      { name: 'Resumen', index: 0, hidden: false },
      { name: 'Facturas', index: 1, hidden: false },
      { name: 'Config', index: 2, hidden: true },
    ]);
    const src = wb.source(wb.sheets[1]!);
    expect(src.file).toBe('ledger.xlsx');
    expect(src.sheet).toBe('Facturas');
    const rows: RawRow[] = [];
    for await (const r of src.rows()) rows.push(r);
    expect(rows).toEqual([{ row: 1, cells: [s('Cliente'), s('Saldo')] }, { row: 2, cells: [s('Peñalosa'), n(5)] }]);
    expect(await readRows(path, 2)).toEqual([{ row: 1, cells: [s('secreto')] }]);
  });

  it('reads a date written in a 1904 workbook back as the same calendar date', async () => {
    const path = await excel((wb) => {
      wb.properties.date1904 = true;
      wb.addWorksheet('Mac').addRow([new Date(Date.UTC(2026, 0, 31)), new Date(Date.UTC(2024, 1, 29))]);
    });
    const wb = await openXlsx(path, 'ledger.xlsx');
    expect(wb.date1904).toBe(true);
    expect(wb.source(wb.sheets[0]!).date1904).toBe(true);
    expect(await readRows(path)).toEqual([{ row: 1, cells: [d('2026-01-31'), d('2024-02-29')] }]);
  });

  it('concatenates rich-text runs of a shared string', async () => {
    const path = await excel((wb) => {
      wb.addWorksheet('Rico').getCell('A1').value = {
        richText: [{ text: 'Logro' }, { font: { bold: true }, text: 'ño ' }, { font: { italic: true }, text: 'S.A.' }],
      };
    });
    expect(await readRows(path)).toEqual([{ row: 1, cells: [s('Logroño S.A.')] }]);
  });
});

describe('reading hand-made workbooks (what exceljs cannot write)', () => {
  it('reads serial 46053 with a date format as 2026-01-31 in 1900 and 2030-02-01 in 1904', async () => {
    const sheet = sheetXml('<row r="1"><c r="A1" s="1"><v>46053</v></c><c r="B1" s="2"><v>46053</v></c><c r="C1" s="3"><v>46053</v></c></row>');
    const p1900 = await writeZip(handWorkbook({ sheets: [{ name: 'S', xml: sheet }], styles: STYLES }));
    const p1904 = await writeZip(handWorkbook({ sheets: [{ name: 'S', xml: sheet }], styles: STYLES, date1904: true }));
    expect(await readRows(p1900)).toEqual([{ row: 1, cells: [d('2026-01-31'), d('2026-01-31'), n(46053)] }]);
    expect(await readRows(p1904)).toEqual([{ row: 1, cells: [d('2030-02-01'), d('2030-02-01'), n(46053)] }]);
  });

  it('reads inline strings, formula strings, escapes, entities and cells without r attributes', async () => {
    const sst = `${XML_DECL}<sst xmlns="${MAIN_NS}" count="4" uniqueCount="4">`
      + '<si><t xml:space="preserve">  Müller &amp; Söhne  </t></si>'
      + '<si><r><t>José </t></r><r><rPr><b/></rPr><t>Ángel</t></r><rPh sb="0" eb="1"><t>ホセ</t></rPh><phoneticPr fontId="1"/></si>'
      + '<si><t>línea 1_x000D_\nlínea 2</t></si>'
      + '<si><t>&lt;a&gt; &quot;b&quot; &apos;c&apos; &#241;&#xF1; _x005F_x000D_</t></si>'
      + '</sst>';
    const rows = '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"/><c r="D2" t="s"><v>1</v></c></row>'
      + '<row r="3"><c r="A3" t="s"><v>2</v></c><c r="B3" t="s"><v>3</v></c></row>'
      + '<row r="4"/>'
      + '<row r="5"><c r="A5" t="inlineStr"><is><t>Ñuñoa</t></is></c><c r="B5" t="inlineStr"><is><r><t>Peña</t></r><r><t>losa</t></r></is></c>'
      + '<c r="C5" t="str"><f>A5&amp;"!"</f><v>Ñuñoa!</v></c><c r="D5" t="str"><f>X1</f></c></row>'
      + '<row><c t="b"><v>0</v></c><c t="e"><f>1/0</f><v>#DIV/0!</v></c><c t="d"><v>2024-02-29T00:00:00</v></c><c><v>-1.5E2</v></c></row>'
      + '<row><c r="C7"><v>7</v></c><c><v>8</v></c><c r="A7" t="n"><v>6</v></c></row>'
      + '<row r="9"><c r="A9"><f>SUM(A1:A2)</f><v> </v></c><c r="B9"><v></v></c><c r="C9" t="inlineStr"><v>sin is</v></c><c r="D9" t="s"/></row>';
    const path = await writeZip(handWorkbook({ sheets: [{ name: 'Hoja', xml: sheetXml(rows) }], sst, styles: STYLES }));
    expect(await readRows(path)).toEqual([
      { row: 2, cells: [s('  Müller & Söhne  '), EMPTY, EMPTY, s('José Ángel')] },
      { row: 3, cells: [s('línea 1\r\nlínea 2'), s('<a> "b" \'c\' ññ _x000D_')] },
      { row: 5, cells: [s('Ñuñoa'), s('Peñalosa'), s('Ñuñoa!'), { t: 'e', v: 'formula without a cached value' }] },
      { row: 6, cells: [{ t: 'b', v: false }, { t: 'e', v: '#DIV/0!' }, d('2024-02-29'), n(-150)] },
      { row: 7, cells: [n(6), EMPTY, n(7), n(8)] },
      { row: 9, cells: [{ t: 'e', v: 'formula without a cached value' }, EMPTY, s('sin is')] },
    ]);
  });

  it('reads elements with a namespace prefix and sheet paths given as absolute targets', async () => {
    const xml = `${XML_DECL}<x:worksheet xmlns:x="${MAIN_NS}"><x:sheetData><x:row r="1"><x:c r="B1" t="inlineStr"><x:is><x:t>Logroño</x:t></x:is></x:c>`
      + '<x:c r="C1"><x:v>3.25</x:v></x:c></x:row></x:sheetData></x:worksheet>';
    const path = await writeZip(handWorkbook({ sheets: [{ name: 'Datos', xml, target: '/xl/worksheets/datos.xml' }] }));
    expect(await readRows(path)).toEqual([{ row: 1, cells: [EMPTY, s('Logroño'), n(3.25)] }]);
  });

  it('keeps a two-byte character that straddles the 64 KB read boundary of a stored entry', async () => {
    const head = `${XML_DECL}<worksheet xmlns="${MAIN_NS}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>`;
    // Pad so that the first byte of "ñ" is the last byte of the first 64 KB piece.
    const pad = 'x'.repeat(65535 - Buffer.byteLength(head) - 'Logro'.length);
    const xml = `${head}${pad}Logroño</t></is></c></row></sheetData></worksheet>`;
    expect(Buffer.from(xml).subarray(65535, 65537)).toEqual(Buffer.from('ñ'));
    const path = await writeZip(handWorkbook({ sheets: [{ name: 'S', xml }] }), 0);
    expect(await readRows(path)).toEqual([{ row: 1, cells: [s(`${pad}Logroño`)] }]);
  });

  it('reads a sheet part written in UTF-16 with a byte-order mark', async () => {
    const files = handWorkbook({ sheets: [{ name: 'S', xml: '' }] });
    const xml = sheetXml('<row r="1"><c r="A1" t="inlineStr"><is><t>Peñalosa €</t></is></c></row>').replace('UTF-8', 'UTF-16');
    files['xl/worksheets/sheet1.xml'] = Buffer.from(`\ufeff${xml}`, 'utf16le');
    expect(await readRows(await writeZip(files))).toEqual([{ row: 1, cells: [s('Peñalosa €')] }]);
  });

  it('lets the caller stop early and read the same sheet again', async () => {
    const rows = Array.from({ length: 500 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i}</v></c></row>`).join('');
    const path = await writeZip(handWorkbook({ sheets: [{ name: 'S', xml: sheetXml(rows) }] }));
    const wb = await openXlsx(path, 'ledger.xlsx');
    const src = wb.source(wb.sheets[0]!);
    const first: RawRow[] = [];
    for await (const r of src.rows()) { first.push(r); if (first.length === 2) break; }
    expect(first).toEqual([{ row: 1, cells: [n(0)] }, { row: 2, cells: [n(1)] }]);
    let count = 0;
    let last: RawRow | null = null;
    for await (const r of src.rows()) { count++; last = r; }
    expect(count).toBe(500);
    expect(last).toEqual({ row: 500, cells: [n(499)] });
  });

  it('refuses a shared-string index the file does not have, naming the sheet and cell', async () => {
    const sst = `${XML_DECL}<sst xmlns="${MAIN_NS}"><si><t>uno</t></si></sst>`;
    const path = await writeZip(handWorkbook({ sheets: [{ name: 'Hoja', xml: sheetXml('<row r="3"><c r="B3" t="s"><v>7</v></c></row>') }], sst }));
    await expectInputError(readRows(path), /Hoja › B3: refers to shared string 7/);
  });
});

describe('a large workbook of accented names', () => {
  // Dense in two-byte UTF-8 characters, so that many piece boundaries fall inside one.
  const BASES = ['Logroño Ñúñez', 'Peñalosa Ibáñez', 'Ñuñoa Muñoz', 'Müller Gómez', 'José Ángel Núñez', 'Íñigo Ortúzar'];
  const ROWS = 60_000;
  const nameOf = (i: number): string => `${BASES[i % BASES.length]} ${i}`;

  async function writeLarge(useSharedStrings: boolean, zip: object): Promise<string> {
    const path = fixturePath();
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings, zip });
    const ws = wb.addWorksheet('Clientes');
    ws.addRow(['Cliente', 'Saldo']).commit();
    for (let i = 0; i < ROWS; i++) ws.addRow([nameOf(i), i]).commit();
    await ws.commit();
    await wb.commit();
    return path;
  }

  function misread(rows: readonly RawRow[]): string[] {
    const bad: string[] = [];
    if (rows.length !== ROWS + 1) bad.push(`${rows.length} rows`);
    for (let i = 0; i < ROWS; i++) {
      const r = rows[i + 1];
      const c = r?.cells[0];
      const v = c?.t === 's' ? c.v : JSON.stringify(c);
      if (r?.row !== i + 2 || v !== nameOf(i) || JSON.stringify(r.cells[1]) !== JSON.stringify(n(i))) bad.push(`row ${r?.row}: ${v}`);
    }
    return bad;
  }

  // Stored (uncompressed) parts are read in exact 64 KB pieces, so about 40 piece boundaries fall
  // in the shared strings, where about one byte in ten starts a two-byte character. With a
  // decoder that does not stream, this test saw 4 names mangled ("Ibá��ez").
  it('reads every name of a 60,000-row workbook with shared strings back exactly', async () => {
    const rows = await readRows(await writeLarge(true, { store: true }));
    expect(misread(rows)).toEqual([]);
  });

  it('reads every name of a compressed 60,000-row workbook with strings stored in the sheet back exactly', async () => {
    const rows = await readRows(await writeLarge(false, { zlib: { level: 6 } }));
    expect(misread(rows)).toEqual([]);
  });
});

describe('bad input', () => {
  // A sheet of 20 MB of spaces: deflates to about 20 KB (1000:1). Built once for three tests.
  let bombZip: Buffer | null = null;
  const bomb = (): Buffer => {
    if (!bombZip) {
      const files = handWorkbook({ sheets: [{ name: 'S', xml: '' }] });
      files['xl/worksheets/sheet1.xml'] = strToU8(sheetXml(`<row r="1"><c r="A1"><v>1</v></c></row>${' '.repeat(20 * 1024 * 1024)}`));
      bombZip = Buffer.from(zipSync(files));
    }
    return Buffer.from(bombZip);
  };

  it('refuses a sheet that declares more than maxEntryBytes, before inflating it', async () => {
    const path = fixturePath();
    await writeFile(path, bomb());
    await expectInputError(openXlsx(path, 'ledger.xlsx', { maxEntryBytes: 1024 * 1024 }), /zip bomb.*sheet1\.xml.*over the 1\.0 MB limit/);
  });

  it('refuses a sheet whose expansion ratio is absurd, with the default limits', async () => {
    const path = fixturePath();
    await writeFile(path, bomb());
    await expectInputError(openXlsx(path, 'ledger.xlsx'), /zip bomb.*over the 200:1 limit/);
  });

  it('stops inflating a sheet that lies about its size', async () => {
    const zip = bomb();
    // Rewrite the declared uncompressed size (local header +22, central directory +24) to 1000.
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    let patched = 0;
    for (let i = zip.indexOf(name); i >= 0; i = zip.indexOf(name, i + 1)) {
      if (zip.readUInt32LE(i - 30) === 0x04034b50) { zip.writeUInt32LE(1000, i - 30 + 22); patched++; }
      if (zip.readUInt32LE(i - 46) === 0x02014b50) { zip.writeUInt32LE(1000, i - 46 + 24); patched++; }
    }
    expect(patched).toBe(2);
    const path = fixturePath();
    await writeFile(path, zip);
    const wb = await openXlsx(path, 'ledger.xlsx', { maxEntryBytes: 1024 * 1024 });
    const rows = (async () => { for await (const _ of wb.source(wb.sheets[0]!).rows()) { /* drain */ } })();
    await expectInputError(rows, /zip bomb.*declares 1000 bytes but inflates to more/);
  });

  it('refuses a ZIP64 archive clearly', async () => {
    const zip = Buffer.from(zipSync(handWorkbook({ sheets: [{ name: 'S', xml: sheetXml('') }] })));
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    zip.writeUInt32LE(0xffffffff, eocd + 16); // central directory offset deferred to a ZIP64 record
    const path = fixturePath();
    await writeFile(path, zip);
    await expectInputError(openXlsx(path, 'ledger.xlsx'), /ZIP64/);
  });

  it('refuses random bytes as not a zip archive', async () => {
    const path = fixturePath();
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 251;
    await writeFile(path, bytes);
    await expectInputError(openXlsx(path, 'ledger.xlsx'), /not an \.xlsx workbook \(it is not a zip archive\)/);
  });

  it('refuses an empty file', async () => {
    const path = fixturePath();
    await writeFile(path, '');
    await expectInputError(openXlsx(path, 'ledger.xlsx'), /the file is empty/);
  });

  it('refuses a truncated xlsx', async () => {
    const good = await excel((wb) => { wb.addWorksheet('A').addRow(['Cliente', 1]); });
    const bytes = await readFile(good);
    const path = fixturePath();
    await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await expectInputError(openXlsx(path, 'ledger.xlsx'), /truncated or corrupt/);
  });

  it('refuses a sheet whose compressed data is damaged', async () => {
    const rows = Array.from({ length: 2000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${i * 37 % 1009}</v></c></row>`).join('');
    const files = handWorkbook({ sheets: [{ name: 'S', xml: sheetXml(rows) }] });
    const zip = Buffer.from(zipSync(files));
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const local = zip.indexOf(name) - 30;
    const dataStart = local + 30 + name.length;
    for (let i = dataStart + 20; i < dataStart + 60; i++) zip[i] = 0xff ^ zip[i]!;
    const path = fixturePath();
    await writeFile(path, zip);
    await expectInputError(readRows(path), /corrupt/);
  });

  it('refuses an OLE2 file as password-protected or old .xls', async () => {
    const path = fixturePath();
    await writeFile(path, Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]));
    await expectInputError(openXlsx(path, 'ledger.xlsx'),
      /^ledger\.xlsx: is password-protected or an old \.xls file: save it as \.xlsx without a password$/);
  });

  it('refuses a zip without xl/workbook.xml, and says when it is an OpenDocument file', async () => {
    const path = await writeZip({ 'readme.txt': strToU8('hola') });
    await expectInputError(openXlsx(path, 'ledger.xlsx'), /not an Excel workbook \(the zip has no xl\/workbook\.xml\)/);
    const ods = await writeZip({ mimetype: strToU8('application/vnd.oasis.opendocument.spreadsheet'), 'content.xml': strToU8('<x/>') });
    await expectInputError(openXlsx(ods, 'ledger.xlsx'), /OpenDocument spreadsheet \(\.ods\)/);
  });

  it('refuses a file that does not exist', async () => {
    await expectInputError(openXlsx(join(dir, 'nope.xlsx'), 'ledger.xlsx'), /file not found/);
  });

  it('refuses a file larger than maxFileBytes', async () => {
    const path = await excel((wb) => { wb.addWorksheet('A').addRow(['x']); });
    await expectInputError(openXlsx(path, 'ledger.xlsx', { maxFileBytes: 100 }), /larger than/);
  });

  it('refuses deflate data that is cut short even when the zip directory is intact', async () => {
    // deflateSync output minus its last bytes, stored in a zip whose sizes match the short data.
    const xml = strToU8(sheetXml('<row r="1"><c r="A1"><v>1</v></c></row>'.repeat(200)));
    const short = deflateSync(xml).subarray(0, 40);
    const files = handWorkbook({ sheets: [{ name: 'S', xml: '' }] });
    files['xl/worksheets/sheet1.xml'] = xml;
    const zip = Buffer.from(zipSync(files, { level: 6 }));
    const name = Buffer.from('xl/worksheets/sheet1.xml');
    const local = zip.indexOf(name) - 30;
    const compSize = zip.readUInt32LE(local + 18);
    // Splice the short stream in and fix both declared compressed sizes and offsets after it.
    const before = zip.subarray(0, local + 30 + name.length);
    const after = zip.subarray(local + 30 + name.length + compSize);
    const out = Buffer.concat([before, Buffer.from(short), after]);
    const delta = compSize - short.length;
    out.writeUInt32LE(short.length, local + 18);
    const eocd = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const cdOffset = out.readUInt32LE(eocd + 16) - delta;
    out.writeUInt32LE(cdOffset, eocd + 16);
    for (let p = cdOffset; p < eocd; p += 46 + out.readUInt16LE(p + 28) + out.readUInt16LE(p + 30) + out.readUInt16LE(p + 32)) {
      const off = out.readUInt32LE(p + 42);
      const nm = out.subarray(p + 46, p + 46 + out.readUInt16LE(p + 28)).toString();
      if (nm === 'xl/worksheets/sheet1.xml') out.writeUInt32LE(short.length, p + 20);
      else if (off > local) out.writeUInt32LE(off - delta, p + 42);
    }
    const path = fixturePath();
    await writeFile(path, out);
    await expectInputError(readRows(path), /corrupt.*sheet1\.xml/);
  });
});
