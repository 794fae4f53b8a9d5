// The letter context: every variable a template can use, built from one customer's letter input
// (SPEC §4). Owns what a letter says in numbers: which invoices, which credits, the amount asked,
// the balance, and how each is written in the letter's locale. templates/VARIABLES.md documents
// every field below with an example; keep the two in step.
//
// Why it is built this way:
// - Every documented variable is always present (null when unset: no company in the config, no
//   paymentUrl, no contact), so Handlebars strict mode stops on a typo like {{nmae}} and never on a
//   missing setting.
// - paymentUrl is sanitized here, not in the template: `href="{{paymentUrl}}"` is escaped for HTML
//   but lets `javascript:alert(1)` through, so only an absolute http(s) URL survives.
// - Ledger text (names, invoice numbers) loses control characters: a multi-line cell or an ESC
//   typed into a name would otherwise break the text part's aligned table or the subject line.
// - The amount asked must equal the overdue invoices minus the credits listed: a letter whose
//   lines do not add up must never be written (it would be a bug upstream, so a plain Error).
import { isoOfDay, type Day } from '../core/dates.js';
import { type Minor } from '../core/money.js';
import { intlLocale } from '../render/format.js';
import { formatDateLong, formatDateShort, formatLetterMoney, formatNumber } from './format.js';

export type LetterKind = 'upcoming' | 'friendly' | 'firm' | 'formal' | 'final';

/** The shipped letter kinds: the four levels of the ladder and the courtesy note before the due date. */
export const LETTER_KINDS: readonly LetterKind[] = ['upcoming', 'friendly', 'firm', 'formal', 'final'];

/** Days the formal and final letters give the customer to pay or get in touch, unless the input says otherwise. */
export const DEFAULT_DEADLINE_DAYS = 10;

/** One open item of the customer (invoice, instalment or credit) as the letter input gives it. */
export interface LetterItemInput {
  readonly invoice: string;
  readonly invoiceDate: Day | null;
  readonly dueDate: Day;
  /** asOf − dueDate: positive when overdue, 0 on the due date, negative before it. */
  readonly daysOverdue: number;
  /** Open amount in minor units of the customer's currency (credits are negative). */
  readonly open: Minor;
}

/** The customer as the ledger names it (the context cleans the text: control characters removed). */
export interface LetterCustomer {
  readonly name: string;
  readonly customerId: string | null;
  readonly contact: string | null;
  readonly email: string | null;
  readonly salesRep: string | null;
  /** ISO 4217 code of every amount in this letter. */
  readonly currency: string;
}

export interface LetterCompanyInput {
  readonly name?: string | null;
  readonly email?: string | null;
  readonly phone?: string | null;
  readonly address?: string | null;
  readonly taxId?: string | null;
  readonly website?: string | null;
}

export interface LetterInput {
  readonly kind: LetterKind;
  /** 1–4 for the ladder letters, null for `upcoming`. */
  readonly level: number | null;
  readonly lang: 'es' | 'en';
  /** BCP 47 tag the amounts and dates are written in: es-MX, es-CO, es-ES, en-US, en-GB… */
  readonly locale: string;
  readonly asOf: Day;
  readonly customer: LetterCustomer;
  /** Overdue dunnable invoices (positive open amounts), oldest first as the caller orders them. */
  readonly invoices: readonly LetterItemInput[];
  /** Credits (negative open amounts) that reduce the amount asked. */
  readonly credits: readonly LetterItemInput[];
  /** Open invoices not yet due. */
  readonly upcoming: readonly LetterItemInput[];
  /** Overdue dunnable amounts minus credits, in minor units. */
  readonly amountAsked: Minor;
  /** The customer's whole open balance in this currency, in minor units. */
  readonly balance: Minor;
  readonly company: LetterCompanyInput | null;
  readonly paymentInstructions: string | null;
  readonly paymentUrl: string | null;
  readonly sender: { readonly name: string | null; readonly email: string | null } | null;
  /** Days from asOf for the formal/final deadline; default DEFAULT_DEADLINE_DAYS. */
  readonly deadlineDays?: number;
  /** Late-payment interest, fixed compensation and the level's fee (core/charges.ts), when configured. */
  readonly charges?: LetterChargesInput | null;
}

