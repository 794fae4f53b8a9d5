import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { isoOfDay } from '../../src/core/dates.js';
import { formatDiagnostic } from '../../src/ledger/diagnostics.js';
import { customerKeyOf, readLedger } from '../../src/ledger/read.js';
import { csvFile, defaults, readCsv, utc, xlsxFile } from './ledgers.js';

const HEADER = 'Cliente,Factura,Fecha,Vencimiento,Importe\n';

describe('CSV ledgers', () => {
  it('skips title rows above the header and a BOM, and reads dd/mm/yyyy once a day above 12 settles the order', async () => {
    const r = await readCsv('\uFEFFCartera de clientes\nCorte al 31/05/2024\n\n' + HEADER + 'Acme,F-1,03/04/2024,13/05/2024,"1,234.50"\n');
    expect(r.headerRow).toBe(4);
    expect(r.dateOrder.order).toBe('dmy');
    const [i] = r.invoices;
    expect(i).toMatchObject({ customer: 'Acme', invoice: 'F-1', amount: 123450, open: 123450 });
    expect(isoOfDay(i!.invoiceDate!)).toBe('2024-04-03');
    expect(isoOfDay(i!.dueDate)).toBe('2024-05-13');
  });

  it('reads m/d/yyyy when a month-first date proves it', async () => {
    const r = await readCsv(HEADER + 'Acme,F-1,3/4/2024,4/13/2024,10\n');
    expect(r.dateOrder.order).toBe('mdy');
    expect(isoOfDay(r.invoices[0]!.invoiceDate!)).toBe('2024-03-04');
  });

  it('refuses a file whose every date could be read both ways, and names the flag to pass', async () => {
    await expect(readCsv(HEADER + 'Acme,F-1,03/04/2024,05/06/2024,10\n')).rejects.toThrow(/--date-order dmy/);
    const r = await readCsv(HEADER + 'Acme,F-1,03/04/2024,05/06/2024,10\n', { dateOrder: 'mdy' });
    expect(isoOfDay(r.invoices[0]!.dueDate)).toBe('2024-05-06');
  });

  it('refuses ambiguous dates in a file that mixes day-first and month-first dates', async () => {
    await expect(readCsv(HEADER + 'A,1,13/01/2024,20/01/2024,1\nB,2,1/13/2024,1/20/2024,1\nC,3,03/04/2024,05/04/2024,1\n')).rejects.toThrow(/day-first in some rows/);
  });

  it('detects ; delimiters with decimal commas, and Windows-1252 text', async () => {
    const text = 'Razón social;Folio;Fecha;Fecha de vencimiento;Monto\nPeña Hnos;A-1;2024-01-10;2024-02-09;1.234,56\nNúñez;A-2;2024-01-10;2024-02-09;99,5\n';
    const path = csvFile('', 'l.csv', iconv.encode(text, 'win1252'));
    const r = await readLedger(path, defaults);
    expect(r.encoding).toBe('windows-1252');
    expect(r.delimiter).toBe(';');
    expect(r.invoices.map((i) => [i.customer, i.amount])).toEqual([['Peña Hnos', 123456], ['Núñez', 9950]]);
  });

  it('reads "1.234" as a thousands group unless the column uses "." as its decimal separator', async () => {
    const grouped = await readCsv('Cliente;Factura;Vencimiento;Importe\nA;1;2024-01-01;1.234\nB;2;2024-01-01;5.678,10\n');
    expect(grouped.invoices.map((i) => i.amount)).toEqual([123400, 567810]);
    const decimals = await readCsv('Cliente;Factura;Vencimiento;Importe\nA;1;2024-01-01;1.234\nB;2;2024-01-01;5.5\n');
    expect(decimals.invoices.map((i) => i.amount)).toEqual([123, 550]);
  });

  it('prefers the balance column over amount − paid, and computes amount − paid otherwise', async () => {
    const r = await readCsv('Cliente,Factura,Vencimiento,Total,Pagado,Saldo\nA,1,2024-01-01,100,30,50\n');
    expect(r.invoices[0]).toMatchObject({ amount: 10000, open: 5000 });
    const r2 = await readCsv('Cliente,Factura,Vencimiento,Total,Pagado\nA,1,2024-01-01,100,30\n');
    expect(r2.invoices[0]).toMatchObject({ amount: 10000, open: 7000 });
  });

  it('uses invoice date + terms when there is no due date, and a credit is due on its own date', async () => {
    const r = await readCsv('Cliente,Factura,Fecha,Importe\nA,1,2024-01-10,100\nA,NC-1,2024-01-10,-20\n', { defaultTermsDays: 15 });
    expect(r.invoices.map((i) => isoOfDay(i.dueDate))).toEqual(['2024-01-25', '2024-01-10']);
  });

  it('rejects bad cells with file, row and column, and keeps the good rows', async () => {
    const r = await readCsv(HEADER + 'A,1,2024-01-01,31/02/2024,10\nB,2,2024-01-01,2024-02-01,abc\nC,3,2024-01-01,2024-02-01,5\n');
    expect(r.invoices.map((i) => i.customer)).toEqual(['C']);
    expect(r.rejected.map(formatDiagnostic)).toEqual([
      'ledger.csv › row 2 › "Vencimiento": "31/02/2024" is not a valid date (no such day)',
      'ledger.csv › row 3 › "Importe": "abc" is not an amount',
    ]);
    expect(r.stats.rejectedRows).toBe(2);
  });

  it('collapses repeated lines of one invoice, keeps instalments apart, and rejects conflicting duplicates', async () => {
    const r = await readCsv(
      'Cliente,Factura,Vencimiento,Total\n' +
        'A,F-1,2024-01-31,300\nA,F-1,2024-01-31,300\nA,F-1,2024-01-31,300\n' + // three lines of one invoice
        'B,F-2,2024-01-31,100\nB,F-2,2024-02-29,100\n' + // two instalments
        'C,F-3,2024-01-31,100\nC,F-3,2024-01-31,250\n', // conflict
    );
    expect(r.invoices.map((i) => `${i.customer} ${i.invoice} ${isoOfDay(i.dueDate)} ${i.open}`)).toEqual([
      'A F-1 2024-01-31 30000',
      'B F-2 2024-01-31 10000',
      'B F-2 2024-02-29 10000',
    ]);
    expect(r.stats.linesCollapsed).toBe(2);
    expect(r.stats.instalmentInvoices).toBe(1);
    expect(r.rejected.map((d) => [d.code, d.row])).toEqual([['conflicting-duplicate', 7], ['conflicting-duplicate', 8]]);
  });

  it('groups by customer id, except generic ids such as XAXX010101000 which group by name', async () => {
    const r = await readCsv(
      'Cliente,RFC,Factura,Vencimiento,Importe\nAcme SA,ACM-010101-AB1,1,2024-01-01,1\nACME S.A. de C.V.,ACM010101AB1,2,2024-01-01,1\n' +
        'Juan,XAXX010101000,3,2024-01-01,1\nPedro,XAXX010101000,4,2024-01-01,1\n',
    );
    expect(r.invoices.map((i) => i.customerKey)).toEqual(['id:ACM010101AB1', 'id:ACM010101AB1', 'name:juan', 'name:pedro']);
  });

  it('groups by name when the id is only punctuation ("-" is an export\'s "none"), and the same way on every row', async () => {
    const r = await readCsv(
      'Cliente,NIT,Factura,Vencimiento,Importe\nJuan,-,1,2024-01-01,1\nPedro,-,2,2024-01-01,1\nJUAN ,-,3,2024-01-01,1\n' +
        'Juan,,4,2024-01-01,1\nAna,900.123.456-7,5,2024-01-01,1\nAna María,9001234567,6,2024-01-01,1\nLuis,XAXX010101000,7,2024-01-01,1\n',
    );
    expect(r.invoices.map((i) => i.customerKey)).toEqual(['name:juan', 'name:pedro', 'name:juan', 'name:juan', 'id:9001234567', 'id:9001234567', 'name:luis']);
    expect(r.invoices.map((i) => customerKeyOf(i.customer, i.customerId))).toEqual(r.invoices.map((i) => i.customerKey));
  });

  it('leaves out draft and void invoices, closes paid ones, and skips a totals row', async () => {
    const r = await readCsv('Cliente,Factura,Vencimiento,Importe,Estado\nA,1,2024-01-01,10,Borrador\nA,2,2024-01-01,10,Anulada\nA,3,2024-01-01,10,Pagada\nA,4,2024-01-01,10,Vencida\nTotal,,,40,\n');
    expect(r.invoices.map((i) => [i.invoice, i.paidByStatus])).toEqual([['3', true], ['4', false]]);
    expect(r.stats).toMatchObject({ notReceivable: 2, summaryRows: 1, rejectedRows: 0 });
  });

  it('reads the disputed flag and rejects a value that is neither yes nor no', async () => {
    const r = await readCsv('Cliente,Factura,Vencimiento,Importe,En disputa\nA,1,2024-01-01,10,Sí\nA,2,2024-01-01,10,\nA,3,2024-01-01,10,quizá\n');
    expect(r.invoices.map((i) => i.disputed)).toEqual([true, false]);
    expect(formatDiagnostic(r.rejected[0]!)).toBe('ledger.csv › row 4 › "En disputa": "quizá" is neither yes nor no (use Sí/No, yes/no, x or empty)');
  });

  it('warns when a due date is before its invoice date', async () => {
    const r = await readCsv('Cliente,Factura,Fecha,Vencimiento,Importe\nA,1,2024-03-01,2024-02-01,10\n');
    expect(r.warnings.map((w) => w.code)).toContain('due-before-invoice');
  });

  it('fails clearly when a required column is missing, naming what it looked for and --map', async () => {
    await expect(readCsv('Cliente,Factura,Vencimiento\nA,1,2024-01-01\n')).rejects.toThrow(/required column missing: the amount.*--map amount=/);
  });

  it('fails clearly when no header row is recognisable', async () => {
    await expect(readCsv('a,b,c\n1,2,3\n')).rejects.toThrow(/no header row found/);
  });

  it('rejects a row with text in the currency column that is not a currency', async () => {
    const r = await readCsv('Cliente,Factura,Vencimiento,Importe,Moneda\nA,1,2024-01-01,10,USD\nA,2,2024-01-01,10,pesitos\n', { defaultCurrency: 'XXX' });
    expect(r.invoices.map((i) => i.currency)).toEqual(['USD']);
    expect(r.rejected[0]!.code).toBe('bad-currency');
  });
});

