// The client folder's lock, `.dunning/lock`: one sending run per client folder (SPEC §5). A
// second run gets LockedError (exit 75, "try again later"). The lock is a file created with
// O_EXCL ('wx') holding who took it (pid, host, start time), so the message can say who holds
// it since when. Why takeover: a run killed with `kill -9` or a power cut leaves the file behind
// and would block every later cron run forever; a lock whose pid no longer exists on this
// machine is taken over with a warning. A lock from another host is never taken over (its pid
// means nothing here): the message says which file to delete.

import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LockedError } from '../errors.js';
import { stateDirOf } from './journal.js';

export const LOCK_FILE = 'lock';

/** What the lock file holds (one JSON object). */
export interface LockOwner {
  readonly pid: number;
  readonly hostname: string;
  /** ISO instant the run took the lock. */
  readonly startedAt: string;
}

export interface Lock {
  readonly path: string;
  readonly owner: LockOwner;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): Promise<void>;
}

export interface AcquireLockOptions {
  /** Receives the warning when a stale lock is taken over (default: ignored). */
  readonly onWarning?: (message: string) => void;
  /** For tests: the clock. */
  readonly now?: () => Date;
}

export function lockPathOf(clientDir: string): string {
  return path.join(stateDirOf(clientDir), LOCK_FILE);
}

/** Takes the client folder's lock or throws LockedError naming who holds it since when. */
export async function acquireLock(dir: string, options: AcquireLockOptions = {}): Promise<Lock> {
  const file = lockPathOf(dir);
  await fs.mkdir(path.dirname(file), { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    hostname: os.hostname(),
    startedAt: (options.now?.() ?? new Date()).toISOString(),
  };
  const content = `${JSON.stringify(owner)}\n`;
  // Two attempts: the second after a stale lock was moved out of the way.
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await tryCreate(file, content)) return makeLock(file, owner, content);
    const found = await readHolder(file);
    if (found === null) continue; // released between our create and our read
    const { holder, text } = found;
    if (holder === null) {
      // Unreadable: a run that died between creating and writing the file, or one writing it
      // right now. Only a file left like that for a minute is taken for dead.
      if (!(await olderThan(file, UNREADABLE_STALE_MS))) {
        throw new LockedError(`another dunning run is starting in this client folder: ${file} is being created; try again later`);
      }
    } else if (!isStale(holder)) {
      throw new LockedError(describeHolder(file, holder));
    }
    if (!(await moveStaleLock(file, text))) continue; // someone else took it over first: retry
    options.onWarning?.(
      holder === null
        ? `took over an unreadable lock file left by an interrupted run (${file})`
        : `took over a stale lock: ${describeOwner(holder)} is no longer running (${file})`,
    );
  }
  const last = await readHolder(file);
  throw new LockedError(
    last?.holder ? describeHolder(file, last.holder) : `${file} is held by another run; try again later`,
  );
}

const UNREADABLE_STALE_MS = 60_000;

async function olderThan(file: string, ms: number): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    return Date.now() - stat.mtimeMs > ms;
  } catch {
    return false;
  }
}

async function tryCreate(file: string, content: string): Promise<boolean> {
  let fd: fs.FileHandle;
  try {
    fd = await fs.open(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    await fd.write(content);
    await fd.sync();
  } finally {
    await fd.close();
  }
  return true;
}

/** The lock file's text and its owner (null when the text is not a lock); null when it is gone. */
async function readHolder(file: string): Promise<{ holder: LockOwner | null; text: string } | null> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.hostname === 'string' && typeof v.startedAt === 'string') {
      return { holder: { pid: v.pid, hostname: v.hostname, startedAt: v.startedAt }, text };
    }
  } catch {
    /* fall through */
  }
  return { holder: null, text };
}

/** Same host and the pid is gone. EPERM means the process exists (another user's): not stale. */
function isStale(holder: LockOwner): boolean {
  if (holder.hostname !== os.hostname()) return false;
  if (holder.pid === process.pid) return false; // this very process holds it
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Moves the stale lock aside by rename (atomic: of two runs taking over at once, one wins), then
 * checks that what it moved is the stale lock it judged (same text), not a fresh lock another run
 * created in between; a fresh one is put back and this run reports the lock as taken.
 */
async function moveStaleLock(file: string, staleText: string): Promise<boolean> {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    await fs.rename(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  const moved = await readHolder(aside);
  if (moved !== null && moved.text !== staleText) {
    await fs.rename(aside, file);
    throw new LockedError(moved.holder ? describeHolder(file, moved.holder) : `${file} is held by another run; try again later`);
  }
  await fs.rm(aside, { force: true });
  return true;
}

function describeOwner(owner: LockOwner): string {
  const where = owner.hostname === os.hostname() ? 'on this machine' : `on host ${owner.hostname}`;
  return `the run with pid ${owner.pid} ${where} (started ${owner.startedAt})`;
}

function describeHolder(file: string, owner: LockOwner): string {
  const hint =
    owner.hostname === os.hostname()
      ? 'try again when it has finished'
      : `try again later; if no dunning run is active on ${owner.hostname}, delete ${file}`;
  return `another dunning run is using this client folder: ${file} is held by ${describeOwner(owner)}; ${hint}`;
}

function makeLock(file: string, owner: LockOwner, content: string): Lock {
  let released = false;
  return {
    path: file,
    owner,
    async release(): Promise<void> {
      if (released) return;
      released = true;
      // Only our own lock is removed: if it was taken over meanwhile it belongs to another run.
      let current: string;
      try {
        current = await fs.readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      if (current === content) await fs.rm(file, { force: true });
    },
  };
}
