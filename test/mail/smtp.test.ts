import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import {
  buildRawMessage,
  isLoopbackHost,
  openSender,
  resolveSmtpSettings,
  type OutgoingMessage,
  type Sender,
  type SmtpSettings,
} from '../../src/mail/smtp.js';
import { closedPort, smtpError, startSmtp, type TestSmtp } from './smtp-test-server.js';

let dir: string;
const cleanups: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dunning-smtp-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fs.rm(dir, { recursive: true, force: true });
});

async function server(hooks: Parameters<typeof startSmtp>[0] = {}): Promise<TestSmtp> {
  const s = await startSmtp(hooks);
  cleanups.push(() => s.close());
  return s;
}

function local(port: number, extra: Partial<SmtpSettings> = {}): SmtpSettings {
  return { host: '127.0.0.1', port, secure: false, requireTLS: false, ignoreTLS: true, auth: null, origin: 'test', ...extra };
}

async function sender(settings: SmtpSettings): Promise<Sender> {
  const s = await openSender(settings, { connectionTimeoutMs: 5000, greetingTimeoutMs: 5000, socketTimeoutMs: 5000 });
  cleanups.push(() => s.close());
  return s;
}

async function message(n = 1, to: readonly string[] = ['pagos@acme.mx']): Promise<OutgoingMessage> {
  const raw = await buildRawMessage({
    from: { name: 'Cobranza Ruiz', address: 'cobranza@ruiz.mx' },
    to,
    cc: ['ventas@ruiz.mx'],
    bcc: ['archivo@ruiz.mx'],
    replyTo: { name: 'Pagos Ruiz', address: 'pagos@ruiz.mx' },
    subject: `Recordatorio de pago ${n}: factura F-00${n}\n`,
    text: `Estimado cliente: la factura F-00${n} por $1,160.00 MXN está vencida.\n`,
    html: `<p>Estimado cliente: la factura <b>F-00${n}</b> por $1,160.00 MXN está vencida.</p>`,
    messageId: `<key${n}@ruiz.mx>`,
    date: new Date('2024-05-31T15:00:00.000Z'),
    headers: { 'X-Dunning-Key': `key${n}` },
  });
  return { from: 'cobranza@ruiz.mx', to, cc: ['ventas@ruiz.mx'], bcc: ['archivo@ruiz.mx'], raw };
}


describe('sending a letter', () => {
  it('delivers to exactly the envelope recipients, with subject, both parts and the stable Message-ID', async () => {
    const smtp = await server();
    const result = await (await sender(local(smtp.port))).send(await message(1));
    expect(result.state).toBe('sent');
    expect(result.code).toBe(250);
    expect(smtp.received).toHaveLength(1);
    const [got] = smtp.received;
    expect(got!.from).toBe('cobranza@ruiz.mx');
    expect(got!.to).toEqual(['pagos@acme.mx', 'ventas@ruiz.mx', 'archivo@ruiz.mx']);
    const mail = got!.mail;
    expect(mail.messageId).toBe('<key1@ruiz.mx>');
    expect(mail.subject).toBe('Recordatorio de pago 1: factura F-001');
    expect(mail.text).toBe('Estimado cliente: la factura F-001 por $1,160.00 MXN está vencida.\n');
    expect(mail.html).toBe('<p>Estimado cliente: la factura <b>F-001</b> por $1,160.00 MXN está vencida.</p>');
    expect(mail.from?.value).toEqual([{ name: 'Cobranza Ruiz', address: 'cobranza@ruiz.mx' }]);
    expect(mail.replyTo?.value).toEqual([{ name: 'Pagos Ruiz', address: 'pagos@ruiz.mx' }]);
    expect(Array.isArray(mail.to) ? null : mail.to?.value).toEqual([{ name: '', address: 'pagos@acme.mx' }]);
    expect(Array.isArray(mail.cc) ? null : mail.cc?.value).toEqual([{ name: '', address: 'ventas@ruiz.mx' }]);
    expect(mail.headers.get('x-dunning-key')).toBe('key1');
    expect(mail.date?.toISOString()).toBe('2024-05-31T15:00:00.000Z');
    // The blind copy is in the envelope only, never in the message.
    expect(got!.raw.toString('latin1')).not.toMatch(/^bcc:/im);
  });

  it('sends several messages over one connection', async () => {
    let connections = 0;
    const smtp = await server({ onConnect: (_s, cb) => { connections += 1; cb(); } });
    const s = await sender(local(smtp.port));
    for (const n of [1, 2, 3]) expect((await s.send(await message(n))).state).toBe('sent');
    expect(smtp.received.map((r) => r.mail.messageId)).toEqual(['<key1@ruiz.mx>', '<key2@ruiz.mx>', '<key3@ruiz.mx>']);
    expect(connections).toBe(1);
  });

  it('authenticates when the server asks for it', async () => {
    const users: string[] = [];
    const smtp = await server({
      options: { authOptional: false, authMethods: ['PLAIN', 'LOGIN'] },
      onAuth: (auth, _session, cb) =>
        auth.username === 'ruiz' && auth.password === 's3creto' ? cb(null, { user: auth.username }) : cb(smtpError(535, 'bad credentials')),
      onMailFrom: (_a, session, cb) => {
        users.push(String(session.user));
        cb();
      },
    });
    const s = await sender(local(smtp.port, { auth: { user: 'ruiz', pass: 's3creto' } }));
    expect((await s.send(await message())).state).toBe('sent');
    expect(users).toEqual(['ruiz']);
  });
});

