// The second thread of a long `remind` run: renders the email letters it is sent (emailjob.ts)
// while the main thread renders the others, and sends back each letter's subject, text and
// message bytes (the bytes transferred, not copied) — or, for previews, writes the letter's files
// into the run's spool itself and sends back the subject and text only when asked (--pdf).
// Started by parallel.ts, possibly ahead of time: a 'warm' message first has it load the
// templates (and run the code once on the sample letters) while the main thread is still reading
// the ledger; then one 'render' request whose jobs follow in 'jobs' messages as the main thread
// prepares them, one reply, and the main thread terminates it. The worker renders the first
// letters of the run, from the first on, while the main thread renders the others from the last
// and may come into the worker's part (parallel.ts): it replies with those it rendered.
import { parentPort } from 'node:worker_threads';
import { renderEmailJob, type EmailJob, type LetterText, type PreviewSpool } from './emailjob.js';
import { templateLoader, type LetterTemplates } from './render.js';

export type RenderRequest =
  | { readonly type: 'warm'; readonly templateDirs: readonly string[]; readonly langs: readonly ('es' | 'en')[] }
  | {
    readonly type: 'render';
    readonly templateDirs: readonly string[];
    /** How many jobs follow ('jobs' messages, in order): the first `count` letters of the run. */
    readonly count: number;
    /** Shared with the main thread, one slot per job: 0 free, 1 taken by the main thread, 2 by this one. */
    readonly claims: Int32Array;
    readonly spool: PreviewSpool | null;
  }
  | { readonly type: 'jobs'; readonly jobs: readonly EmailJob[] };

/** A letter rendered by the worker, as sent back: its bytes transferred, or null when written to the spool. */
export interface WorkerLetter {
  readonly rendered: LetterText | null;
  readonly raw: Uint8Array | null;
}

export type RenderReply =
  | { readonly type: 'done'; readonly letters: readonly WorkerLetter[] }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack: string | null };

// One run, one set of template folders: the loader is made with the first message's.
let loader: ((lang: 'es' | 'en') => Promise<LetterTemplates>) | null = null;

function templatesOf(templateDirs: readonly string[], lang: 'es' | 'en'): Promise<LetterTemplates> {
  loader ??= templateLoader(templateDirs);
  return loader(lang);
}

/** The jobs received so far, and who waits for more. */
const received: EmailJob[] = [];
let more: (() => void) | null = null;

function nextJobs(): Promise<void> {
  return new Promise((resolve) => {
    more = resolve;
  });
}

/** The jobs from the first one on, each claimed first, until the main thread has taken one; the reply is in the jobs' order. */
async function renderAll(request: RenderRequest & { type: 'render' }): Promise<{ reply: RenderReply; transfer: ArrayBuffer[] }> {
  const { templateDirs, count, claims, spool } = request;
  const letters: WorkerLetter[] = [];
  const transfer: ArrayBuffer[] = [];
  for (let i = 0; i < count; i++) {
    while (received.length <= i) await nextJobs();
    if (Atomics.compareExchange(claims, i, 0, 2) !== 0) break;
    const job = received[i]!;
    const r = await renderEmailJob(job, await templatesOf(templateDirs, job.lang), spool);
    // A copy of its own: a small Buffer may sit in Node's shared pool, which must not be moved.
    const raw = r.raw && new Uint8Array(r.raw);
    if (raw) transfer.push(raw.buffer);
    letters.push({ rendered: r.rendered, raw });
  }
  return { reply: { type: 'done', letters }, transfer };
}

const port = parentPort;
if (port) {
  port.on('message', (request: RenderRequest) => {
    if (request.type === 'warm') {
      // A template that fails here fails on the main thread too, which says so: nothing to report
      // (the loader tries again if the render request needs that language).
      for (const lang of request.langs) templatesOf(request.templateDirs, lang).catch(() => {});
      return;
    }
    if (request.type === 'jobs') {
      received.push(...request.jobs);
      more?.();
      more = null;
      return;
    }
    renderAll(request).then(
      ({ reply, transfer }) => port.postMessage(reply, transfer),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        port.postMessage({ type: 'error', name: e.name, message: e.message, stack: e.stack ?? null } satisfies RenderReply);
      },
    );
  });
}
