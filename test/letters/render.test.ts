// Loading and rendering letter templates: strict mode and syntax errors name the file and line,
// HTML escapes ledger text, unsafe payment links never become links, empty subjects are refused,
// client templates override the shipped ones file by file, and the text layout helpers.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';
import { afterAll, describe, expect, test } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { buildLetterContext } from '../../src/letters/context.js';
import { layoutTable } from '../../src/letters/helpers.js';
import { loadTemplates, renderLetter, shippedTemplatesDir, wrapLine } from '../../src/letters/render.js';
import { spanishInput } from './fixture.js';

const made: string[] = [];
afterAll(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A folder of templates: { "es/friendly.text.hbs": "…" }. */
function templateDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dunning-letters-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** The smallest valid letter, with one file replaced. */
function oneLetter(replace: Record<string, string> = {}): string {
  return templateDir({
    'es/friendly.subject.hbs': 'Recordatorio para {{customer.name}}\n',
    'es/friendly.html.hbs': '<p>{{customer.name}}</p>\n',
    'es/friendly.text.hbs': 'Hola {{customer.name}}\n',
    ...replace,
  });
}

async function loadError(dir: string): Promise<TemplateError> {
  const err = await loadTemplates([dir], 'es').then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TemplateError);
  return err as TemplateError;
}

const context = (overrides: Parameters<typeof spanishInput>[1] = {}) => buildLetterContext(spanishInput('friendly', overrides));

