// Real exports, read with no configuration (SPEC §2): one fixture per invoicing/accounting system in
// test/fixtures/exports/ (CSV; the xlsx ones are built below with exceljs from row arrays, with
// real date cells), plus value-format fixtures (delimiters, encodings, quoting, negatives,
// currency affixes, text dates, serial dates). Each system's expected aging is worked out by hand
// in a comment — days overdue counted from the due date to the as-of date 2024-05-31 — never
// copied from the program's output. Where the current reader gets a fixture wrong, the test keeps
// the right expectation and is marked `it.fails`; the comment above it says what goes wrong.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ageLedger, type AgingReport } from '../../src/core/aging.js';
import { isoOfDay } from '../../src/core/dates.js';
import { InputError } from '../../src/errors.js';
import type { Field } from '../../src/ledger/columns.js';
import { formatDiagnostic } from '../../src/ledger/diagnostics.js';
import { readLedger, type LedgerRead, type ReadOptions } from '../../src/ledger/read.js';
import { day } from '../helpers.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/exports/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

const AS_OF = day('2024-05-31');

function options(defaultCurrency: string, extra: Partial<ReadOptions> = {}): ReadOptions {
  return { map: {}, defaultCurrency, defaultTermsDays: 30, ...extra };
}

function read(path: string, currency: string, extra: Partial<ReadOptions> = {}): Promise<LedgerRead> {
  return readLedger(path, options(currency, extra));
}

function age(r: LedgerRead): AgingReport {
  return ageLedger(r.invoices, { asOf: AS_OF, basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
}

/** [customer, currency, current, 1-30, 31-60, 61-90, 90+] in minor units, sorted by customer then currency. */
type Row = [string, string, number, number, number, number, number];

function byCustomer(report: AgingReport): Row[] {
  return report.customers
    .map((c): Row => [c.customer, c.currency, ...(c.buckets as [number, number, number, number, number])])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}

/** currency → [current, 1-30, 31-60, 61-90, 90+, balance] in minor units. */
function totals(report: AgingReport): Record<string, number[]> {
  return Object.fromEntries(report.totals.map((t) => [t.currency, [...t.buckets, t.balance]]));
}

/** What `check` shows as "field ← column". */
function mapping(r: LedgerRead): Partial<Record<Field, string>> {
  return Object.fromEntries(r.mapping.choices.map((c) => [c.field, c.header]));
}

// ---------------------------------------------------------------------------------------------
// xlsx fixtures, built from row arrays (dates as UTC-midnight Date objects → real date cells)

const utc = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

interface SheetRows {
  readonly name: string;
  readonly rows: readonly (readonly unknown[])[];
}

async function workbook(dir: string, file: string, sheets: readonly SheetRows[], opts: { date1904?: boolean; dateFormat?: string; moneyFormat?: string } = {}): Promise<string> {
  const wb = new ExcelJS.Workbook();
  if (opts.date1904) wb.properties.date1904 = true;
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name);
    for (const values of s.rows) {
      const row = ws.addRow([...values]);
      row.eachCell((cell) => {
        if (cell.value instanceof Date) cell.numFmt = opts.dateFormat ?? 'dd/mm/yyyy';
        else if (typeof cell.value === 'number' && opts.moneyFormat && !Number.isInteger(cell.value)) cell.numFmt = opts.moneyFormat;
      });
    }
  }
  const path = join(dir, file);
  await wb.xlsx.writeFile(path);
  return path;
}

