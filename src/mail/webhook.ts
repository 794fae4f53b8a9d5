// The `--channel webhook` sender: each message is POSTed as JSON to one configured URL, with the
// same guarantees as email (SPEC §5) because it plugs into the same `deliverAll` loop: `sending`
// journaled and fsynced before the attempt, the result after; a key already `sent` is never sent
// again; `unknown` is never re-sent by a plain run. Owns: the `webhook` config block and where
// the URL and token come from; the JSON payload (the public contract for integrators, "v": 1);
// one HTTP request per attempt; the classification of every outcome as sent / deferred / failed
// / unknown; and the bounded in-run retries of the outcomes where the receiver cannot have
// processed the message or said "try again".
// Why `Expect: 100-continue`: the body is tiny, so without it the whole request is in the kernel
// the moment the connection opens; in the test where the receiver closes the connection right
// after the headers, without reading the body, the result came out `unknown` instead of
// `deferred`. Waiting for "100 Continue" before the body is HTTP's version of SMTP's DATA/354: a
// drop before it is `deferred` for sure, a drop after the last byte of the body left is
// `unknown` (the receiver may have it). Receivers that ignore Expect get the body after 1 s.
// Why a new connection per request: a kept-alive connection that the server closes just as the
// next request goes out fails after that request's body was written, which would read as
// `unknown` for a message the server never saw.

import http from 'node:http';
import https from 'node:https';
import type tls from 'node:tls';
import { isoOfDay, type Day } from '../core/dates.js';
import { currencyExponent, minorToMajor, type Minor } from '../core/money.js';
import { UsageError } from '../errors.js';
import { isValidAddress } from './address.js';
import { isLoopbackHost, type OutgoingMessage, type SendResult } from './smtp.js';
import { DEFAULT_WEBHOOK_RETRIES, DEFAULT_WEBHOOK_TIMEOUT_MS, urlProblem, type WebhookConfig } from './webhook-config.js';

export { DEFAULT_WEBHOOK_RETRIES, DEFAULT_WEBHOOK_TIMEOUT_MS, parseWebhookConfig, type WebhookConfig } from './webhook-config.js';

// ---------------------------------------------------------------------------------------------
// The payload (public contract, version 1)

/** Payload version; fields are only ever added within a version. */
export const WEBHOOK_PAYLOAD_VERSION = 1;
export const WEBHOOK_PAYLOAD_TYPE = 'dunning.reminder';

export interface WebhookInvoiceInput {
  /** Invoice number as in the ledger (text: leading zeros matter). */
  readonly invoice: string;
  readonly invoiceDate?: Day | null;
  /** Tells instalments of one invoice apart. */
  readonly dueDate: Day;
  /** Open amount, minor units of the payload's currency (a credit is negative). */
  readonly open: Minor;
}

export interface WebhookPayloadInput {
  /** The letter's idempotency key (journal.letterKey); also sent as `Idempotency-Key`. */
  readonly key: string;
  /** What the text was rendered for, so the receiver can route it: "email", "sms", "whatsapp"… */
  readonly channel: string;
  /** The customer's name as the ledger spells it. */
  readonly customer: string;
  /** The grouping key (tax id / account code) when the ledger has one. */
  readonly customerKey?: string | null;
  /** The client company the message is sent for (config company.name). */
  readonly company?: string | null;
  /** ISO 4217 code; every amount of the payload is in it. */
  readonly currency: string;
  /** Ladder level (1–4) or a level name ("upcoming"). */
  readonly level: number | string;
  readonly asOf: Day;
  readonly to: {
    /** One address, several, or none; each must be a plain valid address. */
    readonly email: string | readonly string[] | null;
    /** E.164 ("+5215512345678") or null. */
    readonly phone: string | null;
  };
  /** The rendered subject (email), or null for short messages. */
  readonly subject: string | null;
  /** The rendered message text. */
  readonly text: string;
  /** Amount asked (overdue dunnable amounts − credits), minor units. */
  readonly amountAsked: Minor;
  readonly invoices: readonly WebhookInvoiceInput[];
}

