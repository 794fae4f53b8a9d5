import { promises as fs } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import net, { type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIsoDay, type Day } from '../../src/core/dates.js';
import { UsageError } from '../../src/errors.js';
import { deliverAll, type PlannedLetter } from '../../src/mail/deliver.js';
import { journalPathOf, letterKey, letterStates, messageIdFor, openJournal, type LetterRecord } from '../../src/mail/journal.js';
import {
  openWebhookSender,
  parseRetryAfter,
  parseWebhookConfig,
  resolveWebhookSettings,
  webhookKeyOf,
  webhookPayload,
  WEBHOOK_PAYLOAD_SCHEMA,
  type WebhookMessage,
  type WebhookPayloadInput,
  type WebhookRetry,
  type WebhookSender,
  type WebhookSenderOptions,
  type WebhookSettings,
} from '../../src/mail/webhook.js';

// ---------------------------------------------------------------------------------------------
// A real HTTP receiver on 127.0.0.1, port 0. `decide` picks what it does with each request from
// its Idempotency-Key and how many times that key was seen.

type Action =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string; readonly early?: boolean }
  /** Close the connection after the headers, without reading the body. */
  | 'drop-before-body'
  /** Read the whole body (and keep it), then close the connection without answering. */
  | 'drop-after-body'
  /** Read the whole body and never answer. */
  | 'hang';

interface Seen {
  readonly key: string;
  /** 1-based count of requests with this key so far. */
  readonly n: number;
  readonly expect: boolean;
}

interface Arrival extends Seen {
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly action: Action;
  readonly at: number;
}

interface TestHttp {
  readonly url: string;
  readonly port: number;
  /** Every request whose headers arrived, dropped ones included. */
  readonly requests: Seen[];
  /** Requests whose whole body was read. */
  readonly arrivals: Arrival[];
  close(): Promise<void>;
}

const cleanups: (() => Promise<void>)[] = [];
let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dunning-webhook-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fs.rm(dir, { recursive: true, force: true });
});

async function receiver(decide: (seen: Seen) => Action): Promise<TestHttp> {
  const requests: Seen[] = [];
  const arrivals: Arrival[] = [];
  const counts = new Map<string, number>();
  const sockets = new Set<Socket>();
  const server = http.createServer();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const choose = (req: http.IncomingMessage): { seen: Seen; action: Action } => {
    const key = String(req.headers['idempotency-key'] ?? '');
    const n = (counts.get(key) ?? 0) + 1;
    counts.set(key, n);
    const seen: Seen = { key, n, expect: req.headers.expect !== undefined };
    requests.push(seen);
    return { seen, action: decide(seen) };
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen, action: Action): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    arrivals.push({ ...seen, headers: req.headers, body: Buffer.concat(chunks), action, at: Date.now() });
    if (action === 'drop-after-body') return void req.socket.destroy();
    if (action === 'hang' || action === 'drop-before-body') return;
    res.writeHead(action.status, action.headers);
    res.end(action.body ?? '');
  };
  // With this listener Node does not answer "100 Continue" by itself: the test decides.
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { seen, action } = choose(req);
    if (action === 'drop-before-body') return void req.socket.destroy();
    if (typeof action === 'object' && action.early === true) {
      res.writeHead(action.status, action.headers);
      res.end(action.body ?? '');
      return;
    }
    res.writeContinue();
    void handle(req, res, seen, action);
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { seen, action } = choose(req);
    void handle(req, res, seen, action);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const close = async (): Promise<void> => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { url: `http://127.0.0.1:${port}/hooks/dunning?tenant=ruiz`, port, requests, arrivals, close };
}

const ok = (body = ''): Action => ({ status: 200, body });
const status = (code: number, headers?: Record<string, string>): Action => ({ status: code, ...(headers ? { headers } : {}) });

function settingsFor(url: string, overrides: { retries?: number; timeoutMs?: number; env?: Record<string, string> } = {}): WebhookSettings {
  return resolveWebhookSettings({
    config: { url, retries: overrides.retries ?? 2, timeoutMs: overrides.timeoutMs ?? 3000, headers: { 'X-Tenant': 'ruiz' } },
    env: overrides.env ?? {},
    insecure: false,
  });
}

