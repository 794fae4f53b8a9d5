// Sending one message over SMTP and saying exactly how it ended (SPEC §5). Owns: where the SMTP
// settings come from (DUNNING_SMTP_URL / _USER / _PASS, `.dunning/secrets.json`, the config's
// `smtp` block) and the TLS policy; one connection driven by nodemailer's lower-level
// SMTPConnection; the classification of every outcome as sent / deferred / failed / unknown; and
// checking what goes into the raw message (`{ name, address }` objects only), which ./mime.ts writes.
// Why SMTPConnection and not a transport: nodemailer's transport reported the same ECONNECTION
// for a drop before the server accepted a message and for a drop after the final "." (when it
// may have), and `pool: true` silently re-sent (PITFALLS.md, Email). Here the message body is a
// stream we own, so we know whether its last byte was handed over before the connection died.
// Why requireTLS: default nodemailer sent AUTH PLAIN in clear to a server without STARTTLS.

import { promises as fs } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type tls from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection/index.js';
import { UsageError } from '../errors.js';
import { isValidAddress, normalizeAddress, type Mailbox } from './address.js';
import { stateDirOf } from './journal.js';
import { composeMessage, lendMessage, type MimeMessage } from './mime.js';

// ---------------------------------------------------------------------------------------------
// Settings

/** The config file's `smtp` block (SPEC §7). */
export interface SmtpConfig {
  readonly host?: string;
  readonly port?: number;
  readonly secure?: boolean;
  readonly user?: string;
  readonly pass?: string;
}

