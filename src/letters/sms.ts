// Short messages (issue 8): the `<kind>.sms.hbs` templates, counting SMS segments, phone numbers in
// E.164, and the CSV batch that SMS and WhatsApp gateways import.
//
// Why each rule exists:
// - Segments follow GSM 03.38 (3GPP TS 23.038): a text made only of the GSM-7 basic set and its
//   extension table (^ { } \ [ ] ~ | € and form feed, two septets each) is GSM-7, 160 septets in one
//   message or 153 per part; anything else makes the WHOLE message UCS-2, 70 UTF-16 units or 67 per
//   part. Spanish is the trap: ñ Ñ é É ü Ü à ¿ ¡ are in the basic set, á í ó ú Á Í Ó Ú are not, so
//   one "á" turns a 150-character message into three parts. Parts never split an extension
//   character or a surrogate pair, so parts are filled greedily, not by dividing.
// - The rendered text has typographic spaces and punctuation replaced by their plain forms: es-CO
//   and es-ES amounts come out of Intl with U+00A0 ("$ 21.474,85"), which is not GSM-7 and alone
//   cut the message's room from 160 to 70. Letters (á, ñ…) are never changed: a name stays as the
//   ledger writes it, and the warning says which character forced UCS-2.
// - Mexican mobile numbers were dialled with 044/045 and written "+52 1 …" abroad until 2019/2020;
//   ledgers still hold them. Since then every Mexican number is +52 and ten digits.
// - The CSV batch quotes the phone number instead of prefixing "'": see smsBatchCsv.
//
// SMS templates have no partials: each is one short file. They are compiled like the letters
// (isolated Handlebars instance, strict mode, the letter helpers, errors naming file and line), and
// each is rendered with sample customers when loaded so a typo stops the run before anything is sent.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { DunningError, TemplateError } from '../errors.js';
import { neutralizeFormula } from '../render/csv.js';
import { buildLetterContext, type LetterContext, type LetterItem } from './context.js';
import { registerLetterHelpers, TemplateFault } from './helpers.js';
import { sampleLetterInputs, type CompiledTemplate } from './render.js';

// ---------------------------------------------------------------------------------------------
// Segments

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegments {
  readonly encoding: SmsEncoding;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2). */
  readonly units: number;
  /** Messages the text is sent as (an empty text still costs one). */
  readonly segments: number;
}

/** GSM 03.38 default alphabet, code points 0x00–0x7F (0x1B is the escape to the extension table). */
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
/** GSM 03.38 extension table: sent as ESC + character, two septets. */
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const GSM_SINGLE = 160;
const GSM_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/** The first character of `text` that GSM-7 cannot carry, or null. */
export function firstNonGsmChar(text: string): string | null {
  for (const ch of text) if (!GSM_BASIC.has(ch) && !GSM_EXTENSION.has(ch)) return ch;
  return null;
}

/** Parts needed when characters of these widths are packed in order, none split across two parts. */
function pack(widths: readonly number[], single: number, part: number): number {
  const total = widths.reduce((a, b) => a + b, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > part) {
      parts++;
      used = 0;
    }
    used += w;
  }
  return parts;
}

/** How a text goes out as SMS: encoding, length in that encoding's units, and number of parts. */
export function smsSegments(text: string): SmsSegments {
  if (firstNonGsmChar(text) === null) {
    const widths = [...text].map((ch) => (GSM_EXTENSION.has(ch) ? 2 : 1));
    return { encoding: 'GSM-7', units: widths.reduce((a, b) => a + b, 0), segments: pack(widths, GSM_SINGLE, GSM_PART) };
  }
  const widths = [...text].map((ch) => ch.length); // a character outside the BMP (an emoji) is a surrogate pair: 2 units
  return { encoding: 'UCS-2', units: text.length, segments: pack(widths, UCS2_SINGLE, UCS2_PART) };
}

// ---------------------------------------------------------------------------------------------
// Phone numbers

interface CountryRule {
  readonly code: string;
  /** The national significant number from what follows the country code (or the national form), or null. */
  readonly national: (digits: string, international: boolean) => string | null;
}

const only = (re: RegExp) => (d: string): string | null => (re.test(d) ? d : null);

/**
 * Argentina writes mobiles nationally as 0 + area code + 15 + number ("011 15 2345-6789") and
 * internationally as +54 9 + area code + number. The area code is 2 to 4 digits, so the "15" is
 * found by position, and a number where it could sit in two places is refused, not guessed.
 */
function argentina(d: string): string | null {
  const n = d.startsWith('0') ? d.slice(1) : d;
  if (/^9[1-9]\d{9}$/.test(n)) return n;
  if (/^[1-9]\d{9}$/.test(n)) return n;
  if (/^[1-9]\d{11}$/.test(n)) {
    const at = [2, 3, 4].filter((p) => n.slice(p, p + 2) === '15' && (p === 2 ? n.startsWith('11') : /^[23]/.test(n) && !n.startsWith('11')));
    if (at.length === 1) return `9${n.slice(0, at[0])}${n.slice(at[0]! + 2)}`;
  }
  return null;
}