/**
 * The JSON body POSTed for one message, as bytes (UTF-8, no BOM). Contract, version 1:
 *
 * ```json
 * { "v": 1, "type": "dunning.reminder", "key": "5f0c…(32 hex)", "channel": "sms",
 *   "asOf": "2024-05-31", "company": "Servicios Contables Ruiz", "customer": "Acme S.A.",
 *   "customerKey": "ACM010101AB1", "currency": "MXN", "level": 2,
 *   "to": { "email": ["pagos@acme.mx"], "phone": "+525512345678" },
 *   "subject": null, "text": "Acme: su saldo vencido es $1,234.50 …",
 *   "amountAsked": 1234.5,
 *   "invoices": [ { "invoice": "F-001", "invoiceDate": "2024-03-01", "dueDate": "2024-03-31",
 *                   "daysOverdue": 61, "open": 1234.5 } ] }
 * ```
 * - Amounts are JSON numbers in major units rounded to the currency's ISO 4217 exponent, like
 *   `aging --format json` (compare them after rounding, never as raw floats).
 * - Dates are calendar dates "YYYY-MM-DD"; `daysOverdue` = asOf − dueDate (negative: not yet due).
 * - Nullable fields are always present (null when unset); `to.email` is always an array.
 * - `key` is stable for the same letter (customer, currency, level, as-of, invoice numbers) and is
 *   also the `Idempotency-Key` and `X-Dunning-Key` headers: the receiver must treat a repeated
 *   key as the same message (a 5xx may have been processed and is retried with the same key).
 * - The body holds no timestamp, so every attempt of a message carries the same bytes.
 * - Fields may be added within version 1; `v` changes if one is removed or changes meaning.
 */
export function webhookPayload(input: WebhookPayloadInput): Buffer {
  checkKey(input.key, 'key');
  if (!/^[a-z][a-z0-9_-]{0,31}$/.test(input.channel)) throw new Error(`internal: webhook channel ${JSON.stringify(input.channel)} is not a lower-case word`);
  if (!/^[A-Z]{3}$/.test(input.currency)) throw new Error(`internal: webhook currency ${JSON.stringify(input.currency)} is not an ISO 4217 code`);
  checkDay(input.asOf, 'asOf');
  const exponent = currencyExponent(input.currency);
  const major = (minor: Minor, what: string): number => {
    if (!Number.isSafeInteger(minor)) throw new Error(`internal: webhook ${what} ${minor} is not an integer of minor units`);
    return minorToMajor(minor, exponent);
  };
  const emails = input.to.email === null ? [] : typeof input.to.email === 'string' ? [input.to.email] : [...input.to.email];
  const bad = emails.find((a) => !isValidAddress(a));
  if (bad !== undefined) throw new Error(`internal: webhook to.email ${JSON.stringify(bad)} is not one valid address`);
  if (input.to.phone !== null && !E164.test(input.to.phone)) {
    throw new Error(`internal: webhook to.phone ${JSON.stringify(input.to.phone)} is not in E.164 form (+ and 7 to 15 digits)`);
  }
  const payload = {
    v: WEBHOOK_PAYLOAD_VERSION,
    type: WEBHOOK_PAYLOAD_TYPE,
    key: input.key,
    channel: input.channel,
    asOf: isoOfDay(input.asOf),
    company: input.company ?? null,
    customer: input.customer,
    customerKey: input.customerKey ?? null,
    currency: input.currency,
    level: input.level,
    to: { email: emails, phone: input.to.phone },
    subject: input.subject,
    text: input.text,
    amountAsked: major(input.amountAsked, 'amountAsked'),
    invoices: input.invoices.map((i) => {
      checkDay(i.dueDate, `invoice ${i.invoice} dueDate`);
      if (i.invoiceDate != null) checkDay(i.invoiceDate, `invoice ${i.invoice} invoiceDate`);
      return {
        invoice: i.invoice,
        invoiceDate: i.invoiceDate == null ? null : isoOfDay(i.invoiceDate),
        dueDate: isoOfDay(i.dueDate),
        daysOverdue: input.asOf - i.dueDate,
        open: major(i.open, `invoice ${i.invoice} open`),
      };
    }),
  };
  return Buffer.from(JSON.stringify(payload), 'utf8');
}

