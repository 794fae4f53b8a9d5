// End to end: the bundled example gives, through the CLI, the figures examples/README.md documents
// for 2026-11-30 (copied here from the README's tables, which test/examples.test.ts recomputes
// from the data by its own calculation). Both the xlsx and the CSV ledger, JSON and CSV reports.
// Runs with cwd in a temp folder and writes nothing into examples/.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BUCKETS, EXAMPLES, buckets, parseJsonReport, runCli, tempDirs, totalsFor, type JsonReport } from './helpers.js';

const newDir = tempDirs('example');

const MXN = {
  currency: 'MXN', balance: 4546139.44,
  buckets: buckets(DEFAULT_BUCKETS, [1716228.38, 1263011.97, 581172.41, 540750.47, 444976.21]),
  customers: 39, criticalCustomers: 7, criticalAmount: 448456.21,
};
const USD = {
  currency: 'USD', balance: 40997.3,
  buckets: buckets(DEFAULT_BUCKETS, [7315.5, 16685.65, 1576.15, 2940, 12480]),
  customers: 3, criticalCustomers: 1, criticalAmount: 12480,
};

// README "Critical customers": RFC, currency, amount more than 90 days overdue, oldest days.
const CRITICAL: readonly (readonly [string, string, number, number])[] = [
  ['RFS120619DN4', 'MXN', 191635.13, 206],
  ['TZU000828FE5', 'MXN', 137367.32, 329],
  ['RLO990301M20', 'MXN', 71282.0, 351],
  ['DAP120827TT9', 'MXN', 35586.34, 97],
  ['APE110823TB6', 'MXN', 6145.4, 282],
  ['MAC061122JA5', 'MXN', 3540.02, 164],
  ['FNH050719BV3', 'MXN', 2900.0, 91],
  ['MII070925AB4', 'USD', 12480.0, 122],
];

function expectReadmeFigures(report: JsonReport): void {
  expect(report.asOf).toBe('2026-11-30');
  expect(report.totals).toHaveLength(2);
  expect(totalsFor(report, "MXN")).toMatchObject(MXN);
  expect(totalsFor(report, "USD")).toMatchObject(USD);
  const critical = report.customers
    .filter((c) => c.critical)
    .map((c) => [c.customerId, c.currency, c.criticalAmount, c.oldestDaysOverdue] as const);
  expect([...critical].sort()).toEqual([...CRITICAL].sort());
  // Critical customers come first.
  expect(report.customers.slice(0, CRITICAL.length).every((c) => c.critical)).toBe(true);
}

describe.concurrent('the example ledger as of 2026-11-30', () => {
  let cwd = '';
  beforeAll(async () => {
    cwd = await newDir();
  });

  it('ledger.xlsx --format json gives the totals and critical customers of examples/README.md', async () => {
    const r = await runCli(['aging', join(EXAMPLES, 'ledger.xlsx'), '--as-of', '2026-11-30', '--format', 'json'], { cwd });
    expectReadmeFigures(parseJsonReport(r));
    expect(r.stderr).not.toMatch(/rejected/);
  });

  it('ledger.csv --format json gives the same figures', async () => {
    const r = await runCli(['aging', join(EXAMPLES, 'ledger.csv'), '--as-of', '2026-11-30', '--format', 'json'], { cwd });
    expectReadmeFigures(parseJsonReport(r));
  });

  it('the CSV report has the same totals rows', async () => {
    // --lang en: the example's config says "lang": "es", and these headings are looked up in English.
    const r = await runCli(['aging', join(EXAMPLES, 'ledger.xlsx'), '--as-of', '2026-11-30', '--format', 'csv', '--lang', 'en'], { cwd });
    expect(r.code, r.stderr).toBe(0);
    const [head, ...rows] = parse(r.stdout, { bom: true }) as string[][];
    const at = (name: string) => head!.findIndex((h) => h.toLowerCase() === name);
    const total = (currency: string) => {
      const found = rows.filter((row) => row[0] === 'TOTAL' && row[at('currency')] === currency);
      expect(found, `TOTAL ${currency}`).toHaveLength(1);
      return found[0]!;
    };
    const figures = (row: readonly string[]) =>
      [...DEFAULT_BUCKETS, 'balance', 'critical amount'].map((h) => row[at(h)]);
    expect(figures(total('MXN'))).toEqual(['1716228.38', '1263011.97', '581172.41', '540750.47', '444976.21', '4546139.44', '448456.21']);
    expect(figures(total('USD'))).toEqual(['7315.50', '16685.65', '1576.15', '2940.00', '12480.00', '40997.30', '12480.00']);
    // 39 MXN and 3 USD customer rows.
    const customerRows = rows.filter((row) => row[0] !== 'TOTAL');
    expect(customerRows.filter((row) => row[at('currency')] === 'MXN')).toHaveLength(39);
    expect(customerRows.filter((row) => row[at('currency')] === 'USD')).toHaveLength(3);
  });
});
