// The send journal: `.dunning/journal.jsonl` in the client folder, append-only, one JSON record
// per line, fsync after every line (SPEC §5). It is the only memory `dunning` has of what went
// out, so it owns: the record types (letter, resolution; other types written by other parts are
// kept as they are), reading with a torn last line tolerated, durable appends, the idempotency
// key and Message-ID of a letter, and the effective state of every letter key.
// Why so careful: SMTP cannot be exactly-once. A naive retry after a drop at the final "." sent
// an invoice twice (PITFALLS.md, Email); the `sending` record written before each attempt is what
// turns a crash into `unknown` instead of a second letter.

import { hash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { domainOf } from './address.js';

/** Folder of a client's state (journal, lock, secrets, snapshots), inside the client folder. */
export const STATE_DIR = '.dunning';
export const JOURNAL_FILE = 'journal.jsonl';

export function stateDirOf(clientDir: string): string {
  return path.join(clientDir, STATE_DIR);
}

export function journalPathOf(clientDir: string): string {
  return path.join(clientDir, STATE_DIR, JOURNAL_FILE);
}

/** `sending` is written before an attempt; the others are results (SPEC §5). */
export type LetterState = 'sending' | 'sent' | 'deferred' | 'failed' | 'unknown';
/** What a key amounts to once results and resolutions are read: a lone `sending` is `unknown`. */
export type EffectiveLetterState = Exclude<LetterState, 'sending'>;

const LETTER_STATES: ReadonlySet<string> = new Set(['sending', 'sent', 'deferred', 'failed', 'unknown']);

/**
 * One open item the letter asked for. `dueDate` ("YYYY-MM-DD") tells instalments of one invoice
 * apart; `open` is the open amount in major units as a JSON number (1234.5), rounded to the
 * currency's ISO 4217 exponent, like the amounts of `aging --format json`.
 */
export interface JournalInvoice {
  readonly invoice: string;
  readonly dueDate: string;
  readonly open: number;
}

/** A letter attempt, exactly the SPEC §5 record plus the optional `error` / `response`. */
export interface LetterRecord {
  readonly v: 1;
  readonly type: 'letter';
  /** When the line was written: an ISO instant ("2024-05-31T14:02:11.123Z"). */
  readonly ts: string;
  /** The run's as-of calendar date, "YYYY-MM-DD"; days between letters count between these. */
  readonly asOf: string;
  readonly key: string;
  readonly customerKey: string;
  readonly customer: string;
  readonly currency: string;
  /** Ladder level (1–4) or a level name from the config ("upcoming"). */
  readonly level: number | string;
  readonly invoices: readonly JournalInvoice[];
  /** Amount asked, major units (see JournalInvoice.open). */
  readonly amount: number;
  readonly to: readonly string[];
  readonly messageId: string;
  /** How it went out; absent for email (records written before channels existed are email). */
  readonly channel?: 'sms' | 'webhook';
  readonly state: LetterState;
  /** Why an attempt did not end `sent` (the client-side error text). */
  readonly error?: string;
  /** The server's last reply for this attempt ("250 2.0.0 Ok: queued as 4F2…", "550 5.1.1 …"). */
  readonly response?: string;
}

/** `history --resolve KEY sent|failed`: what the bookkeeper found out about an `unknown` letter. */
export interface ResolutionRecord {
  readonly v: 1;
  readonly type: 'resolution';
  readonly ts: string;
  readonly key: string;
  readonly state: 'sent' | 'failed';
  readonly note?: string;
}

/** Records of other types (fees, promises, holds…) share the file and are kept untouched. */
export interface OtherRecord {
  readonly v: number;
  readonly type: string;
  readonly [field: string]: unknown;
}

export type JournalRecord = LetterRecord | ResolutionRecord | OtherRecord;

export function isLetterRecord(record: JournalRecord): record is LetterRecord {
  return record.type === 'letter';
}

export function isResolutionRecord(record: JournalRecord): record is ResolutionRecord {
  return record.type === 'resolution';
}

export interface Journal {
  /** The client folder the journal belongs to. */
  readonly dir: string;
  /** `<dir>/.dunning/journal.jsonl`. */
  readonly path: string;
  /** Every record read or appended, in file order. */
  readonly records: readonly JournalRecord[];
  /** Problems tolerated while reading (a torn last line), for stderr. */
  readonly warnings: readonly string[];
  /** Writes one line and fsyncs it before resolving; creates `.dunning/` on first use. */
  append(record: JournalRecord): Promise<void>;
}

/** Reads the journal of a client folder (a missing file is an empty journal; nothing is created). */
export async function openJournal(dir: string): Promise<Journal> {
  const file = journalPathOf(dir);
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new JournalFile(dir, file, [], [], null, true);
    throw new InputError(`${file}: cannot read the journal: ${(err as Error).message}`);
  }
  const { records, warnings, tornTail } = parseJournal(bytes, file);
  const endsWithNewline = bytes.length === 0 || bytes[bytes.length - 1] === 0x0a;
  return new JournalFile(dir, file, records, warnings, tornTail, endsWithNewline);
}

