import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LockedError } from '../../src/errors.js';
import { translate } from '../../src/i18n/index.js';
import { acquireLock, lockPathOf } from '../../src/mail/lock.js';

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dunning-lock-'));
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  await fs.rm(dir, { recursive: true, force: true });
});

/**
 * Another run, as a real process: it takes the lock file with an exclusive create, in the format
 * dunning writes, prints "locked" and waits to be killed (it cannot import the TypeScript module:
 * there is no build in the tests).
 */
async function otherRunHoldingLock(file: string): Promise<ChildProcess> {
  const code = `
    const fs = require('node:fs'); const os = require('node:os');
    fs.mkdirSync(require('node:path').dirname(${JSON.stringify(file)}), { recursive: true });
    const fd = fs.openSync(${JSON.stringify(file)}, 'wx');
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, hostname: os.hostname(), startedAt: '2024-05-31T06:00:00.000Z' }) + '\\n');
    fs.closeSync(fd);
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (status) => reject(new Error(`helper exited with ${status}`)));
  });
  return child;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await new Promise((resolve) => child.once('exit', resolve));
  if (pid === undefined) throw new Error('no pid');
  return pid;
}

describe('acquireLock', () => {
  it('writes who holds the lock: pid, host and start time', async () => {
    const lock = await acquireLock(dir, { now: () => new Date('2024-05-31T06:00:00.000Z') });
    expect(JSON.parse(await fs.readFile(lockPathOf(dir), 'utf8'))).toEqual({
      pid: process.pid,
      hostname: os.hostname(),
      startedAt: '2024-05-31T06:00:00.000Z',
    });
    await lock.release();
    expect(existsSync(lockPathOf(dir))).toBe(false);
  });

  it('refuses a second run in the same folder with exit code 75, saying who holds it since when', async () => {
    const lock = await acquireLock(dir, { now: () => new Date('2024-05-31T06:00:00.000Z') });
    const error = await acquireLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as LockedError).exitCode).toBe(75);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as Error).message).toContain('2024-05-31T06:00:00.000Z');
    await lock.release();
    const again = await acquireLock(dir);
    await again.release();
  });

  it('lets exactly one of two simultaneous attempts win', async () => {
    const results = await Promise.allSettled([acquireLock(dir), acquireLock(dir), acquireLock(dir)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(LockedError);
  });

  it('refuses while another live process holds the lock, and takes it over once that process is dead', async () => {
    const file = lockPathOf(dir);
    const other = await otherRunHoldingLock(file);
    const error = await acquireLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as Error).message).toContain(`pid ${other.pid}`);

    await new Promise((resolve) => {
      other.once('exit', resolve);
      other.kill('SIGKILL'); // like a cron run killed with kill -9: the file stays
    });
    expect(existsSync(file)).toBe(true);
    const warnings: string[] = [];
    const lock = await acquireLock(dir, { onWarning: (w) => warnings.push(w) });
    expect(lock.owner.pid).toBe(process.pid);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`pid ${other.pid}`);
    await lock.release();
  });

  it('takes over a stale lock left by a dead pid on this machine, with a warning', async () => {
    const pid = await deadPid();
    await fs.mkdir(path.dirname(lockPathOf(dir)), { recursive: true });
    await fs.writeFile(lockPathOf(dir), JSON.stringify({ pid, hostname: os.hostname(), startedAt: '2024-05-30T06:00:00.000Z' }));
    const warnings: string[] = [];
    const lock = await acquireLock(dir, { onWarning: (w) => warnings.push(w) });
    expect(JSON.parse(await fs.readFile(lockPathOf(dir), 'utf8')).pid).toBe(process.pid);
    expect(warnings[0]).toMatch(/stale lock/);
    expect(warnings[0]).toContain(String(pid));
    await lock.release();
  });

  it('never takes over a lock from another host, even with a pid that does not exist here', async () => {
    const pid = await deadPid();
    await fs.mkdir(path.dirname(lockPathOf(dir)), { recursive: true });
    await fs.writeFile(lockPathOf(dir), JSON.stringify({ pid, hostname: 'otra-maquina.local', startedAt: '2024-05-30T06:00:00.000Z' }));
    const error = await acquireLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    expect((error as Error).message).toContain('otra-maquina.local');
    expect((error as Error).message).toContain(lockPathOf(dir));
  });

  it('treats a freshly created empty lock file as held, and one left empty for minutes as stale', async () => {
    const file = lockPathOf(dir);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '');
    const error = await acquireLock(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockedError);
    // Says what it is, in both languages: another run starting in this folder.
    expect((error as Error).message).toBe(`another dunning run is starting in this client folder: ${file} is being created; try again later`);
    expect(translate((error as Error).message, 'es')).toBe(`otra ejecución de dunning está empezando en esta carpeta de cliente: se está creando ${file}; intente más tarde`);
    const old = new Date(Date.now() - 5 * 60_000);
    await fs.utimes(file, old, old);
    const warnings: string[] = [];
    const lock = await acquireLock(dir, { onWarning: (w) => warnings.push(w) });
    expect(warnings[0]).toMatch(/unreadable lock/);
    await lock.release();
  });

  it('does not remove a lock that is no longer its own when released', async () => {
    const lock = await acquireLock(dir);
    const foreign = JSON.stringify({ pid: 1, hostname: 'otra-maquina.local', startedAt: '2024-05-31T07:00:00.000Z' });
    await fs.writeFile(lockPathOf(dir), foreign);
    await lock.release();
    expect(await fs.readFile(lockPathOf(dir), 'utf8')).toBe(foreign);
  });
});
