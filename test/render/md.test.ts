import { describe, expect, test } from 'vitest';
import type { RenderOptions } from '../../src/render/index.js';
import { escapeMarkdown, renderMarkdown } from '../../src/render/md.js';
import { report, sampleReport } from './fixture.js';

const opts: RenderOptions = { lang: 'en', locale: 'en-US', color: false, warnings: ['2 rows rejected: ledger.csv | row 4'] };

/** Cells of a table line, splitting only on pipes that are not escaped. */
function cells(line: string): string[] {
  return line.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
}

function tableLines(md: string): string[] {
  return md.split('\n').filter((l) => l.startsWith('|'));
}

describe('Markdown report', () => {
  test('escapes the pipe in a customer name so the row keeps its columns', () => {
    const md = renderMarkdown(sampleReport(), opts);
    expect(md).toContain('| Beta \\| Tubos | MXN |');
    const widths = tableLines(md).map((l) => cells(l).length);
    expect(new Set(widths)).toEqual(new Set([9]));
  });

  test('has a header, an alignment row with amounts to the right, and the rows in report order', () => {
    const lines = tableLines(renderMarkdown(sampleReport(), opts));
    expect(cells(lines[0]!)).toEqual(['Customer', 'Currency', 'Current', '1-30', '31-60', '61-90', '90+', 'Balance', 'Oldest days']);
    expect(cells(lines[1]!)).toEqual([':--', ':--', '--:', '--:', '--:', '--:', '--:', '--:', '--:']);
    // 6 customers and 3 totals after the two header lines
    expect(lines).toHaveLength(11);
  });

  test('puts critical rows in bold, every cell', () => {
    const lines = tableLines(renderMarkdown(sampleReport(), opts));
    const acme = lines.find((l) => l.includes('Acme'))!;
    expect(cells(acme)).toEqual(['**Acme S.A.**', '**MXN**', '**-**', '**234.50**', '**-**', '**-**', '**1,000.00**', '**1,234.50**', '**137**']);
    const beta = lines.find((l) => l.includes('Beta'))!;
    expect(beta).not.toContain('**');
  });

  test('ends with the totals, the summary lines and the warnings', () => {
    const md = renderMarkdown(sampleReport(), opts);
    expect(md).toContain('| **Total** | MXN | 5,000.00 | 234.50 | -200.00 | - | 1,000.00 | 6,034.50 |  |');
    expect(md).toContain('- MXN: 2 customers · open 6,034.50 · critical 1,000.00 (16.6%) in 1 customer');
    expect(md).toContain('- 2 rows rejected: ledger.csv \\| row 4');
  });

  test('Markdown punctuation in ledger text is escaped, line breaks flattened', () => {
    expect(escapeMarkdown('*Star* _Co_ [x](y) <b> a\\b\nc')).toBe('\\*Star\\* \\_Co\\_ \\[x\\](y) \\<b\\> a\\\\b c');
  });

  test('an empty report still has its header and says nothing is open', () => {
    const md = renderMarkdown(report([]), { ...opts, lang: 'es', warnings: [] });
    expect(md).toContain('| Cliente | Moneda | Al corriente |');
    expect(md).toContain('No hay saldos abiertos.');
  });
});