export interface SmtpSettings {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (port 465, smtps://). */
  readonly secure: boolean;
  /** STARTTLS is mandatory: the session fails rather than authenticate or send in clear. */
  readonly requireTLS: boolean;
  /** Loopback server: plaintext, STARTTLS not even attempted (a local relay's self-signed cert). */
  readonly ignoreTLS: boolean;
  readonly auth: { readonly user: string; readonly pass: string } | null;
  /** Where host and port came from, for messages ("DUNNING_SMTP_URL", "config smtp", …). */
  readonly origin: string;
}

export interface ResolveSmtpInput {
  /** The client folder (for `.dunning/secrets.json`). */
  readonly dir: string;
  readonly config: SmtpConfig | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--insecure-smtp`: plaintext allowed to a non-loopback server. */
  readonly insecure: boolean;
}

export const SECRETS_FILE = 'secrets.json';

interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
  readonly user: string | undefined;
  readonly pass: string | undefined;
  readonly origin: string;
}

interface Secrets {
  readonly user: string | undefined;
  readonly pass: string | undefined;
  readonly url: string | undefined;
  readonly file: string;
}

/**
 * The SMTP settings of a run. Host/port: DUNNING_SMTP_URL, else the `url` of secrets.json, else
 * the config block. Each credential: DUNNING_SMTP_USER / _PASS, else the URL's, else
 * secrets.json's, else the config's. A group- or world-readable secrets.json is refused.
 */
export async function resolveSmtpSettings(input: ResolveSmtpInput): Promise<SmtpSettings> {
  const { env, config } = input;
  const secrets = await readSecrets(input.dir);
  const envUrl = nonEmpty(env.DUNNING_SMTP_URL);
  let endpoint: Endpoint | null = null;
  if (envUrl !== undefined) endpoint = parseSmtpUrl(envUrl, 'DUNNING_SMTP_URL');
  else if (secrets?.url !== undefined) endpoint = parseSmtpUrl(secrets.url, `${secrets.file} (smtp.url)`);
  else if (config?.host !== undefined && config.host.trim() !== '') endpoint = endpointFromConfig(config);
  if (endpoint === null) {
    throw new UsageError(
      'no SMTP server configured for --send: set DUNNING_SMTP_URL (smtp://user:pass@host:587) ' +
        'or "smtp": { "host": … } in dunning.config.json',
    );
  }
  const user = nonEmpty(env.DUNNING_SMTP_USER) ?? endpoint.user ?? nonEmpty(secrets?.user) ?? nonEmpty(config?.user);
  const pass = nonEmpty(env.DUNNING_SMTP_PASS) ?? endpoint.pass ?? nonEmpty(secrets?.pass) ?? nonEmpty(config?.pass);
  if ((user === undefined) !== (pass === undefined)) {
    throw new UsageError(
      `SMTP ${user === undefined ? 'password' : 'user'} is set but not the ${user === undefined ? 'user' : 'password'} ` +
        '(DUNNING_SMTP_USER / DUNNING_SMTP_PASS, the URL, .dunning/secrets.json or the config)',
    );
  }
  const plaintextAllowed = isLoopbackHost(endpoint.host) || input.insecure;
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    requireTLS: !endpoint.secure && !plaintextAllowed,
    ignoreTLS: !endpoint.secure && isLoopbackHost(endpoint.host),
    auth: user !== undefined && pass !== undefined ? { user, pass } : null,
    origin: endpoint.origin,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** localhost, 127.0.0.0/8 and ::1 (also IPv4-mapped): no name resolution, a name is judged as written. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  if (net.isIPv4(v4)) return v4.startsWith('127.');
  if (net.isIPv6(h)) return /^(0{0,4}:){7}0{0,3}1$|^::1$|^::0{0,3}1$/.test(h);
  return false;
}

function parseSmtpUrl(text: string, origin: string): Endpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // The URL may hold a password: never echo it.
    throw new UsageError(`${origin} is not a valid URL: expected smtp://user:pass@host:port or smtps://…`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new UsageError(`${origin}: unsupported scheme "${url.protocol}", expected smtp:// or smtps://`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (host === '') throw new UsageError(`${origin}: the URL has no host`);
  const port = url.port === '' ? (url.protocol === 'smtps:' ? 465 : 587) : Number(url.port);
  const decode = (part: string): string | undefined => {
    if (part === '') return undefined;
    try {
      return decodeURIComponent(part);
    } catch {
      throw new UsageError(`${origin}: the user or password in the URL is not properly %-encoded`);
    }
  };
  return {
    host,
    port,
    secure: url.protocol === 'smtps:' || port === 465,
    user: decode(url.username),
    pass: decode(url.password),
    origin,
  };
}

function endpointFromConfig(config: SmtpConfig): Endpoint {
  const host = (config.host ?? '').trim();
  if (config.port !== undefined && (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535)) {
    throw new UsageError(`config smtp.port: ${JSON.stringify(config.port)} is not a port number (1-65535)`);
  }
  const port = config.port ?? (config.secure === true ? 465 : 587);
  return { host, port, secure: config.secure ?? port === 465, user: undefined, pass: undefined, origin: 'config smtp' };
}

async function readSecrets(dir: string): Promise<Secrets | null> {
  const file = path.join(stateDirOf(dir), SECRETS_FILE);
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UsageError(`${file}: cannot read: ${(err as Error).message}`);
  }
  // POSIX permission bits mean nothing on Windows (always 0o666 there).
  if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0) {
    throw new UsageError(
      `${file} is readable by other users (mode ${(stat.mode & 0o777).toString(8).padStart(4, '0')}); ` +
        `it holds the SMTP password: run  chmod 600 ${JSON.stringify(file)}  and try again`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  const smtp = (parsed as { smtp?: unknown } | null)?.smtp;
  if (smtp === undefined) return { user: undefined, pass: undefined, url: undefined, file };
  if (typeof smtp !== 'object' || smtp === null || Array.isArray(smtp)) {
    throw new UsageError(`${file}: "smtp" must be an object like { "user": "…", "pass": "…" }`);
  }
  const s = smtp as Record<string, unknown>;
  for (const key of Object.keys(s)) {
    if (!['user', 'pass', 'url'].includes(key)) throw new UsageError(`${file}: unknown key "smtp.${key}" (expected user, pass, url)`);
    if (typeof s[key] !== 'string') throw new UsageError(`${file}: "smtp.${key}" must be a string`);
  }
  return { user: s.user as string | undefined, pass: s.pass as string | undefined, url: nonEmpty(s.url as string | undefined), file };
}

// ---------------------------------------------------------------------------------------------
// The sender

/** One message to send: envelope addresses (plain, validated) and the finished RFC 5322 bytes. */
export interface OutgoingMessage {
  /** Envelope sender (MAIL FROM), a plain address. */
  readonly from: string;
  /** The customer's addresses; the letter counts as delivered when at least one is accepted. */
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly bcc: readonly string[];
  readonly raw: Buffer;
}

export type SendState = 'sent' | 'deferred' | 'failed' | 'unknown';

export interface SendResult {
  readonly state: SendState;
  /** The SMTP reply code that decided, when there was one. */
  readonly code?: number;
  /** The server's reply text. */
  readonly response?: string;
  /** What went wrong, for the journal and the summary. */
  readonly error?: string;
  /** 'connect': no session could be set up (nothing of this message left the machine). */
  readonly stage?: 'connect' | 'message';
  /** Recipients the server refused while others were accepted. */
  readonly rejected?: readonly string[];
}

export interface Sender {
  readonly settings: SmtpSettings;
  /**
   * Sends one message. Never rejects for a delivery problem: the outcome is in the result. Throws
   * UsageError for a problem of the whole run's configuration: TLS or authentication failure,
   * or the server refusing the sender address (5xx to MAIL FROM).
   */
  send(message: OutgoingMessage): Promise<SendResult>;
  /** QUIT and close; safe to call twice. */
  close(): Promise<void>;
}

export interface SenderOptions {
  /** EHLO name (default: os.hostname()). */
  readonly clientName?: string;
  readonly connectionTimeoutMs?: number;
  readonly greetingTimeoutMs?: number;
  /** Inactivity limit, including the wait for the reply after the final "." (default 2 min). */
  readonly socketTimeoutMs?: number;
  /** Extra tls.connect options (a private CA for a company relay). */
  readonly tls?: tls.ConnectionOptions;
}

type SmtpError = Error & {
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  recipient?: string;
};

/**
 * Opens the SMTP session (connect, TLS, AUTH) so that a TLS or authentication problem stops the
 * run before the first letter is journaled (throws UsageError). A server that cannot be reached
 * right now does not throw: the first send() tries again and reports `deferred`.
 */
export async function openSender(settings: SmtpSettings, options: SenderOptions = {}): Promise<Sender> {
  const sender = new SmtpSender(settings, options);
  await sender.warmUp();
  return sender;
}

class SmtpSender implements Sender {
  private connection: SMTPConnection | null = null;
  private closed = false;

  constructor(
    readonly settings: SmtpSettings,
    private readonly options: SenderOptions,
  ) {}

  private get where(): string {
    return `${this.settings.host}:${this.settings.port}`;
  }

  async warmUp(): Promise<void> {
    try {
      await this.session();
    } catch (err) {
      if (err instanceof UsageError) throw err;
      // Unreachable right now: send() will try again and say `deferred`.
    }
  }

  async send(message: OutgoingMessage): Promise<SendResult> {
    if (this.closed) throw new Error('SMTP sender used after close()');
    const recipients = envelopeRecipients(message);
    let connection: SMTPConnection;
    try {
      connection = await this.session();
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const e = err as SmtpError;
      return withReply({ state: 'deferred', stage: 'connect', error: `cannot reach ${this.where}: ${e.message}` }, e);
    }
    const result = await transmit(connection, message.from, recipients, message.raw);
    if (result.error !== null) {
      this.drop(connection); // a half-finished transaction: the next message starts afresh
      const e = result.error;
      if (e.command === 'MAIL FROM' && (e.responseCode ?? 0) >= 500) {
        throw new UsageError(`the SMTP server ${this.where} refused the sender address ${message.from}: ${e.message}`);
      }
      if (e.responseCode === 530) {
        throw new UsageError(`the SMTP server ${this.where} requires authentication: ${e.message}`);
      }
      this.refuseRelayDenied(e.command === 'RCPT TO' ? [e] : []);
      return classifyFailure(e, result.bodyHandedOver);
    }
    // Only the copies to our own domain went through: the classic unauthenticated relay.
    this.refuseRelayDenied((result.info?.rejectedErrors ?? []) as SmtpError[]);
    return classifyAccepted(message, result.info);
  }

  /**
   * "554 5.7.1 Relay access denied" is a server that does not accept mail from this sender for
   * other domains (missing or wrong credentials), not a customer address to mark failed for good.
   */
  private refuseRelayDenied(errors: readonly SmtpError[]): void {
    const denied = errors.find((e) => (e.responseCode ?? 0) >= 500 && /relay/i.test(e.response ?? ''));
    if (denied) {
      throw new UsageError(`the SMTP server ${this.where} refuses to relay for this sender (check the SMTP user): ${denied.message}`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const connection = this.connection;
    this.connection = null;
    if (connection === null || connection.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        connection.close();
        resolve();
      }, 2000);
      connection.once('end', () => {
        clearTimeout(timer);
        resolve();
      });
      connection.quit();
    });
  }

  private drop(connection: SMTPConnection): void {
    if (this.connection === connection) this.connection = null;
    if (!connection.destroyed) connection.close();
  }

  /** The live session, or a new one (after a connection loss the next message reconnects). */
  private async session(): Promise<SMTPConnection> {
    if (this.connection !== null && !this.connection.destroyed) return this.connection;
    this.connection = null;
    const connection = new SMTPConnection({
      host: this.settings.host,
      port: this.settings.port,
      secure: this.settings.secure,
      requireTLS: this.settings.requireTLS,
      ignoreTLS: this.settings.ignoreTLS,
      name: this.options.clientName ?? os.hostname(),
      connectionTimeout: this.options.connectionTimeoutMs ?? 30_000,
      greetingTimeout: this.options.greetingTimeoutMs ?? 30_000,
      socketTimeout: this.options.socketTimeoutMs ?? 120_000,
      ...(this.options.tls ? { tls: this.options.tls } : {}),
      logger: false,
    });
    // An idle connection can still fail (server timeout, reset): SMTPConnection emits 'error'
    // then, which would crash the process without a listener. Sends get their error through
    // their callback, so this listener only has to exist.
    connection.on('error', () => undefined);
    connection.once('end', () => {
      if (this.connection === connection) this.connection = null;
    });
    try {
      await connectAndLogin(connection, this.settings.auth);
    } catch (err) {
      if (!connection.destroyed) connection.close();
      throw this.setupError(err as SmtpError);
    }
    this.connection = connection;
    return connection;
  }

  /** TLS and authentication failures are configuration errors for the whole run (exit 2). */
  private setupError(err: SmtpError): Error {
    if (isTlsFailure(err)) {
      const hint = this.settings.requireTLS
        ? ' (TLS is required before authenticating; use port 465 / smtps://, or --insecure-smtp to allow plaintext)'
        : '';
      return new UsageError(`SMTP TLS failed at ${this.where}: ${err.message}${hint}`);
    }
    if (err.code === 'EAUTH' && !isTransientCode(err.responseCode)) {
      return new UsageError(`SMTP authentication failed at ${this.where}: ${err.message}`);
    }
    return err;
  }
}

