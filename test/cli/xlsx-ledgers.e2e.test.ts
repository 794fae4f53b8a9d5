// End to end: xlsx ledgers built here with exceljs the way real exports look — a notes sheet
// before the ledger sheet, a title row above the header, date cells next to dates typed as text,
// amounts typed as text, formulas with and without a cached value — and `--sheet` by name and
// by number. Expected figures worked out by hand as of 2024-05-31.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_BUCKETS, buckets, customerEntry, expectCleanFailure, lines, parseJsonReport, runCli, tempDirs,
  totalsFor, utcDate, writeXlsx,
} from './helpers.js';

const newDir = tempDirs('xlsx');

// Sheet "Cartera" (the second sheet; the first, "Notas", holds only text):
//   row 1 title, row 2 empty, row 3 header.
//   row 4 Uno    F-1 date cells 2024-01-01 / 2024-01-31, 1500.25 number → 121 days: 90+, critical
//   row 5 Dos    F-2 text "2024-02-01" / "15/03/2024", text "2,000.00"  → 77 days: 61-90
//   row 6 Tres   F-3 date cells 2024-04-01 / 2024-05-01, =E4*2 cached 3000.5 → 30 days: 1-30
//   row 7 Cuatro F-4 date cells, =E4*3 with no cached value → rejected (row 7, "Importe")
// MXN totals: balance 1500.25 + 2000 + 3000.5 = 6500.75; 3 customers, 1 critical (1500.25).
async function writeCartera(dir: string): Promise<string> {
  return writeXlsx(dir, 'cartera.xlsx', (wb) => {
    const notes = wb.addWorksheet('Notas');
    notes.addRow(['Notas del cierre']);
    notes.addRow(['Revisar con el contador antes de enviar']);
    const ws = wb.addWorksheet('Cartera');
    ws.addRow(['Cartera de clientes — Ejemplo S.A. de C.V.']);
    ws.addRow([]);
    ws.addRow(['Cliente', 'Factura', 'Fecha', 'Vencimiento', 'Importe', 'Moneda']);
    ws.addRow(['Uno', 'F-1', utcDate('2024-01-01'), utcDate('2024-01-31'), 1500.25, 'MXN']);
    ws.addRow(['Dos', 'F-2', '2024-02-01', '15/03/2024', '2,000.00', 'MXN']);
    ws.addRow(['Tres', 'F-3', utcDate('2024-04-01'), utcDate('2024-05-01'), { formula: 'E4*2', result: 3000.5 }, 'MXN']);
    ws.addRow(['Cuatro', 'F-4', utcDate('2024-04-01'), utcDate('2024-05-01'), { formula: 'E4*3' }, 'MXN']);
    for (const r of [4, 6, 7]) for (const c of [3, 4]) ws.getCell(r, c).numFmt = 'dd/mm/yyyy';
    for (const r of [4, 6, 7]) ws.getCell(r, 5).numFmt = '#,##0.00';
  });
}

