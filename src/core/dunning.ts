// Who gets a letter and which one (SPEC §4): the selection by bucket, the amount asked, the
// reasons a customer is skipped, and the escalation ladder over the customer's past letters.
// Pure: the past letters come in as data (the command reads them from the journal).
import { bucketIndex, bucketLabels, type AgedItem, type CustomerAging } from './aging.js';
import type { Day } from './dates.js';
import type { Minor } from './money.js';

export interface LevelRule {
  /** 1-based position on the ladder. */
  readonly level: number;
  readonly name: string;
  /** The level by days: the oldest dunnable invoice is at least this many days overdue. */
  readonly minDays: number;
  /** Template kind: friendly, firm, formal, final (or a custom template name). */
  readonly template: string;
}

export const DEFAULT_LEVELS: readonly LevelRule[] = [
  { level: 1, name: '1', minDays: 1, template: 'friendly' },
  { level: 2, name: '2', minDays: 31, template: 'firm' },
  { level: 3, name: '3', minDays: 61, template: 'formal' },
  { level: 4, name: '4', minDays: 91, template: 'final' },
];

export interface LadderSettings {
  readonly levels: readonly LevelRule[];
  readonly minDaysBetween: number;
  readonly repeatAfterDays: number;
  readonly maxFinalNotices: number;
  readonly skipLevels: boolean;
}

/** A letter already in the journal for this customer (and currency), oldest first. */
export interface PastLetter {
  readonly key: string;
  readonly asOf: Day;
  readonly level: number;
  /** Effective state (after any resolution). */
  readonly state: 'sending' | 'sent' | 'deferred' | 'failed' | 'unknown';
  readonly invoices: readonly { readonly invoice: string; readonly dueDate: Day }[];
  readonly to: readonly string[];
  /** Key of the first letter of its cycle. */
  readonly cycle: string | null;
}

export interface DunnableView {
  /** Overdue, positive, not disputed: what a letter asks for. */
  readonly dunnable: readonly AgedItem[];
  /** Negative open items: credits, listed and subtracted. */
  readonly credits: readonly AgedItem[];
  /** Positive items not yet due. */
  readonly notDue: readonly AgedItem[];
  readonly disputed: readonly AgedItem[];
  /** Overdue dunnable amounts − credits. */
  readonly amountAsked: Minor;
  /** Days overdue of the oldest dunnable invoice; null when none. */
  readonly oldestDunnableDays: number | null;
}

/** `held`: invoice numbers on hold (dunning hold): not dunnable, like disputed ones. */
export function dunnableView(c: CustomerAging, held: ReadonlySet<string> = NONE_HELD): DunnableView {
  // One pass over the items, each list in the items' order (a remind run does this for every customer).
  const dunnable: AgedItem[] = [];
  const credits: AgedItem[] = [];
  const notDue: AgedItem[] = [];
  const disputed: AgedItem[] = [];
  let overdue = 0;
  let creditTotal = 0;
  let oldest: number | null = null;
  const checkHeld = held.size > 0;
  for (const a of c.items) {
    if (a.open < 0) {
      credits.push(a);
      creditTotal += a.open;
      continue;
    }
    if (a.open === 0) continue;
    if (a.item.disputed) disputed.push(a);
    else if (checkHeld && held.has(a.item.invoice)) continue;
    else if (a.daysOverdue > 0) {
      dunnable.push(a);
      overdue += a.open;
      if (oldest === null || a.daysOverdue > oldest) oldest = a.daysOverdue;
    } else notDue.push(a);
  }
  return { dunnable, credits, notDue, disputed, amountAsked: overdue + creditTotal, oldestDunnableDays: oldest };
}

const NONE_HELD: ReadonlySet<string> = new Set();

/** The level the days alone call for (0 when not overdue). */
export function levelByDays(days: number | null, levels: readonly LevelRule[]): number {
  if (days === null) return 0;
  let level = 0;
  for (const l of levels) if (days >= l.minDays) level = l.level;
  return level;
}

// ---------- --bucket ----------

export type BucketFilter =
  | { readonly kind: 'bucket'; readonly index: number; readonly label: string }
  | { readonly kind: 'critical' }
  | { readonly kind: 'upcoming' };

