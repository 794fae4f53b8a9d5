// Turns a `remind` plan into messages ready to go, for one channel, before anything is written or
// sent (so every template error is found first): email letters (MIME, optionally with the
// statement of account as a PDF attachment), short messages for the SMS batch (one CSV row), or
// webhook messages (the JSON payload of mail/webhook.ts). Also says, per message, who it goes to
// and why it cannot go when nobody can be reached on that channel.
import { join, resolve } from 'node:path';
import { feesCharged, letterCharges, type FeeRecordDraft, type LetterCharges } from '../core/charges.js';
import type { Day } from '../core/dates.js';
import type { LevelRule } from '../core/dunning.js';
import type { Config } from '../config.js';
import type { Mailbox } from '../mail/address.js';
import { parseAddressList } from '../mail/address.js';
import { messageIdFor, type Journal } from '../mail/journal.js';
import type { MessageAttachment } from '../mail/smtp.js';
import type { SpoolPaths } from '../render/output.js';
import { buildLetterContext, LETTER_KINDS, type LetterInput, type LetterItemInput, type LetterKind } from './context.js';
import { letterCost, type LetterText } from './emailjob.js';
import { renderSession, type RenderSession, type RenderThreads, type RenderWorker } from './parallel.js';
import type { Plan, PlannedEntry } from './plan.js';
import { loadSmsTemplates, renderSms, smsBatchLine, toE164, type RenderedSms, type SmsTemplates } from './sms.js';

export type RunChannel = 'email' | 'sms' | 'webhook';

/** A planned letter, rendered for its channel and turned into the bytes that go out. */
export interface ReadyMessage {
  readonly entry: PlannedEntry;
  readonly channel: RunChannel;
  /** Appended to the journal once the letter was sent: the level's fee, charged once (email only). */
  readonly feeRecord: FeeRecordDraft | null;
  /** The letter's data (context.ts LetterInput): a printable copy (--pdf) builds its context from it. */
  readonly letter: LetterInput;
  /** The email letter's subject and text part (the HTML part is in `raw`); null for short messages. */
  readonly rendered: LetterText | null;
  /** The short message (sms, webhook); null for email. */
  readonly short: RenderedSms | null;
  /** The customer's phone in E.164, when the ledger has a usable one. */
  readonly phone: string | null;
  /** Who it goes to, as the journal records it: addresses (email), the phone (sms), both (webhook). */
  readonly recipients: readonly string[];
  /** Why it cannot go on this channel ("no valid address"), or null. */
  readonly unreachable: string | null;
  readonly messageId: string;
  /** What is sent: the MIME message, the batch row, or the JSON payload; null for an email preview already written to the spool. */
  readonly raw: Buffer | null;
  /** The statement of account attached to the email (PDF), when asked for. */
  readonly statement: Buffer | null;
  readonly fileBase: string;
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
}

export interface OutboxSettings {
  readonly channel: RunChannel;
  readonly config: Config;
  readonly clientDir: string;
  readonly asOf: Day;
  readonly bounds: readonly number[];
  readonly templateDirs: readonly string[];
  readonly levels: readonly LevelRule[];
  readonly from: Mailbox;
  readonly replyTo: Mailbox | null;
  readonly bcc: readonly string[];
  readonly records: Journal['records'];
  /** Attach the statement of account to email letters. */
  readonly statement: boolean;
  /** The run's instant (the Date header). */
  readonly now: number;
  /** Rendering email letters on two threads (parallel.ts); default 'auto'. */
  readonly threads?: RenderThreads;
  /** The render worker started while the ledger was read (parallel.ts prestartRenderWorker), if any. */
  readonly renderWorker?: RenderWorker | null;
  /** Previews: each email letter's `.eml` and `.txt` are written here as soon as it is rendered. */
  readonly spool?: SpoolPaths | null;
  /** With a spool: keep each letter's subject and text part (--pdf prints them); default true. */
  readonly keepText?: boolean;
}

/** Who a message goes to, as its plain-text copy says. */
export function recipientsText(recipients: readonly string[]): string {
  return recipients.join(', ') || '(nobody reachable)';
}

export function kindFor(entry: PlannedEntry, levels: readonly LevelRule[]): LetterKind {
  if ((LETTER_KINDS as readonly string[]).includes(entry.kind)) return entry.kind as LetterKind;
  // A custom template name: the context kind follows the position on the ladder.
  const ladder: LetterKind[] = ['friendly', 'firm', 'formal', 'final'];
  const pos = entry.level === null ? 0 : Math.round(((entry.level - 1) / Math.max(1, levels.length - 1)) * 3);
  return ladder[pos] ?? 'final';
}

function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'cliente';
}

function itemInput(a: PlannedEntry['items'][number]): LetterItemInput {
  return { invoice: a.item.invoice, invoiceDate: a.item.invoiceDate, dueDate: a.item.dueDate, daysOverdue: a.daysOverdue, open: a.open };
}

export function localeFor(lang: 'es' | 'en', config: Config): string {
  if (config.locale && config.locale.toLowerCase().startsWith(lang)) return config.locale;
  return lang === 'es' ? 'es-MX' : 'en-US';
}

