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
 * other), so the shares are not fixed: the worker renders its part from the start, this thread
 * renders the rest from the end and then goes on into the worker's part, each letter claimed by
 * one of them (a shared array, `claims`), until they meet. Only letters the worker has can be
 * shared that way; it starts first (while this thread prepares the rest and loads its templates),
 * so it is sent well over half; sending it all would cost this thread the copying of every
 * letter's data.
 */
const WORKER_SHARE = 0.7;

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
  const session = await renderSession(jobs.map(jobCost), templateDirs, threads, prestarted, spool);
  for (const job of jobs) session.push(job);
  return session.finish();
}

/** A run's letters rendered while they are still being prepared: renderSession. */
export interface RenderSession {
  /** The next job, in order: the worker may start on it at once. */
  push(job: EmailJob): void;
  /** Once every job is pushed: every letter rendered, in order (see renderEmails). */
  finish(): Promise<RenderedEmail[]>;
  /** Preparing failed: the worker is stopped, nothing more is rendered. */
  abort(): Promise<void>;
}

/** Jobs are sent to the worker in groups of this many while they are prepared. */
const CHUNK = 128;

/**
 * Rendering for a run of `costs.length` letters (jobCost of each, known from the plan), whose jobs
 * are then pushed one by one as they are prepared. Why: with a worker, the first part of the run
 * goes to it in groups as soon as they are made, and it starts rendering while this thread is
 * still preparing the rest and loading its own templates (~0.5 s of a 10,000-letter run it waited).
 */
export async function renderSession(costs: readonly number[], templateDirs: readonly string[], threads: RenderThreads, prestarted: RenderWorker | null = null, spool: PreviewSpool | null = null): Promise<RenderSession> {
  const n = costs.length;
  const useWorker = threads === 'on' || (threads === 'auto' && n >= PARALLEL_MIN_LETTERS);
  const cut = useWorker && n > 1 && workerAvailable(threads) ? cutPoint(costs) : 0;
  let worker: RenderWorker | null = null;
  // A worker started early that has died since (it should not) is replaced, not waited for.
  if (cut > 0) worker = prestarted?.alive() ? prestarted : await startWorker();
  if (worker !== prestarted) await prestarted?.stop();
  // One slot per letter of the worker's part: 0 free, 1 taken by this thread, 2 by the worker.
  const claims = worker ? new Int32Array(new SharedArrayBuffer(4 * cut)) : null;
  const work = worker?.render({ type: 'render', templateDirs, count: cut, claims: claims!, spool: spool && { dir: spool.dir, tempDir: spool.tempDir, keepText: spool.keepText } }) ?? null;
  const jobs: EmailJob[] = [];
  let sent = 0;
  return {
    push(job) {
      jobs.push(job);
      if (work && sent < cut && (jobs.length - sent >= CHUNK || jobs.length === cut)) {
        work.send(jobs.slice(sent, Math.min(jobs.length, cut)));
        sent = Math.min(jobs.length, cut);
      }
    },
    async finish() {
      if (jobs.length !== n) throw new Error(`internal: ${jobs.length} of ${n} letters prepared`);
      // On a terminal, a long run shows how far this thread is (the worker's part goes at about the same pace).
      const label = `Rendering ${n.toLocaleString('en-US')} letters`;
      try {
        const templatesOf = templateLoader(templateDirs);
        const render = async (job: EmailJob): Promise<RenderedEmail> => renderEmailJob(job, await templatesOf(job.lang), spool);
        const mine: RenderedEmail[] = [];
        if (!work) {
          for (let i = 0; i < n; i++) {
            if ((i & 63) === 0) reportTaskProgress(label, i, n);
            mine.push(await render(jobs[i]!));
          }
          return mine;
        }
        // The last part, from the end; then into the worker's part, a letter the worker took
        // meaning it has taken every one before it.
        for (let i = n - 1; i >= 0; i--) {
          if (i < cut && Atomics.compareExchange(claims!, i, 0, 1) !== 0) break;
          // How far this thread is in its own part (past it, it is helping the worker finish).
          if ((mine.length & 63) === 0) reportTaskProgress(label, Math.min(mine.length, n - cut), n - cut);
          mine.push(await render(jobs[i]!));
        }
        const out = [...(await work.result), ...mine.reverse()];
        if (out.length !== n) throw new Error(`internal: ${out.length} of ${n} letters rendered`);
        return out;
      } finally {
        reportTaskProgress(label, n, n, true);
        await worker?.stop();
      }
    },
    async abort() {
      await worker?.stop();
    },
  };
}

/**
 * Where the worker's part ends: WORKER_SHARE of the cost, counted from the start. It starts
 * rendering as the first jobs are prepared, so it is given the larger part; the shared claims
 * even out the rest.
 */
function cutPoint(costs: readonly number[]): number {
  const total = costs.reduce((s, c) => s + c, 0);
  let head = 0;
  let i = 0;
  while (i < costs.length - 1 && head + costs[i]! <= total * WORKER_SHARE) head += costs[i++]!;
  return Math.max(i, 1); // the worker gets one letter at least
}

/** The render worker: a warm-up message, then one render request, its jobs in groups, one reply. */
export interface RenderWorker {
  /** False once the thread has exited. */
  alive(): boolean;
  post(request: RenderRequest & { type: 'warm' }): void;
  /** Starts a render request; its jobs follow with `send`, in order. */
  render(request: RenderRequest & { type: 'render' }): WorkerRender;
  stop(): Promise<void>;
}

export interface WorkerRender {
  send(jobs: readonly EmailJob[]): void;
  /** The letters the worker rendered: the first ones of the request's (those it claimed). */
  readonly result: Promise<RenderedEmail[]>;
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
      return { result, send: (jobs) => worker.postMessage({ type: 'jobs', jobs } satisfies RenderRequest) };
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await worker.terminate();
    },
  };
}
