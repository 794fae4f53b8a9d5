// Printable letters and the statement of account as PDF (issue 8: `dunning remind --pdf`, and the
// statement attached to emails). Owns the page: paper size by locale, the letterhead from the
// company config, the address block placed for window envelopes, page numbers, the invoice tables,
// and the statement's running balance and aging. Pure JavaScript (pdfkit): no browser at run time.
//
// Why it is built this way:
// - A letter prints the template's plain-text part, not the HTML: the text part is what the
//   bookkeeper approved in the preview, and printing it keeps the PDF and the email saying the same
//   words. Its aligned table (textTable) is parsed back into columns and drawn in Helvetica with
//   right-aligned amounts, so a custom template with extra columns (interest, fees) still prints
//   every column; a table that cannot be parsed is printed line by line in Courier, still aligned.
// - The text part is word-wrapped at 76 columns for mail clients; printed at that width it read like
//   a telex. Lines are re-joined only when render.ts's wrapLine would have produced exactly those
//   lines from the joined text, so a signature block or an address is never run together.
// - pdfkit's standard fonts (Helvetica, Courier) encode text as WinAnsi: Latin-1 plus €, curly quotes,
//   dashes, Œ/Š/Ž. pdfkit wrote any other character as a broken string, so every drawn string goes
//   through winAnsi(): accents outside Latin-1 are stripped (ł → l, ő → o), narrow no-break spaces
//   (fr-FR amounts) become no-break spaces, anything else becomes "?". No font is embedded: pdfkit
//   gives embedded font subsets a random name, which would make the output differ on every run.
// - Output is deterministic: CreationDate/ModDate are the as-of date (UTC midnight), the file ID is
//   pdfkit's hash of the document info, and nothing random is written. Tests and golden checks rely
//   on it.
// - Page numbers need the page count, known only at the end: pages are buffered (bufferPages) and
//   numbered last. The footer is drawn with lineBreak off: pdfkit adds a blank page for text written
//   below the bottom margin otherwise.
import { readFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { bucketIndex, bucketLabels, validateBounds, type CustomerAging } from '../core/aging.js';
import { parseIsoDay, utcDateOfDay, type Day } from '../core/dates.js';
import type { Basis } from '../core/ledger.js';
import { sumMinor, type Minor } from '../core/money.js';
import { UsageError } from '../errors.js';
import { formatAmount, formatMoney, intlLocale } from '../render/format.js';
import { bucketHeading, labelsFor } from '../render/labels.js';
import { buildLetterContext, type LetterCompanyInput, type LetterContext, type LetterCustomer } from './context.js';
import { formatDateShort, formatNumber } from './format.js';
import { wrapLine } from './render.js';

// ---------------------------------------------------------------------------------------------
// Public API

/** Paper size: US Letter (612 × 792 pt) or ISO A4 (595.28 × 841.89 pt). */
export type Paper = 'A4' | 'LETTER';

export interface LetterPdfInput {
  /** The context the letter was rendered with (company, customer, locale, as-of date). */
  readonly context: LetterContext;
  /** renderLetter's result: the subject (printed in bold) and the text part (the letter). */
  readonly letter: { readonly subject: string; readonly text: string };
  /** A PNG or JPEG printed in the letterhead (config); null or absent for none. */
  readonly logoPath?: string | null;
  /** Overrides the paper chosen by paperFor(context.locale). */
  readonly paper?: Paper;
}

/** One open item of the customer for a statement. */
export interface StatementItem {
  readonly invoice: string;
  readonly invoiceDate: Day | null;
  readonly dueDate: Day;
  /** Open amount in minor units (credits negative). Zero amounts are not open and are left out. */
  readonly open: Minor;
  readonly disputed?: boolean;
}

export interface StatementInput {
  readonly lang: 'es' | 'en';
  /** BCP 47 locale of amounts, dates and paper size: es-MX, es-ES, en-US… */
  readonly locale: string;
  readonly asOf: Day;
  readonly customer: Pick<LetterCustomer, 'name' | 'customerId' | 'contact' | 'currency'>;
  /** Every open item of this customer in this currency, in any order. */
  readonly items: readonly StatementItem[];
  /** Aging bucket bounds as in the config (`buckets`); default [30, 60, 90]. */
  readonly bounds?: readonly number[];
  /** Age by due date (default) or invoice date, as the aging report was run. */
  readonly basis?: Basis;
  readonly company: LetterCompanyInput | null;
  readonly paymentInstructions?: string | null;
  readonly logoPath?: string | null;
  readonly paper?: Paper;
}

/** One printed line of a statement, in date order, with the balance after it. */
export interface StatementLine {
  readonly invoice: string;
  /** The document's own date: invoice date, else due date (a credit's date). */
  readonly date: Day;
  readonly dueDate: Day;
  /** Days past due of a positive overdue amount; null for credits and amounts not yet due. */
  readonly daysOverdue: number | null;
  /** Positive open amount (an invoice), else 0. */
  readonly charge: Minor;
  /** Size of a credit as a positive number, else 0. */
  readonly credit: Minor;
  /** Running balance after this line. */
  readonly balance: Minor;
  readonly disputed: boolean;
}

export interface Statement {
  readonly lines: readonly StatementLine[];
  readonly totalCharges: Minor;
  /** Sum of the credits as a positive number. */
  readonly totalCredits: Minor;
  readonly balance: Minor;
  /** Positive amounts past due. */
  readonly overdue: Minor;
  /** Positive amounts not yet due (due today counts as not yet due). */
  readonly notYetDue: Minor;
  readonly bucketLabels: readonly string[];
  /** Net open amount per bucket (credits in the bucket of their own date), same order as bucketLabels. */
  readonly buckets: readonly Minor[];
}

// CLDR's supplemental measurement data: territories whose paper is US Letter. Everyone else uses A4.
const LETTER_TERRITORIES = new Set(['BZ', 'CA', 'CL', 'CO', 'CR', 'GT', 'MX', 'NI', 'PA', 'PH', 'PR', 'SV', 'US', 'VE']);

/**
 * The paper a locale's printers hold: Letter for en-US, en-CA, es-MX, es-US, es-CO, es-VE, es-CL,
 * es-PH…; A4 for es-ES, en-GB, de, fr and the rest. A tag without a region takes its likely one
 * ("en" → US, "es" → ES). Throws UsageError for a tag that is not a locale.
 */
export function paperFor(locale: string): Paper {
  const tag = intlLocale(locale);
  let region: string | undefined;
  try {
    region = new Intl.Locale(tag).maximize().region;
  } catch {
    region = undefined;
  }
  return region !== undefined && LETTER_TERRITORIES.has(region) ? 'LETTER' : 'A4';
}

/**
 * Text the standard PDF fonts can draw (WinAnsi): Latin-1, €, curly quotes, dashes and a few more
 * stay; accented letters outside Latin-1 lose the accent (Łódź → Lodz); narrow and figure spaces
 * become U+00A0; zero-width characters and soft hyphens go; anything else becomes "?".
 */
export function winAnsi(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0xad || ZERO_WIDTH.has(cp)) continue;
    if (drawable(cp)) {
      out += ch;
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) {
      out += ' ';
      continue;
    }
    const sub = SUBSTITUTES[ch];
    if (sub !== undefined) {
      out += sub;
      continue;
    }
    const base = ch.normalize('NFD').replace(/\p{M}/gu, '');
    out += base !== '' && base !== ch && [...base].every((c) => drawable(c.codePointAt(0)!)) ? base : '?';
  }
  return out;
}