let tmp = '';
let contpaqiPath = '';
let odooPath = '';
let erpnextPath = '';

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'dunning-exports-'));
  // CONTPAQi Comercial, "Saldos de clientes" exported to Excel: a title block above the header,
  // Serie and Folio in separate columns, currencies by their catalogue names, MXN and USD.
  contpaqiPath = await workbook(tmp, 'contpaqi-saldos-clientes.xlsx', [{
    name: 'Saldos de clientes',
    rows: [
      ['Comercializadora Ruiz SA de CV'],
      ['Saldos de Clientes - Documentos pendientes'],
      ['Del 01/Ene/2024 al 31/May/2024'],
      [],
      ['Código cliente', 'Razón social', 'RFC', 'Concepto', 'Serie', 'Folio', 'Fecha', 'Vencimiento', 'Moneda', 'Tipo de cambio', 'Total', 'Pendiente'],
      ['CL001', 'Abarrotes La Esperanza SA de CV', 'AES980312KJ4', 'Factura Cliente 4.0', 'A', 1203, utc('2024-01-18'), utc('2024-02-17'), 'Peso Mexicano', 1, 11600, 11600],
      ['CL002', 'Constructora del Bajío SA de CV', 'CBA050621HX2', 'Factura Cliente 4.0', 'A', 1230, utc('2024-02-28'), utc('2024-03-29'), 'Dólar Americano', 17.05, 3480, 3480],
      ['CL002', 'Constructora del Bajío SA de CV', 'CBA050621HX2', 'Factura Cliente 4.0', 'A', 1240, utc('2024-03-15'), utc('2024-04-14'), 'Peso Mexicano', 1, 4640, 0],
      ['CL001', 'Abarrotes La Esperanza SA de CV', 'AES980312KJ4', 'Factura Cliente 4.0', 'A', 1251, utc('2024-04-05'), utc('2024-05-05'), 'Peso Mexicano', 1, 23200, 8200],
      ['CL001', 'Abarrotes La Esperanza SA de CV', 'AES980312KJ4', 'Nota de Crédito al Cliente 4.0', 'NC', 1251, utc('2024-04-30'), utc('2024-04-30'), 'Peso Mexicano', 1, -1160, -1160],
      ['CL002', 'Constructora del Bajío SA de CV', 'CBA050621HX2', 'Factura Cliente 4.0', 'A', 1262, utc('2024-05-10'), utc('2024-06-09'), 'Peso Mexicano', 1, 58000, 58000],
      ['CL003', 'Público en General', 'XAXX010101000', 'Factura Cliente 4.0', 'A', 1270, utc('2024-05-20'), utc('2024-05-20'), 'Peso Mexicano', 1, 1740, 1740],
      ['CL004', 'Juan Ramírez Ortega', 'XAXX010101000', 'Factura Cliente 4.0', 'A', 1271, utc('2024-05-22'), utc('2024-05-22'), 'Peso Mexicano', 1, 2900, 2900],
      [],
      ['', '', '', '', '', '', '', '', '', 'Total', 104400, 84760],
    ],
  }], { dateFormat: 'dd/mmm/yyyy', moneyFormat: '"$"#,##0.00' });
  // Odoo 17, Accounting › Journal Items filtered on the receivable account, Export → xlsx:
  // field labels as headers, no title rows, one receivable line per instalment.
  odooPath = await workbook(tmp, 'odoo-journal-items.xlsx', [{
    name: 'Sheet 1',
    rows: [
      ['Date', 'Journal Entry', 'Partner', 'Account', 'Label', 'Due Date', 'Debit', 'Credit', 'Residual Amount', 'Currency'],
      [utc('2024-01-15'), 'INV/2024/00003', 'Deco Addict', '121000 Account Receivable', 'INV/2024/00003', utc('2024-02-14'), 1500, 0, 1500, 'USD'],
      [utc('2024-03-01'), 'INV/2024/00011', 'Azure Interior', '121000 Account Receivable', 'INV/2024/00011 installment #1', utc('2024-03-31'), 1000, 0, 1000, 'USD'],
      [utc('2024-03-01'), 'INV/2024/00011', 'Azure Interior', '121000 Account Receivable', 'INV/2024/00011 installment #2', utc('2024-04-30'), 1000, 0, 400, 'USD'],
      [utc('2024-04-10'), 'PBNK1/2024/00007', 'Azure Interior', '121000 Account Receivable', 'Customer Payment $ 600.00 - INV/2024/00011', utc('2024-04-10'), 0, 600, 0, 'USD'],
      [utc('2024-04-25'), 'RINV/2024/00002', 'Deco Addict', '121000 Account Receivable', 'RINV/2024/00002', utc('2024-04-25'), 0, 250, -250, 'USD'],
      [utc('2024-05-05'), 'INV/2024/00019', 'Gemini Furniture', '121000 Account Receivable', 'INV/2024/00019', utc('2024-06-04'), 2300, 0, 2300, 'USD'],
      [utc('2024-05-12'), 'INV/2024/00021', 'Ready Mat', '121000 Account Receivable', 'INV/2024/00021', utc('2024-05-12'), 480, 0, 0, 'USD'],
      [utc('2024-05-20'), 'PBNK1/2024/00012', 'Gemini Furniture', '121000 Account Receivable', 'Customer Payment $ 300.00', utc('2024-05-20'), 0, 300, -300, 'USD'],
    ],
  }], { dateFormat: 'yyyy-mm-dd' });
  // ERPNext v14/15, Accounting › Accounts Receivable (party type Customer, "based on payment
  // terms" ticked), Export → Excel with the filters included above the table.
  const H = ['Posting Date', 'Party Type', 'Party', 'Receivable Account', 'Customer Contact', 'Customer Name', 'Cost Center', 'Voucher Type', 'Voucher No', 'Due Date', 'Payment Term', 'Invoice Grand Total', 'Invoiced Amount', 'Paid Amount', 'Credit Note', 'Outstanding Amount', 'Age (Days)', '0-30', '31-60', '61-90', '91-120', '121-Above', 'Currency', 'Customer LPO', 'Territory', 'Customer Group'];
  const party = (id: string, name: string) => ['Customer', id, 'Debtors - WP', '', name, 'Main - WP'];
  erpnextPath = await workbook(tmp, 'erpnext-accounts-receivable.xlsx', [{
    name: 'Query Report',
    rows: [
      ['Company', 'Wind Power LLC'],
      ['Report Date', utc('2024-05-31')],
      ['Ageing Based On', 'Due Date'],
      [],
      H,
      [utc('2024-01-20'), ...party('CUST-00001', 'Grant Plastics Ltd.'), 'Sales Invoice', 'ACC-SINV-2024-00004', utc('2024-02-19'), '', 2000, 2000, 500, 0, 1500, 102, 0, 0, 0, 1500, 0, 'USD', 'PO-7731', 'United States', 'Commercial'],
      [utc('2024-03-10'), ...party('CUST-00002', 'West View Software Ltd.'), 'Sales Invoice', 'ACC-SINV-2024-00011', utc('2024-04-09'), '50% on order', 3000, 1500, 1000, 0, 500, 52, 0, 500, 0, 0, 0, 'USD', '', 'United States', 'Commercial'],
      [utc('2024-03-10'), ...party('CUST-00002', 'West View Software Ltd.'), 'Sales Invoice', 'ACC-SINV-2024-00011', utc('2024-05-09'), '50% on delivery', 3000, 1500, 0, 0, 1500, 22, 1500, 0, 0, 0, 0, 'USD', '', 'United States', 'Commercial'],
      [utc('2024-04-12'), ...party('CUST-00001', 'Grant Plastics Ltd.'), 'Sales Invoice', 'ACC-SINV-2024-00015', utc('2024-05-12'), '', 1200, 1200, 300, 200, 700, 19, 700, 0, 0, 0, 0, 'USD', 'PO-7790', 'United States', 'Commercial'],
      [utc('2024-04-20'), ...party('CUST-00003', 'Palmer Productions Ltd.'), 'Sales Invoice', 'ACC-SINV-RET-2024-00002', utc('2024-04-20'), '', 0, 0, 0, 350, -350, 41, 0, -350, 0, 0, 0, 'USD', '', 'United States', 'Individual'],
      [utc('2024-05-15'), ...party('CUST-00003', 'Palmer Productions Ltd.'), 'Sales Invoice', 'ACC-SINV-2024-00018', utc('2024-06-14'), '', 4500, 4500, 0, 0, 4500, 0, 4500, 0, 0, 0, 0, 'USD', '', 'United States', 'Individual'],
      [utc('2024-05-25'), ...party('CUST-00002', 'West View Software Ltd.'), 'Payment Entry', 'ACC-PAY-2024-00009', null, '', 0, 0, 200, 0, -200, 6, -200, 0, 0, 0, 0, 'USD', '', 'United States', 'Commercial'],
      ['Total', '', '', '', '', '', '', '', '', null, '', '', 10700, 2000, 550, 8150, '', 6500, 150, 0, 1500, 0, '', '', '', ''],
    ],
  }], { dateFormat: 'dd-mm-yyyy' });
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// =============================================================================================
// Systems
// =============================================================================================

describe('QuickBooks Online, Invoice List report (CSV, classic headers)', () => {
  const path = fixture('quickbooks-invoice-list.csv');
  // As of 2024-05-31, m/d/yyyy (2/14/2024 settles the order), Open Balance is the open amount:
  //   1001 Amy's   due 2/4    Feb 4→Mar 4 29, →Apr 4 31, →May 4 30, →May 31 27 = 117 → 90+   1,200.00
  //   1002 Bill's  due 3/15   Mar 15→Apr 15 31, →May 15 30, →May 31 16 = 77      → 61-90   350.00 (850 − 500 paid)
  //   1003 Cool    open 0.00: paid, not a receivable
  //   1004 Amy's   due 5/2    29                                                  → 1-30    640.00
  //   1005 Freeman due 5/22   9                                                   → 1-30  3,100.00
  //   1006 Cool    due 6/9    −9                                                  → current 975.25
  //   1007 Bill's  due 6/27   −27                                                 → current 420.00
  //   USD: current 1,395.25, 1-30 3,740.00, 61-90 350.00, 90+ 1,200.00 = 6,685.25 (the report's TOTAL)
  it('ages every open invoice by its due date, per customer, with the report totals', async () => {
    const r = await read(path, 'USD');
    const report = age(r);
    expect(byCustomer(report)).toEqual([
      ["Amy's Bird Sanctuary", 'USD', 0, 64000, 0, 0, 120000],
      ["Bill's Windsurf Shop", 'USD', 42000, 0, 0, 35000, 0],
      ['Cool Cars', 'USD', 97525, 0, 0, 0, 0],
      ['Freeman Sporting Goods', 'USD', 0, 310000, 0, 0, 0],
    ]);
    expect(totals(report)).toEqual({ USD: [139525, 374000, 0, 35000, 120000, 668525] });
  });

  it('explains the columns, skips the title block, the TOTAL line and the print-date footer', async () => {
    const r = await read(path, 'USD');
    expect(mapping(r)).toEqual({ invoiceDate: 'Date', invoice: 'Num', customer: 'Customer', dueDate: 'Due Date', amount: 'Amount', balance: 'Open Balance' });
    expect(r.headerRow).toBe(5);
    expect(r.dateOrder.order).toBe('mdy');
    expect(r.rejected).toEqual([]);
    expect(r.stats).toMatchObject({ dataRows: 9, summaryRows: 1, noteRows: 1, notReceivable: 0, linesCollapsed: 0, instalmentInvoices: 0 });
  });
});