const E164 = /^\+[1-9]\d{6,14}$/; // as letters/sms.ts toE164: + and 7 to 15 digits
// Header-safe and short: the key travels in two request headers.
const KEY_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;

function checkKey(key: unknown, what: string): asserts key is string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key)) throw new Error(`internal: webhook ${what} ${JSON.stringify(key)} is not a header-safe key`);
}

function checkDay(day: Day, what: string): void {
  if (!Number.isSafeInteger(day)) throw new Error(`internal: webhook ${what} is not a calendar day`);
}

/** JSON Schema (draft-07) of payload version 1, for integrators (publish it next to the aging schema). */
export const WEBHOOK_PAYLOAD_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://dunning.invalid/schema/webhook-payload.v1.json',
  title: 'dunning webhook message, version 1',
  type: 'object',
  required: ['v', 'type', 'key', 'channel', 'asOf', 'company', 'customer', 'customerKey', 'currency', 'level', 'to', 'subject', 'text', 'amountAsked', 'invoices'],
  properties: {
    v: { const: 1 },
    type: { const: WEBHOOK_PAYLOAD_TYPE },
    key: { type: 'string', pattern: KEY_PATTERN.source },
    channel: { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,31}$' },
    asOf: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
    company: { type: ['string', 'null'] },
    customer: { type: 'string' },
    customerKey: { type: ['string', 'null'] },
    currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    level: { type: ['integer', 'string'] },
    to: {
      type: 'object',
      required: ['email', 'phone'],
      properties: {
        email: { type: 'array', items: { type: 'string' } },
        phone: { anyOf: [{ type: 'null' }, { type: 'string', pattern: E164.source }] },
      },
    },
    subject: { type: ['string', 'null'] },
    text: { type: 'string' },
    amountAsked: { type: 'number' },
    invoices: {
      type: 'array',
      items: {
        type: 'object',
        required: ['invoice', 'invoiceDate', 'dueDate', 'daysOverdue', 'open'],
        properties: {
          invoice: { type: 'string' },
          invoiceDate: { anyOf: [{ type: 'null' }, { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' }] },
          dueDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          daysOverdue: { type: 'integer' },
          open: { type: 'number' },
        },
      },
    },
  },
} as const;

/**
 * The idempotency key inside a payload built by `webhookPayload`. The sender takes the key from
 * the body because `deliverAll` hands a sender only the envelope and the bytes; call this while
 * planning (expecting `letter.key`) so a mismatch is found before anything is journaled.
 */
export function webhookKeyOf(raw: Buffer): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Error('internal: a webhook message whose body is not JSON (build it with webhookPayload)');
  }
  const p = parsed as { v?: unknown; key?: unknown } | null;
  if (typeof p !== 'object' || p === null || p.v !== WEBHOOK_PAYLOAD_VERSION) {
    throw new Error('internal: a webhook message that is not a version 1 payload (build it with webhookPayload)');
  }
  checkKey(p.key, 'payload key');
  return p.key;
}

export interface WebhookSettings {
  /** The full URL (may hold a secret path: never print it; print `origin`). */
  readonly url: string;
  /** scheme://host:port, for messages. */
  readonly origin: string;
  /** Configured headers, plus `Authorization: Bearer …` from DUNNING_WEBHOOK_TOKEN. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retries: number;
  /** Where the URL came from ("DUNNING_WEBHOOK_URL" or "config webhook.url"). */
  readonly source: string;
}

