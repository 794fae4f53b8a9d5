// The fast renderer (src/letters/fasttemplate.ts) against Handlebars itself: wherever it renders a
// template it must give Handlebars' text, byte for byte, and wherever Handlebars throws (a typo,
// a null in a path, a helper's refusal) it must give up (FastBail) so that Handlebars renders the
// letter and reports the mistake. Checked on hand-picked constructs, on random templates built
// from the constructs it compiles, and on every shipped letter with generated customers.
import fc from 'fast-check';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { buildLetterContext, type LetterInput } from '../../src/letters/context.js';
import { compileFast, FastBail, type FastTemplate } from '../../src/letters/fasttemplate.js';
import { BUILTIN_HELPERS, LETTER_HELPERS, letterHelpers, registerLetterHelpers } from '../../src/letters/helpers.js';
import { loadTemplates, renderLetter, sampleLetterInputs, shippedTemplatesDir, type LetterTemplates } from '../../src/letters/render.js';

const KNOWN_HELPERS = Object.fromEntries([...LETTER_HELPERS, ...BUILTIN_HELPERS].map((h) => [h, true]));
const ROOT = { locale: 'es-MX', currency: 'MXN' };

type Outcome = { kind: 'text'; text: string } | { kind: 'error' } | { kind: 'bail' } | { kind: 'unsupported' };

/** The template (and partials) rendered by Handlebars as render.ts sets it up, and by the fast renderer. */
function both(source: string, context: unknown, opts: { escape?: boolean; partials?: Record<string, string> } = {}): { hbs: Outcome; fast: Outcome } {
  const escape = opts.escape ?? true;
  const hb = Handlebars.create();
  registerLetterHelpers(hb);
  const fastPartials = new Map<string, FastTemplate>();
  const env = { helpers: letterHelpers(), partials: fastPartials };
  let partialsFast = true;
  for (const [name, src] of Object.entries(opts.partials ?? {})) {
    const partialEscape = name.endsWith('.html');
    const ast = hb.parse(src);
    const f = compileFast(ast, partialEscape, env);
    if (f) fastPartials.set(name, f);
    else partialsFast = false;
    hb.registerPartial(name, hb.compile(hb.parse(src), { strict: true, noEscape: !partialEscape, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true }));
  }
  const fastTemplate = compileFast(hb.parse(source), escape, env);
  let fast: Outcome;
  if (!fastTemplate || !partialsFast) fast = { kind: 'unsupported' };
  else {
    try {
      fast = { kind: 'text', text: fastTemplate.render(context, { root: context }) };
    } catch (err) {
      if (!(err instanceof FastBail)) throw err;
      fast = { kind: 'bail' };
    }
  }
  let hbs: Outcome;
  try {
    hbs = { kind: 'text', text: hb.compile(hb.parse(source), { strict: true, noEscape: !escape, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true })(context) };
  } catch {
    hbs = { kind: 'error' };
  }
  return { hbs, fast };
}

/** The fast renderer agrees: the same text, or it gives up where Handlebars fails. Returns what it did. */
function agrees(source: string, context: unknown, opts: Parameters<typeof both>[2] = {}): Outcome['kind'] {
  const { hbs, fast } = both(source, context, opts);
  if (fast.kind === 'text') expect(hbs, `${source} with ${JSON.stringify(context)}`).toEqual(fast);
  if (hbs.kind === 'error') expect(['bail', 'unsupported']).toContain(fast.kind);
  return fast.kind;
}