function senderFor(settings: WebhookSettings, options: WebhookSenderOptions = {}): WebhookSender {
  const sender = openWebhookSender(settings, { backoffMs: 10, ...options });
  cleanups.push(() => sender.close());
  return sender;
}

const day = (iso: string): Day => {
  const d = parseIsoDay(iso);
  if (d === null) throw new Error(iso);
  return d;
};

const AS_OF = '2024-05-31';
const FROM = 'cobranza@ruiz.mx';

function payloadInput(key: string, n = 1): WebhookPayloadInput {
  return {
    key, channel: 'sms', customer: `Cliente ${n}`, customerKey: `RFC${n}`, company: 'Servicios Contables Ruiz',
    currency: 'MXN', level: 1, asOf: day(AS_OF),
    to: { email: `pagos@cliente${n}.mx`, phone: `+5255123400${String(n).padStart(2, '0')}` },
    subject: null, text: `Cliente ${n}: su factura F-${n} está vencida.`,
    amountAsked: 100_000 + n, invoices: [{ invoice: `F-${n}`, dueDate: day('2024-04-30'), open: 100_000 + n }],
  };
}

function message(key: string): WebhookMessage {
  return { from: FROM, to: ['pagos@cliente1.mx'], cc: [], bcc: [], raw: webhookPayload(payloadInput(key)) };
}

// ---------------------------------------------------------------------------------------------

describe('webhookPayload (the v1 contract)', () => {
  const input: WebhookPayloadInput = {
    key: '0123456789abcdef0123456789abcdef', channel: 'sms', customer: 'Acme S.A.', customerKey: 'ACM010101AB1',
    company: 'Servicios Contables Ruiz', currency: 'MXN', level: 2, asOf: day('2024-05-31'),
    to: { email: ['pagos@acme.mx', 'cxp@acme.mx'], phone: '+525512345678' }, subject: null, text: 'Acme: saldo vencido $1,034.50',
    amountAsked: 103_450,
    invoices: [
      { invoice: '0012', invoiceDate: day('2024-03-01'), dueDate: day('2024-03-31'), open: 123_450 },
      { invoice: 'NC-3', dueDate: day('2024-05-10'), open: -20_000 },
    ],
  };

  it('writes the documented fields in a fixed order, amounts in major units and dates as calendar dates', () => {
    // 2024-03-31 → 2024-05-31: 30 days of April + 31 of May = 61; 2024-05-10 → 05-31: 21.
    expect(webhookPayload(input).toString('utf8')).toBe(
      '{"v":1,"type":"dunning.reminder","key":"0123456789abcdef0123456789abcdef","channel":"sms","asOf":"2024-05-31",' +
        '"company":"Servicios Contables Ruiz","customer":"Acme S.A.","customerKey":"ACM010101AB1","currency":"MXN","level":2,' +
        '"to":{"email":["pagos@acme.mx","cxp@acme.mx"],"phone":"+525512345678"},"subject":null,"text":"Acme: saldo vencido $1,034.50",' +
        '"amountAsked":1034.5,"invoices":[' +
        '{"invoice":"0012","invoiceDate":"2024-03-01","dueDate":"2024-03-31","daysOverdue":61,"open":1234.5},' +
        '{"invoice":"NC-3","invoiceDate":null,"dueDate":"2024-05-10","daysOverdue":21,"open":-200}]}',
    );
  });

  it('uses the currency exponent: yen have no decimals, dinars three', () => {
    const jpy = JSON.parse(webhookPayload({ ...input, currency: 'JPY', amountAsked: 5000, invoices: [] }).toString()) as { amountAsked: number };
    expect(jpy.amountAsked).toBe(5000);
    const kwd = JSON.parse(webhookPayload({ ...input, currency: 'KWD', amountAsked: 1234, invoices: [] }).toString()) as { amountAsked: number };
    expect(kwd.amountAsked).toBe(1.234);
  });

  it('gives a customer without email or phone an empty list and a null', () => {
    const p = JSON.parse(webhookPayload({ ...input, customerKey: undefined, company: undefined, to: { email: null, phone: null } }).toString());
    expect(p.to).toEqual({ email: [], phone: null });
    expect(p.customerKey).toBeNull();
    expect(p.company).toBeNull();
  });

  it('is accepted by the published JSON Schema, which rejects a document that breaks the contract', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(WEBHOOK_PAYLOAD_SCHEMA);
    const doc = JSON.parse(webhookPayload(input).toString());
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...doc, v: 2 })).toBe(false);
    expect(validate({ ...doc, asOf: '31/05/2024' })).toBe(false);
    const { amountAsked: _dropped, ...missing } = doc as Record<string, unknown>;
    expect(validate(missing)).toBe(false);
  });

  it('refuses a phone that is not E.164, an invalid address, fractional minor units and a key unsafe for a header', () => {
    expect(() => webhookPayload({ ...input, to: { email: null, phone: '55 1234 5678' } })).toThrow(/E\.164/);
    expect(() => webhookPayload({ ...input, to: { email: 'a@b.mx\r\nBcc: x@y.org', phone: null } })).toThrow(/to\.email/);
    expect(() => webhookPayload({ ...input, amountAsked: 1034.5 })).toThrow(/minor units/);
    expect(() => webhookPayload({ ...input, key: 'abc\r\nX-Evil: 1' })).toThrow(/header-safe/);
  });

  it('carries its key, which webhookKeyOf reads back', () => {
    expect(webhookKeyOf(webhookPayload(input))).toBe('0123456789abcdef0123456789abcdef');
    expect(() => webhookKeyOf(Buffer.from('From: x\r\n\r\nhello'))).toThrow(/not JSON/);
    expect(() => webhookKeyOf(Buffer.from('{"v":2,"key":"k"}'))).toThrow(/version 1/);
  });
});

