// The aging fast path reading a ledger in two parts (src/ledger/fastaging.ts: a cut at a line end,
// the second part read by fastworker.ts's code, FastReader.absorb joining them) gives the report
// of the general path and of the one-part read — wherever the cut falls: between two lines of one
// invoice, inside a quoted note that holds line ends, before the row that settles the day/month
// order, after a BOM, between CR and LF. Here the second part runs on this thread (threads:
// 'inline', the same code as the worker, its result passed through structuredClone like a
// message); fast-split-cli.test.ts runs the built CLI, with a real worker thread, on a large file.
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
import { fastAging, fastLedger, type FastAgingOptions, type FastReadOptions } from '../../src/ledger/fastaging.js';
import { readLedger, type ReadOptions } from '../../src/ledger/read.js';
import { toJsonReport } from '../../src/render/json.js';
import { tempDir } from '../ledger/ledgers.js';

const AS_OF = parseIsoDay('2024-12-31')!;
const AGING: FastAgingOptions = { asOf: AS_OF, basis: 'due', bounds: [30, 60, 90], criticalDays: 90, periodDays: 30 };
const OPTS: ReadOptions = { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 };
const dir = tempDir();
const generate = ledgerCsv as (o: Record<string, unknown>) => string;
const TRICKY = {
  columns: 'full', credits: 0.08, lines: 0.05, instalments: 0.05, paid: 0.3, partly: 0.15, groupedAmounts: 0.3,
  currencies: ['MXN', 'MXN', 'USD', 'EUR', 'CLP', 'KWD'], multiline: 0.05,
};

let files = 0;
function write(text: string | Buffer): string {
  const path = join(dir, `split-${files++}.csv`);
  writeFileSync(path, text);
  return path;
}

/** The JSON report of the general path (readLedger → ageLedger → metrics), or null when it rejects rows. */
async function general(path: string, opts: ReadOptions): Promise<unknown> {
  const read = await readLedger(path, opts);
  if (read.stats.rejectedRows > 0) return null;
  const base = ageLedger(read.invoices, AGING);
  const paid = read.mapping.choices.some((c) => c.field === 'paidDate');
  const report: AgingReport = {
    ...base,
    metrics: currencyMetrics(read.invoices, base, { asOf: AS_OF, criticalDays: 90, periodDays: 30, hasPaidDates: paid }),
    ...(paid ? { daysLate: averageDaysLate(read.invoices, AS_OF) } : {}),
  };
  return { report: toJsonReport(report, reportWarnings(read)), stats: read.stats, dateOrder: read.dateOrder, invoices: read.invoices };
}

type Fast = Awaited<ReturnType<typeof fastAging>>;

function summary(fast: Fast, ledger: Awaited<ReturnType<typeof fastLedger>>): unknown {
  return fast.ok && ledger.ok ? { report: toJsonReport(fast.report, reportWarnings(fast.read)), stats: fast.read.stats, dateOrder: fast.read.dateOrder, invoices: ledger.read.invoices } : null;
}

/** The aging report and remind's invoices (fastLedger), read the same way. */
async function both(path: string, o: ReadOptions, how: FastReadOptions): Promise<{ fast: Fast; summary: unknown }> {
  const fast = await fastAging(path, o, { ...AGING, ...how });
  return { fast, summary: summary(fast, await fastLedger(path, o, how)) };
}

/**
 * Reads `path` whole and cut at each of `cuts` (byte offsets) and expects one report from all of
 * them and from the general path. Returns the split outcomes, for the caller's own expectations.
 */
