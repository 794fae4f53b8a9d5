// The one-line summary per currency that closes the table, Markdown and cron output:
//   MXN: 38 customers · open 1,234,567.89 · critical 123,456.00 (10.0%) in 5 customers
// Currencies are never summed, so there is one line per currency.
import type { AgingReport, CurrencyTotals } from '../core/aging.js';
import { formatAmount, formatCount, formatPercent } from './format.js';
import { labelsFor, type Lang } from './labels.js';

/** Shown instead of a share when the open balance is zero or negative (credits exceed debts). */
export const NO_SHARE = '–';

/**
 * criticalAmount as a share of the open balance, formatted; "–" when the balance is ≤ 0, where a
 * share means nothing. Credits can make it exceed 100 %: that is shown as it is.
 */
export function formatCriticalShare(t: Pick<CurrencyTotals, 'balance' | 'criticalAmount'>, locale: string): string {
  return t.balance > 0 ? formatPercent(t.criticalAmount / t.balance, locale) : NO_SHARE;
}

export function summaryLine(t: CurrencyTotals, lang: Lang, locale: string): string {
  const L = labelsFor(lang);
  const parts = [
    `${t.currency}: ${L.customerCount(t.customers, formatCount(t.customers, locale))}`,
    `${L.summaryOpen} ${formatAmount(t.balance, t.currency, locale)}`,
  ];
  if (t.criticalCustomers === 0) {
    parts.push(L.summaryNoCritical);
  } else {
    const who = L.customerCount(t.criticalCustomers, formatCount(t.criticalCustomers, locale));
    parts.push(
      `${L.summaryCritical} ${formatAmount(t.criticalAmount, t.currency, locale)} ` +
        `(${formatCriticalShare(t, locale)}) ${L.summaryIn} ${who}`,
    );
  }
  return parts.join(' · ');
}

/** "DSO 45.5 days · CEI 69.2%" for one currency, or null when no metric is known. */
export function metricsLine(report: AgingReport, currency: string, lang: Lang, locale: string): string | null {
  const m = report.metrics?.find((x) => x.currency === currency);
  if (!m || (m.dso === null && m.cei === null)) return null;
  const parts: string[] = [];
  if (m.dso !== null) parts.push(`DSO ${formatNumberText(m.dso, locale)} ${lang === 'es' ? 'días' : 'days'}`);
  if (m.cei !== null) parts.push(`CEI ${formatNumberText(m.cei, locale)}%${lang === 'es' ? ' (últimos 30 días)' : ' (last 30 days)'}`);
  return `${currency}: ${parts.join(' · ')}`;
}

function formatNumberText(n: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(n);
}

/** One summary line per currency (and its metrics line, when known), in the report's totals order. */
export function summaryLines(report: AgingReport, lang: Lang, locale: string): string[] {
  return report.totals.flatMap((t) => {
    const metrics = metricsLine(report, t.currency, lang, locale);
    return metrics ? [summaryLine(t, lang, locale), metrics] : [summaryLine(t, lang, locale)];
  });
}
