// The aging report as one self-contained HTML page (SPEC §6): inline CSS, inline SVG charts and a
// small inline sorting script, nothing fetched — a Content-Security-Policy meta forbids every
// request, so the file reads the same offline, from a mail attachment or a USB stick. It prints on
// A4 and Letter alike (no fixed paper size; headers repeat, rows and charts are never cut).
//
// Sections: title; data-quality warnings (first, so nobody trusts totals built on rejected rows
// without knowing); a card per currency (balance, customers, critical amount and share, DSO,
// at-risk rate, CEI); a stacked bar of the buckets per currency (green current → red oldest);
// the ten largest debtors per currency; the trend over saved snapshots (≥ 2 points); the critical
// accounts; the full aging table per currency (sortable when scripts run, in report order when not).
//
// Every value from the ledger goes through `esc` (names like `<script>…` or `"><img onerror=…>`
// render as text, in text nodes, attributes and SVG alike). The numbers a machine may check are in
// data-* attributes in major units exactly as the JSON report gives them (json.ts), so a test or a
// scraper never parses locale-formatted text. Currencies are never summed: every chart has its own
// scale per currency. No generation timestamp: the same ledger gives the same bytes.
import type { AgingReport, CurrencyTotals, CustomerAging } from '../core/aging.js';
import { parseIsoDay, utcDateOfDay, type Day } from '../core/dates.js';
import type { CurrencyMetrics } from '../core/metrics.js';
import { currencyExponent, floatToMinor, type Minor } from '../core/money.js';
import { formatAmount, formatCount, formatDay, formatMoney, formatPercent, intlLocale, printable } from './format.js';
import type { RenderOptions } from './index.js';
import { toJsonReport, type JsonCustomer, type JsonReport, type JsonTotals } from './json.js';
import { bucketHeading, labelsFor, type Labels } from './labels.js';
import { formatCriticalShare, NO_SHARE } from './summary.js';
import { NIL } from './table.js';

/** One saved snapshot of one currency's totals, in major units (fed from `.dunning/` snapshots). */
export interface TrendPoint {
  /** The snapshot's as-of date, "YYYY-MM-DD". */
  readonly asOf: string;
  readonly currency: string;
  readonly buckets: Readonly<Record<string, number>>;
  readonly balance: number;
  readonly criticalAmount: number;
  readonly dso: number | null;
}

export type HtmlOptions = RenderOptions & { readonly trend?: readonly TrendPoint[] };

/** The policy in the page itself: no request of any kind, only the inline style and script. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'";

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML text node or a quoted attribute value (both quote kinds). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** Ledger text, printable (control characters → spaces) and escaped. */
function esc(text: string): string {
  return escapeHtml(printable(text));
}

/** ` name="value"` with the value escaped; nothing for null/undefined. */
function attr(name: string, value: string | number | null | undefined): string {
  return value === null || value === undefined ? '' : ` ${name}="${esc(String(value))}"`;
}

/** A name shortened to `max` characters (code points) for a chart label; the full name goes in a tooltip. */
function shorten(text: string, max: number): string {
  const chars = Array.from(printable(text).trim());
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** SVG coordinates with at most two decimals: short and deterministic. */
function n2(x: number): string {
  return String(Math.round(x * 100) / 100);
}

// ---------------------------------------------------------------------------------------------
// Colours: buckets from green (current) through amber to red (oldest), for any number of buckets.

const BUCKET_STOPS: readonly (readonly [number, number, number])[] = [
  [0x2e, 0x7d, 0x32], // green: current
  [0x7c, 0xb3, 0x42],
  [0xf9, 0xa8, 0x25], // amber
  [0xef, 0x6c, 0x00],
  [0xc6, 0x28, 0x28], // red: the oldest bucket
];

/** The colour of bucket `index` of `count`: the five stops exactly for the default buckets, blended otherwise. */
export function bucketColor(index: number, count: number): string {
  const t = count <= 1 ? 0 : index / (count - 1);
  const pos = t * (BUCKET_STOPS.length - 1);
  const lo = Math.min(Math.floor(pos), BUCKET_STOPS.length - 2);
  const f = pos - lo;
  const a = BUCKET_STOPS[lo]!;
  const b = BUCKET_STOPS[lo + 1]!;
  const hex = (i: number) => Math.round(a[i]! + (b[i]! - a[i]!) * f).toString(16).padStart(2, '0');
  return `#${hex(0)}${hex(1)}${hex(2)}`;
}

const COLOR_BALANCE = '#4a6a8a';
const COLOR_CRITICAL = '#c62828';
const COLOR_TREND_BALANCE = '#1f5fa8';
const COLOR_TREND_DSO = '#6a4c93';

// ---------------------------------------------------------------------------------------------
// Numbers for people, on top of format.ts.

interface Ctx {
  readonly report: AgingReport;
  readonly L: Labels;
  readonly locale: string;
}

// Built once per locale: a report with thousands of rows formats "days late" on every one.
const numberFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function numberFormat(locale: string, kind: 'decimal' | 'compact'): Intl.NumberFormat {
  const key = `${kind}|${locale}`;
  let f = numberFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(intlLocale(locale), { maximumFractionDigits: 1, ...(kind === 'compact' ? { notation: 'compact' } : {}) });
    numberFormats.set(key, f);
  }
  return f;
}

function dateFormat(locale: string, kind: 'short' | 'long'): Intl.DateTimeFormat {
  const key = `${kind}|${locale}`;
  let f = dateFormats.get(key);
  if (!f) {
    const style: Intl.DateTimeFormatOptions = kind === 'short' ? { day: 'numeric', month: 'short', year: '2-digit' } : { dateStyle: 'long' };
    f = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: 'UTC', ...style });
    dateFormats.set(key, f);
  }
  return f;
}

