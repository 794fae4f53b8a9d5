// Printable letters and statements of account (src/letters/pdf.ts), read back with pdfjs: paper
// size by locale, the letter's words in the PDF in the text part's order, invoice numbers and
// amounts, accented names, page numbering across pages, the statement's running balance and aging
// worked out by hand, characters outside the standard fonts, logos, and byte-identical output.
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { buildLetterContext, type LetterContext, type LetterItemInput } from '../../src/letters/context.js';
import {
  buildStatement,
  paperFor,
  parseTextTable,
  renderLetterPdf,
  renderStatementPdf,
  textBlocks,
  unwrapLines,
  winAnsi,
  type StatementInput,
  type StatementItem,
} from '../../src/letters/pdf.js';
import { loadTemplates, renderLetter, shippedTemplatesDir, type LetterTemplates } from '../../src/letters/render.js';
import { AS_OF, day, englishInput, spanishInput } from './fixture.js';

// ---------------------------------------------------------------------------------------------
// Reading a PDF back

interface PdfItem {
  readonly str: string;
  readonly x: number;
  readonly y: number;
  readonly font: string;
}

interface PdfPage {
  readonly width: number;
  readonly height: number;
  readonly items: readonly PdfItem[];
  /** Every item in content-stream order, whitespace collapsed. */
  readonly text: string;
  /** Items grouped by baseline, top to bottom, each line left to right. */
  readonly lines: readonly string[];
}

interface PdfRead {
  readonly pages: readonly PdfPage[];
  readonly info: Record<string, unknown>;
  readonly images: number;
}

const squash = (s: string): string => s.replace(/\s+/g, ' ').trim();

async function readPdf(buf: Buffer): Promise<PdfRead> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(buf), verbosity: 0 }).promise;
  const pages: PdfPage[] = [];
  let images = 0;
  for (let n = 1; n <= doc.numPages; n++) {
    const page = await doc.getPage(n);
    const ops = await page.getOperatorList();
    images += ops.fnArray.filter((f) => f === pdfjs.OPS.paintImageXObject).length;
    const content = await page.getTextContent();
    const items: PdfItem[] = [];
    for (const raw of content.items) {
      if (!('str' in raw) || raw.str === '') continue;
      const font = (page.commonObjs.get(raw.fontName) as { name: string }).name;
      items.push({ str: raw.str, x: raw.transform[4] as number, y: raw.transform[5] as number, font });
    }
    const byLine = new Map<number, PdfItem[]>();
    for (const it of items) {
      const key = Math.round(it.y);
      byLine.set(key, [...(byLine.get(key) ?? []), it]);
    }
    const lines = [...byLine.entries()]
      .sort((a, b) => b[0] - a[0])
      .map(([, list]) => squash(list.sort((a, b) => a.x - b.x).map((i) => i.str).join(' ')));
    const [, , width, height] = page.view as [number, number, number, number];
    pages.push({ width, height, items, text: squash(items.map((i) => i.str).join(' ')), lines });
  }
  const meta = await doc.getMetadata();
  await doc.destroy();
  return { pages, info: meta.info as Record<string, unknown>, images };
}

const allText = (pdf: PdfRead): string => pdf.pages.map((p) => p.text).join(' ');
const lineWith = (pdf: PdfRead, needle: string | RegExp): string => {
  const line = pdf.pages.flatMap((p) => p.lines).find((l) => (typeof needle === 'string' ? l.includes(needle) : needle.test(l)));
  if (line === undefined) throw new Error(`no line with ${needle}`);
  return line;
};

/** True when the words of `text` appear in `pdfText` in the same order (other words may come between). */
function inOrder(words: readonly string[], pdfText: string): { ok: boolean; missing: string | null } {
  const pdfWords = pdfText.split(/\s+/);
  let at = 0;
  for (const w of words) {
    while (at < pdfWords.length && pdfWords[at] !== w) at++;
    if (at === pdfWords.length) return { ok: false, missing: w };
    at++;
  }
  return { ok: true, missing: null };
}

