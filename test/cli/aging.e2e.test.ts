// End to end: `dunning aging` as a bookkeeper runs it — the built CLI spawned in a temp folder on
// small CSV ledgers written here, stdout/stderr/exit code asserted. Expected figures are worked
// out by hand in the comments (as-of 2024-05-31 unless said otherwise), not copied from output.
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ANSI, BIN, DEFAULT_BUCKETS, buckets, cliEnv, customerEntry, lines, parseJsonReport, runCli, tableRows,
  tempDirs, totalsFor, writeLedger, type CliResult,
} from './helpers.js';

const newDir = tempDirs('aging');

// Days overdue on 2024-05-31 (2024 is a leap year):
//   due 2024-05-31 → 0 (current)      due 2024-05-01 → 30 (1-30)     due 2024-04-30 → 31 (31-60)
//   due 2024-04-01 → 60 (31-60)       due 2024-03-31 → 61 (61-90)    due 2024-03-02 → 90 (61-90)
//   due 2024-03-01 → 91 (90+)         due 2024-02-01 → 120 (90+)
// Acme S.A. USD: A-1 1000.00 (91 days: 90+, critical), A-2 250.50 (current), CN-1 −100.00 (31-60)
//   → balance 1150.50, oldest 91, 3 items, critical amount 1000.00 (the credit is never critical).
// Acme S.A. MXN: A-3 5000.00 − 1200.00 paid = 3800.00 (30 days: 1-30) — a separate entry.
// Beta Ltd MXN: B-1 20000.00 (61: 61-90), B-2 "1,234.56" (60: 31-60) → 21234.56, oldest 61.
// Gamma MXN: G-1 is dated 2024-06-05 (after the as-of date: ignored); G-2 was paid in full on
//   2024-05-15 (closed); G-3 was paid on 2024-06-10, after the as-of date, so it is open for its
//   full 700.00 although Paid says 700.00: 120 days → 90+, critical.
// Delta: amount "abc" → row 11 rejected.
const MAIN_LEDGER = [
  'Customer,Invoice,Invoice date,Due date,Amount,Paid,Paid date,Currency,Email',
  'Acme S.A.,A-1,2024-01-31,2024-03-01,1000.00,,,USD,pay@acme.com',
  'Acme S.A.,A-2,2024-05-01,2024-05-31,250.50,,,USD,',
  'Acme S.A.,CN-1,2024-04-30,2024-04-30,-100.00,,,USD,',
  'Acme S.A.,A-3,2024-04-01,2024-05-01,5000.00,1200.00,,MXN,',
  'Beta Ltd,B-1,2024-03-01,2024-03-31,20000.00,,,MXN,beta@example.com',
  'Beta Ltd,B-2,2024-03-02,2024-04-01,"1,234.56",,,MXN,',
  'Gamma,G-1,2024-06-05,2024-07-05,5555.00,,,MXN,',
  'Gamma,G-2,2024-02-01,2024-03-02,10.00,10.00,2024-05-15,MXN,',
  'Gamma,G-3,2024-01-02,2024-02-01,700.00,700.00,2024-06-10,MXN,',
  'Delta,D-1,2024-04-01,2024-05-01,abc,,,MXN,',
  '',
].join('\n');

let dir = '';
let ledger = '';

beforeAll(async () => {
  dir = await newDir();
  ledger = await writeLedger(dir, 'main.csv', MAIN_LEDGER);
});

function aging(...args: string[]): Promise<CliResult> {
  return runCli(['aging', ledger, ...args], { cwd: dir });
}

