// The aging fast path (src/ledger/fastaging.ts) against the general path (readLedger → ageLedger →
// metrics, as `dunning aging` runs it): identical reports — the JSON of toJsonReport, and the CSV,
// Markdown and table renderings — on generated ledgers with every feature the reader has (credits,
// currencies, lines, instalments, statuses, paid dates, terms instead of due dates, ambiguous
// day/month dates, decimal commas, quoted fields and newlines, generic ids, CRLF, BOM, Windows-1252).
// The fast path must also *be used* on those (ok: true), and hand back (ok: false) what it does not
// do the same way. Its reading for `remind` (fastLedger) must give readLedger's invoices, in order. No timing here: speed is `npm run bench`'s job.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs module without types (bench/ is not compiled)
import { ledgerCsv } from '../../bench/generate.mjs';
import { reportWarnings } from '../../src/commands/aging.js';
import { ageLedger, type AgingReport } from '../../src/core/aging.js';
import { parseIsoDay } from '../../src/core/dates.js';
import { averageDaysLate, currencyMetrics } from '../../src/core/metrics.js';
import { fastAging, fastLedger } from '../../src/ledger/fastaging.js';
import { readLedger, type LedgerRead, type ReadOptions } from '../../src/ledger/read.js';
import { renderReport } from '../../src/render/index.js';
import { toJsonReport } from '../../src/render/json.js';
import { tempDir } from '../ledger/ledgers.js';

const AS_OF = parseIsoDay('2024-12-31')!;
const AGING = { asOf: AS_OF, basis: 'due' as const, bounds: [30, 60, 90], criticalDays: 90, periodDays: 30 };
const dir = tempDir();
const generate = ledgerCsv as (o: Record<string, unknown>) => string;

function write(name: string, text: string, encoding: 'utf8' | 'win1252' = 'utf8'): string {
  const path = join(dir, name);
  writeFileSync(path, encoding === 'utf8' ? Buffer.from(text, 'utf8') : iconv.encode(text, 'win1252'));
  return path;
}

/** What `dunning aging` computes on the general path (src/commands/aging.ts, without --payments). */
async function general(path: string, opts: ReadOptions, aging = AGING): Promise<{ read: LedgerRead; report: AgingReport }> {
  const read = await readLedger(path, opts);
  const base = ageLedger(read.invoices, aging);
  const paidDatesKnown = read.mapping.choices.some((c) => c.field === 'paidDate');
  const report: AgingReport = {
    ...base,
    metrics: currencyMetrics(read.invoices, base, { asOf: aging.asOf, criticalDays: aging.criticalDays, periodDays: aging.periodDays, hasPaidDates: paidDatesKnown }),
    ...(paidDatesKnown ? { daysLate: averageDaysLate(read.invoices, aging.asOf) } : {}),
  };
  return { read, report };
}

async function expectSame(path: string, opts: Partial<ReadOptions> = {}, aging = AGING): Promise<{ customers: number; reason?: string }> {
  const o: ReadOptions = { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30, ...opts };
  const slow = await general(path, o, aging);
  const fast = await fastAging(path, o, aging);
  if (!fast.ok) return { customers: -1, reason: fast.reason };
  const a = toJsonReport(slow.report, reportWarnings(slow.read));
  const b = toJsonReport(fast.report, reportWarnings(fast.read));
  expect(b).toEqual(a);
  expect(fast.read.stats).toEqual(slow.read.stats);
  expect(fast.read.dateOrder).toEqual(slow.read.dateOrder);
  for (const format of ['csv', 'md', 'table'] as const) {
    const render = (r: AgingReport, read: LedgerRead) => renderReport(format, r, { lang: 'es', locale: 'es-MX', color: false, warnings: reportWarnings(read) });
    expect(String(await render(fast.report, fast.read)), format).toBe(String(await render(slow.report, slow.read)));
  }
  // remind's reading (fastLedger): readLedger's invoices, in its order, and its warnings.
  const ledger = await fastLedger(path, o);
  expect(ledger.ok ? 'ok' : ledger.reason).toBe('ok');
  if (ledger.ok) {
    expect(ledger.read.invoices).toEqual(slow.read.invoices);
    expect(ledger.read.warnings).toEqual(slow.read.warnings);
    expect(ledger.read.stats).toEqual(slow.read.stats);
  }
  return { customers: a.customers.length };
}

const TRICKY = {
  columns: 'full', credits: 0.08, lines: 0.05, instalments: 0.05, paid: 0.3, partly: 0.15, groupedAmounts: 0.3,
  currencies: ['MXN', 'MXN', 'USD', 'EUR', 'CLP', 'KWD'], multiline: 0.05,
};

