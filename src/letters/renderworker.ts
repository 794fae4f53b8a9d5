// The second thread of a long `remind` run: renders the email letters it is sent (emailjob.ts)
// while the main thread renders the others, and sends back each letter's subject, text and
// message bytes (the bytes transferred, not copied) — or, for previews, writes the letter's files
// into the run's spool itself and sends back the subject and text only. Started by parallel.ts,
// possibly ahead of time: a 'warm' message first has it load the templates (and run the code once
// on the sample letters) while the main thread is still reading the ledger; then one 'render'
// request, one reply, and the main thread terminates it. The worker renders the request's letters
// from the last one backwards while the main thread may take them from the front (parallel.ts):
// it replies with those it rendered.
import { parentPort } from 'node:worker_threads';
import { renderEmailJob, type EmailJob, type LetterText, type PreviewSpool } from './emailjob.js';
import { templateLoader, type LetterTemplates } from './render.js';

export type RenderRequest =
  | { readonly type: 'warm'; readonly templateDirs: readonly string[]; readonly langs: readonly ('es' | 'en')[] }
  | {
    readonly type: 'render';
    readonly templateDirs: readonly string[];
    readonly jobs: readonly EmailJob[];
    /** Shared with the main thread, one slot per job: 0 free, 1 taken by the main thread, 2 by this one. */
    readonly claims: Int32Array;
    readonly spool: PreviewSpool | null;
  };

export type RenderReply =
  | { readonly type: 'done'; readonly letters: readonly { rendered: LetterText | null; raw: Uint8Array | null }[] }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack: string | null };

// One run, one set of template folders: the loader is made with the first message's.
let loader: ((lang: 'es' | 'en') => Promise<LetterTemplates>) | null = null;

function templatesOf(templateDirs: readonly string[], lang: 'es' | 'en'): Promise<LetterTemplates> {
  loader ??= templateLoader(templateDirs);
  return loader(lang);
}

/** The jobs from the last one backwards, each claimed first, until the main thread has taken one; the reply is in the jobs' order. */
async function renderAll(templateDirs: readonly string[], jobs: readonly EmailJob[], claims: Int32Array, spool: PreviewSpool | null): Promise<{ reply: RenderReply; transfer: ArrayBuffer[] }> {
  const letters: { rendered: LetterText | null; raw: Uint8Array | null }[] = [];
  const transfer: ArrayBuffer[] = [];
  for (let i = jobs.length - 1; i >= 0 && Atomics.compareExchange(claims, i, 0, 2) === 0; i--) {
    const job = jobs[i]!;
    const r = await renderEmailJob(job, await templatesOf(templateDirs, job.lang), spool);
    // A copy of its own: a small Buffer may sit in Node's shared pool, which must not be moved.
    const raw = r.raw && new Uint8Array(r.raw);
    if (raw) transfer.push(raw.buffer);
    letters.push({ rendered: r.rendered, raw });
  }
  return { reply: { type: 'done', letters: letters.reverse() }, transfer };
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
    renderAll(request.templateDirs, request.jobs, request.claims, request.spool).then(
      ({ reply, transfer }) => port.postMessage(reply, transfer),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        port.postMessage({ type: 'error', name: e.name, message: e.message, stack: e.stack ?? null } satisfies RenderReply);
      },
    );
  });
}