describe('the constructs it renders, as Handlebars renders them', () => {
  const ctx = {
    ...ROOT,
    name: 'Pérez & Hijos <"S.A."> `x` = \'y\'',
    zero: 0, yes: true, no: false, empty: '', nothing: null, list: ['a', 'b<', 'c'], none: [] as string[],
    customer: { name: 'Núñez', contact: null, phone: '+52 55' },
    invoices: [{ invoice: 'A-1', openMinor: 150000, due: '2024-03-16' }, { invoice: 'A&2', openMinor: 5, due: '2024-04-01' }],
    amountMinor: 123456,
  };

  it('writes variables, escaped in HTML and as they are in text', () => {
    for (const escape of [true, false]) {
      expect(agrees('<p>{{name}}</p>\n{{customer.name}} {{zero}} {{yes}} {{no}} {{empty}} {{nothing}}', ctx, { escape })).toBe('text');
      expect(agrees('{{{name}}} {{&name}}', ctx, { escape })).toBe('text');
      expect(agrees('{{this.name}} {{./name}}', ctx, { escape })).toBe('text');
    }
  });

  it('gives up where Handlebars refuses: an unknown variable, a part read from null', () => {
    expect(agrees('{{nmae}}', ctx)).toBe('bail');
    expect(agrees('{{customer.nmae}}', ctx)).toBe('bail');
    expect(agrees('{{customer.contact.name}}', ctx)).toBe('bail');
    expect(agrees('{{nothing.x}}', ctx)).toBe('bail');
    expect(agrees('{{#if customer.contact.name}}x{{/if}}', ctx)).toBe('bail');
    expect(agrees('{{money amout}}', ctx)).toBe('bail');
    expect(agrees('{{#if nmae}}x{{/if}}', ctx)).toBe('bail');
    expect(agrees('{{#each nmae}}x{{/each}}', ctx)).toBe('bail');
    expect(agrees('{{list}}', ctx)).toBe('bail'); // an array as text: left to Handlebars
  });

  it('takes if / unless / else if the way Handlebars does, zero and empty lists included', () => {
    for (const v of ['zero', 'yes', 'no', 'empty', 'nothing', 'list', 'none', 'customer', 'name']) {
      expect(agrees(`{{#if ${v}}}Y{{else}}N{{/if}}|{{#unless ${v}}}U{{/unless}}|{{#if ${v} includeZero=true}}Z{{/if}}`, ctx)).toBe('text');
    }
    expect(agrees('{{#if no}}1{{else if zero}}2{{else if yes}}3{{else}}4{{/if}}', ctx)).toBe('text');
    expect(agrees('{{#if (eq zero 0)}}z{{/if}}{{#if (and yes list)}}a{{/if}}{{#if (or no none)}}o{{else}}-{{/if}}{{#if (not none)}}n{{/if}}', ctx)).toBe('text');
    expect(agrees('{{#if (gt amountMinor 100)}}big{{/if}}{{#if (lte zero 0)}}le{{/if}}{{ne zero 1}}', ctx)).toBe('text');
  });

  it('iterates with @index, @first, @last, @key and @root, and takes else for an empty list', () => {
    expect(agrees('{{#each list}}[{{@index}}{{@key}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}:{{this}}]{{/each}}', ctx)).toBe('text');
    expect(agrees('{{#each invoices}}{{invoice}} {{money openMinor}} {{date due "short"}} {{@root.customer.name}} {{@root.currency}}\n{{/each}}', ctx)).toBe('text');
    expect(agrees('{{#each none}}x{{else}}empty{{/each}}{{#each nothing}}x{{else}}null{{/each}}{{#each zero}}x{{else}}zero{{/each}}', ctx)).toBe('text');
    expect(agrees('{{#each invoices}}{{#each @root.list}}{{@index}}{{this}}{{/each}};{{@index}}{{/each}}', ctx)).toBe('text');
    expect(agrees('{{#each customer}}{{this}}{{/each}}', ctx)).toBe('bail'); // an object: left to Handlebars
    expect(agrees('{{#with customer}}{{name}}{{else}}none{{/with}}{{#with nothing}}x{{else}}none{{/with}}', ctx)).toBe('text');
  });

  it('calls the letter helpers with literals, subexpressions and hash values', () => {
    expect(agrees('{{money amountMinor}} {{money amountMinor "USD"}} {{number 1234.5}} {{number zero 0}} {{plural zero "día" "días"}} {{date "2024-02-29"}} {{date "2024-02-29" "short"}}', ctx)).toBe('text');
    expect(agrees('{{#textTable align="lr" indent=2}}\n{{row "Factura" "Saldo"}}\n{{rule}}\n{{#each invoices}}\n{{row invoice (money openMinor)}}\n{{/each}}\n{{spanRow "Total" "1"}}\n{{/textTable}}', ctx, { escape: false })).toBe('text');
    expect(agrees('{{money null}}{{money undefined}}', ctx)).toBe('bail');
    expect(agrees('{{date "2024-13-01"}}', ctx)).toBe('bail');
  });

  it('strips whitespace as Handlebars does: standalone tags, ~ and comments', () => {
    const src = 'a\n  {{#if yes}}\n  b {{~name~}} c\n  {{/if}}\n{{! a comment }}\n{{!-- another --}}\nd {{~#each list~}} {{this}} {{~/each~}} e\n';
    expect(agrees(src, ctx)).toBe('text');
    expect(agrees(src, ctx, { escape: false })).toBe('text');
  });

  it('includes partials with their indent, and partial blocks with @partial-block', () => {
    const partials = {
      'row.html': '<td>{{name}}</td>\n<td>{{customer.name}}</td>\n',
      'layout.html': '<div>\n  {{> @partial-block}}\n</div>\n',
      'outer.html': '<main>{{#> layout.html}}<i>{{name}}</i>{{/layout.html}}</main>',
      'line.text': '- {{name}}\n- {{customer.phone}}\n',
    };
    expect(agrees('<tr>\n  {{> row.html}}\n</tr>\n{{> "row.html"}}', ctx, { partials })).toBe('text');
    expect(agrees('{{#> layout.html}}\n<p>{{name}}</p>\n{{#each list}}\n<b>{{this}}</b>\n{{/each}}\n{{/layout.html}}', ctx, { partials })).toBe('text');
    expect(agrees('{{#> layout.html}}{{> outer.html}}{{/layout.html}}', ctx, { partials })).toBe('text');
    expect(agrees('Text:\n    {{> line.text}}\nend', ctx, { escape: false, partials })).toBe('text');
    expect(agrees('{{#each invoices}}{{> row.html}}{{/each}}', ctx, { partials })).toBe('bail'); // no name in an invoice
  });

  it('leaves to Handlebars what it does not compile', () => {
    const partials = { 'p.html': '{{name}}' };
    for (const src of [
      '{{#each list}}{{../name}}{{/each}}',
      '{{#each list as |x i|}}{{x}}{{/each}}',
      '{{^list}}x{{/list}}',
      '{{#customer}}{{name}}{{/customer}}',
      '{{#*inline "q"}}x{{/inline}}{{> q}}',
      '{{> p.html customer}}',
      '{{> p.html x=1}}',
      '{{lookup list 1}}',
      '{{log "x"}}',
      '{{"literal"}}',
      '{{@money}}',
    ]) {
      expect(both(src, ctx, { partials }).fast.kind, src).toBe('unsupported');
    }
  });
});