const COUNTRIES: Readonly<Record<string, CountryRule>> = {
  // Mexico: ten digits since 2019; 044/045 (mobile), 01 (long distance) and "+52 1" (mobile from abroad) are gone.
  MX: {
    code: '52',
    national: (d, intl) => {
      let n = d;
      if (intl && /^1\d{10}$/.test(n)) n = n.slice(1);
      else if (!intl && /^(044|045)\d{10}$/.test(n)) n = n.slice(3);
      else if (!intl && /^01\d{10}$/.test(n)) n = n.slice(2);
      return /^[2-9]\d{9}$/.test(n) ? n : null;
    },
  },
  // Colombia: ten digits, mobiles 3…, landlines 60… (since 2021).
  CO: { code: '57', national: only(/^(3\d{9}|60\d{8})$/) },
  // Spain: nine digits, no trunk prefix.
  ES: { code: '34', national: only(/^[6-9]\d{8}$/) },
  // North America: ten digits, area code and exchange not starting with 0 or 1; a national "1" prefix dropped.
  US: { code: '1', national: (d, intl) => only(/^[2-9]\d{2}[2-9]\d{6}$/)(!intl && /^1\d{10}$/.test(d) ? d.slice(1) : d) },
  // United Kingdom: trunk 0 dropped ("+44 (0)20…" and "020…"), then nine or ten digits.
  GB: { code: '44', national: (d) => only(/^[1-9]\d{8,9}$/)(d.startsWith('0') ? d.slice(1) : d) },
  AR: { code: '54', national: argentina },
  // Chile: nine digits since 2016.
  CL: { code: '56', national: only(/^[2-9]\d{8}$/) },
  // Peru: mobiles 9 + eight digits; Lima 1 + seven; provinces two-digit area + six; trunk 0 dropped.
  PE: { code: '51', national: (d) => only(/^(9\d{8}|1\d{7}|[4-8]\d{7})$/)(d.startsWith('0') ? d.slice(1) : d) },
};

/** The region of a locale ("es-MX" → "MX"), or the region itself ("MX"); null without one. */
function regionOf(localeOrRegion: string | null | undefined): string | null {
  if (!localeOrRegion) return null;
  if (/^[A-Za-z]{2}$/.test(localeOrRegion)) return localeOrRegion.toUpperCase();
  try {
    return new Intl.Locale(localeOrRegion.replace(/_/g, '-')).region ?? null;
  } catch {
    return null;
  }
}

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A phone number from a ledger as E.164 ("+525512345678"), or null when it cannot be one. A number
 * without "+" or "00" is national, in the country of `defaultCountryFromLocale` ("es-MX" → +52, or
 * a region "MX"); numbers for the countries the tool knows (MX, CO, ES, US, GB, AR, CL, PE) are
 * checked against that country's plan, others only for length (E.164: at most 15 digits).
 * Spaces, dashes, dots, slashes and parentheses are ignored; an extension or a letter is refused.
 */
export function toE164(phone: string, defaultCountryFromLocale: string | null): string | null {
  // "+44 (0)20 …": the (0) is the national trunk prefix, written for callers inside the country.
  const text = phone.trim().replace(/\(0\)/g, '').replace(/[\s\u00a0\u202f\-–.()/]/g, '');
  let international: string | null = null;
  let national: string | null = null;
  if (text.startsWith('+')) international = text.slice(1);
  else if (text.startsWith('00')) international = text.slice(2);
  else national = text;

  if (international !== null) {
    if (!/^\d+$/.test(international)) return null;
    const rule = Object.values(COUNTRIES).find((c) => international!.startsWith(c.code));
    if (rule) {
      const n = rule.national(international.slice(rule.code.length), true);
      return n === null ? null : check(`+${rule.code}${n}`);
    }
    return check(`+${international}`);
  }
  if (!/^\d+$/.test(national!)) return null;
  const region = regionOf(defaultCountryFromLocale);
  const rule = region ? COUNTRIES[region] : undefined;
  if (!rule) return null;
  const n = rule.national(national!, false);
  return n === null ? null : check(`+${rule.code}${n}`);
}

function check(e164: string): string | null {
  return E164.test(e164) ? e164 : null;
}

// ---------------------------------------------------------------------------------------------
// Templates

export interface SmsTemplates {
  readonly lang: 'es' | 'en';
  /** The folders searched, override first. */
  readonly dirs: readonly string[];
  /** Message names found ("friendly", "firm"…). */
  readonly names: readonly string[];
  /** "friendly.sms" → its compiled template. */
  readonly compiled: ReadonlyMap<string, CompiledTemplate>;
}

