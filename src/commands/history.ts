// `dunning history [--dir DIR] [--customer NAME] [--resolve KEY sent|failed]`: what was sent,
// when, at which level, read from the client folder's journal. `--resolve` records what the
// bookkeeper found out about a letter whose outcome was unknown (SPEC §5).
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { Command } from 'commander';
import { currencyExponent } from '../core/money.js';
import { UsageError } from '../errors.js';
import { acquireLock } from '../mail/lock.js';
import { effectiveLetters, openJournal, type EffectiveLetter } from '../mail/journal.js';
import { translate, warningPrefix, type Lang } from '../i18n/index.js';
import { messageLangOf, type RunContext } from './common.js';

interface HistoryFlags {
  dir?: string;
  customer?: string;
  resolve?: string[];
  note?: string;
  format: string;
}

function matchesCustomer(l: EffectiveLetter, needle: string | undefined): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return l.record.customer.toLowerCase().includes(n) || l.record.customerKey.toLowerCase().includes(n);
}

const HEAD = {
  en: ['as of', 'customer', 'cur.', 'level', 'via', 'amount', 'to', 'state', 'key'],
  es: ['al', 'cliente', 'mon.', 'nivel', 'vía', 'importe', 'para', 'estado', 'clave'],
} as const;

/** A letter's state as the table shows it: sent, failed, unknown… (enviada, fallida, desconocida…). */
function stateText(state: string, lang: Lang): string {
  return translate(state, lang);
}

export function historyTable(letters: readonly EffectiveLetter[], color: boolean, lang: Lang = 'en'): string {
  const table = new Table({
    head: [...HEAD[lang]],
    style: color ? { compact: true } : { head: [], border: [], compact: true },
    colAligns: ['left', 'left', 'left', 'right', 'left', 'right', 'left', 'left', 'left'],
  });
  for (const l of letters) {
    const r = l.record;
    const state = l.resolution ? `${stateText(l.state, lang)} (${lang === 'es' ? 'resuelta' : 'resolved'})` : stateText(l.state, lang);
    table.push([r.asOf, r.customer, r.currency, String(r.level), r.channel ?? 'email', r.amount.toFixed(currencyExponent(r.currency)), r.to.join(', '), state, r.key]);
  }
  return `${table.toString()}\n`;
}

export function historyCommand(ctx: RunContext): Command {
  return new Command('history')
    .description('the send journal: what was sent, when, at which level, and what is pending')
    .option('--dir <dir>', 'client folder (default: the current folder)')
    .option('--customer <name>', 'only letters to customers whose name or key contains this')
    .option('--resolve <key-and-state...>', 'record the outcome of an unknown letter: --resolve KEY sent|failed')
    .option('--note <text>', 'a note stored with --resolve')
    .option('--format <format>', 'table or json', 'table')
    .action(async (flags: HistoryFlags) => {
      const dir = resolve(flags.dir ?? '.');
      const lang = await messageLangOf(dir, ctx);
      const t = (text: string): string => translate(text, lang);
      if (flags.format !== 'table' && flags.format !== 'json') throw new UsageError(`--format ${flags.format}: use table or json`);
      const journal = await openJournal(dir);
      for (const w of journal.warnings) ctx.stderr.write(`${warningPrefix(lang)}${t(w)}\n`);
      const letters = effectiveLetters(journal);
      if (flags.resolve) {
        const [key, state] = flags.resolve;
        if (!key || (state !== 'sent' && state !== 'failed') || flags.resolve.length !== 2) {
          throw new UsageError('--resolve takes a letter key and its outcome: --resolve KEY sent|failed');
        }
        const letter = letters.get(key);
        if (!letter) throw new UsageError(`--resolve ${key}: no letter with that key in ${journal.path}`);
        const lock = await acquireLock(dir);
        try {
          await journal.append({ v: 1, type: 'resolution', ts: new Date(ctx.clock()).toISOString(), key, state, ...(flags.note ? { note: flags.note } : {}) });
        } finally {
          await lock.release();
        }
        if (!ctx.global().quiet) {
          const was = letter.state !== 'unknown' ? ` (it was ${letter.state})` : '';
          ctx.stderr.write(`${t(`${key}: recorded as ${state}${was}`)}\n`);
        }
        return;
      }
      const shown = [...letters.values()].filter((l) => matchesCustomer(l, flags.customer));
      if (flags.format === 'json') {
        ctx.stdout.write(`${JSON.stringify(shown.map((l) => ({ ...l.record, state: l.state, resolution: l.resolution })), null, 2)}\n`);
        return;
      }
      if (shown.length === 0) {
        const who = flags.customer ? ` for "${flags.customer}"` : '';
        ctx.stdout.write(`${t(`No letters in ${journal.path}${who}.`)}\n`);
        return;
      }
      ctx.stdout.write(historyTable(shown, ctx.global().color && Boolean(ctx.stdout.isTTY), lang));
      const unknown = shown.filter((l) => l.state === 'unknown');
      if (unknown.length) {
        ctx.stdout.write(lang === 'es'
          ? `\n${unknown.length} carta(s) con resultado desconocido: confírmelo con el cliente o con el servidor de correo y luego ejecute\n  dunning history --dir ${flags.dir ?? '.'} --resolve CLAVE sent|failed\no reenvíelas con \`dunning remind ... --send --resend-unknown\`.\n`
          : `\n${unknown.length} letter(s) with unknown outcome: check with the customer or the mail server, then run\n  dunning history --dir ${flags.dir ?? '.'} --resolve KEY sent|failed\nor re-send them with \`dunning remind ... --send --resend-unknown\`.\n`);
      }
    });
}