describe('parseWebhookConfig', () => {
  it('accepts the documented block', () => {
    expect(parseWebhookConfig({ url: 'https://gw.example.com/d', headers: { 'X-Tenant': 'ruiz' }, timeoutMs: 5000, retries: 0 })).toEqual({
      value: { url: 'https://gw.example.com/d', headers: { 'X-Tenant': 'ruiz' }, timeoutMs: 5000, retries: 0 },
    });
    expect(parseWebhookConfig({})).toEqual({ value: {} });
  });

  it.each([
    [{ url: 'https://x.example.com', retry: 3 }, /^webhook\.retry: unknown key/],
    [{ url: 42 }, /^webhook\.url: expected a string/],
    [{ url: 'gw.example.com/d' }, /^webhook\.url: not a valid URL/],
    [{ url: 'ftp://gw.example.com/d' }, /^webhook\.url: unsupported scheme "ftp:"/],
    [{ url: 'https://user:pw@gw.example.com/d' }, /^webhook\.url: credentials in the URL/],
    [{ headers: { 'Content-Type': 'text/plain' } }, /^webhook\.headers\.Content-Type: set by dunning/],
    [{ headers: { 'Idempotency-Key': 'x' } }, /^webhook\.headers\.Idempotency-Key: set by dunning/],
    [{ headers: { 'X-A': 'one\r\nX-B: two' } }, /^webhook\.headers\.X-A: the value must be one line/],
    [{ headers: { 'X A': 'v' } }, /^webhook\.headers\.X A: not a valid header name/],
    [{ headers: { 'X-A': 1 } }, /^webhook\.headers\.X-A: expected a text value/],
    [{ headers: { 'x-a': '1', 'X-A': '2' } }, /^webhook\.headers\.X-A: given twice/],
    [{ timeoutMs: 0 }, /^webhook\.timeoutMs: expected a whole number from 100 to 300000/],
    [{ retries: 1.5 }, /^webhook\.retries: expected a whole number from 0 to 10/],
    [{ retries: 11 }, /^webhook\.retries/],
    [[], /^webhook: expected an object/],
  ])('rejects %j naming the key', (raw, message) => {
    const result = parseWebhookConfig(raw);
    expect('error' in result ? result.error : 'accepted').toMatch(message);
  });

  it('does not echo a URL, whose path may be a secret', () => {
    const result = parseWebhookConfig({ url: 'https://u:topsecret@hooks.example.com/T0/B0/XXXX' });
    expect('error' in result ? result.error : '').not.toMatch(/topsecret|XXXX/);
  });
});

