import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { writeFileAtomic } from '../../src/render/output.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dunning-output-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeFileAtomic', () => {
  test('writes text and leaves nothing else in the directory', async () => {
    const target = join(dir, 'aging.csv');
    await writeFileAtomic(target, 'Cliente,Saldo\r\nPeña,1.00\r\n');
    expect(await readFile(target, 'utf8')).toBe('Cliente,Saldo\r\nPeña,1.00\r\n');
    expect(await readdir(dir)).toEqual(['aging.csv']);
  });

  test('writes bytes and replaces an older file whole', async () => {
    const target = join(dir, 'aging.xlsx');
    await writeFile(target, 'an older, longer report that must not leave a tail');
    await writeFileAtomic(target, new Uint8Array([0x50, 0x4b, 3, 4]));
    expect([...(await readFile(target))]).toEqual([0x50, 0x4b, 3, 4]);
    expect(await readdir(dir)).toEqual(['aging.xlsx']);
  });

  test('a missing directory is a usage error naming the path, and nothing is created', async () => {
    const target = join(dir, 'no-such-dir', 'aging.csv');
    const err = await writeFileAtomic(target, 'x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as Error).message).toBe(`cannot write ${target}: the directory does not exist`);
    expect(await readdir(dir)).toEqual([]);
  });

  test('when the final rename fails the temp file is removed and the target is untouched', async () => {
    // The target is a non-empty directory: the data is written to the temp file, then rename fails.
    const target = join(dir, 'report.md');
    await mkdir(target);
    await writeFile(join(target, 'keep.txt'), 'keep');
    await expect(writeFileAtomic(target, 'x'.repeat(100_000))).rejects.toThrow(UsageError);
    expect(await readdir(dir)).toEqual(['report.md']);
    expect((await stat(target)).isDirectory()).toBe(true);
    expect(await readdir(target)).toEqual(['keep.txt']);
  });
});