/** Days and DSO: at most one decimal, 45.5 → "45.5" (en) / "45,5" (es-ES). */
function decimalText(x: number, locale: string): string {
  return numberFormat(locale, 'decimal').format(x);
}

/** Axis ticks: 250000 → "250K" (en) / "250 mil" (es). */
function compactNumber(x: number, locale: string): string {
  return numberFormat(locale, 'compact').format(x);
}

/** Axis dates: "May 31, 24". */
function shortDay(day: Day, locale: string): string {
  return dateFormat(locale, 'short').format(utcDateOfDay(day));
}

/** "May 2 – 31, 2024" / "2–31 de mayo de 2024": the long form of format.ts, shared parts said once. */
function dayRange(from: Day, to: Day, locale: string): string {
  return dateFormat(locale, 'long').formatRange(utcDateOfDay(from), utcDateOfDay(to));
}

/** A bucket amount cell: "-" for nothing, as in the terminal table. */
function amountCell(minor: Minor, currency: string, locale: string): string {
  return minor === 0 ? `<span class="nil">${NIL}</span>` : esc(formatAmount(minor, currency, locale));
}

/** A share of the balance for the legend; "–" when the balance is not positive. */
function shareOf(part: Minor, balance: Minor, locale: string): string {
  return balance > 0 ? formatPercent(part / balance, locale) : NO_SHARE;
}

// ---------------------------------------------------------------------------------------------
// Sections.

function headerSection(c: Ctx, json: JsonReport): string {
  const { report, L, locale } = c;
  const title = `${L.asOf} ${formatDay(report.asOf, locale)}`;
  const customers = report.totals.reduce((n, t) => n + t.customers, 0);
  const facts = [L.basis[report.basis], L.html.criticalAfter(report.criticalDays), L.customerCount(customers, formatCount(customers, locale))];
  return (
    `<header class="report-head" data-as-of="${esc(json.asOf)}" data-basis="${esc(json.basis)}" data-critical-days="${report.criticalDays}">` +
    `<h1>${esc(title)}</h1>` +
    `<p class="subtitle">${facts.map(esc).join(' · ')}</p>` +
    `</header>`
  );
}

function warningsSection(warnings: readonly string[], L: Labels): string {
  if (warnings.length === 0) return '';
  return (
    `<section class="warnings" role="note" aria-labelledby="h-warnings">` +
    `<h2 id="h-warnings">${esc(L.warnings)}</h2>` +
    `<ul>${warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>` +
    `</section>`
  );
}

function kpi(label: string, value: string, field: string, extra = ''): string {
  return `<div class="kpi"><dt>${esc(label)}</dt><dd><span data-field="${field}">${esc(value)}</span>${extra}</dd></div>`;
}

function card(c: Ctx, t: CurrencyTotals, jt: JsonTotals, m: CurrencyMetrics | undefined): string {
  const { L, locale } = c;
  const cur = t.currency;
  const attrs =
    attr('data-currency', cur) +
    attr('data-total-balance', jt.balance) +
    attr('data-customers', jt.customers) +
    attr('data-critical-customers', jt.criticalCustomers) +
    attr('data-critical-amount', jt.criticalAmount) +
    attr('data-dso', jt.dso) +
    attr('data-at-risk-rate', jt.atRiskRate) +
    attr('data-cei', jt.cei);
  const share = formatCriticalShare(t, locale);
  const kpis = [
    kpi(L.customers, formatCount(t.customers, locale), 'customers'),
    kpi(L.criticalCustomers, formatCount(t.criticalCustomers, locale), 'critical-customers'),
    kpi(
      L.criticalAmount,
      formatMoney(t.criticalAmount, cur, locale),
      'critical-amount',
      share === NO_SHARE ? '' : ` <span class="share">${esc(share)} ${esc(L.html.ofBalance)}</span>`,
    ),
  ];
  if (m) {
    kpis.push(kpi(L.html.dso, m.dso === null ? L.html.notKnown : `${decimalText(m.dso, locale)} ${L.html.days}`, 'dso'));
    kpis.push(kpi(L.html.atRiskRate, m.atRiskRate === null ? L.html.notKnown : formatPercent(m.atRiskRate, locale), 'at-risk-rate'));
    if (m.cei !== null) {
      const period = m.ceiPeriod ? ` <span class="period">${esc(dayRange(m.ceiPeriod.from, m.ceiPeriod.to, locale))}</span>` : '';
      kpis.push(kpi(L.html.cei, formatPercent(m.cei / 100, locale), 'cei', period));
    }
  }
  return (
    `<article class="card${t.criticalCustomers > 0 ? ' has-critical' : ''}"${attrs}>` +
    `<div class="card-head"><span class="cur">${esc(cur)}</span><span class="card-label">${esc(L.html.openBalance)}</span></div>` +
    `<div class="big" data-field="balance">${esc(formatMoney(t.balance, cur, locale))}</div>` +
    `<dl class="kpis">${kpis.join('')}</dl>` +
    `</article>`
  );
}

function cardsSection(c: Ctx, json: JsonReport): string {
  const { report, L } = c;
  const cards = report.totals.map((t, i) => card(c, t, json.totals[i]!, report.metrics?.find((m) => m.currency === t.currency)));
  const body = cards.length ? `<div class="cards">${cards.join('')}</div>` : `<p class="empty">${esc(L.noOpenItems)}</p>`;
  return `<section class="summary" aria-labelledby="h-summary"><h2 id="h-summary">${esc(L.html.summary)}</h2>${body}</section>`;
}

/** Widths of stacked segments (already scaled so their sizes add up to `total`): each non-empty one at least `min`, the excess taken from the widest. */
function segmentWidths(scaled: readonly number[], total: number, min: number): number[] {
  const widths = scaled.map((v) => (v === 0 ? 0 : Math.max(min, Math.abs(v))));
  const excess = widths.reduce((s, w) => s + w, 0) - total;
  if (excess > 0) {
    const widest = widths.indexOf(Math.max(...widths));
    widths[widest] = widths[widest]! - excess;
  }
  return widths;
}