/** The variables of an SMS template: the letter's, plus the invoice a short message names. */
export interface SmsContext extends LetterContext {
  /**
   * The most overdue invoice asked for; in a courtesy note (no overdue invoices) the one falling
   * due first. Ties: the first listed. null when there is none.
   */
  readonly oldestInvoice: LetterItem | null;
}

export interface RenderedSms {
  /** One line, plain spaces and punctuation, trimmed; never empty. */
  readonly text: string;
  readonly segments: SmsSegments;
  /** Why this message is not the single GSM-7 part it could be, or other things to look at. */
  readonly warnings: readonly string[];
}

const SMS_FILE = /^([a-z0-9][a-z0-9_-]*)\.sms\.hbs$/i;

function fail(file: string, line: number | null, message: string): TemplateError {
  return new TemplateError(line === null ? `${file}: ${message}` : `${file}, line ${line}: ${message}`);
}

async function smsFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && /\.sms\.hbs$/i.test(e.name)).map((e) => e.name).sort();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Handlebars' errors (strict mode, missing helper, parse) → TemplateError with this file and line. */
function templateError(err: unknown, file: string): TemplateError {
  if (err instanceof TemplateFault) return fail(err.loc?.source ?? file, err.loc?.start.line ?? null, err.message);
  const message = err instanceof Error ? err.message : String(err);
  const strict = /^"([^"]+)" not defined in (.*) - (\d+):\d+$/s.exec(message);
  if (strict) {
    const [, name = '', where = '', line = '0'] = strict;
    const what = where === 'null' || where === 'undefined' ? `"${name}" is read from a value that is null here (guard it with {{#if …}})` : `unknown variable or helper "${name}" (see templates/VARIABLES.md)`;
    return fail(file, Number(line), what);
  }
  const lineNumber = (err as { lineNumber?: unknown } | null)?.lineNumber;
  const line = typeof lineNumber === 'number' ? lineNumber : Number(/on line (\d+)/.exec(message)?.[1] ?? NaN);
  const clean = message.replace(/ - \d+:\d+$/, '').replace(/\n/g, ' ').replace(/^Parse error on line \d+: /, 'syntax error: ');
  const partial = /^The partial (.+) could not be found$/.exec(message);
  return fail(file, Number.isFinite(line) ? line : null, partial ? `short messages cannot use partials ({{> ${partial[1]}}})` : clean);
}

/**
 * Reads and compiles every `<name>.sms.hbs` of `lang`: for each name the first of `dirs` that has
 * `<dir>/<lang>/<name>.sms.hbs` wins (the client folder's templates/ or --templates DIR first,
 * then shippedTemplatesDir()). Throws TemplateError naming file and line, also for a mistake found
 * by rendering each message for sample customers.
 */
export async function loadSmsTemplates(dirs: readonly string[], lang: 'es' | 'en'): Promise<SmsTemplates> {
  const files = new Map<string, string>();
  for (const dir of dirs) {
    const langDir = join(dir, lang);
    for (const name of await smsFiles(langDir)) {
      const m = SMS_FILE.exec(name);
      if (!m) throw fail(join(langDir, name), null, 'unexpected short-message template name: use <name>.sms.hbs with letters, digits, "-" or "_" (friendly.sms.hbs)');
      const key = `${m[1]!.toLowerCase()}.sms`;
      if (!files.has(key)) files.set(key, join(langDir, name));
    }
  }
  const hb = Handlebars.create();
  registerLetterHelpers(hb);
  const compiled = new Map<string, CompiledTemplate>();
  for (const [key, file] of files) {
    const source = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    let fn: Handlebars.TemplateDelegate;
    try {
      fn = hb.compile(hb.parse(source, { srcName: file }), { strict: true, noEscape: true });
    } catch (err) {
      throw templateError(err, file);
    }
    const render: Handlebars.TemplateDelegate = (context, options) => {
      try {
        return fn(context, options);
      } catch (err) {
        if (err instanceof DunningError) throw err; // e.g. a locale Intl refuses: a config error, said as such
        throw templateError(err, file);
      }
    };
    compiled.set(key, { key, file, lines: source.split('\n'), render });
  }
  const names = [...files.keys()].map((k) => k.slice(0, -'.sms'.length)).sort();
  const templates: SmsTemplates = { lang, dirs: [...dirs], names, compiled };
  for (const name of names) {
    for (const sample of sampleLetterInputs(name, lang)) renderSms(templates, buildLetterContext(sample), name);
  }
  return templates;
}

/** The invoice a short message names: the most overdue asked for, else the first to fall due. */
function oldestInvoice(context: LetterContext): LetterItem | null {
  const list = context.invoices.length ? context.invoices : context.upcoming;
  let best: LetterItem | null = null;
  for (const item of list) if (best === null || item.daysOverdue > best.daysOverdue) best = item;
  return best;
}