function envelopeRecipients(message: OutgoingMessage): string[] {
  const all = [...message.to, ...message.cc, ...message.bcc];
  for (const address of [message.from, ...all]) {
    // The caller validated every address (address.ts); one slipping through here is a bug.
    if (!isValidAddress(address)) throw new Error(`internal: invalid envelope address ${JSON.stringify(address)}`);
  }
  if (message.to.length === 0) throw new Error('internal: a message without a "to" address');
  const seen = new Set<string>();
  return all.filter((a) => {
    const folded = a.toLowerCase();
    if (seen.has(folded)) return false;
    seen.add(folded);
    return true;
  });
}

function connectAndLogin(connection: SMTPConnection, auth: SmtpSettings['auth']): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve();
    };
    connection.on('error', (err: Error) => finish(err));
    connection.once('end', () => {
      finish(Object.assign(new Error('connection closed before the SMTP session was ready'), { code: 'ECONNECTION' }));
    });
    connection.connect((err) => {
      if (err) return finish(err);
      // Like nodemailer's transport: a server that offers no AUTH (a relay that trusts this
      // machine) gets none. requireTLS already made sure we are encrypted when it matters.
      if (auth === null || !connection.allowsAuth) return finish();
      connection.login({ user: auth.user, pass: auth.pass }, (loginErr) => finish(loginErr ?? undefined));
    });
  });
}