interface TornTail {
  /** Byte offset where the unusable last line starts. */
  readonly offset: number;
  readonly bytes: Buffer;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJournal(
  bytes: Buffer,
  file: string,
): { records: JournalRecord[]; warnings: string[]; tornTail: TornTail | null } {
  const records: JournalRecord[] = [];
  const warnings: string[] = [];
  // Lines with their byte offsets, so a torn tail can be cut off exactly.
  const lines: { readonly number: number; readonly offset: number; readonly bytes: Buffer }[] = [];
  let start = 0;
  let number = 1;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    const end = nl === -1 ? bytes.length : nl;
    lines.push({ number, offset: start, bytes: bytes.subarray(start, end) });
    start = end + 1;
    number += 1;
  }
  const lastContent = findLastIndex(lines, (l) => l.bytes.toString('latin1').trim() !== '');
  let tornTail: TornTail | null = null;
  lines.forEach((line, index) => {
    let text: string;
    let value: unknown;
    try {
      text = utf8.decode(line.bytes).replace(/\r$/, '');
      if (text.trim() === '') return;
      value = JSON.parse(text);
    } catch {
      if (index === lastContent) {
        // A crash or full disk in the middle of a write leaves a torn last line: `{"v":1,"ty`.
        tornTail = { offset: line.offset, bytes: bytes.subarray(line.offset) };
        warnings.push(
          `${file}: line ${line.number} is incomplete or unreadable and was ignored ` +
            `(${JSON.stringify(abbreviate(line.bytes.toString('utf8')))}); probably an interrupted write`,
        );
        return;
      }
      throw new InputError(
        `${file}: line ${line.number} is not valid JSON; the journal is append-only: ` +
          `repair or remove that line by hand (${JSON.stringify(abbreviate(line.bytes.toString('utf8')))})`,
      );
    }
    const problem = recordProblem(value);
    if (problem !== null) throw new InputError(`${file}: line ${line.number}: ${problem}`);
    records.push(value as JournalRecord);
  });
  return { records, warnings, tornTail };
}

function findLastIndex<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i] as T)) return i;
  return -1;
}

function abbreviate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Why `value` is not a journal record we can use, or null when it is. */
function recordProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.v !== 'number' || !Number.isInteger(r.v) || r.v < 1) return 'missing record version "v"';
  if (typeof r.type !== 'string' || r.type === '') return 'missing record "type"';
  if (r.type !== 'letter' && r.type !== 'resolution') return null; // someone else's record type
  if (r.v !== 1) return `a "${r.type}" record of version ${r.v}, written by a newer dunning; upgrade dunning`;
  const str = (field: string): boolean => typeof r[field] === 'string';
  if (!str('ts') || !str('key') || r.key === '') return `a "${r.type}" record without "ts" or "key"`;
  if (r.type === 'resolution') {
    if (r.state !== 'sent' && r.state !== 'failed') return 'a resolution whose "state" is not "sent" or "failed"';
    if (r.note !== undefined && typeof r.note !== 'string') return 'a resolution whose "note" is not text';
    return null;
  }
  for (const field of ['asOf', 'customerKey', 'customer', 'currency', 'messageId']) {
    if (!str(field)) return `a letter record without "${field}"`;
  }
  if (typeof r.state !== 'string' || !LETTER_STATES.has(r.state)) return `a letter record with unknown state ${JSON.stringify(r.state)}`;
  if (typeof r.level !== 'number' && typeof r.level !== 'string') return 'a letter record without "level"';
  if (typeof r.amount !== 'number') return 'a letter record without "amount"';
  if (!Array.isArray(r.to) || !r.to.every((a) => typeof a === 'string')) return 'a letter record whose "to" is not a list of addresses';
  if (!Array.isArray(r.invoices)) return 'a letter record without "invoices"';
  for (const inv of r.invoices as unknown[]) {
    const i = inv as Record<string, unknown> | null;
    if (typeof i !== 'object' || i === null || typeof i.invoice !== 'string' || typeof i.dueDate !== 'string' || typeof i.open !== 'number') {
      return 'a letter record with an invoice entry missing "invoice", "dueDate" or "open"';
    }
  }
  for (const field of ['error', 'response']) {
    if (r[field] !== undefined && typeof r[field] !== 'string') return `a letter record whose "${field}" is not text`;
  }
  return null;
}

