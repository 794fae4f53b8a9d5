// Short messages: segment counting on hand-counted strings, phone numbers to E.164, the shipped
// SMS templates rendered for the example customers of fixture.ts, template errors, and the CSV batch.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, test } from 'vitest';
import { TemplateError } from '../../src/errors.js';
import { buildLetterContext, LETTER_KINDS } from '../../src/letters/context.js';
import { shippedTemplatesDir } from '../../src/letters/render.js';
import { loadSmsTemplates, plainSmsText, renderSms, smsBatchCsv, smsSegments, toE164 } from '../../src/letters/sms.js';
import { englishInput, spanishInput } from './fixture.js';

describe('smsSegments', () => {
  test('plain ASCII is GSM-7, one septet a character, 160 in one message', () => {
    expect(smsSegments('Hola')).toEqual({ encoding: 'GSM-7', units: 4, segments: 1 });
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 }); // 153 + 8
    expect(smsSegments('a'.repeat(307))).toEqual({ encoding: 'GSM-7', units: 307, segments: 3 }); // 153 + 153 + 1
  });

  test('the Spanish letters of the GSM-7 basic set keep GSM-7: ñ Ñ é É ü Ü à ¿ ¡', () => {
    expect(smsSegments('¿Año? ¡Pingüino! Café, PEÑA, ÜBER, à, É')).toMatchObject({ encoding: 'GSM-7', units: 39 });
    for (const ch of 'ñÑéÉüÜàÇ¿¡§ÄÖäöøØåÅæÆßΔΦΓΛΩΠΨΣΘΞ@£$¥èùìò¤_') expect(smsSegments(ch).encoding, ch).toBe('GSM-7');
  });

  test('á í ó ú (and ç, â, the backtick) are not GSM-7: one of them makes the whole message UCS-2', () => {
    for (const ch of 'áíóúÁÍÓÚçâêõ`') expect(smsSegments(ch).encoding, ch).toBe('UCS-2');
    expect(smsSegments('¿Dónde?')).toEqual({ encoding: 'UCS-2', units: 7, segments: 1 });
    expect(smsSegments('á'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('á'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 }); // 67 + 4
  });

  test('extension characters (€ ^ { } \\ [ ] ~ |) count two septets', () => {
    expect(smsSegments('{}')).toEqual({ encoding: 'GSM-7', units: 4, segments: 1 });
    expect(smsSegments('10 €')).toMatchObject({ units: 5 });
    expect(smsSegments('a'.repeat(158) + '€')).toMatchObject({ units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(159) + '€')).toMatchObject({ units: 161, segments: 2 });
  });

  test('an extension character is never split across two parts', () => {
    // 152 + € (2) + 152 = 306 septets = exactly 2 × 153, but the € cannot start at septet 153:
    // part 1 holds 152, part 2 the € and 151, part 3 the last one.
    expect(smsSegments('a'.repeat(152) + '€' + 'a'.repeat(152))).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 });
  });

  test('an emoji is two UCS-2 units and is not split either', () => {
    expect(smsSegments('a'.repeat(66) + '😀')).toEqual({ encoding: 'UCS-2', units: 68, segments: 1 });
    // 71 units: part 1 takes 66 (the emoji would make 68 > 67), part 2 the emoji and 3.
    expect(smsSegments('a'.repeat(66) + '😀' + 'aaa')).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  });

  test('an empty text still costs one message', () => {
    expect(smsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 1 });
  });
});

