// The HTML report as text (no browser): escaping of ledger text, the bucket chart's segments and
// their machine-readable amounts, Spanish words and locale numbers, the no-network policy, and the
// trend chart's rule (a line needs two snapshots of one currency). The browser suite
// (test/browser/) checks the same page rendered, clicked and printed.
//
// Figures from the shared fixture (fixture.ts), as of 2024-05-31, worked out by hand:
//   MXN: current 5,000.00 · 1-30 234.50 · 31-60 −200.00 (Beta's credit) · 61-90 0 · 90+ 1,000.00
//        → balance 6,034.50; critical: Acme 1,000.00
//   KWD: 90+ 1,234.567 only → balance 1,234.567; critical: Kuwait Trading
//   USD: current −1,234.56 (@x's credit) · 1-30 10.00 · 90+ 0.50 → balance −1,224.06; critical: -Cliente
import { describe, expect, test } from 'vitest';
import type { AgingReport } from '../../src/core/aging.js';
import { bucketColor, CONTENT_SECURITY_POLICY, escapeHtml, renderHtml, type HtmlOptions, type TrendPoint } from '../../src/render/html.js';
import { isReportFormat, renderReport } from '../../src/render/index.js';
import { day, invoice, report, sampleReport } from './fixture.js';

const EN: HtmlOptions = { lang: 'en', locale: 'en-US', color: false, warnings: [] };

/** The inside of the first `<svg class="CLS" data-currency="CUR" …>…</svg>`, or null. */
function svgOf(html: string, cls: string, currency: string): string | null {
  const m = new RegExp(`<svg class="${cls}" data-currency="${currency}"[^>]*>([\\s\\S]*?)</svg>`).exec(html);
  return m ? m[1]! : null;
}

/** [data-bucket, data-amount] of every <rect> in a bucket chart, in document order. */
function segments(svg: string): [string, number][] {
  return [...svg.matchAll(/<rect\b[^>]*>/g)].map((m) => {
    const tag = m[0];
    return [/data-bucket="([^"]*)"/.exec(tag)![1]!, Number(/data-amount="([^"]*)"/.exec(tag)![1])];
  });
}

/** Every attribute name of every start tag (values are quoted and hold no raw quote or '>'). */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const tag of html.matchAll(/<[a-zA-Z][\w-]*((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*\/?>/g)) {
    for (const a of tag[1]!.matchAll(/\s+([^\s=>]+)(?:="[^"]*")?/g)) names.push(a[1]!.toLowerCase());
  }
  return names;
}

function count(html: string, re: RegExp): number {
  return [...html.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))].length;
}

function point(asOf: string, currency: string, balance: number, criticalAmount: number, dso: number | null = null): TrendPoint {
  return { asOf, currency, buckets: {}, balance, criticalAmount, dso };
}

describe('HTML report: ledger text is escaped everywhere', () => {
  const hostile = report([
    invoice({ customer: '<script>alert(1)</script>', invoice: 'X1', due: '2024-01-01', open: 10000, email: '"><img src=x onerror=alert(1)>' }),
    invoice({ customer: '"><img src=x onerror=alert(1)>', customerId: '<b>RFC</b>', invoice: 'X2', due: '2024-05-01', open: 5000 }),
    invoice({ customer: 'x" onmouseover="alert(2)', invoice: 'X3', due: '2024-05-20', open: 700 }),
  ]);
  const html = renderHtml(hostile, { ...EN, warnings: ['row 3: "<script>warn()</script>" is not a date'] });

  test('names, ids, emails and warnings become text, never markup', () => {
    // The page's own sorting script is the only <script>; nothing from the ledger makes an element.
    expect(count(html, /<script\b/i)).toBe(1);
    expect(html).not.toMatch(/<img\b/i);
    expect(html).not.toMatch(/<b>RFC/);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;b&gt;RFC&lt;/b&gt;');
    expect(html).toContain('&quot;&lt;script&gt;warn()&lt;/script&gt;&quot; is not a date');
  });

  test('a quote in a name cannot close an attribute and add an event handler', () => {
    expect(html).not.toContain('" onmouseover="');
    expect(html).toContain('data-sort="x&quot; onmouseover=&quot;alert(2)"');
    // No attribute anywhere is an event handler; the parse found the page's own attributes.
    const names = attributeNames(html);
    expect(names).toContain('data-sort');
    expect(names.filter((n) => n.startsWith('on'))).toEqual([]);
  });

  test('escapeHtml escapes the five characters that matter and nothing else', () => {
    expect(escapeHtml(`a&b<c>d"e'f ñ`)).toBe('a&amp;b&lt;c&gt;d&quot;e&#39;f ñ');
  });
});

