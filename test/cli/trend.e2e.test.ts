import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers.js';

describe('aging --snapshot and dunning trend', () => {
  it('saves one snapshot per as-of date in the client folder and shows how the buckets moved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-trend-'));
    const client = join(dir, 'cliente');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(client);
    // One invoice of 1,000.00 due 2024-03-01: on 2024-03-15 it is 14 days late (1-30), on 2024-04-15 45 days (31-60),
    // on 2024-06-15 106 days (90+, critical); a second invoice of 500.00 issued 2024-05-01 due 2024-05-31 joins in June (15 days: 1-30).
    writeFileSync(join(client, 'l.csv'), 'Cliente,Factura,Fecha,Vencimiento,Importe\nAcme,F-1,2024-02-01,2024-03-01,1000\nAcme,F-2,2024-05-01,2024-05-31,500\n');
    for (const asOf of ['2024-04-15', '2024-03-15', '2024-06-15']) {
      const r = await runCli(['aging', 'cliente/l.csv', '--as-of', asOf, '--snapshot', '--currency', 'MXN', '--format', 'json'], { cwd: dir, env: cliEnv() });
      expect(r.code, r.stderr).toBe(0);
    }
    expect(existsSync(join(client, '.dunning', 'snapshots', '2024-03-15.json'))).toBe(true);
    expect(existsSync(join(dir, '.dunning'))).toBe(false); // the client folder, not the cwd
    const t = await runCli(['trend', '--dir', 'cliente', '--format', 'json'], { cwd: dir, env: cliEnv() });
    expect(t.code, t.stderr).toBe(0);
    const { rows } = JSON.parse(t.stdout) as { rows: { asOf: string; balance: number; buckets: Record<string, number>; criticalAmount: number }[] };
    expect(rows.map((r) => [r.asOf, r.balance, r.buckets['1-30'], r.buckets['31-60'], r.buckets['90+'], r.criticalAmount])).toEqual([
      ['2024-03-15', 1000, 1000, 0, 0, 0],
      ['2024-04-15', 1000, 0, 1000, 0, 0],
      ['2024-06-15', 1500, 500, 0, 1000, 1000],
    ]);
    const table = await runCli(['trend', '--dir', 'cliente'], { cwd: dir, env: cliEnv() });
    expect(table.stdout).toMatch(/2024-06-15 .*1,500\.00 .*500\.00/);
  });
  it('says how to make snapshots when there are none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-trend-'));
    const r = await runCli(['trend', '--dir', dir], { cwd: dir, env: cliEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--snapshot/);
  });
});