const LETTER_FIELDS: ReadonlySet<string> = new Set([
  'v', 'type', 'ts', 'asOf', 'key', 'customerKey', 'customer', 'currency', 'level', 'invoices',
  'amount', 'to', 'messageId', 'state', 'error', 'response',
]);

/**
 * The letter record with its fields in the SPEC §5 order (journal lines read the same way);
 * fields added by later versions follow, untouched.
 */
function canonicalLetter(r: LetterRecord): LetterRecord {
  const extra = Object.fromEntries(Object.entries(r).filter(([field]) => !LETTER_FIELDS.has(field)));
  return {
    v: 1, type: 'letter', ts: r.ts, asOf: r.asOf, key: r.key, customerKey: r.customerKey,
    customer: r.customer, currency: r.currency, level: r.level,
    invoices: r.invoices.map((i) => ({ invoice: i.invoice, dueDate: i.dueDate, open: i.open })),
    amount: r.amount, to: [...r.to], messageId: r.messageId, state: r.state,
    ...(r.error !== undefined ? { error: r.error } : {}),
    ...(r.response !== undefined ? { response: r.response } : {}),
    ...extra,
  };
}

class JournalFile implements Journal {
  private readonly list: JournalRecord[];
  private readonly warningList: string[];
  private tornTail: TornTail | null;
  private needsNewline: boolean;
  private exists: boolean;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    readonly path: string,
    records: JournalRecord[],
    warnings: string[],
    tornTail: TornTail | null,
    endsWithNewline: boolean,
  ) {
    this.list = records;
    this.warningList = warnings;
    this.tornTail = tornTail;
    this.needsNewline = !endsWithNewline && tornTail === null;
    this.exists = records.length > 0 || tornTail !== null || !endsWithNewline;
  }

  get records(): readonly JournalRecord[] {
    return this.list;
  }

  get warnings(): readonly string[] {
    return this.warningList;
  }

  append(record: JournalRecord): Promise<void> {
    const problem = recordProblem(record);
    if (problem !== null) return Promise.reject(new Error(`refusing to journal an invalid record: ${problem}`));
    const stored = isLetterRecord(record) ? canonicalLetter(record) : record;
    // Appends are chained so the lines land in the order append() was called, even when a
    // caller does not await one before starting the next.
    const run = this.queue.then(() => this.write(stored));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async write(record: JournalRecord): Promise<void> {
    const stateDir = path.dirname(this.path);
    await fs.mkdir(stateDir, { recursive: true });
    if (this.tornTail !== null) await this.cutTornTail(this.tornTail);
    const created = !this.exists;
    // JSON.stringify escapes every line break inside strings, so one record is one line.
    const line = `${this.needsNewline ? '\n' : ''}${JSON.stringify(record)}\n`;
    const fd = await fs.open(this.path, 'a');
    try {
      await fd.write(line);
      await fd.sync();
    } finally {
      await fd.close();
    }
    if (created) await syncDir(stateDir);
    this.exists = true;
    this.needsNewline = false;
    this.list.push(record);
  }

  /**
   * Before the first append after a torn last line: keep the fragment in `journal.jsonl.torn`
   * and cut it off. Appending after it would glue the new record onto the fragment, and the
   * next run would find an unreadable line in the middle of the journal.
   */
  private async cutTornTail(tail: TornTail): Promise<void> {
    const tornFile = `${this.path}.torn`;
    const fragment = tail.bytes[tail.bytes.length - 1] === 0x0a ? tail.bytes : Buffer.concat([tail.bytes, Buffer.from('\n')]);
    await fs.appendFile(tornFile, fragment);
    const fd = await fs.open(this.path, 'r+');
    try {
      await fd.truncate(tail.offset);
      await fd.sync();
    } finally {
      await fd.close();
    }
    this.warningList.push(`${this.path}: the incomplete last line was moved to ${tornFile}`);
    this.tornTail = null;
  }
}

async function syncDir(dir: string): Promise<void> {
  // The file's directory entry must be durable too, or a crash right after the first letter
  // could lose the whole journal. Some file systems refuse fsync on a directory: best effort.
  try {
    const fd = await fs.open(dir, 'r');
    try {
      await fd.sync();
    } finally {
      await fd.close();
    }
  } catch {
    /* not supported here */
  }
}

