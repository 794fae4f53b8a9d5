// The `webhook` block of the config and the check of a webhook URL, apart from the sender
// (mail/webhook.ts) so that reading a config does not load the HTTP and SMTP code.
// ---------------------------------------------------------------------------------------------
// Configuration

/**
 * The config file's `webhook` block (every key optional):
 * ```jsonc
 * "webhook": {
 *   "url": "https://gateway.example.com/dunning",   // or env DUNNING_WEBHOOK_URL (wins)
 *   "headers": { "X-Tenant": "ruiz" },                // extra request headers
 *   "timeoutMs": 10000,  // per request: connect to answer (100–300000)
 *   "retries": 3         // in-run retries of 408/425/429/5xx and connection failures (0–10)
 * }
 * ```
 * The bearer token belongs in env DUNNING_WEBHOOK_TOKEN (sent as `Authorization: Bearer …`,
 * replacing any `Authorization` of `headers`). `http://` is refused except to a loopback host,
 * or with the run's insecure flag (`--insecure-webhook`).
 */
export interface WebhookConfig {
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly retries?: number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_WEBHOOK_RETRIES = 3;

const CONFIG_KEYS = ['url', 'headers', 'timeoutMs', 'retries'] as const;
// Headers the sender owns: a config value would break the framing, the idempotency contract or
// the 100-continue handshake.
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'content-type', 'content-length', 'transfer-encoding', 'host', 'connection', 'keep-alive', 'expect',
  'te', 'trailer', 'upgrade', 'idempotency-key', 'x-dunning-key',
]);
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Visible ASCII, spaces and tabs inside; no CR/LF/NUL (header injection).
const HEADER_VALUE = /^[\x20-\x7e\t]*$/;

/** Validates the `webhook` block of the config; errors name the key (`webhook.retries`). */
export function parseWebhookConfig(raw: unknown): { value: WebhookConfig } | { error: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { error: 'webhook: expected an object like { "url": "https://…" }' };
  }
  const r = raw as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) return { error: `webhook.${key}: unknown key (expected ${CONFIG_KEYS.join(', ')})` };
  }
  const value: { url?: string; headers?: Record<string, string>; timeoutMs?: number; retries?: number } = {};
  if (r.url !== undefined) {
    if (typeof r.url !== 'string') return { error: 'webhook.url: expected a string like "https://…"' };
    const problem = urlProblem(r.url);
    if (problem !== null) return { error: `webhook.url: ${problem}` };
    value.url = r.url.trim();
  }
  if (r.headers !== undefined) {
    if (typeof r.headers !== 'object' || r.headers === null || Array.isArray(r.headers)) {
      return { error: 'webhook.headers: expected an object of header names to text values' };
    }
    const headers: Record<string, string> = {};
    const seen = new Set<string>();
    for (const [name, v] of Object.entries(r.headers as Record<string, unknown>)) {
      const at = `webhook.headers.${name}`;
      if (!HEADER_NAME.test(name)) return { error: `${at}: not a valid header name` };
      const folded = name.toLowerCase();
      if (RESERVED_HEADERS.has(folded)) return { error: `${at}: set by dunning itself, it cannot be configured` };
      if (seen.has(folded)) return { error: `${at}: given twice (header names ignore case)` };
      seen.add(folded);
      if (typeof v !== 'string') return { error: `${at}: expected a text value` };
      if (!HEADER_VALUE.test(v)) return { error: `${at}: the value must be one line of plain ASCII text` };
      headers[name] = v.trim();
    }
    value.headers = headers;
  }
  const int = (key: 'timeoutMs' | 'retries', min: number, max: number): string | null => {
    const v = r[key];
    if (v === undefined) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return `webhook.${key}: expected a whole number from ${min} to ${max}`;
    value[key] = v;
    return null;
  };
  const problem = int('timeoutMs', 100, 300_000) ?? int('retries', 0, 10);
  if (problem !== null) return { error: problem };
  return { value };
}

/** Why a webhook URL is unusable, without echoing it (its path or query may be a secret). */
export function urlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return 'not a valid URL: expected https://host/path';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `unsupported scheme "${url.protocol}", expected https://`;
  if (url.hostname === '') return 'the URL has no host';
  if (url.username !== '' || url.password !== '') {
    return 'credentials in the URL are not supported: put the token in DUNNING_WEBHOOK_TOKEN (or webhook.headers)';
  }
  return null;
}