describe('the aging fast path gives the general path’s report', () => {
  it('on the benchmark ledger (8 columns, d/m/y dates, quoted names, credits, lines, instalments), several seeds', async () => {
    for (const seed of [1, 2, 3]) {
      const r = await expectSame(write(`bench-${seed}.csv`, generate({ rows: 3000, seed })));
      expect(r.reason, `seed ${seed}`).toBeUndefined();
      expect(r.customers).toBeGreaterThan(20);
    }
  });

  it('on ledgers with statuses, paid dates, disputes, terms, ids, quoted newlines and six currencies (CLP, KWD), several seeds', async () => {
    for (const seed of [4, 5, 6, 7]) {
      const r = await expectSame(write(`full-${seed}.csv`, generate({ rows: 2500, seed, ...TRICKY })));
      expect(r.reason, `seed ${seed}`).toBeUndefined();
    }
  });

  it('with ISO dates, month-first dates, CRLF line ends and a BOM', async () => {
    expect((await expectSame(write('iso.csv', generate({ rows: 1500, seed: 8, dateFormat: 'iso', crlf: true, bom: true, ...TRICKY })))).reason).toBeUndefined();
    expect((await expectSame(write('mdy.csv', generate({ rows: 1500, seed: 9, dateFormat: 'mdy', ...TRICKY })))).reason).toBeUndefined();
  });

  it('when the first rows have only ambiguous dates (03/04/2024) and a later row settles the order', async () => {
    for (const [seed, format] of [[10, 'dmy'], [11, 'mdy']] as const) {
      const r = await expectSame(write(`amb-${seed}.csv`, generate({ rows: 2000, seed, dateFormat: format, ambiguousFirst: 300, ...TRICKY })));
      expect(r.reason, format).toBeUndefined();
    }
  });

  it('with ; and decimal commas (1.234,56), and with amounts like 1,234 whose separator only the column tells', async () => {
    const semi = generate({ rows: 2000, seed: 12, delimiter: ';', decimal: ',', ...TRICKY });
    expect((await expectSame(write('semi.csv', semi))).reason).toBeUndefined();
    // Amounts without decimals: "12,345" is ambiguous until a "1,234.56" (or the end of the file) decides.
    const whole = generate({ rows: 1500, seed: 13, currencies: ['CLP'], groupedAmounts: 0.6 });
    expect((await expectSame(write('clp.csv', whole), { defaultCurrency: 'CLP' })).reason).toBeUndefined();
  });

  it('with --date-order, --decimal, --basis invoice, custom buckets and another as-of date', async () => {
    const path = write('opts.csv', generate({ rows: 1500, seed: 14, ambiguousFirst: 1500, ...TRICKY }));
    expect((await expectSame(path, { dateOrder: 'dmy', decimal: '.' })).reason).toBeUndefined();
    const aging = { ...AGING, asOf: parseIsoDay('2024-06-30')!, basis: 'invoice' as const, bounds: [15, 30, 60, 90, 120], criticalDays: 60 };
    expect((await expectSame(path, { dateOrder: 'dmy' }, aging)).reason).toBeUndefined();
  });

  it('on a Windows-1252 file', async () => {
    expect((await expectSame(write('win.csv', generate({ rows: 1000, seed: 15, ...TRICKY }), 'win1252'))).reason).toBeUndefined();
  });

  it('on the shipped example and the export fixtures (used or handed back, never different)', async () => {
    const { readdirSync } = await import('node:fs');
    const fixtures = new URL('../fixtures/exports/', import.meta.url).pathname;
    let used = 0;
    for (const f of readdirSync(fixtures).filter((x) => /\.(csv|txt)$/.test(x)).sort()) {
      for (const currency of ['USD', 'MXN', 'EUR']) {
        const r = await expectSame(join(fixtures, f), { defaultCurrency: currency }).catch((e: Error) => ({ customers: -1, reason: `general path: ${e.message}` }));
        if (!r.reason) used++;
      }
    }
    expect(used).toBeGreaterThan(10);
  });
});

describe('the aging fast path hands a ledger back to the general path', () => {
  it('when two rows repeat an invoice with the same due date and different amounts (rejected rows)', async () => {
    const fast = await fastAging(write('conflict.csv', generate({ rows: 500, seed: 16, conflicts: 0.05 })), { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 }, AGING);
    expect(fast.ok).toBe(false);
    if (!fast.ok) expect(fast.reason).toMatch(/conflicting duplicate/);
  });

  it('when every date is ambiguous and nothing tells the order (the general reader asks for --date-order)', async () => {
    const fast = await fastAging(write('allamb.csv', generate({ rows: 300, seed: 17, ambiguousFirst: 300 })), { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 }, AGING);
    expect(fast).toEqual({ ok: false, reason: 'ambiguous day/month dates and nothing in the file tells the order' });
  });

  it('when more rows wait for the day/month order than it keeps aside', async () => {
    const path = write('waiting.csv', generate({ rows: 400, seed: 18, ambiguousFirst: 200 }));
    const fast = await fastAging(path, { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 }, { ...AGING, maxWaiting: 100 });
    expect(fast.ok).toBe(false);
  });

  it('for a bad value, a totals row, an .xls file and a column it does not read', async () => {
    const o: ReadOptions = { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 };
    const bad = 'Cliente,Factura,Vencimiento,Importe\nAcme,1,2024-01-31,100.00\nBeta,2,31/02/2024,50.00\n';
    expect(await fastAging(write('bad.csv', bad), o, AGING)).toMatchObject({ ok: false, reason: expect.stringMatching(/row 3/) });
    const total = 'Cliente,Factura,Vencimiento,Importe\nAcme,1,2024-01-31,100.00\nTotal,,,100.00\n';
    expect(await fastAging(write('total.csv', total), o, AGING)).toMatchObject({ ok: false });
    expect(await fastAging(join(dir, 'x.xls'), o, AGING)).toEqual({ ok: false, reason: 'not a CSV file' });
    expect((await expectSame(write('total2.csv', total))).reason).toBeDefined();
  });
});
