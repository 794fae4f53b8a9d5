// End to end: `dunning check`, the data-quality report — how each column was mapped and why, the
// header row, every rejected row as `file › row › "Column": "value" reason`, the warnings — and
// its exit code: 3 while any row is rejected (so scripts can run it before `remind --send`), 0
// when the ledger is clean.
import { beforeAll, describe, expect, it } from 'vitest';
import { customerEntry, expectCleanFailure, lines, parseJsonReport, runCli, tempDirs, writeLedger, type CliResult } from './helpers.js';

const newDir = tempDirs('check');

// Dates are day-first (row 6 has 20/03/2024). Row by row:
//   2 Alfa F-1: due 31/02/2024 — no such day → rejected
//   3 Alfa F-2: amount "abc" → rejected
//   4,5 Beta F-3: same customer, invoice and due date, amounts 500.00 and 700.00 → both rejected
//   6 Gama F-4: due 10/03 before its invoice date 20/03 → warning
//   7,8 Gama F-5: identical rows → lines of one invoice, collapsed into one (warning)
//   9 Gama NC-1: a credit → warning
//   Gama has no email → warning
const DIRTY = [
  'Cliente,Factura,Fecha,Vencimiento,Importe,Correo',
  'Alfa,F-1,01/02/2024,31/02/2024,100.00,alfa@x.mx',
  'Alfa,F-2,01/02/2024,02/03/2024,abc,alfa@x.mx',
  'Beta,F-3,10/01/2024,09/02/2024,500.00,beta@x.mx',
  'Beta,F-3,10/01/2024,09/02/2024,700.00,beta@x.mx',
  'Gama,F-4,20/03/2024,10/03/2024,250.00,',
  'Gama,F-5,15/01/2024,14/02/2024,80.00,',
  'Gama,F-5,15/01/2024,14/02/2024,80.00,',
  'Gama,NC-1,20/01/2024,20/01/2024,-30.00,',
  '',
].join('\n');

const CLEAN = 'Customer,Invoice,Invoice date,Due date,Amount,Email\nAcme,A-1,2024-04-01,2024-05-01,100.00,pay@acme.com\nAcme,A-2,2024-05-01,2024-05-31,50.00,pay@acme.com\n';

describe.concurrent('dunning check on a ledger with problems', () => {
  let dir = '';
  let r: CliResult;
  beforeAll(async () => {
    dir = await newDir();
    await writeLedger(dir, 'chk.csv', DIRTY);
    r = await runCli(['check', 'chk.csv'], { cwd: dir });
  });

  it('exits 3 with one stderr line that counts the rejected rows', () => {
    expectCleanFailure(r, 3, 'chk.csv', '4 row');
  });

  it('lists every column mapping with its reason, and the header row', () => {
    expect(r.stdout).toMatch(/^Header: row 1\b/m);
    for (const [header, field, synonym] of [
      ['Cliente', 'customer', 'cliente'],
      ['Factura', 'invoice', 'factura'],
      ['Fecha', 'invoiceDate', 'fecha'],
      ['Vencimiento', 'dueDate', 'vencimiento'],
      ['Importe', 'amount', 'importe'],
      ['Correo', 'email', 'correo'],
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^ +"${header}" +→ ${field} +Spanish synonym '${synonym}'$`, 'm'));
    }
  });

  it('lists each rejected row as file › row › "Column": "value" and the reason', () => {
    const out = lines(r.stdout);
    const start = out.findIndex((l) => /^Rejected rows \(4\):/.test(l));
    expect(start, 'a "Rejected rows (4):" section').toBeGreaterThanOrEqual(0);
    const rejected = out.slice(start + 1, start + 5).map((l) => l.trim());
    expect(rejected[0]).toMatch(/^chk\.csv › row 2 › "Vencimiento": "31\/02\/2024" .*not a valid date/);
    expect(rejected[1]).toMatch(/^chk\.csv › row 3 › "Importe": "abc" .*not an amount/);
    // The conflicting duplicate: both rows rejected, each naming the other.
    expect(rejected[2]).toMatch(/^chk\.csv › row 4 › "Factura": "F-3" .*rows 4, 5/);
    expect(rejected[3]).toMatch(/^chk\.csv › row 5 › "Factura": "F-3" .*rows 4, 5/);
  });

  it('lists the warnings: due before invoice date, collapsed lines, credits, missing emails', () => {
    const out = lines(r.stdout);
    const start = out.findIndex((l) => /^Warnings \(\d+\):/.test(l));
    expect(start, 'a Warnings section').toBeGreaterThanOrEqual(0);
    const warnings = out.slice(start + 1).map((l) => l.trim()).filter((l) => l.startsWith('chk.csv'));
    expect(warnings.some((w) => /row 6 › .*2024-03-10.*2024-03-20/.test(w))).toBe(true);
    expect(warnings.some((w) => /1 repeated row.*counted once/.test(w))).toBe(true);
    expect(warnings.some((w) => /1 credit/.test(w))).toBe(true);
    expect(warnings.some((w) => /no email.*Gama/.test(w))).toBe(true);
    expect(warnings.some((w) => /Alfa|Beta/.test(w) && /no email/.test(w))).toBe(false);
  });

  it('keeps the conflicting duplicate out of the aging, and counts collapsed lines once', async () => {
    // As of 2024-03-31 (XXX: no currency column): Gama F-4 due 10/03 (21 days, 250.00),
    // F-5 counted once (due 14/02, 46 days, 80.00), NC-1 −30.00 → balance 300.00.
    const report = parseJsonReport(await runCli(['aging', 'chk.csv', '--as-of', '2024-03-31', '--format', 'json', '--currency', 'MXN'], { cwd: dir }));
    expect(report.customers.map((c) => c.customer)).toEqual(['Gama']);
    expect(customerEntry(report, 'Gama', 'MXN')).toMatchObject({ balance: 300, invoices: 3, oldestDaysOverdue: 46 });
    expect(report.warnings[0]).toMatch(/^4 row\(s\) rejected/);
  });
});

describe.concurrent('dunning check on a clean ledger', () => {
  it('exits 0 with nothing on stderr and says no row was rejected', async () => {
    const dir = await newDir();
    await writeLedger(dir, 'clean.csv', CLEAN);
    const r = await runCli(['check', 'clean.csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ +2 data rows/m);
    expect(r.stdout).toMatch(/^ +0 rejected$/m);
    expect(r.stdout).not.toMatch(/Rejected rows/);
  });

  it('says which columns came from --map', async () => {
    const dir = await newDir();
    await writeLedger(dir, 'vence.csv', 'Cliente,Factura,Fecha,Vencimiento,Vence,Importe\nNorte SA,N-1,2024-01-15,2024-02-14,2024-05-15,800.00\n');
    const r = await runCli(['check', 'vence.csv', '--map', 'dueDate=Vence'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ +"Vence" +→ dueDate +--map dueDate=Vence$/m);
    expect(r.stdout).toMatch(/^ +"Vencimiento" +→ \(ignored\)/m);
  });
});
