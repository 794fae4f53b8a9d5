import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { neutralizeFormula, renderCsv } from '../../src/render/csv.js';
import type { RenderOptions } from '../../src/render/index.js';
import { invoice, report, sampleReport } from './fixture.js';

const opts: RenderOptions = { lang: 'en', locale: 'es-ES', color: false, warnings: [] };

function records(csv: string): string[][] {
  return parse(csv, { bom: true }) as string[][];
}

function byCustomer(csv: string): Map<string, Record<string, string>> {
  const [head, ...rows] = records(csv);
  const out = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const rec = Object.fromEntries(head!.map((h, i) => [h, r[i] ?? '']));
    out.set(`${rec.Customer}/${rec.Currency}`, rec);
  }
  return out;
}

describe('CSV report', () => {
  test('starts with a UTF-8 BOM and ends every record with CRLF', () => {
    const csv = renderCsv(sampleReport(), opts);
    expect(csv.startsWith('\ufeff')).toBe(true);
    const body = csv.slice(1);
    expect(body.endsWith('\r\n')).toBe(true);
    expect(body.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    // header + 6 customers + 3 currency totals
    expect(body.split('\r\n').filter(Boolean)).toHaveLength(10);
  });

  test('has the header of the data layout, in English', () => {
    expect(records(renderCsv(sampleReport(), opts))[0]).toEqual([
      'Customer', 'Customer id', 'Email', 'Currency', 'Current', '1-30', '31-60', '61-90', '90+',
      'Balance', 'Oldest days', 'Invoices', 'Critical', 'Critical amount',
    ]);
  });

  test('has Spanish headings with lang es', () => {
    const head = records(renderCsv(sampleReport(), { ...opts, lang: 'es' }))[0];
    expect(head?.slice(0, 5)).toEqual(['Cliente', 'RFC/NIT', 'Correo', 'Moneda', 'Al corriente']);
    expect(head).toContain('Crítico');
  });

  test('parses back with amounts as plain numbers with the currency decimals, whatever the locale', () => {
    const rows = byCustomer(renderCsv(sampleReport(), opts));
    const acme = rows.get('Acme S.A./MXN')!;
    expect(acme).toMatchObject({
      'Customer id': 'ACM010101AB1',
      Email: 'pagos@acme.mx',
      Current: '0.00',
      '1-30': '234.50',
      '90+': '1000.00',
      Balance: '1234.50',
      'Oldest days': '137',
      Invoices: '2',
      Critical: 'yes',
      'Critical amount': '1000.00',
    });
    expect(Number(acme.Balance)).toBe(1234.5);
    expect(rows.get('Kuwait Trading/KWD')!.Balance).toBe('1234.567');
    expect(rows.get('Beta | Tubos/MXN')).toMatchObject({ '31-60': '-200.00', Balance: '4800.00', 'Oldest days': '', Critical: 'no' });
  });

  test('neutralizes formula-like customer names with a leading quote', () => {
    const rows = byCustomer(renderCsv(sampleReport(), opts));
    expect(rows.has(`'=HYPERLINK("x")/USD`)).toBe(true);
    expect(rows.has(`'-Cliente/USD`)).toBe(true);
    expect(rows.has(`'@x/USD`)).toBe(true);
  });

  test('never prefixes a negative amount: a credit stays a number', () => {
    const csv = renderCsv(sampleReport(), opts);
    const credit = byCustomer(csv).get(`'@x/USD`)!;
    expect(credit.Balance).toBe('-1234.56');
    expect(credit.Current).toBe('-1234.56');
    expect(csv).toContain(',-1234.56,');
    expect(csv).not.toContain("'-1234.56");
    // csv-parse with casting reads it as a number
    const cast = parse(csv, { bom: true, cast: true, from_line: 2 }) as unknown[][];
    const row = cast.find((r) => r[0] === "'@x")!;
    expect(row[9]).toBe(-1234.56);
  });

  test('adds one TOTAL row per currency with the totals', () => {
    const totals = records(renderCsv(sampleReport(), opts)).filter((r) => r[0] === 'TOTAL');
    expect(totals.map((r) => [r[3], r[9], r[11], r[13]])).toEqual([
      ['KWD', '1234.567', '1', '1234.567'],
      ['MXN', '6034.50', '4', '1000.00'],
      ['USD', '-1224.06', '3', '0.50'],
    ]);
  });

  test('quotes a name with a comma, a quote or a line break and reads it back intact', () => {
    const name = 'Pérez, "El Güero"\nS.A.';
    const csv = renderCsv(report([invoice({ customer: name, invoice: '1', due: '2024-05-01', open: 100 })]), opts);
    expect(records(csv)[1]?.[0]).toBe(name);
  });

  test('the neutralizer covers = + - @ tab and CR and leaves other text alone', () => {
    for (const s of ['=1+1', '+1', '-1', '@SUM(A1)', '\tx', '\rx']) expect(neutralizeFormula(s)).toBe(`'${s}`);
    for (const s of ['Acme', ' =1', '1-2', 'a@b.c', '']) expect(neutralizeFormula(s)).toBe(s);
  });
});
