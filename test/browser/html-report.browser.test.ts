// The HTML report as a person sees it: the built CLI writes report.html (and the JSON report of
// the same ledger), headless Chromium opens the file with the network cut off, and the test reads
// the totals (data attributes and visible text), counts the chart's segments, clicks a column
// heading, prints, and saves screenshots and PDFs under test/artifacts/ for a look by eye.
//
// Run with `npm run test:browser` (vitest.browser.config.ts sets DUNNING_BROWSER_SUITE; under the
// plain `npm test` config this file is skipped). Needs Chromium: /usr/bin/chromium (Debian's
// `chromium` package) or CHROMIUM_PATH.
//
// The ledger, as of 2024-05-31, worked out by hand:
//   MXN  Constructora Norte  N-1  due 2024-01-15  137 days  12,500.00  90+   critical
//                            N-2  due 2024-05-20   11 days   3,000.00  1-30
//        Abarrotes Sur       S-1  due 2024-06-15  -15 days   8,000.00  current
//                            NC-1 due 2024-04-10   51 days    -500.00  31-60 (a credit)
//        <script>…</script>  X-1  due 2024-02-15  106 days   1,234.56  90+   critical
//        Ferretería Ñandú    F-1  due 2024-03-15   77 days   2,000.00  61-90
//     → current 8,000.00 · 1-30 3,000.00 · 31-60 −500.00 · 61-90 2,000.00 · 90+ 13,734.56
//       balance 26,234.56; 4 customers, 2 critical (13,734.56)
//   USD  Acme Corp           A-1  due 2024-02-01  120 days   4,000.00  90+   critical
//                            A-2  due 2024-05-31    0 days   1,000.00  current
//        Globex              G-1  due 2024-05-01   30 days     750.25  1-30
//                            CN-2 due 2024-05-15   16 days    -100.00  1-30 (a credit)
//     → current 1,000.00 · 1-30 650.25 · 31-60 0 · 61-90 0 · 90+ 4,000.00
//       balance 5,650.25; 2 customers, 1 critical (4,000.00)
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JsonReport } from '../../src/render/json.js';
import { cliEnv, runCli, tempDirs, writeLedger } from '../cli/helpers.js';

const RUN = process.env.DUNNING_BROWSER_SUITE === '1';
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const XSS_NAME = '<script>alert(1)</script>';
const XSS_EMAIL = '"><img src=x onerror=alert(1)>';

const LEDGER = [
  'Customer,Invoice,Due date,Amount,Currency,Email',
  'Constructora Norte,N-1,2024-01-15,"12,500.00",MXN,cobranza@norte.mx',
  'Constructora Norte,N-2,2024-05-20,"3,000.00",MXN,',
  'Abarrotes Sur,S-1,2024-06-15,"8,000.00",MXN,pagos@sur.mx',
  'Abarrotes Sur,NC-1,2024-04-10,-500.00,MXN,',
  `${XSS_NAME},X-1,2024-02-15,"1,234.56",MXN,"""><img src=x onerror=alert(1)>"`,
  'Ferretería Ñandú,F-1,2024-03-15,"2,000.00",MXN,',
  'Acme Corp,A-1,2024-02-01,"4,000.00",USD,ap@acme.com',
  'Acme Corp,A-2,2024-05-31,"1,000.00",USD,',
  'Globex,G-1,2024-05-01,750.25,USD,',
  'Globex,CN-2,2024-05-15,-100.00,USD,',
  '',
].join('\n');

const EXPECTED_TOTALS = {
  MXN: { balance: 26234.56, buckets: { current: 8000, '1-30': 3000, '31-60': -500, '61-90': 2000, '90+': 13734.56 }, customers: 4, criticalCustomers: 2, criticalAmount: 13734.56 },
  USD: { balance: 5650.25, buckets: { current: 1000, '1-30': 650.25, '31-60': 0, '61-90': 0, '90+': 4000 }, customers: 2, criticalCustomers: 1, criticalAmount: 4000 },
} as const;

/** What a person reads on the cards and total rows (en-US), written out by hand. */
const SHOWN = {
  MXN: { card: 'MX$26,234.56', critical: 'MX$13,734.56', totalRow: '26,234.56' },
  USD: { card: '$5,650.25', critical: '$4,000.00', totalRow: '5,650.25' },
} as const;

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const newDir = tempDirs('html-browser');