describe('QuickBooks Online, A/R Aging Detail grouped by customer (CSV, modern headers)', () => {
  const path = fixture('quickbooks-ar-aging-detail.csv');
  // Section line per customer, "Total for …" lines, a TOTAL line and a print-date footer;
  // mm/dd/yyyy (02/14/2024 settles it); a leading empty column. Open balance is the open amount:
  //   Amy's   1001 due 02/04 117 → 90+ 1,200.00; 1004 due 05/02 29 → 1-30 640.00
  //   Bill's  1002 due 03/15 77 → 61-90 350.00; credit memo 1010 −75.00 dated 04/30 (31 days: stays
  //           in 31-60, never overdue); 1007 due 06/27 −27 → current 420.00
  //   Cool    1006 due 06/09 −9 → current 975.25
  //   Freeman 1005 due 05/22 9 → 1-30 3,100.00; payment 5010 −500.00 dated 05/15 (16 days) → 1-30
  //   USD: current 1,395.25, 1-30 3,240.00, 31-60 −75.00, 61-90 350.00, 90+ 1,200.00 = 6,110.25 (TOTAL)
  const expected: Row[] = [
    ["Amy's Bird Sanctuary", 'USD', 0, 64000, 0, 0, 120000],
    ["Bill's Windsurf Shop", 'USD', 42000, 0, -7500, 35000, 0],
    ['Cool Cars', 'USD', 97525, 0, 0, 0, 0],
    ['Freeman Sporting Goods', 'USD', 0, 260000, 0, 0, 0],
  ];
  const expectedTotals = { USD: [139525, 324000, -7500, 35000, 120000, 611025] };

  // FAILS: "Customer full name" (QuickBooks' current header for the customer) is not a synonym in
  // columns.ts, so readLedger refuses the file: "required column missing: the customer".
  it('reads the report with no configuration: customer sections, credits and totals', async () => {
    const report = age(await read(path, 'USD'));
    expect(byCustomer(report)).toEqual(expected);
    expect(totals(report)).toEqual(expectedTotals);
  });

  it('reads the report once the customer column is named (--map customer="Customer full name")', async () => {
    const r = await read(path, 'USD', { map: { customer: 'Customer full name' } });
    const report = age(r);
    expect(byCustomer(report)).toEqual(expected);
    expect(totals(report)).toEqual(expectedTotals);
    expect(mapping(r)).toEqual({ customer: 'Customer full name', invoiceDate: 'Date', invoice: 'Num', dueDate: 'Due date', amount: 'Amount', balance: 'Open balance' });
    expect(r.rejected).toEqual([]);
    // 4 "Total for …" + TOTAL; 4 customer section lines + the footer.
    expect(r.stats).toMatchObject({ summaryRows: 5, noteRows: 5, credits: 2, notReceivable: 0 });
  });
});

describe('Xero, Sales invoices export (CSV, one row per line item)', () => {
  const path = fixture('xero-sales-invoices.csv');
  // dd/mm/yyyy (15/01/2024), GBP. Open = InvoiceAmountDue (Total − InvoiceAmountPaid):
  //   Hamilton Smith INV-0101 (2 line rows, same totals: counted once) due 14/02 107 → 90+ 1,200.00;
  //                  CN-0007 credit −240.00 dated 30/04 (31 days) → 31-60
  //   Marine Systems INV-0102 due 31/03 61 → 61-90 600.00 (960 − 360 paid); INV-0105 due 24/06 → current 480.00
  //   Ridgeway Univ. INV-0103 due 10/05 21 → 1-30 2,400.00; INV-0104 PAID
  //   City Agency    INV-0106 DRAFT; Boom FM INV-0099 VOIDED: not receivables
  //   GBP: current 480, 1-30 2,400, 31-60 −240, 61-90 600, 90+ 1,200 = 4,440.00
  // FAILS: AccountCode (the revenue account, "200" on every row) matches the customerId synonym
  // 'Account code', so every row is one customer "id:200"; and InvoiceAmountDue / InvoiceAmountPaid
  // match no synonym, so open = Total (INV-0102 counts 960.00, not 600.00).
  it('ages each contact by InvoiceAmountDue, lines counted once', async () => {
    const report = age(await read(path, 'GBP'));
    expect(byCustomer(report)).toEqual([
      ['Hamilton Smith Ltd', 'GBP', 0, 0, -24000, 0, 120000],
      ['Marine Systems', 'GBP', 48000, 0, 0, 60000, 0],
      ['Ridgeway University', 'GBP', 0, 240000, 0, 0, 0],
    ]);
    expect(totals(report)).toEqual({ GBP: [48000, 240000, -24000, 60000, 120000, 444000] });
  });

  // FAILS: same causes (customerId ← AccountCode; no balance/paid column found).
  it('explains the columns: AccountCode is not the customer, InvoiceAmountDue is the balance', async () => {
    const r = await read(path, 'GBP');
    expect(mapping(r)).toMatchObject({ customer: 'ContactName', email: 'EmailAddress', invoice: 'InvoiceNumber', invoiceDate: 'InvoiceDate', dueDate: 'DueDate', amount: 'Total', paid: 'InvoiceAmountPaid', balance: 'InvoiceAmountDue', currency: 'Currency', status: 'Status' });
    expect(mapping(r).customerId).toBeUndefined();
  });

  it('counts line rows once and leaves DRAFT and VOIDED out', async () => {
    const r = await read(path, 'GBP');
    expect(r.dateOrder.order).toBe('dmy');
    expect(r.rejected).toEqual([]);
    expect(r.stats).toMatchObject({ dataRows: 9, notReceivable: 2, linesCollapsed: 1, instalmentInvoices: 0, credits: 1 });
  });
});