/**
 * One currency's buckets as one stacked bar: a <rect> per non-empty bucket, positive amounts to the
 * right of zero in bucket order, credits (a bucket whose net is negative) to the left, lighter.
 * The bar holds no text, so it may stretch to the page width (preserveAspectRatio="none").
 */
function bucketChart(c: Ctx, t: CurrencyTotals, jt: JsonTotals): string {
  const { report, L, locale } = c;
  const W = 1000;
  const H = 36;
  const labels = report.bucketLabels;
  const positive = t.buckets.reduce((s, v) => s + Math.max(0, v), 0);
  const negative = t.buckets.reduce((s, v) => s + Math.max(0, -v), 0);
  const extent = positive + negative;
  const rects: string[] = [];
  let zeroLine = '';
  if (extent > 0) {
    // Scale to W: every bucket's share of the bar, with a floor so 0.50 next to 1,000,000 still shows.
    const widths = segmentWidths(t.buckets.map((v) => (v / extent) * W), W, 3);
    const negWidth = t.buckets.reduce((s, v, i) => s + (v < 0 ? widths[i]! : 0), 0);
    let right = negWidth;
    let left = negWidth;
    t.buckets.forEach((v, i) => {
      if (v === 0) return;
      const w = widths[i]!;
      let x: number;
      if (v > 0) {
        x = right;
        right += w;
      } else {
        left -= w;
        x = left;
      }
      const label = labels[i]!;
      const tip = `${bucketHeading(label, L)}: ${formatMoney(v, t.currency, locale)} (${shareOf(v, t.balance, locale)})`;
      rects.push(
        `<rect class="seg${v < 0 ? ' credit' : ''}" x="${n2(x)}" y="0" width="${n2(w)}" height="${H}" fill="${bucketColor(i, labels.length)}"` +
          `${attr('data-bucket', label)}${attr('data-amount', jt.buckets[label])}><title>${esc(tip)}</title></rect>`,
      );
    });
    if (negative > 0) zeroLine = `<line class="zero" x1="${n2(negWidth)}" x2="${n2(negWidth)}" y1="0" y2="${H}"/>`;
  }
  const svg =
    `<svg class="bucket-chart"${attr('data-currency', t.currency)} viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" width="100%" height="${H}"` +
    ` role="img"${attr('aria-label', L.html.bucketChart(t.currency))}>${rects.join('')}${zeroLine}</svg>`;
  // The legend is a one-row table under the bar: each bucket's colour, name, amount and share line
  // up in equal columns on screen and on paper alike.
  const legend = labels
    .map((label, i) => {
      const v = t.buckets[i] ?? 0;
      return (
        `<td${v === 0 ? ' class="nil-bucket"' : ''}${attr('data-bucket', label)}>` +
        `<span class="b-label"><span class="swatch" style="background:${bucketColor(i, labels.length)}"></span>${esc(bucketHeading(label, L))}</span>` +
        `<span class="b-amount">${amountCell(v, t.currency, locale)}</span>` +
        `<span class="b-share">${v === 0 ? '&nbsp;' : esc(shareOf(v, t.balance, locale))}</span>` +
        `</td>`
      );
    })
    .join('');
  const note = negative > 0 ? `<p class="note">${esc(L.html.creditsNote)}</p>` : '';
  return (
    `<div class="bucket-row"${attr('data-currency', t.currency)}>` +
    `<div class="bucket-cur"><span class="cur">${esc(t.currency)}</span><span class="bucket-total">${esc(formatMoney(t.balance, t.currency, locale))}</span></div>` +
    `<div class="bucket-body">${svg}<table class="bucket-legend"><tr>${legend}</tr></table>${note}</div>` +
    `</div>`
  );
}

function bucketsSection(c: Ctx, json: JsonReport): string {
  const { report, L } = c;
  if (report.totals.length === 0) return '';
  const rows = report.totals.map((t, i) => bucketChart(c, t, json.totals[i]!)).join('');
  return `<section class="buckets" aria-labelledby="h-buckets"><h2 id="h-buckets">${esc(L.html.agingByBucket)}</h2>${rows}</section>`;
}

const DEBTORS = 10;

