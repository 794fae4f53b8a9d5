// Progress: readers report how far they are (bytes of the file, rows so far), and so do the other
// long steps of a run (rendering and writing thousands of letters: reportTaskProgress); the CLI
// installs one listener that draws a line on stderr — only on a TTY and only once the step has
// taken more than a second, so a cron log never gets a progress bar and a small file never
// flickers one. A module-level listener because readers sit several calls below the command
// (source.ts, read.ts) and a progress line is a property of the terminal, not of any one read.
// The line is written in English and passed through the `translate` option (the message catalogue).

export interface ReadProgress {
  /** The file as messages name it. */
  readonly file: string;
  /** Bytes read so far (for an xlsx sheet: inflated bytes of the sheet part). */
  readonly done: number;
  /** Total bytes, or 0 when unknown. */
  readonly total: number;
  /** Rows read so far, or -1 when the reader does not count them. */
  readonly rows: number;
  /** The read finished (or failed): the line, if drawn, is cleared. */
  readonly finished: boolean;
  /** Not a read but another step: `file` is then what the step does ("Rendering 10,132 letters"). */
  readonly task?: boolean;
}

export type ReadProgressListener = (p: ReadProgress) => void;

let listener: ReadProgressListener | null = null;

/** Installs (or with null removes) the listener. Returns the previous one. */
export function setReadProgressListener(l: ReadProgressListener | null): ReadProgressListener | null {
  const prev = listener;
  listener = l;
  return prev;
}

export function reportReadProgress(file: string, done: number, total: number, rows = -1, finished = false): void {
  if (listener) listener({ file, done, total, rows, finished });
}

/** Progress of a step other than a read, e.g. `Rendering 10,132 letters`: `done` of `total` units. */
export function reportTaskProgress(label: string, done: number, total: number, finished = false): void {
  if (listener) listener({ file: label, done, total, rows: -1, finished, task: true });
}

export interface TtyProgressOptions {
  /** Checked when the line would first be drawn (e.g. not under --quiet). */
  readonly enabled?: () => boolean;
  /** Milliseconds a read must last before the line appears. */
  readonly delayMs?: number;
  readonly now?: () => number;
  /** The line in the user's language (i18n translate); English when absent. */
  readonly translate?: (english: string) => string;
}

/**
 * A listener that draws `Reading ledger.csv… 45% (450,000 rows)` (or a step's label and
 * percentage) on `stream`, redrawn at most ten times a second, and erases it when the step ends.
 * Draws nothing when the stream is not a TTY.
 */
export function ttyReadProgress(stream: NodeJS.WritableStream & { isTTY?: boolean }, opts: TtyProgressOptions = {}): ReadProgressListener {
  const delay = opts.delayMs ?? 1000;
  const now = opts.now ?? Date.now;
  const say = opts.translate ?? ((text: string): string => text);
  const started = new Map<string, number>();
  let drawnAt = 0;
  let drawn = false;
  return (p) => {
    if (!stream.isTTY) return;
    if (p.finished) {
      started.delete(p.file);
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
      return;
    }
    const t = now();
    const t0 = started.get(p.file);
    if (t0 === undefined) {
      started.set(p.file, t);
      return;
    }
    if (t - t0 < delay || t - drawnAt < 100) return;
    if (!drawn && opts.enabled && !opts.enabled()) return;
    drawnAt = t;
    drawn = true;
    const pct = p.total > 0 ? ` ${Math.min(99, Math.floor((p.done / p.total) * 100))}%` : '';
    const rows = p.rows >= 0 ? ` (${p.rows.toLocaleString('en-US')} rows)` : '';
    stream.write(`\r\x1b[K${say(p.task ? `${p.file}…${pct}` : `Reading ${p.file}…${pct}${rows}`)}`);
  };
}
