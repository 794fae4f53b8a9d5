import { describe, expect, test } from 'vitest';
import type { RenderOptions } from '../../src/render/index.js';
import { renderTable } from '../../src/render/table.js';
import { invoice, report, sampleReport } from './fixture.js';

// eslint-disable-next-line no-control-regex
const ESC = /\u001b/;

const plain: RenderOptions = { lang: 'en', locale: 'en-US', color: false, warnings: ['3 rows rejected'] };

function lineOf(text: string, needle: string): string {
  const line = text.split('\n').find((l) => l.includes(needle));
  if (line === undefined) throw new Error(`no line with ${needle} in\n${text}`);
  return line;
}

describe('terminal table', () => {
  test('has no escape code at all when colour is off', () => {
    expect(renderTable(sampleReport(), plain)).not.toMatch(ESC);
  });

  test('is coloured when colour is on, critical rows in red', () => {
    const out = renderTable(sampleReport(), { ...plain, color: true });
    expect(out).toMatch(ESC);
    expect(lineOf(out, 'Acme S.A.')).toContain('\u001b[31m');
    expect(lineOf(out, 'Beta')).not.toContain('\u001b[31m');
  });

  test('marks critical customers with "!" so the mark survives in a cron log', () => {
    const out = renderTable(sampleReport(), plain);
    expect(lineOf(out, 'Acme S.A.')).toContain('! Acme S.A.');
    expect(lineOf(out, 'Kuwait')).toContain('! Kuwait Trading');
    expect(lineOf(out, 'Beta')).not.toContain('!');
    expect(out).toContain('! Critical: open amounts more than 90 days overdue');
  });

  test('lists critical customers first, then the others, then one total per currency', () => {
    const out = renderTable(sampleReport(), plain);
    const order = ['Kuwait', 'Acme', '-Cliente', 'Beta', 'HYPERLINK', '@x', 'Total'].map((n) => out.indexOf(n));
    expect(order.every((pos) => pos >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out.match(/ Total /g)).toHaveLength(3);
  });

  test('shows each amount with its currency decimals, buckets in their columns, and oldest days', () => {
    const cells = (needle: string) =>
      lineOf(renderTable(sampleReport(), plain), needle)
        .split('│')
        .map((c) => c.trim())
        .filter((c, i, all) => i > 0 && i < all.length - 1);
    // customer, currency, current, 1-30, 31-60, 61-90, 90+, balance, oldest days
    expect(cells('Acme')).toEqual(['! Acme S.A.', 'MXN', '-', '234.50', '-', '-', '1,000.00', '1,234.50', '137']);
    expect(cells('Beta')).toEqual(['Beta | Tubos', 'MXN', '5,000.00', '-', '-200.00', '-', '-', '4,800.00', '']);
    expect(cells('Kuwait')).toEqual(['! Kuwait Trading', 'KWD', '-', '-', '-', '-', '1,234.567', '1,234.567', '120']);
  });

  test('right-aligns amounts: different lengths end in the same column', () => {
    const out = renderTable(sampleReport(), plain);
    const kwd = lineOf(out, 'Kuwait');
    const usd = lineOf(out, '-Cliente');
    // the balance column: "1,234.567" and "0.50" both end where the column ends
    const endOf = (line: string, s: string) => line.lastIndexOf(s) + s.length;
    expect(endOf(kwd, '1,234.567 ')).toBe(endOf(usd, '0.50 '));
  });

  test('ends with the summary lines and leaves warnings to stderr', () => {
    const out = renderTable(sampleReport(), plain);
    expect(out).toContain('MXN: 2 customers · open 6,034.50 · critical 1,000.00 (16.6%) in 1 customer\n');
    expect(out).not.toContain('3 rows rejected');
  });

  test('speaks Spanish with the Spanish headings and es-MX digits', () => {
    const out = renderTable(sampleReport(), { ...plain, lang: 'es', locale: 'es-MX' });
    expect(out).toContain('Antigüedad de saldos al 31 de mayo de 2024 (por fecha de vencimiento)');
    for (const h of ['Cliente', 'Moneda', 'Al corriente', 'Saldo', 'Días máx.']) expect(out).toContain(h);
    expect(out).toContain('! Crítico: saldos con más de 90 días de vencidos');
  });

  test('an escape sequence inside a customer name does not reach the terminal', () => {
    const r = report([invoice({ customer: '\u001b[31mEvil\nCo', invoice: '1', due: '2024-05-01', open: 100 })]);
    const out = renderTable(r, plain);
    expect(out).not.toMatch(ESC);
    expect(out).toContain('[31mEvil Co');
  });

  test('says there is nothing open for an empty report', () => {
    const out = renderTable(report([]), plain);
    expect(out).toContain('No open items.');
    expect(out).not.toMatch(ESC);
  });
});