/** The ten largest positive balances of one currency as horizontal bars, the critical part in red. */
function debtorsChart(c: Ctx, t: CurrencyTotals, customers: readonly CustomerAging[], json: readonly JsonCustomer[]): string {
  const { L, locale } = c;
  const top = customers
    .map((cust, i) => ({ cust, json: json[i]! }))
    .filter(({ cust }) => cust.currency === t.currency && cust.balance > 0)
    .sort((a, b) => b.cust.balance - a.cust.balance)
    .slice(0, DEBTORS);
  if (top.length === 0) return '';
  const W = 520;
  const ROW = 24;
  // Room for 22 bold characters of 12px DejaVu/Arial: a 24-character name ran off the left edge.
  const LABEL = 190;
  const VALUE = 96;
  const barMax = W - LABEL - VALUE - 12;
  const max = top[0]!.cust.balance;
  const H = top.length * ROW + 4;
  const rows = top.map(({ cust, json: jc }, i) => {
    const y = 2 + i * ROW;
    const w = Math.max(2, (cust.balance / max) * barMax);
    const crit = cust.criticalAmount > 0 ? Math.max(2, (Math.min(cust.criticalAmount, cust.balance) / max) * barMax) : 0;
    const tip =
      `${printable(cust.customer)}: ${formatMoney(cust.balance, cust.currency, locale)}` +
      (cust.criticalAmount > 0 ? ` · ${L.critical}: ${formatMoney(cust.criticalAmount, cust.currency, locale)}` : '');
    return (
      `<g class="debtor${cust.critical ? ' critical' : ''}"${attr('data-balance', jc.balance)}${attr('data-critical-amount', jc.criticalAmount)}>` +
      `<title>${esc(tip)}</title>` +
      `<text class="d-name" x="${LABEL - 8}" y="${y + 16}" text-anchor="end">${esc(shorten(cust.customer, 22))}</text>` +
      `<rect class="d-bar" x="${LABEL}" y="${y + 4}" width="${n2(w)}" height="16" rx="2" fill="${COLOR_BALANCE}"/>` +
      (crit > 0 ? `<rect class="d-crit" x="${LABEL}" y="${y + 4}" width="${n2(crit)}" height="16" rx="2" fill="${COLOR_CRITICAL}"/>` : '') +
      `<text class="d-value" x="${n2(LABEL + w + 6)}" y="${y + 16}">${esc(formatAmount(cust.balance, cust.currency, locale))}</text>` +
      `</g>`
    );
  });
  const legend =
    `<ul class="legend inline">` +
    `<li><span class="swatch" style="background:${COLOR_BALANCE}"></span>${esc(L.html.otherBalance)}</li>` +
    `<li><span class="swatch" style="background:${COLOR_CRITICAL}"></span>${esc(L.criticalAmount)}</li></ul>`;
  return (
    `<figure class="debtors"${attr('data-currency', t.currency)}>` +
    `<figcaption><span class="cur">${esc(t.currency)}</span>${legend}</figcaption>` +
    `<svg class="debtors-chart"${attr('data-currency', t.currency)} viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img"${attr('aria-label', L.html.debtorsChart(t.currency))}>${rows.join('')}</svg>` +
    `</figure>`
  );
}

function debtorsSection(c: Ctx, json: JsonReport): string {
  const { report, L } = c;
  const charts = report.totals.map((t) => debtorsChart(c, t, report.customers, json.customers)).filter(Boolean);
  if (charts.length === 0) return '';
  return `<section class="top-debtors" aria-labelledby="h-debtors"><h2 id="h-debtors">${esc(L.html.topDebtors)}</h2><div class="debtors-grid">${charts.join('')}</div></section>`;
}

// ---------------------------------------------------------------------------------------------
// Trend over saved snapshots.

/** Round tick values covering [min, max], about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
  const lo = Math.floor(min / step) * step;
  const hi = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let v = lo; v <= hi + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

interface TrendRow {
  readonly day: Day;
  readonly point: TrendPoint;
}

/** Trend points per currency, by date, one per date (the last given wins); only currencies with ≥ 2 dates. */
function trendSeries(trend: readonly TrendPoint[], order: readonly string[]): Map<string, TrendRow[]> {
  const byCurrency = new Map<string, Map<Day, TrendPoint>>();
  for (const p of trend) {
    const day = parseIsoDay(p.asOf);
    if (day === null || !Number.isFinite(p.balance) || !Number.isFinite(p.criticalAmount)) continue;
    const m = byCurrency.get(p.currency) ?? new Map<Day, TrendPoint>();
    m.set(day, p);
    byCurrency.set(p.currency, m);
  }
  const currencies = [...byCurrency.keys()].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia < 0 ? order.length : ia) - (ib < 0 ? order.length : ib) || a.localeCompare(b);
  });
  const out = new Map<string, TrendRow[]>();
  for (const cur of currencies) {
    const rows = [...byCurrency.get(cur)!.entries()].map(([day, point]) => ({ day, point })).sort((a, b) => a.day - b.day);
    if (rows.length >= 2) out.set(cur, rows);
  }
  return out;
}

/** A major-unit trend value formatted like every other amount (through minor units, ISO decimals). */
function trendMoney(major: number, currency: string, locale: string): string {
  const minor = floatToMinor(major, currencyExponent(currency));
  return minor === null ? String(major) : formatMoney(minor, currency, locale);
}

