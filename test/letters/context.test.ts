// The letter context: every documented variable present (null when unset), safe payment links,
// ledger text cleaned, amounts that must add up, and templates/VARIABLES.md kept in step.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildLetterContext, safePaymentUrl, type LetterContext } from '../../src/letters/context.js';
import { shippedTemplatesDir } from '../../src/letters/render.js';
import { smsContext } from '../../src/letters/sms.js';
import { englishInput, spanishInput } from './fixture.js';

const NBSP = '\u00a0';

function bare() {
  return buildLetterContext(
    spanishInput('friendly', {
      customer: { name: 'Ferretería López', customerId: null, contact: null, email: null, salesRep: null, currency: 'MXN' },
      company: null,
      sender: null,
      paymentInstructions: null,
      paymentUrl: null,
    }),
  );
}

describe('buildLetterContext', () => {
  test('the example customer gets the amounts worked out by hand in fixture.ts', () => {
    const c = buildLetterContext(spanishInput('friendly'));
    expect(c.overdueTotalMinor).toBe(2247485);
    expect(c.overdueTotalFormatted).toBe('$22,474.85');
    expect(c.creditTotalMinor).toBe(-100000);
    expect(c.creditTotalFormatted).toBe('-$1,000.00');
    expect(c.amountAskedFormatted).toBe('$21,474.85');
    expect(c.balanceFormatted).toBe('$24,954.85');
    expect(c.upcomingTotalFormatted).toBe('$3,480.00');
    expect(c.oldestDaysOverdue).toBe(76);
    expect(c.invoiceCount).toBe(3);
    expect(c.creditCount).toBe(1);
    expect(c.deadline).toBe('2024-06-10');
    expect(c.deadlineFormatted).toBe(`10${NBSP}de${NBSP}junio${NBSP}de${NBSP}2024`);
  });

  test('each line carries its dates in three forms and its amount raw and formatted', () => {
    const [first] = buildLetterContext(spanishInput('friendly')).invoices;
    expect(first).toEqual({
      invoice: 'A-1001',
      invoiceDate: '2024-02-15',
      invoiceDateFormatted: `15${NBSP}de${NBSP}febrero${NBSP}de${NBSP}2024`,
      invoiceDateShort: '15/02/2024',
      dueDate: '2024-03-16',
      dueDateFormatted: `16${NBSP}de${NBSP}marzo${NBSP}de${NBSP}2024`,
      dueDateShort: '16/03/2024',
      date: '2024-02-15',
      dateFormatted: `15${NBSP}de${NBSP}febrero${NBSP}de${NBSP}2024`,
      dateShort: '15/02/2024',
      daysOverdue: 76,
      daysOverdueFormatted: '76',
      daysUntilDue: 0,
      daysUntilDueFormatted: '0',
      openMinor: 1250000,
      openFormatted: '$12,500.00',
      interestMinor: null,
      interest: null,
    });
  });

  test('the greeting uses the contact, or the customer name when the ledger has no contact', () => {
    expect(buildLetterContext(spanishInput('friendly')).greetingName).toBe('Laura Méndez');
    expect(bare().greetingName).toBe('Ferretería López');
  });

  test('without company, sender, contact or payment settings every variable is still defined, as null', () => {
    const c = bare();
    expect(c.company).toEqual({ name: null, email: null, phone: null, address: null, addressLines: [], taxId: null, taxIdLabel: 'RFC', website: null });
    expect(c.sender).toEqual({ name: null, email: null });
    expect(c.customer.contact).toBeNull();
    expect(c.paymentUrl).toBeNull();
    expect(c.paymentInstructions).toBeNull();
    expect(c.paymentInstructionsLines).toEqual([]);
  });

  test('a line without an invoice date has null invoice dates and takes its own date from the due date', () => {
    const input = spanishInput('friendly');
    const c = buildLetterContext({ ...input, invoices: [{ ...input.invoices[0]!, invoiceDate: null }], amountAsked: 1250000 - 100000 });
    expect(c.invoices[0]).toMatchObject({ invoiceDate: null, invoiceDateFormatted: null, invoiceDateShort: null, date: '2024-03-16', dateShort: '16/03/2024' });
  });

  test('control characters typed into ledger cells become spaces', () => {
    const c = buildLetterContext(spanishInput('friendly', { customer: { ...spanishInput('friendly').customer, name: 'Acme\r\nBcc: x@y.org\u001b[31m' } }));
    expect(c.customer.name).toBe('Acme  Bcc: x@y.org [31m');
  });

  test('an amount asked that is not overdue minus credits is refused: such a letter must never be written', () => {
    expect(() => buildLetterContext(spanishInput('friendly', { amountAsked: 2247485 }))).toThrow(/amount asked 2247485 ≠ overdue invoices 2247485 \+ credits -100000/);
  });

  test('the tax id label follows the country of the locale', () => {
    const label = (locale: string, lang: 'es' | 'en' = 'es') => buildLetterContext(spanishInput('friendly', { locale, lang })).company.taxIdLabel;
    expect(label('es-MX')).toBe('RFC');
    expect(label('es-CO')).toBe('NIT');
    expect(label('es-ES')).toBe('NIF');
    expect(label('es')).toBe('Id. fiscal');
    expect(label('en-GB', 'en')).toBe('Tax ID');
  });

  test('a courtesy note counts days until each due date', () => {
    const c = buildLetterContext(englishInput('upcoming'));
    expect(c.upcoming.map((i) => i.daysUntilDue)).toEqual([3, 6]);
    expect(c.upcomingTotalFormatted).toBe('$5,000.00');
    expect(c.oldestDaysOverdue).toBeNull();
    expect(c.oldestDaysOverdueFormatted).toBeNull();
  });
});

