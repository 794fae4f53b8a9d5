// The xlsx adapter of the aging fast path (src/ledger/xlsxfast.ts) against the general reader
// (readLedger): on generated workbooks — number and date cells, formulas with cached results,
// shared and inline strings, credits, lines, instalments, statuses, paid dates, terms instead of
// due dates, currencies with 0 and 3 decimals — the FastReader it fills must hold the general
// reader's invoices (row by row: customer, dates, amounts, currency, paid-by-status), its stats,
// its day/month proofs and its due-before-invoice warnings. Where the two would differ (amounts
// typed as text, error cells, mixed date columns, blank text rows) it must give up (Bail).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs module without types (bench/ is not compiled)
import { ledgerLines } from '../../bench/generate.mjs';
import { REQUIRED, type Field } from '../../src/ledger/columns.js';
import { Bail, FastReader, FLAG_DROPPED, FLAG_PAID_BY_STATUS, KNOWN, type FastSpec } from '../../src/ledger/fastreader.js';
import { NO_DAY } from '../../src/ledger/fastvalues.js';
import { readLedger, type ReadOptions } from '../../src/ledger/read.js';
import { openTable } from '../../src/ledger/source.js';
import { canonicalNumber, readXlsxFast } from '../../src/ledger/xlsxfast.js';
import { numberText } from '../../src/ledger/source.js';
import { floatToMinor } from '../../src/core/money.js';
import { tempDir } from './ledgers.js';

const dir = tempDir();
let counter = 0;
const lines = ledgerLines as (o: Record<string, unknown>) => Iterable<string>;

/** A CSV line of the generator → fields (quotes handled; the generator doubles inner quotes). */
function fields(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let v = '';
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        v += line.slice(i, q);
        i = q + 1;
        if (line[i] === '"') { v += '"'; i++; } else break;
      }
      out.push(v);
      i++;
    } else {
      const c = line.indexOf(',', i);
      const e = c < 0 ? line.length : c;
      out.push(line.slice(i, e));
      i = e + 1;
    }
  }
  return out;
}

const DATE_HEADERS = new Set(['Fecha', 'Vencimiento', 'Fecha de pago']);
const AMOUNT_HEADERS = new Set(['Importe', 'Pagado', 'Saldo']);

interface Variant {
  /** Every n-th amount as a formula with its cached result. */
  formulas?: number;
  /** Text cells written inline (t="inlineStr") instead of shared strings. */
  inline?: boolean;
  date1904?: boolean;
}

/**
 * A generated ledger (bench/generate.mjs, ISO dates, plain amounts) as a workbook: dates as date
 * cells, amounts as numbers ("(12.50)" as -12.5), everything else as text, empty fields empty.
 */
async function workbook(options: Record<string, unknown>, variant: Variant = {}, edit?: (rows: unknown[][]) => void): Promise<string> {
  const all = [...lines({ dateFormat: 'iso', decimal: '.', groupedAmounts: 0, ...options })].map(fields);
  const header = all[0]!;
  const rows: unknown[][] = all.slice(1).map((f, r) => f.map((v, c) => {
    const h = header[c]!;
    if (v === '') return null;
    if (DATE_HEADERS.has(h)) return new Date(`${v}T00:00:00Z`);
    if (AMOUNT_HEADERS.has(h)) {
      const num = Number(v.startsWith('(') ? `-${v.slice(1, -1)}` : v);
      return variant.formulas && (r + c) % variant.formulas === 0 ? { formula: `${num}+0`, result: num } : num;
    }
    return variant.inline ? { richText: [{ text: v }] } : v;
  }));
  edit?.(rows);
  const wb = new ExcelJS.Workbook();
  if (variant.date1904) wb.properties.date1904 = true;
  const ws = wb.addWorksheet('Facturas');
  ws.addRow(['Cartera de clientes']); // a title row above the header
  ws.addRow(header);
  for (const r of rows) ws.addRow(r);
  header.forEach((h, c) => { if (DATE_HEADERS.has(h)) ws.getColumn(c + 1).numFmt = 'dd/mm/yyyy'; });
  const path = join(dir, `ledger-${++counter}.xlsx`);
  await wb.xlsx.writeFile(path);
  return path;
}

const OPTS: ReadOptions = { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 };

