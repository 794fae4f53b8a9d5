// The plan of a `remind` run: for every customer of the aging report, either the letter it gets
// (level, template kind, invoices, amount asked, addresses, idempotency key) or the reason it is
// skipped. Rendering and sending come after, from this plan; nothing here touches files.
import type { AgingReport, AgedItem, CustomerAging } from '../core/aging.js';
import { isoOfDay, parseIsoDay, type Day } from '../core/dates.js';
import {
  decideLevel, dunnableView, inBucket, type BucketFilter, type DunnableView, type LadderSettings, type LevelRule, type PastLetter,
} from '../core/dunning.js';
import { currencyExponent, minorToDecimalText, minorToMajor } from '../core/money.js';
import { customerHold, heldInvoices, promiseState, type Hold, type PromiseToPay } from '../core/promises.js';
import { holdsOf, promisesOf } from '../mail/records.js';
import { parseAddressList } from '../mail/address.js';
import { customerLetters, letterKey, type Journal, type LetterRecord } from '../mail/journal.js';

export interface PlanSettings extends LadderSettings {
  readonly asOf: Day;
  readonly bounds: readonly number[];
  readonly criticalDays: number;
  readonly upcomingDays: number;
  readonly filter: BucketFilter | null;
  /** --customer: case-insensitive part of the name or id. */
  readonly customer: string | null;
  /** Addresses, names or ids never to write to. */
  readonly doNotContact: readonly string[];
  /** Language for customers without a language column value. */
  readonly lang: 'es' | 'en';
  /** `--resend-unknown`: a customer blocked by an unknown letter gets that same letter (same key) again. */
  readonly resendUnknown: boolean;
  /** The channel of this run (default email): the ladder reads that channel's past letters only. */
  readonly channel?: 'email' | 'sms' | 'webhook';
}

export interface PlannedEntry {
  readonly customer: CustomerAging;
  readonly view: DunnableView;
  readonly lang: 'es' | 'en';
  /** 1-based ladder level, or null for the courtesy note. */
  readonly level: number | null;
  /** Template kind: friendly, firm, formal, final, upcoming (or a custom one from config levels). */
  readonly kind: string;
  readonly newCycle: boolean;
  readonly cycle: string;
  readonly key: string;
  /** Items the letter lists and the journal records. */
  readonly items: readonly AgedItem[];
  readonly to: readonly string[];
  readonly invalidAddresses: readonly string[];
}

export interface SkippedEntry {
  readonly customer: CustomerAging;
  readonly reason: string;
  /** Set when the customer is blocked by a letter whose outcome is unknown (SPEC §4 rule 1). */
  readonly unknownKey?: string;
}

export interface Plan {
  readonly letters: readonly PlannedEntry[];
  readonly skipped: readonly SkippedEntry[];
  /** Customers with overdue items outside the --bucket chosen. */
  readonly otherBuckets: number;
}

const LANGUAGE_WORDS: Readonly<Record<string, 'es' | 'en'>> = {
  es: 'es', spa: 'es', 'español': 'es', espanol: 'es', spanish: 'es', castellano: 'es',
  en: 'en', eng: 'en', english: 'en', 'inglés': 'en', ingles: 'en',
};

/** The customer's language column ("es", "Español", "en-US", "English") → es/en, else null. */
export function customerLang(value: string | null): 'es' | 'en' | null {
  if (!value) return null;
  const v = value.trim().toLowerCase();
  return LANGUAGE_WORDS[v] ?? LANGUAGE_WORDS[v.split(/[-_]/)[0]!] ?? null;
}

/** A customer's letters in the journal as the ladder reads them, oldest first. */
export function pastLetters(journal: Pick<Journal, 'records'>, c: CustomerAging, channel?: 'email' | 'sms' | 'webhook'): PastLetter[] {
  return customerLetters(journal, c.customerKey, c.currency, channel).map((l) => {
    const r = l.record as LetterRecord & { cycle?: string };
    return {
      key: r.key,
      asOf: parseIsoDay(r.asOf) ?? 0,
      level: typeof r.level === 'number' ? r.level : Number(r.level) || 0,
      state: l.state,
      invoices: r.invoices.map((i) => ({ invoice: i.invoice, dueDate: parseIsoDay(i.dueDate) ?? 0 })),
      to: r.to,
      cycle: r.cycle ?? r.key,
    };
  });
}

function isDoNotContact(c: CustomerAging, addresses: readonly string[], list: readonly string[]): boolean {
  const wanted = new Set(list.map((x) => x.trim().toLowerCase()));
  return (
    addresses.some((a) => wanted.has(a.toLowerCase())) ||
    wanted.has(c.customer.trim().toLowerCase()) ||
    (c.customerId !== null && wanted.has(c.customerId.trim().toLowerCase()))
  );
}

function matchesCustomer(c: CustomerAging, needle: string | null): boolean {
  if (!needle) return true;
  const n = needle.trim().toLowerCase();
  return c.customer.toLowerCase().includes(n) || (c.customerId ?? '').toLowerCase().includes(n);
}

/** Why a customer gets no letter today although something is overdue: a hold, a promise, the ledger. */
function pauseReason(c: CustomerAging, view: DunnableView, promises: readonly PromiseToPay[], holds: readonly Hold[], asOf: Day): string | null {
  const hold = customerHold(holds, c, asOf);
  if (hold) return `on hold until ${isoOfDay(hold.until)}: ${hold.reason}`;
  if (c.items.some((a) => a.item.noDunning)) return 'no dunning (ledger column)';
  const ledgerPromise = Math.max(...c.items.map((a) => a.item.promiseDate ?? -Infinity));
  if (ledgerPromise >= asOf) return `promised to pay by ${isoOfDay(ledgerPromise)} (ledger column)`;
  const state = promiseState(promises, c, view, asOf);
  if (state.kind === 'pending') {
    const p = state.promise;
    return `promised to pay${p.amount !== null ? ` ${minorToDecimalText(p.amount, currencyExponent(c.currency))}` : ''} by ${isoOfDay(p.until)}`;
  }
  return null;
}

