// The progress line (src/progress.ts): on a TTY only, only after a second, erased at the end; reads and other long steps, in the user's language.
import { describe, expect, it } from 'vitest';
import { translate } from '../../src/i18n/index.js';
import { reportTaskProgress, setReadProgressListener, ttyReadProgress, type ReadProgress } from '../../src/progress.js';
import { writeFilesAtomic } from '../../src/render/output.js';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function stream(isTTY: boolean) {
  const out: string[] = [];
  return { isTTY, out, write: (s: string) => (out.push(s), true) } as unknown as NodeJS.WritableStream & { isTTY: boolean; out: string[] };
}

const p = (done: number, rows: number, finished = false) => ({ file: 'ledger.csv', done, total: 1000, rows, finished });

describe('the read progress line', () => {
  it('appears only after the read has lasted a second, with the percentage and rows, and is erased at the end', () => {
    let t = 0;
    const s = stream(true);
    const listen = ttyReadProgress(s, { now: () => t });
    listen(p(100, 10));
    t = 900;
    listen(p(300, 30));
    expect(s.out).toEqual([]);
    t = 1200;
    listen(p(450, 45_000));
    expect(s.out).toEqual(['\r\x1b[KReading ledger.csv… 45% (45,000 rows)']);
    t = 1250;
    listen(p(500, 50_000)); // redrawn at most ten times a second
    listen(p(1000, 99_000, true));
    expect(s.out).toEqual(['\r\x1b[KReading ledger.csv… 45% (45,000 rows)', '\r\x1b[K']);
  });

  it('draws nothing when stderr is not a terminal (cron logs) or when disabled (--quiet)', () => {
    for (const [tty, enabled] of [[false, true], [true, false]] as const) {
      let t = 0;
      const s = stream(tty);
      const listen = ttyReadProgress(s, { now: () => t, enabled: () => enabled });
      listen(p(1, 1));
      t = 5000;
      listen(p(900, 9));
      listen(p(1000, 10, true));
      expect(s.out).toEqual([]);
    }
  });

  it('draws a long step by its label and percentage, and speaks Spanish when the run does', () => {
    for (const [lang, line] of [['en', 'Rendering 10,132 letters… 45%'], ['es', 'Generando 10,132 cartas… 45%']] as const) {
      let t = 0;
      const s = stream(true);
      const listen = ttyReadProgress(s, { now: () => t, translate: (text) => translate(text, lang) });
      const step = (done: number, finished = false): ReadProgress => ({ file: 'Rendering 10,132 letters', done, total: 10_132, rows: -1, finished, task: true });
      listen(step(0));
      t = 1500;
      listen(step(4560));
      listen(step(10_132, true));
      expect(s.out).toEqual([`\r\x1b[K${line}`, '\r\x1b[K']);
    }
    expect(translate('Reading ledger.csv… 45% (45,000 rows)', 'es')).toBe('Leyendo ledger.csv… 45% (45,000 filas)');
    expect(translate('Reading ledger.csv… 45%', 'es')).toBe('Leyendo ledger.csv… 45%');
    expect(translate('Writing 20,264 files… 30%', 'es')).toBe('Escribiendo 20,264 archivos… 30%');
  });

  it('is reported by writing many files: from 0 to the last batch, then finished', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dunning-progress-'));
    const seen: ReadProgress[] = [];
    const previous = setReadProgressListener((p) => seen.push(p));
    try {
      const files = Array.from({ length: 1100 }, (_, i) => ({ path: join(dir, `f${i}.txt`), data: `${i}\n` }));
      await writeFilesAtomic(files, { fsyncEach: false });
      expect((await readdir(dir)).length).toBe(1100);
    } finally {
      setReadProgressListener(previous);
      await rm(dir, { recursive: true, force: true });
    }
    expect(seen.map((p) => [p.file, p.done, p.total, p.finished, p.task])).toEqual([
      ['Writing 1,100 files', 0, 1100, false, true],
      ['Writing 1,100 files', 512, 1100, false, true],
      ['Writing 1,100 files', 1024, 1100, false, true],
      ['Writing 1,100 files', 1100, 1100, true, true],
    ]);
    reportTaskProgress('nobody listening', 1, 2); // no listener installed: nothing happens, nothing throws
  });
});
