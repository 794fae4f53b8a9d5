import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers.js';

describe('aging --group-by', () => {
  it('totals the buckets by any ledger column, per currency', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-group-'));
    // As of 2024-05-31: Norte has A (100 at 10 days: 1-30) and B (200 at 100 days: 90+); Sur has C (50, not due).
    // D has no País: "(none)". USD stays apart even in the same group.
    writeFileSync(join(dir, 'l.csv'), 'Cliente,Factura,Vencimiento,Importe,Moneda,País\nA,1,2024-05-21,100,MXN,Norte\nB,2,2024-02-21,200,MXN,Norte\nC,3,2024-06-10,50,MXN,Sur\nD,4,2024-05-01,70,MXN,\nE,5,2024-05-21,9,USD,Norte\n');
    const r = await runCli(['aging', 'l.csv', '--as-of', '2024-05-31', '--group-by', 'pais', '--format', 'json', '--lang', 'en'], { cwd: dir, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.groupBy).toBe('pais');
    expect(json.groups.map((g: { group: string; currency: string; balance: number; customers: number; criticalAmount: number }) => [g.group, g.currency, g.balance, g.customers, g.criticalAmount])).toEqual([
      ['Norte', 'MXN', 300, 2, 200],
      ['(none)', 'MXN', 70, 1, 0],
      ['Sur', 'MXN', 50, 1, 0],
      ['Norte', 'USD', 9, 1, 0],
    ]);
    expect(json.groups[0].buckets).toMatchObject({ current: 0, '1-30': 100, '90+': 200 });
    expect(json.customers.find((c: { customer: string }) => c.customer === 'B').group).toBe('Norte');
    const table = await runCli(['aging', 'l.csv', '--as-of', '2024-05-31', '--group-by', 'País', '--lang', 'en'], { cwd: dir, env: cliEnv() });
    expect(table.stdout).toMatch(/By País:[\s\S]*Norte/);
    // The group table's first column is headed by the column grouped by, not "Customer".
    const groupTable = table.stdout.slice(table.stdout.indexOf('By País:'));
    expect(groupTable).toMatch(/│ País +│ Currency/);
    expect(groupTable).not.toMatch(/Customer/);
    const csv = await runCli(['aging', 'l.csv', '--as-of', '2024-05-31', '--group-by', 'País', '--format', 'csv', '--lang', 'en'], { cwd: dir, env: cliEnv() });
    expect(csv.stdout.replace(/^\uFEFF/, '').split(/\r?\n/).slice(0, 2)).toEqual([
      'País,Customer id,Email,Currency,Current,1-30,31-60,61-90,90+,Balance,Oldest days,Invoices,Critical,Critical amount',
      'Norte,,,MXN,0.00,100.00,0.00,0.00,200.00,300.00,100,2,yes,200.00',
    ]);
    const html = await runCli(['aging', 'l.csv', '--group-by', 'País', '--format', 'html'], { cwd: dir, env: cliEnv() });
    expect(html.code).toBe(2);
    expect(html.stderr).toMatch(/--group-by is not available with --format html/);
    expect(html.stdout).toBe('');
    const bad = await runCli(['aging', 'l.csv', '--group-by', 'Región'], { cwd: dir, env: cliEnv() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--group-by Región: .* no such column/);
  });
});
