// The raw letter written by mail/mime.ts (through buildRawMessage), read back with mailparser:
// what a bookkeeper's customer sees must be exactly what the letter said — accents, emoji, long
// lines, lines a transport would eat ("." and "From " at a line start), every kind of line end —
// and the bytes must stay within RFC 5322 / 2045 limits (7-bit, body lines ≤ 76, no Bcc header).
import fc from 'fast-check';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { encodedWords, rfc5322Date, unstructuredWords } from '../../src/mail/mime.js';
import { buildRawMessage, type RawMessageInput } from '../../src/mail/smtp.js';

function letter(extra: Partial<RawMessageInput> = {}): RawMessageInput {
  return {
    from: { name: 'Cobranza Ruiz', address: 'cobranza@ruiz.mx' },
    to: [{ name: 'José Núñez', address: 'jose@acme.mx' }],
    subject: 'Recordatorio de pago',
    text: 'Estimado cliente:\n',
    html: '<p>Estimado cliente:</p>',
    messageId: '<k1@ruiz.mx>',
    date: new Date('2024-05-31T15:00:00.000Z'),
    ...extra,
  };
}

async function roundTrip(input: RawMessageInput): Promise<{ raw: string; mail: ParsedMail }> {
  const raw = await buildRawMessage(input);
  return { raw: raw.toString('latin1'), mail: await simpleParser(raw) };
}

function addresses(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value.map((v) => ({ name: v.name, address: v.address ?? '' })));
}

function headerBlock(raw: string): string {
  return raw.slice(0, raw.indexOf('\r\n\r\n'));
}

/** Every line of the message, split on CRLF only (a bare CR or LF would itself be a fault). */
function lines(raw: string): string[] {
  return raw.split('\r\n');
}

const normalized = (text: string): string => text.replace(/\r\n?/g, '\n');

