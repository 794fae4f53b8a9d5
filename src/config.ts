// The client folder's configuration (SPEC §7): `--config FILE`, else `dunning.config.json` in the
// client folder. JSON with comments (JSONC); every key optional; an unknown key or a wrong type is
// a usage error (exit 2) that names the key. Defaults live here and nowhere else.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isField, type Field } from './ledger/columns.js';
import { UsageError } from './errors.js';
import { parseFeesConfig, parseInterestConfig, type FeesConfig, type InterestConfig } from './core/charges.js';
import { parseContactConfig, type ContactConfig } from './core/contact.js';
import { parseWebhookConfig, type WebhookConfig } from './mail/webhook-config.js';

export interface LevelConfig {
  readonly name: string;
  readonly minDays: number;
  readonly template: string;
}

/** The `smtp` block: its shape belongs to the sender (mail/smtp.ts). */
export type { SmtpConfig } from './mail/smtp.js';
import type { SmtpConfig } from './mail/smtp.js';

export interface Config {
  readonly company: { readonly name?: string; readonly email?: string; readonly phone?: string; readonly address?: string; readonly taxId?: string; readonly website?: string; readonly logo?: string } | null;
  readonly from: string | null;
  readonly replyTo: string | null;
  readonly bcc: string | null;
  readonly ccSalesRep: boolean;
  readonly notify: string | null;
  readonly lang: 'es' | 'en' | null;
  readonly locale: string | null;
  readonly currency: string | null;
  readonly defaultTermsDays: number;
  readonly criticalDays: number;
  readonly buckets: readonly number[];
  readonly minDaysBetween: number;
  readonly repeatAfterDays: number;
  readonly maxFinalNotices: number;
  readonly upcomingDays: number;
  readonly skipLevels: boolean;
  readonly maxLedgerAgeDays: number;
  readonly columns: Readonly<Partial<Record<Field, string>>>;
  readonly dateOrder: 'dmy' | 'mdy' | 'ymd' | null;
  readonly decimal: ',' | '.' | null;
  readonly doNotContact: readonly string[];
  readonly levels: readonly LevelConfig[] | null;
  readonly paymentInstructions: string | null;
  readonly paymentUrl: string | null;
  readonly smtp: SmtpConfig | null;
  /** Late-payment interest (core/charges.ts): a preset or a rate; null = none. */
  readonly interest: InterestConfig | null;
  /** Fee per letter level, charged once per level and cycle; null = none. */
  readonly fees: FeesConfig | null;
  /** Attach a statement of account (PDF, every open item with a running balance) to each email letter. */
  readonly attachStatement: boolean;
  /** `contactWindow` + `maxContactsPerWeek` (core/contact.ts); null when neither is set: no window, no caps. */
  readonly contact: ContactConfig | null;
  /** `--channel webhook`: where and how to POST (mail/webhook.ts). */
  readonly webhook: WebhookConfig | null;
  /** The file it came from, or null when defaults only. */
  readonly path: string | null;
}

export const DEFAULTS: Config = {
  company: null, from: null, replyTo: null, bcc: null, ccSalesRep: false, notify: null,
  lang: null, locale: null, currency: null,
  defaultTermsDays: 30, criticalDays: 90, buckets: [30, 60, 90],
  minDaysBetween: 7, repeatAfterDays: 14, maxFinalNotices: 2, upcomingDays: 7, skipLevels: false,
  maxLedgerAgeDays: 3, columns: {}, dateOrder: null, decimal: null, doNotContact: [], levels: null,
  paymentInstructions: null, paymentUrl: null, smtp: null, interest: null, fees: null,
  attachStatement: false, contact: null, webhook: null, path: null,
};

type Check = (v: unknown, key: string) => string | null;

const str: Check = (v) => (typeof v === 'string' ? null : 'must be a text');
const strOrNull: Check = (v) => (v === null || typeof v === 'string' ? null : 'must be a text or null');
const bool: Check = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const wholeDays: Check = (v) => (Number.isInteger(v) && (v as number) >= 0 ? null : 'must be a whole number of days (0 or more)');
const positiveInt: Check = (v) => (Number.isInteger(v) && (v as number) >= 1 ? null : 'must be a whole number, 1 or more');
const oneOf = (...values: (string | null)[]): Check => (v) => (values.includes(v as string) ? null : `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`);
const strList: Check = (v) => (Array.isArray(v) && v.every((x) => typeof x === 'string') ? null : 'must be a list of texts');
const bounds: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => Number.isInteger(x) && x > 0)) return 'must be a list of whole numbers of days, e.g. [30, 60, 90]';
  return v.every((x, i) => i === 0 || x > v[i - 1]) ? null : 'must be ascending, e.g. [30, 60, 90]';
};
const currency: Check = (v) => (typeof v === 'string' && /^[A-Z]{3}$/.test(v) ? null : 'must be an ISO currency code like "MXN"');
const locale: Check = (v) => {
  if (typeof v !== 'string') return 'must be a locale like "es-MX"';
  try {
    return Intl.getCanonicalLocales(v).length ? null : 'must be a locale like "es-MX"';
  } catch {
    return 'must be a locale like "es-MX"';
  }
};
const object = (shape: Record<string, Check>): Check => (v, key) => {
  if (v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) return 'must be an object';
  for (const [k, val] of Object.entries(v)) {
    const check = shape[k];
    if (!check) return `has an unknown key "${k}" (known: ${Object.keys(shape).join(', ')})`;
    const err = check(val, `${key}.${k}`);
    if (err) return `.${k} ${err}`;
  }
  return null;
};
const columns: Check = (v) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'must be an object like { "customer": "Razón social" }';
  for (const [k, val] of Object.entries(v)) {
    if (!isField(k)) return `has an unknown field "${k}"`;
    if (typeof val !== 'string') return `.${k} must be a header text`;
  }
  return null;
};
const levels: Check = (v) => {
  if (v === null) return null;
  if (!Array.isArray(v) || v.length === 0) return 'must be a list of { "name", "minDays", "template" }';
  for (const l of v) {
    const err = object({ name: str, minDays: positiveInt, template: str })(l, 'levels[]');
    if (err) return err;
  }
  return null;
};