/** What the letter claims beyond the open amounts; minor units of the letter's currency. */
export interface LetterChargesInput {
  /** Interest per invoice (and instalment: same invoice number, its due date). */
  readonly perInvoice: readonly { readonly invoice: string; readonly dueDate: Day; readonly interest: Minor }[];
  readonly interestTotal: Minor;
  readonly fixedCompensation: Minor;
  readonly fee: Minor;
}

/** One line of a letter's tables. Example values are for A-1001, 12,500.00 MXN, es-MX, as of 2024-05-31. */
export interface LetterItem {
  /** Invoice (or credit note) number as in the ledger: "A-1001". */
  readonly invoice: string;
  /** "2024-02-15", or null when the ledger has no invoice date. */
  readonly invoiceDate: string | null;
  /** "15 de febrero de 2024" / "February 15, 2024", or null. */
  readonly invoiceDateFormatted: string | null;
  /** "15/02/2024" / "02/15/2024", or null. */
  readonly invoiceDateShort: string | null;
  /** "2024-03-16". */
  readonly dueDate: string;
  /** "16 de marzo de 2024". */
  readonly dueDateFormatted: string;
  /** "16/03/2024". */
  readonly dueDateShort: string;
  /** The document's own date: invoiceDate, else dueDate (a credit's date): "2024-02-15". */
  readonly date: string;
  readonly dateFormatted: string;
  readonly dateShort: string;
  /** 76 (0 on the due date, negative before it). */
  readonly daysOverdue: number;
  /** "76". */
  readonly daysOverdueFormatted: string;
  /** Days left until the due date, never negative: 0 once due. For courtesy notes. */
  readonly daysUntilDue: number;
  readonly daysUntilDueFormatted: string;
  /** 1250000 (minor units: 12,500.00). */
  readonly openMinor: Minor;
  /** "$12,500.00". */
  readonly openFormatted: string;
  /** Late-payment interest on this invoice in minor units, or null when no interest is configured. */
  readonly interestMinor: Minor | null;
  /** The same, formatted ("$41.10"), or null. */
  readonly interest: string | null;
}

export interface LetterContext {
  readonly kind: LetterKind;
  readonly level: number | null;
  readonly lang: 'es' | 'en';
  readonly locale: string;
  readonly currency: string;
  readonly asOf: string;
  readonly asOfFormatted: string;
  readonly asOfShort: string;
  readonly deadlineDays: number;
  readonly deadline: string;
  readonly deadlineFormatted: string;
  readonly deadlineShort: string;
  readonly customer: LetterCustomer;
  /** The contact's name when the ledger has one, else the customer's name. */
  readonly greetingName: string;
  readonly company: {
    readonly name: string | null;
    readonly email: string | null;
    readonly phone: string | null;
    readonly address: string | null;
    readonly addressLines: readonly string[];
    readonly taxId: string | null;
    /** "RFC" (es-MX), "NIT" (es-CO), "NIF" (es-ES), "Id. fiscal" (other es), "Tax ID" (en). */
    readonly taxIdLabel: string;
    readonly website: string | null;
  };
  readonly sender: { readonly name: string | null; readonly email: string | null };
  readonly invoices: readonly LetterItem[];
  readonly credits: readonly LetterItem[];
  readonly upcoming: readonly LetterItem[];
  readonly invoiceCount: number;
  readonly creditCount: number;
  readonly upcomingCount: number;
  /** The most days overdue among the listed invoices, or null when none is listed. */
  readonly oldestDaysOverdue: number | null;
  readonly oldestDaysOverdueFormatted: string | null;
  readonly overdueTotalMinor: Minor;
  readonly overdueTotalFormatted: string;
  /** Sum of the credits: zero or negative. */
  readonly creditTotalMinor: Minor;
  readonly creditTotalFormatted: string;
  readonly upcomingTotalMinor: Minor;
  readonly upcomingTotalFormatted: string;
  readonly amountAskedMinor: Minor;
  readonly amountAskedFormatted: string;
  readonly balanceMinor: Minor;
  readonly balanceFormatted: string;
  readonly paymentInstructions: string | null;
  readonly paymentInstructionsLines: readonly string[];
  /** An absolute http(s) URL, or null (unset or refused by safePaymentUrl). */
  readonly paymentUrl: string | null;
  /** True when the letter claims interest, compensation or a fee. */
  readonly hasCharges: boolean;
  readonly interestTotalMinor: Minor;
  readonly interestTotal: string;
  readonly fixedCompensationMinor: Minor;
  readonly fixedCompensation: string;
  /** The fee of this letter's level (charged once per level). */
  readonly feesMinor: Minor;
  readonly fees: string;
  /** amountAsked + interest + compensation + fee. */
  readonly totalWithChargesMinor: Minor;
  readonly totalWithCharges: string;
}