describe('how a failed attempt is classified', () => {
  it('is deferred when the server answers 451 to RCPT, and nothing arrives', async () => {
    const smtp = await server({ onRcptTo: (_a, _s, cb) => cb(smtpError(451, '4.3.0 Mailbox temporarily unavailable')) });
    const result = await (await sender(local(smtp.port))).send(await message());
    expect(result).toMatchObject({ state: 'deferred', code: 451 });
    expect(result.response).toMatch(/^451/);
    expect(smtp.received).toHaveLength(0);
  });

  it('is failed when the server answers 550 to RCPT', async () => {
    const smtp = await server({ onRcptTo: (_a, _s, cb) => cb(smtpError(550, '5.1.1 No such user')) });
    const result = await (await sender(local(smtp.port))).send(await message(1, ['nadie@acme.mx']));
    expect(result).toMatchObject({ state: 'failed', code: 550 });
    expect(result.error).toContain('5.1.1 No such user');
    expect(smtp.received).toHaveLength(0);
  });

  it('is failed when every customer address is refused even though the copies were accepted', async () => {
    const smtp = await server({
      onRcptTo: (a, _s, cb) => (a.address === 'nadie@acme.mx' ? cb(smtpError(550, '5.1.1 No such user')) : cb()),
    });
    const result = await (await sender(local(smtp.port))).send(await message(1, ['nadie@acme.mx']));
    expect(result.state).toBe('failed');
    expect(result.error).toMatch(/every customer address was refused/);
  });

  it('is sent when one of two customer addresses is accepted, naming the refused one', async () => {
    const smtp = await server({
      onRcptTo: (a, _s, cb) => (a.address === 'nadie@acme.mx' ? cb(smtpError(550, '5.1.1 No such user')) : cb()),
    });
    const result = await (await sender(local(smtp.port))).send(await message(1, ['nadie@acme.mx', 'pagos@acme.mx']));
    expect(result.state).toBe('sent');
    expect(result.rejected).toEqual(['nadie@acme.mx']);
  });

  it('is failed when the server refuses the message after DATA with 554', async () => {
    const smtp = await server({ afterData: () => smtpError(554, '5.7.1 Message rejected as spam') });
    const result = await (await sender(local(smtp.port))).send(await message());
    expect(result).toMatchObject({ state: 'failed', code: 554 });
  });

  it('is deferred when the server answers 452 after DATA', async () => {
    const smtp = await server({ afterData: () => smtpError(452, '4.3.1 Insufficient system storage') });
    const result = await (await sender(local(smtp.port))).send(await message());
    expect(result).toMatchObject({ state: 'deferred', code: 452 });
  });

  it('is unknown when the connection drops after the whole message was received, before the reply', async () => {
    const bodies: string[] = [];
    const smtp = await server({
      afterData: (m) => {
        bodies.push(m.mail.messageId ?? '');
        return 'drop';
      },
    });
    const result = await (await sender(local(smtp.port))).send(await message());
    expect(result.state).toBe('unknown');
    expect(result.code).toBeUndefined();
    expect(bodies).toEqual(['<key1@ruiz.mx>']); // the server did get all of it
  });

  it('is deferred when the connection drops during MAIL FROM, and the next message reconnects', async () => {
    let calls = 0;
    const smtp = await server({
      onMailFrom: (_a, session, cb) => {
        calls += 1;
        if (calls === 1) smtp.dropSession(session);
        else cb();
      },
    });
    const s = await sender(local(smtp.port));
    const first = await s.send(await message(1));
    expect(first.state).toBe('deferred');
    expect(first.stage).toBe('message');
    const second = await s.send(await message(2));
    expect(second.state).toBe('sent');
    expect(smtp.received.map((r) => r.mail.messageId)).toEqual(['<key2@ruiz.mx>']);
  });

  it('is deferred when the connection drops in the middle of a large message body', async () => {
    let drops = 0;
    const smtp = await server({ duringData: () => (++drops === 1 ? 'drop' : undefined) });
    const line = 'Detalle de la factura F-001: 1,160.00 MXN vencida desde el 30/04/2024.\n';
    const raw = await buildRawMessage({
      from: { name: '', address: 'cobranza@ruiz.mx' }, to: ['pagos@acme.mx'],
      subject: 'Estado de cuenta', text: line.repeat(200_000), html: '<p>ver texto</p>',
      messageId: '<big@ruiz.mx>', date: new Date(0),
    });
    expect(raw.length).toBeGreaterThan(14_000_000); // far more than the socket buffers hold
    const result = await (await sender(local(smtp.port))).send({ from: 'cobranza@ruiz.mx', to: ['pagos@acme.mx'], cc: [], bcc: [], raw });
    expect(drops).toBe(1);
    expect(result.state).toBe('deferred');
    expect(smtp.received).toHaveLength(0);
  });

  it('reconnects for the next message after an unknown outcome', async () => {
    let n = 0;
    const smtp = await server({ afterData: () => (++n === 1 ? 'drop' : undefined) });
    const s = await sender(local(smtp.port));
    expect((await s.send(await message(1))).state).toBe('unknown');
    expect((await s.send(await message(2))).state).toBe('sent');
  });

  it('is deferred at the connect stage when nothing listens, without throwing', async () => {
    const port = await closedPort();
    const s = await sender(local(port));
    const result = await s.send(await message());
    expect(result).toMatchObject({ state: 'deferred', stage: 'connect' });
    expect(result.error).toContain(`127.0.0.1:${port}`);
  });

  it('is deferred at the connect stage when the greeting is 421', async () => {
    const smtp = await server({ onConnect: (_s, cb) => cb(smtpError(421, 'Too many connections, try later')) });
    const s = await sender(local(smtp.port));
    expect(await s.send(await message())).toMatchObject({ state: 'deferred', stage: 'connect' });
  });
});