function isTlsFailure(err: SmtpError): boolean {
  if (err.code === 'ETLS' || err.code === 'EREQUIRETLS') return true;
  const original = err.originalCode ?? '';
  return /^ERR_(TLS|SSL)_|CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME|ALTNAME/.test(original) || /SSL routines|certificate/i.test(err.message);
}

function isTransientCode(code: number | undefined): boolean {
  return code !== undefined && code >= 400 && code < 500;
}

interface Transmission {
  readonly error: SmtpError | null;
  readonly info: SMTPConnection.SentMessageInfo | null;
  /** Every byte of the message was handed to the connection (the final "." follows at once). */
  readonly bodyHandedOver: boolean;
}

function transmit(connection: SMTPConnection, from: string, to: readonly string[], raw: Buffer): Promise<Transmission> {
  return new Promise<Transmission>((resolve) => {
    let bodyHandedOver = false;
    // Our own stream: SMTPConnection pipes it into the dot-stuffing stream only after DATA got
    // its 354, and 'end' fires once its last byte was consumed. After that, a lost connection
    // may have cost the server's reply to a complete message: outcome unknown. The body is fed
    // in small chunks so backpressure from the socket holds 'end' back until (nearly) all of a
    // large message is on its way; one big chunk would "end" before the socket sent anything.
    const body = Readable.from(chunksOf(raw, BODY_CHUNK), { objectMode: false });
    body.once('end', () => {
      bodyHandedOver = true;
    });
    connection.send({ from, to: [...to], size: raw.length }, body, (err, info) => {
      resolve({ error: (err as SmtpError | null) ?? null, info: err ? null : info, bodyHandedOver });
    });
  });
}

