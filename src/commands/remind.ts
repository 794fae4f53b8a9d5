// `dunning remind LEDGER`: plan who gets which letter (letters/plan.ts over core/dunning.ts),
// render every letter before anything is written or sent, then either write previews (.eml +
// .txt) or — with --send — deliver them through the journaled SMTP loop (mail/deliver.ts).
import { mkdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import Table from 'cli-table3';
import { Command } from 'commander';
import { ageLedger } from '../core/aging.js';
import { dayOfLocalDate, isoOfDay, type Day } from '../core/dates.js';
import { DEFAULT_LEVELS, parseBucketFilter, type LevelRule } from '../core/dunning.js';
import { currencyExponent, minorToMajor } from '../core/money.js';
import type { Config } from '../config.js';
import { InputError, SendError, UsageError } from '../errors.js';
import { buildLetterContext, LETTER_KINDS, type LetterContext, type LetterItemInput, type LetterKind } from '../letters/context.js';
import { journalInvoices, planLetters, type Plan, type PlannedEntry } from '../letters/plan.js';
import { loadTemplates, renderLetter, shippedTemplatesDir, type LetterTemplates, type RenderedLetter } from '../letters/render.js';
import { parseAddressList, parseMailbox, type Mailbox } from '../mail/address.js';
import { deliverAll, type DeliverySummary, type PlannedLetter } from '../mail/deliver.js';
import { messageIdFor, openJournal, type Journal, type JournalRecord } from '../mail/journal.js';
import { feesCharged, letterCharges, type FeeRecordDraft, type LetterCharges } from '../core/charges.js';
import { acquireLock } from '../mail/lock.js';
import { buildRawMessage, openSender, resolveSmtpSettings, type Sender } from '../mail/smtp.js';
import { formatAmount, printable } from '../render/format.js';
import { writeFilesAtomic } from '../render/output.js';
import { addLedgerOptions, itemsAsOf, loadLedger, parseAsOf, parseBuckets, requireUsableRows, type LedgerOptions, type RunContext } from './common.js';

interface RemindFlags extends LedgerOptions {
  asOf?: string;
  bucket?: string;
  customer?: string;
  templates?: string;
  out?: string;
  from?: string;
  send?: boolean;
  yes?: boolean;
  resendUnknown?: boolean;
  allowRejected?: boolean;
  allowStale?: boolean;
  insecureSmtp?: boolean;
  pdf?: boolean;
}

/** A planned letter, rendered and turned into a message. */
interface ReadyLetter {
  readonly entry: PlannedEntry;
  /** Appended to the journal once the letter was sent: the level's fee, charged once. */
  readonly feeRecord: FeeRecordDraft | null;
  readonly rendered: RenderedLetter;
  /** The letter's variables, kept for the printable PDF (--pdf). */
  readonly context: LetterContext;
  readonly messageId: string;
  readonly raw: Buffer;
  readonly fileBase: string;
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
}

const PREVIEW_FROM: Mailbox = { name: 'dunning preview', address: 'preview@dunning.invalid' };

function levelsOf(config: Config): readonly LevelRule[] {
  if (!config.levels) return DEFAULT_LEVELS;
  return config.levels.map((l, i) => ({ level: i + 1, name: l.name, minDays: l.minDays, template: l.template }));
}

function kindFor(entry: PlannedEntry, levels: readonly LevelRule[]): LetterKind {
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

function localeFor(lang: 'es' | 'en', config: Config): string {
  if (config.locale && config.locale.toLowerCase().startsWith(lang)) return config.locale;
  return lang === 'es' ? 'es-MX' : 'en-US';
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

async function renderAll(plan: Plan, ctx: { config: Config; asOf: Day; templateDirs: string[]; levels: readonly LevelRule[]; from: Mailbox; replyTo: Mailbox | null; bcc: string[]; records: Journal['records'] }): Promise<ReadyLetter[]> {
  const byLang = new Map<'es' | 'en', LetterTemplates>();
  const out: ReadyLetter[] = [];
  let n = 0;
  for (const entry of plan.letters) {
    let templates = byLang.get(entry.lang);
    if (!templates) {
      templates = await loadTemplates(ctx.templateDirs, entry.lang);
      byLang.set(entry.lang, templates);
    }
    const c = entry.customer;
    const { config } = ctx;
    const charges = chargesFor(entry, config, ctx.asOf, ctx.records);
    const context = buildLetterContext({
      charges,
      kind: kindFor(entry, ctx.levels),
      level: entry.level,
      lang: entry.lang,
      locale: localeFor(entry.lang, config),
      asOf: ctx.asOf,
      customer: { name: c.customer, customerId: c.customerId, contact: c.contact, email: entry.to[0] ?? null, salesRep: c.salesRep, currency: c.currency },
      invoices: entry.view.dunnable.map(itemInput),
      credits: entry.view.credits.map(itemInput),
      upcoming: entry.kind === 'upcoming' ? entry.items.map(itemInput) : entry.view.notDue.map(itemInput),
      amountAsked: askedMinor(entry),
      balance: c.balance,
      company: config.company,
      paymentInstructions: config.paymentInstructions,
      paymentUrl: config.paymentUrl,
      sender: { name: ctx.from.name || null, email: ctx.from.address },
    });
    const rendered = renderLetter(templates, context, entry.kind);
    const messageId = messageIdFor(entry.key, ctx.from.address);
    const cc = config.ccSalesRep && c.salesRep ? parseAddressList(c.salesRep).valid : [];
    const raw = await buildRawMessage({
      from: ctx.from,
      to: entry.to.length ? entry.to.map((address) => ({ name: c.contact ?? c.customer, address })) : [{ name: c.customer, address: 'no-address@dunning.invalid' }],
      cc,
      bcc: ctx.bcc,
      replyTo: ctx.replyTo,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId,
      date: new Date(),
      headers: { 'X-Dunning-Key': entry.key, 'X-Dunning-Level': String(entry.level ?? 'upcoming') },
    });
    n += 1;
    const fileBase = `${String(n).padStart(3, '0')}-${slug(c.customer)}-${c.currency}${entry.level ? `-L${entry.level}` : '-upcoming'}`;
    out.push({ entry, feeRecord: charges?.feeRecord ?? null, rendered, context, messageId, raw, fileBase, cc, bcc: ctx.bcc });
  }
  return out;
}

/** `--pdf`: one printable letter per customer next to the previews (A4 or Letter by locale). */
async function writePdfs(dir: string, letters: readonly ReadyLetter[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { renderLetterPdf } = await import('../letters/pdf.js');
  const files = [];
  for (const l of letters) files.push({ path: join(dir, `${l.fileBase}.pdf`), data: await renderLetterPdf({ context: l.context, letter: l.rendered }) });
  await writeFilesAtomic(files, { fsyncEach: false });
}

async function writeCopies(dir: string, letters: readonly ReadyLetter[], durable: boolean): Promise<void> {
  await mkdir(dir, { recursive: true });
  // Atomic per file, in batches (render/output.ts writeFilesAtomic). Previews are not fsynced one by
  // one (a re-run writes them again); copies of letters sent — the evidence — are.
  await writeFilesAtomic(letters.flatMap((l) => [
    { path: join(dir, `${l.fileBase}.eml`), data: l.raw },
    { path: join(dir, `${l.fileBase}.txt`), data: `Subject: ${l.rendered.subject}\nTo: ${l.entry.to.join(', ') || '(no valid address)'}\n\n${l.rendered.text}` },
  ]), { fsyncEach: durable });
}

function planTable(plan: Plan, ready: readonly ReadyLetter[], status: (l: ReadyLetter) => string, locale: string, color: boolean): string {
  const rows: string[][] = [];
  for (const l of ready) {
    const c = l.entry.customer;
    rows.push([
      printable(c.customer),
      c.currency,
      l.entry.level === null ? 'upcoming' : `${l.entry.level} ${l.entry.kind}`,
      formatAmount(askedMinor(l.entry), c.currency, locale),
      l.entry.view.oldestDunnableDays === null ? '' : String(l.entry.view.oldestDunnableDays),
      l.entry.to.join(', ') || '—',
      printable(status(l)),
    ]);
  }
  for (const s of plan.skipped) rows.push([printable(s.customer.customer), s.customer.currency, '—', '', '', '', `skipped: ${s.reason}`]);
  // cli-table3 lays a table out in time that grows faster than its rows (12,000 rows: 3.5 s):
  // long plans are printed as tables of 500 rows.
  const out: string[] = [];
  for (let i = 0; i === 0 || i < rows.length; i += 500) {
    const table = new Table({
      head: ['Customer', 'Cur.', 'Letter', 'Asked', 'Oldest', 'To', 'Status'],
      style: color ? { compact: true } : { head: [], border: [], compact: true },
      colAligns: ['left', 'left', 'left', 'right', 'right', 'left', 'left'],
    });
    table.push(...rows.slice(i, i + 500));
    out.push(table.toString());
  }
  return `${out.join('\n')}\n`;
}

function unknownText(n: number): string {
  return `${n} customer(s) blocked by a letter whose outcome is UNKNOWN: resolve with \`dunning history --resolve KEY sent|failed\` or re-send with --resend-unknown`;
}

function troubledCount(summary: DeliverySummary | null): number {
  return summary ? summary.deferred.length + summary.failed.length + summary.unknown.length + summary.notTried.length : 0;
}

function summaryText(summary: DeliverySummary): string {
  const parts = [`${summary.sent.length} sent`];
  if (summary.deferred.length) parts.push(`${summary.deferred.length} deferred (retried next run)`);
  if (summary.failed.length) parts.push(`${summary.failed.length} failed (address refused)`);
  if (summary.unknown.length) parts.push(`${summary.unknown.length} UNKNOWN (may have arrived; see dunning history)`);
  if (summary.skipped.length) parts.push(`${summary.skipped.length} not sent again (${[...new Set(summary.skipped.map((s) => s.reason))].join(', ')})`);
  if (summary.notTried.length) parts.push(`${summary.notTried.length} not tried (run stopped)`);
  return parts.join(' · ');
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

export function remindCommand(ctx: RunContext): Command {
  const cmd = new Command('remind')
    .description('collection letters: previews by default; --send emails them (journaled, never twice)')
    .argument('<ledger>', 'invoice ledger (.xlsx or .csv)')
    .option('--as-of <date>', 'date of the run (YYYY-MM-DD); default: today')
    .option('--bucket <name>', 'only customers whose oldest overdue invoice is in this bucket: 1-30, 31-60, 61-90, 90+ (or 0-30, 30-60, 60-90), critical, upcoming')
    .option('--customer <name>', 'only customers whose name or id contains this')
    .option('--templates <dir>', 'folder with templates/<lang>/ overrides (default: templates/ in the client folder)')
    .option('--out <dir>', 'where previews and copies go (default: reminders/<as-of>/ in the client folder)')
    .option('--from <address>', 'sender, overrides config from')
    .option('--send', 'send the letters by email (default: previews only)')
    .option('--yes', 'do not ask for confirmation (required without a terminal, e.g. cron)')
    .option('--resend-unknown', 're-send letters whose outcome is unknown (same Message-ID)')
    .option('--allow-rejected', 'send even though some ledger rows were rejected')
    .option('--allow-stale', 'send even though the ledger file is older than maxLedgerAgeDays')
    .option('--pdf', 'also write each letter as a printable PDF (A4 or Letter by locale) beside the previews')
    .option('--insecure-smtp', 'allow plaintext SMTP authentication to a non-local server');
  addLedgerOptions(cmd);
  return cmd.action(async (ledger: string, flags: RemindFlags) => {
    const g = ctx.global();
    const asOf = parseAsOf(flags.asOf, ctx.today);
    const loaded = await loadLedger(ledger, flags, ctx);
    const { config, clientDir, read, lang } = loaded;
    const asOfItems = itemsAsOf(loaded, asOf);
    const rejectedRows = read.stats.rejectedRows + asOfItems.rejected.length;
    requireUsableRows(read);
    const bounds = parseBuckets(undefined, config);
    const filter = flags.bucket === undefined ? null : parseBucketFilter(flags.bucket, bounds);
    if (typeof filter === 'string') throw new UsageError(filter);
    const fromText = flags.from ?? config.from;
    if (flags.send && !fromText) throw new UsageError('--send needs a sender: set "from" in dunning.config.json or pass --from "Name <address>"');
    const from = fromText ? parseMailbox(fromText, flags.from ? '--from' : 'from') : PREVIEW_FROM;
    const replyTo = config.replyTo ? parseMailbox(config.replyTo, 'replyTo') : null;
    const bcc = config.bcc ? [parseMailbox(config.bcc, 'bcc').address] : [];
    if (flags.send && !flags.yes && !process.stdin.isTTY) throw new UsageError('--send without a terminal (cron) needs --yes');

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
    if (!g.quiet && rejectedRows > 0) ctx.stderr.write(`warning: ${rejectedRows} row(s) rejected (dunning check ${ledger}${flags.payments ? ` --payments ${flags.payments}` : ''})\n`);

    const lock = flags.send ? await acquireLock(clientDir, { onWarning: (m) => ctx.stderr.write(`warning: ${m}\n`) }) : null;
    let sender: Sender | null = null;
    try {
      const journal = await openJournal(clientDir);
      for (const w of journal.warnings) ctx.stderr.write(`warning: ${w}\n`);
      const report = ageLedger(asOfItems.items, { asOf, basis: 'due', bounds, criticalDays: config.criticalDays });
      const plan = planLetters(report, journal, {
        asOf, bounds, criticalDays: config.criticalDays, upcomingDays: config.upcomingDays, filter, customer: flags.customer ?? null,
        doNotContact: config.doNotContact, lang, levels: levelsOf(config), minDaysBetween: config.minDaysBetween,
        repeatAfterDays: config.repeatAfterDays, maxFinalNotices: config.maxFinalNotices, skipLevels: config.skipLevels,
        resendUnknown: Boolean(flags.resendUnknown),
      });
      const blocked = plan.skipped.filter((x) => x.unknownKey);
      const templateDirs = [...(flags.templates ? [resolve(flags.templates)] : []), join(clientDir, 'templates'), shippedTemplatesDir()];
      // Everything is rendered (and every template error found) before anything is written or sent.
      const ready = await renderAll(plan, { config, asOf, templateDirs, levels: levelsOf(config), from, replyTo, bcc, records: journal.records });
      const outDir = resolve(flags.out ?? join(clientDir, 'reminders', isoOfDay(asOf)));
      const locale = localeFor(lang, config);
      const color = g.color && Boolean(ctx.stdout.isTTY);

      if (!flags.send) {
        await writeCopies(outDir, ready, false);
        if (flags.pdf) await writePdfs(outDir, ready);
        ctx.stdout.write(planTable(plan, ready, (l) => (l.entry.to.length ? `preview ${l.fileBase}.eml` : `preview (no valid address: ${l.entry.invalidAddresses.join(', ') || 'none'})`), locale, color));
        if (!g.quiet) ctx.stderr.write(`${ready.length} letter(s) previewed in ${outDir}; nothing was sent (add --send to email them).${plan.otherBuckets ? ` ${plan.otherBuckets} customer(s) with overdue invoices are in other buckets.` : ''}\n`);
        if (blocked.length) ctx.stderr.write(`warning: ${unknownText(blocked.length)}\n`);
        return;
      }

      // --send: customers without a valid address are skipped and listed.
      const sendable = ready.filter((l) => l.entry.to.length > 0);
      const noAddress = ready.filter((l) => l.entry.to.length === 0);
      if (!flags.yes) {
        ctx.stdout.write(planTable(plan, ready, (l) => (l.entry.to.length ? 'to send' : 'skipped: no valid address'), locale, color));
        if (!(await confirm(ctx, `Send ${sendable.length} letter(s) from ${from.address}? [y/N] `))) {
          ctx.stderr.write('Nothing sent.\n');
          return;
        }
      }
      const settings = await resolveSmtpSettings({ dir: clientDir, config: config.smtp, env: ctx.env, insecure: Boolean(flags.insecureSmtp) });
      const planned: PlannedLetter[] = sendable.map((l) => ({
        key: l.entry.key,
        messageId: l.messageId,
        record: {
          v: 1, type: 'letter', asOf: isoOfDay(asOf), key: l.entry.key, customerKey: l.entry.customer.customerKey,
          customer: l.entry.customer.customer, currency: l.entry.customer.currency, level: l.entry.level ?? 'upcoming',
          invoices: journalInvoices(l.entry.customer, l.entry.items), amount: askedMajor(l),
          to: [...l.entry.to], messageId: l.messageId, cycle: l.entry.cycle,
        } as PlannedLetter['record'],
        envelope: { from: from.address, to: l.entry.to, cc: l.cc, bcc: l.bcc },
        raw: l.raw,
      }));
      sender = planned.length ? await openSender(settings) : null;
      const progress = ctx.stderr.isTTY && !g.quiet;
      const summary = sender
        ? await deliverAll(planned, {
            journal, sender, resendUnknown: Boolean(flags.resendUnknown),
            onProgress: progress ? (p) => ctx.stderr.write(`\r[${p.index}/${p.total}] ${p.outcome.padEnd(9)} ${p.customer.slice(0, 40).padEnd(40)}`) : undefined,
          })
        : null;
      if (progress && summary) ctx.stderr.write('\n');
      const sentKeys = new Set(summary?.sent.map((o) => o.letter.key) ?? []);
      // A fee is charged once per level and cycle: recorded only for letters that went out.
      for (const l of ready) if (l.feeRecord && sentKeys.has(l.entry.key)) await journal.append({ ...l.feeRecord, ts: new Date().toISOString() } as unknown as JournalRecord);
      await writeCopies(outDir, ready.filter((l) => sentKeys.has(l.entry.key)), true);
      if (flags.pdf) await writePdfs(outDir, ready.filter((l) => sentKeys.has(l.entry.key)));
      const outcome = new Map<string, string>();
      for (const [state, list] of [['sent', summary?.sent], ['deferred', summary?.deferred], ['failed', summary?.failed], ['UNKNOWN', summary?.unknown]] as const) {
        for (const o of list ?? []) outcome.set(o.letter.key, `${state}${o.result.error && state !== 'sent' ? `: ${o.result.error}` : ''}`);
      }
      for (const s of summary?.skipped ?? []) outcome.set(s.key, `not sent again: ${s.reason}`);
      for (const p of summary?.notTried ?? []) outcome.set(p.key, 'not tried (run stopped)');
      ctx.stdout.write(planTable(plan, ready, (l) => (l.entry.to.length === 0 ? `skipped: no valid address${l.entry.invalidAddresses.length ? ` (${l.entry.invalidAddresses.join(', ')})` : ''}` : (outcome.get(l.entry.key) ?? '')), locale, color));
      const text = `${summary ? summaryText(summary) : '0 sent'}${blocked.length ? ` · ${unknownText(blocked.length)}` : ''}`;
      if (!g.quiet || troubledCount(summary) > 0 || blocked.length > 0) {
        ctx.stderr.write(`${text}${noAddress.length ? ` · ${noAddress.length} skipped (no valid address)` : ''}. Copies of sent letters in ${outDir}\n`);
      }
      if (summary?.stopped?.error) throw summary.stopped.error;
      const troubled = blocked.length + troubledCount(summary);
      if (troubled > 0) {
        if (config.notify && sender) await notify(sender, config.notify, from, `dunning: ${troubled} letter(s) need attention (${read.file}, ${isoOfDay(asOf)})`, `${text}\n\nClient folder: ${clientDir}\nRun \`dunning history --dir ${clientDir}\` for details.\n`, ctx);
        throw new SendError(`${troubled} letter(s) not delivered: ${text}`);
      }
    } finally {
      await sender?.close();
      await lock?.release();
    }
  });
}

function askedMinor(entry: PlannedEntry): number {
  return entry.kind === 'upcoming' ? entry.items.reduce((s, a) => s + a.open, 0) : entry.view.amountAsked;
}

/** The amount asked in major units, as the journal records it. */
function askedMajor(l: ReadyLetter): number {
  return minorToMajor(askedMinor(l.entry), currencyExponent(l.entry.customer.currency));
}

/** The `notify` summary after a cron run with problems: best effort, never journaled. */
async function notify(sender: Sender, to: string, from: Mailbox, subject: string, text: string, ctx: RunContext): Promise<void> {
  const address = parseMailbox(to, 'notify');
  try {
    const raw = await buildRawMessage({ from, to: [address], subject, text, html: `<pre>${text.replace(/[&<>]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[ch]!)}</pre>`, messageId: `<notify-${Date.now()}@${from.address.split('@')[1]}>`, date: new Date() });
    const r = await sender.send({ from: from.address, to: [address.address], cc: [], bcc: [], raw });
    if (r.state !== 'sent') ctx.stderr.write(`warning: the notify summary to ${address.address} was not delivered (${r.state})\n`);
  } catch (err) {
    ctx.stderr.write(`warning: the notify summary to ${address.address} was not delivered (${(err as Error).message})\n`);
  }
}
