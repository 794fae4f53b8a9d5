// Attachments on a letter (issue 8: the statement of account sent as a PDF with the email): the
// file sent through a real SMTP server arrives byte for byte, with its name and type, next to the
// text and HTML parts; a name that could smuggle a header or a path is refused before sending.
import { afterEach, describe, expect, it } from 'vitest';
import { buildRawMessage, openSender, type RawMessageInput } from '../../src/mail/smtp.js';
import { startSmtp, type TestSmtp } from './smtp-test-server.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

// A small PDF-like payload with every byte value, CR/LF pairs and a line of dots: what base64 and
// SMTP dot-stuffing must carry through untouched.
function payload(): Buffer {
  const head = Buffer.from('%PDF-1.3\r\n%\xff\xff\xff\xff\r\n.\r\n..\n', 'latin1');
  const all = Buffer.from(Array.from({ length: 256 * 40 }, (_, i) => i % 256));
  return Buffer.concat([head, all, Buffer.from('\r\n%%EOF\n')]);
}

function letter(extra: Partial<RawMessageInput> = {}): RawMessageInput {
  return {
    from: { name: 'Cobranza Ruiz', address: 'cobranza@ruiz.mx' },
    to: ['pagos@acme.mx'],
    subject: 'Estado de cuenta al 31 de mayo de 2024',
    text: 'Adjuntamos su estado de cuenta.\n',
    html: '<p>Adjuntamos su estado de cuenta.</p>',
    messageId: '<statement1@ruiz.mx>',
    date: new Date('2024-05-31T15:00:00.000Z'),
    ...extra,
  };
}

async function server(): Promise<TestSmtp> {
  const s = await startSmtp();
  cleanups.push(() => s.close());
  return s;
}

describe('a PDF attached to a letter', () => {
  it('arrives through SMTP byte for byte, with its file name and type, beside both text parts', async () => {
    const pdf = payload();
    const raw = await buildRawMessage(letter({ attachments: [{ filename: 'estado-de-cuenta-Ñandú.pdf', content: pdf, contentType: 'application/pdf' }] }));
    const smtp = await server();
    const sender = await openSender(
      { host: '127.0.0.1', port: smtp.port, secure: false, requireTLS: false, ignoreTLS: true, auth: null, origin: 'test' },
      { connectionTimeoutMs: 5000, greetingTimeoutMs: 5000, socketTimeoutMs: 5000 },
    );
    cleanups.push(() => sender.close());
    const result = await sender.send({ from: 'cobranza@ruiz.mx', to: ['pagos@acme.mx'], cc: [], bcc: [], raw });
    expect(result.state).toBe('sent');

    const mail = smtp.received[0]!.mail;
    expect(mail.text).toBe('Adjuntamos su estado de cuenta.\n');
    expect(mail.html).toBe('<p>Adjuntamos su estado de cuenta.</p>');
    expect(mail.attachments).toHaveLength(1);
    const [att] = mail.attachments;
    expect(att!.filename).toBe('estado-de-cuenta-Ñandú.pdf');
    expect(att!.contentType).toBe('application/pdf');
    expect(att!.contentDisposition).toBe('attachment');
    expect(att!.content.equals(pdf)).toBe(true);
  });

  it('leaves a letter without attachments as a plain text/HTML alternative', async () => {
    const raw = (await buildRawMessage(letter())).toString('latin1');
    expect(raw).toMatch(/Content-Type: multipart\/alternative/);
    expect(raw).not.toMatch(/multipart\/mixed|Content-Disposition: attachment/);
  });

  it('refuses a file name with a line break or a path, and a content type that is not type/subtype', async () => {
    const pdf = Buffer.from('%PDF-1.3\n');
    await expect(buildRawMessage(letter({ attachments: [{ filename: 'a.pdf\r\nBcc: x@y.org', content: pdf, contentType: 'application/pdf' }] }))).rejects.toThrow(/attachment name/);
    await expect(buildRawMessage(letter({ attachments: [{ filename: '../../etc/passwd', content: pdf, contentType: 'application/pdf' }] }))).rejects.toThrow(/attachment name/);
    await expect(buildRawMessage(letter({ attachments: [{ filename: 'a.pdf', content: pdf, contentType: 'application/pdf\r\nX: y' }] }))).rejects.toThrow(/attachment type/);
  });
});