const BODY_CHUNK = 16 * 1024;

function* chunksOf(raw: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < raw.length; i += size) yield raw.subarray(i, i + size);
}

function replyCode(response: string | undefined): number | undefined {
  const m = /^(\d{3})/.exec(response ?? '');
  return m ? Number(m[1]) : undefined;
}

function withReply(result: SendResult, err: SmtpError): SendResult {
  return {
    ...result,
    ...(err.responseCode !== undefined ? { code: err.responseCode } : {}),
    ...(err.response !== undefined ? { response: err.response } : {}),
  };
}

/**
 * SPEC §5: a 5xx reply → failed (not retried); a 4xx reply → deferred; no reply at all: deferred
 * while the message was not complete (the server cannot have accepted half a message), unknown
 * once it was (it may have accepted it and the reply was lost). 503 "bad sequence of commands" is
 * about the session, not the message: deferred.
 */
function classifyFailure(err: SmtpError, bodyHandedOver: boolean): SendResult {
  const code = err.responseCode;
  const base = { stage: 'message' as const, error: err.message };
  if (code !== undefined && code >= 500 && code < 600 && code !== 503) return withReply({ ...base, state: 'failed' }, err);
  if (code !== undefined && code >= 400 && code < 600) return withReply({ ...base, state: 'deferred' }, err);
  // Refused by nodemailer itself before MAIL FROM (bigger than the server's SIZE): permanent.
  if (err.code === 'EMESSAGE' && err.command === 'MAIL FROM') return { ...base, state: 'failed' };
  return withReply({ ...base, state: bodyHandedOver ? 'unknown' : 'deferred' }, err);
}

/**
 * The server accepted the message for at least one recipient. If it refused every customer
 * address (`to`) and only the CC/BCC copies went out, the letter did not reach the customer:
 * decided by those refusals (any 4xx → deferred, else failed).
 */
function classifyAccepted(message: OutgoingMessage, info: SMTPConnection.SentMessageInfo | null): SendResult {
  const response = info?.response ?? '';
  const rejected = info?.rejected ?? [];
  const code = replyCode(response);
  const base = { stage: 'message' as const, response, ...(code !== undefined ? { code } : {}) };
  if (rejected.length === 0) return { ...base, state: 'sent' };
  const refused = new Set(rejected.map((a) => a.toLowerCase()));
  const errors = (info?.rejectedErrors ?? []) as SmtpError[];
  const describe = errors.map((e) => `${e.recipient ?? '?'}: ${e.response ?? e.message}`).join('; ');
  if (message.to.every((a) => refused.has(a.toLowerCase()))) {
    const customer = new Set(message.to.map((a) => a.toLowerCase()));
    const toErrors = errors.filter((e) => customer.has((e.recipient ?? '').toLowerCase()));
    const transient = toErrors.some((e) => isTransientCode(e.responseCode) || e.responseCode === 503);
    const first = toErrors[0];
    return {
      stage: 'message',
      state: transient || toErrors.length === 0 ? 'deferred' : 'failed',
      error: `every customer address was refused (only CC/BCC copies were accepted): ${describe}`,
      ...(first?.response !== undefined ? { response: first.response } : {}),
      ...(first?.responseCode !== undefined ? { code: first.responseCode } : {}),
      rejected,
    };
  }
  return { ...base, state: 'sent', rejected, error: `some recipients were refused: ${describe}` };
}

