// The read progress line (src/ledger/progress.ts): on a TTY only, only after a second, erased at the end.
import { describe, expect, it } from 'vitest';
import { ttyReadProgress } from '../../src/ledger/progress.js';

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
});