/** The fast reader filled by the adapter, finished (as fastaging.ts would). */
async function fast(path: string, opts: ReadOptions = OPTS): Promise<FastReader> {
  const table = await openTable(path, opts, REQUIRED);
  const columns = {} as Record<Field, number>;
  const headers: Partial<Record<Field, string>> = {};
  for (const f of KNOWN) columns[f] = -1;
  for (const ch of table.mapping.choices) {
    columns[ch.field] = ch.column;
    headers[ch.field] = ch.header;
  }
  const spec: FastSpec = {
    file: table.source.file, path, encoding: 'utf-8', delimiter: ',', bomBytes: 0, headerLine: table.headerRow.row, columns, headers,
    dateOrder: opts.dateOrder ?? null, decimal: opts.decimal ?? null, defaultCurrency: opts.defaultCurrency, defaultTermsDays: opts.defaultTermsDays,
    maxWaiting: 50_000, expectedRows: 0,
  };
  const rd = await readXlsxFast(table, spec);
  rd.finish();
  return rd;
}

const dayOrNull = (d: number): number | null => (d === NO_DAY ? null : d);

/** The general reader's invoices and the fast reader's items, in one comparable form. */
async function expectSame(path: string, opts: ReadOptions = OPTS): Promise<number> {
  const slow = await readLedger(path, opts);
  expect(slow.rejected).toEqual([]);
  const rd = await fast(path, opts);
  const it = rd.items;
  const fastItems = [];
  for (let k = 0; k < it.n; k++) {
    if (it.flags[k]! & FLAG_DROPPED) continue;
    const party = rd.partyInfo[it.party[k]!]!;
    fastItems.push({
      row: it.row[k]!, customerKey: rd.customerKeys[party.customer]!, customer: party.display, email: party.texts[2] ?? null,
      invoiceDate: dayOrNull(it.inv[k]!), dueDate: it.due[k]!, paidDate: dayOrNull(it.paid[k]!),
      amount: it.amount[k]!, open: it.open[k]!, currency: rd.currencies[it.currency[k]!]!, paidByStatus: (it.flags[k]! & FLAG_PAID_BY_STATUS) !== 0,
    });
  }
  const slowItems = slow.invoices.map((x) => ({
    row: x.source.row, customerKey: x.customerKey, customer: x.customer, email: x.email,
    invoiceDate: x.invoiceDate, dueDate: x.dueDate, paidDate: x.paidDate, amount: x.amount, open: x.open, currency: x.currency, paidByStatus: x.paidByStatus,
  }));
  const byRow = (a: { row: number; dueDate: number }, b: { row: number; dueDate: number }): number => a.row - b.row || a.dueDate - b.dueDate;
  expect(fastItems.sort(byRow)).toEqual(slowItems.sort(byRow));
  expect(rd.stats).toEqual(slow.stats);
  expect(rd.dueBeforeInvoice.map((d) => d.row)).toEqual(slow.warnings.filter((w) => w.code === 'due-before-invoice').map((w) => w.row));
  const statuses = [...rd.unknownStatuses].map(([status, count]) => `${count} row(s) have status ${JSON.stringify(status)}`);
  expect(statuses).toEqual(slow.warnings.filter((w) => w.code === 'unknown-status').map((w) => w.message.slice(0, w.message.indexOf(', which'))));
  return slowItems.length;
}

async function bails(path: string, pattern: RegExp, opts: ReadOptions = OPTS): Promise<void> {
  const e = await fast(path, opts).then(() => null, (err: unknown) => err);
  expect(e).toBeInstanceOf(Bail);
  expect((e as Bail).message).toMatch(pattern);
}