function trendChart(c: Ctx, currency: string, rows: readonly TrendRow[]): string {
  const { L, locale } = c;
  // As wide as the page on screen; on paper it scales down, and the print CSS enlarges its text.
  const W = 1000;
  const H = 260;
  const withDso = rows.some((r) => r.point.dso !== null && Number.isFinite(r.point.dso));
  const M = { left: 64, right: withDso ? 56 : 20, top: 14, bottom: 30 };
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const first = rows[0]!.day;
  const span = rows[rows.length - 1]!.day - first;
  const x = (d: Day) => M.left + (span > 0 ? ((d - first) / span) * pw : pw / 2);
  const values = rows.flatMap((r) => [r.point.balance, r.point.criticalAmount]);
  const yTicks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const y = (v: number) => M.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const parts: string[] = [];
  for (const v of yTicks) {
    parts.push(`<line class="grid${v === 0 ? ' zero' : ''}" x1="${M.left}" x2="${M.left + pw}" y1="${n2(y(v))}" y2="${n2(y(v))}"/>`);
    parts.push(`<text class="tick" x="${M.left - 6}" y="${n2(y(v) + 4)}" text-anchor="end">${esc(compactNumber(v, locale))}</text>`);
  }
  let dsoY: ((v: number) => number) | null = null;
  if (withDso) {
    const dsos = rows.map((r) => r.point.dso).filter((v): v is number => v !== null && Number.isFinite(v));
    const dTicks = niceTicks(0, Math.max(...dsos), 5);
    const d1 = dTicks[dTicks.length - 1]!;
    dsoY = (v: number) => M.top + ph - (v / d1) * ph;
    for (const v of dTicks) {
      parts.push(`<text class="tick dso" x="${M.left + pw + 6}" y="${n2(dsoY(v) + 4)}">${esc(decimalText(v, locale))}</text>`);
    }
  }
  // X labels: at most 6, evenly chosen among the snapshot dates, first and last always.
  const every = Math.max(1, Math.ceil((rows.length - 1) / 5));
  rows.forEach((r, i) => {
    if (i % every !== 0 && i !== rows.length - 1) return;
    if (i !== rows.length - 1 && rows.length - 1 - i < every / 2) return;
    const anchor = i === 0 && span > 0 ? 'start' : i === rows.length - 1 && span > 0 ? 'end' : 'middle';
    parts.push(`<text class="tick" x="${n2(x(r.day))}" y="${H - 10}" text-anchor="${anchor}">${esc(shortDay(r.day, locale))}</text>`);
  });
  const line = (cls: string, color: string, pick: (p: TrendPoint) => number | null, scale: (v: number) => number, dashed = false) => {
    const pts = rows.map((r) => ({ r, v: pick(r.point) })).filter((p): p is { r: TrendRow; v: number } => p.v !== null && Number.isFinite(p.v));
    if (pts.length === 0) return '';
    const d = pts.map((p) => `${n2(x(p.r.day))},${n2(scale(p.v))}`).join(' ');
    const dots = pts.map((p) => `<circle cx="${n2(x(p.r.day))}" cy="${n2(scale(p.v))}" r="3" fill="${color}"/>`).join('');
    return `<g class="series ${cls}"><polyline points="${d}" fill="none" stroke="${color}" stroke-width="2.2"${dashed ? ' stroke-dasharray="6 4"' : ''}/>${dots}</g>`;
  };
  parts.push(line('balance', COLOR_TREND_BALANCE, (p) => p.balance, y));
  parts.push(line('critical', COLOR_CRITICAL, (p) => p.criticalAmount, y));
  if (dsoY) parts.push(line('dso', COLOR_TREND_DSO, (p) => p.dso, dsoY, true));
  // One invisible hover column per snapshot with everything in its tooltip.
  rows.forEach((r, i) => {
    const prev = i === 0 ? M.left : (x(rows[i - 1]!.day) + x(r.day)) / 2;
    const next = i === rows.length - 1 ? M.left + pw : (x(r.day) + x(rows[i + 1]!.day)) / 2;
    const tip = [
      formatDay(r.day, locale),
      `${L.html.openBalance}: ${trendMoney(r.point.balance, currency, locale)}`,
      `${L.criticalAmount}: ${trendMoney(r.point.criticalAmount, currency, locale)}`,
      ...(r.point.dso !== null && Number.isFinite(r.point.dso) ? [`${L.html.dso}: ${decimalText(r.point.dso, locale)} ${L.html.days}`] : []),
    ].join('\n');
    parts.push(
      `<rect class="hover" x="${n2(prev)}" y="${M.top}" width="${n2(Math.max(1, next - prev))}" height="${ph}"` +
        `${attr('data-as-of', r.point.asOf)}${attr('data-balance', r.point.balance)}${attr('data-critical-amount', r.point.criticalAmount)}><title>${esc(tip)}</title></rect>`,
    );
  });
  const legend =
    `<ul class="legend inline">` +
    `<li><span class="swatch line" style="background:${COLOR_TREND_BALANCE}"></span>${esc(L.html.openBalance)}</li>` +
    `<li><span class="swatch line" style="background:${COLOR_CRITICAL}"></span>${esc(L.criticalAmount)}</li>` +
    (withDso ? `<li><span class="swatch line dashed" style="border-color:${COLOR_TREND_DSO}"></span>${esc(`${L.html.dso} (${L.html.rightScale})`)}</li>` : '') +
    `</ul>`;
  return (
    `<figure class="trend"${attr('data-currency', currency)}>` +
    `<figcaption><span class="cur">${esc(currency)}</span>${legend}</figcaption>` +
    `<svg class="trend-chart"${attr('data-currency', currency)} data-points="${rows.length}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img"${attr('aria-label', L.html.trendChart(currency))}>${parts.join('')}</svg>` +
    `</figure>`
  );
}

function trendSection(c: Ctx, trend: readonly TrendPoint[] | undefined): string {
  if (!trend || trend.length < 2) return '';
  const series = trendSeries(trend, c.report.totals.map((t) => t.currency));
  if (series.size === 0) return '';
  const charts = [...series.entries()].map(([cur, rows]) => trendChart(c, cur, rows)).join('');
  return `<section class="trends" aria-labelledby="h-trend"><h2 id="h-trend">${esc(c.L.html.trend)}</h2>${charts}</section>`;
}

// ---------------------------------------------------------------------------------------------
// Tables. Cells carry data-sort (a number in major units or days, or the text) for the script.

type ColType = 'text' | 'number';

/** A column heading. Bucket labels never wrap: "61-90" broke at its hyphen in print. */
function th(label: string, type: ColType, opts: { readonly cls?: string; readonly nowrap?: boolean } = {}): string {
  const classes = [type === 'number' ? 'num' : '', opts.cls ?? ''].filter(Boolean).join(' ');
  const text = opts.nowrap ? `<span class="nowrap">${esc(label)}</span>` : esc(label);
  return `<th scope="col" data-type="${type}"${classes ? ` class="${classes}"` : ''}>${text}</th>`;
}

function numCell(sort: number | null, html: string, cls = ''): string {
  return `<td class="num${cls ? ` ${cls}` : ''}"${attr('data-sort', sort)}>${html}</td>`;
}

function nameCell(cust: CustomerAging, L: Labels): string {
  const mark = cust.critical ? `<span class="mark" title="${esc(L.critical)}" aria-label="${esc(L.critical)}">!</span>` : '';
  const id = cust.customerId ? `<span class="cid">${esc(cust.customerId)}</span>` : '';
  return `<td class="name"${attr('data-sort', printable(cust.customer))}>${mark}<span class="cname">${esc(cust.customer)}</span>${id}</td>`;
}

