// renderEmails (src/letters/parallel.ts) on this thread: every job rendered in order, and a long
// run reports its progress (the line a terminal shows) from the first letter to the end.
import { describe, expect, it } from 'vitest';
import type { EmailJob } from '../../src/letters/emailjob.js';
import { renderEmails } from '../../src/letters/parallel.js';
import { sampleLetterInputs, shippedTemplatesDir } from '../../src/letters/render.js';
import { setReadProgressListener, type ReadProgress } from '../../src/progress.js';

function jobs(n: number): EmailJob[] {
  const [full, bare] = sampleLetterInputs('firm', 'es');
  return Array.from({ length: n }, (_, i) => ({
    lang: 'es' as const,
    template: 'firm',
    input: { ...(i % 2 ? bare! : full!), customer: { ...full!.customer, name: `Cliente ${i}` } },
    mail: {
      from: { name: 'Cobranza', address: 'cobranza@ruiz.mx' },
      to: [{ name: `Cliente ${i}`, address: `c${i}@cliente.mx` }],
      cc: [], bcc: [], replyTo: null,
      messageId: `<k${i}@ruiz.mx>`, date: new Date(Date.UTC(2026, 11, 1, 15)), headers: {},
    },
  }));
}

describe('renderEmails on one thread', () => {
  it('renders every job in order and reports progress every 64 letters, then the end', async () => {
    const seen: ReadProgress[] = [];
    const previous = setReadProgressListener((p) => seen.push(p));
    let out;
    try {
      out = await renderEmails(jobs(130), [shippedTemplatesDir()], 'off');
    } finally {
      setReadProgressListener(previous);
    }
    expect(out).toHaveLength(130);
    out.forEach((r, i) => {
      expect(r.raw.toString('latin1')).toContain(`Message-ID: <k${i}@ruiz.mx>`);
      expect(r.rendered.text).toContain(`Cliente ${i}`);
    });
    expect(seen.map((p) => [p.file, p.done, p.total, p.finished])).toEqual([
      ['Rendering 130 letters', 0, 130, false],
      ['Rendering 130 letters', 64, 130, false],
      ['Rendering 130 letters', 128, 130, false],
      ['Rendering 130 letters', 130, 130, true],
    ]);
  });
});