describe('the xlsx adapter fills the fast reader with the general reader’s invoices', () => {
  it('on benchmark-like workbooks (8 columns, credits, lines, instalments), several seeds', async () => {
    for (const seed of [1, 2]) {
      expect(await expectSame(await workbook({ rows: 1500, seed }))).toBeGreaterThan(1400);
    }
  });

  it('on full workbooks: statuses, paid dates, disputes, terms instead of due dates, ids, CLP and KWD', async () => {
    const currencies = ['MXN', 'USD', 'CLP', 'KWD', 'EUR'];
    for (const seed of [3, 4]) {
      expect(await expectSame(await workbook({ rows: 1500, seed, columns: 'full', currencies, paid: 0.3, partly: 0.2 }))).toBeGreaterThan(1000);
    }
  });

  it('with amounts as formulas (cached results), inline strings, and in a 1904 workbook', async () => {
    expect(await expectSame(await workbook({ rows: 800, seed: 5, columns: 'full' }, { formulas: 3 }))).toBeGreaterThan(600);
    expect(await expectSame(await workbook({ rows: 800, seed: 6 }, { inline: true }))).toBeGreaterThan(700);
    expect(await expectSame(await workbook({ rows: 800, seed: 7 }, { date1904: true }))).toBeGreaterThan(700);
  });

  it('with amounts of three decimals (1.234 is no thousands) and --decimal , (the separator written as a comma)', async () => {
    const path = await workbook({ rows: 300, seed: 8 }, {}, (rows) => {
      rows[0]![5] = 1.234; // Importe
      rows[0]![6] = 1.234; // Saldo
      rows[1]![5] = 123.456;
      rows[1]![6] = 0.5;
      rows[2]![5] = 1234567.891;
      rows[2]![6] = 1.005; // Excel shows 1.01: 101 cents
    });
    await expectSame(path);
    await expectSame(path, { ...OPTS, decimal: ',' });
    await expectSame(path, { ...OPTS, decimal: '.' });
  });

  it('with text dates in a column of text dates (day/month order proven by a later row)', async () => {
    const path = await workbook({ rows: 300, seed: 9 }, {}, (rows) => {
      for (const r of rows) {
        for (const c of [3, 4]) {
          const d = r[c] as Date;
          r[c] = `${d.getUTCDate()}/${d.getUTCMonth() + 1}/${d.getUTCFullYear()}`;
        }
      }
    });
    await expectSame(path);
    const rd = await fast(path);
    expect(rd.dmy).not.toBeNull();
  });
});

// A workbook written by hand, for the cells exceljs does not write: inline strings, formula
// strings, ISO date cells (t="d"), numbers written as "1.50" or "-2.5E1", booleans.
function handWorkbook(rows: string): string {
  const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
  const rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
  const files = {
    'xl/workbook.xml': strToU8(`<workbook ${ns} xmlns:r="${rel}"><sheets><sheet name="Hoja" sheetId="1" r:id="rId1"/></sheets></workbook>`),
    'xl/_rels/workbook.xml.rels': strToU8('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
      + `<Relationship Id="rId1" Type="${rel}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="${rel}/styles" Target="styles.xml"/></Relationships>`),
    'xl/styles.xml': strToU8(`<styleSheet ${ns}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>`),
    'xl/worksheets/sheet1.xml': strToU8(`<worksheet ${ns}><sheetData>${rows}</sheetData></worksheet>`),
  };
  const path = join(dir, `hand-${++counter}.xlsx`);
  writeFileSync(path, zipSync(files));
  return path;
}

