// The second thread of a long `remind` run: renders the email letters it is sent (emailjob.ts)
// while the main thread renders the others, and sends back each letter's parts and message
// bytes (the bytes transferred, not copied). Started by parallel.ts; one job list, one
// reply, then the main thread terminates it.
import { parentPort } from 'node:worker_threads';
import { renderEmailJob, type EmailJob } from './emailjob.js';
import { loadTemplates, type LetterTemplates, type RenderedLetter } from './render.js';

export interface RenderRequest {
  readonly templateDirs: readonly string[];
  readonly jobs: readonly EmailJob[];
}

export type RenderReply =
  | { readonly type: 'done'; readonly letters: readonly { rendered: RenderedLetter; raw: Uint8Array }[] }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly stack: string | null };

async function renderAll(request: RenderRequest): Promise<{ reply: RenderReply; transfer: ArrayBuffer[] }> {
  const templates = new Map<'es' | 'en', LetterTemplates>();
  const letters: { rendered: RenderedLetter; raw: Uint8Array }[] = [];
  const transfer: ArrayBuffer[] = [];
  for (const job of request.jobs) {
    let t = templates.get(job.lang);
    if (!t) {
      t = await loadTemplates(request.templateDirs, job.lang);
      templates.set(job.lang, t);
    }
    const r = await renderEmailJob(job, t);
    // A copy of its own: a small Buffer may sit in Node's shared pool, which must not be moved.
    const raw = new Uint8Array(r.raw);
    transfer.push(raw.buffer);
    letters.push({ rendered: r.rendered, raw });
  }
  return { reply: { type: 'done', letters }, transfer };
}

const port = parentPort;
if (port) {
  port.once('message', (request: RenderRequest) => {
    renderAll(request).then(
      ({ reply, transfer }) => port.postMessage(reply, transfer),
      (err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        port.postMessage({ type: 'error', name: e.name, message: e.message, stack: e.stack ?? null } satisfies RenderReply);
      },
    );
  });
}
