// End to end: what a bookkeeper (or a cron log) sees when the input or a flag is wrong. Each case
// asserts the exact exit code (2 usage, 3 input), one stderr line starting `dunning: ` that names
// the file (and row/column where relevant), no stack trace, and — run with `-o out.csv` — no
// report and no temp file left in the folder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { expectCleanFailure, lines, listDir, noiseBytes, runCli, tempDirs, writeLedger, type CliResult } from './helpers.js';

const newDir = tempDirs('bad');

const GOOD = 'Customer,Invoice,Due date,Amount,Currency\nAcme,A-1,2024-05-01,100.00,USD\n';

/** Runs `aging <ledger> --as-of 2024-05-31 -o out.csv ...extra` in a folder holding `files`. */
async function agingIn(files: Readonly<Record<string, string | Uint8Array | null>>, ledger: string, ...extra: string[]): Promise<{ r: CliResult; dir: string; before: string[] }> {
  const dir = await newDir();
  for (const [name, content] of Object.entries(files)) {
    if (content === null) await mkdir(join(dir, name));
    else await writeFile(join(dir, name), content);
  }
  const before = await listDir(dir);
  const r = await runCli(['aging', ledger, '--as-of', '2024-05-31', '-o', 'out.csv', ...extra], { cwd: dir });
  return { r, dir, before };
}

/** No out.csv, no temp file: the folder holds exactly what it held before the run. */
async function expectNothingWritten(dir: string, before: readonly string[]): Promise<void> {
  expect(await listDir(dir)).toEqual(before);
}

/** Bytes that are no text: noise with NULs, starting with no BOM, zip or OLE2 signature. */
function binaryBytes(): Buffer {
  const b = noiseBytes(4096, 7);
  b[0] = 0x01;
  for (let i = 1; i < b.length; i += 9) b[i] = 0;
  return b;
}

describe.concurrent('unreadable ledgers exit 3 with one line naming the file', () => {
  it('a file that does not exist', async () => {
    const { r, dir, before } = await agingIn({}, 'missing.csv');
    expectCleanFailure(r, 3, 'missing.csv', /not found/);
    await expectNothingWritten(dir, before);
  });

  it('a folder given as the ledger', async () => {
    const { r, dir, before } = await agingIn({ ledgers: null }, 'ledgers');
    expectCleanFailure(r, 3, 'ledgers', /folder|directory/);
    await expectNothingWritten(dir, before);
  });

  it('an empty file', async () => {
    const { r, dir, before } = await agingIn({ 'empty.csv': '' }, 'empty.csv');
    expectCleanFailure(r, 3, 'empty.csv', /empty/);
    await expectNothingWritten(dir, before);
  });

  it('a binary file named .csv', async () => {
    const { r, dir, before } = await agingIn({ 'binary.csv': binaryBytes() }, 'binary.csv');
    expectCleanFailure(r, 3, 'binary.csv', /not a text/);
    await expectNothingWritten(dir, before);
  });

  it('random bytes named .xlsx', async () => {
    const { r, dir, before } = await agingIn({ 'random.xlsx': binaryBytes() }, 'random.xlsx');
    expectCleanFailure(r, 3, 'random.xlsx', /xlsx|zip/);
    await expectNothingWritten(dir, before);
  });

  it('a password-protected xlsx (an OLE2 container)', async () => {
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), noiseBytes(4096, 11)]);
    const { r, dir, before } = await agingIn({ 'protected.xlsx': ole }, 'protected.xlsx');
    expectCleanFailure(r, 3, 'protected.xlsx', /password/);
    await expectNothingWritten(dir, before);
  });

  it('a truncated (corrupt) xlsx', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Ledger');
    ws.addRow(['Customer', 'Invoice', 'Due date', 'Amount']);
    for (let i = 0; i < 50; i++) ws.addRow([`Customer ${i}`, `I-${i}`, '2024-05-01', 100 + i]);
    const whole = Buffer.from(await wb.xlsx.writeBuffer());
    const { r, dir, before } = await agingIn({ 'corrupt.xlsx': whole.subarray(0, Math.floor(whole.length / 2)) }, 'corrupt.xlsx');
    expectCleanFailure(r, 3, 'corrupt.xlsx', /corrupt|truncated/);
    await expectNothingWritten(dir, before);
  });

  it('a file with no recognizable header row', async () => {
    const { r, dir, before } = await agingIn({ 'nohead.csv': 'foo,bar,baz\n1,2,3\n4,5,6\n' }, 'nohead.csv');
    expectCleanFailure(r, 3, 'nohead.csv', /header/);
    await expectNothingWritten(dir, before);
  });

  it('a ledger without an amount column', async () => {
    const { r, dir, before } = await agingIn({ 'noamount.csv': 'Customer,Invoice,Due date\nAcme,A-1,2024-01-01\n' }, 'noamount.csv');
    expectCleanFailure(r, 3, 'noamount.csv', /required column missing/, /amount/);
    await expectNothingWritten(dir, before);
  });

  it('dates that could be day/month or month/day, with no --date-order', async () => {
    const { r, dir, before } = await agingIn({ 'amb.csv': 'Customer,Invoice,Due date,Amount\nUno,1,03/04/2024,100.00\nDos,2,05/06/2024,200.00\n' }, 'amb.csv', '--currency', 'EUR');
    expectCleanFailure(r, 3, 'amb.csv', 'row 2', '--date-order');
    await expectNothingWritten(dir, before);
  });
});

