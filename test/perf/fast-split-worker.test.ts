// The aging fast path on a real worker thread: the built code (dist/, as `npm test` builds it
// before vitest runs), because the worker is a separate module that Node loads by itself and
// cannot run from TypeScript sources. A 9 MB ledger read on two threads (splitMinBytes 0, or
// DUNNING_THREADS=2 in the CLI: files that small are read on one) gives the report of the general
// path — through fastAging, and through the CLI against DUNNING_FAST=0. fast-split.test.ts covers
// the cut and the join in depth.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs module without types (bench/ is not compiled)
import { writeLedgerCsv } from '../../bench/generate.mjs';
import { reportWarnings } from '../../src/commands/aging.js';
import { ageLedger } from '../../src/core/aging.js';
import { parseIsoDay } from '../../src/core/dates.js';
import { averageDaysLate, currencyMetrics } from '../../src/core/metrics.js';
import type { fastAging as FastAging } from '../../src/ledger/fastaging.js';
import { readLedger, type ReadOptions } from '../../src/ledger/read.js';
import { toJsonReport } from '../../src/render/json.js';
import { tempDir } from '../ledger/ledgers.js';

const BUILT = new URL('../../dist/ledger/fastaging.js', import.meta.url);
const BIN = fileURLToPath(new URL('../../bin/dunning.js', import.meta.url));
const AS_OF = parseIsoDay('2024-12-31')!;
const AGING = { asOf: AS_OF, basis: 'due' as const, bounds: [30, 60, 90], criticalDays: 90, periodDays: 30 };
const OPTS: ReadOptions = { map: {}, defaultCurrency: 'MXN', defaultTermsDays: 30 };

describe.skipIf(!existsSync(fileURLToPath(BUILT)))('the aging fast path on two threads (built code)', () => {
  it('reads a 9 MB ledger with quoted line ends on a worker and gives the general path’s report, also through the CLI', async () => {
    const dir = tempDir();
    const path = join(dir, 'big.csv');
    const write = writeLedgerCsv as (p: string, o: Record<string, unknown>) => Promise<number>;
    const bytes = await write(path, {
      rows: 52_000, seed: 51, columns: 'full', credits: 0.08, lines: 0.05, instalments: 0.05, paid: 0.3, partly: 0.15,
      currencies: ['MXN', 'MXN', 'USD', 'EUR'], multiline: 0.05, crlf: true, bom: true,
    });
    expect(bytes).toBeGreaterThan(8 << 20);
    const { fastAging } = (await import(BUILT.href)) as { fastAging: typeof FastAging };
    // The cut given (the middle): left to the worker's readiness, a busy machine could leave it nothing.
    const fast = await fastAging(path, OPTS, { ...AGING, splitMinBytes: 0, splitAt: Math.floor(bytes / 2) });
    expect(fast.ok && fast.split).toMatchObject({ used: true, reason: 'two threads' });
    const read = await readLedger(path, OPTS);
    const base = ageLedger(read.invoices, AGING);
    const general = toJsonReport({
      ...base,
      metrics: currencyMetrics(read.invoices, base, { asOf: AS_OF, criticalDays: 90, periodDays: 30, hasPaidDates: true }),
      daysLate: averageDaysLate(read.invoices, AS_OF),
    }, reportWarnings(read));
    if (!fast.ok) throw new Error(fast.reason);
    expect(JSON.parse(JSON.stringify(toJsonReport(fast.report, reportWarnings(fast.read))))).toEqual(JSON.parse(JSON.stringify(general)));
    expect(fast.read.stats).toEqual(read.stats);
    // The CLI: the same JSON document with and without the fast path.
    const run = (env: Record<string, string>) => spawnSync(process.execPath, [BIN, 'aging', path, '--as-of', '2024-12-31', '--format', 'json', '--currency', 'MXN'], {
      encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8', ...env }, maxBuffer: 64 << 20,
    });
    const withWorker = run({ DUNNING_THREADS: '2' });
    const generalCli = run({ DUNNING_FAST: '0' });
    expect(withWorker.status).toBe(0);
    expect(generalCli.status).toBe(0);
    expect(withWorker.stdout).toBe(generalCli.stdout);
    expect(JSON.parse(withWorker.stdout).customers.length).toBeGreaterThan(100);
  }, 60_000);
});