describe('HTML report: the bucket chart', () => {
  const html = renderHtml(sampleReport(), EN);

  test('has one rect per non-empty bucket, with the JSON amounts, per currency', () => {
    expect(segments(svgOf(html, 'bucket-chart', 'MXN')!)).toEqual([
      ['current', 5000],
      ['1-30', 234.5],
      ['31-60', -200],
      ['90+', 1000],
    ]);
    expect(segments(svgOf(html, 'bucket-chart', 'KWD')!)).toEqual([['90+', 1234.567]]);
    expect(segments(svgOf(html, 'bucket-chart', 'USD')!)).toEqual([
      ['current', -1234.56],
      ['1-30', 10],
      ['90+', 0.5],
    ]);
  });

  test('every segment has a tooltip, and the chart an accessible name', () => {
    const mxn = svgOf(html, 'bucket-chart', 'MXN')!;
    expect(count(mxn, /<title>/)).toBe(4);
    expect(mxn).toContain('<title>90+: MX$1,000.00 (16.6%)</title>');
    expect(html).toMatch(/<svg class="bucket-chart" data-currency="MXN"[^>]* role="img" aria-label="MXN receivables by aging bucket"/);
  });

  test('colours run from green for current to red for the oldest bucket', () => {
    expect(bucketColor(0, 5)).toBe('#2e7d32');
    expect(bucketColor(4, 5)).toBe('#c62828');
    expect(bucketColor(0, 6)).toBe('#2e7d32');
    expect(bucketColor(5, 6)).toBe('#c62828');
    expect(svgOf(html, 'bucket-chart', 'MXN')).toMatch(/fill="#2e7d32" data-bucket="current"/);
    expect(svgOf(html, 'bucket-chart', 'MXN')).toMatch(/fill="#c62828" data-bucket="90\+"/);
  });

  test('a credit bucket is drawn left of a zero line, the debts to its right', () => {
    const mxn = svgOf(html, 'bucket-chart', 'MXN')!;
    const x = (bucket: string) => Number(new RegExp(`x="([\\d.]+)"[^>]*data-bucket="${bucket.replace('+', '\\+')}"`).exec(mxn)![1]);
    const zero = Number(/<line class="zero" x1="([\d.]+)"/.exec(mxn)![1]);
    expect(x('31-60')).toBe(0);
    expect(x('current')).toBe(zero);
    expect(x('1-30')).toBeGreaterThan(zero);
  });
});

