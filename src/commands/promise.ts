// `dunning promise CUSTOMER --until DATE [--amount X]` and `dunning hold CUSTOMER|INVOICE --until
// DATE --reason …`: record a promise to pay or a hold in the client folder's journal. Held or
// promised customers get no letters until the date (letters/plan.ts); a broken promise moves the
// customer one level up and onto the call list.
import { resolve, dirname } from 'node:path';
import { Command } from 'commander';
import { ageLedger } from '../core/aging.js';
import { isoOfDay } from '../core/dates.js';
import { currencyExponent, decimalToMinor } from '../core/money.js';
import { designates } from '../core/promises.js';
import { UsageError } from '../errors.js';
import { parseAmount } from '../ledger/values.js';
import { openJournal, type JournalRecord } from '../mail/journal.js';
import { acquireLock } from '../mail/lock.js';
import { majorOf, type HoldRecord, type PromiseRecord } from '../mail/records.js';
import { itemsAsOf, loadLedger, messageLangOf, parseAsOf, parseBuckets, type RunContext } from './common.js';

interface PromiseFlags {
  until: string;
  amount?: string;
  currency?: string;
  note?: string;
  dir?: string;
  ledger?: string;
  asOf?: string;
}

interface HoldFlags {
  until: string;
  reason: string;
  invoice?: boolean;
  dir?: string;
  asOf?: string;
}

function untilDay(text: string, asOf: number): number {
  const d = parseAsOf(text, asOf);
  if (d < asOf) throw new UsageError(`--until ${text}: that date has passed`);
  return d;
}

async function append(dir: string, record: PromiseRecord | HoldRecord): Promise<string> {
  const lock = await acquireLock(dir);
  try {
    const journal = await openJournal(dir);
    await journal.append(record as unknown as JournalRecord);
    return journal.path;
  } finally {
    await lock.release();
  }
}

export function promiseCommand(ctx: RunContext): Command {
  return new Command('promise')
    .description('record a promise to pay: no letters until the date; if broken, the next level and the call list')
    .argument('<customer>', 'customer name, id (RFC, NIT…) or key')
    .requiredOption('--until <date>', 'the date the customer promised to pay by (YYYY-MM-DD)')
    .option('--amount <amount>', 'amount promised (default: everything overdue); needs --ledger to know the balance today')
    .option('--currency <code>', 'currency of the promise when the customer owes in several')
    .option('--note <text>', 'a note (who promised, how)')
    .option('--ledger <file>', 'the ledger, to check the customer and record the balance today')
    .option('--dir <dir>', 'client folder (default: the ledger\'s folder, else the current folder)')
    .option('--as-of <date>', 'the date the promise was made (default: today)')
    .action(async (who: string, flags: PromiseFlags) => {
      const asOf = parseAsOf(flags.asOf, ctx.today);
      const until = untilDay(flags.until, asOf);
      const dir = resolve(flags.dir ?? (flags.ledger ? dirname(resolve(flags.ledger)) : '.'));
      let currency = flags.currency?.toUpperCase() ?? null;
      let customerKey: string | null = null;
      let name = who;
      let balance: number | null = null;
      // The ledger's config says the language when there is a ledger; else the client folder's.
      let lang = flags.ledger ? 'en' : await messageLangOf(dir, ctx);
      if (flags.ledger) {
        const loaded = await loadLedger(flags.ledger, { map: [] }, ctx);
        lang = loaded.lang;
        const report = ageLedger(itemsAsOf(loaded, asOf).items, { asOf, basis: 'due', bounds: parseBuckets(undefined, loaded.config), criticalDays: loaded.config.criticalDays });
        let entries = report.customers.filter((c) => designates(who, c));
        if (entries.length === 0) entries = report.customers.filter((c) => c.customer.toLowerCase().includes(who.toLowerCase()));
        if (currency) entries = entries.filter((c) => c.currency === currency);
        const keys = new Set(entries.map((c) => c.customerKey));
        if (keys.size === 0) throw new UsageError(`${who}: no customer with open items by that name or id in ${flags.ledger}`);
        if (keys.size > 1) throw new UsageError(`${who}: several customers match (${[...new Set(entries.map((c) => c.customer))].join('; ')}); give the exact name or id`);
        if (entries.length > 1 && flags.amount) throw new UsageError(`${who} owes in ${entries.map((c) => c.currency).join(' and ')}: add --currency`);
        const entry = entries[0]!;
        customerKey = entry.customerKey;
        name = entry.customer;
        if (entries.length === 1) {
          currency = entry.currency;
          balance = majorOf(entry.balance, currency);
        }
      } else if (flags.amount) {
        throw new UsageError('--amount needs --ledger: the promise is kept when the balance goes down by the amount, so the balance today must be known');
      }
      let amount: number | null = null;
      if (flags.amount) {
        const p = parseAmount(flags.amount);
        const exp = currencyExponent(currency ?? 'XXX');
        const minor = p.kind === 'ok' ? decimalToMinor(p.text, exp) : p.kind === 'ambiguous' ? decimalToMinor(p.asGrouping, exp) : null;
        if (minor === null || minor <= 0) throw new UsageError(`--amount ${flags.amount}: not a positive amount`);
        amount = majorOf(minor, currency);
      }
      const record: PromiseRecord = {
        v: 1, type: 'promise', ts: new Date(ctx.clock()).toISOString(), asOf: isoOfDay(asOf), customer: name, customerKey, currency,
        until: isoOfDay(until), amount, balance, note: flags.note ?? null,
      };
      const path = await append(dir, record);
      if (!ctx.global().quiet) {
        ctx.stderr.write(lang === 'es'
          ? `${name}: promesa de pago${amount !== null ? ` de ${amount} ${currency}` : ''} hasta el ${isoOfDay(until)} registrada en ${path}; no habrá cartas hasta entonces\n`
          : `${name}: promise to pay${amount !== null ? ` ${amount} ${currency}` : ''} by ${isoOfDay(until)} recorded in ${path}; no letters until then\n`);
      }
    });
}

export function holdCommand(ctx: RunContext): Command {
  return new Command('hold')
    .description('put a customer (or one invoice, with --invoice) on hold: no letters until the date')
    .argument('<target>', 'customer name, id or key; or an invoice number with --invoice')
    .requiredOption('--until <date>', 'last day of the hold (YYYY-MM-DD)')
    .requiredOption('--reason <text>', 'why (shown in remind\'s summary)')
    .option('--invoice', 'the target is an invoice number')
    .option('--dir <dir>', 'client folder (default: the current folder)')
    .option('--as-of <date>', 'today, for tests (default: today)')
    .action(async (target: string, flags: HoldFlags) => {
      const asOf = parseAsOf(flags.asOf, ctx.today);
      const until = untilDay(flags.until, asOf);
      const dir = resolve(flags.dir ?? '.');
      const lang = await messageLangOf(dir, ctx);
      const record: HoldRecord = {
        v: 1, type: 'hold', ts: new Date(ctx.clock()).toISOString(), asOf: isoOfDay(asOf),
        customer: flags.invoice ? null : target, invoice: flags.invoice ? target : null, until: isoOfDay(until), reason: flags.reason,
      };
      const path = await append(dir, record);
      if (!ctx.global().quiet) {
        ctx.stderr.write(lang === 'es'
          ? `${flags.invoice ? `factura ${target}` : target}: en pausa hasta el ${isoOfDay(until)} (${flags.reason}), registrado en ${path}\n`
          : `${flags.invoice ? `invoice ${target}` : target}: on hold until ${isoOfDay(until)} (${flags.reason}), recorded in ${path}\n`);
      }
    });
}
