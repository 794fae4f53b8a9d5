// One part of a CSV ledger read by a FastReader, as the second thread does it (fastworker.ts) — or
// the main thread, in tests and when threads are off (`inline` in fastaging.ts): the same function
// either way, so that the tests of the join run the code the worker runs.
import { csvError } from './csv.js';
import { CsvSyntaxError } from './csvscan.js';
import { Bail, FastReader, Items, PartScanner, type FastSpec, type ItemsData, type PartData } from './fastreader.js';

export interface WorkerJob {
  readonly spec: FastSpec;
  /** Byte offset of the part's first record (the part runs to the end of the file). */
  readonly from: number;
  readonly chunkBytes: number;
  /** Sort the part's items by key hash for the join (fastreader.ts Grouping 'sort'). */
  readonly sort: boolean;
  /** Shared item columns and the part's region [from, to) of them (fastreader.ts Items). */
  readonly region?: { readonly items: ItemsData; readonly from: number; readonly to: number };
}

export type WorkerReply =
  | { readonly type: 'done'; readonly part: PartData }
  /** Bail (or bad bytes): `row` is a line of the part (1 = its first line). */
  | { readonly type: 'failed'; readonly what: string; readonly row: number | null; readonly definitive: boolean }
  /** Anything else (a bug, memory): the main thread reads the part itself. */
  | { readonly type: 'error'; readonly message: string };

/** The buffers of a part's arrays, to transfer rather than copy (shared ones need neither). */
export function transferList(part: PartData): ArrayBuffer[] {
  const it = part.items;
  const arrays = [it.due, it.inv, it.paid, it.amount, it.open, it.party, it.row, it.next, it.currency, it.flags, it.keyHash, it.keyEnd, part.keyArena];
  if (part.sorted) arrays.push(part.sorted.hash, part.sorted.idx);
  return arrays.map((a) => a.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

export async function readPart(job: WorkerJob, progress?: (done: number, rows: number) => void): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  const region = job.region;
  const reader = new FastReader(job.spec, region && Items.view(region.items, region.from, region.to));
  let ps: PartScanner | null = null;
  try {
    ps = await PartScanner.open(job.spec, reader, job.from, job.chunkBytes);
    await ps.readTo(Infinity, progress && ((pos) => progress(pos - job.from, reader.stats.dataRows)));
    ps.finish();
    if (job.sort) reader.sortPending();
    // Rows still waiting for the day/month order or the decimal separator are handed over with
    // the rest: the rows before this part may tell.
    const part = reader.toData();
    return { reply: { type: 'done', part }, transfer: transferList(part) };
  } catch (err) {
    if (err instanceof Bail) return { reply: { type: 'failed', what: err.what, row: err.row, definitive: err.definitive }, transfer: [] };
    if (err instanceof CsvSyntaxError) return { reply: { type: 'failed', what: err.message, row: err.line, definitive: true }, transfer: [] };
    if (err instanceof Error && err.message === 'invalid-utf8') {
      return { reply: { type: 'failed', what: csvError(err, job.spec.file, job.spec.encoding).message, row: null, definitive: true }, transfer: [] };
    }
    return { reply: { type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) }, transfer: [] };
  } finally {
    await ps?.close();
  }
}
