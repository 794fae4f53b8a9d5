// renderEmails (src/letters/parallel.ts) on this thread: every job rendered in order, and a long
// run reports its progress (the line a terminal shows) from the first letter to the end.
import { describe, expect, it } from 'vitest';
import { renderEmails } from '../../src/letters/parallel.js';
import { shippedTemplatesDir } from '../../src/letters/render.js';
import { setReadProgressListener, type ReadProgress } from '../../src/progress.js';
import { emailJobs } from './fixture.js';

describe('renderEmails on one thread', () => {
  it('renders every job in order and reports progress every 64 letters, then the end', async () => {
    const seen: ReadProgress[] = [];
    const previous = setReadProgressListener((p) => seen.push(p));
    let out;
    try {
      out = await renderEmails(emailJobs(130, 'firm', { alternate: true }), [shippedTemplatesDir()], 'off');
    } finally {
      setReadProgressListener(previous);
    }
    expect(out).toHaveLength(130);
    out.forEach((r, i) => {
      expect(r.raw!.toString('latin1')).toContain(`Message-ID: <k${i}@ruiz.mx>`);
      expect(r.rendered!.text).toContain(`Cliente ${i}`);
    });
    expect(seen.map((p) => [p.file, p.done, p.total, p.finished])).toEqual([
      ['Rendering 130 letters', 0, 130, false],
      ['Rendering 130 letters', 64, 130, false],
      ['Rendering 130 letters', 128, 130, false],
      ['Rendering 130 letters', 130, 130, true],
    ]);
  });
});
