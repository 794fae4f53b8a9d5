// boxTable must print exactly what cli-table3 prints in the compact colourless style, or decline.
import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { boxTable } from '../../src/render/boxtable.js';

function cliTable(head: readonly string[], rows: readonly (readonly string[])[], aligns: readonly ('left' | 'right')[]): string {
  const t = new Table({ head: [...head], style: { head: [], border: [], compact: true }, colAligns: [...aligns] });
  t.push(...rows.map((r) => [...r]));
  return t.toString();
}

describe('boxTable', () => {
  test('a small plan, by hand', () => {
    expect(boxTable(['A', 'Amount'], [['Peña', '1.00'], ['Zoë Ltd', '1,234.50']], ['left', 'right'])).toBe([
      '┌─────────┬──────────┐',
      '│ A       │   Amount │', // the heading follows the column's alignment, as in cli-table3
      '├─────────┼──────────┤',
      '│ Peña    │     1.00 │',
      '│ Zoë Ltd │ 1,234.50 │',
      '└─────────┴──────────┘',
    ].join('\n'));
  });

  test('equals cli-table3 on random narrow tables, with and without rows', () => {
    const cell = fc.stringMatching(/^[ -~áéíóúñÑ€—«»]{0,12}$/);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(
        fc.array(cell, { minLength: n, maxLength: n }),
        fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 6 }),
        fc.array(fc.constantFrom<'left' | 'right'>('left', 'right'), { minLength: n, maxLength: n }),
      )), ([head, rows, aligns]) => {
        expect(boxTable(head, rows, aligns)).toBe(cliTable(head, rows, aligns));
      }),
      { numRuns: 300 },
    );
  });

  test('declines text that is not one column a character', () => {
    expect(boxTable(['A'], [['株式会社']], ['left'])).toBeNull();
    expect(boxTable(['A'], [['e\u0301']], ['left'])).toBeNull();
  });
});
