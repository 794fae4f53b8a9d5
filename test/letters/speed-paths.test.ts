// The shortcuts taken so that 10,000 letters render and write in seconds must give what the long
// way gave: remembered dates and numbers never mix locales nor hide an Intl error, widths are
// counted in characters (an emoji is one, not two UTF-16 units), previews written in batches are
// complete files with no temp file left behind, also when a batch fails, and previews written as
// they are rendered (the spool) appear at once or not at all.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { codePoints, layoutTable } from '../../src/letters/helpers.js';
import { formatDateLong, formatDateShort, formatNumber } from '../../src/letters/format.js';
import { tidy, untidy, wrapLine } from '../../src/letters/render.js';
import { UsageError } from '../../src/errors.js';
import { openSpool, writeFilesAtomic } from '../../src/render/output.js';
import { day } from './fixture.js';

const NBSP = '\u00a0';

describe('remembered dates and numbers', () => {
  test('the same day asked in two locales, over and over, is written in each one', () => {
    const d = day('2024-03-05');
    for (let i = 0; i < 3; i++) {
      expect(formatDateLong(d, 'es-MX')).toBe(`5${NBSP}de${NBSP}marzo${NBSP}de${NBSP}2024`);
      expect(formatDateLong(d, 'en-US')).toBe(`March${NBSP}5,${NBSP}2024`);
      expect(formatDateShort(d, 'en-US')).toBe('03/05/2024');
      expect(formatDateShort(d, 'es-MX')).toBe('05/03/2024');
    }
  });

  test('a whole number is grouped as its locale groups it, whichever locale asked first', () => {
    expect(formatNumber(1234, 'es-ES', 0)).toBe('1234'); // es-ES does not group four digits
    expect(formatNumber(1234, 'en-US', 0)).toBe('1,234');
    expect(formatNumber(1234, 'es-ES', 2)).toBe('1234');
    expect(formatNumber(12345, 'es-ES')).toBe('12.345');
  });

  test('minus zero and fractions are not taken for the whole numbers already written', () => {
    expect(formatNumber(0, 'en-US', 0)).toBe('0');
    expect(formatNumber(-0, 'en-US', 0)).toBe('-0');
    expect(formatNumber(2.5, 'en-US', 2)).toBe('2.5');
    expect(formatNumber(2.5, 'es-ES', 2)).toBe('2,5');
  });

  test('decimals Intl refuses are still refused for a number written before', () => {
    expect(formatNumber(7, 'en-US', 2)).toBe('7');
    expect(() => formatNumber(7, 'en-US', 25)).toThrow(RangeError);
  });
});

describe('widths in characters', () => {
  test('an emoji or a letter outside the BMP counts as one character', () => {
    expect(codePoints('a😀b')).toBe(3);
    expect(codePoints('𝔘ñ')).toBe(2);
    expect(codePoints('\ud800x')).toBe(2); // a lone surrogate is one character, as [...s] counts it
    expect(codePoints('')).toBe(0);
  });

  test('a paragraph of 76 characters written with emoji is not wrapped; one more character wraps it', () => {
    const fits = `${'x'.repeat(70)} ${'😀'.repeat(5)}`; // 76 characters, 81 UTF-16 units
    expect(wrapLine(fits)).toEqual([fits]);
    const over = `${'x'.repeat(70)} ${'😀'.repeat(6)}`; // 77 characters
    expect(wrapLine(over)).toEqual(['x'.repeat(70), '😀'.repeat(6)]);
  });

  test('a table cell with an emoji is padded by characters', () => {
    const rows = ['\u001dA😀\u001f$1.00', '\u001dABCD\u001f$10.00'].join('\n');
    // column widths: 4 ("ABCD"; "A😀" is 2 characters) and 6 ("$10.00"), gap 2:
    // "A😀" + 2 to fill + 2 of gap + 1 before the right-aligned "$1.00" = 5 spaces
    expect(layoutTable(rows, { align: 'lr' })).toBe([`A😀${' '.repeat(5)}$1.00`, 'ABCD  $10.00', ''].join('\n'));
  });
});

