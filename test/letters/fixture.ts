// The example customer of the letter tests and golden files, as of 2024-05-31, worked out by hand:
//
//   item     invoice date  due date    days overdue            open (minor units)
//   A-1001   2024-02-15    2024-03-16  76 (15+30+31 days)      12,500.00  (1250000)
//   A-1007   2024-03-20    2024-04-19  42 (11+31 days)          8,740.35   (874035)
//   A-1012   2024-04-10    2024-05-10  21                       1,234.50   (123450)
//   NC-0045  2024-05-05    2024-05-05  credit                  -1,000.00  (-100000)
//   A-1020   2024-05-20    2024-06-19  not yet due              3,480.00   (348000)
//
//   overdue subtotal 12,500.00 + 8,740.35 + 1,234.50 = 22,474.85
//   amount asked     22,474.85 − 1,000.00            = 21,474.85  (2147485)
//   balance          21,474.85 + 3,480.00            = 24,954.85  (2495485)
//   deadline         2024-05-31 + 10 days            = 2024-06-10
//
// The courtesy note (upcoming) goes to a customer with nothing overdue:
//   A-1030  2024-05-04 → due 2024-06-03 (in 3 days)  3,480.00 (348000)
//   A-1031  2024-05-07 → due 2024-06-06 (in 6 days)  1,520.00 (152000)
//   total to come due 5,000.00 (500000) = balance.
import { parseIsoDay, type Day } from '../../src/core/dates.js';
import type { LetterInput, LetterItemInput, LetterKind } from '../../src/letters/context.js';
import type { EmailJob } from '../../src/letters/emailjob.js';
import { sampleLetterInputs } from '../../src/letters/render.js';

export function day(iso: string): Day {
  const d = parseIsoDay(iso);
  if (d === null) throw new Error(`bad test date ${iso}`);
  return d;
}

export const AS_OF = day('2024-05-31');

function item(invoice: string, invoiceDate: string, dueDate: string, open: number): LetterItemInput {
  return { invoice, invoiceDate: day(invoiceDate), dueDate: day(dueDate), daysOverdue: AS_OF - day(dueDate), open };
}

const LEVELS: Readonly<Record<LetterKind, number | null>> = { upcoming: null, friendly: 1, firm: 2, formal: 3, final: 4 };

const OVERDUE = [
  item('A-1001', '2024-02-15', '2024-03-16', 1250000),
  item('A-1007', '2024-03-20', '2024-04-19', 874035),
  item('A-1012', '2024-04-10', '2024-05-10', 123450),
];
const CREDITS = [item('NC-0045', '2024-05-05', '2024-05-05', -100000)];
const NOT_YET_DUE = [item('A-1020', '2024-05-20', '2024-06-19', 348000)];
const COURTESY = [item('A-1030', '2024-05-04', '2024-06-03', 348000), item('A-1031', '2024-05-07', '2024-06-06', 152000)];

/** The overdue customer for a ladder kind, or the customer with invoices about to fall due for `upcoming`. */
function lists(kind: LetterKind): Pick<LetterInput, 'invoices' | 'credits' | 'upcoming' | 'amountAsked' | 'balance'> {
  if (kind === 'upcoming') return { invoices: [], credits: [], upcoming: COURTESY, amountAsked: 0, balance: 500000 };
  return { invoices: OVERDUE, credits: CREDITS, upcoming: NOT_YET_DUE, amountAsked: 2147485, balance: 2495485 };
}

/** Spanish example: a Mexican company writing to a Mexican customer in pesos. */
export function spanishInput(kind: LetterKind, overrides: Partial<LetterInput> = {}): LetterInput {
  return {
    kind,
    level: LEVELS[kind],
    lang: 'es',
    locale: 'es-MX',
    asOf: AS_OF,
    customer: {
      name: 'Distribuidora del Norte, S.A. de C.V.',
      customerId: 'DNO940215AB1',
      contact: 'Laura Méndez',
      email: 'pagos@dnorte.mx',
      salesRep: 'Carlos Ortiz',
      currency: 'MXN',
    },
    ...lists(kind),
    company: {
      name: 'Comercializadora Ruiz, S.A. de C.V.',
      email: 'cobranza@ruiz.mx',
      phone: '+52 55 1234 5678',
      address: 'Av. Insurgentes Sur 1234, piso 5\nCol. Del Valle, 03100 Ciudad de México',
      taxId: 'CRU010203AB4',
      website: 'https://ruiz.mx',
    },
    paymentInstructions: 'Transferencia SPEI a la CLABE 0121 8000 1234 5678 90 (BBVA México), a nombre de Comercializadora Ruiz, S.A. de C.V.',
    paymentUrl: 'https://pagos.ruiz.mx/c/DNO940215AB1',
    sender: { name: 'Ana Ruiz', email: 'cobranza@ruiz.mx' },
    ...overrides,
  };
}

/** English example: a US company writing to a US customer in dollars. */
export function englishInput(kind: LetterKind, overrides: Partial<LetterInput> = {}): LetterInput {
  return {
    kind,
    level: LEVELS[kind],
    lang: 'en',
    locale: 'en-US',
    asOf: AS_OF,
    customer: {
      name: 'Northwind Traders, Inc.',
      customerId: 'C-20417',
      contact: 'Laura Mendez',
      email: 'ap@northwind.example',
      salesRep: 'Carl Ortiz',
      currency: 'USD',
    },
    ...lists(kind),
    company: {
      name: 'Ruiz Supply Co.',
      email: 'billing@ruizsupply.example',
      phone: '+1 415 555 0134',
      address: '1200 Market Street, Suite 400\nSan Francisco, CA 94103',
      taxId: '12-3456789',
      website: 'https://ruizsupply.example',
    },
    paymentInstructions: 'ACH or wire transfer to First Example Bank, routing number 121000358, account 000123456789 (Ruiz Supply Co.)',
    paymentUrl: 'https://pay.ruizsupply.example/c/C-20417',
    sender: { name: 'Ana Ruiz', email: 'billing@ruizsupply.example' },
    ...overrides,
  };
}

/**
 * `n` email jobs for renderEmails (letters/parallel.ts): the sample customers of `template` (the
 * full one, or alternately the full and the bare one), each named "Cliente i", with Message-ID <ki@ruiz.mx>.
 */
export function emailJobs(n: number, template: LetterKind, opts: { alternate?: boolean } = {}): EmailJob[] {
  const [full, bare] = sampleLetterInputs(template, 'es');
  return Array.from({ length: n }, (_, i) => ({
    lang: 'es' as const,
    template,
    input: { ...(opts.alternate && i % 2 ? bare! : full!), customer: { ...full!.customer, name: `Cliente ${i}` } },
    mail: {
      from: { name: 'Cobranza', address: 'cobranza@ruiz.mx' },
      to: [{ name: `Cliente ${i}`, address: `c${i}@cliente.mx` }],
      cc: [], bcc: [], replyTo: null,
      messageId: `<k${i}@ruiz.mx>`, date: new Date(Date.UTC(2026, 11, 1, 15)), headers: {},
    },
    fileBase: `${String(i + 1).padStart(3, '0')}-Cliente-${i}-MXN`,
    toText: `c${i}@cliente.mx`,
  }));
}

