import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, runCli } from './helpers.js';

describe('dunning aging --payments', () => {
  it('applies a payments sheet as of the date, shows unapplied payments as credits, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-pay-'));
    writeFileSync(join(dir, 'l.csv'), 'Cliente,Factura,Fecha,Vencimiento,Importe,Pagado\nAcme,F-1,2024-01-01,2024-01-31,1000,1000\nAcme,F-2,2024-02-01,2024-03-02,500,0\nBeta,B-1,2024-01-01,2024-01-31,300,0\n');
    writeFileSync(join(dir, 'p.csv'), 'Factura,Fecha de pago,Monto pagado\nF-1,2024-03-15,400\nF-1,2024-04-15,600\nB-1,2024-02-01,350\n');
    const r = await runCli(['aging', 'l.csv', '--payments', 'p.csv', '--as-of', '2024-03-31', '--format', 'json'], { cwd: dir, env: cliEnv() });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    // Worked by hand: Acme F-1 1,000 − 400 (15 Mar) = 600 at 60 days; F-2 500 at 29 days. Beta paid 350 for 300: −50 unapplied (1 Feb, 59 days).
    expect(json.customers.map((c: { customer: string; balance: number }) => [c.customer, c.balance])).toEqual([['Acme', 1100], ['Beta', -50]]);
    expect(json.customers[0].buckets).toEqual({ current: 0, '1-30': 500, '31-60': 600, '61-90': 0, '90+': 0 });
    expect(json.warnings.join('\n')).toMatch(/2 payment\(s\) applied as of 2024-03-31, 1 left unapplied/);
    const bad = await runCli(['check', 'l.csv', '--payments', 'p.csv'], { cwd: dir, env: cliEnv() });
    expect(bad.code).toBe(0);
    expect(bad.stdout).toMatch(/Payments: p\.csv: 3 payment\(s\) read, 0 rejected/);
  });
});