/** What a key ended as: its last letter record, overridden by a later resolution. */
export interface EffectiveLetter {
  /** The key's last letter record in the journal. */
  readonly record: LetterRecord;
  /** `sending` with no result after it (a crash mid-send) reads as `unknown`. */
  readonly state: EffectiveLetterState;
  /** The resolution that decided the state, when one did. */
  readonly resolution: ResolutionRecord | null;
  /** Position of `record` among the journal's records (larger is newer). */
  readonly index: number;
}

/** Every letter key of the journal with its effective state, in order of their last letter record. */
export function effectiveLetters(journal: Pick<Journal, 'records'>): ReadonlyMap<string, EffectiveLetter> {
  const byKey = new Map<string, EffectiveLetter>();
  journal.records.forEach((record, index) => {
    if (isLetterRecord(record)) {
      byKey.delete(record.key); // re-insert so iteration order follows the newest letter record
      byKey.set(record.key, { record, state: record.state === 'sending' ? 'unknown' : record.state, resolution: null, index });
    } else if (isResolutionRecord(record)) {
      const current = byKey.get(record.key);
      // A resolution for a key with no letter record is kept out: there is nothing to resolve.
      if (current) byKey.set(record.key, { ...current, state: record.state, resolution: record });
    }
  });
  return byKey;
}

/** The effective state of every letter key: `sent`, `deferred`, `failed` or `unknown`. */
export function letterStates(journal: Pick<Journal, 'records'>): Map<string, EffectiveLetterState> {
  const states = new Map<string, EffectiveLetterState>();
  for (const [key, letter] of effectiveLetters(journal)) states.set(key, letter.state);
  return states;
}

/** The channel a letter record went out by ('email' when the record does not say). */
export function channelOf(record: Pick<LetterRecord, 'channel'>): 'email' | 'sms' | 'webhook' {
  return record.channel ?? 'email';
}

/**
 * Every letter key of one customer (customer key + currency), oldest first, with its effective
 * state; with `channel`, only the letters of that channel (each channel climbs its own ladder).
 */
export function customerLetters(
  journal: Pick<Journal, 'records'>,
  customerKey: string,
  currency: string,
  channel?: 'email' | 'sms' | 'webhook',
): readonly EffectiveLetter[] {
  return [...effectiveLetters(journal).values()].filter(
    (l) => l.record.customerKey === customerKey && l.record.currency === currency && (channel === undefined || channelOf(l.record) === channel),
  );
}

/**
 * The customer's "last letter" of the SPEC §4 ladder: the newest letter whose effective state is
 * `sent` or `unknown` (`deferred` and `failed` never count), or null.
 */
export function lastLetter(
  journal: Pick<Journal, 'records'>,
  customerKey: string,
  currency: string,
): (EffectiveLetter & { readonly state: 'sent' | 'unknown' }) | null {
  const letters = customerLetters(journal, customerKey, currency);
  for (let i = letters.length - 1; i >= 0; i--) {
    const letter = letters[i] as EffectiveLetter;
    if (letter.state === 'sent' || letter.state === 'unknown') return letter as EffectiveLetter & { state: 'sent' | 'unknown' };
  }
  return null;
}

export interface LetterKeyInput {
  readonly customerKey: string;
  readonly currency: string;
  readonly level: number | string;
  /** "YYYY-MM-DD". */
  readonly asOf: string;
  /** The open invoices the letter lists: numbers, or the record's invoice entries. */
  readonly invoices: readonly (string | { readonly invoice: string })[];
  /** 'sms' / 'webhook' letters are keyed apart from the email letter of the same level; email is the key's original form. */
  readonly channel?: 'email' | 'sms' | 'webhook';
}

/**
 * The idempotency key of a letter (SPEC §5): the first 32 hex digits of the SHA-256 of
 * (customerKey, currency, level, as-of, sorted invoice numbers). The same letter on a re-run
 * gets the same key, whatever order the ledger listed the invoices in.
 */
export function letterKey(input: LetterKeyInput): string {
  const numbers = input.invoices.map((i) => (typeof i === 'string' ? i : i.invoice));
  // Code-unit order, not localeCompare: the key must not depend on the machine's locale.
  numbers.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // A JSON array keeps the parts apart: ("ab","c") and ("a","bc") hash differently.
  const parts: unknown[] = [input.customerKey, input.currency, String(input.level), input.asOf, numbers];
  // Email keys keep the form they had before other channels existed: journals written then stay valid.
  if (input.channel !== undefined && input.channel !== 'email') parts.push(input.channel);
  const material = JSON.stringify(parts);
  return hash('sha256', material, 'hex').slice(0, 32);
}

/** The stable Message-ID of a letter: `<key@domain-of-from>`, the same on every attempt. */
export function messageIdFor(key: string, fromAddress: string): string {
  return `<${key}@${domainOf(fromAddress)}>`;
}