async function expectSameAtCuts(path: string, cuts: readonly number[], opts: Partial<ReadOptions> = {}): Promise<Extract<Fast, { ok: true }>['split'][]> {
  const o = { ...OPTS, ...opts };
  const { fast: whole, summary: wholeSummary } = await both(path, o, { threads: 'off' });
  const expected = await general(path, o);
  // The fast path is used on these ledgers, or hands them back when the general path rejects rows.
  expect(wholeSummary).toEqual(expected);
  // Repeated invoices found by sorting the items and with a hash table: the same (fastreader.ts Grouping).
  expect((await both(path, o, { threads: 'off', grouping: 'sort' })).summary).toEqual(expected);
  expect((await both(path, o, { threads: 'off', grouping: 'table' })).summary).toEqual(expected);
  const splits = [];
  for (const [i, at] of cuts.entries()) {
    const grouping = i % 2 === 0 ? ('sort' as const) : ('table' as const);
    const { fast: split, summary: splitSummary } = await both(path, o, { threads: 'inline', splitAt: at, grouping });
    expect(splitSummary, `cut at byte ${at}, ${grouping}`).toEqual(expected);
    expect(split.ok, `cut at byte ${at}`).toBe(whole.ok);
    if (split.ok && whole.ok) {
      expect(split.memory.invoices).toBe(whole.memory.invoices);
      expect(split.memory.items).toBe(whole.memory.items);
      splits.push(split.split);
    }
  }
  return splits;
}

/** Offsets spread over the file: `n` cuts from 5 % to 95 %. */
function spread(text: string | Buffer, n: number): number[] {
  const size = Buffer.byteLength(text);
  return Array.from({ length: n }, (_, i) => Math.floor(size * (0.05 + (0.9 * i) / Math.max(1, n - 1))));
}