describe('toE164', () => {
  test.each([
    ['55 1234 5678', 'es-MX', '+525512345678'],
    ['(55) 1234-5678', 'es-MX', '+525512345678'],
    ['044 55 1234 5678', 'es-MX', '+525512345678'],
    ['045 33 1234 5678', 'es-MX', '+523312345678'],
    ['01 55 1234 5678', 'es-MX', '+525512345678'],
    ['+52 1 55 1234 5678', 'en-US', '+525512345678'],
    ['0052 55 1234 5678', null, '+525512345678'],
    ['300 123 4567', 'es-CO', '+573001234567'],
    ['601 234 5678', 'es-CO', '+576012345678'],
    ['612 34 56 78', 'es-ES', '+34612345678'],
    ['+34 912.345.678', 'es-MX', '+34912345678'],
    ['(415) 555-0134', 'en-US', '+14155550134'],
    ['1-415-555-0134', 'en-US', '+14155550134'],
    ['07911 123456', 'en-GB', '+447911123456'],
    ['+44 (0)20 7946 0958', null, '+442079460958'],
    ['011 15 2345-6789', 'es-AR', '+5491123456789'],
    ['0351 15 123 4567', 'es-AR', '+5493511234567'],
    ['+54 9 11 2345 6789', null, '+5491123456789'],
    ['011 4321-0000', 'es-AR', '+541143210000'],
    ['9 8765 4321', 'es-CL', '+56987654321'],
    ['987 654 321', 'es-PE', '+51987654321'],
    ['01 234 5678', 'es-PE', '+5112345678'],
    ['+49 30 1234567', 'es-ES', '+49301234567'],
    ['55 1234 5678', 'MX', '+525512345678'],
  ] as [string, string | null, string][])('%s (%s) → %s', (phone, locale, expected) => {
    expect(toE164(phone, locale)).toBe(expected);
  });

  test.each([
    ['', 'es-MX', 'empty'],
    ['n/a', 'es-MX', 'not a number'],
    ['55 1234 5678 ext. 12', 'es-MX', 'an extension'],
    ['55 1234 567', 'es-MX', 'nine Mexican digits'],
    ['+52 55 1234 567', null, 'nine digits after +52'],
    ['1234567', 'es-CO', 'an old seven-digit Colombian landline without its area'],
    ['512345678', 'es-ES', 'a Spanish number starting with 5'],
    ['415-055-0134', 'en-US', 'a US exchange starting with 0'],
    ['55 1234 5678', 'es', 'a national number with no country in the locale'],
    ['55 1234 5678', null, 'a national number with no locale'],
    ['+1234567890123456', null, 'sixteen digits (E.164 allows fifteen)'],
    ['+0123456789', null, 'a country code starting with 0'],
  ] as [string, string | null, string][])('%s (%s) is refused: %s', (phone, locale) => {
    expect(toE164(phone, locale)).toBeNull();
  });
});

describe('plain text for SMS', () => {
  test('typographic spaces, quotes, dashes and ellipses become their GSM-7 forms; letters stay', () => {
    expect(plainSmsText('  “Hola” – ‘Peña’…\u00a0$\u202f1\n\nmás ')).toBe('"Hola" - \'Peña\'... $ 1 más');
  });

  test('a decomposed accent is composed first (e + U+0301 → é, which is GSM-7)', () => {
    expect(plainSmsText('Cafe\u0301')).toBe('Café');
    expect(smsSegments(plainSmsText('Cafe\u0301')).encoding).toBe('GSM-7');
  });
});