const is = (ref: string, text: string): string => `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
const HEADER = `<row r="1">${['Cliente', 'Factura', 'Vencimiento', 'Importe', 'Saldo', 'Moneda', 'En disputa', 'Nota'].map((h, i) => is(`${'ABCDEFGH'[i]}1`, h)).join('')}</row>`;

describe('the xlsx adapter on cells exceljs does not write', () => {
  it('reads inline strings, formula strings, ISO date cells, odd number texts and booleans as the general reader does', async () => {
    const path = handWorkbook(HEADER
      + `<row r="2">${is('A2', 'Peña &amp; Cía')}<c r="B2"><v>1001</v></c><c r="C2" s="1"><v>45350</v></c><c r="D2"><v>100.5</v></c><c r="E2"><v>100.5</v></c>`
      + `<c r="F2" t="str"><f>"MXN"</f><v>MXN</v></c><c r="G2" t="b"><v>0</v></c>${is('H2', 'x')}</row>`
      + `<row r="3"><c r="A3" t="str"><f>"Ñandú"</f><v>Ñandú S.A.</v></c><c r="B3"><v>1.50</v></c><c r="C3" t="d"><v>2024-02-29T00:00:00</v></c>`
      + `<c r="D3"><v>-2.5E1</v></c><c r="E3"><v>0</v></c>${is('F3', 'USD')}<c r="G3" t="b"><v>1</v></c></row>`
      + `<row r="4">${is('A4', ' Ñandú S.A. ')}<c r="B4" s="1"><v>45000</v></c><c r="C4" s="1"><v>45380</v></c><c r="D4"><v>1234.5678</v></c><c r="E4"><v>1.234</v></c>${is('F4', 'EUR')}</row>`
      + `<row r="5">${is('A5', 'Peña &amp; Cía')}<c r="B5" t="str"><f>"F-"&amp;5</f><v>F-5</v></c><c r="C5" s="1"><v>45400</v></c><c r="D5"><f>1+1</f><v>2</v></c></row>`);
    expect(await expectSame(path)).toBe(4);
    const rd = await fast(path);
    // By hand: row 3's invoice is numberText(1.5) = "1.5" and its amount -25; row 4's balance 1.234 → 123 cents.
    const byRow = new Map(Array.from({ length: rd.items.n }, (_, k) => [rd.items.row[k]!, k]));
    expect(rd.items.amount[byRow.get(3)!]).toBe(-2500);
    expect(rd.items.open[byRow.get(4)!]).toBe(123);
    expect(rd.partyInfo.map((p) => p.display).sort()).toEqual(['Peña & Cía', 'Ñandú S.A.', 'Ñandú S.A.']);
  });
});

describe('the xlsx adapter gives up where the readers would differ', () => {
  it('on an amount typed as text', async () => {
    await bails(await workbook({ rows: 50, seed: 10 }, {}, (rows) => { rows[20]![5] = '1.234,50'; }), /row 23: an amount typed as text/);
  });

  it('on an error value in a text column', async () => {
    await bails(await workbook({ rows: 50, seed: 11 }, {}, (rows) => { rows[5]![2] = { formula: 'NA()', result: { error: '#N/A' } }; }), /row 8: an error cell/);
  });

  it('on a date column mixing date cells and text dates', async () => {
    await bails(await workbook({ rows: 50, seed: 12 }, {}, (rows) => { rows[30]![3] = '2024-01-31'; }), /mixes date cells with dates typed as text/);
  });

  it('on a number in a date column that is no date the fast reader reads (20240131 as a serial: the year 57316)', async () => {
    await bails(await workbook({ rows: 50, seed: 13 }, {}, (rows) => { rows[3]![4] = 20240131; }), /row 6: a date outside the years 1000–9999/);
  });

  it('on a boolean in an amount column and an error in a date column', async () => {
    await bails(handWorkbook(`${HEADER}<row r="2">${is('A2', 'Acme')}${is('B2', 'F-1')}<c r="C2" s="1"><v>45350</v></c><c r="D2" t="b"><v>1</v></c></row>`),
      /row 2: a non-number in an amount column/);
    await bails(handWorkbook(`${HEADER}<row r="2">${is('A2', 'Acme')}${is('B2', 'F-1')}<c r="C2" t="e"><v>#REF!</v></c><c r="D2"><v>5</v></c></row>`),
      /row 2: an error cell/);
  });

  it('on a row of blank text cells (the general reader counts it)', async () => {
    await bails(await workbook({ rows: 50, seed: 14 }, {}, (rows) => { rows.splice(10, 0, ['  ', ' ']); }), /row 13: a row of blank text cells/);
  });
});

describe('canonicalNumber', () => {
  const canon = (t: string): boolean => {
    const b = Buffer.from(t, 'latin1');
    return canonicalNumber(b, 0, b.length);
  };

  it('accepts exactly the texts JavaScript writes for a number of up to 15 digits', () => {
    for (const t of ['0', '7', '-7', '44794', '4171.61', '-0.5', '0.000001', '123456789012345', '1.005']) expect(canon(t), t).toBe(true);
    for (const t of ['-0', '007', '1.50', '5.', '.5', '1e5', '1E-3', '0.0000001', '1234567890123456', '+1', ' 1', '1,5']) expect(canon(t), t).toBe(false);
  });

  it('agrees with numberText and floatToMinor on 20,000 random doubles', () => {
    let seed = 3;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const v = (rand() - 0.3) * 10 ** Math.floor(rand() * 14 - 4);
      const x = i % 2 ? Number(v.toFixed(Math.floor(rand() * 6))) : v;
      for (const t of [String(x), x.toPrecision(17), x.toFixed(2)]) {
        if (!canon(t)) continue;
        // Canonical means: the text is numberText of its value, and floatToMinor reads it as the text.
        const num = Number(t);
        if (numberText(num) !== t || floatToMinor(num, 2) !== floatToMinor(Number(num.toPrecision(15)), 2)) bad.push(t);
        if (Number(num.toPrecision(15)).toString() !== t) bad.push(t);
      }
    }
    expect(bad).toEqual([]);
  });
});