describe.skipIf(!RUN)('the HTML report in headless Chromium', () => {
  let json: JsonReport;
  let fileUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Every request the page made, every one the route refused, and anything the page complained of. */
  const requested: string[] = [];
  const refused: string[] = [];
  const problems: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'ledger.csv', LEDGER);
    const common = ['--as-of', '2024-05-31', '--currency', 'MXN'];
    const html = await runCli(['aging', ledger, '--format', 'html', '-o', join(dir, 'report.html'), ...common], { cwd: dir, env: cliEnv() });
    expect(html.stderr).not.toMatch(/error|internal/i);
    expect(html.code).toBe(0);
    const asJson = await runCli(['aging', ledger, '--format', 'json', ...common], { cwd: dir, env: cliEnv() });
    expect(asJson.code).toBe(0);
    json = JSON.parse(asJson.stdout) as JsonReport;
    fileUrl = pathToFileURL(join(dir, 'report.html')).href;
    await mkdir(ARTIFACTS, { recursive: true });

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: LAUNCH_ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.setOffline(true);
    // Only the report file itself may load; anything else is refused and recorded.
    await context.route('**/*', async (route) => {
      const url = route.request().url();
      if (url === fileUrl) return route.continue();
      refused.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('request', (r) => requested.push(r.url()));
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
    await page.goto(fileUrl, { waitUntil: 'load' });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-screen.png'), fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
  });

  test('the JSON report of the ledger has the totals worked out by hand', () => {
    expect(json.totals.map((t) => t.currency)).toEqual(['MXN', 'USD']);
    for (const t of json.totals) {
      const want = EXPECTED_TOTALS[t.currency as keyof typeof EXPECTED_TOTALS];
      expect({ balance: t.balance, buckets: t.buckets, customers: t.customers, criticalCustomers: t.criticalCustomers, criticalAmount: t.criticalAmount }).toEqual(want);
    }
  });

  test('the cards and total rows show the JSON totals, in attributes and in visible text', async () => {
    for (const t of json.totals) {
      const cur = t.currency as keyof typeof SHOWN;
      const card = page.locator(`article.card[data-currency="${cur}"]`);
      await expect(card.count()).resolves.toBe(1);
      expect(await card.getAttribute('data-total-balance')).toBe(JSON.stringify(t.balance));
      expect(await card.getAttribute('data-critical-amount')).toBe(JSON.stringify(t.criticalAmount));
      expect(await card.getAttribute('data-customers')).toBe(String(t.customers));
      expect((await card.locator('[data-field="balance"]').innerText()).trim()).toBe(SHOWN[cur].card);
      expect((await card.locator('[data-field="critical-amount"]').innerText()).trim()).toBe(SHOWN[cur].critical);
      expect((await card.locator('[data-field="customers"]').innerText()).trim()).toBe(String(t.customers));

      const total = page.locator(`table.aging-table[data-currency="${cur}"] tr.total`);
      expect(await total.getAttribute('data-total-balance')).toBe(JSON.stringify(t.balance));
      expect((await total.locator('[data-field="balance"]').innerText()).trim()).toBe(SHOWN[cur].totalRow);
      const bucketCells = await total.locator('td[data-bucket]').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-bucket'), Number(td.getAttribute('data-amount'))]));
      expect(Object.fromEntries(bucketCells)).toEqual(t.buckets);
    }
  });

  test('the bucket chart has exactly one segment per non-empty bucket, with its amount', async () => {
    for (const t of json.totals) {
      const rects = page.locator(`svg.bucket-chart[data-currency="${t.currency}"] rect`);
      const drawn = await rects.evaluateAll((rs) => rs.map((r) => [r.getAttribute('data-bucket'), Number(r.getAttribute('data-amount'))]));
      const nonEmpty = Object.entries(t.buckets).filter(([, v]) => v !== 0);
      expect(drawn).toEqual(nonEmpty);
      // Each segment really is drawn: a visible width on the page.
      const widths = await rects.evaluateAll((rs) => rs.map((r) => r.getBoundingClientRect().width));
      for (const w of widths) expect(w).toBeGreaterThan(1);
    }
    expect(await page.locator('svg.bucket-chart[data-currency="MXN"] rect').count()).toBe(5);
    expect(await page.locator('svg.bucket-chart[data-currency="USD"] rect').count()).toBe(3);
  });

  test('the ledger text that looks like markup is shown as text and runs nothing', async () => {
    const names = await page.locator('table.aging-table[data-currency="MXN"] .cname').allInnerTexts();
    expect(names).toContain(XSS_NAME);
    expect(await page.locator('table.critical-table .cname').allInnerTexts()).toContain(XSS_NAME);
    expect(await page.locator('table.critical-table .email').allInnerTexts()).toContain(XSS_EMAIL);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('script').count()).toBe(1);
    expect(dialogs).toEqual([]);
  });

  test('clicking a column heading sorts the table, and clicking again reverses it', async () => {
    const table = page.locator('table.aging-table[data-currency="MXN"]');
    const balances = () => table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-balance'))));
    const customers = () => table.locator('tbody .cname').allInnerTexts();
    // Report order: critical first, then by balance.
    expect(await customers()).toEqual(['Constructora Norte', XSS_NAME, 'Abarrotes Sur', 'Ferretería Ñandú']);

    await table.locator('thead th', { hasText: 'Customer' }).locator('button').click();
    expect(await customers()).toEqual([XSS_NAME, 'Abarrotes Sur', 'Constructora Norte', 'Ferretería Ñandú']);
    expect(await table.locator('thead th', { hasText: 'Customer' }).getAttribute('aria-sort')).toBe('ascending');

    const balanceHead = table.locator('thead th', { hasText: /^Balance/ });
    await balanceHead.locator('button').click();
    expect(await balances()).toEqual([15500, 7500, 2000, 1234.56]);
    expect(await balanceHead.getAttribute('aria-sort')).toBe('descending');
    await balanceHead.locator('button').click();
    expect(await balances()).toEqual([1234.56, 2000, 7500, 15500]);
    expect(await balanceHead.getAttribute('aria-sort')).toBe('ascending');
    // The totals row stays at the bottom, outside the sorted rows.
    expect(await table.locator('tfoot tr.total').count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'html-report-sorted.png'), fullPage: true });
  });

  test('printed, the tables, charts and totals are all still there', async () => {
    await page.emulateMedia({ media: 'print' });
    try {
      for (const sel of ['table.critical-table', 'table.aging-table[data-currency="MXN"]', 'table.aging-table[data-currency="USD"]', 'svg.bucket-chart', 'article.card']) {
        expect(await page.locator(sel).first().isVisible(), sel).toBe(true);
      }
      const thead = await page.locator('table.aging-table thead').first().evaluate((el) => getComputedStyle(el).display);
      expect(thead).toBe('table-header-group');
      expect(await page.locator('.sort-hint').isVisible()).toBe(false);
      // The chart keeps its height on paper.
      const box = await page.locator('svg.bucket-chart').first().boundingBox();
      expect(box?.height).toBe(36);
      await page.screenshot({ path: join(ARTIFACTS, 'html-report-print.png'), fullPage: true });
      for (const [name, format] of [['html-report-a4.pdf', 'A4'], ['html-report-letter.pdf', 'Letter']] as const) {
        const pdf = await page.pdf({ format, printBackground: true });
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        await writeFile(join(ARTIFACTS, name), pdf);
      }
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
  });

  test('without JavaScript the page still shows every table, in report order', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, offline: true });
    try {
      const p = await noJs.newPage();
      await p.goto(fileUrl);
      const names = await p.locator('table.aging-table[data-currency="MXN"] tbody .cname').allInnerTexts();
      expect(names).toEqual(['Constructora Norte', XSS_NAME, 'Abarrotes Sur', 'Ferretería Ñandú']);
      expect(await p.locator('table.aging-table thead button').count()).toBe(0);
      expect(await p.locator('.sort-hint').isVisible()).toBe(false);
      expect(await p.locator('svg.bucket-chart rect').count()).toBe(8);
    } finally {
      await noJs.close();
    }
  });

  test('nothing but the file itself was requested, and the page raised no error', async () => {
    expect(refused).toEqual([]);
    expect(requested.filter((u) => u !== fileUrl)).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('the watch on requests works: a page that asks for an image is caught', async () => {
    const before = refused.length;
    const probe = await context.newPage();
    try {
      await probe.setContent('<img src="http://127.0.0.1:9/probe.png">');
      await expect.poll(() => refused.length, { timeout: 5000 }).toBeGreaterThan(before);
      expect(refused.at(-1)).toBe('http://127.0.0.1:9/probe.png');
    } finally {
      await probe.close();
      refused.splice(before);
    }
  });

  test('the page file on disk is the one the CLI wrote: self-contained, one policy', async () => {
    const text = await readFile(fileURLToPath(fileUrl), 'utf8');
    expect(text).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'">`);
    expect(text).not.toMatch(/https?:\/\//);
  });
});