function criticalSection(c: Ctx, json: JsonReport): string {
  const { report, L, locale } = c;
  const rows = report.customers
    .map((cust, i) => ({ cust, jc: json.customers[i]! }))
    .filter(({ cust }) => cust.critical)
    .map(({ cust, jc }) => {
      const email = cust.email ?? '';
      return (
        `<tr class="critical"${attr('data-currency', cust.currency)}>` +
        nameCell(cust, L) +
        `<td${attr('data-sort', cust.currency)}>${esc(cust.currency)}</td>` +
        numCell(jc.criticalAmount, esc(formatAmount(cust.criticalAmount, cust.currency, locale)), 'strong') +
        numCell(jc.balance, esc(formatAmount(cust.balance, cust.currency, locale))) +
        numCell(cust.oldestDaysOverdue, cust.oldestDaysOverdue === null ? '' : esc(formatCount(cust.oldestDaysOverdue, locale))) +
        `<td class="email"${attr('data-sort', email)}>${esc(email)}</td>` +
        `</tr>`
      );
    });
  const head = `<h2 id="h-critical">${esc(L.html.criticalAccounts)}</h2>`;
  if (rows.length === 0) return `<section class="critical-accounts" aria-labelledby="h-critical">${head}<p class="empty">${esc(L.html.noCriticalAccounts)}</p></section>`;
  const table =
    `<table class="report-table sortable critical-table">` +
    `<thead><tr>${th(L.customer, 'text')}${th(L.currency, 'text')}${th(L.criticalAmount, 'number')}${th(L.balance, 'number')}${th(L.oldestDays, 'number')}${th(L.email, 'text')}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`;
  return (
    `<section class="critical-accounts" aria-labelledby="h-critical">${head}` +
    `<p class="legend-text"><span class="mark">!</span> ${esc(L.critical)}: ${esc(L.criticalLegend(report.criticalDays))}</p>${table}</section>`
  );
}

function agingTable(c: Ctx, t: CurrencyTotals, jt: JsonTotals, json: JsonReport): string {
  const { report, L, locale } = c;
  const labels = report.bucketLabels;
  const daysLate = report.daysLate;
  const cur = t.currency;
  const head =
    th(L.customer, 'text') +
    labels.map((b) => th(bucketHeading(b, L), 'number', { nowrap: true })).join('') +
    th(L.balance, 'number', { cls: 'balance' }) +
    th(L.oldestDays, 'number') +
    (daysLate ? th(L.html.avgDaysLate, 'number') : '');
  const body = report.customers
    .map((cust, i) => ({ cust, jc: json.customers[i]! }))
    .filter(({ cust }) => cust.currency === cur)
    .map(({ cust, jc }) => {
      const late = daysLate?.get(cust.id) ?? null;
      return (
        `<tr${cust.critical ? ' class="critical"' : ''}${attr('data-balance', jc.balance)}>` +
        nameCell(cust, L) +
        labels.map((b, k) => numCell(jc.buckets[b] ?? 0, amountCell(cust.buckets[k] ?? 0, cur, locale))).join('') +
        numCell(jc.balance, esc(formatAmount(cust.balance, cur, locale)), 'balance') +
        numCell(cust.oldestDaysOverdue, cust.oldestDaysOverdue === null ? '' : esc(formatCount(cust.oldestDaysOverdue, locale))) +
        (daysLate ? numCell(late, late === null ? '' : esc(decimalText(late, locale))) : '') +
        `</tr>`
      );
    })
    .join('');
  const foot =
    `<tr class="total"${attr('data-currency', cur)}${attr('data-total-balance', jt.balance)}>` +
    `<th scope="row">${esc(`${L.total} ${printable(cur)}`)}</th>` +
    labels.map((b, k) => `<td class="num"${attr('data-bucket', b)}${attr('data-amount', jt.buckets[b])}>${amountCell(t.buckets[k] ?? 0, cur, locale)}</td>`).join('') +
    `<td class="num balance" data-field="balance">${esc(formatAmount(t.balance, cur, locale))}</td><td></td>${daysLate ? '<td></td>' : ''}</tr>`;
  return (
    `<div class="table-block"${attr('data-currency', cur)}>` +
    `<h3><span class="cur">${esc(cur)}</span> <span class="muted">${esc(L.customerCount(t.customers, formatCount(t.customers, locale)))}</span></h3>` +
    `<table class="report-table sortable aging-table"${attr('data-currency', cur)}>` +
    `<thead><tr>${head}</tr></thead><tbody>${body}</tbody><tfoot>${foot}</tfoot></table></div>`
  );
}

function detailSection(c: Ctx, json: JsonReport): string {
  const { report, L } = c;
  const head = `<h2 id="h-detail">${esc(L.html.agingDetail)}</h2>`;
  if (report.totals.length === 0) return `<section class="detail" aria-labelledby="h-detail">${head}<p class="empty">${esc(L.noOpenItems)}</p></section>`;
  const tables = report.totals.map((t, i) => agingTable(c, t, json.totals[i]!, json)).join('');
  return `<section class="detail" aria-labelledby="h-detail">${head}<p class="sort-hint" hidden>${esc(L.html.sortHint)}</p>${tables}</section>`;
}

// ---------------------------------------------------------------------------------------------
// Style and script.

