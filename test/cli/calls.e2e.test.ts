import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers.js';

const LEDGER =
  'Cliente,Factura,Vencimiento,Importe,Moneda,Teléfono,Vendedor,Contacto\n' +
  'Alfa,A-1,2024-02-01,1000,MXN,+52 55 1,Ana,Luis\n' + // 120 days × 1,000 = 120,000
  'Beta,B-1,2024-02-21,2000,MXN,+52 55 2,Beto,Rosa\n' + // 100 days × 2,000 = 200,000
  'Gama,G-1,2024-02-21,1200,MXN,+52 55 3,Ana,Eva\n' + // 100 days × 1,200 = 120,000 (tie with Alfa, larger amount first)
  'Delta,D-1,2024-05-01,500,MXN,+52 55 4,Ana,Ola\n'; // 30 days: not on the list

describe('dunning calls', () => {
  // Phones starting with + are prefixed with ' in CSV (SPEC §6 formula neutralization; Excel hides the quote).
  it('lists critical customers by priority in a CSV a team can open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-calls-'));
    writeFileSync(join(dir, 'l.csv'), LEDGER);
    const r = await runCli(['calls', 'l.csv', '--as-of', '2024-05-31', '--lang', 'en', '-o', 'calls.csv'], { cwd: dir, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    const rows = parse(readFileSync(join(dir, 'calls.csv'), 'utf8'), { bom: true }) as string[][];
    expect(rows[0]!.slice(0, 3)).toEqual(['Priority', 'Customer', 'Currency']);
    expect(rows.slice(1).map((x) => [x[0], x[1], x[4], x[6], x[7], x[9]])).toEqual([
      ['1', 'Beta', "'+52 55 2", 'Beto', '2000.00', '100'],
      ['2', 'Gama', "'+52 55 3", 'Ana', '1200.00', '100'],
      ['3', 'Alfa', "'+52 55 1", 'Ana', '1000.00', '120'],
    ]);
  });
  it('--by-rep writes one file per sales rep, each in priority order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-calls-'));
    writeFileSync(join(dir, 'l.csv'), LEDGER);
    const r = await runCli(['calls', 'l.csv', '--as-of', '2024-05-31', '--lang', 'en', '--by-rep', 'reps', '--format', 'xlsx'], { cwd: dir, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(join(dir, 'reps')).sort()).toEqual(['calls-ana.xlsx', 'calls-beto.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'reps', 'calls-ana.xlsx'));
    const ws = wb.worksheets[0]!;
    expect([ws.getCell('B2').value, ws.getCell('B3').value]).toEqual(['Gama', 'Alfa']);
    expect(ws.getCell('H2').value).toBe(1200);
    expect(ws.rowCount).toBe(3);
  });
});