const SHAPE: Record<string, Check> = {
  $schema: str,
  company: object({ name: str, email: str, phone: str, address: str, taxId: str, website: str, logo: str }),
  from: strOrNull, replyTo: strOrNull, bcc: strOrNull, ccSalesRep: bool, notify: strOrNull,
  lang: oneOf('es', 'en', null), locale, currency,
  defaultTermsDays: wholeDays, criticalDays: positiveInt, buckets: bounds,
  minDaysBetween: wholeDays, repeatAfterDays: positiveInt, maxFinalNotices: positiveInt, upcomingDays: wholeDays,
  skipLevels: bool, maxLedgerAgeDays: wholeDays, columns, dateOrder: oneOf('dmy', 'mdy', 'ymd', null), decimal: oneOf(',', '.', null),
  doNotContact: strList, levels, paymentInstructions: strOrNull, paymentUrl: strOrNull,
  smtp: object({ host: str, port: positiveInt, secure: bool, user: str, pass: str }),
  interest: (v) => { const r = parseInterestConfig(v); return 'error' in r ? r.error : null; },
  fees: (v) => { const r = parseFeesConfig(v); return 'error' in r ? r.error : null; },
  attachStatement: bool,
  contactWindow: (v) => { const r = parseContactConfig({ contactWindow: v }); return 'error' in r ? r.error : null; },
  maxContactsPerWeek: (v) => { const r = parseContactConfig({ maxContactsPerWeek: v }); return 'error' in r ? r.error : null; },
  webhook: (v) => { if (v === null) return null; const r = parseWebhookConfig(v); return 'error' in r ? r.error : null; },
};

/** The machine's zone: the days the caps count when no contactWindow names the debtors' zone. */
function machineTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Keys whose validator also converts the value (amounts to minor units, dates to Days…). */
const CONVERT: Record<string, (v: unknown) => unknown> = {
  interest: (v) => (parseInterestConfig(v) as { value: unknown }).value,
  fees: (v) => (parseFeesConfig(v) as { value: unknown }).value,
  webhook: (v) => (v === null ? null : (parseWebhookConfig(v) as { value: unknown }).value),
};

/** Removes // and /* *\/ comments and trailing commas outside strings (JSONC → JSON). */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const block = text.slice(i, end < 0 ? text.length : end + 2);
      out += block.replace(/[^\n]/g, ' '); // keep line numbers for JSON.parse messages
      i = end < 0 ? text.length : end + 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Validates a parsed config object. */
export function validateConfig(raw: unknown, path: string | null): Config {
  const where = path ?? 'config';
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UsageError(`${where}: the configuration must be a JSON object`);
  for (const [key, value] of Object.entries(raw)) {
    const check = SHAPE[key];
    if (!check) throw new UsageError(`${where}: unknown key "${key}"`);
    const err = check(value, key);
    if (err) throw new UsageError(`${where}: "${key}" ${err}`);
  }
  const { $schema: _schema, ...rest } = raw as Record<string, unknown>;
  void _schema;
  for (const [key, convert] of Object.entries(CONVERT)) if (key in rest) rest[key] = convert(rest[key]);
  // The two contact keys make one setting (the window's zone is the zone the caps count days in).
  const { contactWindow, maxContactsPerWeek, ...others } = rest;
  let contact: ContactConfig | null = null;
  if ((contactWindow ?? null) !== null || (maxContactsPerWeek ?? null) !== null) {
    const r = parseContactConfig({ contactWindow, maxContactsPerWeek }, machineTimeZone());
    if ('error' in r) throw new UsageError(`${where}: ${r.error}`);
    contact = r.value;
  }
  return { ...DEFAULTS, ...(others as Partial<Config>), contact, path };
}

/** Loads `--config FILE`, or `dunning.config.json` in the client folder, or the defaults. */
export async function loadConfig(explicit: string | null, clientDir: string): Promise<Config> {
  const path = explicit ?? join(clientDir, 'dunning.config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return DEFAULTS;
    throw new UsageError(`--config ${path}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(stripJsonComments(text.replace(/^\uFEFF/, '')));
  } catch (err) {
    throw new UsageError(`${path}: not valid JSON: ${(err as Error).message}`);
  }
  return validateConfig(raw, path);
}