const CSS = `
:root{--ink:#1c2430;--muted:#5c6878;--line:#dde2e8;--bg:#f4f6f9;--card:#fff;--accent:#1f4e85;--crit:#b3261e;--crit-bg:#fdeceb;--head:#eef2f7}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Liberation Sans",sans-serif;font-variant-numeric:tabular-nums}
.page{max-width:1120px;margin:0 auto;padding:28px 32px 36px}
.report-head{border-bottom:3px solid var(--accent);padding-bottom:10px;margin-bottom:8px}
h1{font-size:24px;line-height:1.2;margin:0 0 4px;font-weight:650;letter-spacing:-.01em}
h2{font-size:16px;margin:26px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line);color:var(--accent);text-transform:uppercase;letter-spacing:.04em}
h3{font-size:14px;margin:16px 0 6px}
.subtitle,.muted{color:var(--muted);font-weight:400}
.subtitle{margin:0}
.cur{display:inline-block;font-weight:700;letter-spacing:.03em;background:var(--accent);color:#fff;border-radius:4px;padding:1px 7px;font-size:12px;line-height:18px}
.empty{color:var(--muted);font-style:italic}
.warnings{background:#fff8e1;border:1px solid #f0c36d;border-left:5px solid #e0a100;border-radius:6px;padding:8px 14px;margin:16px 0}
.warnings h2{border:0;margin:0 0 4px;padding:0;color:#7a5200;font-size:13px}
.warnings ul{margin:0;padding-left:18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:14px}
.card{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--accent);border-radius:8px;padding:12px 16px 10px}
.card.has-critical{border-top-color:var(--crit)}
.card-head{display:flex;align-items:center;gap:8px;color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.big{font-size:26px;font-weight:700;margin:4px 0 8px;white-space:nowrap}
.kpis{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:6px 16px;margin:0;border-top:1px solid var(--line);padding-top:8px}
.kpi dt{font-size:11px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.kpi dd{margin:0;font-weight:600}
.share,.period{display:block;font-weight:400;color:var(--muted);font-size:12px}
.bucket-row{display:grid;grid-template-columns:150px 1fr;gap:16px;align-items:start;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px;margin-bottom:10px}
.bucket-cur{display:flex;flex-direction:column;gap:4px;align-items:flex-start}
.bucket-total{font-weight:700;white-space:nowrap}
.bucket-chart{display:block;width:100%;height:36px;background:#f0f2f5;border-radius:4px}
.bucket-chart .seg{stroke:#fff;stroke-width:1;vector-effect:non-scaling-stroke}
.bucket-chart .credit{opacity:.45}
.bucket-chart .zero{stroke:var(--ink);stroke-width:2;vector-effect:non-scaling-stroke}
.legend{list-style:none;padding:0;font-size:12px;display:flex;flex-wrap:wrap;gap:4px 16px;margin:0}
.legend li{display:flex;align-items:center;gap:6px;white-space:nowrap}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;flex:none;margin-right:5px;vertical-align:-1px}
.legend .swatch{margin-right:0}
.swatch.line{height:3px;width:18px;border-radius:0;vertical-align:middle}
.swatch.dashed{height:0;width:18px;border-top:3px dashed}
.bucket-legend{width:100%;table-layout:fixed;border-collapse:collapse;margin-top:8px;font-size:12px}
.bucket-legend td{padding:2px 8px 0 0;vertical-align:top}
.bucket-legend span{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.b-label{font-weight:600}
.b-amount{font-weight:600}
.b-share{color:var(--muted)}
.bucket-legend td.nil-bucket span{color:#a3acb8;font-weight:400}
.bucket-legend .b-label .swatch{display:inline-block}
.note{font-size:12px;color:var(--muted);margin:6px 0 0}
.debtors-grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(520px,1fr));gap:14px}
figure{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px}
figcaption{display:flex;align-items:center;gap:14px;margin-bottom:6px}
figure svg{display:block;max-width:100%;height:auto}
svg text{font-family:inherit;font-size:12px;fill:var(--ink)}
.d-value{fill:var(--muted)}
.debtor.critical .d-name{font-weight:700;fill:var(--crit)}
.trend{margin-bottom:12px}
.trend-chart .grid{stroke:#e3e7ec;stroke-width:1}
.trend-chart .grid.zero{stroke:#9aa4b1}
.trend-chart .tick{font-size:11px;fill:var(--muted)}
.trend-chart .tick.dso{fill:${COLOR_TREND_DSO}}
.trend-chart .hover{fill:transparent}
.trend-chart .hover:hover{fill:rgba(31,78,133,.06)}
.legend-text{font-size:12px;color:var(--muted);margin:0 0 6px}
.table-block{margin-bottom:14px}
.report-table{border-collapse:collapse;width:100%;background:var(--card);border:1px solid var(--line);font-size:13px}
.report-table th,.report-table td{padding:5px 8px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
.report-table thead th{background:var(--head);font-size:11.5px;font-weight:650;color:#37445a;white-space:nowrap;border-bottom:2px solid #c7cfda;text-transform:uppercase;letter-spacing:.02em}
.report-table .num{text-align:right;white-space:nowrap}
.report-table td.balance{font-weight:600}
.report-table td.strong{font-weight:700;color:var(--crit)}
.report-table tbody tr:nth-child(even) td{background:#fafbfc}
.report-table tbody tr.critical td{background:var(--crit-bg)}
.report-table tbody tr.critical td:first-child{box-shadow:inset 4px 0 0 var(--crit)}
.report-table tbody tr.critical .cname{font-weight:700}
.report-table tfoot th,.report-table tfoot td{font-weight:700;background:var(--head);border-top:2px solid var(--ink);border-bottom:0}
.report-table td.name{position:relative;padding-left:28px;min-width:190px}
.report-table tbody tr td.name .mark{position:absolute;left:7px;top:6px}
.cname{overflow-wrap:anywhere}
.cid{display:block;font-size:11px;color:var(--muted)}
.email{overflow-wrap:anywhere;font-size:12px}
.mark{display:inline-block;color:#fff;background:var(--crit);border-radius:50%;width:15px;height:15px;line-height:15px;text-align:center;font-size:11px;font-weight:700;margin-right:4px;vertical-align:1px}
.nil{color:#a3acb8}
.nowrap{white-space:nowrap}
.sort-hint{font-size:12px;color:var(--muted);margin:0 0 6px}
button.sort{all:unset;cursor:pointer;display:inline-flex;gap:4px;align-items:center}
button.sort::after{content:"\\2195";color:#a3acb8;font-size:11px}
th[aria-sort=ascending] button.sort::after{content:"\\25B2";color:var(--accent)}
th[aria-sort=descending] button.sort::after{content:"\\25BC";color:var(--accent)}
button.sort:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
th.num button.sort{flex-direction:row-reverse}
.foot{margin-top:28px;padding-top:8px;border-top:1px solid var(--line);font-size:11px;color:var(--muted)}
@page{margin:12mm 11mm 14mm}
@media print{
  *{-webkit-print-color-adjust:exact;print-color-adjust:exact}
  body{background:#fff;font-size:9.5pt}
  .page{max-width:none;padding:0}
  h1{font-size:17pt}
  h2{font-size:11pt;margin:14pt 0 6pt;break-after:avoid;page-break-after:avoid}
  h3{break-after:avoid}
  .cards{grid-template-columns:repeat(2,1fr);gap:8pt}
  .card,.bucket-row,figure,.warnings,.table-block h3{break-inside:avoid}
  .big{font-size:17pt}
  .debtors-grid{grid-template-columns:1fr}
  svg{break-inside:avoid}
  .report-table{font-size:8pt;border-color:#bbb}
  .report-table th,.report-table td{padding:2.5pt 4pt}
  .report-table td.name{padding-left:16pt;min-width:0}
  .report-table thead th:first-child{width:27%}
  .report-table tbody tr td.name .mark{left:3pt;top:2.5pt;width:11px;height:11px;line-height:11px;font-size:8px}
  .email{font-size:7.5pt}
  .report-table thead th,.report-table thead th.num{font-size:7pt;white-space:normal;vertical-align:bottom}
  .report-table thead{display:table-header-group}
  .report-table tfoot{display:table-row-group}
  .report-table tr{break-inside:avoid}
  .sort-hint{display:none!important}
  button.sort::after{content:none!important}
  .trend-chart .hover:hover{fill:transparent}
  .trend-chart .tick{font-size:14px}
}
`;

