// Rendering a run's email letters on both cores: from PARALLEL_MIN_LETTERS letters on (or always
// with DUNNING_THREADS=2), the last part of the list goes to a worker thread (renderworker.ts)
// while this thread renders the first; the results come back in the list's order. Each letter is
// rendered by the same function either way (emailjob.ts), so the messages are the same bytes —
// test/cli/remind-threads.e2e.test.ts compares the previews of a run on one and on two threads.
// When there is no worker script (tests that run the TypeScript sources), this thread renders all.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { TemplateError, UsageError } from '../errors.js';
import { reportTaskProgress } from '../progress.js';
import { jobCost, renderEmailJob, type EmailJob, type PreviewSpool, type RenderedEmail } from './emailjob.js';
import { templateLoader } from './render.js';
import type { RenderReply, RenderRequest } from './renderworker.js';

/** 'auto': a worker for long runs on a machine with two cores; 'off': never; 'on': always (tests). */
export type RenderThreads = 'auto' | 'off' | 'on';

/**
 * Below this many letters a worker costs about what it saves: its start-up (a V8 isolate,
 * Handlebars, the templates compiled again: ~0.2 s) is what ~300 letters take to render.
 */
const PARALLEL_MIN_LETTERS = 600;

/**
 * The share of the work (by jobCost) sent to the worker. The two threads do not render at the same
 * speed (measured on the bench's 10,132 letters: each half took 4–5.5 s, and one waited for the
 * other), so the shares are not fixed: the worker renders its part from the end backwards, this
 * thread renders the rest and then goes on into the worker's part from the front, each letter
 * claimed by one of them (a shared array, `claims`), until they meet. Only letters the worker has
 * can be shared that way, so it is sent a bit more than half; sending it all would cost this
 * thread the copying of every letter's data.
 */
const WORKER_SHARE = 0.6;

const WORKER_URL = new URL('./renderworker.js', import.meta.url);

/**
 * A ledger file from this size on may well make a run of PARALLEL_MIN_LETTERS letters (about
 * 10,000 rows): the worker is then started before the ledger is read (prestartRenderWorker).
 */
const PRESTART_MIN_BYTES = 1 << 20;

function workerAvailable(threads: RenderThreads): boolean {
  return threads !== 'off' && (threads === 'on' || availableParallelism() >= 2) && existsSync(fileURLToPath(WORKER_URL));
}

/**
 * Starts the render worker early, for a ledger of `ledgerBytes` that will probably give a long run:
 * while this thread reads the ledger and plans, the worker starts (a V8 isolate, Handlebars) and
 * loads and checks the templates of `langs` — about half a second a long run no longer waits for.
 * renderEmails uses it, or stops it when the run turns out short. Null when not worth it.
 */
export async function prestartRenderWorker(opts: { readonly templateDirs: readonly string[]; readonly langs: readonly ('es' | 'en')[]; readonly threads: RenderThreads; readonly ledgerBytes: number }): Promise<RenderWorker | null> {
  if (!workerAvailable(opts.threads) || (opts.threads === 'auto' && opts.ledgerBytes < PRESTART_MIN_BYTES)) return null;
  const worker = await startWorker();
  worker?.post({ type: 'warm', templateDirs: opts.templateDirs, langs: opts.langs });
  return worker;
}

/**
 * Every job rendered, in order. Throws the first TemplateError met (on either thread). A worker
 * started ahead of time is used when the run is long enough, and stopped in any case. With a
 * spool (previews), each thread writes the letters it renders there (emailjob.ts).
 */