/**
 * The statement's numbers, pure: open items in date order (document date, then due date, then
 * number) with the running balance, the totals, and the aging buckets by `bounds` and `basis`.
 */
export function buildStatement(input: Pick<StatementInput, 'asOf' | 'items' | 'bounds' | 'basis'>): Statement {
  const bounds = input.bounds ?? [30, 60, 90];
  const boundsError = validateBounds(bounds);
  if (boundsError !== null) throw new UsageError(`statement buckets ${JSON.stringify(bounds)}: ${boundsError}`);
  const basis = input.basis ?? 'due';
  const labels = bucketLabels(bounds);
  const buckets = new Array<Minor>(labels.length).fill(0);
  const items = input.items
    .filter((i) => i.open !== 0)
    .map((i) => ({ ...i, date: i.invoiceDate ?? i.dueDate }))
    .sort((a, b) => a.date - b.date || a.dueDate - b.dueDate || NUMBER_ORDER.compare(a.invoice, b.invoice) || b.open - a.open);
  let balance = 0;
  const lines = items.map((i): StatementLine => {
    if (!Number.isSafeInteger(i.open)) throw new RangeError(`statement item ${i.invoice}: ${i.open} is not an amount in minor units`);
    balance = sumMinor([balance, i.open]);
    const days = input.asOf - i.dueDate;
    const age = basis === 'invoice' ? input.asOf - i.date : days;
    const b = bucketIndex(age, bounds);
    buckets[b] = sumMinor([buckets[b]!, i.open]);
    return {
      invoice: i.invoice,
      date: i.date,
      dueDate: i.dueDate,
      daysOverdue: i.open > 0 && days > 0 ? days : null,
      charge: i.open > 0 ? i.open : 0,
      credit: i.open < 0 ? -i.open : 0,
      balance,
      disputed: i.disputed === true,
    };
  });
  return {
    lines,
    totalCharges: sumMinor(lines.map((l) => l.charge)),
    totalCredits: sumMinor(lines.map((l) => l.credit)),
    balance,
    overdue: sumMinor(lines.filter((l) => l.daysOverdue !== null).map((l) => l.charge)),
    notYetDue: sumMinor(lines.filter((l) => l.daysOverdue === null).map((l) => l.charge)),
    bucketLabels: labels,
    buckets,
  };
}

/** The open items of one aging entry (one customer, one currency) as statement items. */
export function statementItemsOf(customer: CustomerAging): StatementItem[] {
  return customer.items.map((a) => ({
    invoice: a.item.invoice,
    invoiceDate: a.item.invoiceDate,
    dueDate: a.item.dueDate,
    open: a.open,
    disputed: a.item.disputed,
  }));
}

/**
 * One letter as a PDF: letterhead, date and address block (in the envelope window), the subject in
 * bold, then the letter's text part with its invoice table drawn as a table, and "Página 1 de 2" /
 * "Page 1 of 2" on every page. A4 or Letter by the letter's locale.
 */
export async function renderLetterPdf(input: LetterPdfInput): Promise<Buffer> {
  const ctx = input.context;
  const logo = await readLogo(input.logoPath);
  const { date, recipient, body } = splitHeader(input.letter.text, ctx);
  const sheet = openSheet({
    paper: input.paper ?? paperFor(ctx.locale),
    lang: ctx.lang,
    asOf: dayOfIso(ctx.asOf),
    title: input.letter.subject,
    company: ctx.company,
    runningRight: `${ctx.customer.name} · ${ctx.asOfFormatted}`,
  });
  drawLetterhead(sheet, logo);
  drawAddressZone(sheet, recipient, [{ text: date }]);
  const subject = input.letter.subject.replace(/\s+/g, ' ').trim();
  style(sheet, BOLD, 11, INK);
  sheet.doc.text(winAnsi(subject), sheet.geo.left, sheet.y, { width: sheet.geo.width, lineGap: 1 });
  sheet.y = sheet.doc.y + PARAGRAPH_GAP * 1.5;
  drawBody(sheet, body);
  return finish(sheet);
}

/**
 * A statement of account for one customer and currency: every open item in date order with a
 * running balance, the totals, and the customer's aging buckets, with the same letterhead, address
 * block and page numbers as the letters.
 */
