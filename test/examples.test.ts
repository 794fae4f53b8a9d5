// Keeps the bundled example and its documentation from drifting apart: examples/README.md states
// the aging figures of examples/ledger.csv as of 2026-11-30, and this test recomputes them from
// the CSV with csv-parse and a calculation of its own (deliberately not the product's reader or
// aging, so a bug there cannot hide a wrong README). It also checks that the example still holds
// every case it is meant to show, that the CSV has the promised format (BOM, CRLF, dd/mm/yyyy),
// and that ledger.xlsx holds exactly the rows of ledger.csv.
// When scripts/make-examples.mjs changes the data, the README figures must change with it.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';

const examples = (name: string): string => fileURLToPath(new URL(`../examples/${name}`, import.meta.url));
const CSV_PATH = examples('ledger.csv');
const XLSX_PATH = examples('ledger.xlsx');
const README_PATH = examples('README.md');

const HEADERS = ['Cliente', 'RFC', 'Folio', 'Fecha', 'Vencimiento', 'Importe', 'Pagado', 'Saldo', 'Moneda', 'Fecha de pago', 'En disputa', 'Correo', 'Teléfono', 'Contacto', 'Vendedor'] as const;
type Header = (typeof HEADERS)[number];
type Row = Readonly<Record<Header, string>>;

const BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;
type Bucket = (typeof BUCKETS)[number];
const AS_OF = dayOf('30/11/2026');
const GENERIC_RFC = new Set(['XAXX010101000', 'XEXX010101000']);

/** "dd/mm/yyyy" → days since 1970-01-01 (calendar arithmetic, no time zone). */
function dayOf(text: string): number {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!m) throw new Error(`not a dd/mm/yyyy date: "${text}"`);
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  if (new Date(ms).getUTCDate() !== d || mo > 12) throw new Error(`no such date: "${text}"`);
  return ms / 86_400_000;
}

/** "1,234.56" / "-610.25" / "0.00" → integer cents, from the text (no float arithmetic). */
function centsOf(text: string): number {
  const m = /^(-?)(\d{1,3}(?:,\d{3})*)\.(\d{2})$/.exec(text);
  if (!m) throw new Error(`not an amount: "${text}"`);
  const cents = Number(m[2]!.replace(/,/g, '')) * 100 + Number(m[3]);
  return m[1] === '-' ? -cents : cents;
}

/** Integer cents → "1,234.56", the way the README and the CSV write amounts. */
function moneyText(cents: number): string {
  const abs = Math.abs(cents);
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${cents < 0 ? '-' : ''}${units}.${String(abs % 100).padStart(2, '0')}`;
}

function bucketOf(daysOverdue: number): Bucket {
  if (daysOverdue <= 0) return 'current';
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 60) return '31-60';
  if (daysOverdue <= 90) return '61-90';
  return '90+';
}

interface Entry {
  readonly customer: string;
  readonly rfc: string;
  readonly currency: string;
  readonly buckets: Record<Bucket, number>;
  balance: number;
  criticalAmount: number;
  oldest: number | null;
}

/** The README's rules: aging by due date on AS_OF, one entry per (customer key, currency). */
function age(rows: readonly Row[]): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  for (const r of rows) {
    if (dayOf(r.Fecha) > AS_OF) continue;
    const paidDate = r['Fecha de pago'] === '' ? null : dayOf(r['Fecha de pago']);
    if (paidDate !== null && paidDate <= AS_OF) continue;
    const amount = centsOf(r.Importe);
    const open = paidDate !== null ? amount : amount - centsOf(r.Pagado);
    if (open === 0) continue;
    const key = GENERIC_RFC.has(r.RFC) ? `name:${r.Cliente}` : r.RFC;
    const id = `${key}|${r.Moneda}`;
    let e = entries.get(id);
    if (!e) {
      e = { customer: r.Cliente, rfc: r.RFC, currency: r.Moneda, buckets: { current: 0, '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 }, balance: 0, criticalAmount: 0, oldest: null };
      entries.set(id, e);
    }
    const days = AS_OF - dayOf(r.Vencimiento);
    e.buckets[bucketOf(days)] += open;
    e.balance += open;
    if (open > 0 && days > 90) e.criticalAmount += open;
    if (open > 0 && days > 0) e.oldest = Math.max(e.oldest ?? 0, days);
  }
  return entries;
}

/** The body rows of the first markdown table after the heading `### title`, as trimmed cells. */
function readmeTable(readme: string, title: string): string[][] {
  const lines = readme.split('\n');
  const start = lines.findIndex((l) => l.trim() === `### ${title}`);
  if (start < 0) throw new Error(`README has no "### ${title}" section`);
  const table: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('#')) break;
    if (line.startsWith('|')) table.push(line.split('|').slice(1, -1).map((c) => c.trim()));
    else if (table.length > 0) break;
  }
  return table.slice(2); // header and alignment rows
}

function readCsvRows(text: string): Row[] {
  return parse(text, { bom: true, columns: true, skip_empty_lines: false }) as Row[];
}