describe('the shipped SMS templates', () => {
  const langs = [
    { lang: 'es', input: spanishInput, company: 'Comercializadora Ruiz, S.A. de C.V.', phone: '+52 55 1234 5678', amount: '$21,474.85' },
    { lang: 'en', input: englishInput, company: 'Ruiz Supply Co.', phone: '+1 415 555 0134', amount: '$21,474.85' },
  ] as const;

  for (const { lang, input, company, phone, amount } of langs) {
    for (const kind of LETTER_KINDS) {
      test(`the ${lang} ${kind} message names the company, its phone, the amount and the oldest invoice, in one GSM-7 part`, async () => {
        const t = await loadSmsTemplates([shippedTemplatesDir()], lang);
        const sms = renderSms(t, buildLetterContext(input(kind)));
        expect(sms.text).toContain(company);
        expect(sms.text).toContain(phone);
        // The courtesy note asks for nothing yet: it names the invoice falling due first (A-1030, 3,480.00, due 2024-06-03).
        expect(sms.text).toContain(kind === 'upcoming' ? '$3,480.00' : amount);
        expect(sms.text).toContain(kind === 'upcoming' ? 'A-1030' : 'A-1001');
        expect(sms.segments).toMatchObject({ encoding: 'GSM-7', segments: 1 });
        expect(sms.warnings).toEqual([]);
      });
    }
  }

  test('the Spanish friendly message, counted by hand: 36 + 21 + 10 + 26 + 39 + 22 = 154 septets', async () => {
    const t = await loadSmsTemplates([shippedTemplatesDir()], 'es');
    const sms = renderSms(t, buildLetterContext(spanishInput('friendly')));
    expect(sms.text).toBe(
      'Comercializadora Ruiz, S.A. de C.V.: su saldo vencido es $21,474.85 (factura A-1001 y otras). Si ya hizo el pago, ignore este aviso. Tel. +52 55 1234 5678',
    );
    expect(sms.segments).toEqual({ encoding: 'GSM-7', units: 154, segments: 1 });
  });

  test('the oldest invoice is the most overdue one, whatever the order of the list', async () => {
    const t = await loadSmsTemplates([shippedTemplatesDir()], 'es');
    const base = spanishInput('firm');
    const sms = renderSms(t, buildLetterContext({ ...base, invoices: [...base.invoices].reverse() }));
    expect(sms.text).toContain('(factura A-1001 y otras)');
  });

  test('a Colombian amount in pesos (written with a no-break space) stays GSM-7 and one part', async () => {
    const t = await loadSmsTemplates([shippedTemplatesDir()], 'es');
    const base = spanishInput('friendly');
    const sms = renderSms(t, buildLetterContext({ ...base, locale: 'es-CO', customer: { ...base.customer, currency: 'COP' } }));
    expect(sms.text).toContain('$ 21.474,85');
    expect(sms.segments).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  test('a company name with "ó" makes the message UCS-2, and the warning names the character', async () => {
    const t = await loadSmsTemplates([shippedTemplatesDir()], 'es');
    const base = spanishInput('friendly');
    const sms = renderSms(t, buildLetterContext({ ...base, company: { ...base.company, name: 'Distribución Pérez' } }));
    expect(sms.segments.encoding).toBe('UCS-2');
    expect(sms.segments.segments).toBe(3); // 137 units: 67 + 67 + 3
    expect(sms.segments.units).toBe(137);
    expect(sms.warnings).toHaveLength(1);
    expect(sms.warnings[0]).toMatch(/friendly\.sms\.hbs: the message to "Distribuidora del Norte, S\.A\. de C\.V\." needs 3 SMS parts: 137 UCS-2 units, one part holds 70 \("ó" is not in the GSM-7 alphabet/);
  });

  test('without a company in the config the message still reads well', async () => {
    const t = await loadSmsTemplates([shippedTemplatesDir()], 'en');
    const sms = renderSms(t, buildLetterContext(englishInput('formal', { company: null })));
    expect(sms.text).toBe('formal notice. Overdue balance $21,474.85 (invoice A-1001 and others). Please pay by 06/10/2024.');
  });
});

describe('SMS template errors', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function folder(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'dunning-sms-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'es'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'es', name), text);
    return dir;
  }

  test('a client folder\'s template replaces the shipped one of the same name only', async () => {
    const dir = folder({ 'friendly.sms.hbs': 'Pague {{amountAskedFormatted}}' });
    const t = await loadSmsTemplates([dir, shippedTemplatesDir()], 'es');
    expect(renderSms(t, buildLetterContext(spanishInput('friendly'))).text).toBe('Pague $21,474.85');
    expect(renderSms(t, buildLetterContext(spanishInput('firm'))).text).toMatch(/segundo aviso/);
    expect(t.names).toEqual(['final', 'firm', 'formal', 'friendly', 'upcoming']);
  });

  test('an unknown variable is found when loading, with file and line', async () => {
    const dir = folder({ 'friendly.sms.hbs': 'Hola\n{{amountAskd}}' });
    await expect(loadSmsTemplates([dir], 'es')).rejects.toThrow(TemplateError);
    await expect(loadSmsTemplates([dir], 'es')).rejects.toThrow(`${join(dir, 'es', 'friendly.sms.hbs')}, line 2: unknown variable or helper "amountAskd"`);
  });

  test('a helper argument typo, a syntax error, a partial and a bad file name are template errors too', async () => {
    await expect(loadSmsTemplates([folder({ 'firm.sms.hbs': '{{money amountAskdMinor}}' })], 'es')).rejects.toThrow(/firm\.sms\.hbs, line 1: money: an argument is not a known variable/);
    await expect(loadSmsTemplates([folder({ 'firm.sms.hbs': 'x\n{{#if level}}' })], 'es')).rejects.toThrow(/firm\.sms\.hbs, line \d+: /);
    await expect(loadSmsTemplates([folder({ 'firm.sms.hbs': '{{> signature.text}}' })], 'es')).rejects.toThrow(/firm\.sms\.hbs.*cannot use partials/);
    await expect(loadSmsTemplates([folder({ 'my.letter.sms.hbs': 'x' })], 'es')).rejects.toThrow(/my\.letter\.sms\.hbs: unexpected short-message template name/);
  });

  test('a message that comes out empty is an error; one that starts like a formula gets a warning', async () => {
    const empty = await loadSmsTemplates([folder({ 'custom.sms.hbs': '{{#if paymentUrl}}{{paymentUrl}}{{/if}}' })], 'es').catch((e: unknown) => e);
    expect(String(empty)).toMatch(/custom\.sms\.hbs: the short message is empty for this customer/);
    const t = await loadSmsTemplates([folder({ 'custom.sms.hbs': '-{{amountAskedFormatted}}' })], 'es');
    expect(renderSms(t, buildLetterContext(spanishInput('friendly')), 'custom').warnings[0]).toMatch(/starts with "-"/);
  });

  test('a missing template says which one and where it was looked for', async () => {
    const dir = folder({ 'friendly.sms.hbs': 'x' });
    const t = await loadSmsTemplates([dir], 'es');
    expect(() => renderSms(t, buildLetterContext(spanishInput('firm')))).toThrow(`no short-message template firm.sms.hbs for "es" in ${join(dir, 'es')}`);
  });
});

describe('smsBatchCsv', () => {
  test('header, CRLF, no BOM, RFC 4180 quoting, formulas neutralized in text cells and the phone quoted but not prefixed', () => {
    const csv = smsBatchCsv([
      { phone: '+525512345678', message: 'Hola, "Laura"', customer: '=HYPERLINK("http://x")', key: '-k1' },
      { phone: '+14155550134', message: 'Pay $10', customer: 'Northwind', key: 'k2' },
    ]);
    expect(csv).toBe(
      'phone,message,customer,key\r\n' +
        '"+525512345678","Hola, ""Laura""","\'=HYPERLINK(""http://x"")",\'-k1\r\n' +
        '"+14155550134",Pay $10,Northwind,k2\r\n',
    );
  });

  test('a gateway reading it as RFC 4180 gets the number with its "+" and the message unchanged', () => {
    const message = 'Comercializadora Ruiz: saldo $21,474.85, línea 2\nPeña';
    const rows = parse(smsBatchCsv([{ phone: '+573001234567', message, customer: 'Peña', key: 'abc' }]), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([{ phone: '+573001234567', message, customer: 'Peña', key: 'abc' }]);
  });

  test('a phone that is not E.164 is a bug upstream and throws', () => {
    expect(() => smsBatchCsv([{ phone: '55 1234 5678', message: 'x', customer: 'c', key: 'k' }])).toThrow(/not an E\.164 number/);
    expect(() => smsBatchCsv([{ phone: '+52=1+2', message: 'x', customer: 'c', key: 'k' }])).toThrow(/not an E\.164 number/);
  });

  test('no rows: the header alone', () => {
    expect(smsBatchCsv([])).toBe('phone,message,customer,key\r\n');
  });
});