describe('the raw message read back by a mail parser', () => {
  it('gives back text and HTML exactly, whatever the characters and line ends', async () => {
    const text = [
      'Estimado Sr. Núñez: su saldo es de 1.234,50 € 😀 (emoji) — gracias.',
      '.una línea que empieza con punto',
      '..dos puntos',
      'From the desk of Cobranza (mbox would write ">From")',
      'From:no space, so it is left alone',
      'a = b; =3D is not an escape here; =?UTF-8?Q?x?= is not a word here',
      'espacios al final   ',
      'tab al final\t',
      `una línea muy larga ${'palabra '.repeat(200)}fin`,
      `${'x'.repeat(2000)}`,
      'ñ'.repeat(100),
      '',
      'CRLF\r\nCR alone\rand LF\n',
    ].join('\n');
    const html = `<p style="color:#222">Pérez &amp; Hijos — ${'<span>ñandú</span> '.repeat(300)}</p>\n.<br>\nFrom here`;
    const { raw, mail } = await roundTrip(letter({ text, html }));
    expect(mail.text).toBe(normalized(text));
    expect(mail.html).toBe(html);
    expect(raw).toMatch(/^[\x20-\x7e\r\n\t]*$/); // 7-bit
    for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(76);
    // No body line starts with "." or "From " (a transport without dot-stuffing, an mbox file).
    expect(lines(raw).filter((l) => l.startsWith('.') || l.startsWith('From '))).toEqual([]);
  });

  it('keeps a 76-character line whole, breaks a 77-character one, and encodes a blank before a line end', async () => {
    const text = `${'a'.repeat(76)}\n${'b'.repeat(77)}\n${'c'.repeat(75)} \nd\t\n`;
    const { raw, mail } = await roundTrip(letter({ text, html: '' }));
    const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
    // 76 fits exactly; 77 is 75 + "=" soft break + 2; the 76th character, a space before the line
    // end, must be encoded (=20), which no longer fits: soft break first. A tab before a line end is =09.
    expect(body).toBe(`${'a'.repeat(76)}\r\n${'b'.repeat(75)}=\r\nbb\r\n${'c'.repeat(75)}=\r\n=20\r\nd=09\r\n`);
    expect(mail.text).toBe(text);
  });

  it('writes text and HTML as a multipart/alternative in quoted-printable', async () => {
    const { raw, mail } = await roundTrip(letter());
    expect(raw).toMatch(/^Content-Type: multipart\/alternative;\r\n boundary="=_/m);
    expect(raw.match(/Content-Transfer-Encoding: quoted-printable/g)).toHaveLength(2);
    expect(mail.text).toBe('Estimado cliente:\n');
    expect(mail.html).toBe('<p>Estimado cliente:</p>');
  });

  it('leaves the HTML part out when the HTML is empty, and the text part when the text is', async () => {
    const textOnly = await roundTrip(letter({ html: '' }));
    expect(textOnly.raw).not.toMatch(/multipart/);
    expect(textOnly.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8$/m);
    expect(textOnly.mail.text).toBe('Estimado cliente:\n');
    expect(textOnly.mail.html).toBe(false);
    const htmlOnly = await roundTrip(letter({ text: '' }));
    expect(htmlOnly.raw).toMatch(/^Content-Type: text\/html; charset=utf-8$/m);
    expect(htmlOnly.mail.html).toBe('<p>Estimado cliente:</p>');
  });

  it('keeps the Message-ID, the date, the custom headers and Cc, and never writes Bcc', async () => {
    const { raw, mail } = await roundTrip(letter({
      cc: [{ name: 'Ventas', address: 'ventas@ruiz.mx' }, 'gerencia@ruiz.mx'],
      bcc: ['archivo@ruiz.mx', { name: 'Auditoría', address: 'auditoria@ruiz.mx' }],
      replyTo: { name: 'Pagos Ruiz', address: 'pagos@ruiz.mx' },
      headers: { 'X-Dunning-Key': '34009263be85b4907027a532599c7032', 'X-Dunning-Level': '2' },
      date: new Date('2024-02-29T23:59:58.000Z'),
    }));
    expect(mail.messageId).toBe('<k1@ruiz.mx>');
    expect(mail.date?.toISOString()).toBe('2024-02-29T23:59:58.000Z');
    expect(headerBlock(raw)).toContain('\r\nDate: Thu, 29 Feb 2024 23:59:58 +0000');
    expect(mail.headers.get('x-dunning-key')).toBe('34009263be85b4907027a532599c7032');
    expect(mail.headers.get('x-dunning-level')).toBe('2');
    expect(addresses(mail.cc)).toEqual([{ name: 'Ventas', address: 'ventas@ruiz.mx' }, { name: '', address: 'gerencia@ruiz.mx' }]);
    expect(addresses(mail.replyTo)).toEqual([{ name: 'Pagos Ruiz', address: 'pagos@ruiz.mx' }]);
    expect(mail.bcc).toBeUndefined();
    expect(raw).not.toMatch(/archivo|auditoria|Auditor/i);
  });

  it('encodes long non-ASCII names and subjects as words a reader decodes back, in folded lines', async () => {
    const long = 'Distribuidora Peñíscola de Ópticas y Ferretería Núñez-Ibáñez e Hijos, S.A. de C.V. 😀';
    const subject = `Último aviso: saldo vencido de 4.212.464,46 € — factura F-2024-002852 de «${long}» ?= =?x?=`;
    const { raw, mail } = await roundTrip(letter({
      from: { name: long, address: 'cobranza@ruiz.mx' },
      to: [{ name: long, address: 'a@acme.mx' }, { name: 'Acme, Inc. "the best" \\ co', address: 'b@acme.mx' }, 'c@acme.mx', { name: 'Ana Pérez', address: 'd@acme.mx' }],
      subject,
    }));
    expect(addresses(mail.from)).toEqual([{ name: long, address: 'cobranza@ruiz.mx' }]);
    expect(addresses(mail.to)).toEqual([
      { name: long, address: 'a@acme.mx' },
      { name: 'Acme, Inc. "the best" \\ co', address: 'b@acme.mx' },
      { name: '', address: 'c@acme.mx' },
      { name: 'Ana Pérez', address: 'd@acme.mx' },
    ]);
    expect(mail.subject).toBe(subject);
    const head = headerBlock(raw);
    expect(head).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    // Folded: every header line within 998 characters, and these within 80 (78 plus a little for a first word).
    for (const line of lines(head)) expect(line.length).toBeLessThanOrEqual(84);
  });

  it('leaves an ASCII subject readable and folds it at spaces', async () => {
    const subject = `Final notice: overdue balance of MX$4,212,464.46 on ${'account '.repeat(12)}end`;
    const { raw, mail } = await roundTrip(letter({ subject }));
    expect(mail.subject).toBe(subject);
    const subjectLines = /\r\nSubject: .*(?:\r\n .*)*/.exec(headerBlock(raw))![0];
    expect(subjectLines).toMatch(/^\r\nSubject: Final notice: overdue balance of MX\$4,212,464\.46 on account/);
    expect(subjectLines).not.toContain('=?UTF-8?');
    for (const line of lines(subjectLines)) expect(line.length).toBeLessThanOrEqual(78);
  });
});

describe('attachments', () => {
  // Every byte value, CR/LF pairs, a lone dot line and "From " at a line start.
  const pdf = Buffer.concat([
    Buffer.from('%PDF-1.3\r\n.\r\nFrom x\n', 'latin1'),
    Buffer.from(Array.from({ length: 256 * 20 }, (_, i) => (i * 7) % 256)),
    Buffer.from('\r\n%%EOF\n'),
  ]);

  it('make a multipart/mixed whose file comes back byte for byte, with a long non-ASCII name', async () => {
    const filename = 'estado-de-cuenta-Ñandú-Peñíscola-Castañeda-Domínguez-Echeverría-2024-12-31 (copia).pdf';
    const { raw, mail } = await roundTrip(letter({
      attachments: [
        { filename, content: pdf, contentType: 'application/pdf' },
        { filename: 'notas.txt', content: Buffer.from('línea 1\n'), contentType: 'text/plain' },
      ],
    }));
    expect(raw).toMatch(/^Content-Type: multipart\/mixed;/m);
    expect(raw).toMatch(/Content-Type: multipart\/alternative;/);
    expect(mail.text).toBe('Estimado cliente:\n');
    expect(mail.html).toBe('<p>Estimado cliente:</p>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.contentDisposition])).toEqual([
      [filename, 'application/pdf', 'attachment'],
      ['notas.txt', 'text/plain', 'attachment'],
    ]);
    expect(mail.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(mail.attachments[1]!.content.toString('utf8')).toBe('línea 1\n');
    for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(78);
  });
});

describe('refusals', () => {
  it('refuses a custom header that would write one of the message\'s own, Bcc above all', async () => {
    for (const name of ['Bcc', 'subject', 'Message-ID', 'Content-Type', 'MIME-Version']) {
      await expect(buildRawMessage(letter({ headers: { [name]: 'x' } }))).rejects.toThrow(/not a custom header/);
    }
  });

  it('refuses a date that is not a date', async () => {
    await expect(buildRawMessage(letter({ date: new Date('nope') }))).rejects.toThrow(/not a valid date/);
  });
});

describe('the encoders on their own', () => {
  it('writes dates in RFC 5322 form in UTC', () => {
    expect(rfc5322Date(new Date('2024-05-03T07:08:09.999Z'))).toBe('Fri, 03 May 2024 07:08:09 +0000');
  });

  it('splits encoded words at 75 characters without cutting a character in two', () => {
    const words = encodedWords('ñ'.repeat(40));
    // "ñ" is =C3=B1 (6 characters): 10 fit in the 63 characters a word has for its text.
    expect(words).toEqual([`=?UTF-8?Q?${'=C3=B1'.repeat(10)}?=`, `=?UTF-8?Q?${'=C3=B1'.repeat(10)}?=`, `=?UTF-8?Q?${'=C3=B1'.repeat(10)}?=`, `=?UTF-8?Q?${'=C3=B1'.repeat(10)}?=`]);
    expect(encodedWords('a b_c?')).toEqual(['=?UTF-8?Q?a_b=5Fc=3F?=']);
  });

  it('encodes only the span of a subject that needs it', () => {
    expect(unstructuredWords('Saldo de 1.234,50 € al día de hoy').map((w) => w.sep + w.text).join('')).toBe(
      'Saldo de 1.234,50 =?UTF-8?Q?=E2=82=AC_al_d=C3=ADa?= de hoy',
    );
  });
});

describe('any text survives the trip', () => {
  // Any Unicode text (no lone surrogates: they are not text), with any line ends, in every field a
  // ledger or a template can fill.
  const anyText = fc.string({ unit: 'binary', maxLength: 400 });
  const lineText = fc.string({ unit: 'binary', maxLength: 120 }).map((s) => s.replace(/[\u0000-\u001f\u007f]/g, ' '));

  it('text, HTML, subject and display names come back as written', async () => {
    await fc.assert(
      fc.asyncProperty(anyText, anyText, lineText, lineText, async (text, html, subject, name) => {
        const input = letter({ text: text === '' ? 'x' : text, html, subject, to: [{ name, address: 'a@acme.mx' }] });
        const { raw, mail } = await roundTrip(input);
        expect(raw).toMatch(/^[\x20-\x7e\r\n\t]*$/);
        for (const line of lines(raw)) expect(line.length).toBeLessThanOrEqual(998);
        for (const line of lines(raw.slice(raw.indexOf('\r\n\r\n')))) expect(line.length).toBeLessThanOrEqual(76);
        expect(mail.text).toBe(normalized(input.text));
        if (html !== '') expect(mail.html).toBe(normalized(html));
        expect(mail.subject ?? '').toBe(subject.replace(/\s*[\r\n]+\s*/g, ' ').trim());
        expect(addresses(mail.to)[0]!.name).toBe(name.trim());
      }),
      { numRuns: 150 },
    );
  });
});

describe('the quoted-printable body, byte for byte', () => {
  /**
   * The encoding written the long way, one line at a time: each character a token (itself, or its
   * UTF-8 bytes as =XX), a blank before the line end encoded, then the tokens laid out in lines of
   * 75 plus a soft break "=" — 76 when the line's last character is not a blank and fits there —
   * and a "." or "From " at the start of any written line encoded.
   */
  function referenceQp(text: string): string {
    const hex = (bytes: Uint8Array): string => [...bytes].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
    const out: string[] = [];
    for (const line of text.split(/\r\n|\r|\n/)) {
      const chars = [...line].map((ch) => (ch.length === 2 || ch.charCodeAt(0) < 0xd800 || ch.charCodeAt(0) > 0xdfff ? ch : '\ufffd'));
      const literal = (ch: string): boolean => /^[\x20-\x3c\x3e-\x7e\t]$/.test(ch);
      const tokens = chars.map((ch) => (literal(ch) ? ch : hex(Buffer.from(ch, 'utf8'))));
      const lastChar = chars[chars.length - 1];
      if (lastChar === ' ' || lastChar === '\t') tokens[tokens.length - 1] = hex(Buffer.from(lastChar));
      let written = '';
      let col = 0;
      tokens.forEach((token, j) => {
        const isLiteral = token.length === 1;
        const fitsAsLast = isLiteral && j === tokens.length - 1 && col === 75;
        if (col + token.length > 75 && !fitsAsLast) {
          written += '=\r\n';
          col = 0;
        }
        if (col === 0 && (token === '.' || (token === 'F' && chars.slice(j, j + 5).join('') === 'From '))) token = hex(Buffer.from(token));
        written += token;
        col += token.length;
      });
      out.push(written);
    }
    return out.join('\r\n');
  }

  async function body(text: string): Promise<string> {
    const raw = (await buildRawMessage(letter({ text, html: '' }))).toString('latin1');
    return raw.slice(raw.indexOf('\r\n\r\n') + 4);
  }

  it('is what the long way writes, for lines of every length around 76 and any characters', async () => {
    const piece = fc.oneof(
      fc.constantFrom('a', 'abc ', ' ', '\t', '=', '.', 'From ', 'F', 'é', '€', '😀', '\ud800', '\n', '\r', '\r\n', '\u0000', '\u007f', '<td style="x">'),
      fc.string({ minLength: 60, maxLength: 80 }).map((s) => s.replace(/[\r\n]/g, 'x')),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { maxLength: 30 }), async (parts) => {
        const text = parts.join('') || 'x';
        expect(await body(text)).toBe(referenceQp(text));
      }),
      { numRuns: 1500 },
    );
  });

  it('is complete for a long body where every byte is encoded (the buffer is sized for the worst case)', async () => {
    for (const text of ['='.repeat(342_000), '€'.repeat(114_000), `${'\u0001'.repeat(150_000)}x`]) {
      // 342,000 bytes: 1,026,000 as =XX and 13,680 soft breaks, just past a 1 MB buffer (its growth is by doubling).
      expect(await body(text)).toBe(referenceQp(text));
    }
  });

  it('keeps a line of exactly 76 characters whole only when it ends in a non-blank', async () => {
    expect(await body(`${'a'.repeat(76)}\n`)).toBe(`${'a'.repeat(76)}\r\n`);
    expect(await body(`${'a'.repeat(75)} \n`)).toBe(`${'a'.repeat(75)}=\r\n=20\r\n`);
    expect(await body(`${'a'.repeat(75)}.b`)).toBe(`${'a'.repeat(75)}=\r\n=2Eb`);
  });
});