let csvText: string;
let rows: Row[];
let readme: string;
let entries: Map<string, Entry>;

beforeAll(() => {
  csvText = readFileSync(CSV_PATH, 'utf8');
  rows = readCsvRows(csvText);
  readme = readFileSync(README_PATH, 'utf8');
  entries = age(rows);
});

describe('examples/ledger.csv', () => {
  it('is UTF-8 with a BOM, CRLF line endings and exactly the documented header', () => {
    expect(csvText.charCodeAt(0)).toBe(0xfeff);
    expect(csvText.endsWith('\r\n')).toBe(true);
    expect(/[^\r]\n/.test(csvText)).toBe(false);
    const [header] = parse(csvText, { bom: true, to_line: 1 }) as string[][];
    expect(header).toEqual([...HEADERS]);
  });

  it('writes every date as dd/mm/yyyy, some with a day above 12 so the order is unambiguous', () => {
    const dates = rows.flatMap((r) => [r.Fecha, r.Vencimiento, r['Fecha de pago']]).filter((d) => d !== '');
    for (const d of dates) expect(() => dayOf(d)).not.toThrow();
    expect(dates.some((d) => Number(d.slice(0, 2)) > 12)).toBe(true);
  });

  it('has Saldo = Importe − Pagado on every row', () => {
    for (const r of rows) expect(centsOf(r.Saldo), r.Folio).toBe(centsOf(r.Importe) - centsOf(r.Pagado));
  });

  it('looks like a distributor ledger: about 40 customers and 120–160 rows, folios unique', () => {
    expect(new Set(rows.map((r) => `${r.RFC}|${r.Cliente}`)).size).toBe(40);
    expect(rows.length).toBeGreaterThanOrEqual(120);
    expect(rows.length).toBeLessThanOrEqual(160);
    expect(new Set(rows.map((r) => r.Folio)).size).toBe(rows.length);
    expect(rows.some((r) => /S\.A\. de C\.V\./.test(r.Cliente) && /ñ/.test(r.Cliente))).toBe(true);
  });

  it('holds every case the example is meant to show', () => {
    const credits = rows.filter((r) => centsOf(r.Importe) < 0);
    expect(credits.length).toBeGreaterThanOrEqual(2);
    for (const c of credits) expect(c.Folio).toMatch(/^NC-\d{4}$/);

    expect(rows.filter((r) => r['En disputa'] === 'Sí')).toHaveLength(1);
    expect(rows.every((r) => r['En disputa'] === 'Sí' || r['En disputa'] === '')).toBe(true);

    const partial = rows.filter((r) => centsOf(r.Pagado) > 0 && centsOf(r.Saldo) > 0);
    expect(partial).toHaveLength(1);

    const paid = rows.filter((r) => r['Fecha de pago'] !== '');
    expect(paid.every((r) => centsOf(r.Saldo) === 0)).toBe(true);
    expect(paid.filter((r) => dayOf(r['Fecha de pago']) <= AS_OF).length).toBeGreaterThanOrEqual(3);
    expect(paid.filter((r) => dayOf(r['Fecha de pago']) > AS_OF)).toHaveLength(1);
    expect(rows.filter((r) => dayOf(r.Fecha) > AS_OF)).toHaveLength(1);

    expect(rows.some((r) => r.Correo === '')).toBe(true);
    expect(rows.some((r) => r.Correo.split(';').length === 2)).toBe(true);
    expect(rows.some((r) => r.RFC === 'XAXX010101000')).toBe(true);

    const currenciesByCustomer = new Map<string, Set<string>>();
    for (const r of rows) currenciesByCustomer.set(r.RFC, (currenciesByCustomer.get(r.RFC) ?? new Set()).add(r.Moneda));
    const both = [...currenciesByCustomer.values()].filter((s) => s.has('MXN') && s.has('USD'));
    expect(both.length).toBeGreaterThanOrEqual(2);
    expect(both.length).toBeLessThanOrEqual(3);

    const terms = new Set(rows.filter((r) => centsOf(r.Importe) > 0).map((r) => dayOf(r.Vencimiento) - dayOf(r.Fecha)));
    expect([...terms].sort((a, b) => a - b)).toEqual([15, 30, 45, 60]);
  });

  it('has open invoices in every bucket, on both sides of every boundary and over 200 days', () => {
    const days = new Set(rows.filter((r) => r['Fecha de pago'] === '' && dayOf(r.Fecha) <= AS_OF && centsOf(r.Saldo) > 0).map((r) => AS_OF - dayOf(r.Vencimiento)));
    for (const d of [0, 30, 31, 60, 61, 90, 91]) expect(days.has(d), `${d} days`).toBe(true);
    expect([...days].some((d) => d < 0)).toBe(true);
    expect([...days].some((d) => d > 200)).toBe(true);
  });
});