describe('Zoho Books, Invoices export (CSV, one row per item, two currencies)', () => {
  const path = fixture('zoho-books-invoices.csv');
  // ISO dates; Balance is the open amount; currencies aged apart:
  //   Zylker (USD)  INV-000011 (2 item rows) due 2024-02-09 112 → 90+ 1,500.00; INV-000014 due 04-04 57 → 31-60 300.00
  //                 INV-000020 Draft: not a receivable
  //   Bowman (EUR)  INV-000016 due 05-15 16 → 1-30 2,000.00; INV-000019 due 06-19 → current 650.00
  //   Bowman (USD)  INV-000015 Paid, balance 0.00
  //   Lumen (USD)   INV-000018 due 05-17 14 → 1-30 1,200.00; INV-000012 Void
  //   USD: 1-30 1,200, 31-60 300, 90+ 1,500 = 3,000.00; EUR: current 650, 1-30 2,000 = 2,650.00
  it('ages each customer per currency by Balance, item rows counted once', async () => {
    const r = await read(path, 'USD');
    const report = age(r);
    expect(byCustomer(report)).toEqual([
      ['Bowman and Co', 'EUR', 65000, 200000, 0, 0, 0],
      ['Lumen Ltd', 'USD', 0, 120000, 0, 0, 0],
      ['Zylker Corp', 'USD', 0, 0, 30000, 0, 150000],
    ]);
    expect(totals(report)).toEqual({ USD: [0, 120000, 30000, 0, 150000, 300000], EUR: [65000, 200000, 0, 0, 0, 265000] });
  });

  it('explains the columns and counts the Draft/Void rows and the repeated item row', async () => {
    const r = await read(path, 'USD');
    expect(mapping(r)).toMatchObject({ invoiceDate: 'Invoice Date', invoice: 'Invoice Number', status: 'Invoice Status', customer: 'Customer Name', customerId: 'Customer ID', dueDate: 'Due Date', currency: 'Currency Code', amount: 'Total', balance: 'Balance' });
    expect(r.rejected).toEqual([]);
    expect(r.stats).toMatchObject({ dataRows: 9, notReceivable: 2, linesCollapsed: 1, instalmentInvoices: 0 });
  });
});

describe('FreshBooks, Invoice Details report (CSV, line totals only, no due date)', () => {
  const path = fixture('freshbooks-invoice-details.csv');

  it('refuses with no configuration: no invoice total, and says which --map to pass', async () => {
    const err = await read(path, 'USD').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/freshbooks-invoice-details\.csv/);
    expect((err as Error).message).toMatch(/row 1/);
    expect((err as Error).message).toMatch(/--map amount=/);
  });

  // With --map amount="Line Total": due = Date Issued + 30 days (no due-date column);
  //   Gordon 0000101 issued 02-01 → due 03-02, 90 days → 61-90 750.00; 0000104 issued 04-20 → due 05-20, 11 → 1-30 300.00
  //   Kinsey 0000102 paid 2024-04-02 (Date Paid ≤ as-of): closed; 0000105 issued 05-06 → due 06-05 → current 500.00
  //   Orbit  0000103: two lines, different line totals, no invoice total → both rows rejected as a
  //          conflicting duplicate (SPEC §2); 0000106 draft: not a receivable
  // FAILS: "Date Issued" is not an invoiceDate synonym ('Issue date' and 'Issued' are), so with no
  // date column at all readLedger refuses: "required column missing: a date".
  it('reads single-line invoices once the amount column is named, and rejects multi-line ones', async () => {
    const r = await read(path, 'USD', { map: { amount: 'Line Total' } });
    expect(byCustomer(age(r))).toEqual([
      ['Gordon Design', 'USD', 0, 30000, 0, 75000, 0],
      ['Kinsey Dental', 'USD', 50000, 0, 0, 0, 0],
    ]);
    expect(mapping(r)).toMatchObject({ customer: 'Client Name', invoice: 'Invoice #', invoiceDate: 'Date Issued', status: 'Invoice Status', paidDate: 'Date Paid', amount: 'Line Total', currency: 'Currency' });
    expect(r.invoices.find((i) => i.invoice === '0000101')).toBeDefined(); // leading zeros kept
    expect(r.stats).toMatchObject({ rejectedRows: 2, notReceivable: 1 });
    expect(r.rejected.map((d) => [d.code, d.row])).toEqual([['conflicting-duplicate', 4], ['conflicting-duplicate', 5]]);
  });
});

describe('Wave, invoice list (CSV, "Mon d, yyyy" dates, $ amounts, Amount due only)', () => {
  const path = fixture('wave-invoices.csv');
  // CAD; "Amount due" is the only amount (open = it):
  //   Maple Leaf  112 due Feb 10 111 → 90+ 1,450.00; 118 due Apr 20 41 → 31-60 325.50
  //   Northern    121 due May 5 26 → 1-30 980.00; 122 Paid $0.00
  //   Harbour     125 due Jun 14 → current 2,100.00; 126 Draft
  //   CAD: current 2,100, 1-30 980, 31-60 325.50, 90+ 1,450 = 4,855.50
  it('reads spelled-out dates and $ amounts and ages Amount due', async () => {
    const r = await read(path, 'CAD');
    const report = age(r);
    expect(byCustomer(report)).toEqual([
      ['Harbour Yoga', 'CAD', 210000, 0, 0, 0, 0],
      ['Maple Leaf Bakery', 'CAD', 0, 0, 32550, 0, 145000],
      ['Northern Outfitters', 'CAD', 0, 98000, 0, 0, 0],
    ]);
    expect(totals(report)).toEqual({ CAD: [210000, 98000, 32550, 0, 145000, 485550] });
    expect(mapping(r)).toEqual({ status: 'Status', dueDate: 'Due', invoiceDate: 'Date', invoice: 'Number', customer: 'Customer', balance: 'Amount due' });
    expect(r.stats).toMatchObject({ notReceivable: 1, rejectedRows: 0 });
  });
});

describe('Invoice Ninja v5, Invoices export (CSV, raw numbers, ISO dates)', () => {
  const path = fixture('invoice-ninja-invoices.csv');
  // Balance is the open amount; Paid to Date is informative only:
  //   Acme    0042 due 03-13 79 → 61-90 1,250.00; 0045 due 05-08 23 → 1-30 480.50 (980.50 − 500 paid)
  //   Blue H. 0047 due 06-19 → current 2,200.00; 0043 Paid (0); 0048 Draft
  //   Clearw. 0040 Cancelled, 0041 Reversed: balance 0, not receivables
  //   USD: current 2,200, 1-30 480.50, 61-90 1,250 = 3,930.50
  it('ages each client by Balance and keeps invoice numbers as text', async () => {
    const r = await read(path, 'USD');
    const report = age(r);
    expect(byCustomer(report)).toEqual([
      ['Acme Widgets', 'USD', 0, 48050, 0, 125000, 0],
      ['Blue Harbor LLC', 'USD', 220000, 0, 0, 0, 0],
    ]);
    expect(totals(report)).toEqual({ USD: [220000, 48050, 0, 125000, 0, 393050] });
    expect(mapping(r)).toMatchObject({ amount: 'Amount', balance: 'Balance', customer: 'Client', invoiceDate: 'Date', dueDate: 'Due Date', invoice: 'Number', status: 'Status', currency: 'Currency' });
    expect(r.invoices.map((i) => i.invoice)).toContain('0042');
  });

  // FAILS: "Reversed" (Invoice Ninja's status for an invoice cancelled by a credit) is not a known
  // status word in values.ts: it is read as open with an 'unknown-status' warning, not counted
  // as not-receivable.
  it('counts Draft, Cancelled and Reversed as not receivable, with no unknown-status warning', async () => {
    const r = await read(path, 'USD');
    expect(r.stats.notReceivable).toBe(3);
    expect(r.warnings.filter((w) => w.code === 'unknown-status')).toEqual([]);
  });
});