describe('strict mode', () => {
  test('an unknown variable {{nmae}} is a TemplateError naming the file and line', async () => {
    const dir = oneLetter({ 'es/friendly.text.hbs': 'Hola\n\nEstimado {{nmae}}:\n' });
    const err = await loadError(dir);
    expect(err.message).toContain(`${join(dir, 'es', 'friendly.text.hbs')}, line 3:`);
    expect(err.message).toContain('"nmae"');
    expect(err.exitCode).toBe(2);
  });

  test('an unknown variable inside {{#each}} is found on its line', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.html.hbs': '<ul>\n{{#each invoices}}\n<li>{{invoice}}</li>\n<li>{{numero}}</li>\n{{/each}}\n</ul>\n' }));
    expect(err.message).toMatch(/friendly\.html\.hbs, line 4: .*"numero"/);
  });

  test('a misspelt helper argument {{money amountAskdMinor}} is refused with its line, not printed as ""', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.text.hbs': 'Hola\nTotal: {{money amountAskdMinor}}\n' }));
    expect(err.message).toMatch(/friendly\.text\.hbs, line 2: money: an argument is not a known variable/);
  });

  test('a misspelt condition {{#if paymntUrl}} is refused instead of silently taking the else branch', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.html.hbs': '<p>\n</p>\n{{#if paymntUrl}}<a href="{{paymentUrl}}">pagar</a>{{/if}}\n' }));
    expect(err.message).toMatch(/friendly\.html\.hbs, line 3: #if: an argument is not a known variable/);
  });

  test('a variable read from inside a text value names the line', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.text.hbs': '{{#with company}}\n{{name}}\n{{/with}}\n{{customer.contact.nombre}}\n' }));
    expect(err.message).toMatch(/friendly\.text\.hbs, line 4: .*"nombre"/);
  });

  test('an unknown helper is refused when the templates are loaded, with its line', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.text.hbs': 'Hola\n{{formato amountAskedMinor}}\n' }));
    expect(err.message).toMatch(/friendly\.text\.hbs, line 2: unknown helper "formato"/);
  });

  test('a mistake inside a partial names the partial file, not the letter that includes it', async () => {
    const dir = oneLetter({
      'es/partials/firma.text.hbs': 'Atentamente,\n{{company.nombre}}\n',
      'es/friendly.text.hbs': 'Hola\n\n{{> firma.text}}\n',
    });
    const err = await loadError(dir);
    expect(err.message).toContain(`${join(dir, 'es', 'partials', 'firma.text.hbs')}, line 2:`);
    expect(err.message).toContain('"nombre"');
  });

  test('a mistake in the body of a {{#> layout}} block names the letter file, not the layout', async () => {
    const dir = oneLetter({
      'es/partials/marco.html.hbs': '<html>\n<body>\n{{> @partial-block}}\n</body>\n</html>\n',
      'es/friendly.html.hbs': '{{#> marco.html}}\n<p>{{customer.name}}</p>\n<p>{{saldo}}</p>\n{{/marco.html}}\n',
    });
    const err = await loadError(dir);
    expect(err.message).toContain(`${join(dir, 'es', 'friendly.html.hbs')}, line 3:`);
  });

  test('a mistake in a branch the example customer never takes is still found when loading', async () => {
    // The shipped samples include a customer without contact: the else branch is rendered too.
    const err = await loadError(oneLetter({ 'es/friendly.text.hbs': '{{#if customer.contact}}\nHola {{customer.contact}}\n{{else}}\nHola {{cliente}}\n{{/if}}\n' }));
    expect(err.message).toMatch(/friendly\.text\.hbs, line 4: .*"cliente"/);
  });

  test('helpers are registered on an isolated instance, not on the global Handlebars', async () => {
    await loadTemplates([oneLetter()], 'es');
    expect(Handlebars.helpers['money']).toBeUndefined();
  });
});

describe('syntax errors', () => {
  test('an unclosed mustache is a TemplateError with file and line', async () => {
    const dir = oneLetter({ 'es/friendly.html.hbs': '<p>\nHola {{customer.name\n</p>\n' });
    const err = await loadError(dir);
    expect(err.message).toContain(`${join(dir, 'es', 'friendly.html.hbs')}, line 2: syntax error`);
  });

  test('a block closed with the wrong name is a TemplateError with file and line', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.text.hbs': 'Hola\n{{#if customer.contact}}\nx\n{{/each}}\n' }));
    expect(err.message).toMatch(/friendly\.text\.hbs, line 2: if doesn't match each/);
  });

  test('an unknown partial is refused when loading, with its line', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.text.hbs': 'Hola\n\n{{> firma.text}}\n' }));
    expect(err.message).toMatch(/friendly\.text\.hbs, line 3: unknown partial "firma\.text"/);
  });
});

describe('HTML safety', () => {
  test('a customer name with a script tag is escaped in the HTML part and left as typed in the text part', async () => {
    const t = await loadTemplates([shippedTemplatesDir()], 'es');
    const letter = renderLetter(t, context({ customer: { ...spanishInput('friendly').customer, name: '<script>alert(1)</script>', contact: null } }));
    expect(letter.html).not.toContain('<script>');
    expect(letter.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(letter.text).toContain('Estimado(a) <script>alert(1)</script>:');
  });

  test('an invoice number with markup is escaped in the HTML table', async () => {
    const t = await loadTemplates([shippedTemplatesDir()], 'en');
    const input = spanishInput('friendly');
    const letter = renderLetter(t, buildLetterContext({ ...input, lang: 'en', invoices: [{ ...input.invoices[0]!, invoice: '<img src=x onerror=alert(1)>' }], amountAsked: 1250000 - 100000 }));
    expect(letter.html).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(letter.html).not.toContain('<img');
  });

  test('a javascript: payment link is not rendered as a link, in any shipped letter', async () => {
    for (const lang of ['es', 'en'] as const) {
      const t = await loadTemplates([shippedTemplatesDir()], lang);
      for (const kind of ['upcoming', 'friendly', 'firm', 'formal', 'final'] as const) {
        const letter = renderLetter(t, buildLetterContext(spanishInput(kind, { lang, paymentUrl: 'javascript:alert(document.cookie)' })));
        expect(letter.html, `${lang} ${kind}`).not.toMatch(/javascript:|<a /i);
        expect(letter.text).not.toContain('javascript:');
      }
    }
  });

  test('an https payment link is rendered as a link with the address escaped', async () => {
    const t = await loadTemplates([shippedTemplatesDir()], 'es');
    const letter = renderLetter(t, context({ paymentUrl: 'https://pagos.ruiz.mx/c?a=1&b="2"' }));
    expect(letter.html).toContain('<a href="https://pagos.ruiz.mx/c?a&#x3D;1&amp;b&#x3D;%222%22">');
  });

  test('an HTML template may not print a value without escaping', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.html.hbs': '<p>\n{{{customer.name}}}\n</p>\n' }));
    expect(err.message).toMatch(/friendly\.html\.hbs, line 2: \{\{\{…\}\}\} prints a value without HTML escaping/);
  });

  test('an HTML template may not include a text partial, which is compiled without escaping', async () => {
    const err = await loadError(oneLetter({ 'es/partials/firma.text.hbs': '{{customer.name}}\n', 'es/friendly.html.hbs': '<p>\n{{> firma.text}}\n</p>\n' }));
    expect(err.message).toMatch(/friendly\.html\.hbs, line 2: partial "firma\.text" is for text letters/);
  });

  test('a text template does not escape: "Pérez & Hijos" stays as typed', async () => {
    const t = await loadTemplates([oneLetter()], 'es');
    const letter = renderLetter(t, context({ customer: { ...spanishInput('friendly').customer, name: 'Pérez & Hijos' } }));
    expect(letter.text).toBe('Hola Pérez & Hijos\n');
    expect(letter.subject).toBe('Recordatorio para Pérez & Hijos');
    expect(letter.html).toBe('<p>Pérez &amp; Hijos</p>\n');
  });
});

describe('subject', () => {
  test('a subject that comes out empty for a customer is a TemplateError naming the subject file', async () => {
    const dir = oneLetter({ 'es/friendly.subject.hbs': '{{#unless (eq customer.name "Sin Asunto")}}Recordatorio{{/unless}}\n' });
    const t = await loadTemplates([dir], 'es');
    const name = { ...spanishInput('friendly').customer, name: 'Sin Asunto' };
    expect(() => renderLetter(t, context({ customer: name }))).toThrow(TemplateError);
    expect(() => renderLetter(t, context({ customer: name }))).toThrow(`${join(dir, 'es', 'friendly.subject.hbs')}: the subject is empty`);
  });

  test('a subject that is always empty is refused when loading', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.subject.hbs': '   \n' }));
    expect(err.message).toMatch(/friendly\.subject\.hbs: the subject is empty/);
  });

  test('a subject written on several lines comes out as one trimmed line', async () => {
    const t = await loadTemplates([oneLetter({ 'es/friendly.subject.hbs': '  Recordatorio\n  para   {{customer.name}}\n\n' })], 'es');
    expect(renderLetter(t, context()).subject).toBe('Recordatorio para Distribuidora del Norte, S.A. de C.V.');
  });
});

describe('finding the templates', () => {
  test('the shipped templates folder has a Spanish and an English set', () => {
    const dir = shippedTemplatesDir();
    expect(existsSync(join(dir, 'es', 'friendly.html.hbs'))).toBe(true);
    expect(existsSync(join(dir, 'en', 'final.text.hbs'))).toBe(true);
  });

  test('a client template replaces the shipped file of the same name and nothing else', async () => {
    const client = templateDir({ 'es/partials/greeting.text.hbs': 'Buen día, {{greetingName}}:\n' });
    const t = await loadTemplates([client, shippedTemplatesDir()], 'es');
    expect(t.files.get('partials/greeting.text')).toBe(join(client, 'es', 'partials', 'greeting.text.hbs'));
    expect(t.files.get('friendly.text')).toBe(join(shippedTemplatesDir(), 'es', 'friendly.text.hbs'));
    const letter = renderLetter(t, context());
    expect(letter.text).toContain('Buen día, Laura Méndez:');
    expect(letter.text).not.toContain('Estimado(a)');
    expect(letter.html).toContain('Estimado(a) Laura Méndez:');
  });

  test('a client folder without templates for the language falls back to the shipped ones', async () => {
    const t = await loadTemplates([templateDir({ 'en/friendly.text.hbs': 'x\n' }), shippedTemplatesDir()], 'es');
    expect(t.files.get('friendly.text')).toBe(join(shippedTemplatesDir(), 'es', 'friendly.text.hbs'));
  });

  test('a custom letter named in the config renders like a shipped one', async () => {
    const t = await loadTemplates([oneLetter({ 'es/suave.subject.hbs': 'Suave\n', 'es/suave.html.hbs': '<p>{{level}}</p>\n', 'es/suave.text.hbs': 'Nivel {{level}}\n' })], 'es');
    expect(t.letters).toEqual(['friendly', 'suave']);
    expect(renderLetter(t, context(), 'suave').text).toBe('Nivel 1\n');
  });

  test('a letter with a missing part is refused when loading', async () => {
    const err = await loadError(oneLetter({ 'es/suave.subject.hbs': 'Suave\n', 'es/suave.text.hbs': 'x\n' }));
    expect(err.message).toMatch(/letter "suave" also needs suave\.html\.hbs/);
  });

  test('a misnamed template file is refused rather than silently ignored', async () => {
    const err = await loadError(oneLetter({ 'es/friendly.htm.hbs': '<p>x</p>\n' }));
    expect(err.message).toMatch(/friendly\.htm\.hbs: unexpected template file name/);
  });

  test('asking for a letter that has no templates is a TemplateError', async () => {
    const t = await loadTemplates([oneLetter()], 'es');
    expect(() => renderLetter(t, buildLetterContext(spanishInput('final')))).toThrow(/no template final\.subject\.hbs for "es"/);
  });
});

describe('plain-text layout', () => {
  test('textTable aligns columns by the widest cell, right-aligning where asked', () => {
    const rows = ['\u001dFactura\u001fImporte', '\u001dA-1\u001f$5.00', '\u001dA-10002\u001f$12,500.00', '\u001c-', '\u001eTotal\u001f$12,505.00'].join('\n');
    // widths: 7 ("A-10002") and 10 ("$12,500.00"), gap 2: 19 columns after the indent
    expect(layoutTable(rows, { align: 'lr', indent: 2 })).toBe(
      [
        `  Factura${' '.repeat(5)}Importe`,
        `  A-1${' '.repeat(11)}$5.00`,
        '  A-10002  $12,500.00',
        `  ${'-'.repeat(19)}`,
        `  Total${' '.repeat(4)}$12,505.00`,
        '',
      ].join('\n'),
    );
  });

  test('a total label wider than the columns before the amount widens the column before it', () => {
    const rows = ['\u001dA\u001fB\u001f$1.00', '\u001eMenos créditos a su favor\u001f-$1.00'].join('\n');
    // the 25-character label needs columns 1–2 to span 25: column 2 grows from 1 to 22; amounts 6 wide
    expect(layoutTable(rows, { align: 'llr' })).toBe([`A  B${' '.repeat(24)}$1.00`, 'Menos créditos a su favor  -$1.00', ''].join('\n'));
  });

  test('long paragraphs wrap at 76 columns, bullets hang and table rows are left alone', () => {
    const words = 'palabra '.repeat(12).trim(); // 95 characters
    expect(wrapLine(words)).toEqual(['palabra '.repeat(9).trim(), 'palabra '.repeat(3).trim()]);
    expect(wrapLine(`- ${words}`)).toEqual([`- ${'palabra '.repeat(9).trim()}`, `  ${'palabra '.repeat(3).trim()}`]);
    const row = `  A-1001${' '.repeat(80)}$1.00`;
    expect(wrapLine(row)).toEqual([row]);
  });

  test('a phone or account number is never split across lines', () => {
    const line = `${'x'.repeat(60)} llámenos al +52 55 1234 5678 hoy`;
    expect(wrapLine(line)).toEqual([`${'x'.repeat(60)} llámenos al`, '+52 55 1234 5678 hoy']);
  });
});

describe('a letter rendered in one call', () => {
  test('gives what its three parts give one by one, escaping the HTML part only', async () => {
    const dir = oneLetter({ 'es/friendly.html.hbs': '<p>{{customer.name}} & {{amountAskedFormatted}}</p>\n', 'es/friendly.text.hbs': 'Hola {{customer.name}} & co\n' });
    const templates = await loadTemplates([dir], 'es');
    const ctx = buildLetterContext(spanishInput('friendly', { customer: { name: 'Pérez <& Hijos>' } }));
    const whole = renderLetter(templates, ctx);
    const byParts = renderLetter({ ...templates, whole: undefined }, ctx);
    expect(whole).toEqual(byParts);
    expect(whole.html).toBe(`<p>Pérez &lt;&amp; Hijos&gt; & ${ctx.amountAskedFormatted}</p>\n`);
    expect(whole.text).toBe('Hola Pérez <& Hijos> & co\n');
    expect(whole.subject).toBe('Recordatorio para Pérez <& Hijos>');
  });

  test('a template that writes the separating character itself is rendered part by part, unchanged', async () => {
    const dir = oneLetter({ 'es/friendly.text.hbs': 'Hola\u0001{{customer.name}}\n' });
    const templates = await loadTemplates([dir], 'es');
    const letter = renderLetter(templates, context());
    expect(letter.text).toBe(`Hola\u0001${context().customer.name}\n`);
    expect(letter.subject).toBe(`Recordatorio para ${context().customer.name}`);
  });
});