describe('HTML report: cards, tables and numbers', () => {
  test('each currency card carries its totals in major units, as in the JSON report', () => {
    const html = renderHtml(sampleReport(), EN);
    expect(html).toMatch(/<article class="card has-critical" data-currency="MXN" data-total-balance="6034.5" data-customers="2" data-critical-customers="1" data-critical-amount="1000"/);
    expect(html).toMatch(/data-currency="KWD" data-total-balance="1234.567"/);
    expect(html).toMatch(/data-currency="USD" data-total-balance="-1224.06"/);
    expect(html).toContain('<div class="big" data-field="balance">MX$6,034.50</div>');
    expect(html).toContain('<div class="big" data-field="balance">-$1,224.06</div>');
  });

  test('the aging tables end in one totals row per currency, and critical rows are marked', () => {
    const html = renderHtml(sampleReport(), EN);
    expect(html).toMatch(/<tr class="total" data-currency="MXN" data-total-balance="6034.5"><th scope="row">Total MXN<\/th>/);
    // Kuwait, Acme and -Cliente: once in the aging tables, once in the critical accounts.
    expect(count(html, /<tr class="critical" data-balance=/)).toBe(3);
    expect(count(html, /<tr class="critical" data-currency=/)).toBe(3);
    expect(html).toContain('<td class="num strong" data-sort="1234.567">1,234.567</td>');
  });

  test('the top debtors chart lists positive balances only, largest first, per currency', () => {
    const html = renderHtml(sampleReport(), EN);
    const balances = (cur: string) => [...svgOf(html, 'debtors-chart', cur)!.matchAll(/data-balance="([^"]*)"/g)].map((m) => Number(m[1]));
    expect(balances('MXN')).toEqual([4800, 1234.5]);
    expect(balances('USD')).toEqual([10, 0.5]);
    expect(balances('KWD')).toEqual([1234.567]);
  });

  test('metrics appear on the card when known: DSO, at-risk rate, CEI with its period', () => {
    const r = sampleReport();
    const withMetrics: AgingReport = {
      ...r,
      metrics: [{ currency: 'MXN', dso: 45.5, atRiskRate: 1000 / 6034.5, cei: 69.2, ceiPeriod: { from: day('2024-05-02'), to: day('2024-05-31') } }],
      daysLate: new Map([[r.customers.find((c) => c.customer === 'Beta | Tubos')!.id, 12.5]]),
    };
    const html = renderHtml(withMetrics, EN);
    expect(html).toMatch(/data-currency="MXN"[^>]* data-dso="45.5" data-at-risk-rate="0.1657" data-cei="69.2"/);
    expect(html).toContain('<span data-field="dso">45.5 days</span>');
    expect(html).toContain('<span data-field="at-risk-rate">16.6%</span>');
    expect(html).toMatch(/<span data-field="cei">69.2%<\/span> <span class="period">May 2\s–\s31, 2024<\/span>/u);
    // Average days late gets its own column when the ledger had paid dates.
    expect(html).toContain('Avg. days late');
    expect(html).toContain('data-sort="12.5">12.5</td>');
    // Without metrics no DSO is claimed.
    expect(renderHtml(r, EN)).not.toContain('data-field="dso"');
  });

  test('in Spanish the words are Spanish and the numbers follow the locale', () => {
    const html = renderHtml(sampleReport(), { ...EN, lang: 'es', locale: 'es-ES' });
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('<h1>Antigüedad de saldos al 31 de mayo de 2024</h1>');
    for (const words of ['Resumen', 'Saldo abierto', 'Antigüedad por tramo', 'Los 10 mayores deudores', 'Cuentas críticas', 'Detalle de antigüedad', 'Al corriente', 'Monto crítico']) {
      expect(html).toContain(words);
    }
    expect(html).not.toContain('Critical accounts');
    // es-ES: decimal comma, no grouping of four-digit numbers.
    expect(html).toContain('<td class="num balance" data-field="balance">6034,50</td>');
    expect(html).toContain('data-sort="5000">5000,00</td>');
  });

  test('an empty report says so and draws no chart', () => {
    const html = renderHtml(report([]), EN);
    expect(html).toContain('No open items.');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<table');
  });

  test('warnings are listed near the top, before the summary', () => {
    const html = renderHtml(sampleReport(), { ...EN, warnings: ['2 rows rejected: ledger.csv'] });
    expect(html).toContain('<li>2 rows rejected: ledger.csv</li>');
    expect(html.indexOf('class="warnings"')).toBeLessThan(html.indexOf('class="summary"'));
    expect(renderHtml(sampleReport(), EN)).not.toContain('class="warnings"');
  });
});