describe('Holded, Facturas de venta export (CSV ;, UTF-8 BOM, CRLF, "1.234,56 €", dd/mm/yyyy)', () => {
  const path = fixture('holded-facturas.csv');
  // EUR; Total, Cobrado and Pendiente all present — Pendiente is the open amount:
  //   Talleres Gómez (B12345678) F240007 due 14/02 107 → 90+ 1.210,00; F240015 due 31/03 61 → 61-90 1.420,00
  //                              R240002 rectificativa −121,00 dated 30/04 (31 days) → 31-60
  //   Estudio Lúa (J15789456)    F240021 due 10/05 21 → 1-30 848,00 (after 120,00 IRPF withheld); F240026 Cobrado
  //   Café Peñalara (B87654321)  F240030 due 19/06 → current 4.235,00; F240031 Borrador
  //   EUR: current 4.235, 1-30 848, 31-60 −121, 61-90 1.420, 90+ 1.210 = 7.592,00
  it('reads Spanish amounts with € and ages Pendiente, per NIF', async () => {
    const r = await read(path, 'EUR');
    const report = age(r);
    expect(byCustomer(report)).toEqual([
      ['Café Peñalara S.L.', 'EUR', 423500, 0, 0, 0, 0],
      ['Estudio Lúa S.C.', 'EUR', 0, 84800, 0, 0, 0],
      ['Talleres Gómez S.L.', 'EUR', 0, 0, -12100, 142000, 121000],
    ]);
    expect(totals(report)).toEqual({ EUR: [423500, 84800, -12100, 142000, 121000, 759200] });
  });

  it('explains the columns and counts the Borrador row', async () => {
    const r = await read(path, 'EUR');
    expect(r.delimiter).toBe(';');
    expect(r.dateOrder.order).toBe('dmy');
    expect(mapping(r)).toMatchObject({ invoiceDate: 'Fecha', invoice: 'Num', dueDate: 'Vencimiento', customer: 'Cliente', customerId: 'NIF', amount: 'Total', paid: 'Cobrado', balance: 'Pendiente', status: 'Estado' });
    expect(r.rejected).toEqual([]);
    expect(r.stats).toMatchObject({ dataRows: 7, notReceivable: 1, credits: 1 });
  });
});

describe('Alegra (Colombia), Facturas de venta export (CSV, "1.190.000,00", dd/mm/yyyy)', () => {
  const path = fixture('alegra-facturas.csv');
  // COP; Por cobrar = Total − Cobrado − Retenciones (the customer withholds ReteFuente), so it
  // must win over Total − Cobrado:
  //   Ferretería (900123456-7) FE-1021 due 11/02 110 → 90+ 1.190.000,00
  //                            FE-1034 due 03/04 58 → 31-60 1.284.800,00 (not 1.380.000,00); FE-1053 Borrador
  //   Andina (800987654-3)     FE-1045 due 22/05 9 → 1-30 4.641.000,00; FE-1040 Cobrada; FE-1052 Anulada
  //   Consumidor Final and Juan Pérez share the generic NIT 222222222222: grouped by name
  //                            FE-1050 due 31/05 (today, 0 days) → current 119.000,00; FE-1051 due 28/06 → current 238.000,00
  //   COP: current 357.000, 1-30 4.641.000, 31-60 1.284.800, 90+ 1.190.000 = 7.472.800,00
  const expected: Row[] = [
    ['Consumidor Final', 'COP', 11900000, 0, 0, 0, 0],
    ['Distribuciones Andina Ltda.', 'COP', 0, 464100000, 0, 0, 0],
    ['Ferretería El Tornillo S.A.S.', 'COP', 0, 0, 128480000, 0, 119000000],
    ['Juan Pérez', 'COP', 23800000, 0, 0, 0, 0],
  ];
  const expectedTotals = { COP: [35700000, 464100000, 128480000, 0, 119000000, 747280000] };

  // FAILS: the invoice-number header "Número" is not a synonym (only 'Número de factura', 'No.
  // factura'…), so readLedger refuses: "required column missing: the invoice number".
  it('reads the export with no configuration', async () => {
    const report = age(await read(path, 'COP'));
    expect(byCustomer(report)).toEqual(expected);
    expect(totals(report)).toEqual(expectedTotals);
  });

  it('ages Por cobrar per NIT once the invoice column is named (--map invoice=Número)', async () => {
    const r = await read(path, 'COP', { map: { invoice: 'Número' } });
    const report = age(r);
    expect(byCustomer(report)).toEqual(expected);
    expect(totals(report)).toEqual(expectedTotals);
    expect(r.stats).toMatchObject({ dataRows: 8, notReceivable: 2, rejectedRows: 0 });
  });

  // FAILS: "Creación" (Alegra's invoice-date header) is not an invoiceDate synonym; the column is
  // left unused (the due date alone still ages correctly).
  it('explains the columns, the creation date included', async () => {
    const r = await read(path, 'COP', { map: { invoice: 'Número' } });
    expect(mapping(r)).toMatchObject({ invoice: 'Número', customer: 'Cliente', customerId: 'Identificación', invoiceDate: 'Creación', dueDate: 'Vencimiento', amount: 'Total', paid: 'Cobrado', balance: 'Por cobrar', status: 'Estado' });
  });
});

describe('Siigo Nube (Colombia), Cartera por edades (CSV ;, title block, instalments, "Total" lines)', () => {
  const path = fixture('siigo-cartera-por-edades.csv');
  // COP; Saldo per cuota; each cuota (instalment) aged by its own Fecha vencimiento:
  //   Almacenes La Rebaja (860.512.330-1) FV-1-3501 cuota 1 due 16/03 76 → 61-90 1.785.000; cuota 2 due
  //                                       15/04 46 → 31-60 1.785.000; FV-1-3544 due 01/06 −1 → current 952.000
  //   Textiles Pereira (891.300.241-9)    FV-1-3420 due 09/02 112 → 90+ 1.380.000; NC-1-0045 −238.000 dated
  //                                       30/04 (31) → 31-60; FV-1-3560 due 19/06 → current 595.000
  //   Consumidor final (222222222222, generic: grouped by its name) FV-1-3571 due 25/05 6 → 1-30 83.300
  //   COP: current 1.547.000, 1-30 83.300, 31-60 1.547.000, 61-90 1.785.000, 90+ 1.380.000 = 6.342.300,00
  it('ages every cuota by its own due date, and matches the "Total general" line', async () => {
    const r = await read(path, 'COP');
    const report = age(r);
    const byKey = Object.fromEntries(report.customers.map((c) => [c.customerKey, c.buckets]));
    expect(byKey).toEqual({
      'id:8605123301': [95200000, 0, 178500000, 178500000, 0],
      'id:8913002419': [59500000, 0, -23800000, 0, 138000000],
      'name:consumidor final': [0, 8330000, 0, 0, 0],
    });
    expect(totals(report)).toEqual({ COP: [154700000, 8330000, 154700000, 178500000, 138000000, 634230000] });
    expect(r.stats).toMatchObject({ instalmentInvoices: 1, credits: 1, summaryRows: 4, rejectedRows: 0 });
  });

  // FAILS: "Nombre tercero" (Colombian software's name for the counterparty) is not a customer
  // synonym, so customers are shown by NIT only ("860.512.330-1"), never by name.
  it('names each customer by "Nombre tercero"', async () => {
    const r = await read(path, 'COP');
    expect(mapping(r)).toMatchObject({ customerId: 'Identificación', customer: 'Nombre tercero', invoice: 'Comprobante', invoiceDate: 'Fecha elaboración', dueDate: 'Fecha vencimiento', amount: 'Valor', balance: 'Saldo' });
    expect(byCustomer(age(r)).map((x) => x[0])).toEqual(['Almacenes La Rebaja S.A.', 'Consumidor final', 'Textiles Pereira Ltda.']);
  });
});