describe('the figures stated in examples/README.md', () => {
  it('match the totals by currency recomputed from the CSV', () => {
    const table = readmeTable(readme, 'Totals by currency');
    expect(table.map((r) => r[0])).toEqual(['MXN', 'USD']);
    for (const [currency, ...cells] of table) {
      const mine = [...entries.values()].filter((e) => e.currency === currency);
      const sum = (f: (e: Entry) => number): number => mine.reduce((s, e) => s + f(e), 0);
      const critical = mine.filter((e) => e.criticalAmount > 0);
      expect(cells, currency).toEqual([
        ...BUCKETS.map((b) => moneyText(sum((e) => e.buckets[b]))),
        moneyText(sum((e) => e.balance)),
        String(mine.length),
        String(critical.length),
        moneyText(critical.reduce((s, e) => s + e.criticalAmount, 0)),
      ]);
    }
  });

  it('list exactly the critical customers, with their amounts over 90 days and oldest days', () => {
    const table = readmeTable(readme, 'Critical customers');
    const mine = [...entries.values()]
      .filter((e) => e.criticalAmount > 0)
      .map((e) => [e.customer, e.rfc, e.currency, moneyText(e.criticalAmount), String(e.oldest)]);
    expect(table.length).toBe(8);
    expect([...table].sort()).toEqual(mine.sort());
  });

  it('match the customers worked out by hand', () => {
    const table = readmeTable(readme, 'Customers checked by hand');
    expect(table.length).toBeGreaterThanOrEqual(10);
    for (const [customer, currency, ...cells] of table) {
      const e = [...entries.values()].find((x) => x.customer === customer && x.currency === currency);
      expect(e, `${customer} ${currency}`).toBeDefined();
      expect(cells, `${customer} ${currency}`).toEqual([...BUCKETS.map((b) => moneyText(e!.buckets[b])), moneyText(e!.balance)]);
    }
  });

  it('leave out the customer who paid everything and keep the one who paid after the as-of date', () => {
    expect([...entries.values()].some((e) => e.customer.startsWith('Grupo Ferretero Ávila'))).toBe(false);
    const chela = [...entries.values()].find((e) => e.customer.startsWith('Tiendas Doña Chela'));
    // Worked by hand: A-004025 (14,616.00, due 21/10, paid 03/12) is 40 days overdue on 30/11.
    expect(chela?.buckets['31-60']).toBe(1_461_600);
  });
});

describe('examples/ledger.xlsx', () => {
  let book: ExcelJS.Workbook;

  beforeAll(async () => {
    book = new ExcelJS.Workbook();
    await book.xlsx.readFile(XLSX_PATH);
  });

  /** A cell as the CSV writes it: dd/mm/yyyy for dates, "1,234.56" for numbers, '' for empty. */
  function asCsvText(value: ExcelJS.CellValue): string {
    if (value === null || value === undefined) return '';
    if (value instanceof Date) {
      const p = (n: number): string => String(n).padStart(2, '0');
      return `${p(value.getUTCDate())}/${p(value.getUTCMonth() + 1)}/${value.getUTCFullYear()}`;
    }
    if (typeof value === 'number') return moneyText(Number(value.toFixed(2).replace('.', '')));
    if (typeof value === 'string') return value;
    throw new Error(`unexpected cell value ${JSON.stringify(value)}`);
  }

  it('has the ledger sheet "Cartera" and a small "Notas" sheet', () => {
    expect(book.worksheets.map((w) => w.name)).toEqual(['Cartera', 'Notas']);
    const notes = book.getWorksheet('Notas')!;
    expect(notes.rowCount).toBeGreaterThan(2);
    expect(notes.rowCount).toBeLessThan(15);
  });

  it('has the title and cut-off rows, an empty row, then the header in row 4', () => {
    const ws = book.getWorksheet('Cartera')!;
    expect(ws.getCell('A1').value).toBe('Cartera de clientes — Distribuidora del Bajío, S.A. de C.V.');
    expect(ws.getCell('A2').value).toBe('Corte al 30/11/2026');
    expect(ws.getRow(3).cellCount).toBe(0);
    expect(HEADERS.map((_, i) => ws.getRow(4).getCell(i + 1).value)).toEqual([...HEADERS]);
  });

  it('holds the same rows as the CSV, with real date cells at UTC midnight and number amounts', () => {
    const ws = book.getWorksheet('Cartera')!;
    const csvRows = parse(csvText, { bom: true, from_line: 2 }) as string[][];
    expect(ws.rowCount).toBe(4 + csvRows.length);
    csvRows.forEach((expected, k) => {
      const row = ws.getRow(5 + k);
      const cells = HEADERS.map((_, i) => row.getCell(i + 1));
      expect(cells.map((c) => asCsvText(c.value)), `row ${5 + k}`).toEqual(expected);
      for (const i of [3, 4, 9]) {
        const c = cells[i]!;
        if (c.value === null) continue;
        expect(c.value).toBeInstanceOf(Date);
        expect((c.value as Date).getTime() % 86_400_000).toBe(0);
        expect(c.numFmt).toBe('dd/mm/yyyy');
      }
      for (const i of [5, 6, 7]) {
        expect(typeof cells[i]!.value).toBe('number');
        expect(cells[i]!.numFmt).toBe('#,##0.00');
      }
    });
  });
});