export async function renderStatementPdf(input: StatementInput): Promise<Buffer> {
  const statement = buildStatement(input);
  const logo = await readLogo(input.logoPath);
  const locale = intlLocale(input.locale);
  const words = WORDS[input.lang];
  const currency = input.customer.currency;
  // The letter context's cleaning (control characters, address lines, tax id label) for the company
  // and the customer, so a statement and a letter print the same letterhead and address.
  const ctx = buildLetterContext({
    kind: 'upcoming', level: null, lang: input.lang, locale, asOf: input.asOf,
    customer: { ...input.customer, email: null, salesRep: null },
    invoices: [], credits: [], upcoming: [], amountAsked: 0, balance: statement.balance,
    company: input.company, paymentInstructions: input.paymentInstructions ?? null, paymentUrl: null, sender: null,
  });
  const money = (m: Minor): string => formatMoney(m, currency, locale);
  const amount = (m: Minor): string => formatAmount(m, currency, locale);
  const short = (d: Day): string => formatDateShort(d, locale);

  const sheet = openSheet({
    paper: input.paper ?? paperFor(locale),
    lang: input.lang,
    asOf: input.asOf,
    title: words.titleAsOf(ctx.asOfFormatted),
    company: ctx.company,
    runningRight: `${ctx.customer.name} · ${words.title} · ${ctx.asOfFormatted}`,
  });
  drawLetterhead(sheet, logo);
  const info: InfoLine[] = [{ label: words.date, text: ctx.asOfFormatted }];
  if (ctx.customer.customerId) info.push({ label: words.customerNo, text: ctx.customer.customerId });
  info.push({ label: words.currency, text: currency });
  drawAddressZone(sheet, recipientOf(ctx), info);

  const { doc, geo } = sheet;
  style(sheet, BOLD, 14, ACCENT);
  doc.text(winAnsi(words.titleAsOf(ctx.asOfFormatted)), geo.left, sheet.y, { width: geo.width });
  sheet.y = doc.y + 10;
  drawSummaryBoxes(sheet, [
    { label: words.overdue, value: money(statement.overdue) },
    { label: words.notYetDue, value: money(statement.notYetDue) },
    { label: words.creditsTotal, value: money(-statement.totalCredits) },
    { label: words.balanceDue, value: money(statement.balance), strong: true },
  ]);

  const L: Align = 'left';
  const R: Align = 'right';
  const cell = (text: string, col: number, align: Align, to = col): PdfCell => ({ text, from: col, to, align });
  const header: PdfRow = {
    kind: 'row', bold: true, shade: true,
    cells: [words.date, words.document, words.due, words.days, words.charges, words.credits, words.balance].map((t, i) => cell(t, i, i >= 3 ? R : L)),
  };
  const rows: PdfRow[] = statement.lines.map((l, n) => ({
    kind: 'row', bold: false, shade: n % 2 === 1,
    cells: [
      cell(short(l.date), 0, L),
      cell(l.disputed ? `${l.invoice} (${words.disputed})` : l.invoice, 1, L),
      cell(short(l.dueDate), 2, L),
      cell(l.daysOverdue === null ? '' : formatNumber(l.daysOverdue, locale, 0), 3, R),
      cell(l.charge ? amount(l.charge) : '', 4, R),
      cell(l.credit ? amount(l.credit) : '', 5, R),
      cell(amount(l.balance), 6, R),
    ],
  }));
  if (rows.length === 0) rows.push({ kind: 'row', bold: false, shade: false, cells: [cell(words.noItems, 0, L, 6)] });
  rows.push({ kind: 'rule' });
  rows.push({
    kind: 'row', bold: true, shade: false,
    cells: [cell(words.totals, 0, L, 3), cell(amount(statement.totalCharges), 4, R), cell(amount(statement.totalCredits), 5, R), cell(amount(statement.balance), 6, R)],
  });
  style(sheet, REGULAR, 8.5, MUTED);
  doc.text(winAnsi(words.amountsIn(currency)), geo.left, sheet.y, { width: geo.width, align: 'right', lineBreak: false });
  sheet.y += 12;
  drawTable(sheet, fitTable(sheet, { indent: 0, columns: 7, header: [header], rows, minWidth: geo.width }));

  sheet.y += PARAGRAPH_GAP * 2;
  const agingLabels = [...statement.bucketLabels.map((l) => bucketHeading(l, labelsFor(input.lang))), words.total];
  const agingAmounts = [...statement.buckets, statement.balance].map(amount);
  const agingTable = fitTable(sheet, {
    indent: 0,
    columns: agingLabels.length,
    header: [{ kind: 'row', bold: true, shade: true, cells: agingLabels.map((t, i) => cell(t, i, R)) }],
    rows: [{ kind: 'row', bold: false, shade: false, cells: agingAmounts.map((t, i) => ({ ...cell(t, i, R), bold: i === agingAmounts.length - 1 })) }],
    minWidth: geo.width,
  });
  keepTogether(sheet, 14 + tableHeight(agingTable));
  style(sheet, BOLD, 10, INK);
  doc.text(winAnsi(`${words.aging} (${input.basis === 'invoice' ? words.ageByInvoice : words.ageByDue})`), geo.left, sheet.y, { width: geo.width });
  sheet.y = doc.y + 4;
  drawTable(sheet, agingTable);

  sheet.y += PARAGRAPH_GAP * 2;
  const closing = [words.note(ctx.asOfFormatted)];
  drawBody(sheet, closing);
  if (ctx.paymentInstructionsLines.length) drawBody(sheet, [words.payment, ...ctx.paymentInstructionsLines.map((l) => `  ${l}`)]);
  return finish(sheet);
}

// ---------------------------------------------------------------------------------------------
// Characters

// WinAnsi code points above Latin-1 (0x80–0x9F of the encoding).
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019, 0x201a,
  0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);