describe('CONTPAQi Comercial (Mexico), Saldos de clientes exported to Excel (xlsx, date cells)', () => {
  // MXN and USD aged apart; Pendiente is the open amount; "Peso Mexicano" / "Dólar Americano" are
  // CONTPAQi's currency names:
  //   Abarrotes (AES980312KJ4) A-1203 due 17/02 104 → 90+ 11,600.00; A-1251 due 05/05 26 → 1-30 8,200.00
  //                            NC-1251 −1,160.00 dated 30/04 (31) → 31-60
  //   Constructora (CBA050621HX2) MXN: A-1262 due 09/06 → current 58,000.00; A-1240 paid (0)
  //                               USD: A-1230 due 29/03 63 → 61-90 3,480.00
  //   Público en General and Juan Ramírez share the generic RFC XAXX010101000: grouped by name
  //                            A-1270 due 20/05 11 → 1-30 1,740.00; A-1271 due 22/05 9 → 1-30 2,900.00
  //   MXN: current 58,000, 1-30 12,840, 31-60 −1,160, 90+ 11,600 = 81,280.00; USD: 61-90 3,480.00
  // FAILS: parseCurrency (values.ts) does not know "Peso Mexicano" or "Dólar Americano" (only
  // "pesos mexicanos", "dolares americanos"…), so every row is rejected as bad-currency.
  it('reads the workbook under its title block and ages MXN and USD apart', async () => {
    const r = await read(contpaqiPath, 'MXN');
    const report = age(r);
    expect(byCustomer(report)).toEqual([
      ['Abarrotes La Esperanza SA de CV', 'MXN', 0, 820000, -116000, 0, 1160000],
      ['Constructora del Bajío SA de CV', 'MXN', 5800000, 0, 0, 0, 0],
      ['Constructora del Bajío SA de CV', 'USD', 0, 0, 0, 348000, 0],
      ['Juan Ramírez Ortega', 'MXN', 0, 290000, 0, 0, 0],
      ['Público en General', 'MXN', 0, 174000, 0, 0, 0],
    ]);
    expect(totals(report)).toEqual({ MXN: [5800000, 1284000, -116000, 0, 1160000, 8128000], USD: [0, 0, 0, 348000, 0, 348000] });
    expect(r.rejected).toEqual([]);
  });

  it('finds the header under the title block and explains the columns', async () => {
    const r = await read(contpaqiPath, 'MXN');
    expect(r.headerRow).toBe(5);
    expect(mapping(r)).toMatchObject({ customerId: 'RFC', customer: 'Razón social', invoice: 'Folio', invoiceDate: 'Fecha', dueDate: 'Vencimiento', currency: 'Moneda', amount: 'Total', balance: 'Pendiente' });
  });

  // FAILS (once currencies are read): the invoice number is Serie + Folio; keyed on Folio alone,
  // the credit note NC-1251 and invoice A-1251 of the same customer become "two instalments of
  // invoice 1251". Today every row is rejected for its currency first.
  it('does not take a credit note for an instalment of the invoice that shares its folio', async () => {
    const r = await read(contpaqiPath, 'MXN');
    expect(r.invoices.length).toBe(8);
    expect(r.stats.instalmentInvoices).toBe(0);
    expect(r.stats.credits).toBe(1);
  });
});

describe('Odoo 17, Journal Items export (xlsx, date cells, ISO)', () => {
  // Residual Amount is the open amount; one receivable line per instalment:
  //   Deco Addict INV/2024/00003 due 02-14 107 → 90+ 1,500.00; RINV/2024/00002 credit −250.00 dated 04-25 (36) → 31-60
  //   Azure       INV/2024/00011 instalment 1 due 03-31 61 → 61-90 1,000.00; instalment 2 due 04-30 31 → 31-60 400.00
  //               PBNK1/2024/00007 payment fully reconciled (residual 0)
  //   Gemini      INV/2024/00019 due 06-04 → current 2,300.00; PBNK1/2024/00012 unreconciled payment −300.00 dated 05-20 (11) → 1-30
  //   Ready Mat   INV/2024/00021 residual 0: paid
  //   USD: current 2,300, 1-30 −300, 31-60 150, 61-90 1,000, 90+ 1,500 = 4,650.00
  const expected: Row[] = [
    ['Azure Interior', 'USD', 0, 0, 40000, 100000, 0],
    ['Deco Addict', 'USD', 0, 0, -25000, 0, 150000],
    ['Gemini Furniture', 'USD', 230000, -30000, 0, 0, 0],
  ];
  const expectedTotals = { USD: [230000, -30000, 15000, 100000, 150000, 465000] };

  // FAILS: none of Odoo's labels for the key columns is a synonym: "Partner" (customer), "Journal
  // Entry" (invoice), "Residual Amount" (balance), so readLedger refuses: "required column
  // missing: the customer".
  it('reads the export with no configuration', async () => {
    const r = await read(odooPath, 'USD');
    expect(byCustomer(age(r))).toEqual(expected);
    expect(totals(age(r))).toEqual(expectedTotals);
    expect(r.stats).toMatchObject({ instalmentInvoices: 1, credits: 2 });
  });

  it('ages residual amounts and instalments once Partner, Journal Entry and Residual Amount are named', async () => {
    const r = await read(odooPath, 'USD', { map: { customer: 'Partner', invoice: 'Journal Entry', balance: 'Residual Amount' } });
    const report = age(r);
    expect(byCustomer(report)).toEqual(expected);
    expect(totals(report)).toEqual(expectedTotals);
    expect(r.stats).toMatchObject({ instalmentInvoices: 1, credits: 2, rejectedRows: 0 });
    expect(mapping(r)).toMatchObject({ invoiceDate: 'Date', dueDate: 'Due Date', currency: 'Currency' });
  });
});