// Sorting without a framework: each header becomes a button (keyboard reachable); numbers sort by
// data-sort (major units or days), first click largest first; text by the page's language;
// empty cells always last; ties keep the report order. No ledger data in here: it reads the DOM.
const SCRIPT = `
(function(){
  var lang = document.documentElement.lang || 'en';
  var collator = new Intl.Collator(lang, {numeric: true, sensitivity: 'base'});
  function value(row, col){ var cell = row.cells[col]; var v = cell ? cell.getAttribute('data-sort') : null; return v === null ? (cell ? cell.textContent : '') : v; }
  function sortBy(table, th, col){
    var numeric = th.getAttribute('data-type') === 'number';
    var current = th.getAttribute('aria-sort');
    var dir = current ? (current === 'ascending' ? 'descending' : 'ascending') : (numeric ? 'descending' : 'ascending');
    var heads = th.parentNode.cells;
    for (var i = 0; i < heads.length; i++) heads[i].removeAttribute('aria-sort');
    th.setAttribute('aria-sort', dir);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function(r, i){ if (!r.hasAttribute('data-order')) r.setAttribute('data-order', String(i)); });
    var sign = dir === 'ascending' ? 1 : -1;
    rows.sort(function(a, b){
      var x = value(a, col), y = value(b, col);
      if (x === '' || y === '') { if (x !== y) return x === '' ? 1 : -1; }
      else {
        var c = numeric ? Number(x) - Number(y) : collator.compare(x, y);
        if (c) return c * sign;
      }
      return Number(a.getAttribute('data-order')) - Number(b.getAttribute('data-order'));
    });
    rows.forEach(function(r){ body.appendChild(r); });
  }
  var tables = document.querySelectorAll('table.sortable');
  Array.prototype.forEach.call(tables, function(table){
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function(th, col){
      var b = document.createElement('button');
      b.type = 'button'; b.className = 'sort';
      while (th.firstChild) b.appendChild(th.firstChild);
      th.appendChild(b);
      b.addEventListener('click', function(){ sortBy(table, th, col); });
    });
  });
  var hints = document.querySelectorAll('.sort-hint');
  Array.prototype.forEach.call(hints, function(h){ h.hidden = false; });
})();
`;

// ---------------------------------------------------------------------------------------------

/** The aging report as one self-contained HTML page. */
export function renderHtml(report: AgingReport, opts: HtmlOptions): string {
  const L = labelsFor(opts.lang);
  const c: Ctx = { report, L, locale: opts.locale };
  const json = toJsonReport(report, opts.warnings);
  const title = `${L.asOf} ${formatDay(report.asOf, opts.locale)}`;
  const footer = [L.html.generatedBy, `${L.asOf} ${formatDay(report.asOf, opts.locale)}`, L.basis[report.basis], L.html.criticalAfter(report.criticalDays)];
  return [
    '<!DOCTYPE html>',
    `<html lang="${opts.lang}">`,
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="generator" content="dunning">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<main class="page" data-schema-version="${json.schemaVersion}">`,
    headerSection(c, json),
    warningsSection(opts.warnings, L),
    cardsSection(c, json),
    bucketsSection(c, json),
    debtorsSection(c, json),
    trendSection(c, opts.trend),
    criticalSection(c, json),
    detailSection(c, json),
    `<footer class="foot">${footer.map(esc).join(' · ')}</footer>`,
    '</main>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((s) => s !== '')
    .join('\n')
    .concat('\n');
}