describe('configuration errors stop the run', () => {
  it('throws a usage error when the server rejects the credentials', async () => {
    const smtp = await server({
      options: { authOptional: false },
      onAuth: (_auth, _session, cb) => cb(smtpError(535, '5.7.8 Authentication credentials invalid')),
    });
    const error = await openSender(local(smtp.port, { auth: { user: 'ruiz', pass: 'mala' } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).exitCode).toBe(2);
    expect((error as Error).message).toMatch(new RegExp(`^SMTP authentication failed at 127\\.0\\.0\\.1:${smtp.port}: .*535`));
    expect((error as Error).message).not.toContain('mala');
  });

  it('throws a usage error when TLS is required and the server offers no STARTTLS', async () => {
    const smtp = await server();
    const error = await openSender(local(smtp.port, { requireTLS: true, ignoreTLS: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^SMTP TLS failed at 127\.0\.0\.1/);
  });

  it('throws a usage error when the STARTTLS certificate cannot be verified', async () => {
    // smtp-server's built-in certificate is self-signed.
    const smtp = await server({ options: { disabledCommands: [] } });
    const error = await openSender(local(smtp.port, { requireTLS: true, ignoreTLS: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^SMTP TLS failed at 127\.0\.0\.1.*certificate/i);
  });

  it('upgrades with STARTTLS before authenticating when TLS is required', async () => {
    const secureAtAuth: boolean[] = [];
    const smtp = await server({
      options: { disabledCommands: [], authOptional: false, allowInsecureAuth: false },
      onAuth: (auth, session, cb) => {
        secureAtAuth.push(session.secure);
        cb(null, { user: auth.username });
      },
    });
    const s = await openSender(local(smtp.port, { requireTLS: true, ignoreTLS: false, auth: { user: 'ruiz', pass: 's3creto' } }), {
      tls: { rejectUnauthorized: false }, // trusts the test server's self-signed certificate
    });
    cleanups.push(() => s.close());
    expect((await s.send(await message())).state).toBe('sent');
    expect(secureAtAuth).toEqual([true]);
  });

  it('throws a usage error when implicit TLS meets a plaintext server', async () => {
    const smtp = await server();
    const error = await openSender(local(smtp.port, { secure: true, ignoreTLS: false })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^SMTP TLS failed/);
  });

  it('throws a usage error when the server refuses the sender address, rather than fail the letter', async () => {
    const smtp = await server({ onMailFrom: (_a, _s, cb) => cb(smtpError(553, '5.7.1 Sender address rejected: not owned by user')) });
    const s = await sender(local(smtp.port));
    await expect(s.send(await message())).rejects.toThrow(/refused the sender address cobranza@ruiz\.mx/);
  });


  it('throws a usage error when the server refuses to relay, rather than fail the letter', async () => {
    // Like a server without credentials: its own domain is accepted, the customer's refused.
    const smtp = await server({
      onRcptTo: (a, _s, cb) => (a.address.endsWith('@ruiz.mx') ? cb() : cb(smtpError(554, `5.7.1 <${a.address}>: Relay access denied`))),
    });
    const s = await sender(local(smtp.port));
    await expect(s.send(await message())).rejects.toThrow(/refuses to relay/);
    await expect(s.send({ ...(await message()), cc: [], bcc: [] })).rejects.toThrow(/refuses to relay/);
  });
});

describe('buildRawMessage', () => {
  it('refuses a recipient address that would smuggle a header', async () => {
    await expect(
      buildRawMessage({
        from: { name: 'Cobranza', address: 'cobranza@ruiz.mx' },
        to: ['cliente@x.com\r\nBcc: victim@y.org'],
        subject: 's', text: 't', html: '<p>t</p>', messageId: '<k@ruiz.mx>', date: new Date(0),
      }),
    ).rejects.toThrow(/invalid to address/);
  });

  it('encodes accents in the display name and subject', async () => {
    const raw = await buildRawMessage({
      from: { name: 'Cobranza Peña', address: 'cobranza@pena.es' },
      to: [{ name: 'José Núñez', address: 'jose@acme.es' }],
      subject: 'Recordatorio: factura vencida — 1.234,50 €', text: 'á', html: '<p>á</p>', messageId: '<k@pena.es>', date: new Date(0),
    });
    const headers = raw.toString('latin1').split('\r\n\r\n')[0]!;
    expect(headers).toMatch(/^[\x20-\x7e\r\n\t]*$/); // 7-bit headers: encoded words
    expect(headers).toContain('<cobranza@pena.es>');
  });
});

describe('resolveSmtpSettings', () => {
  const resolve = (over: Partial<Parameters<typeof resolveSmtpSettings>[0]>) =>
    resolveSmtpSettings({ dir, config: null, env: {}, insecure: false, ...over });

  async function writeSecrets(content: unknown, mode: number): Promise<void> {
    const file = path.join(dir, '.dunning', 'secrets.json');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, JSON.stringify(content));
    await fs.chmod(file, mode);
  }

  it('reads DUNNING_SMTP_URL with its credentials and requires STARTTLS on port 587', async () => {
    const s = await resolve({ env: { DUNNING_SMTP_URL: 'smtp://cobranza%40ruiz.mx:p%3Ass@smtp.ruiz.mx:587' } });
    expect(s).toEqual({
      host: 'smtp.ruiz.mx', port: 587, secure: false, requireTLS: true, ignoreTLS: false,
      auth: { user: 'cobranza@ruiz.mx', pass: 'p:ss' }, origin: 'DUNNING_SMTP_URL',
    });
  });

  it('uses implicit TLS on port 465 for smtps://', async () => {
    const s = await resolve({ env: { DUNNING_SMTP_URL: 'smtps://u:p@smtp.ruiz.mx' } });
    expect(s).toMatchObject({ port: 465, secure: true, requireTLS: false });
  });

  it('lets DUNNING_SMTP_USER and DUNNING_SMTP_PASS override the URL and the config', async () => {
    const s = await resolve({
      env: { DUNNING_SMTP_URL: 'smtp://u:p@smtp.ruiz.mx', DUNNING_SMTP_USER: 'otro', DUNNING_SMTP_PASS: 'clave' },
      config: { host: 'ignored.example.com', user: 'c', pass: 'd' },
    });
    expect(s).toMatchObject({ host: 'smtp.ruiz.mx', auth: { user: 'otro', pass: 'clave' } });
  });

  it('falls back to the config block, with 465 meaning implicit TLS', async () => {
    expect(await resolve({ config: { host: 'smtp.example.com', port: 465 } })).toMatchObject({
      host: 'smtp.example.com', port: 465, secure: true, requireTLS: false, auth: null, origin: 'config smtp',
    });
    expect(await resolve({ config: { host: 'smtp.example.com' } })).toMatchObject({ port: 587, secure: false, requireTLS: true });
  });

  it('refuses plaintext to a remote server unless --insecure-smtp', async () => {
    expect(await resolve({ config: { host: 'smtp.example.com', port: 25 } })).toMatchObject({ requireTLS: true, ignoreTLS: false });
    expect(await resolve({ config: { host: 'smtp.example.com', port: 25 }, insecure: true })).toMatchObject({ requireTLS: false, ignoreTLS: false });
  });

  it('allows plaintext to a loopback server', async () => {
    for (const host of ['localhost', '127.0.0.1', '127.10.20.30', '::1']) {
      expect(await resolve({ config: { host, port: 2525 } })).toMatchObject({ requireTLS: false, ignoreTLS: true });
    }
    expect(await resolve({ env: { DUNNING_SMTP_URL: 'smtp://[::1]:2525' } })).toMatchObject({ host: '::1', requireTLS: false });
  });

  it('does not take a name that merely looks local for loopback', () => {
    expect(isLoopbackHost('127.example.com')).toBe(false);
    expect(isLoopbackHost('128.0.0.1')).toBe(false);
    expect(isLoopbackHost('::2')).toBe(false);
    expect(isLoopbackHost('::ffff:127.0.0.1')).toBe(true);
  });

  it('refuses a group- or world-readable secrets.json', async () => {
    await writeSecrets({ smtp: { user: 'ruiz', pass: 's3creto' } }, 0o644);
    const error = await resolve({ config: { host: 'smtp.example.com' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/secrets\.json is readable by other users \(mode 0644\).*chmod 600/);
    await fs.chmod(path.join(dir, '.dunning', 'secrets.json'), 0o640);
    await expect(resolve({ config: { host: 'smtp.example.com' } })).rejects.toThrow(/mode 0640/);
  });

  it('reads a secrets.json only its owner can read', async () => {
    await writeSecrets({ smtp: { user: 'ruiz', pass: 's3creto' } }, 0o600);
    expect(await resolve({ config: { host: 'smtp.example.com', user: 'config-user', pass: 'config-pass' } })).toMatchObject({
      host: 'smtp.example.com', auth: { user: 'ruiz', pass: 's3creto' },
    });
  });

  it('takes the server from the url in secrets.json when there is no DUNNING_SMTP_URL', async () => {
    await writeSecrets({ smtp: { url: 'smtps://ruiz:s3creto@mail.ruiz.mx' } }, 0o600);
    expect(await resolve({ config: { host: 'smtp.example.com' } })).toMatchObject({
      host: 'mail.ruiz.mx', port: 465, secure: true, auth: { user: 'ruiz', pass: 's3creto' },
    });
  });

  it('is a usage error without any server, with a user but no password, or with a bad URL that it does not echo', async () => {
    await expect(resolve({})).rejects.toThrow(/no SMTP server configured/);
    await expect(resolve({ config: { host: 'smtp.example.com', user: 'ruiz' } })).rejects.toThrow(UsageError);
    const error = await resolve({ env: { DUNNING_SMTP_URL: 'http://ruiz:s3creto@smtp.example.com' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).not.toContain('s3creto');
  });
});
