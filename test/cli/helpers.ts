// End-to-end helpers: spawn the built CLI (bin/dunning.js → dist/, built by `npm test` before
// vitest runs) in a temp folder, collect exit code, stdout and stderr; write ledgers (CSV text,
// xlsx through exceljs); and assert the error contract of SPEC §1 — exactly one stderr line that
// starts with `dunning: `, names what is wrong, and never shows a stack trace.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, expect } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/dunning.js', import.meta.url));
export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

/** Any ANSI escape sequence (colour, bold). */
export const ANSI = /\u001b\[/;

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

/**
 * The environment of a bookkeeper's cron job in English: NO_COLOR set, no forced colour, an
 * English LANG (the tool switches to Spanish when LANG says es, and these tests read English).
 */
export function cliEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8' };
  delete env.FORCE_COLOR;
  delete env.LC_ALL;
  delete env.LC_MESSAGES;
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Runs `node bin/dunning.js ...args` in `cwd`; resolves when the process has exited. */
export function runCli(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: opts.env ?? cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, stdout: stdoutBytes.toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), stdoutBytes });
    });
  });
}

/** Temp folders for one test file, removed after its tests. */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), `dunning-e2e-${prefix}-`));
    made.push(dir);
    return dir;
  };
}

/** Writes a ledger (CSV text or bytes) into `dir` and returns its path. */
export async function writeLedger(dir: string, name: string, content: string | Uint8Array): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** Builds a workbook with exceljs and writes it to dir/name. */
export async function writeXlsx(dir: string, name: string, build: (wb: ExcelJS.Workbook) => void): Promise<string> {
  const wb = new ExcelJS.Workbook();
  build(wb);
  const path = join(dir, name);
  await wb.xlsx.writeFile(path);
  return path;
}

/** A calendar date as exceljs writes date cells: UTC midnight. */
export function utcDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

/** Sorted names in a folder: to prove no temp file or partial report was left behind. */
export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Non-empty lines of a stream's text. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/**
 * The failure contract: this exit code, exactly one stderr line starting `dunning: ` that holds
 * every fragment, no stack-trace line and no "internal error".
 */
export function expectCleanFailure(r: CliResult, code: number, ...fragments: readonly (string | RegExp)[]): string {
  const errLines = lines(r.stderr);
  expect(r.code, `exit code; stderr was:\n${r.stderr}`).toBe(code);
  expect(errLines, `stderr should be one line, was:\n${r.stderr}`).toHaveLength(1);
  const line = errLines[0]!;
  expect(line).toMatch(/^dunning: /);
  for (const f of fragments) {
    if (typeof f === 'string') expect(line).toContain(f);
    else expect(line).toMatch(f);
  }
  expect(r.stderr).not.toMatch(/^\s+at /m);
  expect(r.stderr).not.toMatch(/internal error/i);
  return line;
}

/** The rows of a cli-table3 table as trimmed cells (border lines and blank spacer rows left out). */
export function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('│'))
    .map((l) => l.split('│').slice(1, -1).map((c) => c.trim()))
    .filter((cells) => cells.some((c) => c !== ''));
}

/** The aging JSON report (SPEC §3), as far as these tests read it. */
export interface JsonCustomer {
  customer: string;
  customerId: string | null;
  email: string | null;
  currency: string;
  balance: number;
  buckets: Record<string, number>;
  oldestDaysOverdue: number | null;
  invoices: number;
  critical: boolean;
  criticalAmount: number;
}

export interface JsonTotals {
  currency: string;
  balance: number;
  buckets: Record<string, number>;
  customers: number;
  criticalCustomers: number;
  criticalAmount: number;
}

export interface JsonReport {
  schemaVersion: number;
  asOf: string;
  basis: string;
  criticalDays: number;
  buckets: string[];
  customers: JsonCustomer[];
  totals: JsonTotals[];
  warnings: string[];
}

/** Parses stdout as exactly one JSON document (JSON.parse refuses anything before or after it). */
export function parseJsonReport(r: CliResult): JsonReport {
  expect(r.code, `exit code; stderr was:\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as JsonReport;
}

/** The one entry for (customer, currency); fails when there is none or several. */
export function customerEntry(report: JsonReport, customer: string, currency: string): JsonCustomer {
  const found = report.customers.filter((c) => c.customer === customer && c.currency === currency);
  expect(found, `entries for ${customer} ${currency}`).toHaveLength(1);
  return found[0]!;
}

export function totalsFor(report: JsonReport, currency: string): JsonTotals {
  const found = report.totals.filter((t) => t.currency === currency);
  expect(found, `totals for ${currency}`).toHaveLength(1);
  return found[0]!;
}

/** Bucket amounts in label order: current, 1-30, 31-60, 61-90, 90+ by default. */
export function buckets(labels: readonly string[], values: readonly number[]): Record<string, number> {
  expect(values).toHaveLength(labels.length);
  return Object.fromEntries(labels.map((l, i) => [l, values[i]!]));
}

export const DEFAULT_BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'] as const;

/** Deterministic bytes that look random (a fixed LCG), so a "binary file" test never flakes. */
export function noiseBytes(n: number, seed = 12345): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}