describe.concurrent('rows that cannot be read are rejected, and aging goes on', () => {
  it('exits 0, prints the report, and puts one warning line on stderr naming file, row and column', async () => {
    const dir = await newDir();
    // Row 3: a date that does not parse; row 4: an amount that does not parse. Acme A-1 (30 days) stays.
    await writeLedger(dir, 'rows.csv', 'Customer,Invoice,Due date,Amount,Currency\nAcme,A-1,2024-05-01,100.00,USD\nBeta,B-1,soon,50.00,USD\nGama,G-1,2024-04-01,12..5,USD\n');
    const r = await runCli(['aging', 'rows.csv', '--as-of', '2024-05-31', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { customers: { customer: string; balance: number }[] };
    expect(report.customers).toEqual([expect.objectContaining({ customer: 'Acme', balance: 100 })]);
    const err = lines(r.stderr);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^warning: 2 row\(s\) rejected/);
    expect(err[0]).toContain('rows.csv › row 3 › "Due date": "soon"');
    expect(err[0]).not.toMatch(/^\s+at /m);
  });
});

describe.concurrent('usage errors exit 2 with one line naming the flag or key', () => {
  it('--as-of 2024-13-45 is not a date', async () => {
    const { r, dir, before } = await agingIn({ 'ledger.csv': GOOD }, 'ledger.csv', '--as-of', '2024-13-45');
    expectCleanFailure(r, 2, '--as-of', '2024-13-45');
    await expectNothingWritten(dir, before);
  });

  it('--format pdf is not a format', async () => {
    const { r, dir, before } = await agingIn({ 'ledger.csv': GOOD }, 'ledger.csv', '--format', 'pdf');
    expectCleanFailure(r, 2, '--format', 'pdf');
    await expectNothingWritten(dir, before);
  });

  it('--buckets 60,30 is not ascending', async () => {
    const { r, dir, before } = await agingIn({ 'ledger.csv': GOOD }, 'ledger.csv', '--buckets', '60,30');
    expectCleanFailure(r, 2, '--buckets', '60,30');
    await expectNothingWritten(dir, before);
  });

  it('--map naming a header the ledger does not have', async () => {
    const { r, dir, before } = await agingIn({ 'ledger.csv': GOOD }, 'ledger.csv', '--map', 'dueDate=Nope');
    expectCleanFailure(r, 2, 'dueDate', '"Nope"', 'ledger.csv');
    await expectNothingWritten(dir, before);
  });

  it('an unknown key in the dunning.config.json beside the ledger', async () => {
    const { r, dir, before } = await agingIn({ 'ledger.csv': GOOD, 'dunning.config.json': '{ "criticalDays": 60, "criticalDayz": 30 }\n' }, 'ledger.csv');
    expectCleanFailure(r, 2, 'dunning.config.json', 'criticalDayz');
    await expectNothingWritten(dir, before);
  });

  it('flags that commander rejects still exit 2', async () => {
    const dir = await newDir();
    await writeLedger(dir, 'ledger.csv', GOOD);
    for (const args of [['aging', 'ledger.csv', '--no-such-flag'], ['aging', 'ledger.csv', '--basis', 'sideways'], ['aging']]) {
      const r = await runCli(args, { cwd: dir });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  // BUG (src/cli.ts): commander's own messages reach stderr unprefixed ("error: unknown option
  // '--no-such-flag'"), not as one `dunning: ...` line like every other error.
  it('an unknown flag is reported as one `dunning: ` line naming the flag', async () => {
    const dir = await newDir();
    await writeLedger(dir, 'ledger.csv', GOOD);
    const r = await runCli(['aging', 'ledger.csv', '--no-such-flag'], { cwd: dir });
    expectCleanFailure(r, 2, '--no-such-flag');
  });
});

describe.concurrent('contract gaps found by these tests (fixed src bugs, kept as regressions)', () => {
  // BUG (src/ledger/read.ts, readLedger): the "no invoice rows" InputError is skipped when rows
  // were rejected, so a ledger whose every row is rejected prints "No open items." and exits 0.
  // SPEC §1: exit 3 for "no usable rows".
  it('a ledger whose every row is rejected exits 3 (no usable rows), not 0 with "No open items."', async () => {
    const dir = await newDir();
    await writeLedger(dir, 'allbad.csv', 'Customer,Invoice,Due date,Amount,Currency\nAcme,A-1,2024-05-01,abc,USD\nBeta,B-1,nope,10.00,USD\n');
    const r = await runCli(['aging', 'allbad.csv', '--as-of', '2024-05-31'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(lines(r.stderr).some((l) => /^dunning: .*allbad\.csv/.test(l))).toBe(true);
  });

  // BUG (src/commands/aging.ts): `-o` pointing at the ledger itself overwrites the ledger with the
  // report. SPEC §2: "Nothing the tool reads is modified."
  it('-o naming the ledger itself is refused and the ledger is left as it was', async () => {
    const dir = await newDir();
    await writeLedger(dir, 'ledger.csv', GOOD);
    const r = await runCli(['aging', 'ledger.csv', '--as-of', '2024-05-31', '--format', 'csv', '-o', 'ledger.csv'], { cwd: dir });
    expect(await readFile(join(dir, 'ledger.csv'), 'utf8')).toBe(GOOD);
    expect(r.code).toBe(2);
  });
});
