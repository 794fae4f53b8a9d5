// Snapshots of the aging report (`aging --snapshot`) in the client folder's
// `.dunning/snapshots/<as-of>.json`, and reading them back for `dunning trend` and the HTML
// report's trend chart. One file per as-of date: a later run of the same date replaces it.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError } from './errors.js';
import type { JsonReport } from './render/json.js';
import { writeFileAtomic } from './render/output.js';

export function snapshotsDirOf(clientDir: string): string {
  return join(clientDir, '.dunning', 'snapshots');
}

export async function saveSnapshot(clientDir: string, report: JsonReport): Promise<string> {
  const dir = snapshotsDirOf(clientDir);
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${report.asOf}.json`);
  await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}

/** Every snapshot of the folder, oldest first. A file that is not a report is an input error naming it. */
export async function loadSnapshots(clientDir: string): Promise<JsonReport[]> {
  const dir = snapshotsDirOf(clientDir);
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /^\d{4}-\d{2}-\d{2}\.json$/.test(n)).sort();
  } catch {
    return [];
  }
  const out: JsonReport[] = [];
  for (const name of names) {
    const file = join(dir, name);
    let json: JsonReport;
    try {
      json = JSON.parse(await readFile(file, 'utf8')) as JsonReport;
    } catch (err) {
      throw new InputError(`${file}: not a readable snapshot (${(err as Error).message}); delete it or restore it`);
    }
    if (json.schemaVersion !== 1 || !Array.isArray(json.totals)) throw new InputError(`${file}: not an aging report snapshot (schemaVersion ${String(json.schemaVersion)})`);
    out.push(json);
  }
  return out;
}

export interface TrendRow {
  readonly asOf: string;
  readonly currency: string;
  readonly balance: number;
  readonly buckets: Readonly<Record<string, number>>;
  readonly criticalAmount: number;
  readonly criticalCustomers: number;
  readonly dso: number | null;
  readonly atRiskRate: number | null;
}

/** One row per snapshot and currency, oldest first. */
export function trendRows(snapshots: readonly JsonReport[]): TrendRow[] {
  return snapshots.flatMap((s) =>
    s.totals.map((t) => ({
      asOf: s.asOf,
      currency: t.currency,
      balance: t.balance,
      buckets: t.buckets,
      criticalAmount: t.criticalAmount,
      criticalCustomers: t.criticalCustomers,
      dso: t.dso ?? null,
      atRiskRate: t.atRiskRate ?? null,
    })),
  );
}
