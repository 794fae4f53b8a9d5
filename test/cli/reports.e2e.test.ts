// End to end: the report files of `dunning aging` (SPEC §6) — CSV read back with csv-parse, xlsx
// read back with exceljs, Markdown, and `-o report.json` — written atomically, with customer names
// that try formula injection. Figures worked out by hand, as of 2024-05-31, currency USD.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ANSI, DEFAULT_BUCKETS, buckets, customerEntry, expectCleanFailure, lines, listDir, runCli, tempDirs,
  writeLedger, type JsonReport,
} from './helpers.js';

const newDir = tempDirs('reports');

// =HYPERLINK("http://x") I-1 due 2024-01-01 → 151 days: 90+, critical 100.00.
// +1        I-2 due 2024-05-01 → 30 days: 1-30, 200.00.
// @SUM(A1)  I-3 due 2024-05-31 → 0 days: current, 300.00.
// -2        I-4 due 2024-04-01 → 60 days: 31-60, "1,400.00" (written back without grouping).
// Zeta      CN-9 credit −75.50 due 2024-05-10 (21 days): 1-30, a negative balance, never overdue.
// USD totals: current 300.00; 1-30 200.00 − 75.50 = 124.50; 31-60 1400.00; 61-90 0; 90+ 100.00;
// balance 1924.50; 5 customers, 1 critical, critical amount 100.00; 5 items.
const LEDGER = [
  'Customer,Invoice,Due date,Amount',
  '"=HYPERLINK(""http://x"")",I-1,2024-01-01,100.00',
  '+1,I-2,2024-05-01,200.00',
  '@SUM(A1),I-3,2024-05-31,300.00',
  '-2,I-4,2024-04-01,"1,400.00"',
  'Zeta,CN-9,2024-05-10,-75.50',
  '',
].join('\n');

const HYPERLINK = '=HYPERLINK("http://x")';
const ARGS = ['--as-of', '2024-05-31', '--currency', 'USD'];

/** Expected per customer: [current, 1-30, 31-60, 61-90, 90+, balance, oldest days or '', critical]. */
const EXPECTED: Readonly<Record<string, readonly [number, number, number, number, number, number, number | null, boolean]>> = {
  [HYPERLINK]: [0, 0, 0, 0, 100, 100, 151, true],
  '+1': [0, 200, 0, 0, 0, 200, 30, false],
  '@SUM(A1)': [300, 0, 0, 0, 0, 300, null, false],
  '-2': [0, 0, 1400, 0, 0, 1400, 60, false],
  Zeta: [0, -75.5, 0, 0, 0, -75.5, null, false],
};

async function freshLedger(): Promise<{ dir: string; ledger: string }> {
  const dir = await newDir();
  return { dir, ledger: await writeLedger(dir, 'ledger.csv', LEDGER) };
}