export async function renderEmails(jobs: readonly EmailJob[], templateDirs: readonly string[], threads: RenderThreads, prestarted: RenderWorker | null = null, spool: PreviewSpool | null = null): Promise<RenderedEmail[]> {
  const useWorker = threads === 'on' || (threads === 'auto' && jobs.length >= PARALLEL_MIN_LETTERS);
  const cut = useWorker && jobs.length > 1 && workerAvailable(threads) ? cutPoint(jobs) : jobs.length;
  let worker: RenderWorker | null = null;
  // A worker started early that has died since (it should not) is replaced, not waited for.
  if (cut < jobs.length) worker = prestarted?.alive() ? prestarted : await startWorker();
  if (worker !== prestarted) await prestarted?.stop();
  // One slot per letter sent to the worker: 0 free, 1 taken by this thread, 2 by the worker.
  const claims = worker ? new Int32Array(new SharedArrayBuffer(4 * (jobs.length - cut))) : null;
  const result = worker?.render({ type: 'render', templateDirs, jobs: jobs.slice(cut), claims: claims!, spool: spool && { dir: spool.dir, tempDir: spool.tempDir, keepText: spool.keepText } }) ?? null;
  const out: RenderedEmail[] = [];
  // On a terminal, a long run shows how far this thread is (the worker's part goes at about the same pace).
  const label = `Rendering ${jobs.length.toLocaleString('en-US')} letters`;
  try {
    const templatesOf = templateLoader(templateDirs);
    const mine = result ? cut : jobs.length;
    for (let i = 0; i < jobs.length; i++) {
      // Into the worker's part: a letter the worker took means it has taken every one after it.
      if (i >= mine && Atomics.compareExchange(claims!, i - cut, 0, 1) !== 0) break;
      if ((i & 63) === 0) reportTaskProgress(label, i, mine);
      const job = jobs[i]!;
      out.push(await renderEmailJob(job, await templatesOf(job.lang), spool));
    }
    if (result) out.push(...(await result));
    if (out.length !== jobs.length) throw new Error(`internal: ${out.length} of ${jobs.length} letters rendered`);
    return out;
  } finally {
    reportTaskProgress(label, jobs.length, jobs.length, true);
    await worker?.stop();
  }
}

/** Where the worker's part starts: WORKER_SHARE of the cost, counted from the end. */
function cutPoint(jobs: readonly EmailJob[]): number {
  const total = jobs.reduce((s, j) => s + jobCost(j), 0);
  let tail = 0;
  let i = jobs.length;
  while (i > 1 && tail + jobCost(jobs[i - 1]!) <= total * WORKER_SHARE) tail += jobCost(jobs[--i]!);
  return Math.min(i, jobs.length - 1); // the worker gets one letter at least
}

/** The render worker: a warm-up message, then one render request answered once. */
export interface RenderWorker {
  /** False once the thread has exited. */
  alive(): boolean;
  post(request: RenderRequest & { type: 'warm' }): void;
  /** The letters the worker rendered: the last ones of the request's (those it claimed). */
  render(request: RenderRequest & { type: 'render' }): Promise<RenderedEmail[]>;
  stop(): Promise<void>;
}

async function startWorker(): Promise<RenderWorker | null> {
  const { Worker } = await import('node:worker_threads');
  let worker: InstanceType<typeof Worker>;
  try {
    worker = new Worker(WORKER_URL);
  } catch {
    return null;
  }
  // Idle, it must not keep the process alive (a run that fails while reading the ledger just ends),
  // and a worker that dies while warming up is reported by the render request, if there is one.
  worker.unref();
  worker.on('error', () => {});
  let stopped = false;
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  return {
    alive: () => !exited,
    post: (request) => worker.postMessage(request),
    render: (request) => {
      worker.ref();
      const result = new Promise<RenderedEmail[]>((resolve, reject) => {
        worker.once('message', (reply: RenderReply) => {
          if (reply.type === 'error') {
            // A template that fails on one of the worker's letters is the user's error, as on this thread;
            // so is a preview it cannot write (a full disk): the same TemplateError or UsageError.
            const users = reply.name === 'TemplateError' ? new TemplateError(reply.message) : reply.name === 'UsageError' ? new UsageError(reply.message) : null;
            reject(users ?? Object.assign(new Error(`render worker: ${reply.message}`), { stack: reply.stack ?? undefined }));
            return;
          }
          resolve(reply.letters.map((l) => ({
            rendered: l.rendered,
            raw: l.raw && Buffer.from(l.raw.buffer, l.raw.byteOffset, l.raw.byteLength),
          })));
        });
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`render worker exited (${code}) before it replied`)));
      });
      // This thread may fail first (a template error in its part): the worker's outcome is then moot.
      result.catch(() => {});
      worker.postMessage(request);
      return result;
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await worker.terminate();
    },
  };
}
