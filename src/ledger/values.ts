// Parsing cell values: amounts to canonical decimal text (then minor units), dates to Days.
// Only what a cell says by itself is decided here; what needs the whole column (day/month order,
// which separator is the decimal one) comes back as an ambiguity for read.ts to settle.
import { dayFromYmd, type Day } from '../core/dates.js';

// ---------- amounts ----------

export type AmountParse =
  | { readonly kind: 'ok'; readonly text: string; readonly decimalSep: ',' | '.' | null }
  /** "1,234" / "1.234": a single separator followed by exactly three digits. */
  | { readonly kind: 'ambiguous'; readonly sep: ',' | '.'; readonly asGrouping: string; readonly asDecimal: string }
  | { readonly kind: 'error'; readonly reason: string };

/** Digits, an optional minus, and a dot followed by one or two digits (never ambiguous). */
const PLAIN_AMOUNT = /^-?\d+(?:\.\d\d?)?$/;
const SPACES = /[\s\u00a0\u202f\u2007\u2009]+/g;
const CURRENCY_AFFIX = /^(?:[A-Z]{3}|US\$|R\$|S\/\.?|[$€£¥₡₲₱₹₽₩]|Bs\.?|Q|L)\s*|\s*(?:[A-Z]{3}|[$€£¥]|Bs\.?)$/;

/**
 * Amount text → canonical decimal ("-1234.56"). Accepts currency symbols or ISO codes before or
 * after, `(400.00)` and `400.00-` negatives, `1,234.56` and `1.234,56` and `1 234,56` and `1'234.56`.
 * `decimal` forces the decimal separator (--decimal); otherwise a lone separator followed by
 * exactly three digits is ambiguous and left to the column.
 */
