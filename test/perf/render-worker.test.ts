// The letters' render worker on a real thread: the built code (dist/, as `npm test` builds it
// before vitest runs), because the worker is a module Node loads by itself. A worker started
// ahead of time that has died before the letters were ready must not be waited for: the run
// renders without it (or with a new one) and gives the letters of a one-thread run. Previews
// written by both threads into the spool are the files a one-thread run would write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type * as EmailJob from '../../src/letters/emailjob.js';
import type * as Parallel from '../../src/letters/parallel.js';
import type * as Output from '../../src/render/output.js';
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
    expect(two.map((r) => r.raw!.toString('latin1'))).toEqual(one.map((r) => r.raw!.toString('latin1')));
  });

  it('previews: each thread writes the letters it renders into the spool, the same files as one thread keeping the bytes', async () => {
    const { renderEmails } = (await import(BUILT.href)) as typeof Parallel;
    const { openSpool } = (await import(new URL('../../dist/render/output.js', import.meta.url).href)) as typeof Output;
    const { previewText } = (await import(new URL('../../dist/letters/emailjob.js', import.meta.url).href)) as typeof EmailJob;
    const root = await mkdtemp(join(tmpdir(), 'dunning-spool-worker-'));
    try {
      const dirs = [shippedTemplatesDir()];
      const spool = await openSpool(join(root, 'previews'));
      const two = await renderEmails(emailJobs(40, 'formal', { alternate: true }), dirs, 'on', null, { dir: spool.dir, tempDir: spool.tempDir, keepText: true });
      await spool.commit();
      // Without --pdf nothing of a letter is kept once its files are written.
      const bare = await openSpool(join(root, 'bare'));
      const kept = await renderEmails(emailJobs(40, 'formal', { alternate: true }), dirs, 'on', null, { dir: bare.dir, tempDir: bare.tempDir, keepText: false });
      await bare.commit();
      expect(kept.every((r) => r.rendered === null && r.raw === null)).toBe(true);
      expect(readdirSync(join(root, 'bare')).sort()).toEqual(readdirSync(join(root, 'previews')).sort());
      const one = await renderEmails(emailJobs(40, 'formal', { alternate: true }), dirs, 'off');
      expect(two.every((r) => r.raw === null)).toBe(true);
      expect(readdirSync(join(root, 'previews'))).toHaveLength(80);
      emailJobs(40, 'formal').forEach((job, i) => {
        expect(readFileSync(join(root, 'previews', `${job.fileBase}.eml`)).equals(one[i]!.raw!)).toBe(true);
        expect(readFileSync(join(root, 'previews', `${job.fileBase}.txt`), 'utf8')).toBe(previewText(one[i]!.rendered!, job.toText));
        expect(two[i]!.rendered).toEqual(one[i]!.rendered);
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
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
    out.forEach((r, i) => expect(r.raw!.toString('latin1')).toContain(`Message-ID: <k${i}@ruiz.mx>`));
  });
});