const ZERO_WIDTH = new Set([0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
const SUBSTITUTES: Readonly<Record<string, string>> = {
  '\u202f': '\u00a0', '\u2007': '\u00a0', '\u2000': ' ', '\u2001': ' ', '\u2002': ' ', '\u2003': ' ', '\u2004': ' ',
  '\u2005': ' ', '\u2006': ' ', '\u2008': ' ', '\u2009': ' ', '\u200a': ' ', '\u205f': ' ', '\u3000': ' ',
  '\u2010': '-', '\u2011': '-', '\u2012': '\u2013', '\u2015': '\u2014', '\u2212': '-', '\u2032': "'", '\u2033': '"',
  '\u00ad': '', 'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ı': 'i', 'ħ': 'h', 'Ħ': 'H', 'ŧ': 't', 'Ŧ': 'T', 'ŋ': 'n',
  'Ŋ': 'N', 'ĸ': 'k', 'ſ': 's', 'ĳ': 'ij', 'Ĳ': 'IJ', 'ŀ': 'l', 'Ŀ': 'L', 'ǆ': 'dž', 'ǈ': 'Lj', 'ǉ': 'lj', 'ǌ': 'nj',
};

function drawable(cp: number): boolean {
  return (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xff) || WIN_ANSI_EXTRA.has(cp);
}

const NUMBER_ORDER = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

// ---------------------------------------------------------------------------------------------
// The page

const MM = 72 / 25.4;
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const MONO = 'Courier';
const INK = '#1a1a1a';
const MUTED = '#5f6368';
const ACCENT = '#1f3a5f';
const LINE = '#8a94a3';
const SHADE = '#eef1f5';
const BODY_SIZE = 9.5;
const BODY_GAP = 1.4;
const PARAGRAPH_GAP = 5.5;

interface Geometry {
  readonly size: readonly [number, number];
  readonly left: number;
  readonly right: number;
  /** Content width between the margins. */
  readonly width: number;
  /** Top of the content on continuation pages (below the running header). */
  readonly top: number;
  /** Lowest baseline area of content: page height − bottom margin. */
  readonly maxY: number;
  readonly letterheadTop: number;
  /** DIN 5008 return-address line above the recipient (A4 window envelopes), or null. */
  readonly returnLineY: number | null;
  readonly addressX: number;
  readonly addressY: number;
  readonly addressWidth: number;
  /** Where the subject may start on page 1, below the envelope window. */
  readonly bodyTop: number;
  readonly folds: readonly number[];
  readonly punch: number | null;
  readonly footerY: number;
}

// A4: DIN 5008 form B — address field 20 mm from the left and 45 mm from the top (window of DL and
// C5/C6 envelopes), recipient from 62.7 mm, fold marks at 105 and 210 mm, punch mark at 148.5 mm.
// Letter: a #10 window envelope (window 7/8" from the left, 1/2" from the bottom, 4 1/2" × 1 1/8"),
// tri-folded at 3 2/3" and 7 1/3": the address sits 2 1/4" from the top, 1" from the left.
const GEOMETRY: Readonly<Record<Paper, Geometry>> = {
  A4: {
    size: [595.28, 841.89], left: 25 * MM, right: 20 * MM, width: 595.28 - 45 * MM, top: 25 * MM, maxY: 841.89 - 22 * MM,
    letterheadTop: 12 * MM, returnLineY: 57 * MM, addressX: 25 * MM, addressY: 62.7 * MM, addressWidth: 80 * MM,
    bodyTop: 98.5 * MM, folds: [105 * MM, 210 * MM], punch: 148.5 * MM, footerY: 841.89 - 13 * MM,
  },
  LETTER: {
    size: [612, 792], left: 72, right: 72, width: 468, top: 72, maxY: 792 - 50,
    letterheadTop: 36, returnLineY: null, addressX: 72, addressY: 150, addressWidth: 288,
    bodyTop: 234, folds: [264, 528], punch: null, footerY: 792 - 36,
  },
};

interface Company {
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly addressLines: readonly string[];
  readonly taxId: string | null;
  readonly taxIdLabel: string;
  readonly website: string | null;
}

interface Sheet {
  readonly doc: PDFKit.PDFDocument;
  readonly geo: Geometry;
  readonly lang: 'es' | 'en';
  readonly company: Company;
  readonly runningRight: string;
  /** Where the next block starts on the current page. */
  y: number;
  /** The text style in force, restored after the running header of a new page. */
  current: { font: string; size: number; color: string };
}

function style(sheet: Sheet, font: string, size: number, color: string): void {
  sheet.current = { font, size, color };
  sheet.doc.font(font).fontSize(size).fillColor(color);
}

function openSheet(opts: {
  paper: Paper;
  lang: 'es' | 'en';
  asOf: Day;
  title: string;
  company: Company;
  runningRight: string;
}): Sheet {
  const geo = GEOMETRY[opts.paper];
  const date = utcDateOfDay(opts.asOf);
  const doc = new PDFDocument({
    size: [geo.size[0], geo.size[1]],
    margins: { top: geo.top, left: geo.left, right: geo.right, bottom: geo.size[1] - geo.maxY },
    bufferPages: true,
    compress: true,
    info: {
      Title: opts.title.replace(/\s+/g, ' ').trim(),
      Author: opts.company.name ?? '',
      Creator: 'dunning',
      Producer: 'dunning (pdfkit)',
      CreationDate: date,
      ModDate: date,
    },
    lang: opts.lang,
  });
  const sheet: Sheet = {
    doc, geo, lang: opts.lang, company: opts.company, runningRight: opts.runningRight,
    y: geo.top, current: { font: REGULAR, size: BODY_SIZE, color: INK },
  };
  // Every page after the first: the running header, then the style the interrupted text was in
  // (pdfkit goes on measuring a split paragraph with whatever font is current).
  doc.on('pageAdded', () => {
    const keep = sheet.current;
    drawRunningHeader(sheet);
    style(sheet, keep.font, keep.size, keep.color);
    sheet.y = geo.top;
    doc.x = geo.left;
    doc.y = geo.top;
  });
  drawFoldMarks(sheet);
  return sheet;
}

function finish(sheet: Sheet): Promise<Buffer> {
  const { doc, geo } = sheet;
  const range = doc.bufferedPageRange();
  const words = WORDS[sheet.lang];
  for (let i = 0; i < range.count; i++) {
    doc.switchToPage(range.start + i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(REGULAR).fontSize(8).fillColor(MUTED);
    const label = winAnsi(words.page(i + 1, range.count));
    const w = doc.widthOfString(label);
    doc.text(label, geo.left + (geo.width - w) / 2, geo.footerY, { lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

function drawFoldMarks(sheet: Sheet): void {
  const { doc, geo } = sheet;
  doc.save().lineWidth(0.5).strokeColor(LINE);
  for (const y of geo.folds) doc.moveTo(8, y).lineTo(20, y).stroke();
  if (geo.punch !== null) doc.moveTo(8, geo.punch).lineTo(26, geo.punch).stroke();
  doc.restore();
}

function drawRunningHeader(sheet: Sheet): void {
  const { doc, geo, company } = sheet;
  const y = geo.top - 30;
  doc.font(REGULAR).fontSize(8).fillColor(MUTED);
  const right = winAnsi(sheet.runningRight);
  const rightWidth = Math.min(doc.widthOfString(right), geo.width * 0.6);
  doc.text(right, geo.left + geo.width - rightWidth, y, { width: rightWidth, align: 'right', lineBreak: false, ellipsis: true, height: 10 });
  if (company.name) {
    doc.font(BOLD).fillColor(ACCENT);
    doc.text(winAnsi(company.name), geo.left, y, { width: geo.width - rightWidth - 12, lineBreak: false, ellipsis: true, height: 10 });
  }
  doc.save().lineWidth(0.6).strokeColor(LINE).moveTo(geo.left, y + 13).lineTo(geo.left + geo.width, y + 13).stroke().restore();
}

interface Logo {
  readonly data: Buffer;
  readonly path: string;
}

async function readLogo(path: string | null | undefined): Promise<Logo | null> {
  if (path === null || path === undefined || path.trim() === '') return null;
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (err) {
    throw new UsageError(`logo ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const png = data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = data[0] === 0xff && data[1] === 0xd8;
  if (!png && !jpeg) throw new UsageError(`logo ${path}: only PNG and JPEG images can be printed`);
  return { data, path };
}

/** The company block at the top of page 1: logo, name and address on the left, contact details on the right. */
function drawLetterhead(sheet: Sheet, logo: Logo | null): void {
  const { doc, geo, company } = sheet;
  const top = geo.letterheadTop;
  let x = geo.left;
  let bottom = top;
  if (logo) {
    const box: [number, number] = [110, 50];
    try {
      doc.image(logo.data, geo.left, top, { fit: box });
    } catch (err) {
      throw new UsageError(`logo ${logo.path}: not a usable PNG or JPEG image (${(err as Error).message})`);
    }
    x += box[0] + 14;
    bottom = top + box[1];
  }
  const contact: string[] = [];
  const w = WORDS[sheet.lang];
  if (company.phone) contact.push(`${w.phone} ${company.phone}`);
  if (company.email) contact.push(company.email);
  if (company.website) contact.push(company.website);
  if (company.taxId) contact.push(`${company.taxIdLabel}: ${company.taxId}`);
  doc.font(REGULAR).fontSize(8.5);
  const rightWidth = Math.min(geo.width * 0.4, Math.max(0, ...contact.map((c) => doc.widthOfString(winAnsi(c)))));
  const leftWidth = geo.left + geo.width - rightWidth - 16 - x;
  let y = top;
  if (company.name) {
    // One line when it can be had down to 11 pt: beside a logo, "…, S.A. de / C.V." wrapped badly.
    const name = winAnsi(company.name);
    let size = 15;
    while (size > 11 && doc.font(BOLD).fontSize(size).widthOfString(name) > leftWidth) size -= 0.5;
    style(sheet, BOLD, size, ACCENT);
    doc.text(name, x, y, { width: leftWidth, lineGap: 1 });
    y = doc.y + 2;
  }
  style(sheet, REGULAR, 8.5, MUTED);
  for (const line of company.addressLines) {
    doc.text(winAnsi(line), x, y, { width: leftWidth });
    y = doc.y;
  }
  bottom = Math.max(bottom, y);
  let ry = top + (company.name ? 3 : 0);
  for (const line of contact) {
    doc.text(winAnsi(line), geo.left + geo.width - rightWidth, ry, { width: rightWidth, align: 'right' });
    ry = doc.y;
  }
  bottom = Math.max(bottom, ry);
  if (bottom > top) {
    const ruleY = bottom + 8;
    doc.save().lineWidth(1.2).strokeColor(ACCENT).moveTo(geo.left, ruleY).lineTo(geo.left + geo.width, ruleY).stroke().restore();
  }
}

interface InfoLine {
  readonly label?: string;
  readonly text: string;
}

/**
 * The recipient in the envelope window (with the DIN return-address line on A4) and the date (or
 * the statement's details) on the right at the same height; the body starts below the window.
 */
function drawAddressZone(sheet: Sheet, recipient: readonly string[], info: readonly InfoLine[]): void {
  const { doc, geo, company } = sheet;
  if (geo.returnLineY !== null && company.name) {
    // The whole address when it fits the window, else the name and the city line, else the name.
    const lastLine = company.addressLines[company.addressLines.length - 1];
    const choices = [[company.name, ...company.addressLines], [company.name, lastLine], [company.name]].map((p) => winAnsi(p.filter(Boolean).join(' · ')));
    let chosen: { text: string; size: number } | null = null;
    for (const text of choices) {
      for (const size of [7, 6.5, 6]) {
        if (chosen === null && doc.font(REGULAR).fontSize(size).widthOfString(text) <= geo.addressWidth) chosen = { text, size };
      }
    }
    const line = chosen ?? { text: choices[choices.length - 1]!, size: 6 };
    doc.font(REGULAR).fontSize(line.size).fillColor(MUTED);
    doc.text(line.text, geo.addressX, geo.returnLineY, { width: geo.addressWidth, lineBreak: false, ellipsis: true, height: 9, underline: true });
  }
  // Right-hand block first in the content stream: the date comes before the address in the text
  // part, and text extraction (and screen readers) follow the stream.
  const infoX = geo.addressX + geo.addressWidth + 12;
  const infoWidth = geo.left + geo.width - infoX;
  let iy = geo.addressY;
  for (const line of info) {
    if (line.label) {
      style(sheet, REGULAR, 8.5, MUTED);
      doc.text(winAnsi(line.label), infoX, iy, { width: infoWidth, align: 'right' });
      iy = doc.y;
    }
    style(sheet, REGULAR, BODY_SIZE, INK);
    doc.text(winAnsi(line.text), infoX, iy, { width: infoWidth, align: 'right' });
    iy = doc.y + (line.label ? 4 : 0);
  }
  style(sheet, REGULAR, BODY_SIZE, INK);
  let y = geo.addressY;
  for (const line of recipient) {
    doc.text(winAnsi(line), geo.addressX, y, { width: geo.addressWidth, lineGap: 1 });
    y = doc.y;
  }
  sheet.y = Math.max(geo.bodyTop, y + 24, iy + 24);
}

/** Summary figures in a row of boxes (statement: overdue, not yet due, credits, balance). */
function drawSummaryBoxes(sheet: Sheet, boxes: readonly { label: string; value: string; strong?: boolean }[]): void {
  const { doc, geo } = sheet;
  const gap = 8;
  const w = (geo.width - gap * (boxes.length - 1)) / boxes.length;
  const h = 38;
  boxes.forEach((b, i) => {
    const x = geo.left + i * (w + gap);
    doc.save().lineWidth(0.6).strokeColor(b.strong ? ACCENT : LINE);
    if (b.strong) doc.fillColor(SHADE).rect(x, sheet.y, w, h).fillAndStroke(SHADE, ACCENT);
    else doc.rect(x, sheet.y, w, h).stroke();
    doc.restore();
    style(sheet, REGULAR, 8, MUTED);
    doc.text(winAnsi(b.label), x + 7, sheet.y + 6, { width: w - 14, lineBreak: false, ellipsis: true, height: 10 });
    style(sheet, BOLD, 11, b.strong ? ACCENT : INK);
    doc.text(winAnsi(b.value), x + 7, sheet.y + 19, { width: w - 14, align: 'right', lineBreak: false });
  });
  sheet.y += h + 14;
}

// ---------------------------------------------------------------------------------------------
// The letter's text

interface SplitLetter {
  readonly date: string;
  readonly recipient: readonly string[];
  readonly body: readonly string[];
}

function collapse(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** The address block as header.text writes it, for a text part that left it out. */
function recipientOf(ctx: LetterContext): string[] {
  const lines = [ctx.customer.customerId ? `${ctx.customer.name} (${ctx.customer.customerId})` : ctx.customer.name];
  if (ctx.customer.contact) lines.push(`${WORDS[ctx.lang].attention}: ${ctx.customer.contact}`);
  return lines;
}

/**
 * Takes the date line and the address block off the top of the text part (the shipped header
 * partial writes them first) so they can sit in their places on the page. A custom template that
 * leaves either out still gets it, from the context: a posted letter needs both.
 */
function splitHeader(text: string, ctx: LetterContext): SplitLetter {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').map((l) => l.trimEnd());
  let i = 0;
  const skipBlank = (): void => {
    while (i < lines.length && lines[i] === '') i++;
  };
  skipBlank();
  let date: string | null = null;
  const first = lines[i];
  if (first !== undefined && (lines[i + 1] ?? '') === '' && collapse(first).endsWith(collapse(ctx.asOfFormatted))) {
    date = first.trim();
    i++;
    skipBlank();
  }
  let recipient: string[] | null = null;
  if (lines[i] !== undefined && collapse(lines[i]!).startsWith(collapse(ctx.customer.name))) {
    recipient = [];
    while (i < lines.length && lines[i] !== '') recipient.push(lines[i++]!.trim());
    skipBlank();
  }
  return { date: date ?? ctx.asOfFormatted, recipient: recipient ?? recipientOf(ctx), body: lines.slice(i) };
}

/**
 * Re-joins lines that wrapLine split at 76 columns: lines i..j become one when wrapLine of their
 * join gives back exactly those lines. Anything else (a signature, an address) stays line by line.
 */
export function unwrapLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let joined = lines[i]!;
    let j = i;
    while (j + 1 < lines.length && lines[j + 1]!.trim() !== '') {
      const candidate = `${joined} ${lines[j + 1]!.trimStart()}`;
      const again = wrapLine(candidate);
      if (again.length === j - i + 2 && again.every((l, k) => l === lines[i + k])) {
        joined = candidate;
        j++;
      } else break;
    }
    out.push(joined);
    i = j + 1;
  }
  return out;
}

type Block = { readonly kind: 'para'; readonly lines: readonly string[] } | { readonly kind: 'table'; readonly lines: readonly string[] };

const isRule = (l: string): boolean => /^\s*([-=_~*.])\1{3,}\s*$/.test(l);
// A table row: text, a run of two or more spaces, more text (layoutTable's gap).
const isRowish = (l: string): boolean => /\S {2,}\S/.test(l.trim());
const indentOf = (l: string): number => /^ */.exec(l)![0].length;

/** Paragraphs (between blank lines) and aligned tables (rows, rules, and the blank rows inside them). */
export function textBlocks(lines: readonly string[]): Block[] {
  const blocks: Block[] = [];
  let para: string[] = [];
  const flush = (): void => {
    if (para.length) blocks.push({ kind: 'para', lines: para });
    para = [];
  };
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (isRowish(line) || isRule(line)) {
      const indent = indentOf(line);
      let last = i;
      let anchors = 1;
      for (let k = i + 1; k < lines.length; k++) {
        const l = lines[k]!;
        if ((isRowish(l) || isRule(l)) && indentOf(l) >= indent) {
          last = k;
          anchors++;
        } else if (!(l === '' || (indent > 0 && indentOf(l) >= indent))) break;
      }
      if (anchors >= 2) {
        flush();
        blocks.push({ kind: 'table', lines: lines.slice(i, last + 1) });
        i = last + 1;
        continue;
      }
    }
    if (line === '') flush();
    else para.push(line);
    i++;
  }
  flush();
  return blocks;
}

function lineHeight(size: number): number {
  return size * 1.157 + BODY_GAP; // Helvetica's ascender − descender, plus the line gap
}

/** New page unless `height` fits below sheet.y. */
function keepTogether(sheet: Sheet, height: number): void {
  if (sheet.y + height > sheet.geo.maxY && sheet.y > sheet.geo.top + 1) sheet.doc.addPage();
}

/** The letter's body: paragraphs re-flowed to the page width, tables drawn as tables. */
function drawBody(sheet: Sheet, lines: readonly string[]): void {
  const blocks = textBlocks(lines);
  blocks.forEach((block, n) => {
    if (block.kind === 'table') {
      drawTextTable(sheet, block.lines);
      sheet.y += PARAGRAPH_GAP;
      return;
    }
    const logical = unwrapLines(block.lines);
    const height = paragraphHeight(sheet, logical);
    let need = height;
    // A closing ("Saludos cordiales,") or a lead-in ("Forma de pago:") stays with what follows.
    const next = blocks[n + 1];
    if (logical.length === 1 && /[:,]$/.test(logical[0]!) && next) {
      const nextHeight = next.kind === 'para' ? paragraphHeight(sheet, unwrapLines(next.lines)) : lineHeight(BODY_SIZE) * 3;
      need += PARAGRAPH_GAP + Math.min(nextHeight, (sheet.geo.maxY - sheet.geo.top) / 3);
    }
    // Short paragraphs are not split across pages; long ones flow on.
    if (height < lineHeight(BODY_SIZE) * 7 || need > height) keepTogether(sheet, need);
    for (const line of logical) drawLine(sheet, line);
    sheet.y += PARAGRAPH_GAP;
  });
}

interface LineShape {
  readonly indent: number;
  readonly bullet: boolean;
  readonly text: string;
}

function shapeOf(line: string): LineShape {
  const spaces = indentOf(line);
  const rest = line.slice(spaces);
  const bullet = /^[-*•] \S/.test(rest);
  return { indent: spaces * 5 + (bullet ? 12 : 0), bullet, text: glueDigits(winAnsi(bullet ? rest.slice(2) : rest)) };
}

/**
 * No line break between two groups of digits, as in wrapLine: pdfkit printed "llámenos al +52" at a
 * line's end and "55 1234 5678" on the next; bank account numbers split the same way.
 */
function glueDigits(text: string): string {
  return text.replace(/(?<=(?:^|\s)[+(]?\d\S*) (?=[+(]?\d)/g, '\u00a0');
}

function paragraphHeight(sheet: Sheet, logical: readonly string[]): number {
  const { doc, geo } = sheet;
  doc.font(REGULAR).fontSize(BODY_SIZE);
  let h = 0;
  for (const line of logical) {
    const s = shapeOf(line);
    h += doc.heightOfString(s.text || ' ', { width: geo.width - s.indent, lineGap: BODY_GAP });
  }
  doc.font(sheet.current.font).fontSize(sheet.current.size);
  return h;
}

function drawLine(sheet: Sheet, line: string): void {
  const { doc, geo } = sheet;
  const s = shapeOf(line);
  style(sheet, REGULAR, BODY_SIZE, INK);
  const x = geo.left + s.indent;
  const width = geo.width - s.indent;
  if (sheet.y + lineHeight(BODY_SIZE) > geo.maxY) {
    doc.addPage();
  }
  if (s.bullet) doc.text('\u2022', x - 10, sheet.y, { lineBreak: false });
  const url = /https?:\/\/\S+$/.exec(s.text);
  if (url && doc.widthOfString(s.text) <= width) {
    // A payment link on a line of its own: clickable in the PDF sent by email.
    const prefix = s.text.slice(0, url.index);
    const px = x + doc.widthOfString(prefix);
    doc.text(s.text, x, sheet.y, { lineBreak: false });
    doc.link(px, sheet.y, doc.widthOfString(url[0]), BODY_SIZE * 1.2, url[0]);
    sheet.y += lineHeight(BODY_SIZE);
    return;
  }
  doc.text(s.text || ' ', x, sheet.y, { width, lineGap: BODY_GAP });
  sheet.y = doc.y;
}

// ---------------------------------------------------------------------------------------------
// Tables

export type Align = 'left' | 'right';

export interface PdfCell {
  readonly text: string;
  /** First and last column the cell covers (a label spanning several columns, a total). */
  readonly from: number;
  readonly to: number;
  readonly align: Align;
  readonly bold?: boolean;
}

export type PdfRow =
  | { readonly kind: 'row'; readonly cells: readonly PdfCell[]; readonly bold: boolean; readonly shade: boolean }
  | { readonly kind: 'rule' }
  | { readonly kind: 'gap' };

export interface TableSpec {
  readonly indent: number;
  readonly columns: number;
  /** Rows repeated at the top of every page the table runs onto. */
  readonly header: readonly PdfRow[];
  readonly rows: readonly PdfRow[];
  /** Stretch the table to this width (extra room goes between the columns). */
  readonly minWidth?: number;
}

interface FittedTable extends TableSpec {
  readonly fontSize: number;
  readonly widths: readonly number[];
  readonly gap: number;
}

const TABLE_SIZES = [9, 8.5, 8, 7.5, 7];

function measureColumns(sheet: Sheet, spec: TableSpec, size: number, gap: number): number[] {
  const { doc } = sheet;
  const widths = new Array<number>(spec.columns).fill(0);
  const rows = [...spec.header, ...spec.rows].filter((r): r is Extract<PdfRow, { kind: 'row' }> => r.kind === 'row');
  const widthOf = (row: Extract<PdfRow, { kind: 'row' }>, c: PdfCell): number =>
    doc.font(row.bold || c.bold ? BOLD : REGULAR).fontSize(size).widthOfString(winAnsi(c.text));
  for (const row of rows) for (const c of row.cells) if (c.from === c.to) widths[c.from] = Math.max(widths[c.from]!, widthOf(row, c));
  for (const row of rows) {
    for (const c of row.cells) {
      if (c.from === c.to) continue;
      let room = gap * (c.to - c.from);
      for (let k = c.from; k <= c.to; k++) room += widths[k]!;
      const need = widthOf(row, c) - room;
      if (need > 0) {
        const grow = c.align === 'right' ? c.from : c.to;
        widths[grow] = widths[grow]! + need;
      }
    }
  }
  return widths;
}

/** Column widths from the cells, at the largest font size that fits the page; null when none does. */
function tryFit(sheet: Sheet, spec: TableSpec): FittedTable | null {
  const available = sheet.geo.width - spec.indent;
  for (const size of TABLE_SIZES) {
    const gap = size * 1.4;
    const widths = measureColumns(sheet, spec, size, gap);
    const total = widths.reduce((a, b) => a + b, 0) + gap * (spec.columns - 1);
    if (total <= available) {
      const stretch = spec.minWidth !== undefined && spec.columns > 1 && total < spec.minWidth ? (Math.min(spec.minWidth, available) - total) / (spec.columns - 1) : 0;
      return { ...spec, fontSize: size, widths, gap: gap + stretch };
    }
  }
  return null;
}

function fitTable(sheet: Sheet, spec: TableSpec): FittedTable {
  const fitted = tryFit(sheet, spec);
  if (fitted) return fitted;
  // Too many columns for the page even at 7 pt: cells are cut rather than overprinted.
  const size = TABLE_SIZES[TABLE_SIZES.length - 1]!;
  const gap = size;
  const share = (sheet.geo.width - spec.indent - gap * (spec.columns - 1)) / spec.columns;
  return { ...spec, fontSize: size, gap, widths: new Array<number>(spec.columns).fill(share) };
}

function rowHeight(t: FittedTable, row: PdfRow): number {
  if (row.kind === 'rule') return 5;
  if (row.kind === 'gap') return t.fontSize * 0.6;
  return t.fontSize * 1.45;
}

function tableHeight(t: FittedTable): number {
  return [...t.header, ...t.rows].reduce((h, r) => h + rowHeight(t, r), 0);
}

function drawTable(sheet: Sheet, t: FittedTable): void {
  const { doc, geo } = sheet;
  const x0 = geo.left + t.indent;
  const colX: number[] = [];
  let acc = x0;
  for (const w of t.widths) {
    colX.push(acc);
    acc += w + t.gap;
  }
  const right = acc - t.gap;
  const headerHeight = t.header.reduce((h, r) => h + rowHeight(t, r), 0);
  const draw = (row: PdfRow): void => {
    const h = rowHeight(t, row);
    if (row.kind === 'rule') {
      doc.save().lineWidth(0.6).strokeColor(LINE).moveTo(x0, sheet.y + 2).lineTo(right, sheet.y + 2).stroke().restore();
    } else if (row.kind === 'row') {
      if (row.shade) doc.save().rect(x0 - 3, sheet.y, right - x0 + 6, h).fill(SHADE).restore();
      const textY = sheet.y + (h - t.fontSize * 1.157) / 2 + 0.5;
      for (const c of row.cells) {
        style(sheet, row.bold || c.bold ? BOLD : REGULAR, t.fontSize, INK);
        const left = colX[c.from]!;
        const width = colX[c.to]! + t.widths[c.to]! - left;
        const text = winAnsi(c.text);
        const tw = doc.widthOfString(text);
        if (tw <= width) doc.text(text, c.align === 'right' ? left + width - tw : left, textY, { lineBreak: false });
        else doc.text(text, left, textY, { width, height: t.fontSize * 1.2, lineBreak: false, ellipsis: true });
      }
    }
    sheet.y += h;
  };
  // Never a header alone at the foot of a page.
  keepTogether(sheet, headerHeight + t.fontSize * 1.45 * 2);
  t.header.forEach(draw);
  for (const row of t.rows) {
    if (row.kind === 'gap' && sheet.y <= geo.top + 1) continue;
    if (sheet.y + rowHeight(t, row) > geo.maxY) {
      doc.addPage();
      if (row.kind !== 'row') continue;
      t.header.forEach(draw);
    }
    draw(row);
  }
}

interface TextCell {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A text row's cells: runs of text separated by two or more spaces, with code-point columns. */
function cellsOf(line: string): TextCell[] {
  const chars = [...line];
  const cells: TextCell[] = [];
  let i = 0;
  while (i < chars.length) {
    if (chars[i] === ' ') {
      i++;
      continue;
    }
    let j = i;
    while (j < chars.length && !(chars[j] === ' ' && (j + 1 === chars.length || chars[j + 1] === ' '))) j++;
    cells.push({ text: chars.slice(i, j).join(''), start: i, end: j });
    i = j;
  }
  return cells;
}

/**
 * A textTable block parsed back into columns: the rows with the most cells define the columns
 * (their cells never share a gap), every other cell covers the columns it overlaps (a spanRow label
 * covers several), and a column is right-aligned when its cells end together and start apart.
 * The first row is a header when a rule follows it; the last row of the totals after the closing
 * rule is bold. Returns null when the layout cannot be read that way.
 */
export function parseTextTable(lines: readonly string[]): Omit<TableSpec, 'indent'> & { readonly indentChars: number } | null {
  const indentChars = Math.min(...lines.filter((l) => l.trim() !== '').map(indentOf));
  type Item = { kind: 'rule' } | { kind: 'gap' } | { kind: 'row'; cells: TextCell[] };
  const items: Item[] = lines.map((l) => {
    if (l.trim() === '') return { kind: 'gap' };
    if (isRule(l)) return { kind: 'rule' };
    return { kind: 'row', cells: cellsOf(l.slice(indentChars)) };
  });
  const rows = items.filter((r): r is Extract<Item, { kind: 'row' }> => r.kind === 'row');
  if (rows.length === 0) return null;
  const most = Math.max(...rows.map((r) => r.cells.length));
  const occupied: boolean[] = [];
  for (const r of rows) {
    if (r.cells.length !== most) continue;
    for (const c of r.cells) for (let p = c.start; p < c.end; p++) occupied[p] = true;
  }
  const cols: { start: number; end: number }[] = [];
  for (let p = 0; p < occupied.length; p++) {
    if (!occupied[p]) continue;
    const last = cols[cols.length - 1];
    if (last && last.end === p) last.end = p + 1;
    else cols.push({ start: p, end: p + 1 });
  }
  if (cols.length < 2 || cols.length !== most) return null;

  const span = (c: TextCell): [number, number] => {
    const hit = cols.map((col, k) => (col.start < c.end && c.start < col.end ? k : -1)).filter((k) => k >= 0);
    if (hit.length) return [hit[0]!, hit[hit.length - 1]!];
    let best = 0;
    cols.forEach((col, k) => {
      if (Math.abs(col.start - c.start) < Math.abs(cols[best]!.start - c.start)) best = k;
    });
    return [best, best];
  };
  const votes = cols.map(() => ({ left: 0, right: 0, numeric: 0, total: 0 }));
  for (const r of rows) {
    for (const c of r.cells) {
      const [a, b] = span(c);
      if (a !== b) continue;
      const col = cols[a]!;
      const v = votes[a]!;
      v.total++;
      if (c.end === col.end && c.start > col.start) v.right++;
      if (c.start === col.start && c.end < col.end) v.left++;
      if (/^[-+(]?\D{0,4}\d[\d.,\s\u00a0]*\D{0,4}$/u.test(c.text)) v.numeric++;
    }
  }
  const colAlign: Align[] = votes.map((v) => (v.right > v.left ? 'right' : v.left > v.right ? 'left' : v.numeric * 2 > v.total ? 'right' : 'left'));

  const out: PdfRow[] = [];
  for (const item of items) {
    if (item.kind !== 'row') {
      out.push(item);
      continue;
    }
    const cells: PdfCell[] = [];
    const used = new Set<number>();
    for (const c of item.cells) {
      const [from, to] = span(c);
      for (let k = from; k <= to; k++) {
        if (used.has(k)) return null; // two cells in one column: not a layout we can read
        used.add(k);
      }
      const align: Align = from === to ? colAlign[from]! : c.end === cols[to]!.end && c.start > cols[from]!.start ? 'right' : 'left';
      cells.push({ text: c.text, from, to, align });
    }
    out.push({ kind: 'row', cells, bold: false, shade: false });
  }
  // Header: the first row when a rule follows it.
  let header: PdfRow[] = [];
  if (out[0]?.kind === 'row' && out[1]?.kind === 'rule') {
    header = [{ ...out[0], bold: true }, out[1]];
    out.splice(0, 2);
  }
  // The total: the last row of the group right after the closing rule.
  const rules = out.map((r, k) => (r.kind === 'rule' ? k : -1)).filter((k) => k >= 0);
  const closing = rules[rules.length - 1];
  if (closing !== undefined && (header.length > 0 ? true : rules.length >= 2)) {
    let k = closing + 1;
    while (out[k + 1]?.kind === 'row') k++;
    const total = out[k];
    if (total?.kind === 'row') out[k] = { ...total, bold: true };
  }
  return { indentChars, columns: cols.length, header, rows: out };
}

/** A table of the text part: as a real table when it parses and fits, else in Courier, still aligned. */
function drawTextTable(sheet: Sheet, lines: readonly string[]): void {
  const parsed = parseTextTable(lines);
  const fitted = parsed ? tryFit(sheet, { ...parsed, indent: Math.min(parsed.indentChars * 5, 30) }) : null;
  if (fitted) {
    drawTable(sheet, fitted);
    return;
  }
  const { doc, geo } = sheet;
  const longest = Math.max(...lines.map((l) => [...l].length));
  const size = Math.min(9, geo.width / (longest * 0.6));
  const h = size * 1.3;
  keepTogether(sheet, Math.min(lines.length, 4) * h);
  for (const line of lines) {
    if (sheet.y + h > geo.maxY) doc.addPage();
    style(sheet, MONO, size, INK);
    doc.text(winAnsi(line) || ' ', geo.left, sheet.y, { lineBreak: false });
    sheet.y += h;
  }
}

// ---------------------------------------------------------------------------------------------
// Words

interface Words {
  readonly title: string;
  titleAsOf(date: string): string;
  readonly date: string;
  readonly document: string;
  readonly due: string;
  readonly days: string;
  readonly charges: string;
  readonly credits: string;
  readonly balance: string;
  readonly totals: string;
  readonly total: string;
  readonly disputed: string;
  readonly overdue: string;
  readonly notYetDue: string;
  readonly creditsTotal: string;
  readonly balanceDue: string;
  readonly aging: string;
  readonly ageByDue: string;
  readonly ageByInvoice: string;
  readonly customerNo: string;
  readonly currency: string;
  readonly attention: string;
  readonly phone: string;
  amountsIn(currency: string): string;
  note(date: string): string;
  readonly payment: string;
  readonly noItems: string;
  page(n: number, of: number): string;
}

const WORDS: Readonly<Record<'es' | 'en', Words>> = {
  es: {
    title: 'Estado de cuenta',
    titleAsOf: (d) => `Estado de cuenta al ${d}`,
    date: 'Fecha', document: 'Documento', due: 'Vencimiento', days: 'Días de atraso',
    charges: 'Cargos', credits: 'Abonos', balance: 'Saldo', totals: 'Totales', total: 'Total', disputed: 'en disputa',
    overdue: 'Vencido', notYetDue: 'Por vencer', creditsTotal: 'Créditos a su favor', balanceDue: 'Saldo total',
    aging: 'Antigüedad del saldo', ageByDue: 'días de vencido', ageByInvoice: 'días desde la fecha de factura',
    customerNo: 'No. de cliente', currency: 'Moneda', attention: 'Atención', phone: 'Tel.',
    amountsIn: (c) => `Importes en ${c}`,
    note: (d) => `Este estado de cuenta muestra todas las partidas abiertas de su cuenta al ${d}. Si sus registros no coinciden, le agradeceremos que se comunique con nosotros.`,
    payment: 'Forma de pago:', noItems: 'No hay partidas abiertas.',
    page: (n, of) => `Página ${n} de ${of}`,
  },
  en: {
    title: 'Statement of account',
    titleAsOf: (d) => `Statement of account as of ${d}`,
    date: 'Date', document: 'Document', due: 'Due date', days: 'Days overdue',
    charges: 'Charges', credits: 'Credits', balance: 'Balance', totals: 'Totals', total: 'Total', disputed: 'disputed',
    overdue: 'Overdue', notYetDue: 'Not yet due', creditsTotal: 'Credits', balanceDue: 'Balance due',
    aging: 'Aging of the balance', ageByDue: 'days past due', ageByInvoice: 'days since the invoice date',
    customerNo: 'Customer no.', currency: 'Currency', attention: 'Attention', phone: 'Phone:',
    amountsIn: (c) => `Amounts in ${c}`,
    note: (d) => `This statement lists every open item on your account as of ${d}. If your records differ, please let us know.`,
    payment: 'How to pay:', noItems: 'There are no open items.',
    page: (n, of) => `Page ${n} of ${of}`,
  },
};

function dayOfIso(iso: string): Day {
  const d = parseIsoDay(iso);
  if (d === null) throw new Error(`internal: letter context asOf ${JSON.stringify(iso)} is not a date`);
  return d;
}