export function parseAmount(raw: string, decimal: ',' | '.' | null = null): AmountParse {
  // The common cell — "1234.56", "-80", "0.5" — is already canonical: what the steps below would
  // return for it, without their regular expressions (a third of the general reader's time on
  // plain exports). Not with --decimal ',' (the dot would be a grouping separator).
  if (decimal !== ',' && PLAIN_AMOUNT.test(raw)) return { kind: 'ok', text: raw, decimalSep: raw.includes('.') ? '.' : null };
  let s = raw.replace(SPACES, ' ').trim();
  if (s === '') return { kind: 'error', reason: 'is empty' };
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  for (let i = 0; i < 2; i++) s = s.replace(CURRENCY_AFFIX, '').trim();
  if (s.startsWith('-') || s.startsWith('−')) {
    negative = !negative;
    s = s.slice(1).trim();
  } else if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1).trim();
  } else if (s.startsWith('+')) s = s.slice(1).trim();
  for (let i = 0; i < 2; i++) s = s.replace(CURRENCY_AFFIX, '').trim();
  s = s.replace(/[ ']/g, (m, offset: number) => (/\d/.test(s[offset - 1] ?? '') ? '' : m)); // digit grouping by space or apostrophe
  if (!/^[\d.,]+$/.test(s) || !/\d/.test(s)) return { kind: 'error', reason: 'is not an amount' };
  const sign = negative ? '-' : '';
  const dots = count(s, '.');
  const commas = count(s, ',');
  let decimalSep: ',' | '.' | null = null;
  if (decimal) decimalSep = decimal;
  else if (dots && commas) decimalSep = s.lastIndexOf('.') > s.lastIndexOf(',') ? '.' : ',';
  else if (dots + commas === 1) {
    const sep = dots ? '.' : ',';
    const after = s.length - s.indexOf(sep) - 1;
    if (after === 3 && s.indexOf(sep) > 0 && s.indexOf(sep) <= 3) {
      const asGrouping = checked(s, sep === '.' ? ',' : '.', sep);
      const asDecimal = checked(s, sep, sep === '.' ? ',' : '.');
      if (asGrouping && asDecimal) return { kind: 'ambiguous', sep, asGrouping: sign + asGrouping, asDecimal: sign + asDecimal };
    }
    decimalSep = sep;
  } else if (dots > 1) decimalSep = ',';
  else if (commas > 1) decimalSep = '.';
  const text = checked(s, decimalSep ?? '.', decimalSep === ',' ? '.' : ',');
  if (text === null) return { kind: 'error', reason: 'has misplaced thousands or decimal separators' };
  return { kind: 'ok', text: sign + text, decimalSep: dots + commas > 0 ? decimalSep : null };
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

/** Validates grouping (groups of three after the first) and returns canonical text, or null. */
function checked(s: string, decimalSep: string, groupSep: string): string | null {
  const parts = s.split(decimalSep);
  if (parts.length > 2) return null;
  const [intPart = '', frac] = parts;
  if (frac !== undefined && !/^\d+$/.test(frac)) return null;
  if (intPart.includes(groupSep)) {
    if (!new RegExp(`^\\d{1,3}(\\${groupSep}\\d{3})+$`).test(intPart)) return null;
  } else if (!/^\d*$/.test(intPart)) return null;
  const digits = intPart.split(groupSep).join('') || '0';
  return frac === undefined ? digits : `${digits}.${frac}`;
}

// ---------- dates ----------

export type DateOrder = 'dmy' | 'mdy' | 'ymd';

export type DateParse =
  | { readonly kind: 'ok'; readonly day: Day; /** order this value proves, if any */ readonly proves: 'dmy' | 'mdy' | null }
  | { readonly kind: 'ambiguous'; readonly dmy: Day; readonly mdy: Day }
  | { readonly kind: 'error'; readonly reason: string };

const MONTHS: Readonly<Record<string, number>> = monthTable({
  1: ['jan', 'january', 'ene', 'enero', 'janeiro', 'januar', 'janvier', 'janv'],
  2: ['feb', 'february', 'febrero', 'fev', 'fevereiro', 'februar', 'fevrier', 'fevr'],
  3: ['mar', 'march', 'marzo', 'marco', 'marz', 'mars', 'mrz'],
  4: ['apr', 'april', 'abr', 'abril', 'avr', 'avril'],
  5: ['may', 'mayo', 'mai', 'maio'],
  6: ['jun', 'june', 'junio', 'junho', 'juni', 'juin'],
  7: ['jul', 'july', 'julio', 'julho', 'juli', 'juil', 'juillet'],
  8: ['aug', 'august', 'ago', 'agosto', 'aout'],
  9: ['sep', 'sept', 'september', 'set', 'septiembre', 'setiembre', 'setembro', 'septembre'],
  10: ['oct', 'october', 'octubre', 'out', 'outubro', 'okt', 'oktober', 'octobre'],
  11: ['nov', 'november', 'noviembre', 'novembro', 'novembre'],
  12: ['dec', 'december', 'dic', 'diciembre', 'dez', 'dezembro', 'dezember', 'decembre'],
});

function monthTable(t: Record<number, string[]>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [m, names] of Object.entries(t)) for (const n of names) out[n] = Number(m);
  return out;
}

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function year4(y: string): number {
  return y.length === 2 ? 2000 + Number(y) : Number(y);
}

/** `a/b/y`: day first, month first, or ambiguous when both are valid and differ. */
function dayOrMonthFirst(a: number, b: number, y: number, order: DateOrder | null): DateParse {
  const dmy = dayFromYmd(y, b, a);
  const mdy = dayFromYmd(y, a, b);
  if (order === 'dmy') return okDay(dmy);
  if (order === 'mdy') return okDay(mdy);
  if (dmy === null && mdy === null) return { kind: 'error', reason: 'is not a valid date' };
  if (dmy === null) return okDay(mdy, 'mdy');
  if (mdy === null) return okDay(dmy, 'dmy');
  if (dmy === mdy) return okDay(dmy);
  return { kind: 'ambiguous', dmy, mdy };
}

/** The number written by `n` ASCII digits from `at`, or -1 when one of them is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

function okDay(day: Day | null, proves: 'dmy' | 'mdy' | null = null): DateParse {
  return day === null ? { kind: 'error', reason: 'is not a valid date' } : { kind: 'ok', day, proves };
}

/**
 * Date text → Day. ISO (`2024-01-28`, with or without a time), `2024/01/28`, `28/01/2024`,
 * `1/28/2024`, `28.01.2024`, `28-01-24`, `20240128`, `Jan 28 2021`, `January 28, 2021`,
 * `28-ene-2024`, `28 de enero de 2024`. Numeric day/month forms where both readings are valid
 * come back ambiguous unless `order` says which.
 */
export function parseDate(raw: string, order: DateOrder | null = null): DateParse {
  // The common cells, "2024-01-28" and "28/01/2024", without the regular expressions below (same
  // results: the tests compare both ways).
  if (raw.length === 10) {
    const c2 = raw.charCodeAt(2);
    if (raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45) {
      const y = digitsAt(raw, 0, 4);
      const m = digitsAt(raw, 5, 2);
      const d = digitsAt(raw, 8, 2);
      if (y >= 0 && m >= 0 && d >= 0) return okDay(dayFromYmd(y, m, d));
    } else if ((c2 === 47 || c2 === 46 || c2 === 45) && raw.charCodeAt(5) === c2) {
      const a = digitsAt(raw, 0, 2);
      const b = digitsAt(raw, 3, 2);
      const y = digitsAt(raw, 6, 4);
      if (a >= 0 && b >= 0 && y >= 0) return dayOrMonthFirst(a, b, y, order);
    }
  }
  const s = raw.replace(SPACES, ' ').trim();
  if (s === '') return { kind: 'error', reason: 'is empty' };
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(s);
  if (m) return okDay(dayFromYmd(Number(m[1]), Number(m[2]), Number(m[3])));
  m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (m) return okDay(dayFromYmd(Number(m[1]), Number(m[2]), Number(m[3])));
  m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?(?: ?[ap]\.? ?m\.?)?)?$/i.exec(s);
  if (m) return dayOrMonthFirst(Number(m[1]), Number(m[2]), year4(m[3]!), order);
  const f = fold(s).replace(/,/g, ' ').replace(/\s+/g, ' ');
  // 28-ene-2024, 28 ene 2024, 28 de enero de 2024, 28. Januar 2024
  m = /^(\d{1,2})\.?(?:[ -]de)?[ -]([a-z]+)\.?(?:[ -]de)?[ -](\d{4}|\d{2})$/.exec(f);
  if (m && MONTHS[m[2]!]) return okDay(dayFromYmd(year4(m[3]!), MONTHS[m[2]!]!, Number(m[1])));
  // Jan 28 2021, January 28, 2021
  m = /^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)? (\d{4})$/.exec(f);
  if (m && MONTHS[m[1]!]) return okDay(dayFromYmd(Number(m[3]), MONTHS[m[1]!]!, Number(m[2])));
  return { kind: 'error', reason: 'is not a date' };
}