/**
 * The payment link when it is safe to put in an href: an absolute http: or https: URL without
 * credentials, normalized by the URL parser; null otherwise (javascript:, data:, relative text).
 * The remind command can call it to warn about a refused setting.
 */
export function safePaymentUrl(url: string | null | undefined): string | null {
  if (url === null || url === undefined) return null;
  const text = url.trim();
  if (!/^https?:\/\//i.test(text)) return null;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return null;
  if (parsed.username || parsed.password || !parsed.hostname) return null;
  return parsed.href;
}

/** Ledger or config text fit for a letter: control characters become spaces, ends trimmed; "" → null. */
function clean(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const t = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim();
  return t === '' ? null : t;
}

/** Multi-line config text (address, payment instructions) → its non-empty lines, each cleaned. */
function lines(text: string | null | undefined): readonly string[] {
  if (!text) return [];
  return text
    .split(/\r\n|\r|\n/)
    .map((l) => clean(l))
    .filter((l): l is string => l !== null);
}

// The name a bookkeeper expects next to the company's tax id, by the letter's country.
const TAX_ID_LABELS: Readonly<Record<string, string>> = {
  MX: 'RFC', CO: 'NIT', ES: 'NIF', AR: 'CUIT', CL: 'RUT', PE: 'RUC', EC: 'RUC', PY: 'RUC', UY: 'RUT',
  VE: 'RIF', GT: 'NIT', BO: 'NIT', HN: 'RTN', PA: 'RUC', DO: 'RNC', CR: 'Cédula jurídica',
};

function taxIdLabel(lang: 'es' | 'en', locale: string): string {
  if (lang === 'en') return 'Tax ID';
  let region: string | undefined;
  try {
    region = new Intl.Locale(locale).region;
  } catch {
    region = undefined;
  }
  return (region && TAX_ID_LABELS[region]) || 'Id. fiscal';
}

function sum(values: readonly Minor[]): Minor {
  let total = 0;
  for (const v of values) total += v;
  if (!Number.isSafeInteger(total)) throw new RangeError('letter amount total exceeds exact integer range');
  return total;
}

function item(input: LetterItemInput, currency: string, locale: string, interest: Minor | null = null): LetterItem {
  const own = input.invoiceDate ?? input.dueDate;
  const untilDue = Math.max(0, -input.daysOverdue);
  return {
    invoice: clean(input.invoice) ?? '',
    invoiceDate: input.invoiceDate === null ? null : isoOfDay(input.invoiceDate),
    invoiceDateFormatted: input.invoiceDate === null ? null : formatDateLong(input.invoiceDate, locale),
    invoiceDateShort: input.invoiceDate === null ? null : formatDateShort(input.invoiceDate, locale),
    dueDate: isoOfDay(input.dueDate),
    dueDateFormatted: formatDateLong(input.dueDate, locale),
    dueDateShort: formatDateShort(input.dueDate, locale),
    date: isoOfDay(own),
    dateFormatted: formatDateLong(own, locale),
    dateShort: formatDateShort(own, locale),
    daysOverdue: input.daysOverdue,
    daysOverdueFormatted: formatNumber(input.daysOverdue, locale, 0),
    daysUntilDue: untilDue,
    daysUntilDueFormatted: formatNumber(untilDue, locale, 0),
    openMinor: input.open,
    openFormatted: formatLetterMoney(input.open, currency, locale),
    interestMinor: interest,
    interest: interest === null ? null : formatLetterMoney(interest, currency, locale),
  };
}

/** Every variable of one letter, ready for renderLetter. Throws when the amounts do not add up. */
export function buildLetterContext(input: LetterInput): LetterContext {
  const locale = intlLocale(input.locale);
  const currency = input.customer.currency;
  const money = (minor: Minor): string => formatLetterMoney(minor, currency, locale);

  const overdueTotal = sum(input.invoices.map((i) => i.open));
  const creditTotal = sum(input.credits.map((i) => i.open));
  const upcomingTotal = sum(input.upcoming.map((i) => i.open));
  if (input.kind !== 'upcoming' && input.amountAsked !== overdueTotal + creditTotal) {
    throw new Error(
      `letter for "${input.customer.name}": amount asked ${input.amountAsked} ≠ overdue invoices ${overdueTotal} + credits ${creditTotal} (minor units)`,
    );
  }

  const charges = input.charges ?? null;
  const chargesTotal = charges ? charges.interestTotal + charges.fixedCompensation + charges.fee : 0;
  const deadlineDays = input.deadlineDays ?? DEFAULT_DEADLINE_DAYS;
  const deadline = input.asOf + deadlineDays;
  const oldest = input.invoices.length ? Math.max(...input.invoices.map((i) => i.daysOverdue)) : null;
  const name = clean(input.customer.name) ?? clean(input.customer.customerId) ?? '';
  const contact = clean(input.customer.contact);
  const company = input.company ?? {};
  const instructions = input.paymentInstructions?.trim() ? input.paymentInstructions.trim() : null;

  return {
    kind: input.kind,
    level: input.level,
    lang: input.lang,
    locale,
    currency,
    asOf: isoOfDay(input.asOf),
    asOfFormatted: formatDateLong(input.asOf, locale),
    asOfShort: formatDateShort(input.asOf, locale),
    deadlineDays,
    deadline: isoOfDay(deadline),
    deadlineFormatted: formatDateLong(deadline, locale),
    deadlineShort: formatDateShort(deadline, locale),
    customer: {
      name,
      customerId: clean(input.customer.customerId),
      contact,
      email: clean(input.customer.email),
      salesRep: clean(input.customer.salesRep),
      currency,
    },
    greetingName: contact ?? name,
    company: {
      name: clean(company.name),
      email: clean(company.email),
      phone: clean(company.phone),
      address: company.address?.trim() ? company.address.trim() : null,
      addressLines: lines(company.address),
      taxId: clean(company.taxId),
      taxIdLabel: taxIdLabel(input.lang, locale),
      website: clean(company.website),
    },
    sender: { name: clean(input.sender?.name), email: clean(input.sender?.email) },
    invoices: input.invoices.map((i) => item(i, currency, locale, charges ? (charges.perInvoice.find((p) => p.invoice === i.invoice && p.dueDate === i.dueDate)?.interest ?? 0) : null)),
    credits: input.credits.map((i) => item(i, currency, locale)),
    upcoming: input.upcoming.map((i) => item(i, currency, locale)),
    invoiceCount: input.invoices.length,
    creditCount: input.credits.length,
    upcomingCount: input.upcoming.length,
    oldestDaysOverdue: oldest,
    oldestDaysOverdueFormatted: oldest === null ? null : formatNumber(oldest, locale, 0),
    overdueTotalMinor: overdueTotal,
    overdueTotalFormatted: money(overdueTotal),
    creditTotalMinor: creditTotal,
    creditTotalFormatted: money(creditTotal),
    upcomingTotalMinor: upcomingTotal,
    upcomingTotalFormatted: money(upcomingTotal),
    amountAskedMinor: input.amountAsked,
    amountAskedFormatted: money(input.amountAsked),
    balanceMinor: input.balance,
    balanceFormatted: money(input.balance),
    paymentInstructions: instructions,
    paymentInstructionsLines: lines(instructions),
    paymentUrl: safePaymentUrl(input.paymentUrl),
    hasCharges: chargesTotal > 0,
    interestTotalMinor: charges?.interestTotal ?? 0,
    interestTotal: money(charges?.interestTotal ?? 0),
    fixedCompensationMinor: charges?.fixedCompensation ?? 0,
    fixedCompensation: money(charges?.fixedCompensation ?? 0),
    feesMinor: charges?.fee ?? 0,
    fees: money(charges?.fee ?? 0),
    totalWithChargesMinor: input.amountAsked + chargesTotal,
    totalWithCharges: money(input.amountAsked + chargesTotal),
  };
}
