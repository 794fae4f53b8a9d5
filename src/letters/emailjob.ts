// One email letter from its data to the bytes that are sent: the letter's context (context.ts),
// its three parts from the templates (render.ts), the MIME message (mail/smtp.ts buildRawMessage).
// The context is not kept: it is most of a letter's objects, and a --pdf copy builds it again.
// A job is plain data, so that the same function runs on this thread or on the render worker
// (renderworker.ts) with the same result, byte for byte. Previews (remind without --send) are
// written by the thread that renders them, as soon as they are (render/output.ts spool): the
// bytes are neither kept nor copied back from the worker.
import { writeSpooled, type SpoolPaths } from '../render/output.js';
import { buildRawMessage, lendRawMessage, type RawMessageInput } from '../mail/smtp.js';
import { buildLetterContext, type LetterInput } from './context.js';
import { renderLetter, type LetterTemplates, type RenderedLetter } from './render.js';

export interface EmailJob {
  readonly lang: 'es' | 'en';
  /** The template set to render ("friendly", "firm", "upcoming", or a custom level's name). */
  readonly template: string;
  readonly input: LetterInput;
  /** Everything of the message but what the templates write. */
  readonly mail: Omit<RawMessageInput, 'subject' | 'text' | 'html'>;
  /** The letter's file name without extension (`001-Garcia-Hermanos-MXN-L4`). */
  readonly fileBase: string;
  /** Who it goes to, as the plain-text copy says (`previewText`). */
  readonly toText: string;
}

/**
 * What a run keeps of a rendered letter: the subject and text part (the .txt preview, the PDF copy)
 * and the message bytes. The HTML part is inside `raw` only: keeping it as well (and copying it
 * back from the render worker) held ~130 MB of strings for 10,000 letters for nothing.
 */
export interface RenderedEmail {
  /** Null for a preview written to a spool that does not keep the text (no --pdf). */
  readonly rendered: LetterText | null;
  /** The message; null when it went straight into the previews' spool. */
  readonly raw: Buffer | null;
}

export type LetterText = Pick<RenderedLetter, 'subject' | 'text'>;

/**
 * Where previews are written as they are rendered (render/output.ts spool), and whether the run
 * needs each letter's text afterwards (--pdf). Without it nothing of a letter is kept: 10,000
 * letters held ~50 MB of text, copied back from the render worker, for nothing.
 */
export interface PreviewSpool extends SpoolPaths {
  readonly keepText: boolean;
}

/**
 * Renders one letter; throws TemplateError (render.ts) for a template that fails on it. With a
 * spool, the letter's `.eml` and `.txt` are written there and the bytes are not returned.
 */
export async function renderEmailJob(job: EmailJob, templates: LetterTemplates, spool: PreviewSpool | null = null): Promise<RenderedEmail> {
  const context = buildLetterContext(job.input);
  const rendered = renderLetter(templates, context, job.template);
  const input: RawMessageInput = { ...job.mail, subject: rendered.subject, text: rendered.text, html: rendered.html };
  const text: LetterText = { subject: rendered.subject, text: rendered.text };
  if (!spool) return { rendered: text, raw: await buildRawMessage(input) };
  // The message is written from the composer's own buffer, not copied out of it first.
  lendRawMessage(input, (raw) => writeSpooled(spool, `${job.fileBase}.eml`, raw));
  writeSpooled(spool, `${job.fileBase}.txt`, previewText(text, job.toText));
  return { rendered: spool.keepText ? text : null, raw: null };
}

/** The plain-text copy of an email letter beside its `.eml`: subject, recipients, text part. */
export function previewText(letter: LetterText, to: string): string {
  return `Subject: ${letter.subject}\nTo: ${to}\n\n${letter.text}`;
}

/** What a job costs to render, roughly: a letter's fixed part and one unit per table row. */
export function jobCost(job: EmailJob): number {
  return letterCost(job.input.invoices.length + job.input.credits.length + job.input.upcoming.length);
}

/** The cost of a letter whose tables have `rows` lines (see jobCost). */
export function letterCost(rows: number): number {
  return 14 + rows;
}