export interface ResolveWebhookInput {
  readonly config: WebhookConfig | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--insecure-webhook`: plain http:// allowed to a non-loopback host. */
  readonly insecure: boolean;
}

/** The webhook settings of a run; throws UsageError (exit 2) when they cannot work. */
export function resolveWebhookSettings(input: ResolveWebhookInput): WebhookSettings {
  const envUrl = nonEmpty(input.env.DUNNING_WEBHOOK_URL);
  const source = envUrl !== undefined ? 'DUNNING_WEBHOOK_URL' : 'config webhook.url';
  const text = envUrl ?? input.config?.url;
  if (text === undefined) {
    throw new UsageError(
      'no webhook URL configured for --channel webhook: set "webhook": { "url": "https://…" } in dunning.config.json ' +
        'or DUNNING_WEBHOOK_URL',
    );
  }
  const problem = urlProblem(text);
  if (problem !== null) throw new UsageError(`${source}: ${problem}`);
  const url = new URL(text.trim());
  url.hash = '';
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname) && !input.insecure) {
    throw new UsageError(
      `${source}: plain http:// to ${url.host} would send the messages and the token unencrypted; ` +
        'use https://, or --insecure-webhook if this network is trusted',
    );
  }
  const headers: Record<string, string> = { ...(input.config?.headers ?? {}) };
  const token = nonEmpty(input.env.DUNNING_WEBHOOK_TOKEN?.trim());
  if (token !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(token)) throw new UsageError('DUNNING_WEBHOOK_TOKEN: the token must be one word of visible ASCII characters');
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    headers.Authorization = `Bearer ${token}`;
  }
  return {
    url: url.href,
    origin: url.origin,
    headers,
    timeoutMs: input.config?.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS,
    retries: input.config?.retries ?? DEFAULT_WEBHOOK_RETRIES,
    source,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

// ---------------------------------------------------------------------------------------------
// The sender

/**
 * What `deliverAll` hands a sender (the envelope is not used here), optionally with the letter's
 * key: when given it must match the payload's `key`.
 */
export interface WebhookMessage extends OutgoingMessage {
  readonly key?: string;
}

/** Same shape as the SMTP `Sender` (send / close), so `deliverAll` takes it unchanged. */
export interface WebhookSender {
  readonly settings: WebhookSettings;
  /**
   * POSTs one message, retrying within the run what is safe to retry. Never rejects for a
   * delivery problem. Throws UsageError for a problem of the whole run's configuration: TLS
   * failure, 401/403, a redirect, or an endpoint that answers 404/405/410/415 before it has
   * accepted any message of this run (a wrong URL, not a bad message).
   */
  send(message: WebhookMessage): Promise<SendResult>;
  /** Nothing stays open between messages; safe to call twice. */
  close(): Promise<void>;
}

export interface WebhookRetry {
  readonly key: string;
  /** The attempt that just ended (1-based). */
  readonly attempt: number;
  readonly waitMs: number;
  readonly reason: string;
}

export interface WebhookSenderOptions {
  /** First backoff; doubles on each retry (default 1000 ms). */
  readonly backoffMs?: number;
  /** Longest single wait, and the cap on Retry-After: a longer one ends the message `deferred` (default 30 s). */
  readonly maxWaitMs?: number;
  /** No retry starts after this long on one message (default 60 s). */
  readonly budgetMs?: number;
  /** How long to wait for "100 Continue" before sending the body anyway (default 1000 ms, like curl). */
  readonly continueTimeoutMs?: number;
  /** After this many messages in a row ended `deferred`, later ones are tried once until one gets through (default 3). */
  readonly deferredStreak?: number;
  /** Extra TLS options (a private CA: `{ ca }`). */
  readonly tls?: Pick<tls.ConnectionOptions, 'ca' | 'cert' | 'key' | 'servername'>;
  readonly userAgent?: string;
  /** Told before each in-run retry (for progress on stderr). */
  readonly onRetry?: (retry: WebhookRetry) => void;
}

export function openWebhookSender(settings: WebhookSettings, options: WebhookSenderOptions = {}): WebhookSender {
  return new HttpWebhookSender(settings, options);
}

/** Statuses that mean "try again": the receiver did not process the message, or asks to wait. */
const RETRIABLE = new Set([408, 425, 429]);
/** Statuses that, before anything was accepted, mean the URL is wrong rather than the message. */
const WRONG_ENDPOINT = new Set([404, 405, 410, 415]);
const REPLY_SNIPPET = 200;
const REPLY_READ_CAP = 4096;
const REPLY_READ_MS = 1000;

interface Verdict {
  readonly result: SendResult;
  /** Retrying within the run is safe (the receiver did not take it, or asked to try again). */
  readonly retriable: boolean;
  readonly retryAfterMs: number | null;
}

class HttpWebhookSender implements WebhookSender {
  private closed = false;
  /** Some message of this run got a 2xx/409: the endpoint exists. */
  private accepted = false;
  private deferredInARow = 0;
  private readonly url: URL;

  constructor(
    readonly settings: WebhookSettings,
    private readonly options: WebhookSenderOptions,
  ) {
    this.url = new URL(settings.url);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async send(message: WebhookMessage): Promise<SendResult> {
    if (this.closed) throw new Error('webhook sender used after close()');
    const key = webhookKeyOf(message.raw);
    if (message.key !== undefined && message.key !== key) {
      throw new Error(`internal: webhook message for ${message.key} carries the payload of ${key}`);
    }
    const backoffMs = this.options.backoffMs ?? 1000;
    const maxWaitMs = this.options.maxWaitMs ?? 30_000;
    const budgetMs = this.options.budgetMs ?? 60_000;
    // A receiver that defers everything (down, rate-limited) must not cost every letter of a
    // cron run the full retry schedule: after a streak of deferred messages, one try each.
    const retries = this.deferredInARow >= (this.options.deferredStreak ?? 3) ? 0 : this.settings.retries;
    const started = Date.now();
    let expectContinue = true;
    let attempt = 0;
    for (;;) {
      attempt += 1;
      const outcome = await this.attempt(key, message.raw, expectContinue);
      if (outcome.kind === 'response' && expectContinue && !outcome.bodySent && (outcome.status === 417 || isSuccess(outcome.status))) {
        // "417 Expectation Failed", or a 2xx before it saw a byte of the message: a receiver
        // (or proxy) that does not do 100-continue. The body was not sent, so trying again at
        // once without the header is not a retry, and a 2xx here must not count as delivered.
        expectContinue = false;
        attempt -= 1;
        continue;
      }
      const verdict = this.classify(outcome);
      const tries = attempt === 1 ? '' : ` (after ${attempt} attempts)`;
      if (!verdict.retriable || attempt > retries) return this.finish({ ...verdict.result, ...appendError(verdict.result, tries) });
      const backoff = Math.min(backoffMs * 2 ** (attempt - 1), maxWaitMs);
      if (verdict.retryAfterMs !== null && verdict.retryAfterMs > maxWaitMs) {
        const note = ` (the receiver asked to wait ${Math.ceil(verdict.retryAfterMs / 1000)} s; the next run will try again)`;
        return this.finish({ ...verdict.result, ...appendError(verdict.result, `${tries}${note}`) });
      }
      const waitMs = Math.max(backoff, verdict.retryAfterMs ?? 0);
      if (Date.now() - started + waitMs > budgetMs) return this.finish({ ...verdict.result, ...appendError(verdict.result, tries) });
      this.options.onRetry?.({ key, attempt, waitMs, reason: verdict.result.error ?? verdict.result.response ?? 'deferred' });
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }

  private finish(result: SendResult): SendResult {
    if (result.state === 'deferred') this.deferredInARow += 1;
    else this.deferredInARow = 0;
    if (result.state === 'sent') this.accepted = true;
    return result;
  }

  /** SPEC §5 for HTTP. Throws UsageError for what is wrong with the whole run's configuration. */
  private classify(outcome: AttemptOutcome): Verdict {
    const where = this.settings.origin;
    if (outcome.kind === 'error') {
      const { error, sessionReady, bodyHandedOver, timedOut } = outcome;
      // A failed handshake is the certificate or the URL, the same for every message. (A TLS
      // error once the session was up is a broken connection like any other, below.)
      if (!sessionReady && isTlsFailure(error)) {
        throw new UsageError(`webhook TLS failed at ${where}: ${error.message} (check the URL's scheme and port, and the server's certificate)`);
      }
      const what = timedOut ? `no answer within ${this.settings.timeoutMs} ms` : error.message;
      if (bodyHandedOver) {
        // The whole request was on its way: the receiver may have processed it and lost only
        // the answer. Retrying could deliver it twice; `unknown` waits for a person.
        return {
          result: { state: 'unknown', stage: 'message', error: `${where}: ${what} after the whole message was sent; the receiver may have it` },
          retriable: false,
          retryAfterMs: null,
        };
      }
      const stage = sessionReady ? 'message' : 'connect';
      const text = sessionReady ? `${where}: ${what} before the message was sent` : `cannot reach ${where}: ${what}`;
      return { result: { state: 'deferred', stage, error: text }, retriable: true, retryAfterMs: null };
    }
    const { status } = outcome;
    const reply = replyText(outcome);
    const base = { stage: 'message' as const, code: status, response: reply };
    if (isSuccess(status)) return { result: { ...base, state: 'sent' }, retriable: false, retryAfterMs: null };
    if (status === 409) {
      // With an Idempotency-Key, 409 Conflict is the receiver saying it already has (or is still
      // processing) a request with this key: this message reached it.
      return { result: { ...base, state: 'sent', error: 'HTTP 409: the receiver already has this key' }, retriable: false, retryAfterMs: null };
    }
    if (status === 401 || status === 403) {
      throw new UsageError(
        `the webhook ${where} refused the credentials (${reply}): check DUNNING_WEBHOOK_TOKEN or webhook.headers`,
      );
    }
    if (status >= 300 && status < 400) {
      throw new UsageError(
        `the webhook ${where} answered ${reply}, a redirect; a POST is not followed to another address: put the final URL in ${this.settings.source}`,
      );
    }
    if (WRONG_ENDPOINT.has(status) && !this.accepted) {
      throw new UsageError(`the webhook ${where} answered ${reply} before accepting any message: check ${this.settings.source}`);
    }
    if (RETRIABLE.has(status) || status >= 500) {
      return {
        result: { ...base, state: 'deferred', error: `HTTP ${status} from ${where}` },
        retriable: true,
        retryAfterMs: parseRetryAfter(outcome.retryAfter, Date.now()),
      };
    }
    // 400, 413, 422 (bad payload, key reused with another payload), 404 once the endpoint is known…
    return { result: { ...base, state: 'failed', error: `HTTP ${status} from ${where}: refused this message` }, retriable: false, retryAfterMs: null };
  }

  private attempt(key: string, body: Buffer, expectContinue: boolean): Promise<AttemptOutcome> {
    const headers: Record<string, string> = {
      'User-Agent': this.options.userAgent ?? 'dunning',
      ...this.settings.headers,
      'Content-Type': 'application/json',
      'Content-Length': String(body.length),
      'Idempotency-Key': key,
      'X-Dunning-Key': key,
      Connection: 'close',
      ...(expectContinue ? { Expect: '100-continue' } : {}),
    };
    return postOnce(this.url, headers, body, {
      timeoutMs: this.settings.timeoutMs,
      expectContinue,
      continueTimeoutMs: this.options.continueTimeoutMs ?? 1000,
      tls: this.options.tls ?? {},
    });
  }
}

/** The error text with a note on retries; a message that ended `sent` gets none. */
function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function appendError(result: SendResult, note: string): { error?: string } {
  if (note === '' || result.state === 'sent') return {};
  return { error: `${result.error ?? `HTTP ${result.code ?? '?'}`}${note}` };
}

function replyText(outcome: ResponseOutcome): string {
  const head = `HTTP ${outcome.status}${outcome.statusText ? ` ${outcome.statusText}` : ''}`;
  const body = outcome.body.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  if (body === '') return head;
  return `${head}: ${body.length > REPLY_SNIPPET ? `${body.slice(0, REPLY_SNIPPET - 1)}…` : body}`;
}

/**
 * Retry-After (RFC 9110 §10.2.3) as milliseconds from `nowMs`: delay-seconds or an HTTP-date
 * (a past date is 0). Null when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // Date.parse is lenient ("1.5" is a date to V8): an HTTP-date always names a month or weekday.
  if (!/[A-Za-z]{3}/.test(v)) return null;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

function isTlsFailure(err: NodeJS.ErrnoException): boolean {
  const code = err.code ?? '';
  if (/^ERR_(SSL|TLS)_|^(CERT_|DEPTH_ZERO_SELF_SIGNED|SELF_SIGNED_CERT|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH)/.test(code)) return true;
  return code === 'EPROTO' && /SSL|TLS/i.test(err.message);
}

// ---------------------------------------------------------------------------------------------
// One HTTP request

interface ResponseOutcome {
  readonly kind: 'response';
  readonly status: number;
  readonly statusText: string;
  readonly retryAfter: string | undefined;
  /** Whether the body had started to go out when the answer came. */
  readonly bodySent: boolean;
  /** The first few KB of the answer's body, as text. */
  readonly body: string;
}

interface ErrorOutcome {
  readonly kind: 'error';
  readonly error: NodeJS.ErrnoException;
  /** The connection (and TLS) was set up: the receiver was reached. */
  readonly sessionReady: boolean;
  /** Every byte of the body was handed to the operating system before the failure. */
  readonly bodyHandedOver: boolean;
  readonly timedOut: boolean;
}

type AttemptOutcome = ResponseOutcome | ErrorOutcome;

interface PostOptions {
  readonly timeoutMs: number;
  readonly expectContinue: boolean;
  readonly continueTimeoutMs: number;
  readonly tls: Readonly<tls.ConnectionOptions>;
}

/** One POST on a fresh connection; resolves with the status or with how and when it failed. */
function postOnce(url: URL, headers: Readonly<Record<string, string>>, body: Buffer, options: PostOptions): Promise<AttemptOutcome> {
  return new Promise<AttemptOutcome>((resolve) => {
    const secure = url.protocol === 'https:';
    let sessionReady = false;
    let bodyStarted = false;
    let bodyHandedOver = false;
    let timedOut = false;
    let settled = false;
    let continueTimer: NodeJS.Timeout | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let readCap: NodeJS.Timeout | undefined;
    let response: { status: number; statusText: string; retryAfter: string | undefined; chunks: Buffer[]; size: number } | null = null;

    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(continueTimer);
      clearTimeout(readCap);
      resolve(outcome);
      req.destroy();
    };
    const settleResponse = (): void => {
      if (response === null) return;
      settle({
        kind: 'response',
        status: response.status,
        statusText: response.statusText,
        retryAfter: response.retryAfter,
        bodySent: bodyStarted,
        body: Buffer.concat(response.chunks).toString('utf8'),
      });
    };
    const sendBody = (): void => {
      if (bodyStarted || settled) return;
      bodyStarted = true;
      clearTimeout(continueTimer);
      req.end(body);
    };

    const requestOptions: https.RequestOptions = {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      path: `${url.pathname}${url.search}`,
      headers,
      agent: false,
      ...(secure ? options.tls : {}),
    };
    const req = secure ? https.request(requestOptions) : http.request(requestOptions);

    deadline = setTimeout(() => {
      if (response !== null) return settleResponse(); // the status is in; the rest of the body does not matter
      timedOut = true;
      req.destroy(Object.assign(new Error(`timed out after ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, options.timeoutMs);

    req.on('socket', (socket) => {
      const ready = (): void => {
        sessionReady = true;
        if (options.expectContinue) {
          // A receiver that ignores Expect never says "100 Continue": send the body anyway.
          continueTimer = setTimeout(sendBody, options.continueTimeoutMs);
        }
      };
      socket.once(secure ? 'secureConnect' : 'connect', ready);
    });
    // 'finish': the last byte of the body was handed to the operating system.
    req.on('finish', () => {
      bodyHandedOver = true;
    });
    req.on('continue', sendBody);
    req.on('response', (res) => {
      clearTimeout(continueTimer);
      const retryAfter = res.headers['retry-after'];
      response = {
        status: res.statusCode ?? 0,
        statusText: res.statusMessage ?? '',
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        chunks: [],
        size: 0,
      };
      const r = response;
      // The answer's body only goes into the journal's `response`: read a little, briefly.
      readCap = setTimeout(settleResponse, REPLY_READ_MS);
      res.on('data', (chunk: Buffer) => {
        if (r.size < REPLY_READ_CAP) {
          r.chunks.push(chunk.subarray(0, REPLY_READ_CAP - r.size));
          r.size += chunk.length;
        }
        if (r.size >= REPLY_READ_CAP) settleResponse();
      });
      res.on('end', settleResponse);
      res.on('error', settleResponse);
      res.on('close', settleResponse);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (response !== null) return settleResponse();
      settle({ kind: 'error', error, sessionReady, bodyHandedOver, timedOut });
    });

    if (options.expectContinue) req.flushHeaders();
    else sendBody();
  });
}