describe('random templates made of what it compiles', () => {
  const names = ['a', 'b', 'n', 'list', 'obj', 'obj.x', 'obj.y', 'missing', 'obj.missing'];
  const leaf = fc.oneof(
    fc.constantFrom('text ', '<b>', ' & ', '\n', '  \n', '= "q"', 'é€😀', '{{! note }}', '{{@root.a}}', '{{this.a}}'),
    fc.constantFrom(...names).map((v) => `{{${v}}}`),
    fc.constantFrom(...names).map((v) => `{{{${v}}}}`),
    fc.constantFrom(...names).map((v) => `{{~${v}~}}`),
    fc.constantFrom('{{eq a b}}', '{{plural n "x" "y"}}', '{{number n}}', '{{not list}}', '{{money n}}'),
  );
  const template: fc.Arbitrary<string> = fc.letrec<{ t: string }>((tie) => ({
    t: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.array(tie('t'), { maxLength: 4 }).map((xs) => xs.join('')),
      fc.tuple(fc.constantFrom('if', 'unless'), fc.constantFrom(...names, '(eq a b)', '(or a list)'), tie('t'), fc.option(tie('t'))).map(
        ([h, v, yes, no]) => `{{#${h} ${v}}}\n${yes}${no === null ? '' : `{{else}}\n${no}`}\n{{/${h}}}\n`,
      ),
      fc.tuple(fc.constantFrom('list', 'obj', 'a', 'missing'), tie('t'), fc.option(tie('t'))).map(
        ([v, body, no]) => `{{#each ${v}}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}}:{{this}}${body}${no === null ? '' : `{{else}}${no}`}{{/each}}`,
      ),
      fc.tuple(fc.constantFrom('obj', 'a', 'missing'), tie('t')).map(([v, body]) => `{{#with ${v}}}${body}{{/with}}`),
    ),
  })).t;
  const value = fc.oneof(fc.constantFrom(0, 1, -1, 2.5, true, false, null, '', 'x', '<&>"\'`=', 'línea\nnueva'), fc.string({ maxLength: 6 }));
  const context = fc.record({
    a: value, b: value, n: fc.oneof(fc.integer({ min: -5, max: 5 }), value),
    list: fc.oneof(fc.array(value, { maxLength: 3 }), value),
    obj: fc.oneof(fc.record({ x: value, y: value, a: value }), value),
  }).map((c) => ({ ...ROOT, ...c }));

  it('are rendered as Handlebars renders them, or left to it', () => {
    let rendered = 0;
    fc.assert(
      fc.property(template, context, fc.boolean(), (src, ctx, escape) => {
        if (agrees(src, ctx, { escape }) === 'text') rendered++;
      }),
      { numRuns: 1500 },
    );
    expect(rendered).toBeGreaterThan(300); // the comparison was made, not skipped
  });
});