/** The SMS variables: the letter context plus oldestInvoice. */
export function smsContext(context: LetterContext): SmsContext {
  return { ...context, oldestInvoice: oldestInvoice(context) };
}

/**
 * Typographic punctuation with a plain GSM-7 equivalent. The no-break spaces of Intl's amounts and
 * dates (U+00A0, U+202F) need no rule: JavaScript's \s matches them, and every run of whitespace
 * becomes one plain space.
 */
const PLAIN: readonly (readonly [RegExp, string])[] = [
  [/[\u2018\u2019\u201a\u201b\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u201f\u2033]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
];

/** Rendered text as it is sent: composed accents (NFC), plain spaces and punctuation, one line. */
export function plainSmsText(text: string): string {
  let t = text.normalize('NFC');
  for (const [re, plain] of PLAIN) t = t.replace(re, plain);
  return t.replace(/\s+/g, ' ').trim();
}

/**
 * Renders the short message `<name>.sms` (default: the context's kind) for one customer, from the
 * same context as the letter. Warns when it needs more than one part, naming the character that
 * forced UCS-2, and when it starts with a character the CSV batch must neutralize.
 */
export function renderSms(templates: SmsTemplates, context: LetterContext, name: string = context.kind): RenderedSms {
  const c = templates.compiled.get(`${name}.sms`);
  if (!c) {
    const where = templates.dirs.map((d) => join(d, templates.lang)).join(', ');
    throw new TemplateError(`no short-message template ${name}.sms.hbs for "${templates.lang}" in ${where}`);
  }
  const text = plainSmsText(c.render(smsContext(context)));
  if (text === '') throw fail(c.file, null, 'the short message is empty for this customer');
  const segments = smsSegments(text);
  const warnings: string[] = [];
  if (segments.segments > 1) {
    const culprit = firstNonGsmChar(text);
    const room = segments.encoding === 'GSM-7' ? GSM_SINGLE : UCS2_SINGLE;
    const why = culprit === null ? '' : ` ("${culprit}" is not in the GSM-7 alphabet, so the whole message is UCS-2, ${UCS2_SINGLE} characters a part)`;
    warnings.push(`${c.file}: the message to "${context.customer.name}" needs ${segments.segments} SMS parts: ${segments.units} ${segments.encoding} units, one part holds ${room}${why}`);
  }
  if (/^[=+\-@]/.test(text)) {
    warnings.push(`${c.file}: the message starts with "${text[0]}": the CSV batch writes it with a leading ' (formula protection); start it with a word`);
  }
  return { text, segments, warnings };
}

// ---------------------------------------------------------------------------------------------
// CSV batch

export interface SmsBatchRow {
  /** E.164, from toE164. */
  readonly phone: string;
  readonly message: string;
  readonly customer: string;
  /** The letter key of the journal: lets the gateway's delivery report be matched back. */
  readonly key: string;
}

/** RFC 4180: quoted when it holds a comma, quote, CR or LF (or always, when asked), quotes doubled. */
function field(value: string, quote = false): string {
  return quote || /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The batch file for SMS / WhatsApp gateways: UTF-8 without BOM (gateways read the first header as
 * "\uFEFFphone" otherwise; this file is for a machine, unlike the aging CSV), CRLF, header
 * `phone,message,customer,key`.
 *
 * Text cells (message, customer, key) that start with = + - @ tab or CR get a leading ' (SPEC §6).
 * The phone does not: a gateway would read "'+52…" as an invalid number. It is safe as it is
 * because it is checked here to be "+" and 7–15 digits, which a spreadsheet can only ever read as
 * a number, never as a formula that calls anything; and it is always quoted, so a spreadsheet
 * that honours quotes (LibreOffice's "quoted field as text") keeps the "+" and every digit, while
 * gateways, reading RFC 4180, get the plain number. Throws on a phone that is not E.164 (a bug upstream).
 */
export function smsBatchCsv(rows: readonly SmsBatchRow[]): string {
  return SMS_BATCH_HEADER + rows.map(smsBatchLine).join('');
}

/** The header line of a batch file (CRLF-terminated). */
export const SMS_BATCH_HEADER = 'phone,message,customer,key\r\n';

/** One row of the batch file, CRLF-terminated (see smsBatchCsv). */
export function smsBatchLine(row: SmsBatchRow): string {
  if (!E164.test(row.phone)) throw new Error(`SMS batch: ${JSON.stringify(row.phone)} is not an E.164 number (use toE164)`);
  return [field(row.phone, true), field(neutralizeFormula(row.message)), field(neutralizeFormula(row.customer)), field(neutralizeFormula(row.key))].join(',') + '\r\n';
}