describe('ERPNext, Accounts Receivable report (xlsx, filters above, payment terms, Total row)', () => {
  // Outstanding Amount is the open amount (Invoiced − Paid − Credit Note); a row per payment term:
  //   Grant Plastics (CUST-00001) SINV-00004 due 02-19 102 → 90+ 1,500.00
  //                               SINV-00015 due 05-12 19 → 1-30 700.00 (1,200 − 300 paid − 200 credit note; not 900.00)
  //   West View (CUST-00002)      SINV-00011 term 1 due 04-09 52 → 31-60 500.00; term 2 due 05-09 22 → 1-30 1,500.00
  //                               PAY-00009 unallocated payment −200.00, no due date: its own posting date
  //                               05-25 (6 days) → 1-30
  //   Palmer (CUST-00003)         SINV-00018 due 06-14 → current 4,500.00; SINV-RET-00002 credit −350.00 dated 04-20 (41) → 31-60
  //   USD: current 4,500, 1-30 2,000, 31-60 150, 90+ 1,500 = 8,150.00 (the Total row's Outstanding Amount)
  const expected: Row[] = [
    ['Grant Plastics Ltd.', 'USD', 0, 70000, 0, 0, 150000],
    ['Palmer Productions Ltd.', 'USD', 450000, 0, -35000, 0, 0],
    ['West View Software Ltd.', 'USD', 0, 130000, 50000, 0, 0],
  ];
  const expectedTotals = { USD: [450000, 200000, 15000, 0, 150000, 815000] };

  // FAILS: "Voucher No" (invoice), "Outstanding Amount" (balance) and "Invoiced Amount" (amount)
  // are not synonyms, so readLedger refuses: "required column missing: the invoice number".
  it('reads the report with no configuration', async () => {
    const r = await read(erpnextPath, 'USD');
    expect(byCustomer(age(r))).toEqual(expected);
    expect(totals(age(r))).toEqual(expectedTotals);
  });

  // FAILS: even with the invoice and balance columns named, "Posting Date" is not an invoiceDate
  // synonym, so the unallocated Payment Entry (no due date) has no date at all and is rejected
  // ("every row needs an invoice or due date") instead of counting as a −200.00 credit.
  it('ages outstanding amounts per payment term once Voucher No and Outstanding Amount are named', async () => {
    const r = await read(erpnextPath, 'USD', { map: { invoice: 'Voucher No', balance: 'Outstanding Amount', amount: 'Invoiced Amount' } });
    expect(byCustomer(age(r))).toEqual(expected);
    expect(totals(age(r))).toEqual(expectedTotals);
    expect(r.stats).toMatchObject({ instalmentInvoices: 1, credits: 2, rejectedRows: 0, summaryRows: 1 });
  });

  it('with every column named, ages outstanding amounts per payment term and the Total row is skipped', async () => {
    const r = await read(erpnextPath, 'USD', { map: { invoice: 'Voucher No', balance: 'Outstanding Amount', amount: 'Invoiced Amount', invoiceDate: 'Posting Date' } });
    expect(byCustomer(age(r))).toEqual(expected);
    expect(totals(age(r))).toEqual(expectedTotals);
    expect(r.headerRow).toBe(5);
    expect(mapping(r)).toMatchObject({ customer: 'Customer Name', dueDate: 'Due Date', paid: 'Paid Amount', currency: 'Currency' });
    expect(r.stats).toMatchObject({ instalmentInvoices: 1, credits: 2, rejectedRows: 0, summaryRows: 1 });
  });
});

// =============================================================================================
// Value formats
// =============================================================================================

interface Brief {
  readonly customer: string;
  readonly invoice: string;
  readonly invoiceDate: string | null;
  readonly dueDate: string;
  readonly amount: number;
  readonly open: number;
}

function brief(r: LedgerRead): Brief[] {
  return r.invoices.map((i) => ({
    customer: i.customer, invoice: i.invoice, invoiceDate: i.invoiceDate === null ? null : isoOfDay(i.invoiceDate),
    dueDate: isoOfDay(i.dueDate), amount: i.amount, open: i.open,
  }));
}

describe('value formats in CSV', () => {
  it('reads a ; file with decimal commas, empty Pagado cells and Saldo', async () => {
    const r = await read(fixture('format-semicolon-decimal-comma.csv'), 'EUR');
    expect(r.delimiter).toBe(';');
    expect(brief(r)).toEqual([
      { customer: 'Peña Hnos', invoice: 'A-1', invoiceDate: '2024-01-10', dueDate: '2024-02-09', amount: 123456, open: 123456 },
      { customer: 'Núñez y Cía', invoice: 'A-2', invoiceDate: '2024-01-15', dueDate: '2024-02-14', amount: 9950, open: 9950 },
      { customer: 'Ortiz S.L.', invoice: 'A-3', invoiceDate: '2024-01-20', dueDate: '2024-02-19', amount: 100000, open: 74950 },
    ]);
  });

  it('reads a tab-delimited file with a quoted, comma-grouped amount', async () => {
    const r = await read(fixture('format-tab-delimited.txt'), 'USD');
    expect(r.delimiter).toBe('\t');
    expect(brief(r).map((b) => [b.customer, b.amount])).toEqual([['Acme Corp', 123450], ['Beta, Gamma & Co', 200000], ['Delta LLC', 1575]]);
  });

  it('reads a |-delimited file whose text holds commas and semicolons', async () => {
    const r = await read(fixture('format-pipe-delimited.csv'), 'USD');
    expect(r.delimiter).toBe('|');
    expect(brief(r).map((b) => [b.customer, b.amount])).toEqual([['Acme Corp', 123450], ['Beta, Gamma & Co', 200000], ['Delta; Epsilon', 1575]]);
  });

  it('decodes Windows-1252 (accents, curly quotes, €) with CRLF line ends', async () => {
    const r = await read(fixture('format-windows-1252.csv'), 'MXN');
    expect(r.encoding).toBe('windows-1252');
    expect(brief(r).map((b) => [b.customer, b.invoice, b.amount])).toEqual([['Café “El Güero”', 'A-101', 150000], ['Peñoles Señalética', 'A-102', 95000]]);
  });

  it('decodes UTF-16LE with a BOM (Excel "Unicode Text", tab-delimited)', async () => {
    const r = await read(fixture('format-utf16le-bom.txt'), 'USD');
    expect(r.encoding).toBe('utf-16le');
    expect(r.delimiter).toBe('\t');
    expect(brief(r).map((b) => [b.customer, b.amount])).toEqual([['Zoë Ltd', 32000], ['Ñandú S.A.', 108040]]);
  });

  it('keeps quoted fields with embedded newlines and doubled quotes, and numbers rows by their first line', async () => {
    const r = await read(fixture('format-quoted-multiline.csv'), 'USD');
    expect(r.invoices.map((i) => [i.customer, i.invoice, i.amount, i.source.row])).toEqual([
      ['Smith, Jones & Co', '1001', 50000, 2],
      ['The "Big" Shop', '1002', 125000, 4],
      ['Plain Co', '1003', 7500, 5],
      ['Last Co', '1004', 1000, 8],
    ]);
  });

  it('reads ragged rows whose trailing empty fields were trimmed', async () => {
    const r = await read(fixture('format-ragged-rows.csv'), 'USD');
    expect(r.rejected).toEqual([]);
    expect(r.invoices.map((i) => [i.customer, i.open, i.email])).toEqual([['Acme', 10000, 'a@acme.example'], ['Beta', 20000, null], ['Gamma', 25000, null]]);
  });

  it('reads (400.00), 400.00-, ($75.00), -$75.00 and $-75.00 as negatives', async () => {
    const r = await read(fixture('format-negatives.csv'), 'USD');
    expect(r.invoices.map((i) => [i.invoice, i.amount])).toEqual([
      ['CN-1', -40000], ['CN-2', -40000], ['CN-3', -125050], ['CN-4', -7500], ['CN-5', -7500], ['CN-6', -7500], ['INV-7', 100000],
    ]);
    expect(r.stats.credits).toBe(6);
  });

  it('reads ISO codes and symbols before or after the amount', async () => {
    const r = await read(fixture('format-currency-affixes.csv'), 'USD');
    expect(r.rejected).toEqual([]);
    expect(r.invoices.map((i) => [i.invoice, i.currency, i.amount])).toEqual([
      ['1', 'USD', 120000], ['2', 'USD', 120000], ['3', 'USD', 120000], ['4', 'USD', 120000], ['5', 'USD', 120000],
      ['6', 'EUR', 120000], ['7', 'EUR', 120000], ['8', 'EUR', 120000], ['9', 'EUR', 120000], ['10', 'GBP', 120000],
    ]);
  });

  it('treats non-breaking and narrow no-break spaces as spaces (grouping, padding)', async () => {
    const r = await read(fixture('format-nbsp.csv'), 'EUR');
    expect(r.rejected).toEqual([]);
    expect(r.invoices.map((i) => [i.customer, i.amount, isoOfDay(i.dueDate)])).toEqual([
      ['Acme', 123456, '2024-05-01'], ['Beta', 50000, '2024-05-01'], ['Gamma', 123400, '2024-05-01'], ['Delta', 1234567890, '2024-05-01'],
    ]);
  });

  it('reads Jan 28 2021, "January 28, 2021", 28-ene-2024, 28.01.2024, ISO with time, "28 de enero de 2024"', async () => {
    const r = await read(fixture('format-text-dates.csv'), 'USD');
    expect(r.rejected).toEqual([]);
    expect(brief(r).map((b) => [b.invoice, b.invoiceDate, b.dueDate])).toEqual([
      ['1', '2021-01-28', '2021-02-27'],
      ['2', '2024-01-28', '2024-02-27'],
      ['3', '2024-01-28', '2024-02-27'],
      ['4', '2024-01-28', '2024-02-27'],
      ['5', '2024-01-28', '2024-02-27'],
      ['6', '2021-01-28', '2021-03-02'],
    ]);
  });
});