describe('xlsx ledgers', () => {
  it('reads date cells, dates as text, numbers as text, and formulas with cached values below a title row', async () => {
    const path = await xlsxFile([
      {
        name: 'Cartera',
        rows: [
          ['Reporte de cartera al 31/05/2024'],
          [],
          ['Cliente', 'Factura', 'Fecha', 'Vencimiento', 'Importe'],
          ['Logroño S.A.', 1001, utc('2024-02-29'), utc('2024-03-30'), 1234.5],
          ['Peñalosa', '0042', '15/03/2024', '14/04/2024', '2,500.00'],
          ['Núñez', 'F-3', utc('2024-01-01'), utc('2024-01-31'), { formula: '100+0.25', result: 100.25 }],
        ],
        numFmt: { 3: 'dd/mm/yyyy', 4: 'dd/mm/yyyy' },
      },
    ]);
    const r = await readLedger(path, defaults);
    expect(r.sheet).toBe('Cartera');
    expect(r.headerRow).toBe(3);
    expect(r.invoices.map((i) => [i.customer, i.invoice, isoOfDay(i.invoiceDate!), isoOfDay(i.dueDate), i.amount])).toEqual([
      ['Logroño S.A.', '1001', '2024-02-29', '2024-03-30', 123450],
      ['Peñalosa', '0042', '2024-03-15', '2024-04-14', 250000],
      ['Núñez', 'F-3', '2024-01-01', '2024-01-31', 10025],
    ]);
    expect(r.warnings.map((w) => w.code)).toContain('mixed-date-cells');
  });

  it('rejects a formula cell with no cached value instead of reading it as 0', async () => {
    const path = await xlsxFile([{ name: 'Hoja1', rows: [['Cliente', 'Factura', 'Vencimiento', 'Importe'], ['A', 'F-1', '2024-01-01', { formula: 'B9*2' }], ['B', 'F-2', '2024-01-01', 5]] }]);
    const r = await readLedger(path, defaults);
    expect(r.invoices.map((i) => i.customer)).toEqual(['B']);
    expect(formatDiagnostic(r.rejected[0]!)).toMatch(/^ledger\.xlsx › Hoja1 › row 2 › "Importe" is a formula with no saved value/);
  });

  it('chooses the sheet that looks like a ledger, ignores hidden ones, and obeys --sheet', async () => {
    const path = await xlsxFile([
      { name: 'Notas', rows: [['Notas del cierre'], ['Revisar con el cliente']] },
      { name: 'Oculta', hidden: true, rows: [['Cliente', 'Factura', 'Vencimiento', 'Importe', 'Moneda', 'Correo'], ['X', 1, '2024-01-01', 1, 'MXN', 'x@x.mx']] },
      { name: 'Facturas', rows: [['Cliente', 'Factura', 'Vencimiento', 'Importe'], ['A', 1, '2024-01-01', 7]] },
    ]);
    const r = await readLedger(path, defaults);
    expect(r.sheet).toBe('Facturas');
    expect(r.sheetReason).toMatch(/1 hidden ignored/);
    const byNumber = await readLedger(path, { ...defaults, sheet: '2' });
    expect(byNumber.sheet).toBe('Oculta');
    await expect(readLedger(path, { ...defaults, sheet: 'Nada' })).rejects.toThrow(/no such sheet/);
  });

  it('reads date cells of a 1904 workbook as the same calendar dates', async () => {
    const path = await xlsxFile([{ name: 'S', rows: [['Cliente', 'Factura', 'Vencimiento', 'Importe'], ['A', 1, utc('2026-01-31'), 1]], numFmt: { 3: 'yyyy-mm-dd' } }], { date1904: true });
    const r = await readLedger(path, defaults);
    expect(isoOfDay(r.invoices[0]!.dueDate)).toBe('2026-01-31');
  });
});