/** The amount a letter asks: overdue dunnable minus credits; for a courtesy note, what falls due. */
export function askedMinor(entry: PlannedEntry): number {
  return entry.kind === 'upcoming' ? entry.items.reduce((s, a) => s + a.open, 0) : entry.view.amountAsked;
}

/** The company logo of the config, resolved against the client folder (letterhead of the PDFs). */
export function logoPathOf(config: Config, clientDir: string): string | null {
  return config.company?.logo ? resolve(clientDir, config.company.logo) : null;
}

/** Interest, compensation and the level's fee for one letter, when the config asks for them. */
function chargesFor(entry: PlannedEntry, config: Config, asOf: Day, records: Journal['records']): LetterCharges | null {
  if ((!config.interest && !config.fees) || entry.level === null) return null;
  const c = entry.customer;
  return letterCharges({
    // The open amount is taken as open since the due date (the ledger does not say when partial payments came, unless --payments).
    items: entry.view.dunnable.map((a) => ({ invoice: a.item.invoice, dueDate: a.item.dueDate, balances: [{ from: a.item.dueDate, amount: a.open }] })),
    level: entry.level, asOf, currency: c.currency, interest: config.interest, fees: config.fees,
    alreadyCharged: feesCharged(records, c.customerKey, c.currency, entry.cycle), customerKey: c.customerKey, cycle: entry.cycle, letterKey: entry.key,
  });
}

function letterInputOf(entry: PlannedEntry, s: OutboxSettings, charges: LetterCharges | null): LetterInput {
  const c = entry.customer;
  const { config } = s;
  return {
    charges,
    kind: kindFor(entry, s.levels),
    level: entry.level,
    lang: entry.lang,
    locale: localeFor(entry.lang, config),
    asOf: s.asOf,
    customer: { name: c.customer, customerId: c.customerId, contact: c.contact, email: entry.to[0] ?? null, salesRep: c.salesRep, currency: c.currency },
    invoices: entry.view.dunnable.map(itemInput),
    credits: entry.view.credits.map(itemInput),
    upcoming: entry.kind === 'upcoming' ? entry.items.map(itemInput) : entry.view.notDue.map(itemInput),
    amountAsked: askedMinor(entry),
    balance: c.balance,
    company: config.company,
    paymentInstructions: config.paymentInstructions,
    paymentUrl: config.paymentUrl,
    sender: { name: s.from.name || null, email: s.from.address },
  };
}

/** The statement of account of one customer as a PDF attachment named in the letter's language. */
async function statementOf(entry: PlannedEntry, s: OutboxSettings): Promise<{ pdf: Buffer; attachment: MessageAttachment }> {
  const { renderStatementPdf, statementItemsOf } = await import('./pdf.js');
  const c = entry.customer;
  const pdf = await renderStatementPdf({
    lang: entry.lang,
    locale: localeFor(entry.lang, s.config),
    asOf: s.asOf,
    customer: { name: c.customer, customerId: c.customerId, contact: c.contact, currency: c.currency },
    items: statementItemsOf(c),
    bounds: s.bounds,
    basis: 'due',
    company: s.config.company,
    paymentInstructions: s.config.paymentInstructions,
    logoPath: logoPathOf(s.config, s.clientDir),
  });
  const name = `${entry.lang === 'es' ? 'estado-de-cuenta' : 'statement'}-${slug(c.customer)}-${c.currency}.pdf`;
  return { pdf, attachment: { filename: name, content: pdf, contentType: 'application/pdf' } };
}

/** A message's file name, Message-ID and phone number (E.164), from its place in the run. */
function namesOf(entry: PlannedEntry, n: number, s: OutboxSettings): { fileBase: string; messageId: string; phone: string | null } {
  const c = entry.customer;
  return {
    fileBase: `${String(n).padStart(3, '0')}-${slug(c.customer)}-${c.currency}${entry.level ? `-L${entry.level}` : '-upcoming'}`,
    messageId: messageIdFor(entry.key, s.from.address),
    phone: c.phone ? toE164(c.phone, localeFor(entry.lang, s.config)) : null,
  };
}

/**
 * The email letters: each one's data and envelope here (charges need the journal), the rendering
 * — context, templates, MIME, most of the time of a long run — on one or two threads (parallel.ts).
 */
async function prepareEmails(plan: Plan, s: OutboxSettings): Promise<ReadyMessage[]> {
  const pending: Omit<ReadyMessage, 'rendered' | 'raw'>[] = [];
  // Statements are attached as PDF bytes: those runs stay on one thread (nothing to gain from
  // copying every attachment to the worker and back).
  const spool = s.spool ? { dir: s.spool.dir, tempDir: s.spool.tempDir, keepText: s.keepText ?? true } : null;
  const session = await renderSession(plan.letters.map(entryCost), s.templateDirs, s.statement ? 'off' : s.threads ?? 'auto', s.renderWorker ?? null, spool);
  try {
    await prepareJobs(plan, s, pending, session);
  } catch (err) {
    await session.abort();
    throw err;
  }
  const rendered = await session.finish();
  return pending.map((p, i) => ({ ...p, ...rendered[i]! }));
}

