// Journal records read back into the core's types: promises to pay and holds (`dunning promise`,
// `dunning hold`), which share the append-only journal with letters, and the contacts the letters
// made (for the frequency caps of core/contact.ts).
import { parseIsoDay } from '../core/dates.js';
import { currencyExponent, decimalToMinor, minorToMajor, type Minor } from '../core/money.js';
import type { Hold, PromiseToPay } from '../core/promises.js';
import type { PastContact } from '../core/contact.js';
import { channelOf, effectiveLetters, type Journal, type JournalRecord } from './journal.js';

export interface PromiseRecord {
  readonly v: 1;
  readonly type: 'promise';
  readonly ts: string;
  /** The day it was recorded (the run's as-of date). */
  readonly asOf: string;
  readonly customer: string;
  readonly customerKey: string | null;
  readonly currency: string | null;
  readonly until: string;
  /** Major units, like every amount in the journal. */
  readonly amount: number | null;
  readonly balance: number | null;
  readonly note: string | null;
}

export interface HoldRecord {
  readonly v: 1;
  readonly type: 'hold';
  readonly ts: string;
  readonly asOf: string;
  readonly customer: string | null;
  readonly invoice: string | null;
  readonly until: string;
  readonly reason: string;
}

function minorOf(major: number | null, currency: string | null): Minor | null {
  if (major === null) return null;
  return decimalToMinor(major.toFixed(currencyExponent(currency ?? 'XXX')), currencyExponent(currency ?? 'XXX'));
}

export function majorOf(minor: Minor | null, currency: string | null): number | null {
  return minor === null ? null : minorToMajor(minor, currencyExponent(currency ?? 'XXX'));
}

export function promisesOf(journal: Pick<Journal, 'records'>): PromiseToPay[] {
  return (journal.records.filter((r: JournalRecord) => r.type === 'promise') as unknown as PromiseRecord[])
    .map((r) => ({
      id: r.ts,
      customer: r.customer,
      customerKey: r.customerKey,
      currency: r.currency,
      madeOn: parseIsoDay(r.asOf) ?? 0,
      until: parseIsoDay(r.until) ?? 0,
      amount: minorOf(r.amount, r.currency),
      balanceThen: minorOf(r.balance, r.currency),
      note: r.note,
    }));
}

export function holdsOf(journal: Pick<Journal, 'records'>): Hold[] {
  return (journal.records.filter((r: JournalRecord) => r.type === 'hold') as unknown as HoldRecord[])
    .map((r) => ({ customer: r.customer, invoice: r.invoice, until: parseIsoDay(r.until) ?? 0, reason: r.reason }));
}


/**
 * The contacts made to each customer key (all currencies, all channels): every letter whose
 * outcome is `sent` or `unknown` (it may have arrived), at the time its attempt was journaled.
 * `deferred` and `failed` letters reached nobody and do not count.
 */
export function pastContactsOf(journal: Pick<Journal, 'records'>): Map<string, PastContact[]> {
  const byKey = new Map<string, PastContact[]>();
  for (const letter of effectiveLetters(journal).values()) {
    if (letter.state !== 'sent' && letter.state !== 'unknown') continue;
    const ts = Date.parse(letter.record.ts);
    if (!Number.isFinite(ts)) continue;
    const list = byKey.get(letter.record.customerKey) ?? [];
    list.push({ ts, channel: channelOf(letter.record) });
    byKey.set(letter.record.customerKey, list);
  }
  return byKey;
}
