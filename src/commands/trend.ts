// `dunning trend [--dir DIR]`: how the buckets, DSO and the critical amount moved across the
// snapshots saved with `aging --snapshot`, per currency.
import { resolve } from 'node:path';
import Table from 'cli-table3';
import { Command, Option } from 'commander';
import { currencyExponent } from '../core/money.js';
import { UsageError } from '../errors.js';
import { formatAmount, formatPercent } from '../render/format.js';
import { loadSnapshots, snapshotsDirOf, trendRows, type TrendRow } from '../snapshots.js';
import { labelsFor } from '../render/labels.js';
import type { Lang } from '../i18n/index.js';
import { messageLangOf, type RunContext } from './common.js';

interface TrendFlags {
  dir?: string;
  format: 'table' | 'json';
  currency?: string;
  locale?: string;
}

/** Snapshot amounts are major units rounded to the currency's exponent: back to minor units for display. */
function minorOf(major: number, currency: string): number {
  return Math.round(major * 10 ** currencyExponent(currency));
}

const HEAD = {
  en: { asOf: 'as of', balance: 'balance', change: 'Δ balance', critical: 'critical', atRisk: 'at risk' },
  es: { asOf: 'al', balance: 'saldo', change: 'Δ saldo', critical: 'crítico', atRisk: 'en riesgo' },
} as const;

function table(rows: readonly TrendRow[], currency: string, locale: string, color: boolean, lang: Lang): string {
  const buckets = Object.keys(rows[0]!.buckets);
  const h = HEAD[lang];
  const bucketHead = (b: string): string => (b === 'current' && lang === 'es' ? labelsFor(lang).current.toLowerCase() : b);
  const t = new Table({
    head: [h.asOf, ...buckets.map(bucketHead), h.balance, h.change, h.critical, h.atRisk, 'DSO'],
    style: color ? { compact: true } : { head: [], border: [], compact: true },
    colAligns: ['left', ...buckets.map(() => 'right' as const), 'right', 'right', 'right', 'right', 'right'],
  });
  let previous: TrendRow | null = null;
  for (const r of rows) {
    const fmt = (major: number) => formatAmount(minorOf(major, currency), currency, locale);
    t.push([
      r.asOf,
      ...buckets.map((b) => fmt(r.buckets[b] ?? 0)),
      fmt(r.balance),
      previous ? fmt(r.balance - previous.balance) : '',
      fmt(r.criticalAmount),
      r.atRiskRate === null ? '–' : formatPercent(r.atRiskRate, locale),
      r.dso === null ? '–' : String(r.dso),
    ]);
    previous = r;
  }
  return `${currency}\n${t.toString()}\n`;
}

export function trendCommand(ctx: RunContext): Command {
  return new Command('trend')
    .description('how buckets, DSO and the critical amount moved across the snapshots saved with `aging --snapshot`')
    .option('--dir <dir>', 'client folder (default: the current folder)')
    .option('--currency <code>', 'only this currency')
    .addOption(new Option('--format <format>', 'table or json').choices(['table', 'json']).default('table'))
    .option('--locale <locale>', 'number format of the table (default en-US)')
    .action(async (flags: TrendFlags) => {
      const dir = resolve(flags.dir ?? '.');
      const lang = await messageLangOf(dir, ctx);
      const snapshots = await loadSnapshots(dir);
      let rows = trendRows(snapshots);
      if (flags.currency) rows = rows.filter((r) => r.currency === flags.currency!.toUpperCase());
      if (flags.format === 'json') {
        ctx.stdout.write(`${JSON.stringify({ snapshots: snapshots.length, rows }, null, 2)}\n`);
        return;
      }
      if (snapshots.length === 0) {
        throw new UsageError(`no snapshots in ${snapshotsDirOf(dir)}: save one with \`dunning aging LEDGER --snapshot\` (e.g. weekly from cron)`);
      }
      const currencies = [...new Set(rows.map((r) => r.currency))];
      for (const c of currencies) ctx.stdout.write(table(rows.filter((r) => r.currency === c), c, flags.locale ?? 'en-US', ctx.global().color && Boolean(ctx.stdout.isTTY), lang));
    });
}