// ---------- other fields ----------

const TRUTHY = new Set(['yes', 'si', 'true', '1', 'x', 'disputed', 'en disputa', 'disputa', 'disputada', 'disputado', 'reclamada', 'reclamado', 'ja', 'oui', 'sim', 'y', 's']);
const FALSY = new Set(['no', 'false', '0', '', 'n', 'nao', 'nein', 'non', '-']);

/** The disputed flag (SPEC §2): null when the value is neither truthy nor falsy. */
export function parseFlag(raw: string): boolean | null {
  const f = fold(raw).trim().replace(/[.!]+$/, '');
  if (TRUTHY.has(f)) return true;
  if (FALSY.has(f)) return false;
  return null;
}

export type StatusKind = 'open' | 'paid' | 'excluded' | 'unknown';

const EXCLUDED_STATUS = ['draft', 'void', 'voided', 'cancelled', 'canceled', 'deleted', 'borrador', 'anulada', 'anulado', 'cancelada', 'cancelado', 'eliminada', 'rascunho', 'cancelada', 'storniert', 'entwurf', 'annulee', 'annule', 'brouillon', 'reversed', 'written off', 'write off', 'castigada', 'revertida'];
const PAID_STATUS = ['paid', 'pagada', 'pagado', 'cobrada', 'cobrado', 'liquidada', 'saldada', 'paga', 'bezahlt', 'payee', 'closed', 'cerrada', 'fully paid', 'paid in full'];
const OPEN_STATUS = ['open', 'unpaid', 'overdue', 'sent', 'partial', 'partially paid', 'awaiting payment', 'authorised', 'authorized', 'approved', 'viewed', 'due', 'outstanding', 'posted', 'pending', 'abierta', 'pendiente', 'vencida', 'vencido', 'por cobrar', 'parcial', 'pagada parcialmente', 'parcialmente pagada', 'emitida', 'enviada', 'timbrada', 'vigente', 'aberta', 'vencida', 'offen', 'ouverte', 'impayee', 'en retard', 'retrasada', 'credit', 'credit note', 'nota de credito'];