describe('safePaymentUrl', () => {
  test('keeps absolute http and https links', () => {
    expect(safePaymentUrl('https://pagos.ruiz.mx/c/DNO940215AB1')).toBe('https://pagos.ruiz.mx/c/DNO940215AB1');
    expect(safePaymentUrl('  HTTP://Example.com/pay?x=1&y=2 ')).toBe('http://example.com/pay?x=1&y=2');
  });

  test('refuses script and data links however they are written', () => {
    for (const url of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)']) {
      expect(safePaymentUrl(url), url).toBeNull();
    }
  });

  test('refuses relative text, credentials in the link and empty values', () => {
    for (const url of ['pagos.ruiz.mx', '/pay', 'https://user:pw@evil.example/', 'https://', '', null, undefined]) {
      expect(safePaymentUrl(url), String(url)).toBeNull();
    }
  });

  test('the context never carries a refused link', () => {
    expect(buildLetterContext(spanishInput('friendly', { paymentUrl: 'javascript:alert(1)' })).paymentUrl).toBeNull();
  });
});

// Every variable of templates/VARIABLES.md exists in a context built with nothing optional set,
// and every variable of the context is documented there.
describe('templates/VARIABLES.md', () => {
  const doc = readFileSync(join(shippedTemplatesDir(), 'VARIABLES.md'), 'utf8');
  const helpers = ['money', 'date', 'number', 'plural', 'textTable', 'row', 'spanRow', 'rule'];
  // The letters' variables come before the short messages' section, which adds its own.
  const [letterDoc = '', smsDoc = ''] = doc.split('## Short messages');
  const documented = [...letterDoc.matchAll(/^\| `([a-zA-Z.[\]]+)` \|/gm)].map((m) => m[1]!).filter((v) => !helpers.includes(v));
  const documentedSms = [...smsDoc.matchAll(/^\| `([a-zA-Z.[\]]+)` \|/gm)].map((m) => m[1]!);

  /** "customer.name", "invoices", "invoices[].openMinor"…: the leaf paths of a context. */
  function paths(value: object, prefix: string): string[] {
    return Object.entries(value).flatMap(([k, v]: [string, unknown]) => {
      const p = prefix ? `${prefix}.${k}` : k;
      if (Array.isArray(v)) return [p, ...(v[0] && typeof v[0] === 'object' ? paths(v[0] as object, `${p}[]`) : [])];
      if (v && typeof v === 'object') return paths(v, p);
      return [p];
    });
  }

  test('documents every variable of the context, and nothing that is not in it', () => {
    const c: LetterContext = buildLetterContext(spanishInput('friendly'));
    // credits[] and upcoming[] lines have the same fields as invoices[], documented once.
    const actual = paths(c, '').filter((p) => !p.startsWith('credits[]') && !p.startsWith('upcoming[]')).sort();
    expect([...documented].sort()).toEqual(actual);
  });

  test('documents exactly what a short message adds to the letter, defined even when nothing optional is set', () => {
    const letter = buildLetterContext(spanishInput('friendly'));
    const added = Object.keys(smsContext(letter)).filter((k) => !(k in letter)).sort();
    expect(documentedSms.sort()).toEqual(added);
    const sms = smsContext(bare()) as unknown as Record<string, unknown>;
    for (const k of documentedSms) expect(sms[k], k).not.toBeUndefined();
  });

  test('every documented variable is defined even when nothing optional is set', () => {
    const c = bare() as unknown as Record<string, unknown>;
    for (const path of documented.filter((p) => !p.includes('[]'))) {
      let value: unknown = c;
      for (const key of path.split('.')) value = (value as Record<string, unknown>)[key];
      expect(value, path).not.toBeUndefined();
    }
  });
});