export function keyOf(c: CustomerAging, level: number | string, asOf: Day, items: readonly AgedItem[], channel?: 'email' | 'sms' | 'webhook'): string {
  return letterKey({ customerKey: c.customerKey, currency: c.currency, level, asOf: isoOfDay(asOf), invoices: items.map((a) => a.item.invoice), channel });
}

/** The journal's invoice list of a letter: number, due date (tells instalments apart), open. */
export function journalInvoices(c: CustomerAging, items: readonly AgedItem[]): { invoice: string; dueDate: string; open: number }[] {
  const exp = currencyExponent(c.currency);
  return items.map((a) => ({ invoice: a.item.invoice, dueDate: isoOfDay(a.item.dueDate), open: minorToMajor(a.open, exp) }));
}

/** Decides, for every customer of the report, the letter or the reason for none. */
export function planLetters(report: AgingReport, journal: Pick<Journal, 'records'>, s: PlanSettings): Plan {
  const letters: PlannedEntry[] = [];
  const skipped: SkippedEntry[] = [];
  let otherBuckets = 0;
  const promises = promisesOf(journal);
  const holds = holdsOf(journal);
  const channel = s.channel ?? 'email';
  for (const c of report.customers) {
    if (!matchesCustomer(c, s.customer)) continue;
    const view = dunnableView(c, heldInvoices(holds, c, s.asOf));
    const upcoming = s.filter?.kind === 'upcoming';
    const pause = pauseReason(c, view, promises, holds, s.asOf);
    if (pause && (view.dunnable.length > 0 || upcoming)) {
      skipped.push({ customer: c, reason: pause });
      continue;
    }
    if (!inBucket(s.filter, view, s.bounds, s.criticalDays, s.asOf, s.upcomingDays)) {
      if (s.filter && view.dunnable.length > 0) otherBuckets++;
      else if (!upcoming && view.dunnable.length === 0 && view.disputed.some((a) => a.daysOverdue > 0)) {
        skipped.push({ customer: c, reason: 'only disputed invoices are overdue' });
      }
      continue;
    }
    const { valid, invalid } = parseAddressList(c.email ?? '');
    if (isDoNotContact(c, valid, s.doNotContact)) {
      skipped.push({ customer: c, reason: 'on the doNotContact list' });
      continue;
    }
    const lang = customerLang(c.language) ?? s.lang;
    if (upcoming) {
      const items = view.notDue.filter((a) => a.item.dueDate - s.asOf <= s.upcomingDays);
      const past = pastLetters(journal, c, channel);
      const already = past.find((p) => p.level === 0 && (p.state === 'sent' || p.state === 'unknown') && items.every((a) => p.invoices.some((i) => i.invoice === a.item.invoice && i.dueDate === a.item.dueDate)));
      if (already) {
        skipped.push({ customer: c, reason: `courtesy note already sent on ${isoOfDay(already.asOf)}` });
        continue;
      }
      const key = keyOf(c, 'upcoming', s.asOf, items, channel);
      letters.push({ customer: c, view, lang, level: null, kind: 'upcoming', newCycle: false, cycle: key, key, items, to: valid, invalidAddresses: invalid });
      continue;
    }
    if (view.amountAsked <= 0) {
      skipped.push({ customer: c, reason: 'credits cover the overdue amount (nothing to ask)' });
      continue;
    }
    const past = pastLetters(journal, c, channel).filter((p) => p.level > 0);
    const last = past[past.length - 1];
    let decision = decideLevel(view, past, valid, s.asOf, s);
    // A broken promise moves the customer one level up, once (the first run after the date).
    const promise = promiseState(promises, c, view, s.asOf);
    if (promise.kind === 'broken' && decision.rule > 2 && (!last || last.asOf <= promise.promise.until)) {
      decision = { send: true, level: Math.min((last?.level ?? 0) + 1, s.levels.length), newCycle: !last, rule: 5 };
    }
    if (!decision.send && decision.rule === 1 && last) {
      if (s.resendUnknown) {
        // The same letter again: same key, so the same Message-ID (the receiver can de-duplicate).
        const rule: LevelRule = s.levels[last.level - 1] ?? s.levels[s.levels.length - 1]!;
        const items = [...view.dunnable, ...view.credits];
        letters.push({ customer: c, view, lang, level: last.level, kind: rule.template, newCycle: false, cycle: last.cycle ?? last.key, key: last.key, items, to: valid, invalidAddresses: invalid });
      } else {
        skipped.push({ customer: c, reason: decision.reason, unknownKey: last.key });
      }
      continue;
    }
    if (!decision.send) {
      skipped.push({ customer: c, reason: decision.reason });
      continue;
    }
    const rule: LevelRule = s.levels[decision.level - 1]!;
    const items = [...view.dunnable, ...view.credits];
    const key = keyOf(c, decision.level, s.asOf, items, channel);
    const cycle = decision.newCycle || !last ? key : (last.cycle ?? last.key);
    letters.push({ customer: c, view, lang, level: decision.level, kind: rule.template, newCycle: decision.newCycle, cycle, key, items, to: valid, invalidAddresses: invalid });
  }
  return { letters, skipped, otherBuckets };
}
