import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { isValidAddress, parseAddressList, parseMailbox } from '../../src/mail/address.js';

describe('parseAddressList', () => {
  it('splits a cell on semicolons and commas and trims each address', () => {
    expect(parseAddressList(' pagos@acme.mx; cxp@acme.mx ,tesoreria@grupo-acme.com.mx ;')).toEqual({
      valid: ['pagos@acme.mx', 'cxp@acme.mx', 'tesoreria@grupo-acme.com.mx'],
      invalid: [],
    });
  });

  it('rejects a header-injection cell as a whole instead of finding a second recipient in it', () => {
    const cell = 'cliente@x.com\r\nBcc: victim@y.org';
    expect(parseAddressList(cell)).toEqual({ valid: [], invalid: [cell] });
  });

  it('keeps the valid addresses of a cell and reports the bad ones next to them', () => {
    expect(parseAddressList('ok@acme.mx; Juan Pérez <juan@acme.mx>; roto@; otro@acme.mx')).toEqual({
      valid: ['ok@acme.mx', 'otro@acme.mx'],
      invalid: ['Juan Pérez <juan@acme.mx>', 'roto@'],
    });
  });

  it('refuses group syntax, whose pieces are not addresses', () => {
    expect(parseAddressList('equipo: a@acme.mx, b@acme.mx;').invalid).toEqual(['equipo: a@acme.mx']);
    expect(parseAddressList('undisclosed-recipients:;')).toEqual({ valid: [], invalid: ['undisclosed-recipients:'] });
  });

  it('drops repeated addresses, comparing them case-insensitively, and lower-cases the domain', () => {
    expect(parseAddressList('Pagos@ACME.mx; pagos@acme.MX; PAGOS@acme.mx').valid).toEqual(['Pagos@acme.mx']);
  });

  it('returns nothing for an empty cell', () => {
    expect(parseAddressList('  ; ,, ')).toEqual({ valid: [], invalid: [] });
  });

  it('never returns a valid address holding a line break, space, bracket or control character (property)', () => {
    const piece = fc.oneof(
      fc.constantFrom('a@b.co', 'x.y+z@sub.example.org', '\r\n', 'Bcc:', ' ', '<', '>', '"', '@', ';', ',', '\u0000', '\u2028', '.'),
      fc.string({ maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const { valid } = parseAddressList(parts.join(''));
        for (const address of valid) {
          expect(address).not.toMatch(/[\s<>"()\[\]\\,;:\u0000-\u001f\u007f\u2028\u2029]/);
          expect(address.split('@')).toHaveLength(2);
          expect(isValidAddress(address)).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('isValidAddress', () => {
  it.each([
    'pagos@acme.mx',
    'a.b-c+d_e@mail.grupo-acme.com.mx',
    "o'brien@example.co.uk",
    `${'a'.repeat(64)}@example.com`,
  ])('accepts the plain address %j', (address) => {
    expect(isValidAddress(address)).toBe(true);
  });

  it.each([
    ['a domain without a dot', 'root@localhost'],
    ['a display name', 'Acme <pagos@acme.mx>'],
    ['angle brackets alone', '<pagos@acme.mx>'],
    ['a space', 'pa gos@acme.mx'],
    ['a CR/LF', 'pagos@acme.mx\r\n'],
    ['a tab', 'pagos@\tacme.mx'],
    ['two @', 'a@b@acme.mx'],
    ['a quoted local part', '"john doe"@acme.mx'],
    ['a domain literal', 'x@[192.0.2.1]'],
    ['a leading dot', '.pagos@acme.mx'],
    ['two dots in a row', 'pagos@acme..mx'],
    ['a trailing dot on the domain', 'pagos@acme.mx.'],
    ['a hyphen starting a label', 'pagos@-acme.mx'],
    ['a numeric top-level domain', 'pagos@10.0.0.1'],
    ['a 65-character local part', `${'a'.repeat(65)}@example.com`],
    ['nothing before @', '@acme.mx'],
    ['an empty string', ''],
  ])('rejects %s', (_why, address) => {
    expect(isValidAddress(address)).toBe(false);
  });

  it('accepts an internationalized domain and gives it back in punycode', () => {
    const { valid } = parseAddressList('pagos@compañía.mx');
    expect(valid).toHaveLength(1);
    expect(valid[0]).toMatch(/^pagos@xn--[a-z0-9-]+\.mx$/);
  });
});

describe('parseMailbox', () => {
  it('reads the configured "Name <address>" into a name and a plain address', () => {
    expect(parseMailbox('Cobranza Ruiz <cobranza@ruiz.mx>')).toEqual({ name: 'Cobranza Ruiz', address: 'cobranza@ruiz.mx' });
  });

  it('reads a bare address with an empty name', () => {
    expect(parseMailbox('  cobranza@ruiz.mx ')).toEqual({ name: '', address: 'cobranza@ruiz.mx' });
  });

  it('reads a quoted name holding a comma and an escaped quote', () => {
    expect(parseMailbox('"Ruiz, \\"Cobranza\\"" <cobranza@ruiz.mx>')).toEqual({
      name: 'Ruiz, "Cobranza"',
      address: 'cobranza@ruiz.mx',
    });
  });

  it('keeps accents in the name', () => {
    expect(parseMailbox('Cobranza Peña <cobranza@pena.es>').name).toBe('Cobranza Peña');
  });

  it.each([
    ['a CR/LF in the name', 'Ruiz\r\nBcc: victim@y.org <cobranza@ruiz.mx>'],
    ['a LF after the address', 'cobranza@ruiz.mx\nBcc: victim@y.org'],
    ['two addresses', 'a@ruiz.mx, b@ruiz.mx'],
    ['an unquoted comma in the name', 'Ruiz, Cobranza <cobranza@ruiz.mx>'],
    ['an invalid address inside <>', 'Ruiz <cobranza@localhost>'],
    ['two bracketed addresses', 'Ruiz <a@ruiz.mx> <b@ruiz.mx>'],
    ['nothing', ''],
  ])('refuses %s with a usage error', (_why, text) => {
    expect(() => parseMailbox(text)).toThrow(UsageError);
  });

  it('names the setting and shows line breaks escaped in the message', () => {
    expect(() => parseMailbox('a@b.mx\r\nBcc: c@d.mx', '--from')).toThrow(/^--from: "a@b\.mx\\r\\nBcc: c@d\.mx"/);
  });
});