// ---------------------------------------------------------------------------------------------
// Building the message

export interface RawMessageInput {
  readonly from: Mailbox;
  readonly to: readonly (string | Mailbox)[];
  readonly cc?: readonly (string | Mailbox)[];
  /** Envelope-only: validated, never written as a header. */
  readonly bcc?: readonly (string | Mailbox)[];
  readonly replyTo?: Mailbox | null;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The letter's stable `<key@domain>` (journal.messageIdFor). */
  readonly messageId: string;
  readonly date: Date;
  /** Extra headers (e.g. X-Dunning-Key); names are tokens, values single-line. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Files sent with the letter (the statement of account as PDF), base64-encoded by ./mime.ts. */
  readonly attachments?: readonly MessageAttachment[];
}

export interface MessageAttachment {
  /** The name the mail client shows ("estado-de-cuenta.pdf"): one line, no path. */
  readonly filename: string;
  readonly content: Buffer;
  /** MIME type, e.g. "application/pdf". */
  readonly contentType: string;
}

/** The RFC 5322 message (text and HTML alternatives), from `{ name, address }` objects only. */
export async function buildRawMessage(input: RawMessageInput): Promise<Buffer> {
  return composeMessage(mimeMessageOf(input));
}

/**
 * The same message, lent: `use` gets the bytes in the composer's buffer, which the next message
 * overwrites (mime.ts lendMessage). For a preview written to its file at once.
 */
export function lendRawMessage<T>(input: RawMessageInput, use: (raw: Buffer) => T): T {
  return lendMessage(mimeMessageOf(input), use);
}

/** The message's fields checked and shaped for mime.ts. */
function mimeMessageOf(input: RawMessageInput): MimeMessage {
  const mailbox = (value: string | Mailbox, field: string): Mailbox => {
    const m = typeof value === 'string' ? { name: '', address: value } : value;
    const address = normalizeAddress(m.address);
    if (address === null) throw new Error(`internal: invalid ${field} address ${JSON.stringify(m.address)}`);
    if (/[\u0000-\u001f\u007f]/.test(m.name)) throw new Error(`internal: ${field} name with a control character`);
    // Spaces around a name mean nothing to a mail client (readers drop them): not written.
    return { name: m.name.trim(), address };
  };
  const list = (values: readonly (string | Mailbox)[] | undefined, field: string): Mailbox[] =>
    (values ?? []).map((v) => mailbox(v, field));
  if (!/^<[^<>\s@]+@[^<>\s@]+>$/.test(input.messageId)) {
    throw new Error(`internal: Message-ID must look like <id@domain>, got ${JSON.stringify(input.messageId)}`);
  }
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(input.headers ?? {})) {
    if (!/^[A-Za-z0-9-]+$/.test(name) || /[\r\n]/.test(value)) throw new Error(`internal: bad header ${JSON.stringify(name)}`);
    // The message's own headers are written once, by the composer: a custom "Bcc" would show the blind copies.
    if (RESERVED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith('content-')) throw new Error(`internal: header ${name} is not a custom header`);
    headers.push([name, value]);
  }
  const attachments = (input.attachments ?? []).map((a) => {
    if (/[\u0000-\u001f\u007f/\\]/.test(a.filename) || a.filename.trim() === '') throw new Error(`internal: bad attachment name ${JSON.stringify(a.filename)}`);
    if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i.test(a.contentType)) throw new Error(`internal: bad attachment type ${JSON.stringify(a.contentType)}`);
    return { filename: a.filename, content: a.content, contentType: a.contentType };
  });
  list(input.bcc, 'bcc'); // validated like the others; envelope-only, never a header
  return {
    from: mailbox(input.from, 'from'),
    to: list(input.to, 'to'),
    cc: list(input.cc, 'cc'),
    replyTo: input.replyTo ? mailbox(input.replyTo, 'replyTo') : null,
    // A subject template usually ends with a newline; a header cannot hold one.
    subject: input.subject.replace(/\s*[\r\n]+\s*/g, ' ').trim(),
    text: input.text,
    html: input.html,
    messageId: input.messageId,
    date: input.date,
    headers,
    attachments,
  };
}

const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'reply-to', 'sender', 'subject', 'message-id', 'date', 'mime-version']);