describe('value formats in xlsx', () => {
  const HEADER = ['Customer', 'Invoice', 'Invoice Date', 'Due Date', 'Amount'];

  it('reads Excel serial numbers in plain number cells of a 1900 workbook', async () => {
    // 45292 is 2024-01-01 in the 1900 system; +30 → 2024-01-31 (45322); +60 → 2024-03-01 (45352).
    const path = await workbook(tmp, 'serial-1900.xlsx', [{ name: 'Data', rows: [HEADER, ['Acme', 'S-1', 45322, 45352, 100]] }]);
    const r = await read(path, 'USD');
    expect(brief(r)).toEqual([{ customer: 'Acme', invoice: 'S-1', invoiceDate: '2024-01-31', dueDate: '2024-03-01', amount: 10000, open: 10000 }]);
  });

  it('reads serial numbers and date cells of a 1904 workbook as the same calendar dates', async () => {
    // The 1904 system is 1,462 days behind: 2024-03-01 is 45352 − 1462 = 43890.
    const path = await workbook(tmp, 'serial-1904.xlsx', [{ name: 'Data', rows: [HEADER, ['Acme', 'S-1', utc('2024-01-31'), 43890, 100]] }], { date1904: true });
    const r = await read(path, 'USD');
    expect(brief(r)).toEqual([{ customer: 'Acme', invoice: 'S-1', invoiceDate: '2024-01-31', dueDate: '2024-03-01', amount: 10000, open: 10000 }]);
  });

  it('reads dates typed as text in xlsx cells', async () => {
    const path = await workbook(tmp, 'text-dates.xlsx', [{
      name: 'Data',
      rows: [HEADER, ['Acme', 'T-1', '28/01/2024', '27/02/2024', '1.234,56'], ['Acme', 'T-2', 'Jan 28 2021', '2021-02-27', '99,90'], ['Acme', 'T-3', '28-ene-2024', '28.02.2024', '10,00']],
    }]);
    const r = await read(path, 'EUR');
    expect(brief(r).map((b) => [b.invoice, b.invoiceDate, b.dueDate, b.amount])).toEqual([
      ['T-1', '2024-01-28', '2024-02-27', 123456], ['T-2', '2021-01-28', '2021-02-27', 9990], ['T-3', '2024-01-28', '2024-02-28', 1000],
    ]);
    expect(r.warnings.filter((w) => w.code === 'mixed-date-cells')).toEqual([]);
  });

  it('warns about a column that mixes date cells with text dates, and still reads them', async () => {
    const path = await workbook(tmp, 'mixed-dates.xlsx', [{
      name: 'Facturas',
      rows: [HEADER, ['Acme', 'M-1', utc('2024-01-10'), utc('2024-02-09'), 10], ['Acme', 'M-2', utc('2024-01-11'), '15/03/2024', 20], ['Acme', 'M-3', utc('2024-01-12'), utc('2024-02-11'), 30]],
    }]);
    const r = await read(path, 'USD');
    expect(brief(r).map((b) => b.dueDate)).toEqual(['2024-02-09', '2024-03-15', '2024-02-11']);
    const mixed = r.warnings.filter((w) => w.code === 'mixed-date-cells');
    expect(mixed.map((w) => [w.column, w.row, w.sheet])).toEqual([['Due Date', 3, 'Facturas']]);
  });

  // FAILS: the refusal names file, sheet and row ("mixed-ambiguous.xlsx › Facturas › row 3: every
  // date could be day/month or month/day…") but not the column holding the ambiguous text date.
  it('refuses a mixed column whose text dates are ambiguous, naming file, sheet, row, column and --date-order', async () => {
    const path = await workbook(tmp, 'mixed-ambiguous.xlsx', [{
      name: 'Facturas',
      rows: [HEADER, ['Acme', 'M-1', utc('2024-01-10'), utc('2024-02-09'), 10], ['Acme', 'M-2', utc('2024-01-11'), '03/04/2024', 20]],
    }]);
    const err = await read(path, 'USD').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    const message = (err as Error).message;
    expect(message).toMatch(/mixed-ambiguous\.xlsx/);
    expect(message).toMatch(/Facturas/);
    expect(message).toMatch(/row 3/);
    expect(message).toMatch(/Due Date/);
    expect(message).toMatch(/--date-order dmy/);
  });

  it('refuses a mixed column whose text dates are ambiguous (exit 3, --date-order named)', async () => {
    const path = await workbook(tmp, 'mixed-ambiguous-2.xlsx', [{
      name: 'Facturas',
      rows: [HEADER, ['Acme', 'M-1', utc('2024-01-10'), utc('2024-02-09'), 10], ['Acme', 'M-2', utc('2024-01-11'), '03/04/2024', 20]],
    }]);
    const err = await read(path, 'USD').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).exitCode).toBe(3);
    expect((err as Error).message).toMatch(/mixed-ambiguous-2\.xlsx › Facturas › row 3/);
    expect((err as Error).message).toMatch(/--date-order dmy/);
  });

  it('rejects a bad cell with file, sheet, row and column', async () => {
    const path = await workbook(tmp, 'bad-cell.xlsx', [{ name: 'Facturas', rows: [HEADER, ['Acme', 'B-1', utc('2024-01-10'), '31/02/2024', 10], ['Acme', 'B-2', utc('2024-01-10'), utc('2024-02-09'), 10]] }]);
    const r = await read(path, 'USD');
    expect(r.invoices.map((i) => i.invoice)).toEqual(['B-2']);
    expect(r.rejected.map(formatDiagnostic)).toEqual(['bad-cell.xlsx › Facturas › row 2 › "Due Date": "31/02/2024" is not a valid date (no such day)']);
  });
});