describe.concurrent('dunning aging --format csv -o report.csv', () => {
  let dir = '';
  let records: string[][] = [];
  let raw = '';

  beforeAll(async () => {
    const f = await freshLedger();
    dir = f.dir;
    const r = await runCli(['aging', 'ledger.csv', ...ARGS, '--format', 'csv', '-o', 'report.csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    raw = await readFile(join(dir, 'report.csv'), 'utf8');
    records = parse(raw, { bom: true }) as string[][];
  });

  it('has a header row with the customer, currency, every bucket and the balance', () => {
    const head = records[0]!.map((h) => h.toLowerCase());
    for (const h of ['customer', 'currency', ...DEFAULT_BUCKETS, 'balance']) expect(head).toContain(h);
  });

  it('writes amounts as plain numbers: no grouping, no symbol, no quote prefix, credits with a minus', () => {
    const head = records[0]!.map((h) => h.toLowerCase());
    const at = (name: string) => head.indexOf(name);
    const body = records.slice(1);
    expect(body.filter((r) => r[0] !== 'TOTAL')).toHaveLength(5);
    for (const [name, [cur, b30, b60, b90, b90p, balance]] of Object.entries(EXPECTED)) {
      const shown = /^[=+\-@]/.test(name) ? `'${name}` : name;
      const row = body.find((r) => r[0] === shown);
      expect(row, `row of ${name}`).toBeDefined();
      const amounts = [at('current'), at('1-30'), at('31-60'), at('61-90'), at('90+'), at('balance')].map((i) => row![i]!);
      for (const a of amounts) expect(a).toMatch(/^-?\d+\.\d{2}$/);
      expect(amounts.map(Number)).toEqual([cur, b30, b60, b90, b90p, balance]);
      expect(row![at('currency')]).toBe('USD');
    }
    const total = body.find((r) => r[0] === 'TOTAL' && r[at('currency')] === 'USD');
    expect(total, 'USD total row').toBeDefined();
    expect([at('current'), at('1-30'), at('31-60'), at('61-90'), at('90+'), at('balance')].map((i) => total![i])).toEqual(['300.00', '124.50', '1400.00', '0.00', '100.00', '1924.50']);
    expect(raw).toContain(',-75.50,');
    expect(raw).not.toContain("'-75.50");
  });

  it('neutralizes customer names that a spreadsheet would run as formulas', () => {
    const names = records.slice(1).map((r) => r[0]!);
    expect(names).toEqual(expect.arrayContaining([`'${HYPERLINK}`, "'+1", "'@SUM(A1)", "'-2", 'Zeta']));
    for (const n of names) expect(n).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('leaves only the ledger and the report in the folder: no temp file', async () => {
    expect(await listDir(dir)).toEqual(['ledger.csv', 'report.csv']);
  });

  it('replaces an older report whole, and keeps it untouched when the ledger cannot be read', async () => {
    const { dir: d } = await freshLedger();
    await writeFile(join(d, 'report.csv'), 'old report\n');
    const ok = await runCli(['aging', 'ledger.csv', ...ARGS, '-o', 'report.csv'], { cwd: d });
    expect(ok.code, ok.stderr).toBe(0);
    const written = await readFile(join(d, 'report.csv'), 'utf8');
    expect(written).not.toContain('old report');
    expect(written).toContain('1924.50');

    await writeFile(join(d, 'report.csv'), 'old report\n');
    await writeFile(join(d, 'ledger.csv'), 'Customer,Invoice,Due date\nAcme,A-1,2024-01-01\n'); // no amount column
    const bad = await runCli(['aging', 'ledger.csv', ...ARGS, '-o', 'report.csv'], { cwd: d });
    expectCleanFailure(bad, 3, 'ledger.csv', 'amount');
    expect(await readFile(join(d, 'report.csv'), 'utf8')).toBe('old report\n');
    expect(await listDir(d)).toEqual(['ledger.csv', 'report.csv']);
  });

  it('refuses an output path that is a folder without leaving a temp file behind', async () => {
    const { dir: d } = await freshLedger();
    const r0 = await runCli(['aging', 'ledger.csv', ...ARGS, '--format', 'csv', '-o', '.'], { cwd: d });
    expectCleanFailure(r0, 2, 'cannot write');
    expect(await listDir(d)).toEqual(['ledger.csv']);
  });
});

describe.concurrent('dunning aging --format xlsx -o report.xlsx', () => {
  let sheet: ExcelJS.Worksheet;
  let headerRow = 0;
  let head: string[] = [];

  beforeAll(async () => {
    const { dir } = await freshLedger();
    const r = await runCli(['aging', 'ledger.csv', ...ARGS, '--format', 'xlsx', '-o', 'report.xlsx'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await listDir(dir)).toEqual(['ledger.csv', 'report.xlsx']);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'report.xlsx'));
    sheet = wb.worksheets[0]!;
    sheet.eachRow((row, n) => {
      if (!headerRow && row.getCell(1).value === 'Customer') headerRow = n;
    });
    expect(headerRow, 'a header row starting with "Customer"').toBeGreaterThan(0);
    head = (sheet.getRow(headerRow).values as unknown[]).slice(1).map((v) => String(v ?? '').toLowerCase());
  });

  function rowOf(name: string): ExcelJS.Row {
    let found: ExcelJS.Row | undefined;
    sheet.eachRow((row) => {
      if (row.getCell(1).value === name) found = row;
    });
    expect(found, `row of ${name}`).toBeDefined();
    return found!;
  }

  const col = (name: string): number => {
    const i = head.indexOf(name);
    expect(i, `column ${name}`).toBeGreaterThanOrEqual(0);
    return i + 1;
  };

  it('writes every amount as a number cell with the hand-computed value', () => {
    for (const [name, [cur, b30, b60, b90, b90p, balance, oldest]] of Object.entries(EXPECTED)) {
      const row = rowOf(/^[=+\-@]/.test(name) ? `'${name}` : name);
      const values = ['current', '1-30', '31-60', '61-90', '90+', 'balance'].map((h) => row.getCell(col(h)).value);
      for (const v of values) expect(typeof v).toBe('number');
      expect(values).toEqual([cur, b30, b60, b90, b90p, balance]);
      expect(row.getCell(col('oldest days')).value).toBe(oldest);
    }
  });

  it('keeps formula-like names as text, never as formulas', () => {
    const row = rowOf(`'${HYPERLINK}`);
    expect(row.getCell(1).type).toBe(ExcelJS.ValueType.String);
    expect(row.getCell(1).formula).toBeUndefined();
  });

  it('marks the critical customer and only it', () => {
    const isMarked = (row: ExcelJS.Row): boolean => {
      const fill = row.getCell(1).fill as ExcelJS.FillPattern | undefined;
      return fill?.type === 'pattern' && fill.pattern === 'solid';
    };
    const critical = rowOf(`'${HYPERLINK}`);
    expect(critical.getCell(col('critical')).value).toBe('yes');
    expect(isMarked(critical)).toBe(true);
    for (const name of ["'+1", "'@SUM(A1)", "'-2", 'Zeta']) {
      expect(rowOf(name).getCell(col('critical')).value).toBe('no');
      expect(isMarked(rowOf(name))).toBe(false);
    }
  });

  it('freezes the panes below the header row', () => {
    const view = sheet.views[0] as ExcelJS.WorksheetViewFrozen | undefined;
    expect(view?.state).toBe('frozen');
    expect(view?.ySplit).toBe(headerRow);
  });
});

describe.concurrent('dunning aging --format md and -o report.json', () => {
  it('prints a Markdown table with the critical row in bold and no ANSI escape', async () => {
    const { dir } = await freshLedger();
    const r = await runCli(['aging', 'ledger.csv', ...ARGS, '--format', 'md'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(ANSI);
    const table = lines(r.stdout).filter((l) => l.startsWith('|'));
    // header, alignment row, 5 customers, 1 total
    expect(table).toHaveLength(8);
    expect(table[0]).toMatch(/^\| Customer \| Currency \|/);
    expect(table[1]).toMatch(/^\|( :?-+:? \|)+$/);
    const critical = table.find((l) => l.includes('HYPERLINK'))!;
    expect(critical).toContain('**');
    expect(critical).toContain('100.00');
    expect(table.find((l) => l.includes('Zeta'))).toContain('-75.50');
    expect(table.find((l) => l.includes('Zeta'))).not.toContain('**');
    expect(table[table.length - 1]).toMatch(/^\| \*\*Total\*\* \| USD \|.*1,924\.50/);
  });

  it('infers JSON from the .json extension of -o and prints nothing on stdout', async () => {
    const { dir } = await freshLedger();
    const r = await runCli(['aging', 'ledger.csv', ...ARGS, '-o', 'report.json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const report = JSON.parse(await readFile(join(dir, 'report.json'), 'utf8')) as JsonReport;
    expect(report.asOf).toBe('2024-05-31');
    expect(customerEntry(report, 'Zeta', 'USD')).toMatchObject({ balance: -75.5, buckets: buckets(DEFAULT_BUCKETS, [0, -75.5, 0, 0, 0]), oldestDaysOverdue: null, critical: false });
    expect(report.totals).toMatchObject([
      { currency: 'USD', balance: 1924.5, buckets: buckets(DEFAULT_BUCKETS, [300, 124.5, 1400, 0, 100]), customers: 5, criticalCustomers: 1, criticalAmount: 100 },
    ]);
    expect(await listDir(dir)).toEqual(['ledger.csv', 'report.json']);
  });
});