describe('HTML report: one self-contained file that asks for nothing', () => {
  const html = renderHtml(sampleReport(), {
    ...EN,
    warnings: ['1 row rejected'],
    trend: [point('2024-04-30', 'MXN', 5000, 900, 40), point('2024-05-31', 'MXN', 6034.5, 1000, 45)],
  });

  test('declares a Content-Security-Policy that forbids every request', () => {
    expect(CONTENT_SECURITY_POLICY).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'unsafe-inline'");
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">')).toBe(true);
  });

  test('has no URL, stylesheet link, import or source other than data:', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    const sources = [...html.matchAll(/<[a-z][^<>]*\s(?:src|href|xlink:href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]!);
    expect(sources.filter((s) => !s.startsWith('data:'))).toEqual([]);
  });

  test('prints: page margins, repeating headers, rows and charts kept whole', () => {
    expect(html).toContain('@page{');
    expect(html).toMatch(/@media print\{[\s\S]*\.report-table thead\{display:table-header-group\}/);
    expect(html).toMatch(/@media print\{[\s\S]*\.report-table tr\{break-inside:avoid\}/);
    expect(html).toMatch(/@media print\{[\s\S]*print-color-adjust:exact/);
  });

  test('the tables are sortable by an inline script, and in report order without it', () => {
    expect(count(html, /<table class="report-table sortable/)).toBe(4); // critical accounts + 3 currencies
    const mxnRows = /<table class="report-table sortable aging-table" data-currency="MXN">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)![1]!;
    expect([...mxnRows.matchAll(/<span class="cname">([^<]*)<\/span>/g)].map((m) => m[1])).toEqual(['Acme S.A.', 'Beta | Tubos']);
    expect(html).toContain('<p class="sort-hint" hidden>');
  });
});

describe('HTML report: the trend chart', () => {
  const r = sampleReport();

  test('is absent without a trend or with a single snapshot', () => {
    expect(renderHtml(r, EN)).not.toContain('<svg class="trend-chart"');
    expect(renderHtml(r, { ...EN, trend: [] })).not.toContain('<svg class="trend-chart"');
    expect(renderHtml(r, { ...EN, trend: [point('2024-05-31', 'MXN', 6034.5, 1000)] })).not.toContain('<svg class="trend-chart"');
  });

  test('needs two snapshots of the same currency: one MXN and one USD point draw nothing', () => {
    const html = renderHtml(r, { ...EN, trend: [point('2024-04-30', 'MXN', 5000, 900), point('2024-05-31', 'USD', 10, 0)] });
    expect(html).not.toContain('<svg class="trend-chart"');
  });

  test('with two snapshots draws balance and critical lines, points in date order', () => {
    const html = renderHtml(r, { ...EN, trend: [point('2024-05-31', 'MXN', 6034.5, 1000), point('2024-04-30', 'MXN', 5000, 900)] });
    const svg = svgOf(html, 'trend-chart', 'MXN')!;
    expect(svg).not.toBeNull();
    expect(html).toMatch(/<svg class="trend-chart" data-currency="MXN" data-points="2"[^>]* role="img" aria-label="MXN open balance and critical amount over time"/);
    expect([...svg.matchAll(/data-as-of="([^"]*)"/g)].map((m) => m[1])).toEqual(['2024-04-30', '2024-05-31']);
    expect(svg).toContain('class="series balance"');
    expect(svg).toContain('class="series critical"');
    expect(svg).not.toContain('class="series dso"');
    expect(svg).toContain('Open balance: MX$5,000.00');
  });

  test('adds the DSO line on its own scale when snapshots know it', () => {
    const html = renderHtml(r, { ...EN, trend: [point('2024-04-30', 'USD', 20, 5, 40), point('2024-05-31', 'USD', 10, 0.5, 52.5)] });
    const svg = svgOf(html, 'trend-chart', 'USD')!;
    expect(svg).toContain('class="series dso"');
    expect(svg).toContain('DSO: 52.5 days');
  });
});

describe('HTML report in the renderer registry', () => {
  test('--format html renders the page', async () => {
    expect(isReportFormat('html')).toBe(true);
    const out = await renderReport('html', sampleReport(), EN);
    expect(typeof out).toBe('string');
    expect(out).toContain('<title>Receivables aging as of May 31, 2024</title>');
  });
});