describe.concurrent('dunning aging as a table', () => {
  let table: CliResult;
  beforeAll(async () => {
    table = await aging('--as-of', '2024-05-31');
  });

  it('lists critical customers first, then one total row per currency and a summary line per currency', () => {
    const r = table;
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    const rows = tableRows(r.stdout);
    const head = rows[0]!;
    expect(head.slice(0, 2)).toEqual(['Customer', 'Currency']);
    const col = (name: string) => {
      const i = head.findIndex((h) => h.toLowerCase() === name.toLowerCase());
      expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
      return i;
    };
    const [balance, over90, oldest] = [col('Balance'), col('90+'), col('Oldest days')];
    const body = rows.slice(1);
    const customers = body.filter((c) => c[0] !== 'Total');
    const totals = body.filter((c) => c[0] === 'Total');

    // Critical customers carry the "!" mark (it must survive in a log without colour) and come first.
    expect(customers.map((c) => `${c[0]} ${c[1]}`).slice(0, 2).sort()).toEqual(['! Acme S.A. USD', '! Gamma MXN']);
    expect(customers.map((c) => `${c[0]} ${c[1]}`).slice(2)).toEqual(['Beta Ltd MXN', 'Acme S.A. MXN']);
    const acmeUsd = customers.find((c) => c[0] === '! Acme S.A.')!;
    expect([acmeUsd[over90], acmeUsd[balance], acmeUsd[oldest]]).toEqual(['1,000.00', '1,150.50', '91']);
    const beta = customers.find((c) => c[0] === 'Beta Ltd')!;
    expect([beta[balance], beta[oldest]]).toEqual(['21,234.56', '61']);

    // Totals rows come after every customer, one per currency, never summed across currencies.
    expect(body.indexOf(totals[0]!)).toBe(customers.length);
    expect(totals.map((t) => `${t[1]} ${t[balance]}`).sort()).toEqual(['MXN 25,734.56', 'USD 1,150.50']);
    expect(r.stdout).not.toContain('26,885.06'); // 25,734.56 + 1,150.50

    // One summary line per currency: customers, open balance, critical amount and its share.
    // MXN: 700.00 / 25,734.56 = 2.72 %; USD: 1,000.00 / 1,150.50 = 86.92 %.
    const out = lines(r.stdout);
    expect(out).toContain('MXN: 3 customers · open 25,734.56 · critical 700.00 (2.7%) in 1 customer');
    expect(out).toContain('USD: 1 customer · open 1,150.50 · critical 1,000.00 (86.9%) in 1 customer');
  });

  it('reports the rejected row on stderr in one warning line, not in the table on stdout', () => {
    const r = table;
    expect(r.code).toBe(0);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^warning: 1 row\(s\) rejected/);
    expect(err[0]).toContain('main.csv › row 11 › "Amount": "abc"');
    expect(r.stdout).not.toContain('rejected');
    expect(r.stdout).not.toContain('Delta');
  });

  it('writes no ANSI escape when stdout is a pipe, even without NO_COLOR', async () => {
    const r = await runCli(['aging', ledger, '--as-of', '2024-05-31'], { cwd: dir, env: cliEnv({ NO_COLOR: undefined }) });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Acme S.A.');
    expect(r.stdout).not.toMatch(ANSI);
    expect(r.stderr).not.toMatch(ANSI);
  });

  it('colours a terminal, and not when NO_COLOR or --no-color says so', async () => {
    // `script` (util-linux) gives the CLI a pseudo-terminal, the way a person runs it.
    const onTty = (extraArgs: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> =>
      new Promise((resolve, reject) => {
        const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} aging ${JSON.stringify(ledger)} --as-of 2024-05-31 -q ${extraArgs}`;
        const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, out }));
      });
    const [plain, noColorEnv, noColorFlag] = await Promise.all([
      onTty('', cliEnv({ NO_COLOR: undefined })),
      onTty('', cliEnv({ NO_COLOR: '1' })),
      onTty('--no-color', cliEnv({ NO_COLOR: undefined })),
    ]);
    for (const run of [plain, noColorEnv, noColorFlag]) {
      expect(run.code).toBe(0);
      expect(run.out).toContain('Acme S.A.');
    }
    expect(plain.out).toMatch(ANSI);
    expect(noColorEnv.out).not.toMatch(ANSI);
    expect(noColorFlag.out).not.toMatch(ANSI);
  });
});

describe.concurrent('dunning aging --format json', () => {
  it('prints exactly one JSON document whose every figure matches the hand calculation', async () => {
    const r = await aging('--as-of', '2024-05-31', '--format', 'json');
    const report = parseJsonReport(r);
    expect(r.stdout.trim().startsWith('{') && r.stdout.trim().endsWith('}')).toBe(true);
    expect(report.schemaVersion).toBe(1);
    expect(report.asOf).toBe('2024-05-31');
    expect(report.basis).toBe('due');
    expect(report.criticalDays).toBe(90);
    expect(report.buckets).toEqual([...DEFAULT_BUCKETS]);
    const b = (...v: number[]) => buckets(DEFAULT_BUCKETS, v);

    expect(report.customers).toHaveLength(4);
    expect(customerEntry(report, 'Acme S.A.', 'USD')).toMatchObject({
      customer: 'Acme S.A.', customerId: null, email: 'pay@acme.com', currency: 'USD',
      balance: 1150.5, buckets: b(250.5, 0, -100, 0, 1000),
      oldestDaysOverdue: 91, invoices: 3, critical: true, criticalAmount: 1000,
    });
    expect(customerEntry(report, 'Acme S.A.', 'MXN')).toMatchObject({
      customer: 'Acme S.A.', customerId: null, email: null, currency: 'MXN',
      balance: 3800, buckets: b(0, 3800, 0, 0, 0),
      oldestDaysOverdue: 30, invoices: 1, critical: false, criticalAmount: 0,
    });
    expect(customerEntry(report, 'Beta Ltd', 'MXN')).toMatchObject({
      customer: 'Beta Ltd', customerId: null, email: 'beta@example.com', currency: 'MXN',
      balance: 21234.56, buckets: b(0, 0, 1234.56, 20000, 0),
      oldestDaysOverdue: 61, invoices: 2, critical: false, criticalAmount: 0,
    });
    expect(customerEntry(report, 'Gamma', 'MXN')).toMatchObject({
      customer: 'Gamma', customerId: null, email: null, currency: 'MXN',
      balance: 700, buckets: b(0, 0, 0, 0, 700),
      oldestDaysOverdue: 120, invoices: 1, critical: true, criticalAmount: 700,
    });
    // Critical first; among the rest, by balance descending.
    expect(report.customers.slice(0, 2).every((c) => c.critical)).toBe(true);
    expect(report.customers.slice(2).map((c) => `${c.customer}/${c.currency}`)).toEqual(['Beta Ltd/MXN', 'Acme S.A./MXN']);

    // Totals per currency, never summed across currencies.
    expect(report.totals).toHaveLength(2);
    expect(totalsFor(report, 'MXN')).toMatchObject({
      currency: 'MXN', balance: 25734.56, buckets: b(0, 3800, 1234.56, 20000, 700),
      customers: 3, criticalCustomers: 1, criticalAmount: 700,
    });
    expect(totalsFor(report, 'USD')).toMatchObject({
      currency: 'USD', balance: 1150.5, buckets: b(250.5, 0, -100, 0, 1000),
      customers: 1, criticalCustomers: 1, criticalAmount: 1000,
    });

    // The rejected row is in "warnings" (first) and on stderr, never on stdout outside the JSON.
    expect(report.warnings[0]).toMatch(/^1 row\(s\) rejected/);
    expect(report.warnings[0]).toContain('main.csv › row 11 › "Amount": "abc"');
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^warning: 1 row\(s\) rejected/);
  });

  it('--buckets 30,60,90,120 adds a 91-120 bucket and leaves the critical rule at 90 days', async () => {
    const report = parseJsonReport(await aging('--as-of', '2024-05-31', '--format', 'json', '--buckets', '30,60,90,120'));
    const labels = ['current', '1-30', '31-60', '61-90', '91-120', '120+'];
    expect(report.buckets).toEqual(labels);
    // A-1 at 91 days and G-3 at 120 days both fall in 91-120; nothing is past 120.
    expect(customerEntry(report, 'Acme S.A.', 'USD').buckets).toEqual(buckets(labels, [250.5, 0, -100, 0, 1000, 0]));
    expect(customerEntry(report, 'Gamma', 'MXN')).toMatchObject({ buckets: buckets(labels, [0, 0, 0, 0, 700, 0]), critical: true, criticalAmount: 700 });
    expect(totalsFor(report, 'MXN').buckets).toEqual(buckets(labels, [0, 3800, 1234.56, 20000, 700, 0]));
  });

  it('--basis invoice ages from the invoice date, while critical and oldest days stay by due date', async () => {
    const report = parseJsonReport(await aging('--as-of', '2024-05-31', '--format', 'json', '--basis', 'invoice'));
    expect(report.basis).toBe('invoice');
    const b = (...v: number[]) => buckets(DEFAULT_BUCKETS, v);
    // Days since invoice date: A-1 2024-01-31 → 121; A-2 05-01 → 30; CN-1 04-30 → 31; A-3 04-01 → 60;
    // B-1 03-01 → 91; B-2 03-02 → 90; G-3 01-02 → 150.
    expect(customerEntry(report, 'Acme S.A.', 'USD').buckets).toEqual(b(0, 250.5, -100, 0, 1000));
    expect(customerEntry(report, 'Acme S.A.', 'MXN').buckets).toEqual(b(0, 0, 3800, 0, 0));
    expect(customerEntry(report, 'Beta Ltd', 'MXN')).toMatchObject({ buckets: b(0, 0, 0, 1234.56, 20000), oldestDaysOverdue: 61, critical: false });
    expect(totalsFor(report, 'MXN')).toMatchObject({ balance: 25734.56, buckets: b(0, 0, 3800, 1234.56, 20700), criticalCustomers: 1 });
  });

  it('--critical-only keeps the critical customers and recomputes the totals over them', async () => {
    const report = parseJsonReport(await aging('--as-of', '2024-05-31', '--format', 'json', '--critical-only'));
    expect(report.customers.map((c) => `${c.customer}/${c.currency}`).sort()).toEqual(['Acme S.A./USD', 'Gamma/MXN']);
    expect(totalsFor(report, 'MXN')).toMatchObject({ balance: 700, customers: 1, criticalCustomers: 1, criticalAmount: 700 });
    expect(totalsFor(report, 'USD')).toMatchObject({ balance: 1150.5, customers: 1, criticalCustomers: 1, criticalAmount: 1000 });
  });

  it('--as-of in the past ignores invoices dated later and does not apply payments made later', async () => {
    // On 2024-04-15: A-2 (dated 05-01), CN-1 (04-30) and G-1 (06-05) do not exist yet.
    // A-1 due 03-01 → 45 days (31-60). A-3 due 05-01 → not yet due (current, 3800.00).
    // B-1 due 03-31 → 15, B-2 due 04-01 → 14: both 1-30. G-2 paid 05-15 → still open, 10.00 at
    // 44 days (31-60); G-3 paid 06-10 → open 700.00 at 74 days (61-90). Nobody is critical yet.
    const report = parseJsonReport(await aging('--as-of', '2024-04-15', '--format', 'json'));
    const b = (...v: number[]) => buckets(DEFAULT_BUCKETS, v);
    expect(report.asOf).toBe('2024-04-15');
    expect(customerEntry(report, 'Acme S.A.', 'USD')).toMatchObject({ balance: 1000, buckets: b(0, 0, 1000, 0, 0), oldestDaysOverdue: 45, invoices: 1, critical: false });
    expect(customerEntry(report, 'Acme S.A.', 'MXN')).toMatchObject({ balance: 3800, buckets: b(3800, 0, 0, 0, 0), oldestDaysOverdue: null });
    expect(customerEntry(report, 'Beta Ltd', 'MXN')).toMatchObject({ balance: 21234.56, buckets: b(0, 21234.56, 0, 0, 0), oldestDaysOverdue: 15 });
    expect(customerEntry(report, 'Gamma', 'MXN')).toMatchObject({ balance: 710, buckets: b(0, 0, 10, 700, 0), oldestDaysOverdue: 74, invoices: 2, critical: false });
    expect(totalsFor(report, 'MXN')).toMatchObject({ currency: 'MXN', balance: 25744.56, buckets: b(3800, 21234.56, 10, 700, 0), customers: 3, criticalCustomers: 0, criticalAmount: 0 });
    expect(totalsFor(report, 'USD')).toMatchObject({ balance: 1000, criticalCustomers: 0 });
  });

  it('--currency USD gives the currency of a ledger that has no currency column', async () => {
    const d = await newDir();
    // S-1 due 05-10 → 21 days (1-30); S-2 due 06-10 → current.
    const path = await writeLedger(d, 'nocur.csv', 'Customer,Invoice,Due date,Amount\nSolo Inc,S-1,2024-05-10,"1,000.00"\nSolo Inc,S-2,2024-06-10,500.00\n');
    const report = parseJsonReport(await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json', '--currency', 'USD'], { cwd: d }));
    expect(report.customers).toMatchObject([
      { customer: 'Solo Inc', customerId: null, email: null, currency: 'USD', balance: 1500, buckets: buckets(DEFAULT_BUCKETS, [500, 1000, 0, 0, 0]), oldestDaysOverdue: 21, invoices: 2, critical: false, criticalAmount: 0 },
    ]);
    expect(report.totals.map((t) => t.currency)).toEqual(['USD']);
  });

  it('--map dueDate=Vence uses that column instead of the one the synonyms would pick', async () => {
    const d = await newDir();
    // "Vencimiento" is the original due date (2024-02-14: 107 days, critical); "Vence" the extended
    // one (2024-05-15: 16 days, 1-30).
    const path = await writeLedger(d, 'vence.csv', 'Cliente,Factura,Fecha,Vencimiento,Vence,Importe,Moneda\nNorte SA,N-1,2024-01-15,2024-02-14,2024-05-15,800.00,MXN\n');
    const plain = parseJsonReport(await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json'], { cwd: d }));
    expect(customerEntry(plain, 'Norte SA', 'MXN')).toMatchObject({ oldestDaysOverdue: 107, critical: true });
    const mapped = parseJsonReport(await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json', '--map', 'dueDate=Vence'], { cwd: d }));
    expect(customerEntry(mapped, 'Norte SA', 'MXN')).toMatchObject({
      buckets: buckets(DEFAULT_BUCKETS, [0, 800, 0, 0, 0]), oldestDaysOverdue: 16, critical: false, criticalAmount: 0,
    });
  });

  it('--date-order dmy reads 03/04/2024 as 3 April, mdy as 4 March', async () => {
    const d = await newDir();
    const path = await writeLedger(d, 'amb.csv', 'Customer,Invoice,Due date,Amount\nUno,1,03/04/2024,100.00\nDos,2,05/06/2024,200.00\n');
    const run = async (order: string) =>
      parseJsonReport(await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json', '--currency', 'EUR', '--date-order', order], { cwd: d }));
    // dmy: Uno due 2024-04-03 → 58 days (31-60); Dos due 2024-06-05 → current.
    const dmy = await run('dmy');
    expect(customerEntry(dmy, 'Uno', 'EUR')).toMatchObject({ buckets: buckets(DEFAULT_BUCKETS, [0, 0, 100, 0, 0]), oldestDaysOverdue: 58 });
    expect(customerEntry(dmy, 'Dos', 'EUR')).toMatchObject({ buckets: buckets(DEFAULT_BUCKETS, [200, 0, 0, 0, 0]), oldestDaysOverdue: null });
    // mdy: Uno due 2024-03-04 → 88 days (61-90); Dos due 2024-05-06 → 25 days (1-30).
    const mdy = await run('mdy');
    expect(customerEntry(mdy, 'Uno', 'EUR')).toMatchObject({ buckets: buckets(DEFAULT_BUCKETS, [0, 0, 0, 100, 0]), oldestDaysOverdue: 88 });
    expect(customerEntry(mdy, 'Dos', 'EUR')).toMatchObject({ buckets: buckets(DEFAULT_BUCKETS, [0, 200, 0, 0, 0]), oldestDaysOverdue: 25 });
  });

  it('reads a commented (JSONC) dunning.config.json from the ledger folder, not from the current folder', async () => {
    const root = await newDir();
    const client = join(root, 'client');
    await mkdir(client);
    const path = await writeLedger(client, 'ledger.csv', MAIN_LEDGER);
    await writeFile(join(client, 'dunning.config.json'), [
      '// Client: Beta is watched closely',
      '{',
      '  /* a shorter critical limit */ "criticalDays": 60, // days',
      '  "buckets": [30, 60, 90, 120,],',
      '}',
      '',
    ].join('\n'));
    // cwd is the parent folder: the config must still be found beside the ledger.
    const report = parseJsonReport(await runCli(['aging', path, '--as-of', '2024-05-31', '--format', 'json'], { cwd: root }));
    expect(report.criticalDays).toBe(60);
    expect(report.buckets).toEqual(['current', '1-30', '31-60', '61-90', '91-120', '120+']);
    // B-1 at 61 days is now more than 60 days overdue.
    expect(customerEntry(report, 'Beta Ltd', 'MXN')).toMatchObject({ critical: true, criticalAmount: 20000 });
    expect(customerEntry(report, 'Acme S.A.', 'MXN')).toMatchObject({ critical: false });
    expect(totalsFor(report, 'MXN')).toMatchObject({ criticalCustomers: 2, criticalAmount: 20700 });
  });
});