describe('resolveWebhookSettings', () => {
  const resolve = (url: string | undefined, env: Record<string, string> = {}, insecure = false) =>
    resolveWebhookSettings({ config: url === undefined ? null : { url, headers: { authorization: 'Bearer old', 'X-Tenant': 'ruiz' } }, env, insecure });

  it('sends DUNNING_WEBHOOK_TOKEN as a bearer token, replacing a configured Authorization', () => {
    const s = resolve('https://gw.example.com/d', { DUNNING_WEBHOOK_TOKEN: 'tok-123' });
    expect(s.headers).toEqual({ 'X-Tenant': 'ruiz', Authorization: 'Bearer tok-123' });
    expect(s).toMatchObject({ url: 'https://gw.example.com/d', origin: 'https://gw.example.com', timeoutMs: 10_000, retries: 3 });
  });

  it('keeps the configured Authorization without the variable', () => {
    expect(resolve('https://gw.example.com/d').headers).toEqual({ authorization: 'Bearer old', 'X-Tenant': 'ruiz' });
  });

  it('refuses plain http:// to another machine unless the run is insecure, and allows it to loopback', () => {
    expect(() => resolve('http://gw.example.com/d')).toThrow(UsageError);
    expect(() => resolve('http://gw.example.com/d')).toThrow(/--insecure-webhook/);
    expect(resolve('http://gw.example.com/d', {}, true).origin).toBe('http://gw.example.com');
    expect(resolve('http://localhost:8080/d').origin).toBe('http://localhost:8080');
    expect(resolve('http://127.0.0.1:8080/d').origin).toBe('http://127.0.0.1:8080');
    expect(resolve('http://[::1]:8080/d').origin).toBe('http://[::1]:8080');
  });

  it('takes DUNNING_WEBHOOK_URL over the config, and names it in errors without echoing the URL', () => {
    expect(resolve('https://a.example.com/x', { DUNNING_WEBHOOK_URL: 'https://b.example.com/y' })).toMatchObject({
      origin: 'https://b.example.com', source: 'DUNNING_WEBHOOK_URL',
    });
    expect(() => resolve(undefined, { DUNNING_WEBHOOK_URL: 'http://b.example.com/SECRETPATH' })).toThrow(/^DUNNING_WEBHOOK_URL: plain http:/);
    expect(() => resolve(undefined, { DUNNING_WEBHOOK_URL: 'http://b.example.com/SECRETPATH' })).not.toThrow(/SECRETPATH/);
  });

  it('says how to configure a URL when there is none', () => {
    expect(() => resolve(undefined)).toThrow(/no webhook URL configured/);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2024-05-31T12:00:00Z');
  it('reads delay-seconds and HTTP-dates, and ignores what is neither', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Fri, 31 May 2024 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Fri, 31 May 2024 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('the webhook sender against a local HTTP server', () => {
  it('POSTs the payload as JSON with the key in Idempotency-Key and X-Dunning-Key and reports sent', async () => {
    const server = await receiver(() => ok('{"id":"r-1"}'));
    const sender = senderFor(settingsFor(server.url, { env: { DUNNING_WEBHOOK_TOKEN: 'tok-123' } }));
    const msg = message('k1');
    const result = await sender.send(msg);
    expect(result).toMatchObject({ state: 'sent', code: 200, response: 'HTTP 200 OK: {"id":"r-1"}', stage: 'message' });
    expect(result.error).toBeUndefined();
    expect(server.arrivals).toHaveLength(1);
    const [arrival] = server.arrivals;
    expect(arrival!.body.equals(msg.raw)).toBe(true);
    expect(arrival!.headers).toMatchObject({
      'content-type': 'application/json', 'idempotency-key': 'k1', 'x-dunning-key': 'k1',
      authorization: 'Bearer tok-123', 'x-tenant': 'ruiz', 'content-length': String(msg.raw.length),
    });
  });

  it('retries a 500 twice within the run, with the same key and bytes, and ends sent', async () => {
    const server = await receiver(({ n }) => (n <= 2 ? status(500) : ok()));
    const retries: WebhookRetry[] = [];
    const sender = senderFor(settingsFor(server.url, { retries: 3 }), { onRetry: (r) => retries.push(r) });
    const result = await sender.send(message('k1'));
    expect(result.state).toBe('sent');
    expect(server.requests.map((r) => r.key)).toEqual(['k1', 'k1', 'k1']);
    expect(new Set(server.arrivals.map((a) => a.body.toString()))).toHaveProperty('size', 1);
    // Exponential backoff from 10 ms: 10, then 20.
    expect(retries.map((r) => [r.attempt, r.waitMs])).toEqual([[1, 10], [2, 20]]);
  });

  it('waits as long as a 429 Retry-After asks before trying again', async () => {
    const server = await receiver(({ n }) => (n === 1 ? status(429, { 'Retry-After': '1' }) : ok()));
    const retries: WebhookRetry[] = [];
    const sender = senderFor(settingsFor(server.url), { onRetry: (r) => retries.push(r) });
    expect((await sender.send(message('k1'))).state).toBe('sent');
    expect(retries.map((r) => r.waitMs)).toEqual([1000]);
    const [first, second] = server.arrivals;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('ends deferred at once when Retry-After is longer than it may wait, and says so', async () => {
    const server = await receiver(() => status(503, { 'Retry-After': '3600' }));
    const result = await senderFor(settingsFor(server.url)).send(message('k1'));
    expect(result).toMatchObject({ state: 'deferred', code: 503, stage: 'message' });
    expect(result.error).toMatch(/asked to wait 3600 s/);
    expect(server.requests).toHaveLength(1);
  });

  it('ends deferred after the retry budget when the server keeps answering 503', async () => {
    const server = await receiver(() => status(503));
    const result = await senderFor(settingsFor(server.url, { retries: 2 })).send(message('k1'));
    expect(result).toMatchObject({ state: 'deferred', code: 503, stage: 'message' });
    expect(result.error).toMatch(/after 3 attempts/);
    expect(server.requests).toHaveLength(3);
  });

  it.each([400, 422, 413])('marks a %i failed without retrying it', async (code) => {
    const server = await receiver(() => ({ status: code, body: '{"error":"bad payload"}' }));
    const result = await senderFor(settingsFor(server.url, { retries: 3 })).send(message('k1'));
    expect(result).toMatchObject({ state: 'failed', code });
    expect(result.response).toMatch(new RegExp(`^HTTP ${code} .*bad payload`));
    expect(server.requests).toHaveLength(1);
  });

  it.each([401, 403])('throws a UsageError for %i: the credentials are wrong for the whole run', async (code) => {
    const server = await receiver(() => status(code));
    await expect(senderFor(settingsFor(server.url)).send(message('k1'))).rejects.toThrow(UsageError);
    expect(server.requests).toHaveLength(1);
  });

  it('throws a UsageError for a 401 given on the headers, before the body is even sent', async () => {
    const server = await receiver(() => ({ status: 401, early: true }));
    await expect(senderFor(settingsFor(server.url)).send(message('k1'))).rejects.toThrow(/refused the credentials/);
    expect(server.arrivals).toHaveLength(0);
  });

  it('takes a 404 before anything was accepted as a wrong URL, and as a refused message after', async () => {
    let healthy = false;
    const server = await receiver(({ key }) => (key === 'k2' ? status(404) : healthy ? ok() : status(404)));
    const sender = senderFor(settingsFor(server.url));
    await expect(sender.send(message('k1'))).rejects.toThrow(/answered HTTP 404 Not Found before accepting any message/);
    healthy = true;
    expect((await sender.send(message('k1'))).state).toBe('sent');
    expect((await sender.send(message('k2'))).state).toBe('failed');
  });

  it('throws a UsageError for a redirect instead of re-posting elsewhere', async () => {
    const server = await receiver(() => status(308, { Location: 'https://elsewhere.example.com/' }));
    await expect(senderFor(settingsFor(server.url)).send(message('k1'))).rejects.toThrow(/redirect/);
    expect(server.requests).toHaveLength(1);
  });

  it('counts a 409 for an idempotency key as sent: the receiver already has it', async () => {
    const server = await receiver(() => ({ status: 409, body: 'A request is outstanding for this Idempotency-Key' }));
    const result = await senderFor(settingsFor(server.url)).send(message('k1'));
    expect(result).toMatchObject({ state: 'sent', code: 409 });
    expect(server.requests).toHaveLength(1);
  });

  it('reports unknown, without retrying, when the server read the whole body and closed without answering', async () => {
    const server = await receiver(() => 'drop-after-body');
    const result = await senderFor(settingsFor(server.url, { retries: 3 })).send(message('k1'));
    expect(result).toMatchObject({ state: 'unknown', stage: 'message' });
    expect(result.error).toMatch(/may have it/);
    expect(server.arrivals).toHaveLength(1);
    expect(server.requests).toHaveLength(1);
  });

  it('reports unknown, without retrying, when no answer comes in time after the whole body was sent', async () => {
    const server = await receiver(() => 'hang');
    const result = await senderFor(settingsFor(server.url, { retries: 3, timeoutMs: 300 })).send(message('k1'));
    expect(result).toMatchObject({ state: 'unknown' });
    expect(result.error).toMatch(/no answer within 300 ms after the whole message was sent/);
    expect(server.requests).toHaveLength(1);
  });

  it('reports deferred, after retrying, when the server closed the connection before reading the body', async () => {
    const server = await receiver(() => 'drop-before-body');
    const result = await senderFor(settingsFor(server.url, { retries: 2 })).send(message('k1'));
    expect(result).toMatchObject({ state: 'deferred', stage: 'message' });
    expect(server.requests).toHaveLength(3);
    expect(server.arrivals).toHaveLength(0);
  });

  it('reports deferred at the connect stage when nothing listens on the port', async () => {
    const port = await closedPort();
    const retries: WebhookRetry[] = [];
    const result = await senderFor(settingsFor(`http://127.0.0.1:${port}/d`, { retries: 1 }), { onRetry: (r) => retries.push(r) }).send(message('k1'));
    expect(result).toMatchObject({ state: 'deferred', stage: 'connect' });
    expect(result.error).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/);
    expect(retries).toHaveLength(1);
  });

  it('throws a UsageError when the TLS handshake fails (https:// to a plain HTTP port)', async () => {
    const server = await receiver(() => ok());
    const settings = settingsFor(`https://127.0.0.1:${server.port}/d`);
    await expect(senderFor(settings).send(message('k1'))).rejects.toThrow(/webhook TLS failed at https:\/\/127\.0\.0\.1/);
    expect(server.arrivals).toHaveLength(0);
  });

  it('sends again at once without Expect when the receiver answers 417, not counting it as a retry', async () => {
    const server = await receiver(({ expect: withExpect }) => (withExpect ? { status: 417, early: true } : ok()));
    const result = await senderFor(settingsFor(server.url, { retries: 0 })).send(message('k1'));
    expect(result.state).toBe('sent');
    expect(server.requests.map((r) => r.expect)).toEqual([true, false]);
    expect(server.arrivals).toHaveLength(1);
  });

  it('does not take a 2xx given before the body as delivered: it sends again without Expect', async () => {
    const server = await receiver(({ expect: withExpect }) => (withExpect ? { status: 200, early: true } : status(202)));
    const result = await senderFor(settingsFor(server.url, { retries: 0 })).send(message('k1'));
    expect(result).toMatchObject({ state: 'sent', code: 202 });
    expect(server.arrivals.map((a) => a.expect)).toEqual([false]);
  });

  it('sends the body anyway when a receiver ignores Expect and never says "100 Continue"', async () => {
    // A bare HTTP/1.1 implementation: waits for the whole body, answers 201, never sends 100.
    const bodies: string[] = [];
    const raw = net.createServer((socket) => {
      let data = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        data = Buffer.concat([data, chunk]);
        const end = data.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length: *(\d+)/i.exec(data.subarray(0, end).toString('latin1'))?.[1] ?? 0);
        if (data.length < end + 4 + length) return;
        bodies.push(data.subarray(end + 4, end + 4 + length).toString('utf8'));
        socket.end('HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => raw.close(() => resolve())));
    const { port } = raw.address() as net.AddressInfo;
    const msg = message('k1');
    const result = await senderFor(settingsFor(`http://127.0.0.1:${port}/d`), { continueTimeoutMs: 50 }).send(msg);
    expect(result).toMatchObject({ state: 'sent', code: 201 });
    expect(bodies).toEqual([msg.raw.toString('utf8')]);
  });

  it('stops retrying after three messages in a row ended deferred, until one gets through', async () => {
    const server = await receiver(({ key }) => (key === 'm6' ? ok() : status(503)));
    const sender = senderFor(settingsFor(server.url, { retries: 2 }));
    const states: string[] = [];
    for (const key of ['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']) states.push((await sender.send(message(key))).state);
    expect(states).toEqual(['deferred', 'deferred', 'deferred', 'deferred', 'deferred', 'sent', 'deferred']);
    const perKey = countBy(server.requests.map((r) => r.key));
    expect(perKey).toEqual({ m1: 3, m2: 3, m3: 3, m4: 1, m5: 1, m6: 1, m7: 3 });
  });

  it('refuses a message whose key does not match its payload', async () => {
    const server = await receiver(() => ok());
    await expect(senderFor(settingsFor(server.url)).send({ ...message('k1'), key: 'k2' })).rejects.toThrow(/carries the payload of k1/);
    expect(server.requests).toHaveLength(0);
  });
});

// ---------------------------------------------------------------------------------------------

/** Letter n of a run: customer Cn, one invoice F-n, level 1, its webhook payload as the body. */
function plan(n: number): PlannedLetter {
  const customerKey = `C${n}`;
  const invoices = [{ invoice: `F-${n}`, dueDate: '2024-04-30', open: 1000 + n / 100 }];
  const key = letterKey({ customerKey, currency: 'MXN', level: 1, asOf: AS_OF, invoices });
  const messageId = messageIdFor(key, FROM);
  const to = [`pagos@cliente${n}.mx`];
  const record: PlannedLetter['record'] = {
    v: 1, type: 'letter', asOf: AS_OF, key, customerKey, customer: `Cliente ${n}`, currency: 'MXN', level: 1,
    invoices, amount: 1000 + n / 100, to, messageId,
  };
  const raw = webhookPayload(payloadInput(key, n));
  return { key, messageId, record, envelope: { from: FROM, to, cc: [], bcc: [] }, raw };
}

function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('deliverAll with the webhook sender', () => {
  it('delivers every one of 10 messages exactly once across a failing run, a re-run and a --resend-unknown run', async () => {
    const letters = Array.from({ length: 10 }, (_, i) => plan(i + 1));
    const indexOf = new Map(letters.map((l, i) => [l.key, i + 1]));
    let phase: 'sick' | 'healthy' | 'remembers' = 'sick';
    /** Keys the receiver processed (answered 2xx, or kept before dropping the connection). */
    const processed: string[] = [];
    const server = await receiver(({ key, n }) => {
      const i = indexOf.get(key) ?? 0;
      if (phase === 'remembers' && processed.includes(key)) return { status: 409 };
      if (phase === 'sick') {
        if (i % 3 === 0) return status(503); // letters 3, 6, 9: beyond the retry budget
        if (i === 5) {
          processed.push(key);
          return 'drop-after-body'; // the receiver has it, the answer is lost
        }
        if (i === 7 && n === 1) return status(500); // one retry within the run
      }
      processed.push(key);
      return ok();
    });
    const sender = senderFor(settingsFor(server.url, { retries: 2 }));
    const key = (i: number): string => letters[i - 1]!.key;

    // Run 1: the sick receiver.
    const first = await deliverAll(letters, { journal: await openJournal(dir), sender, resendUnknown: false });
    expect(first.sent.map((o) => indexOf.get(o.letter.key))).toEqual([1, 2, 4, 7, 8, 10]);
    expect(first.deferred.map((o) => indexOf.get(o.letter.key))).toEqual([3, 6, 9]);
    expect(first.unknown.map((o) => indexOf.get(o.letter.key))).toEqual([5]);
    expect(first.stopped).toBeNull();
    // Every attempt is journaled: `sending` first, then its result.
    const lines = (await fs.readFile(journalPathOf(dir), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as LetterRecord);
    expect(lines.map((r) => `${indexOf.get(r.key)}:${r.state}`)).toEqual(
      letters.flatMap((l, i) => [`${i + 1}:sending`, `${i + 1}:${i + 1 === 5 ? 'unknown' : (i + 1) % 3 === 0 ? 'deferred' : 'sent'}`]),
    );

    // Run 2: a plain re-run against a healthy receiver sends only the deferred ones.
    phase = 'healthy';
    const before = server.requests.length;
    const second = await deliverAll(letters, { journal: await openJournal(dir), sender, resendUnknown: false });
    expect(second.sent.map((o) => indexOf.get(o.letter.key))).toEqual([3, 6, 9]);
    expect(second.skipped.map((s) => [indexOf.get(s.key), s.reason])).toEqual([
      [1, 'already-sent'], [2, 'already-sent'], [4, 'already-sent'], [5, 'outcome-unknown'],
      [7, 'already-sent'], [8, 'already-sent'], [10, 'already-sent'],
    ]);
    expect(server.requests.slice(before).map((r) => indexOf.get(r.key))).toEqual([3, 6, 9]);
    expect(countBy(processed)).toEqual(Object.fromEntries(letters.map((l) => [l.key, 1])));

    // Run 3: --resend-unknown; the receiver recognises the key of letter 5 and answers 409.
    phase = 'remembers';
    const mark = server.requests.length;
    const third = await deliverAll(letters, { journal: await openJournal(dir), sender, resendUnknown: true });
    expect(third.sent.map((o) => [indexOf.get(o.letter.key), o.result.code])).toEqual([[5, 409]]);
    expect(server.requests.slice(mark).map((r) => r.key)).toEqual([key(5)]);
    expect(countBy(processed)).toEqual(Object.fromEntries(letters.map((l) => [l.key, 1])));

    // A fourth, plain run sends nothing at all.
    const end = server.requests.length;
    const fourth = await deliverAll(letters, { journal: await openJournal(dir), sender, resendUnknown: false });
    expect(fourth.sent).toEqual([]);
    expect(server.requests.length).toBe(end);
    expect([...letterStates(await openJournal(dir)).values()]).toEqual(Array(10).fill('sent'));
  });

  it('stops the run on a 401: the letter tried is deferred, the rest not tried, the error kept', async () => {
    const server = await receiver(() => status(401));
    const letters = [plan(1), plan(2), plan(3)];
    const summary = await deliverAll(letters, { journal: await openJournal(dir), sender: senderFor(settingsFor(server.url)), resendUnknown: false });
    expect(summary.stopped).toMatchObject({ reason: 'configuration' });
    expect(summary.stopped?.error).toBeInstanceOf(UsageError);
    expect(summary.deferred.map((o) => o.letter.key)).toEqual([letters[0]!.key]);
    expect(summary.notTried.map((l) => l.key)).toEqual([letters[1]!.key, letters[2]!.key]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops the run when the receiver cannot be reached, instead of timing out on every letter', async () => {
    const port = await closedPort();
    const letters = [plan(1), plan(2)];
    const sender = senderFor(settingsFor(`http://127.0.0.1:${port}/d`, { retries: 1 }));
    const summary = await deliverAll(letters, { journal: await openJournal(dir), sender, resendUnknown: false });
    expect(summary.stopped).toMatchObject({ reason: 'unreachable' });
    expect(summary.deferred.map((o) => o.letter.key)).toEqual([letters[0]!.key]);
    expect(summary.notTried.map((l) => l.key)).toEqual([letters[1]!.key]);
  });
});