/** What a planned letter costs to render: jobCost (emailjob.ts) of the job it becomes (letterInputOf's lists). */
function entryCost(entry: PlannedEntry): number {
  const upcoming = entry.kind === 'upcoming' ? entry.items.length : entry.view.notDue.length;
  return letterCost(entry.view.dunnable.length + entry.view.credits.length + upcoming);
}

/** Each planned letter's job (pushed to the render session as soon as it is made) and what is kept of it here. */
async function prepareJobs(plan: Plan, s: OutboxSettings, pending: Omit<ReadyMessage, 'rendered' | 'raw'>[], session: RenderSession): Promise<void> {
  const { config } = s;
  let n = 0;
  for (const entry of plan.letters) {
    const c = entry.customer;
    n += 1;
    const { fileBase, messageId, phone } = namesOf(entry, n, s);
    const charges = chargesFor(entry, config, s.asOf, s.records);
    const cc = config.ccSalesRep && c.salesRep ? parseAddressList(c.salesRep).valid : [];
    const statement = s.statement ? await statementOf(entry, s) : null;
    const letter = letterInputOf(entry, s, charges);
    session.push({
      lang: entry.lang,
      template: entry.kind,
      input: letter,
      mail: {
        from: s.from,
        to: entry.to.length ? entry.to.map((address) => ({ name: c.contact ?? c.customer, address })) : [{ name: c.customer, address: 'no-address@dunning.invalid' }],
        cc,
        bcc: s.bcc,
        replyTo: s.replyTo,
        messageId,
        date: new Date(s.now),
        headers: { 'X-Dunning-Key': entry.key, 'X-Dunning-Level': String(entry.level ?? 'upcoming') },
        ...(statement ? { attachments: [statement.attachment] } : {}),
      },
      fileBase,
      toText: recipientsText(entry.to),
    });
    const unreachable = entry.to.length ? null : `no valid address${entry.invalidAddresses.length ? ` (${entry.invalidAddresses.join(', ')})` : ''}`;
    pending.push({
      entry, channel: 'email', letter, feeRecord: charges?.feeRecord ?? null, short: null, phone,
      recipients: entry.to, unreachable, messageId, statement: statement?.pdf ?? null, fileBase, cc, bcc: s.bcc,
    });
  }
}

/** Every planned letter, rendered for the channel; throws TemplateError before anything goes out. */
export async function prepareMessages(plan: Plan, s: OutboxSettings): Promise<ReadyMessage[]> {
  if (s.channel === 'email') return prepareEmails(plan, s);
  const smsTemplates = new Map<'es' | 'en', SmsTemplates>();
  const out: ReadyMessage[] = [];
  let n = 0;
  for (const entry of plan.letters) {
    const c = entry.customer;
    const { config } = s;
    n += 1;
    const { fileBase, messageId, phone } = namesOf(entry, n, s);
    // Short messages (sms, webhook): the `<kind>.sms.hbs` template, no charges (a short message
    // cannot carry the breakdown the law asks for; fees are charged with the letters).
    let templates = smsTemplates.get(entry.lang);
    if (!templates) {
      templates = await loadSmsTemplates(s.templateDirs, entry.lang);
      smsTemplates.set(entry.lang, templates);
    }
    const letter = letterInputOf(entry, s, null);
    const context = buildLetterContext(letter);
    const short = renderSms(templates, context, templates.names.includes(entry.kind) ? entry.kind : context.kind);
    let raw: Buffer;
    let recipients: string[];
    let unreachable: string | null;
    if (s.channel === 'sms') {
      recipients = phone ? [phone] : [];
      unreachable = phone ? null : c.phone ? `no valid phone number (${c.phone})` : 'no phone number';
      raw = Buffer.from(phone ? smsBatchLine({ phone, message: short.text, customer: c.customer, key: entry.key }) : '', 'utf8');
    } else {
      recipients = [...(phone ? [phone] : []), ...entry.to];
      unreachable = recipients.length ? null : 'no valid phone number or address';
      const { webhookPayload } = await import('../mail/webhook.js');
      raw = webhookPayload({
        key: entry.key, channel: 'sms', customer: c.customer, customerKey: c.customerKey, company: config.company?.name ?? null,
        currency: c.currency, level: entry.level ?? 'upcoming', asOf: s.asOf, to: { email: entry.to, phone }, subject: null,
        text: short.text, amountAsked: askedMinor(entry),
        invoices: entry.items.map((a) => ({ invoice: a.item.invoice, invoiceDate: a.item.invoiceDate, dueDate: a.item.dueDate, open: a.open })),
      });
    }
    out.push({
      entry, channel: s.channel, letter, feeRecord: null, rendered: null, short, phone,
      recipients, unreachable, messageId, raw, statement: null, fileBase, cc: [], bcc: [],
    });
  }
  return out;
}

/** Where the files of a message go: `<dir>/<fileBase>.<ext>`. */
export function fileOf(dir: string, m: ReadyMessage, ext: string): string {
  return join(dir, `${m.fileBase}.${ext}`);
}
