// Writing report files atomically (SPEC §6): the data goes to a temp file in the target's own
// directory (same file system, so rename is atomic), is fsynced, then renamed over the target.
// A reader — or a cron job copying the report — sees the old file or the new one, never half of
// one; when anything fails the temp file is removed and the error names the path.
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';
import { utf8Encoder } from '../utf8.js';
import { reportTaskProgress } from '../progress.js';

// One random token per process plus a counter: unique enough with the exclusive-create flag, and
// 10,000 previews no longer pay for a randomBytes call each.
const TEMP_TOKEN = randomBytes(6).toString('hex');
let tempCounter = 0;

function tempPathFor(path: string): string {
  tempCounter += 1;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${TEMP_TOKEN}${tempCounter.toString(36)}.tmp`);
}

/** Makes the rename durable; a directory cannot be opened for fsync on every platform (Windows). */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // best effort: the file itself is already on disk
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes `data` to `path` atomically. Throws UsageError ("cannot write <path>: …", exit 2) when the
 * file cannot be written — a missing directory or no permission is a bad `-o`, not a bug.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = tempPathFor(path);
  let handle: FileHandle | undefined;
  let created = false;
  try {
    handle = await open(temp, 'wx', 0o666);
    created = true;
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, path);
    created = false;
  } catch (err) {
    await handle?.close().catch(() => undefined);
    if (created) await rm(temp, { force: true }).catch(() => undefined);
    throw writeError(path, err);
  }
  await syncDirectory(dirname(path));
}

/**
 * Writes many files atomically, as writeFileAtomic does one by one, in batches: every file is
 * written to its temp name and fsynced (several at a time), then renamed, then the directory is
 * fsynced once per batch. Each file is still old-or-new, never half; what the batch saves is a
 * directory fsync per file and the waiting in line. `fsyncEach: false` (letter previews, which a
 * re-run writes again) skips every fsync: still old-or-new for every reader, but after a power cut
 * a preview may be empty or missing — 10,000 previews took ~8 s of fsyncs here, 0.3 s without.
 */
export async function writeFilesAtomic(files: readonly { readonly path: string; readonly data: string | Uint8Array }[], opts: { readonly fsyncEach?: boolean; readonly batch?: number } = {}): Promise<void> {
  await withWriteProgress(files.length, (progress) => writeBatches(files, opts, progress));
}

/**
 * Thousands of files (letter previews) can take seconds on a slow disk: the writing is reported
 * as a step (the progress line of a terminal, progress.ts), its end included whatever happens.
 */
async function withWriteProgress<T>(count: number, write: (progress: (done: number) => void) => Promise<T>): Promise<T> {
  const label = `Writing ${count.toLocaleString('en-US')} files`;
  try {
    return await write((done) => reportTaskProgress(label, done, count));
  } finally {
    reportTaskProgress(label, count, count, true);
  }
}

async function writeBatches(files: readonly { readonly path: string; readonly data: string | Uint8Array }[], opts: { readonly fsyncEach?: boolean; readonly batch?: number }, progress: (done: number) => void): Promise<void> {
  const fsyncEach = opts.fsyncEach ?? true;
  if (!fsyncEach) return writeFilesAtomicUnsynced(files, opts.batch ?? 512, progress);
  const batch = opts.batch ?? 64;
  for (let i = 0; i < files.length; i += batch) {
    progress(i);
    const part = files.slice(i, i + batch);
    const temps = part.map((f) => tempPathFor(f.path));
    const written: string[] = [];
    try {
      await Promise.all(part.map(async (f, k) => {
        const handle = await open(temps[k]!, 'wx', 0o666);
        written.push(temps[k]!);
        try {
          await handle.writeFile(f.data);
          await handle.sync();
        } finally {
          await handle.close();
        }
      }));
      for (let k = 0; k < part.length; k++) await rename(temps[k]!, part[k]!.path);
    } catch (err) {
      await Promise.all(written.map((t) => rm(t, { force: true }).catch(() => undefined)));
      const failed = part[Math.max(0, temps.findIndex((t) => !written.includes(t)))] ?? part[0]!;
      throw writeError(failed.path, err);
    }
    for (const dir of new Set(part.map((f) => dirname(f.path)))) await syncDirectory(dir);
  }
}

/**
 * The `fsyncEach: false` path, with synchronous calls in batches (the event loop gets a turn
 * between batches). Why: with nothing to wait for, the promise API cost more than the writing —
 * 20,000 preview files took ~1.3 s of JavaScript (FileHandle, AbortSignal, promise plumbing) and
 * 4 thread-pool threads creating files in one directory fought over it; the same files written
 * one after the other took ~0.2 s of JavaScript and less kernel time.
 */
async function writeFilesAtomicUnsynced(files: readonly { readonly path: string; readonly data: string | Uint8Array }[], batch: number, progress: (done: number) => void): Promise<void> {
  for (let i = 0; i < files.length; i += batch) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    progress(i);
    const part = files.slice(i, i + batch);
    const written: string[] = [];
    let current = part[0]!.path;
    try {
      for (const f of part) {
        current = f.path;
        const temp = tempPathFor(f.path);
        createFileSync(temp, f.data);
        written.push(temp);
      }
      for (let k = 0; k < part.length; k++) {
        current = part[k]!.path;
        renameSync(written[k]!, current);
      }
    } catch (err) {
      for (const t of written) rmSync(t, { force: true });
      throw writeError(current, err);
    }
  }
}

/** The two folders of a spool: plain data, so that a render worker can write into it too. */
export interface SpoolPaths {
  /** The folder the files end up in. */
  readonly dir: string;
  /** The hidden folder beside it they are written to meanwhile. */
  readonly tempDir: string;
}

/**
 * Files written as they come — letter previews, on one or two threads while the letters are
 * rendered — into a folder that is updated at once: they go into a hidden temp folder beside `dir`
 * (writeSpooled), then `commit` renames that folder to `dir` when `dir` is new (one rename: a reader
 * sees no folder or the full one; 20,000 renames took ~0.5 s on the bench disk), or moves each file
 * into the existing `dir` (old-or-new per file, as writeFilesAtomic). `discard` removes the temp
 * folder and what it holds (a template error: nothing was written). Nothing is fsynced: previews,
 * which a re-run writes again.
 */
export interface Spool extends SpoolPaths {
  write(name: string, data: string | Uint8Array): void;
  commit(): Promise<void>;
  discard(): void;
}

/**
 * Opens a spool for `dir`; throws UsageError ("cannot write <dir>: …") when its parent cannot be
 * made. Folders made for it are removed again if it is discarded (when still empty).
 */
export async function openSpool(dir: string): Promise<Spool> {
  const tempDir = tempPathFor(dir);
  let made: string | undefined;
  try {
    made = await mkdir(dirname(dir), { recursive: true });
    mkdirSync(tempDir);
  } catch (err) {
    throw writeError(dir, err);
  }
  const paths: SpoolPaths = { dir, tempDir };
  let open = true;
  const discard = (): void => {
    if (!open) return;
    open = false;
    try {
      rmSync(tempDir, { recursive: true, force: true, maxRetries: 2 });
      // The folders made for it, deepest first, each only if empty (rmdir fails otherwise).
      for (let d = dirname(dir); made !== undefined && d.length >= made.length; d = dirname(d)) rmdirSync(d);
    } catch {
      // best effort, after an error that is the one to report
    }
  };
  return {
    dir,
    tempDir,
    write: (name, data) => writeSpooled(paths, name, data),
    discard,
    commit: async () => {
      try {
        if (!existsSync(dir)) {
          try {
            renameSync(tempDir, dir);
            open = false;
            return;
          } catch (err) {
            // The folder appeared since (another run): moved into file by file instead.
            const code = (err as NodeJS.ErrnoException | null)?.code;
            if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw writeError(dir, err);
          }
        }
        await moveInto(tempDir, dir);
        made = undefined; // the folders are in use
      } finally {
        discard();
      }
    },
  };
}

/** Writes `<tempDir>/<name>` (a name written twice is an error); a failure names `<dir>/<name>`. */
export function writeSpooled(spool: SpoolPaths, name: string, data: string | Uint8Array): void {
  try {
    createFileSync(join(spool.tempDir, name), data);
  } catch (err) {
    throw writeError(join(spool.dir, name), err);
  }
}

/** Every file of `from` renamed into the existing folder `to`, in batches (the event loop gets a turn between them). */
async function moveInto(from: string, to: string): Promise<void> {
  const names = readdirSync(from);
  await withWriteProgress(names.length, async (progress) => {
    for (let i = 0; i < names.length; i++) {
      if (i > 0 && i % 512 === 0) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        progress(i);
      }
      const target = join(to, names[i]!);
      try {
        renameSync(join(from, names[i]!), target);
      } catch (err) {
        throw writeError(target, err);
      }
    }
  });
}

/** Creates `path`, which must not exist, holding `data`; a file a failed write left behind is removed. */
function createFileSync(path: string, data: string | Uint8Array): void {
  const fd = openSync(path, 'wx', 0o666);
  let written = false;
  try {
    writeAllSync(fd, typeof data === 'string' ? utf8Of(data) : data);
    written = true;
  } finally {
    closeSync(fd);
    if (!written) rmSync(path, { force: true });
  }
}

/** Text written to a file is encoded into a reused buffer (the file is written at once). */
const utf8Of = utf8Encoder();

/** writeSync may write less than asked (a signal, a full disk): go on until every byte is written. */
function writeAllSync(fd: number, data: Uint8Array): void {
  let offset = 0;
  while (offset < data.byteLength) offset += writeSync(fd, data, offset, data.byteLength - offset);
}

function writeError(path: string, err: unknown): Error {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== 'string') return err instanceof Error ? err : new Error(String(err));
  const reasons: Readonly<Record<string, string>> = {
    ENOENT: 'the directory does not exist',
    ENOTDIR: 'a part of the path is not a directory',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EISDIR: 'it is a directory',
    EEXIST: 'a file is in the way',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
  };
  const error = new UsageError(`cannot write ${path}: ${reasons[code] ?? (err as Error).message}`);
  error.cause = err;
  return error;
}