/** Parses a --bucket NAME against the buckets in force, or returns an error text. */
export function parseBucketFilter(name: string, bounds: readonly number[]): BucketFilter | string {
  const labels = bucketLabels(bounds);
  const n = name.trim().toLowerCase();
  if (n === 'critical' || n === 'critico' || n === 'crítico') return { kind: 'critical' };
  if (n === 'upcoming' || n === 'proximo' || n === 'próximo') return { kind: 'upcoming' };
  const direct = labels.indexOf(n);
  if (direct > 0) return { kind: 'bucket', index: direct, label: labels[direct]! };
  // Aliases 0-30, 30-60, 60-90: the bucket that ends there.
  const m = /^(\d+)-(\d+)$/.exec(n);
  if (m) {
    const end = bounds.indexOf(Number(m[2]));
    if (end >= 0 && Number(m[1]) === (end === 0 ? 0 : bounds[end - 1])) return { kind: 'bucket', index: end + 1, label: labels[end + 1]! };
  }
  return `--bucket ${name}: use one of ${labels.slice(1).join(', ')}, critical or upcoming`;
}

// ---------- the ladder ----------

export type LadderDecision =
  | { readonly send: true; readonly level: number; readonly newCycle: boolean; readonly rule: number }
  | { readonly send: false; readonly rule: number; readonly reason: string };

/**
 * Which letter, if any (SPEC §4 table; the first matching row decides). `past` is this
 * customer's letter history, oldest first; `addresses` are the ones the letter would go to.
 */
export function decideLevel(view: DunnableView, past: readonly PastLetter[], addresses: readonly string[], asOf: Day, s: LadderSettings): LadderDecision {
  const letters = past.filter((p) => p.state === 'sent' || p.state === 'unknown' || p.state === 'sending');
  const last = letters[letters.length - 1];
  if (last && (last.state === 'unknown' || last.state === 'sending')) {
    return { send: false, rule: 1, reason: `the last letter (${last.key}) may or may not have arrived: resolve it with \`dunning history --resolve ${last.key} sent|failed\` or re-send with --resend-unknown` };
  }
  const lower = new Set(addresses.map((a) => a.toLowerCase()));
  const refused = past.find((p) => p.state === 'failed' && p.to.some((t) => lower.has(t.toLowerCase())));
  if (refused) return { send: false, rule: 2, reason: `address refused by the mail server before (${refused.to.join(', ')}); fix the address or resolve ${refused.key}` };
  const maxLevel = s.levels.length;
  const byDays = Math.max(1, levelByDays(view.oldestDunnableDays, s.levels));
  const dunnableKeys = new Set(view.dunnable.map((a) => `${a.item.invoice}\u0000${a.item.dueDate}`));
  const stillOpen = last?.invoices.some((i) => dunnableKeys.has(`${i.invoice}\u0000${i.dueDate}`)) ?? false;
  if (!last || !stillOpen) return { send: true, level: s.skipLevels ? byDays : 1, newCycle: true, rule: 3 };
  const since = asOf - last.asOf;
  if (since < s.minDaysBetween) return { send: false, rule: 4, reason: `last letter sent ${since} day(s) ago (minDaysBetween ${s.minDaysBetween})` };
  if (byDays > last.level) return { send: true, level: Math.min(last.level + 1, maxLevel), newCycle: false, rule: 5 };
  if (since >= s.repeatAfterDays && last.level < maxLevel) return { send: true, level: last.level, newCycle: false, rule: 6 };
  if (since >= s.repeatAfterDays && last.level === maxLevel) {
    const finals = letters.filter((p) => p.cycle === last.cycle && p.level === maxLevel).length;
    if (finals < s.maxFinalNotices) return { send: true, level: maxLevel, newCycle: false, rule: 7 };
    return { send: false, rule: 8, reason: `${finals} final notices already sent in this cycle: call the customer (see the call list)` };
  }
  return { send: false, rule: 8, reason: `level ${last.level} sent ${since} day(s) ago; next letter after ${s.repeatAfterDays} days` };
}

/** Whether the customer falls in the --bucket filter (by its oldest dunnable invoice). */
export function inBucket(filter: BucketFilter | null, view: DunnableView, bounds: readonly number[], criticalDays: number, asOf: Day, upcomingDays: number): boolean {
  if (filter === null) return view.dunnable.length > 0;
  if (filter.kind === 'upcoming') {
    return view.dunnable.length === 0 && view.notDue.some((a) => a.item.dueDate - asOf <= upcomingDays && a.item.dueDate >= asOf);
  }
  if (view.oldestDunnableDays === null) return false;
  if (filter.kind === 'critical') return view.oldestDunnableDays > criticalDays;
  return bucketIndex(view.oldestDunnableDays, bounds) === filter.index;
}