/** A valid RGB PNG of w × h pixels, built by hand (signature, IHDR, IDAT, IEND). */
function png(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.concat(Array.from({ length: h }, () => Buffer.concat([Buffer.from([0]), Buffer.alloc(w * 3, 0x1f)])));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

// ---------------------------------------------------------------------------------------------
// Fixtures

let es: LetterTemplates;
let en: LetterTemplates;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dunning-pdf-'));
  // The shipped letters' subject, HTML and text parts only: other channels' files (sms…) that
  // share the folder are not this test's business.
  const letters = join(dir, 'templates');
  cpSync(shippedTemplatesDir(), letters, { recursive: true, filter: (src) => statSync(src).isDirectory() || /\.(subject|html|text)\.hbs$/.test(src) });
  es = await loadTemplates([letters], 'es');
  en = await loadTemplates([letters], 'en');
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function letterPdf(ctx: LetterContext, templates: LetterTemplates, extra: { logoPath?: string } = {}) {
  const letter = renderLetter(templates, ctx);
  const buf = await renderLetterPdf({ context: ctx, letter, ...extra });
  return { letter, buf, pdf: await readPdf(buf) };
}

// The example customer's open items (fixture.ts), as a statement sees them, given out of order:
//   date        item     due         days  charge     credit    running balance
//   2024-02-15  A-1001   2024-03-16  76    12,500.00            12,500.00
//   2024-03-20  A-1007   2024-04-19  42     8,740.35            21,240.35
//   2024-04-10  A-1012   2024-05-10  21     1,234.50            22,474.85
//   2024-05-05  NC-0045  2024-05-05  –                1,000.00  21,474.85
//   2024-05-20  A-1020   2024-06-19  –      3,480.00            24,954.85
// Buckets by due date: current 3,480.00; 1-30 1,234.50 − 1,000.00 = 234.50; 31-60 8,740.35;
// 61-90 12,500.00; 90+ 0. Overdue 22,474.85; not yet due 3,480.00; credits 1,000.00.
const ITEMS: readonly StatementItem[] = [
  { invoice: 'A-1020', invoiceDate: day('2024-05-20'), dueDate: day('2024-06-19'), open: 348000 },
  { invoice: 'NC-0045', invoiceDate: day('2024-05-05'), dueDate: day('2024-05-05'), open: -100000 },
  { invoice: 'A-1001', invoiceDate: day('2024-02-15'), dueDate: day('2024-03-16'), open: 1250000 },
  { invoice: 'A-1012', invoiceDate: day('2024-04-10'), dueDate: day('2024-05-10'), open: 123450, disputed: true },
  { invoice: 'A-1007', invoiceDate: day('2024-03-20'), dueDate: day('2024-04-19'), open: 874035 },
  { invoice: 'A-0999', invoiceDate: day('2024-01-10'), dueDate: day('2024-02-09'), open: 0 },
];

function statementInput(overrides: Partial<StatementInput> = {}): StatementInput {
  const base = spanishInput('friendly');
  return {
    lang: 'es',
    locale: 'es-ES',
    asOf: AS_OF,
    customer: { name: 'Distribuidora Ñandú, S.L.', customerId: 'B12345678', contact: 'Íñigo Güemes', currency: 'EUR' },
    items: ITEMS,
    company: base.company,
    paymentInstructions: 'Transferencia a ES91 2100 0418 4502 0005 1332',
    ...overrides,
  };
}

// ---------------------------------------------------------------------------------------------

describe('paper size by locale', () => {
  test.each(['en-US', 'en-CA', 'es-MX', 'es-US', 'es-CO', 'es-VE', 'es-CL', 'es-PH', 'en', 'es_MX.UTF-8'])('%s prints on Letter', (locale) => {
    expect(paperFor(locale)).toBe('LETTER');
  });

  test.each(['es-ES', 'en-GB', 'de', 'de-DE', 'fr-FR', 'es', 'es-AR', 'pt-BR'])('%s prints on A4', (locale) => {
    expect(paperFor(locale)).toBe('A4');
  });

  test('a tag that is not a locale is a usage error', () => {
    expect(() => paperFor('not a locale!')).toThrow(UsageError);
  });
});

describe('characters the standard PDF fonts cannot draw', () => {
  test('Spanish and Latin-1 text, € and typographic quotes stay as they are', () => {
    expect(winAnsi('¿Señor Núñez? «Pagó» 1.234,50 € – “ok” …')).toBe('¿Señor Núñez? «Pagó» 1.234,50 € – “ok” …');
  });

  test('accents outside Latin-1 are dropped, and the rest becomes one "?" per character', () => {
    // ó and á are Latin-1 and stay; Ł, ź, Ş and ř lose their marks.
    expect(winAnsi('Łódź Ştefan Dvořák')).toBe('Lódz Stefan Dvorák');
    expect(winAnsi('王 😀')).toBe('? ?');
  });

  test('a narrow no-break space (fr-FR grouping) becomes a no-break space; soft hyphens and zero-width spaces go', () => {
    expect(winAnsi('1\u202f234,50\u00a0€')).toBe('1\u00a0234,50\u00a0€');
    expect(winAnsi('fac\u00adtura\u200b')).toBe('factura');
  });
});

describe('reading the text part', () => {
  test('lines wrapped at 76 columns are joined again, a signature block is not', () => {
    const para = 'Le escribimos en relación con el saldo vencido de su cuenta. Según nuestros registros, las siguientes facturas siguen pendientes de pago.';
    const wrapped = ['Le escribimos en relación con el saldo vencido de su cuenta. Según nuestros', 'registros, las siguientes facturas siguen pendientes de pago.'];
    expect(unwrapLines(wrapped)).toEqual([para]);
    const signature = ['Ana Ruiz', 'Comercializadora Ruiz, S.A. de C.V.', 'Av. Insurgentes Sur 1234, piso 5'];
    expect(unwrapLines(signature)).toEqual(signature);
  });

  test('an aligned table, with its blank row and its "credit notes" label, is one block between paragraphs', () => {
    const lines = [
      'Hola:',
      '',
      '  Factura  Importe',
      '  -----------------',
      '  A-1     $1,000.00',
      '',
      '  Notas de crédito:',
      '  NC-1     -$100.00',
      '  -----------------',
      '  Total      $900.00',
      '',
      'Gracias.',
    ];
    const blocks = textBlocks(lines);
    expect(blocks.map((b) => b.kind)).toEqual(['para', 'table', 'para']);
    expect(blocks[1]!.lines).toEqual(lines.slice(2, 10));
  });

  test('the shipped invoice table is read back as five columns, amounts and days right-aligned, header and total bold', () => {
    const text = renderLetter(es, buildLetterContext(spanishInput('firm'))).text.split('\n');
    const table = textBlocks(text).find((b) => b.kind === 'table')!;
    const parsed = parseTextTable(table.lines)!;
    expect(parsed.columns).toBe(5);
    const header = parsed.header[0]!;
    expect(header.kind === 'row' && header.bold).toBe(true);
    const row = parsed.rows.find((r) => r.kind === 'row' && r.cells[0]!.text === 'A-1001');
    expect(row && row.kind === 'row' && row.cells.map((c) => [c.text, c.from, c.align])).toEqual([
      ['A-1001', 0, 'left'],
      ['15/02/2024', 1, 'left'],
      ['16/03/2024', 2, 'left'],
      ['76', 3, 'right'],
      ['$12,500.00', 4, 'right'],
    ]);
    const total = parsed.rows.find((r) => r.kind === 'row' && r.cells[0]!.text === 'Total a pagar');
    expect(total && total.kind === 'row' && total.bold).toBe(true);
    expect(total && total.kind === 'row' && total.cells.map((c) => [c.text, c.from, c.to, c.align])).toEqual([
      ['Total a pagar', 0, 1, 'left'],
      ['$21,474.85', 4, 4, 'right'],
    ]);
  });
});

describe('a letter as PDF', () => {
  test('an es-MX letter is on Letter paper, one page, with its invoices, amounts, accented names and "Página 1 de 1"', async () => {
    const { pdf } = await letterPdf(buildLetterContext(spanishInput('firm')), es);
    expect(pdf.pages).toHaveLength(1);
    const [page] = pdf.pages;
    expect([page!.width, page!.height]).toEqual([612, 792]);
    const text = allText(pdf);
    for (const s of ['A-1001', 'A-1007', 'A-1012', 'NC-0045', '$12,500.00', '$8,740.35', '$1,234.50', '-$1,000.00', '$21,474.85', '$24,954.85']) {
      expect(text).toContain(s);
    }
    expect(text).toContain('Atención: Laura Méndez');
    expect(text).toContain('Col. Del Valle, 03100 Ciudad de México');
    expect(text).toContain('Página 1 de 1');
    expect(lineWith(pdf, 'A-1007')).toBe('A-1007 20/03/2024 19/04/2024 42 $8,740.35');
  });

  test('every word of the text part is printed, in the same order', async () => {
    const { letter, pdf } = await letterPdf(buildLetterContext(spanishInput('firm')), es);
    const words = letter.text
      .split('\n')
      .filter((l) => !/^\s*-{4,}\s*$/.test(l))
      .join(' ')
      .split(/\s+/)
      .filter((w) => w !== '');
    expect(inOrder(words, allText(pdf))).toEqual({ ok: true, missing: null });
  });

  test('the subject is printed in bold, the letter in regular type, the date before the address block', async () => {
    const ctx = buildLetterContext(spanishInput('firm'));
    const { letter, pdf } = await letterPdf(ctx, es);
    const items = pdf.pages[0]!.items;
    expect(items.find((i) => i.str === letter.subject)?.font).toBe('Helvetica-Bold');
    expect(items.find((i) => i.str === 'Estimado(a) Laura Méndez:')?.font).toBe('Helvetica');
    const date = items.findIndex((i) => squash(i.str) === '31 de mayo de 2024');
    const address = items.findIndex((i) => i.str.startsWith('Distribuidora del Norte'));
    expect(date).toBeGreaterThan(-1);
    expect(date).toBeLessThan(address);
  });

  test('an en-GB letter is on A4 paper with "Page 1 of …", the pound amounts and the British date', async () => {
    const ctx = buildLetterContext(englishInput('friendly', { locale: 'en-GB', customer: { ...englishInput('friendly').customer, currency: 'GBP' } }));
    const { pdf } = await letterPdf(ctx, en);
    expect([pdf.pages[0]!.width, pdf.pages[0]!.height].map(Math.round)).toEqual([595, 842]);
    const text = allText(pdf);
    expect(text).toContain('Page 1 of');
    expect(text).toContain('£12,500.00');
    expect(text).toContain('31 May 2024');
  });

  test('an es-ES letter is on A4 paper, with euros written the Spanish way', async () => {
    const input = spanishInput('friendly', { locale: 'es-ES', customer: { ...spanishInput('friendly').customer, currency: 'EUR' } });
    const { pdf } = await letterPdf(buildLetterContext(input), es);
    expect([pdf.pages[0]!.width, pdf.pages[0]!.height].map(Math.round)).toEqual([595, 842]);
    expect(squash(allText(pdf))).toContain('12.500,00 €');
  });

  test('sixty invoices run onto more pages, each numbered "Página n de N", with the table header repeated', async () => {
    // Invoice F-0001 … F-0060: invoice k is due k days before the as-of date and owes k × 10.00 MXN.
    // Total 10.00 × (1 + … + 60) = 10.00 × 1830 = 18,300.00.
    const invoices: LetterItemInput[] = Array.from({ length: 60 }, (_, n) => {
      const k = 60 - n; // oldest first
      return { invoice: `F-${String(k).padStart(4, '0')}`, invoiceDate: AS_OF - k - 30, dueDate: AS_OF - k, daysOverdue: k, open: k * 1000 };
    });
    const ctx = buildLetterContext(spanishInput('firm', { invoices, credits: [], upcoming: [], amountAsked: 1830000, balance: 1830000 }));
    const { pdf } = await letterPdf(ctx, es);
    const n = pdf.pages.length;
    expect(n).toBeGreaterThanOrEqual(2);
    pdf.pages.forEach((p, i) => expect(p.text).toContain(`Página ${i + 1} de ${n}`));
    const text = allText(pdf);
    for (let k = 1; k <= 60; k++) expect(text).toContain(`F-${String(k).padStart(4, '0')}`);
    expect(lineWith(pdf, 'F-0060')).toContain('$600.00');
    expect(lineWith(pdf, 'Total vencido')).toBe('Total vencido $18,300.00');
    // The table breaks across page 1 and 2: page 2 starts with the column headings again.
    const page2 = pdf.pages[1]!.lines;
    expect(page2.some((l) => l === 'Factura Fecha Vencimiento Días de atraso Importe pendiente')).toBe(true);
    expect(pdf.pages[0]!.lines.filter((l) => l.startsWith('Factura Fecha'))).toHaveLength(1);
  });

  test('a customer name with characters outside the standard fonts prints, changed, instead of crashing', async () => {
    const input = spanishInput('friendly', { customer: { ...spanishInput('friendly').customer, name: 'Łódź Comercio 王 😀', contact: null } });
    const { pdf } = await letterPdf(buildLetterContext(input), es);
    expect(allText(pdf)).toContain('Lódz Comercio ? ? (DNO940215AB1)');
  });

  test('a custom text part without date or address still gets both, and a table too wide for the page prints in Courier', async () => {
    const ctx = buildLetterContext(spanishInput('friendly'));
    const wide = Array.from({ length: 10 }, (_, i) => `COLUMNA-LARGA-${i}`).join('  ');
    const text = `Estimado cliente:\n\n${wide}\n${wide}\n\nGracias.\n`;
    const buf = await renderLetterPdf({ context: ctx, letter: { subject: 'Aviso', text } });
    const pdf = await readPdf(buf);
    const items = pdf.pages[0]!.items;
    expect(items.find((i) => squash(i.str) === '31 de mayo de 2024')).toBeDefined();
    expect(items.find((i) => i.str === 'Distribuidora del Norte, S.A. de C.V. (DNO940215AB1)')).toBeDefined();
    const wideItems = items.filter((i) => i.str.includes('COLUMNA-LARGA-0'));
    expect(wideItems).toHaveLength(2);
    for (const i of wideItems) expect(i.font).toBe('Courier');
  });

  test('the logo from the config is printed; a file that is not an image is a usage error', async () => {
    const logo = join(dir, 'logo.png');
    writeFileSync(logo, png(40, 20));
    const { pdf } = await letterPdf(buildLetterContext(spanishInput('friendly')), es, { logoPath: logo });
    expect(pdf.images).toBe(1);
    const notImage = join(dir, 'logo.txt');
    writeFileSync(notImage, 'hola');
    const ctx = buildLetterContext(spanishInput('friendly'));
    const letter = renderLetter(es, ctx);
    await expect(renderLetterPdf({ context: ctx, letter, logoPath: notImage })).rejects.toThrow(UsageError);
    await expect(renderLetterPdf({ context: ctx, letter, logoPath: join(dir, 'missing.png') })).rejects.toThrow(/missing\.png/);
  });

  test('the same letter gives the same bytes whatever the clock says, dated the as-of date', async () => {
    const ctx = buildLetterContext(spanishInput('formal'));
    const letter = renderLetter(es, ctx);
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2030-01-01T10:00:00Z'));
      const a = await renderLetterPdf({ context: ctx, letter });
      vi.setSystemTime(new Date('2031-07-15T23:59:00Z'));
      const b = await renderLetterPdf({ context: ctx, letter });
      expect(a.equals(b)).toBe(true);
      expect((await readPdf(a)).info.CreationDate).toBe('D:20240531000000Z');
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the statement of account', () => {
  test('open items in date order with the running balance, totals and aging worked out by hand', () => {
    const s = buildStatement({ asOf: AS_OF, items: ITEMS });
    expect(s.lines.map((l) => [l.invoice, l.daysOverdue, l.charge, l.credit, l.balance])).toEqual([
      ['A-1001', 76, 1250000, 0, 1250000],
      ['A-1007', 42, 874035, 0, 2124035],
      ['A-1012', 21, 123450, 0, 2247485],
      ['NC-0045', null, 0, 100000, 2147485],
      ['A-1020', null, 348000, 0, 2495485],
    ]);
    expect([s.totalCharges, s.totalCredits, s.balance, s.overdue, s.notYetDue]).toEqual([2595485, 100000, 2495485, 2247485, 348000]);
    expect(s.bucketLabels).toEqual(['current', '1-30', '31-60', '61-90', '90+']);
    expect(s.buckets).toEqual([348000, 23450, 874035, 1250000, 0]);
  });

  test('aged by invoice date the same items fall in older buckets', () => {
    // Days since the invoice: A-1001 106 → 90+, A-1007 72 → 61-90, A-1012 51 → 31-60,
    // NC-0045 26 and A-1020 11 → 1-30 (3,480.00 − 1,000.00 = 2,480.00).
    const s = buildStatement({ asOf: AS_OF, items: ITEMS, basis: 'invoice' });
    expect(s.buckets).toEqual([0, 248000, 123450, 874035, 1250000]);
  });

  test('an es-ES statement on A4 prints each line with its balance, the totals and the aging row', async () => {
    const pdf = await readPdf(await renderStatementPdf(statementInput()));
    expect(pdf.pages).toHaveLength(1);
    expect([pdf.pages[0]!.width, pdf.pages[0]!.height].map(Math.round)).toEqual([595, 842]);
    const text = allText(pdf);
    expect(text).toContain('Distribuidora Ñandú, S.L. (B12345678)');
    expect(text).toContain('Atención: Íñigo Güemes');
    expect(text).toContain('Estado de cuenta al 31 de mayo de 2024');
    expect(text).toContain('Página 1 de 1');
    expect(text).not.toContain('A-0999');
    // es-ES does not group four-digit numbers: 8740,35 but 12.500,00.
    expect(lineWith(pdf, 'A-1001')).toBe('15/02/2024 A-1001 16/03/2024 76 12.500,00 12.500,00');
    expect(lineWith(pdf, 'A-1007')).toBe('20/03/2024 A-1007 19/04/2024 42 8740,35 21.240,35');
    expect(lineWith(pdf, 'A-1012')).toBe('10/04/2024 A-1012 (en disputa) 10/05/2024 21 1234,50 22.474,85');
    expect(lineWith(pdf, 'NC-0045')).toBe('05/05/2024 NC-0045 05/05/2024 1000,00 21.474,85');
    expect(lineWith(pdf, 'A-1020')).toBe('20/05/2024 A-1020 19/06/2024 3480,00 24.954,85');
    expect(lineWith(pdf, 'Totales')).toBe('Totales 25.954,85 1000,00 24.954,85');
    expect(lineWith(pdf, 'Al corriente')).toBe('Al corriente 1-30 31-60 61-90 90+ Total');
    expect(lineWith(pdf, /^3480,00 /)).toBe('3480,00 234,50 8740,35 12.500,00 0,00 24.954,85');
    expect(squash(text)).toContain('Saldo total 24.954,85 €');
  });

  test('sixty items run onto more pages, numbered, with the headings repeated and the balance carried on', async () => {
    // S-0001 … S-0060 owe 100.00 each, except S-0030, a credit of 500.00. Item k is dated
    // 120 − k days before as-of and due 30 days later (90 − k days overdue).
    //   balance after S-0029: 29 × 100.00 = 2,900.00; after S-0030: 2,400.00;
    //   after S-0060: 2,400.00 + 30 × 100.00 = 5,400.00. Charges 5,900.00, credits 500.00.
    //   Buckets: S-0001…29 are 89…61 days overdue → 61-90 2,900.00; S-0030 (60 days, −500.00) and
    //   S-0031…59 (59…31 days) → 31-60 2,900.00 − 500.00 = 2,400.00; S-0060 (30 days) → 1-30 100.00.
    const items: StatementItem[] = Array.from({ length: 60 }, (_, n) => {
      const k = n + 1;
      const invoiceDate = AS_OF - 120 + k;
      return { invoice: `S-${String(k).padStart(4, '0')}`, invoiceDate, dueDate: invoiceDate + 30, open: k === 30 ? -50000 : 10000 };
    });
    const input = statementInput({ lang: 'en', locale: 'en-US', customer: { name: 'Peña & Núñez LLC', customerId: null, contact: null, currency: 'USD' }, items });
    const pdf = await readPdf(await renderStatementPdf(input));
    const n = pdf.pages.length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect([pdf.pages[0]!.width, pdf.pages[0]!.height]).toEqual([612, 792]);
    pdf.pages.forEach((p, i) => expect(p.text).toContain(`Page ${i + 1} of ${n}`));
    expect(lineWith(pdf, 'S-0029')).toMatch(/ 2,900\.00$/);
    expect(lineWith(pdf, 'S-0030')).toMatch(/ 500\.00 2,400\.00$/);
    expect(lineWith(pdf, 'S-0060')).toMatch(/ 30 100\.00 5,400\.00$/);
    expect(lineWith(pdf, 'Totals')).toBe('Totals 5,900.00 500.00 5,400.00');
    expect(lineWith(pdf, 'Current')).toBe('Current 1-30 31-60 61-90 90+ Total');
    expect(lineWith(pdf, /^0\.00 100\.00/)).toBe('0.00 100.00 2,400.00 2,900.00 0.00 5,400.00');
    expect(pdf.pages[1]!.lines).toContain('Date Document Due date Days overdue Charges Credits Balance');
    expect(allText(pdf)).toContain('Peña & Núñez LLC');
  });

  test('the same statement gives the same bytes twice', async () => {
    const a = await renderStatementPdf(statementInput());
    const b = await renderStatementPdf(statementInput());
    expect(a.equals(b)).toBe(true);
  });

  test('bucket bounds that are not ascending are a usage error', () => {
    expect(() => buildStatement({ asOf: AS_OF, items: ITEMS, bounds: [60, 30] })).toThrow(UsageError);
  });
});
