// Golden files of every shipped letter, in Spanish (es-MX, MXN) and English (en-US, USD), for the
// example customer of fixture.ts. They are reviewed by eye when they change: run with
// UPDATE_GOLDEN=1 to rewrite them, then read the diff as a bookkeeper would read the letter.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { buildLetterContext, LETTER_KINDS } from '../../src/letters/context.js';
import { loadTemplates, renderLetter, shippedTemplatesDir, type LetterTemplates, type RenderedLetter } from '../../src/letters/render.js';
import { englishInput, spanishInput } from './fixture.js';

const GOLDEN = join(import.meta.dirname, '..', 'golden', 'letters');
const update = process.env['UPDATE_GOLDEN'] === '1';

function compare(file: string, actual: string): void {
  if (update) {
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`missing golden file ${file}: run the test with UPDATE_GOLDEN=1 and review it`);
  expect(actual, file).toBe(readFileSync(file, 'utf8'));
}

const langs = [
  { lang: 'es', input: spanishInput },
  { lang: 'en', input: englishInput },
] as const;

for (const { lang, input } of langs) {
  describe(`shipped ${lang} letters`, () => {
    let templates: LetterTemplates;
    const rendered = new Map<string, RenderedLetter>();
    beforeAll(async () => {
      templates = await loadTemplates([shippedTemplatesDir()], lang);
      for (const kind of LETTER_KINDS) rendered.set(kind, renderLetter(templates, buildLetterContext(input(kind))));
    });

    test('every shipped kind is there with its three parts', () => {
      expect([...templates.letters]).toEqual([...LETTER_KINDS].sort());
    });

    for (const kind of LETTER_KINDS) {
      test(`the ${kind} letter matches its golden files`, () => {
        const letter = rendered.get(kind)!;
        const dir = join(GOLDEN, lang);
        compare(join(dir, `${kind}.subject.txt`), letter.subject + '\n');
        compare(join(dir, `${kind}.html`), letter.html);
        compare(join(dir, `${kind}.txt`), letter.text);
      });
    }
  });
}

// The amounts in the golden files, checked against the hand computation in fixture.ts, so that a
// golden file regenerated with a wrong sum cannot pass review unnoticed.
describe('amounts in the golden letters', () => {
  test('the Spanish friendly letter lists each invoice, the credit, the amount asked and the balance in pesos', async () => {
    const t = await loadTemplates([shippedTemplatesDir()], 'es');
    const { text, html, subject } = renderLetter(t, buildLetterContext(spanishInput('friendly')));
    for (const amount of ['$12,500.00', '$8,740.35', '$1,234.50', '-$1,000.00', '$22,474.85', '$21,474.85', '$24,954.85', '$3,480.00']) {
      expect(text).toContain(amount);
      expect(html).toContain(amount);
    }
    expect(subject).toContain('$21,474.85');
    expect(text).toMatch(/A-1001 +15\/02\/2024 +16\/03\/2024 +76 +\$12,500\.00/);
    expect(text).toMatch(/A-1007 +20\/03\/2024 +19\/04\/2024 +42 +\$8,740\.35/);
    expect(text).toMatch(/A-1012 +10\/04\/2024 +10\/05\/2024 +21 +\$1,234\.50/);
  });

  test('the English final notice states the deadline ten days after the as-of date and the amount in dollars', async () => {
    const t = await loadTemplates([shippedTemplatesDir()], 'en');
    const { text } = renderLetter(t, buildLetterContext(englishInput('final')));
    expect(text).toMatch(/by\sJune\u00a010,\u00a02024/);
    expect(text).toMatch(/Total due +\$21,474\.85/);
    expect(text).toMatch(/A-1001 +02\/15\/2024 +03\/16\/2024 +76 +\$12,500\.00/);
  });

  test('the courtesy note totals the two invoices about to fall due', async () => {
    const t = await loadTemplates([shippedTemplatesDir()], 'es');
    const { text, subject } = renderLetter(t, buildLetterContext(spanishInput('upcoming')));
    expect(text).toMatch(/A-1030 +04\/05\/2024 +03\/06\/2024 +\$3,480\.00/);
    expect(text).toMatch(/Total por vencer +\$5,000\.00/);
    expect(subject).toContain('$5,000.00');
  });
});