describe.concurrent('an xlsx ledger with title rows, two sheets, text dates and formulas', () => {
  let dir = '';
  let path = '';
  beforeAll(async () => {
    dir = await newDir();
    path = await writeCartera(dir);
  });

  it('ages every readable row and rejects the formula without a cached value, naming row and column', async () => {
    const r = await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json'], { cwd: dir });
    const report = parseJsonReport(r);
    const b = (...v: number[]) => buckets(DEFAULT_BUCKETS, v);
    expect(report.customers.map((c) => c.customer).sort()).toEqual(['Dos', 'Tres', 'Uno']);
    expect(customerEntry(report, 'Uno', 'MXN')).toMatchObject({ balance: 1500.25, buckets: b(0, 0, 0, 0, 1500.25), oldestDaysOverdue: 121, critical: true, criticalAmount: 1500.25 });
    expect(customerEntry(report, 'Dos', 'MXN')).toMatchObject({ balance: 2000, buckets: b(0, 0, 0, 2000, 0), oldestDaysOverdue: 77, critical: false });
    expect(customerEntry(report, 'Tres', 'MXN')).toMatchObject({ balance: 3000.5, buckets: b(0, 3000.5, 0, 0, 0), oldestDaysOverdue: 30 });
    expect(totalsFor(report, 'MXN')).toMatchObject({ currency: 'MXN', balance: 6500.75, buckets: b(0, 3000.5, 0, 2000, 1500.25), customers: 3, criticalCustomers: 1, criticalAmount: 1500.25 });
    const rejected = report.warnings[0]!;
    expect(rejected).toMatch(/^1 row\(s\) rejected/);
    expect(rejected).toContain('cartera.xlsx › Cartera › row 7 › "Importe"');
    expect(rejected).toMatch(/formula/);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^warning: .*cartera\.xlsx › Cartera › row 7 › "Importe"/);
  });

  it('check explains the sheet and header row it chose, the rejected formula and the mixed date column', async () => {
    const r = await runCli(['check', path], { cwd: dir });
    expectCleanFailure(r, 3, 'cartera.xlsx', '1 row');
    const out = r.stdout;
    expect(out).toMatch(/^Sheet: Cartera\b/m);
    expect(out).toMatch(/other sheets: Notas/);
    expect(out).toMatch(/^Header: row 3\b/m);
    expect(out).toMatch(/"Vencimiento"\s+→ dueDate\s+Spanish synonym/);
    expect(out).toMatch(/^ {2}cartera\.xlsx › Cartera › row 7 › "Importe" is a formula/m);
    // Date cells next to dates typed as text in one column: a sign of a locale-damaged file.
    expect(out).toMatch(/"Vencimiento" column mixes .*date cells .*text/);
  });
});

describe.concurrent('--sheet', () => {
  let dir = '';
  let path = '';
  beforeAll(async () => {
    dir = await newDir();
    // Two ledger-looking sheets; Enero comes first.
    path = await writeXlsx(dir, 'meses.xlsx', (wb) => {
      const header = ['Cliente', 'Factura', 'Vencimiento', 'Importe'];
      const ene = wb.addWorksheet('Enero');
      ene.addRow(header);
      ene.addRow(['Cliente Enero', 'E-1', utcDate('2024-05-01'), 100]);
      const feb = wb.addWorksheet('Febrero');
      feb.addRow(header);
      feb.addRow(['Cliente Febrero', 'F-1', utcDate('2024-05-15'), 200]);
      ene.getCell('C2').numFmt = 'yyyy-mm-dd';
      feb.getCell('C2').numFmt = 'yyyy-mm-dd';
    });
  });

  const run = async (sheet: string) =>
    parseJsonReport(await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json', '--currency', 'EUR', '--sheet', sheet], { cwd: dir }));

  it('chooses a sheet by name', async () => {
    // F-1 due 2024-05-15 → 16 days: 1-30.
    const report = await run('Febrero');
    expect(report.customers).toHaveLength(1);
    expect(customerEntry(report, 'Cliente Febrero', 'EUR')).toMatchObject({ balance: 200, buckets: buckets(DEFAULT_BUCKETS, [0, 200, 0, 0, 0]), oldestDaysOverdue: 16 });
  });

  it('chooses a sheet by its 1-based number', async () => {
    const second = await run('2');
    expect(second.customers.map((c) => c.customer)).toEqual(['Cliente Febrero']);
    // E-1 due 2024-05-01 → 30 days: 1-30.
    const first = await run('1');
    expect(customerEntry(first, 'Cliente Enero', 'EUR')).toMatchObject({ balance: 100, oldestDaysOverdue: 30 });
  });

  it('refuses a sheet that does not exist, listing the sheets there are (exit 2)', async () => {
    const r = await runCli(['aging', path, '--as-of', '2024-05-31', '--sheet', 'Marzo'], { cwd: dir });
    expectCleanFailure(r, 2, 'Marzo', 'meses.xlsx', 'Enero', 'Febrero');
  });
});