describe('the shipped letters', () => {
  const viaHandlebars = (t: LetterTemplates): LetterTemplates => ({ ...t, fast: undefined });

  it('are all rendered by the fast renderer', async () => {
    for (const lang of ['es', 'en'] as const) {
      const t = await loadTemplates([shippedTemplatesDir()], lang);
      expect([...(t.fast?.keys() ?? [])].sort()).toEqual([...t.letters].sort());
    }
  });

  it('give Handlebars\' text for generated customers, in every locale and letter', async () => {
    const templates = { es: await loadTemplates([shippedTemplatesDir()], 'es'), en: await loadTemplates([shippedTemplatesDir()], 'en') };
    const text = fc.oneof(fc.constantFrom('Pérez & Hijos, S.A. de C.V.', '<script>"x"</script>', "O'Brien = `co`", 'Núñez\u00a0Ltda.', ''), fc.string({ maxLength: 20 }));
    const maybe = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(a, { nil: null });
    const item = (sign: 1 | -1) => fc.record({ invoice: text.map((s) => s || 'F-1'), invoiceDate: fc.integer({ min: 19000, max: 19800 }), due: fc.integer({ min: 0, max: 120 }), open: fc.integer({ min: 1, max: 10_000_000 }) });
    const input = fc.record({
      name: fc.constantFrom('friendly', 'firm', 'formal', 'final', 'upcoming'),
      lang: fc.constantFrom('es', 'en') as fc.Arbitrary<'es' | 'en'>,
      locale: fc.constantFrom('es-MX', 'es-ES', 'es-CO', 'en-US', 'en-GB'),
      customer: fc.record({ name: text.map((s) => s || 'Cliente'), customerId: maybe(text), contact: maybe(text), email: maybe(fc.constant('a@b.mx')), salesRep: maybe(text), currency: fc.constantFrom('MXN', 'EUR', 'USD', 'COP') }),
      invoices: fc.array(item(1), { maxLength: 6 }),
      credits: fc.array(item(-1), { maxLength: 2 }),
      upcoming: fc.array(item(1), { maxLength: 2 }),
      company: maybe(fc.record({ name: maybe(text), email: maybe(fc.constant('ar@x.mx')), phone: maybe(text), address: maybe(text), taxId: maybe(text), website: maybe(fc.constant('https://x.mx')) })),
      paymentInstructions: maybe(text), paymentUrl: maybe(fc.constant('https://pay.example.com/?a=1&b=2')),
      sender: maybe(fc.record({ name: maybe(text), email: maybe(fc.constant('s@x.mx')) })),
    });
    const asOf = 19874;
    fc.assert(
      fc.property(input, (g) => {
        const kind = g.name as LetterInput['kind'];
        const base = sampleLetterInputs(kind, g.lang)[0]!;
        const lines = (xs: typeof g.invoices, sign: 1 | -1, future: boolean) =>
          xs.map((x) => {
            const dueDate = future ? asOf + 1 + x.due : asOf - x.due;
            return { invoice: x.invoice, invoiceDate: Math.min(x.invoiceDate, dueDate), dueDate, daysOverdue: asOf - dueDate, open: sign * x.open };
          });
        const invoices = kind === 'upcoming' ? [] : lines(g.invoices.length ? g.invoices : [{ invoice: 'F-0', invoiceDate: 19000, due: 5, open: 100 }], 1, false);
        const credits = lines(g.credits, -1, false);
        const upcoming = kind === 'upcoming' ? lines(g.upcoming.length ? g.upcoming : [{ invoice: 'U-1', invoiceDate: 19800, due: 3, open: 100 }], 1, true) : lines(g.upcoming, 1, true);
        const overdue = invoices.reduce((s, i) => s + i.open, 0);
        const creditTotal = credits.reduce((s, i) => s + i.open, 0);
        const amountAsked = kind === 'upcoming' ? 0 : Math.max(0, overdue + creditTotal);
        const letter: LetterInput = {
          ...base, lang: g.lang, locale: g.locale, asOf, customer: g.customer, invoices, credits: kind === 'upcoming' ? [] : credits, upcoming,
          amountAsked, balance: amountAsked + upcoming.reduce((s, i) => s + i.open, 0),
          company: g.company, paymentInstructions: g.paymentInstructions, paymentUrl: g.paymentUrl, sender: g.sender,
        };
        let context;
        try {
          context = buildLetterContext(letter);
        } catch {
          return; // an input the context refuses: not a letter
        }
        const t = templates[g.lang];
        expect(renderLetter(t, context, kind)).toEqual(renderLetter(viaHandlebars(t), context, kind));
      }),
      { numRuns: 400 },
    );
  });
});