/** Invoice status words in en/es/pt/de/fr: draft/void/cancelled are not receivables; paid closes. */
export function classifyStatus(raw: string): StatusKind {
  const f = fold(raw).trim().replace(/\s+/g, ' ');
  if (f === '') return 'open';
  if (EXCLUDED_STATUS.includes(f)) return 'excluded';
  if (PAID_STATUS.includes(f)) return 'paid';
  if (OPEN_STATUS.includes(f)) return 'open';
  return 'unknown';
}

const CURRENCY_SYMBOLS: Readonly<Record<string, string>> = { '€': 'EUR', '£': 'GBP', 'US$': 'USD', 'U$S': 'USD', 'R$': 'BRL', '¥': 'JPY', 'S/': 'PEN', 'S/.': 'PEN' };

// Currency names as accounting systems print them (CONTPAQi "Peso Mexicano", "Dólar Americano"),
// accents folded and plural "s" dropped before lookup.
const CURRENCY_NAMES: Readonly<Record<string, string>> = {
  'peso mexicano': 'MXN', 'peso colombiano': 'COP', 'peso chileno': 'CLP', 'peso argentino': 'ARS', 'peso uruguayo': 'UYU',
  'dolar': 'USD', 'dolare': 'USD', 'dollar': 'USD', 'dolar americano': 'USD', 'dolare americano': 'USD', 'dolare estadounidense': 'USD', 'dolar estadounidense': 'USD', 'us dollar': 'USD', 'dolar de eu': 'USD',
  'euro': 'EUR', 'sol': 'PEN', 'sole': 'PEN', 'real': 'BRL', 'reai': 'BRL', 'libra esterlina': 'GBP', 'pound sterling': 'GBP',
  'quetzal': 'GTQ', 'quetzale': 'GTQ', 'colon': 'CRC', 'colone': 'CRC', 'guarani': 'PYG', 'guaranie': 'PYG', 'boliviano': 'BOB',
};

/** A currency cell → ISO code, or null. `$` alone means the default currency when it is a dollar or peso. */
export function parseCurrency(raw: string, defaultCurrency: string): string | null {
  const s = raw.trim();
  if (/^[A-Za-z]{3}$/.test(s)) return s.toUpperCase();
  if (CURRENCY_SYMBOLS[s]) return CURRENCY_SYMBOLS[s]!;
  if (s === '$' && /^(USD|MXN|COP|ARS|CLP|CAD|AUD|NZD|UYU|XXX)$/.test(defaultCurrency)) return defaultCurrency;
  const f = fold(s).replace(/\s+/g, ' ');
  const named = CURRENCY_NAMES[f.replace(/s\b/g, '')];
  if (named) return named;
  if (/^(pesos?|m\.?n\.?|moneda nacional)$/.test(f) && /^(MXN|COP|CLP|ARS|UYU|DOP|PHP)$/.test(defaultCurrency)) return defaultCurrency;
  return null;
}

/** "Net 30", "30 días", "30" → 30; null when no whole number of days is found. */
export function parseTermsDays(raw: string): number | null {
  const m = /(\d{1,3})/.exec(raw);
  return m ? Number(m[1]) : null;
}