describe('previews written in batches without fsync', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'dunning-previews-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes every file whole, text and bytes, over an old preview, and leaves no temp file', async () => {
    await writeFile(join(dir, 'f2.txt'), 'an older preview, longer than the new one');
    const files = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? { path: join(dir, `f${i}.txt`), data: `Estimado cliente ${i}: 1.234,50 €\n` } : { path: join(dir, `f${i}.eml`), data: Buffer.from([0, 255, 13, 10, i]) },
    );
    await writeFilesAtomic(files, { fsyncEach: false, batch: 3 });
    expect((await readdir(dir)).sort()).toEqual(files.map((f) => f.path.slice(dir.length + 1)).sort());
    expect(await readFile(join(dir, 'f0.txt'), 'utf8')).toBe('Estimado cliente 0: 1.234,50 €\n');
    expect(await readFile(join(dir, 'f2.txt'), 'utf8')).toBe('Estimado cliente 2: 1.234,50 €\n');
    expect(await readFile(join(dir, 'f3.eml'))).toEqual(Buffer.from([0, 255, 13, 10, 3]));
  });

  test('a file that cannot be written is named in the error, and its batch leaves no temp file', async () => {
    const files = [
      { path: join(dir, 'a.txt'), data: 'a' },
      { path: join(dir, 'missing', 'b.txt'), data: 'b' },
      { path: join(dir, 'c.txt'), data: 'c' },
    ];
    await expect(writeFilesAtomic(files, { fsyncEach: false })).rejects.toThrow(`cannot write ${join(dir, 'missing', 'b.txt')}: the directory does not exist`);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('word wrap by positions', () => {
  // The word wrap as it was written first (words split out, regex per word), kept here as the
  // reference the faster one must agree with on any line.
  const DIGITS = /^[+(]?\d/;
  function reference(line: string, width = 76): string[] {
    const length = (s: string): number => [...s].length;
    if (length(line) <= width) return [line];
    const indent = /^ */.exec(line)![0];
    const body = line.slice(indent.length);
    if (body.includes('  ')) return [line];
    const hang = indent + (/^[-*•] /.test(body) ? '  ' : '');
    const words: string[] = [];
    for (const word of body.split(' ')) {
      const prev = words[words.length - 1];
      if (prev !== undefined && DIGITS.test(word) && DIGITS.test(prev.slice(prev.lastIndexOf(' ') + 1))) words[words.length - 1] = `${prev} ${word}`;
      else words.push(word);
    }
    const out: string[] = [];
    let current: string | null = null;
    for (const word of words) {
      if (current === null) current = indent + word;
      else if (length(current) + 1 + length(word) <= width) current += ' ' + word;
      else {
        out.push(current);
        current = hang + word;
      }
    }
    if (current !== null) out.push(current);
    return out;
  }

  test('a paragraph with a phone number, an account number and a bullet wraps as worked out by hand', () => {
    const para = `- Llame al +52 55 1234 5678 o transfiera a la cuenta 0121 8000 1234 5678 90 antes del ${'día '.repeat(8)}fin`;
    // 76 columns: the phone and the account number move whole; the bullet's next lines hang by 2.
    expect(wrapLine(para)).toEqual([
      '- Llame al +52 55 1234 5678 o transfiera a la cuenta 0121 8000 1234 5678 90',
      '  antes del día día día día día día día día fin',
    ]);
    // 'x' × 60 + " cuenta" is 67 columns; the account number (22) does not fit after it and moves whole.
    expect(wrapLine(`${'x'.repeat(60)} cuenta 0121 8000 1234 5678 90 hoy`)).toEqual([`${'x'.repeat(60)} cuenta`, '0121 8000 1234 5678 90 hoy']);
  });

  test('agrees with the first word wrap on any line', () => {
    const token = fc.oneof(
      fc.constantFrom('palabra', 'día', 'Núñez', '+52', '(55)', '1234', '0121', 'x'.repeat(80), '', '-', '•', '😀', '1.234,50\u00a0€'),
      fc.string({ maxLength: 12 }).map((s) => s.replace(/ /g, '')),
    );
    const line = fc.tuple(fc.constantFrom('', ' ', '    '), fc.array(token, { maxLength: 40 })).map(([indent, words]) => indent + words.join(' '));
    fc.assert(
      fc.property(line, fc.integer({ min: 10, max: 90 }), (l, width) => {
        expect(wrapLine(l, width)).toEqual(reference(l, width));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the HTML part left as it is when there is nothing to tidy', () => {
  /** tidy's long way: every line trimmed at its end, blank runs collapsed, the whole trimmed. */
  const longWay = (text: string): string =>
    (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n').map((l) => l.trimEnd()).join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';

  test('gives what the long way gives, for any mix of blanks, line ends and text', () => {
    const piece = fc.constantFrom('<p>', 'a', 'é', ' ', '\t', '\n', '\r', '\r\n', '\u00a0', '\u2028', '\ufeff', '\v', '\f', '\u3000', '</p>', '  x');
    fc.assert(fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      expect(tidy(text, false)).toBe(longWay(text));
    }), { numRuns: 3000 });
  });

  test('the check for something to tidy answers as its regular expression does', () => {
    const UNTIDY = /[^\S\n](?:\n|$)|\n\n\n|^\s|\r/;
    const piece = fc.oneof(
      fc.constantFrom('<p>', 'a', ' ', '\t', '\n', '\n\n', '\r', '\v', '\f', '\u00a0', '\u1680', '\u2000', '\u200a', '\u200b', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u0085', '😀'),
      fc.string({ maxLength: 3 }),
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), (parts) => {
      const text = parts.join('');
      expect(untidy(text)).toBe(UNTIDY.test(text));
    }), { numRuns: 5000 });
  });

  test('an already tidy part comes back as the same string; an untidy one is tidied', () => {
    const tidyHtml = '<p>a</p>\n<p>b c</p>\n\n<p>d</p>\n';
    expect(tidy(tidyHtml, false)).toBe(tidyHtml);
    expect(tidy('<p>a</p>  \n\n\n\n<p>b</p>\n\n', false)).toBe('<p>a</p>\n\n<p>b</p>\n');
    expect(tidy(' <p>a</p>', false)).toBe('<p>a</p>\n');
  });
});

describe('the previews spool: files written as they come, the folder updated at once', () => {
  let root = '';
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dunning-spool-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('a new folder appears with every file on commit, and nothing before; nothing else is left beside it', async () => {
    const dir = join(root, 'reminders', '2026-12-01');
    const spool = await openSpool(dir);
    for (let i = 0; i < 1200; i++) spool.write(`${String(i).padStart(4, '0')}.txt`, i % 2 ? `carta ${i}\n` : Buffer.from(`eml ${i}`));
    expect(existsSync(dir)).toBe(false);
    await spool.commit();
    expect(await readdir(dir)).toHaveLength(1200);
    expect(await readFile(join(dir, '0007.txt'), 'utf8')).toBe('carta 7\n');
    expect(await readFile(join(dir, '0008.txt'), 'utf8')).toBe('eml 8');
    expect(await readdir(join(root, 'reminders'))).toEqual(['2026-12-01']);
  });

  test('an existing folder keeps its other files; files of the same name are replaced', async () => {
    const dir = join(root, 'prev');
    await mkdir(dir);
    await writeFile(join(dir, 'a.txt'), 'old');
    await writeFile(join(dir, 'z.txt'), 'other run');
    const spool = await openSpool(dir);
    spool.write('a.txt', 'new');
    spool.write('b.txt', 'b');
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('old');
    await spool.commit();
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.txt', 'z.txt']);
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('new');
    expect(await readdir(root)).toEqual(['prev']);
  });

  test('a folder that appears while the files are written (another run) is filled file by file', async () => {
    const dir = join(root, 'prev');
    const spool = await openSpool(dir);
    spool.write('a.txt', 'mine');
    await mkdir(dir);
    await writeFile(join(dir, 'theirs.txt'), 'theirs');
    await spool.commit();
    expect((await readdir(dir)).sort()).toEqual(['a.txt', 'theirs.txt']);
    expect(await readdir(root)).toEqual(['prev']);
  });

  test('discarded (a template error): nothing is left, not even the folders made for it', async () => {
    const dir = join(root, 'client', 'reminders', '2026-12-01');
    await mkdir(join(root, 'client'));
    const spool = await openSpool(dir);
    spool.write('a.txt', 'a');
    spool.discard();
    expect(await readdir(root)).toEqual(['client']);
    expect(await readdir(join(root, 'client'))).toEqual([]);
  });

  test('a file that cannot be written is a UsageError naming its place in the folder', async () => {
    const dir = join(root, 'out');
    const spool = await openSpool(dir);
    spool.write('a.txt', 'a');
    expect(() => spool.write('a.txt', 'again')).toThrow(UsageError);
    expect(() => spool.write('a.txt', 'again')).toThrow(`cannot write ${join(dir, 'a.txt')}`);
    spool.discard();
    expect(await readdir(root)).toEqual([]);
  });

  test('a folder that cannot be made is refused before anything is rendered', async () => {
    await writeFile(join(root, 'file'), 'x');
    await expect(openSpool(join(root, 'file', 'out'))).rejects.toThrow(`cannot write ${join(root, 'file', 'out')}: a file is in the way`);
  });
});
