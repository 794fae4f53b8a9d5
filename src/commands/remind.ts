// `dunning remind LEDGER`: plan who gets which letter (letters/plan.ts over core/dunning.ts),
// render every message before anything is written or sent (letters/outbox.ts), hold back what the
// contact window and caps forbid (core/contact.ts), then either write previews or — with --send —
// deliver through the journaled loop (mail/deliver.ts) by the channel chosen: email (SMTP), sms
// (a CSV batch for a gateway) or webhook (JSON POSTs).
import { statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import Table from 'cli-table3';
import { Command } from 'commander';
import { ageLedger } from '../core/aging.js';
import { describeBlock, describeInstant, gateContacts, windowDecision, type ContactDecision, type WindowDecision } from '../core/contact.js';
import { dayOfLocalDate, isoOfDay } from '../core/dates.js';
import { DEFAULT_LEVELS, parseBucketFilter, type LevelRule } from '../core/dunning.js';
import { currencyExponent, minorToMajor } from '../core/money.js';
import type { Config } from '../config.js';
import { InputError, SendError, UsageError } from '../errors.js';
import { buildLetterContext } from '../letters/context.js';
import { previewText } from '../letters/emailjob.js';
import { askedMinor, fileOf, localeFor, logoPathOf, prepareMessages, recipientsText, type ReadyMessage, type RunChannel } from '../letters/outbox.js';
import { prestartRenderWorker, type RenderWorker } from '../letters/parallel.js';
import { journalInvoices, planLetters, type Plan } from '../letters/plan.js';
import { shippedTemplatesDir } from '../letters/render.js';
import { smsBatchCsv } from '../letters/sms.js';
import { parseMailbox, type Mailbox } from '../mail/address.js';
import { deliverAll, type DeliverySummary, type PlannedLetter } from '../mail/deliver.js';
import { openJournal, type JournalRecord } from '../mail/journal.js';
import { acquireLock } from '../mail/lock.js';
import { pastContactsOf } from '../mail/records.js';
import { buildRawMessage, openSender, resolveSmtpSettings, type SendResult, type Sender } from '../mail/smtp.js';
import { boxTable } from '../render/boxtable.js';
import { formatAmount, printable } from '../render/format.js';
import { openSpool, writeFilesAtomic, type Spool } from '../render/output.js';
import { translate, warningPrefix, type Lang } from '../i18n/index.js';
import { addLedgerOptions, itemsAsOf, loadLedger, parseAsOf, parseBuckets, requireUsableRows, threadsOf, type LedgerOptions, type RunContext } from './common.js';

interface RemindFlags extends LedgerOptions {
  asOf?: string;
  bucket?: string;
  customer?: string;
  templates?: string;
  out?: string;
  from?: string;
  channel?: string;
  send?: boolean;
  yes?: boolean;
  resendUnknown?: boolean;
  allowRejected?: boolean;
  allowStale?: boolean;
  insecureSmtp?: boolean;
  insecureWebhook?: boolean;
  pdf?: boolean;
  statement?: boolean;
}

/** Anything the journaled loop can send through: SMTP, the webhook, the SMS batch file. */
interface ChannelSender {
  send(message: { from: string; to: readonly string[]; cc: readonly string[]; bcc: readonly string[]; raw: Buffer }): Promise<SendResult>;
  close(): Promise<void>;
}

const PREVIEW_FROM: Mailbox = { name: 'dunning preview', address: 'preview@dunning.invalid' };
const CHANNELS: readonly RunChannel[] = ['email', 'sms', 'webhook'];

function levelsOf(config: Config): readonly LevelRule[] {
  if (!config.levels) return DEFAULT_LEVELS;
  return config.levels.map((l, i) => ({ level: i + 1, name: l.name, minDays: l.minDays, template: l.template }));
}

/** `--pdf`: one printable letter per customer next to the previews (A4 or Letter by locale), and its statement when attached. */
async function writePdfs(dir: string, letters: readonly ReadyMessage[], logoPath: string | null): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { renderLetterPdf } = await import('../letters/pdf.js');
  const files = [];
  for (const l of letters) {
    if (!l.rendered) continue;
    files.push({ path: fileOf(dir, l, 'pdf'), data: await renderLetterPdf({ context: buildLetterContext(l.letter), letter: l.rendered, logoPath }) });
    if (l.statement) files.push({ path: join(dir, `${l.fileBase}-statement.pdf`), data: l.statement });
  }
  await writeFilesAtomic(files, { fsyncEach: false });
}