/** The byte offset of the `nth` occurrence of `needle` in `text` (UTF-8). */
function byteOffsetOf(text: string, needle: string, nth = 0): number {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${needle} not found`);
  }
  return Buffer.byteLength(text.slice(0, at));
}

describe('the aging fast path read in two parts gives the one-part and the general report', () => {
  it('on the benchmark ledger cut at twelve points, each cut used', async () => {
    const text = generate({ rows: 3000, seed: 31 });
    const splits = await expectSameAtCuts(write(text), spread(text, 12));
    expect(splits.every((s) => s.used)).toBe(true);
  });

  it('on ledgers with statuses, paid dates, disputes, terms, ids, quoted newlines and six currencies', async () => {
    for (const seed of [32, 33]) {
      const text = generate({ rows: 2500, seed, ...TRICKY });
      const splits = await expectSameAtCuts(write(text), spread(text, 8));
      expect(splits.filter((s) => s.used).length).toBeGreaterThan(4);
    }
  });

  it('with CRLF line ends and a BOM, cut between a CR and its LF and right after the BOM', async () => {
    const text = generate({ rows: 1500, seed: 34, dateFormat: 'iso', crlf: true, bom: true, ...TRICKY });
    const crlf = byteOffsetOf(text, '\r\n', 700) + 1; // at the LF: the cut is after it
    const splits = await expectSameAtCuts(write(text), [3, crlf, crlf - 1, ...spread(text, 5)]);
    expect(splits.filter((s) => s.used).length).toBeGreaterThan(4);
  });

  it('on a Windows-1252 file', async () => {
    const text = generate({ rows: 1500, seed: 35, ...TRICKY });
    const splits = await expectSameAtCuts(write(iconv.encode(text, 'win1252')), spread(iconv.encode(text, 'win1252'), 4));
    expect(splits.every((s) => s.used)).toBe(true);
  });

  it('when the cut falls inside a quoted note whose lines look like rows: the first part reads on', async () => {
    const header = 'Cliente,Factura,Vencimiento,Importe,Notas';
    const rows = Array.from({ length: 400 }, (_, i) => `Cliente ${i % 37},F-${i},2024-0${1 + (i % 9)}-1${i % 10},${100 + i}.50,`);
    // A note that holds lines shaped like rows: a cut at its first line end looks whole.
    const note = `"Llamar,${[1, 2, 3, 4].map((k) => `\nCliente ${k},F-X${k},2024-01-01,${k}.00,`).join('')}"`;
    rows.splice(200, 0, `Cliente 5,F-N,2024-03-15,999.99,${note}`);
    const text = `${[header, ...rows].join('\n')}\n`;
    const inNote = byteOffsetOf(text, 'Llamar,');
    const [inside, after] = await expectSameAtCuts(write(text), [inNote, byteOffsetOf(text, 'F-201,')]);
    expect(inside).toMatchObject({ used: false, reason: expect.stringMatching(/inside a record/) });
    expect(after!.used).toBe(true);
  });

  it('when a row the general reader rejects is in the second part: handed back, naming the row of the file', async () => {
    const lines = generate({ rows: 600, seed: 36 }).split('\n');
    lines[500] = lines[500]!.replace(/\d\d\/\d\d\/20\d\d/, '31/02/2024');
    const text = lines.join('\n');
    const path = write(text);
    await expectSameAtCuts(path, [byteOffsetOf(text, lines[300]!)]);
    const fast = await fastAging(path, OPTS, { ...AGING, threads: 'inline', splitAt: byteOffsetOf(text, lines[300]!) });
    expect(fast).toEqual({ ok: false, reason: 'row 501: a date the general reader rejects' });
  });

  it('when the day/month order is decided late: in the second part, or not before the cut (then read on one thread)', async () => {
    // Rows 1–1200 have only days ≤ 12 (03/04/2024); later rows tell the order.
    const text = generate({ rows: 2000, seed: 37, ambiguousFirst: 1200, ...TRICKY });
    const splits = await expectSameAtCuts(write(text), spread(text, 6));
    expect(splits.some((s) => !s.used && /wait/.test(s.reason))).toBe(true);
    expect(splits.some((s) => s.used)).toBe(true);
    // A first part that tells the order and a second with ambiguous dates only (they wait to the
    // end of the second part, and the first part's rows settle them at the join); then one whose
    // second part tells the order only after 400 rows.
    const first = generate({ rows: 800, seed: 38, dateFormat: 'mdy' });
    const rest = (o: Record<string, unknown>): string => generate({ seed: 39, dateFormat: 'mdy', ...o }).split('\n').slice(1).join('\n').replace(/\b(F|NC)-/g, 'G$1-');
    for (const second of [rest({ rows: 500, ambiguousFirst: 500 }), rest({ rows: 800, ambiguousFirst: 400 })]) {
      const [split] = await expectSameAtCuts(write(first + second), [Buffer.byteLength(first) - 5]);
      expect(split!.used).toBe(true);
    }
  });

  it('when an invoice repeats across the cut: lines counted once, instalments, and conflicting rows handed back', async () => {
    const lines = generate({ rows: 1000, seed: 40 }).trimEnd().split('\n');
    // Rows 10–12 again at the end (lines of invoices already counted), and row 20 with its due
    // date a year later (an instalment of that invoice).
    let date = 0;
    const instalment = lines[20]!.replace(/\d\d\/\d\d\/20\d\d/g, (m) => (date++ === 1 ? m.replace(/(\d\d)$/, (y) => String(Number(y) + 1)) : m));
    const text = `${[...lines, lines[10], lines[11], lines[12], instalment].join('\n')}\n`;
    const path = write(text);
    const [split] = await expectSameAtCuts(path, [byteOffsetOf(text, lines[600]!)]);
    expect(split!.used).toBe(true);
    const whole = await fastAging(path, OPTS, { ...AGING, threads: 'off' });
    const plain = await fastAging(write(`${lines.join('\n')}\n`), OPTS, { ...AGING, threads: 'off' });
    expect(whole.ok && plain.ok && whole.read.stats.linesCollapsed - plain.read.stats.linesCollapsed).toBe(3);
    expect(whole.ok && plain.ok && whole.read.stats.instalmentInvoices - plain.read.stats.instalmentInvoices).toBe(1);
    // The same invoice and due date with another amount after the cut: the general reader rejects both rows.
    const plainAmounts = /,(\d+\.\d\d),(\d+\.\d\d),([A-Z]{3})$/;
    const i = lines.findIndex((l, k) => k > 30 && plainAmounts.test(l));
    const conflict = lines[i]!.replace(plainAmounts, (_m, a: string, b: string, c: string) => `,${(Number(a) + 1).toFixed(2)},${b},${c}`);
    const text2 = `${[...lines, conflict].join('\n')}\n`;
    const path2 = write(text2);
    const cut = byteOffsetOf(text2, lines[700]!);
    await expectSameAtCuts(path2, [cut]);
    const fast = await fastAging(path2, OPTS, { ...AGING, threads: 'inline', splitAt: cut });
    expect(fast).toMatchObject({ ok: false, reason: `row ${lines.length + 1}: a conflicting duplicate the general reader rejects` });
  });

  it('with decimal commas and amounts whose separator only the end of the file tells', async () => {
    const semi = generate({ rows: 1500, seed: 41, delimiter: ';', decimal: ',', ...TRICKY });
    expect((await expectSameAtCuts(write(semi), spread(semi, 4))).every((s) => s.used)).toBe(true);
    const whole = generate({ rows: 1500, seed: 42, currencies: ['CLP'], groupedAmounts: 0.6 });
    await expectSameAtCuts(write(whole), spread(whole, 4), { defaultCurrency: 'CLP' });
  });

  it('when the parts outgrow the item columns sized from the first rows (long rows first, short ones after)', async () => {
    const header = 'Cliente,Factura,Vencimiento,Importe,Saldo,Notas';
    const long = Array.from({ length: 300 }, (_, i) => `Cliente ${i % 41},L-${i},2024-0${1 + (i % 9)}-1${i % 10},${100 + i}.50,${50 + i}.25,${'nota larga '.repeat(30)}`);
    const short = Array.from({ length: 4000 }, (_, i) => `C${i % 53},S-${i},2024-1${i % 3}-0${1 + (i % 9)},${i}.10,${i % 7}.00,`);
    // Some short rows repeat long ones (lines of the same invoices) across the cut.
    const text = `${[header, ...long, ...short, ...long.slice(0, 20)].join('\n')}\n`;
    const splits = await expectSameAtCuts(write(text), spread(text, 5));
    expect(splits.every((s) => s.used)).toBe(true);
  });

  it('takes each customer’s contact details from its first row that has them, across spellings, currencies and the cut', async () => {
    // "Acme" is spelled three ways (case, spaces) with its email and phone on different rows; the
    // first rows of each currency lack the email; a closed invoice's row does not count.
    const rows = [
      'Cliente,Correo,Teléfono,Factura,Vencimiento,Importe,Saldo,Moneda',
      'ACME  S.A.,,555-0001,A-1,2024-11-01,100.00,0.00,MXN',
      'Acme S.A.,,,A-2,2024-10-01,200.00,200.00,MXN',
      'Beta,beta@x.example,,B-1,2024-10-01,50.00,50.00,USD',
      'acme s.a.,cobros@acme.example,555-0002,A-3,2024-09-01,300.00,300.00,USD',
      ...Array.from({ length: 300 }, (_, i) => `Relleno ${i % 17},,,R-${i},2024-0${1 + (i % 9)}-15,10.00,10.00,MXN`),
      'Acme S.A.,pagos@acme.example,,A-4,2024-08-01,400.00,400.00,MXN',
      'ACME  S.A.,otro@acme.example,555-0003,A-5,2024-07-01,500.00,500.00,USD',
      'Beta,,555-0009,B-2,2024-07-01,60.00,60.00,USD',
    ];
    const text = `${rows.join('\n')}\n`;
    const path = write(text);
    const splits = await expectSameAtCuts(path, [byteOffsetOf(text, 'Relleno 5,'), byteOffsetOf(text, 'Acme S.A.,pagos')]);
    expect(splits.every((s) => s.used)).toBe(true);
    const fast = await fastAging(path, OPTS, { ...AGING, threads: 'inline', splitAt: byteOffsetOf(text, 'Relleno 5,') });
    if (!fast.ok) throw new Error(fast.reason);
    const acme = (cur: string) => fast.report.customers.find((c) => c.customerKey === 'name:acme s.a.' && c.currency === cur);
    expect([acme('MXN')?.customer, acme('MXN')?.email, acme('MXN')?.phone]).toEqual(['Acme S.A.', 'pagos@acme.example', null]);
    expect([acme('USD')?.customer, acme('USD')?.email, acme('USD')?.phone]).toEqual(['acme s.a.', 'cobros@acme.example', '555-0002']);
  });

  it('does not cut a UTF-16 file', async () => {
    const text = generate({ rows: 300, seed: 43 });
    const path = write(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const fast = await fastAging(path, OPTS, { ...AGING, threads: 'inline', splitAt: 5000 });
    expect(fast.ok && fast.split).toEqual({ used: false, at: null, reason: 'utf-16le: not cut' });
  });
});
