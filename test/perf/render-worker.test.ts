// The letters' render worker on a real thread: the built code (dist/, as `npm test` builds it
// before vitest runs), because the worker is a module Node loads by itself. A worker started
// ahead of time that has died before the letters were ready must not be waited for: the run
// renders without it (or with a new one) and gives the letters of a one-thread run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as Parallel from '../../src/letters/parallel.js';
import { shippedTemplatesDir } from '../../src/letters/render.js';
import { emailJobs } from '../letters/fixture.js';

const BUILT = new URL('../../dist/letters/parallel.js', import.meta.url);

describe.skipIf(!existsSync(fileURLToPath(BUILT)))('the render worker (built code)', () => {
  it('renders half the letters on the worker started early, the same bytes as one thread', async () => {
    const { prestartRenderWorker, renderEmails } = (await import(BUILT.href)) as typeof Parallel;
    const dirs = [shippedTemplatesDir()];
    const early = await prestartRenderWorker({ templateDirs: dirs, langs: ['es'], threads: 'on', ledgerBytes: 0 });
    expect(early?.alive()).toBe(true);
    const two = await renderEmails(emailJobs(40, 'formal'), dirs, 'on', early);
    const one = await renderEmails(emailJobs(40, 'formal'), dirs, 'off');
    expect(two.map((r) => r.raw.toString('latin1'))).toEqual(one.map((r) => r.raw.toString('latin1')));
  });

  it('does not wait for an early worker that died: the letters come out all the same', async () => {
    const { prestartRenderWorker, renderEmails } = (await import(BUILT.href)) as typeof Parallel;
    const dirs = [shippedTemplatesDir()];
    const early = (await prestartRenderWorker({ templateDirs: dirs, langs: ['es'], threads: 'on', ledgerBytes: 0 }))!;
    // A request the worker cannot take kills it (an exception in its message handler).
    early.post({ type: 'warm', templateDirs: dirs, langs: null as unknown as ['es'] });
    for (let i = 0; i < 200 && early.alive(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(early.alive()).toBe(false);
    const out = await renderEmails(emailJobs(12, 'formal'), dirs, 'on', early);
    expect(out).toHaveLength(12);
    out.forEach((r, i) => expect(r.raw.toString('latin1')).toContain(`Message-ID: <k${i}@ruiz.mx>`));
  });
});