/**
 * The files of messages not written while rendered: email `.eml` + `.txt`; webhook `.json` (the
 * payload) + `.txt`; sms `.txt`. Email previews are written as they are rendered (the spool).
 */
function copiesOf(messages: readonly ReadyMessage[]): { name: string; data: string | Uint8Array }[] {
  return messages.flatMap((l) => {
    const to = recipientsText(l.recipients);
    if (l.channel === 'email') return l.raw && l.rendered ? [{ name: `${l.fileBase}.eml`, data: l.raw }, { name: `${l.fileBase}.txt`, data: previewText(l.rendered, to) }] : [];
    const text = `To: ${to}\nParts: ${l.short!.segments.segments} (${l.short!.segments.encoding})\n\n${l.short!.text}\n`;
    return l.channel === 'webhook' ? [{ name: `${l.fileBase}.json`, data: l.raw! }, { name: `${l.fileBase}.txt`, data: text }] : [{ name: `${l.fileBase}.txt`, data: text }];
  });
}

/** Copies of letters sent — the evidence — each written atomically and fsynced (render/output.ts writeFilesAtomic). */
async function writeSentCopies(dir: string, messages: readonly ReadyMessage[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFilesAtomic(copiesOf(messages).map((f) => ({ path: join(dir, f.name), data: f.data })), { fsyncEach: true });
}

const PLAN_HEAD = {
  en: ['Customer', 'Cur.', 'Letter', 'Asked', 'Oldest', 'To', 'Status'],
  es: ['Cliente', 'Mon.', 'Carta', 'A cobrar', 'Días', 'Para', 'Estado'],
} as const;
const PLAN_ALIGN = ['left', 'left', 'left', 'right', 'right', 'left', 'left'] as const;

/** The plan: who gets which letter, the amount asked, and a status (written in English, shown in `lang`). */
function planTable(plan: Plan, ready: readonly ReadyMessage[], status: (l: ReadyMessage) => string, locale: string, color: boolean, lang: Lang): string {
  const rows: string[][] = [];
  // The letter column names the template (friendly, firm…: the file to edit), not translated.
  const upcoming = lang === 'es' ? 'cortesía' : 'upcoming';
  for (const l of ready) {
    const c = l.entry.customer;
    rows.push([
      printable(c.customer),
      c.currency,
      l.entry.level === null ? upcoming : `${l.entry.level} ${l.entry.kind}`,
      formatAmount(askedMinor(l.entry), c.currency, locale),
      l.entry.view.oldestDunnableDays === null ? '' : String(l.entry.view.oldestDunnableDays),
      l.recipients.join(', ') || '—',
      printable(translate(status(l), lang)),
    ]);
  }
  for (const s of plan.skipped) rows.push([printable(s.customer.customer), s.customer.currency, '—', '', '', '', translate(`skipped: ${s.reason}`, lang)]);
  const head = PLAN_HEAD[lang];
  const plain = color ? null : boxTable(head, rows, PLAN_ALIGN);
  if (plain !== null) return `${plain}\n`;
  // cli-table3 lays a table out in time that grows faster than its rows (12,000 rows: 3.5 s):
  // long plans are printed as tables of 500 rows.
  const out: string[] = [];
  for (let i = 0; i === 0 || i < rows.length; i += 500) {
    const table = new Table({
      head: [...head],
      style: color ? { compact: true } : { head: [], border: [], compact: true },
      colAligns: [...PLAN_ALIGN],
    });
    table.push(...rows.slice(i, i + 500));
    out.push(table.toString());
  }
  return `${out.join('\n')}\n`;
}

function unknownText(n: number, lang: Lang): string {
  return translate(`${n} customer(s) blocked by a letter whose outcome is UNKNOWN: resolve with \`dunning history --resolve KEY sent|failed\` or re-send with --resend-unknown`, lang);
}

function troubledCount(summary: DeliverySummary | null): number {
  return summary ? summary.deferred.length + summary.failed.length + summary.unknown.length + summary.notTried.length : 0;
}

/** "3 sent · 1 deferred (retried next run) · …": each part in `lang`. */
function summaryText(summary: DeliverySummary, channel: RunChannel, lang: Lang): string {
  const parts = [`${summary.sent.length} ${channel === 'sms' ? 'written to the batch' : 'sent'}`];
  if (summary.deferred.length) parts.push(`${summary.deferred.length} deferred (retried next run)`);
  if (summary.failed.length) parts.push(`${summary.failed.length} failed (${channel === 'email' ? 'address refused' : 'refused'})`);
  if (summary.unknown.length) parts.push(`${summary.unknown.length} UNKNOWN (may have arrived; see dunning history)`);
  if (summary.skipped.length) parts.push(`${summary.skipped.length} not sent again (${[...new Set(summary.skipped.map((s) => translate(s.reason, lang)))].join(', ')})`);
  if (summary.notTried.length) parts.push(`${summary.notTried.length} not tried (run stopped)`);
  return parts.map((p) => translate(p, lang)).join(' · ');
}

/**
 * "outside the contact window: a public holiday, 2026-12-08 10:15 (tue) in America/Bogota; it
 * opens 2026-12-09 07:00 America/Bogota" (English, the message id; i18n/es.ts translates it).
 */
function windowText(w: WindowDecision, timeZone: string): string {
  const why = w.reason === 'holiday' ? 'a public holiday' : w.reason === 'closed-day' ? 'no contact hours today' : w.reason === 'before-hours' ? 'before contact hours' : w.reason === 'after-hours' ? 'after contact hours' : 'between contact hours';
  const local = `${w.local.date} ${w.local.time} (${w.local.weekday}) in ${timeZone}`;
  return `outside the contact window: ${why}, ${local}; ${w.nextOpen === null ? 'it does not open within a year (check contactWindow)' : `it opens ${describeInstant(w.nextOpen, timeZone)}`}`;
}

async function confirm(ctx: RunContext, question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: ctx.stderr });
  try {
    const answer = await rl.question(question);
    return /^(y|yes|s|si|sí)$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Where templates are looked for, first found wins: --templates, the client folder's templates/, the shipped ones. */
function templateDirsOf(flags: RemindFlags, clientDir: string): string[] {
  return [...(flags.templates ? [resolve(flags.templates)] : []), join(clientDir, 'templates'), shippedTemplatesDir()];
}

function localTimeStamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function remindCommand(ctx: RunContext): Command {
  const cmd = new Command('remind')
    .description('collection letters: previews by default; --send delivers them (journaled, never twice)')
    .argument('<ledger>', 'invoice ledger (.xlsx or .csv)')
    .option('--as-of <date>', 'date of the run (YYYY-MM-DD); default: today')
    .option('--bucket <name>', 'only customers whose oldest overdue invoice is in this bucket: 1-30, 31-60, 61-90, 90+ (or 0-30, 30-60, 60-90), critical, upcoming')
    .option('--customer <name>', 'only customers whose name or id contains this')
    .option('--channel <channel>', 'email (default), sms (a CSV batch for an SMS/WhatsApp gateway) or webhook (JSON POST to config webhook.url)')
    .option('--templates <dir>', 'folder with templates/<lang>/ overrides (default: templates/ in the client folder)')
    .option('--out <dir>', 'where previews and copies go (default: reminders/<as-of>/ in the client folder)')
    .option('--from <address>', 'sender, overrides config from')
    .option('--send', 'send the letters (default: previews only)')
    .option('--yes', 'do not ask for confirmation (required without a terminal, e.g. cron)')
    .option('--resend-unknown', 're-send letters whose outcome is unknown (same Message-ID / key)')
    .option('--allow-rejected', 'send even though some ledger rows were rejected')
    .option('--allow-stale', 'send even though the ledger file is older than maxLedgerAgeDays')
    .option('--pdf', 'also write each letter as a printable PDF (A4 or Letter by locale) beside the previews')
    .option('--statement', 'attach a statement of account (PDF) to each email letter (config: attachStatement)')
    .option('--insecure-smtp', 'allow plaintext SMTP authentication to a non-local server')
    .option('--insecure-webhook', 'allow a plain http:// webhook URL to a non-local host');
  addLedgerOptions(cmd);
  return cmd.action(async (ledger: string, flags: RemindFlags) => {
    const g = ctx.global();
    const channel = (flags.channel ?? 'email').toLowerCase() as RunChannel;
    if (!CHANNELS.includes(channel)) throw new UsageError(`--channel ${flags.channel}: expected one of ${CHANNELS.join(', ')}`);
    if (channel !== 'email' && (flags.pdf || flags.statement)) throw new UsageError(`--pdf and --statement are for letters (--channel email), not --channel ${channel}`);
    const asOf = parseAsOf(flags.asOf, ctx.today);
    // A long run's second render thread starts now and loads the templates while the ledger is read.
    let renderWorker = null as Promise<RenderWorker | null> | null;
    const loaded = await loadLedger(ledger, flags, ctx, {
      // The invoices through the fast path's reader when it can (a third of the general reader's time).
      fastInvoices: true,
      beforeRead: (config, clientDir, lang) => {
        if (channel !== 'email' || flags.statement || config.attachStatement) return;
        const ledgerBytes = statSync(ledger, { throwIfNoEntry: false })?.size ?? 0;
        renderWorker = prestartRenderWorker({ templateDirs: templateDirsOf(flags, clientDir), langs: [lang], threads: threadsOf(ctx.env), ledgerBytes }).catch(() => null);
      },
    });
    const { config, clientDir, read, lang } = loaded;
    const t = (text: string): string => translate(text, lang);
    const warn = warningPrefix(lang);
    const asOfItems = itemsAsOf(loaded, asOf);
    const rejectedRows = read.stats.rejectedRows + asOfItems.rejected.length;
    requireUsableRows(read, lang);
    const bounds = parseBuckets(undefined, config);
    const filter = flags.bucket === undefined ? null : parseBucketFilter(flags.bucket, bounds);
    if (typeof filter === 'string') throw new UsageError(filter);
    const fromText = flags.from ?? config.from;
    if (flags.send && channel === 'email' && !fromText) throw new UsageError('--send needs a sender: set "from" in dunning.config.json or pass --from "Name <address>"');
    const from = fromText ? parseMailbox(fromText, flags.from ? '--from' : 'from') : PREVIEW_FROM;
    const replyTo = config.replyTo ? parseMailbox(config.replyTo, 'replyTo') : null;
    const bcc = config.bcc ? [parseMailbox(config.bcc, 'bcc').address] : [];
    if (flags.send && !flags.yes && !process.stdin.isTTY) throw new UsageError('--send without a terminal (cron) needs --yes');
    // A webhook that cannot work is found before anything is decided (exit 2), not after the plan.
    const webhookSettings = flags.send && channel === 'webhook'
      ? (await import('../mail/webhook.js')).resolveWebhookSettings({ config: config.webhook, env: ctx.env, insecure: Boolean(flags.insecureWebhook) })
      : null;

    // Guards before anything is decided or sent (SPEC §2, §5).
    if (flags.send && rejectedRows > 0 && !flags.allowRejected) {
      throw new InputError(`${read.file}: ${rejectedRows} row(s) rejected — a rejected credit must not turn into a wrong letter; fix them (dunning check ${ledger}) or pass --allow-rejected`);
    }
    if (flags.send && !flags.allowStale) {
      const age = ctx.today - dayOfLocalDate((await stat(ledger)).mtime);
      if (age > config.maxLedgerAgeDays) {
        throw new InputError(`${read.file}: last modified ${age} days ago (maxLedgerAgeDays ${config.maxLedgerAgeDays}) — customers who paid since must not get a letter; export a fresh ledger or pass --allow-stale`);
      }
    }
    if (!g.quiet && rejectedRows > 0) ctx.stderr.write(`${warn}${t(`${rejectedRows} row(s) rejected (dunning check ${ledger}${flags.payments ? ` --payments ${flags.payments}` : ''})`)}\n`);

    // Outside the contact window a --send run stops here, before the lock and the plan: a cron
    // job every hour then costs nothing until the window opens.
    const contact = config.contact;
    const window = contact ? windowDecision(ctx.now, contact) : null;
    if (window?.warning) ctx.stderr.write(`${warn}${t(window.warning)}\n`);
    if (flags.send && contact && window && !window.open) {
      ctx.stderr.write(`${t(`Nothing sent: ${windowText(window, contact.timeZone)}.`)}\n`);
      await (await renderWorker)?.stop();
      return;
    }

    const lock = flags.send ? await acquireLock(clientDir, { onWarning: (m) => ctx.stderr.write(`${warn}${t(m)}\n`) }) : null;
    let sender: ChannelSender | null = null;
    let smtp: Sender | null = null;
    let spool: Spool | null = null;
    try {
      const journal = await openJournal(clientDir);
      for (const w of journal.warnings) ctx.stderr.write(`${warn}${t(w)}\n`);
      const report = ageLedger(asOfItems.items, { asOf, basis: 'due', bounds, criticalDays: config.criticalDays });
      const plan = planLetters(report, journal, {
        asOf, bounds, criticalDays: config.criticalDays, upcomingDays: config.upcomingDays, filter, customer: flags.customer ?? null,
        doNotContact: config.doNotContact, lang, levels: levelsOf(config), minDaysBetween: config.minDaysBetween,
        repeatAfterDays: config.repeatAfterDays, maxFinalNotices: config.maxFinalNotices, skipLevels: config.skipLevels,
        resendUnknown: Boolean(flags.resendUnknown), channel,
      });
      const blocked = plan.skipped.filter((x) => x.unknownKey);
      const templateDirs = templateDirsOf(flags, clientDir);
      const outDir = resolve(flags.out ?? join(clientDir, 'reminders', isoOfDay(asOf)));
      // Everything is rendered (and every template error found) before anything is sent or appears
      // in the previews folder: previews are written as they are rendered, into the spool, which
      // becomes the folder (or is moved into it) once every letter is done.
      if (!flags.send) spool = await openSpool(outDir);
      const ready = await prepareMessages(plan, {
        channel, config, clientDir, asOf, bounds, templateDirs, levels: levelsOf(config), from, replyTo, bcc,
        records: journal.records, statement: Boolean(flags.statement) || config.attachStatement, now: ctx.now,
        threads: threadsOf(ctx.env), renderWorker: await renderWorker, spool, keepText: flags.pdf === true,
      });
      const smsWarnings = ready.flatMap((m) => m.short?.warnings ?? []);
      if (smsWarnings.length && !g.quiet) {
        for (const w of smsWarnings.slice(0, 5)) ctx.stderr.write(`${warn}${t(w)}\n`);
        if (smsWarnings.length > 5) ctx.stderr.write(`${warn}${t(`… and ${smsWarnings.length - 5} more message(s) with more than one part`)}\n`);
      }
      const locale = localeFor(lang, config);
      const color = g.color && Boolean(ctx.stdout.isTTY);
      const reachable = ready.filter((m) => m.unreachable === null);
      // The caps, per customer key across currencies and channels (the window is open or only previewed).
      const gate = contact ? gateContacts(reachable, (m) => m.entry.customer.customerKey, pastContactsOf(journal), contact, ctx.now, channel) : null;
      const heldBack = new Map<ReadyMessage, ContactDecision>((gate?.blocked ?? []).map((b) => [b.item, b.decision]));
      const waiting = (m: ReadyMessage): string | null => {
        const d = heldBack.get(m);
        return d && contact ? `waiting: ${describeBlock(d, contact.timeZone)}` : null;
      };

      if (spool) {
        for (const f of copiesOf(ready)) spool.write(f.name, f.data);
        if (channel === 'sms') spool.write('sms-preview.csv', smsBatchCsv(reachable.map((m) => ({ phone: m.phone!, message: m.short!.text, customer: m.entry.customer.customer, key: m.entry.key }))));
        await spool.commit();
        if (flags.pdf) await writePdfs(outDir, ready, logoPathOf(config, clientDir));
        const what = channel === 'email' ? 'letter' : 'message';
        ctx.stdout.write(planTable(plan, ready, (l) => l.unreachable ? `preview (${l.unreachable})` : (waiting(l) ?? `preview ${l.fileBase}.${channel === 'email' ? 'eml' : channel === 'webhook' ? 'json' : 'txt'}`), locale, color, lang));
        if (!g.quiet) {
          const others = plan.otherBuckets ? ` ${t(`${plan.otherBuckets} customer(s) with overdue invoices are in other buckets.`)}` : '';
          ctx.stderr.write(`${t(`${ready.length} ${what}(s) previewed in ${outDir}${channel === 'sms' ? ' (batch: sms-preview.csv)' : ''}; nothing was sent (add --send to send them).`)}${others}\n`);
        }
        if (contact && window && !window.open) ctx.stderr.write(`${t(`note: ${windowText(window, contact.timeZone)}; --send now would send nothing.`)}\n`);
        if (blocked.length) ctx.stderr.write(`${warn}${unknownText(blocked.length, lang)}\n`);
        return;
      }

      // --send: customers nobody can be reached for on this channel, and those the caps hold back, are listed, not sent.
      const sendable = gate ? gate.allowed : reachable;
      const unreachable = ready.filter((l) => l.unreachable !== null);
      const statusBefore = (l: ReadyMessage): string => (l.unreachable ? `skipped: ${l.unreachable}` : (waiting(l) ?? 'to send'));
      if (!flags.yes) {
        ctx.stdout.write(planTable(plan, ready, statusBefore, locale, color, lang));
        const target = channel === 'email' ? `from ${from.address}` : channel === 'webhook' ? `to ${webhookSettings!.origin}` : 'to an SMS batch file';
        if (!(await confirm(ctx, t(`Send ${sendable.length} ${channel === 'email' ? 'letter' : 'message'}(s) ${target}? [y/N] `)))) {
          ctx.stderr.write(`${t('Nothing sent.')}\n`);
          return;
        }
      }
      const planned: PlannedLetter[] = sendable.map((l) => ({
        key: l.entry.key,
        messageId: l.messageId,
        record: {
          v: 1, type: 'letter', asOf: isoOfDay(asOf), key: l.entry.key, customerKey: l.entry.customer.customerKey,
          customer: l.entry.customer.customer, currency: l.entry.customer.currency, level: l.entry.level ?? 'upcoming',
          invoices: journalInvoices(l.entry.customer, l.entry.items), amount: minorToMajor(askedMinor(l.entry), currencyExponent(l.entry.customer.currency)),
          to: [...l.recipients], messageId: l.messageId, cycle: l.entry.cycle,
          ...(channel === 'email' ? {} : { channel }),
        } as PlannedLetter['record'],
        envelope: { from: from.address, to: l.recipients, cc: l.cc, bcc: l.bcc },
        raw: l.raw!, // only previews go to the spool
      }));
      const batchPath = join(outDir, `sms-${isoOfDay(asOf)}-${localTimeStamp(ctx.now)}.csv`);
      if (planned.length) {
        if (channel === 'email') {
          smtp = await openSender(await resolveSmtpSettings({ dir: clientDir, config: config.smtp, env: ctx.env, insecure: Boolean(flags.insecureSmtp) }));
          sender = smtp;
        } else if (channel === 'webhook') {
          const { openWebhookSender } = await import('../mail/webhook.js');
          sender = openWebhookSender(webhookSettings!, {
            onRetry: g.quiet ? undefined : (r) => ctx.stderr.write(`${t(`retrying ${r.key} in ${Math.round(r.waitMs / 1000)} s (attempt ${r.attempt}: ${r.reason})`)}\n`),
          });
        } else {
          await mkdir(outDir, { recursive: true });
          const { openSmsBatch } = await import('../mail/smsbatch.js');
          sender = openSmsBatch(batchPath);
        }
      }
      const progress = ctx.stderr.isTTY && !g.quiet;
      const summary = sender
        ? await deliverAll(planned, {
            journal, sender, resendUnknown: Boolean(flags.resendUnknown), now: () => new Date(ctx.clock()),
            onProgress: progress ? (p) => ctx.stderr.write(`\r[${p.index}/${p.total}] ${t(p.outcome).padEnd(lang === 'es' ? 12 : 9)} ${p.customer.slice(0, 40).padEnd(40)}`) : undefined,
          })
        : null;
      if (progress && summary) ctx.stderr.write('\n');
      const sentKeys = new Set(summary?.sent.map((o) => o.letter.key) ?? []);
      // A fee is charged once per level and cycle: recorded only for letters that went out.
      for (const l of ready) if (l.feeRecord && sentKeys.has(l.entry.key)) await journal.append({ ...l.feeRecord, ts: new Date(ctx.clock()).toISOString() } as unknown as JournalRecord);
      const sentMessages = ready.filter((l) => sentKeys.has(l.entry.key));
      await writeSentCopies(outDir, sentMessages);
      if (flags.pdf) await writePdfs(outDir, sentMessages, logoPathOf(config, clientDir));
      const outcome = new Map<string, string>();
      for (const [state, list] of [['sent', summary?.sent], ['deferred', summary?.deferred], ['failed', summary?.failed], ['UNKNOWN', summary?.unknown]] as const) {
        for (const o of list ?? []) outcome.set(o.letter.key, `${state}${o.result.error && state !== 'sent' ? `: ${o.result.error}` : ''}`);
      }
      for (const s of summary?.skipped ?? []) outcome.set(s.key, `not sent again: ${s.reason}`);
      for (const p of summary?.notTried ?? []) outcome.set(p.key, 'not tried (run stopped)');
      ctx.stdout.write(planTable(plan, ready, (l) => (l.unreachable ? `skipped: ${l.unreachable}` : (waiting(l) ?? outcome.get(l.entry.key) ?? '')), locale, color, lang));
      const text = `${summary ? summaryText(summary, channel, lang) : t('0 sent')}${blocked.length ? ` · ${unknownText(blocked.length, lang)}` : ''}`;
      if (!g.quiet || troubledCount(summary) > 0 || blocked.length > 0) {
        const extra = [
          unreachable.length ? `${unreachable.length} skipped (${channel === 'email' ? 'no valid address' : channel === 'sms' ? 'no valid phone' : 'no phone or address'})` : '',
          heldBack.size ? `${heldBack.size} held back by the contact limits` : '',
        ].filter(Boolean).map((x) => ` · ${t(x)}`).join('');
        const where = t(channel === 'sms' && sentKeys.size ? `Batch for the gateway: ${batchPath}` : `Copies of what was sent in ${outDir}`);
        ctx.stderr.write(`${text}${extra}. ${where}\n`);
      }
      if (summary?.stopped?.error) throw summary.stopped.error;
      const troubled = blocked.length + troubledCount(summary);
      if (troubled > 0) {
        if (config.notify && (smtp || config.from)) {
          const subject = `dunning: ${t(`${troubled} message(s) need attention (${read.file}, ${isoOfDay(asOf)})`)}`;
          const body = lang === 'es'
            ? `${text}\n\nCarpeta del cliente: ${clientDir}\nEjecute \`dunning history --dir ${clientDir}\` para ver el detalle.\n`
            : `${text}\n\nClient folder: ${clientDir}\nRun \`dunning history --dir ${clientDir}\` for details.\n`;
          await notify(smtp, { clientDir, config, env: ctx.env, insecure: Boolean(flags.insecureSmtp) }, config.notify, from, subject, body, ctx, lang);
        }
        // `text` is already in `lang`: the pattern only translates the head.
        throw new SendError(t(`${troubled} ${channel === 'email' ? 'letter' : 'message'}(s) not delivered: ${text}`));
      }
    } finally {
      await (await renderWorker)?.stop();
      spool?.discard();
      await sender?.close();
      await lock?.release();
    }
  });
}

/** The `notify` summary after a cron run with problems: best effort, by email, never journaled. */
async function notify(
  open: Sender | null, smtpInput: { clientDir: string; config: Config; env: NodeJS.ProcessEnv; insecure: boolean },
  to: string, from: Mailbox, subject: string, text: string, ctx: RunContext, lang: Lang,
): Promise<void> {
  const notDelivered = (why: string): string => translate(`the notify summary to ${address.address} was not delivered (${why})`, lang);
  const address = parseMailbox(to, 'notify');
  let own: Sender | null = null;
  try {
    const sender = open ?? (own = await openSender(await resolveSmtpSettings({ dir: smtpInput.clientDir, config: smtpInput.config.smtp, env: smtpInput.env, insecure: smtpInput.insecure })));
    const raw = await buildRawMessage({ from, to: [address], subject, text, html: `<pre>${text.replace(/[&<>]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[ch]!)}</pre>`, messageId: `<notify-${Date.now()}@${from.address.split('@')[1]}>`, date: new Date() });
    const r = await sender.send({ from: from.address, to: [address.address], cc: [], bcc: [], raw });
    if (r.state !== 'sent') ctx.stderr.write(`${warningPrefix(lang)}${notDelivered(translate(r.state, lang))}\n`);
  } catch (err) {
    ctx.stderr.write(`${warningPrefix(lang)}${notDelivered((err as Error).message)}\n`);
  } finally {
    await own?.close();
  }
}
