// Contact windows and frequency caps (issue 8): when a debtor may be contacted, decided in the
// debtor's time zone from an instant the caller passes in (epoch ms). Pure: no clock, no I/O — only
// Intl, so no time-zone library is needed.
//
// Why it is built this way:
// - Hours are wall-clock hours in the debtor's zone, computed with Intl.DateTimeFormat for every
//   instant; never "now + n hours": across New York's March DST change 07:00 is 11:00Z the day
//   before and 12:00Z the day after, a fixed offset would open the window an hour late.
// - "Next opening" is the first instant whose wall clock reads the opening time. A wall time that
//   does not exist (02:30 on the morning clocks jump 02:00→03:00) opens at the jump (03:00); a wall
//   time that happens twice (the autumn overlap) opens at the first of the two.
// - Caps count calendar days in the debtor's zone ("one contact a day" means the debtor's day, not
//   the server's: a message at 23:30 in Bogotá is 04:30Z the next UTC day).
// - The "week" of the caps is ROLLING: the debtor's current day and the six days before it. A
//   rolling week is never less strict than a calendar week (two contacts in one Monday–Sunday week
//   are at most six days apart, so a rolling week sees them too), so it complies with either
//   reading of Ley 2300's "misma semana"; a calendar week would allow an email on Sunday and an SMS
//   on Monday, and a cron run every hour would burst at each week boundary.
import { isoOfDay, parseIsoDay, type Day } from './dates.js';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
export type Channel = 'email' | 'sms' | 'webhook';

export const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const CONTACT_CHANNELS: readonly Channel[] = ['email', 'sms', 'webhook'];

/** Part of a day, in minutes after local midnight, start included and end excluded: 07:00–19:00 is { start: 420, end: 1140 }. */
export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

export interface ContactWindow {
  /** The preset it came from ("co-ley-2300"), or null. */
  readonly preset: string | null;
  /** IANA zone of the debtors, as Intl spells it: "America/Bogota". */
  readonly timeZone: string;
  /** Open ranges per weekday, sorted, not overlapping; empty = closed all day. */
  readonly days: Readonly<Record<Weekday, readonly TimeRange[]>>;
  /** Days (in the debtor's calendar) with no contact at all, sorted, unique. */
  readonly holidays: readonly Day[];
  /** Years the holiday list of a preset covers; outside them windowDecision warns. Empty without a preset. */
  readonly holidayYears: readonly number[];
}

export interface ContactConfig {
  /** null: no window (any day, any hour). */
  readonly window: ContactWindow | null;
  /** The zone whose calendar days the caps count: the window's, else the default given to parseContactConfig. */
  readonly timeZone: string;
  /** Contacts (all channels) in a rolling week; null: no cap. */
  readonly maxContactsPerWeek: number | null;
  /** Contacts (all channels) on one calendar day of the debtor; null: no cap. */
  readonly maxContactsPerDay: number | null;
  /** true: within a rolling week every contact uses the same channel. */
  readonly oneChannelPerWeek: boolean;
}

/** One contact already made (from the journal): when, and by which channel. */
export interface PastContact {
  readonly ts: number;
  readonly channel: Channel;
}

// ---------------------------------------------------------------------------------------------
// Presets

/**
 * Colombia's public holidays (festivos) 2026 and 2027: Ley 51 de 1983 ("Ley Emiliani") moves
 * Reyes, San José, San Pedro y San Pablo, Asunción, Día de la Raza, Todos los Santos, Independencia
 * de Cartagena, Ascensión, Corpus Christi and Sagrado Corazón to the following Monday; Año Nuevo,
 * Jueves and Viernes Santo, 1 de mayo, 20 de julio, 7 de agosto, 8 and 25 de diciembre stay put.
 * Dates as published for 2026 (18 festivos, e.g. El Espectador 2026-01-16, El Heraldo 2025-11-07)
 * and for 2027 (elrinconcolombiano.com, "Calendario de Colombia de 2027"); test/core/contact.test.ts
 * recomputes both years from the Ley 51 de 1983 rule and Easter (2026-04-05, 2027-03-28).
 */
export const CO_HOLIDAYS: readonly string[] = [
  // 2026
  '2026-01-01', '2026-01-12', '2026-03-23', '2026-04-02', '2026-04-03', '2026-05-01',
  '2026-05-18', '2026-06-08', '2026-06-15', '2026-06-29', '2026-07-20', '2026-08-07',
  '2026-08-17', '2026-10-12', '2026-11-02', '2026-11-16', '2026-12-08', '2026-12-25',
  // 2027
  '2027-01-01', '2027-01-11', '2027-03-22', '2027-03-25', '2027-03-26', '2027-05-01',
  '2027-05-10', '2027-05-31', '2027-06-07', '2027-07-05', '2027-07-20', '2027-08-07',
  '2027-08-16', '2027-10-18', '2027-11-01', '2027-11-15', '2027-12-08', '2027-12-25',
];

interface Preset {
  readonly timeZone: string;
  readonly days: Readonly<Record<Weekday, readonly (readonly [string, string])[]>>;
  readonly holidays: readonly string[];
  readonly holidayYears: readonly number[];
  readonly maxContactsPerDay: number | null;
  readonly oneChannelPerWeek: boolean;
}

/**
 * `co-ley-2300`: Colombia, Ley 2300 de 2023 ("dejen de fregar"), art. 3: collection contacts only
 * Monday to Friday 7:00–19:00 and Saturday 8:00–15:00, never on Sundays or public holidays; and,
 * once the debtor has been reached, not more than once a day nor by several channels in the same
 * week. (Summaries of the article: Universidad Externado, "Últimas novedades sobre la
 * implementación de la Ley 2300 de 2023", 2024-07-31; accolombianlawyers.com.) The law counts from
 * the first direct contact; here every message sent counts, which is never less strict.
 */
const PRESETS: Readonly<Record<string, Preset>> = {
  'co-ley-2300': {
    timeZone: 'America/Bogota',
    days: {
      mon: [['07:00', '19:00']], tue: [['07:00', '19:00']], wed: [['07:00', '19:00']],
      thu: [['07:00', '19:00']], fri: [['07:00', '19:00']], sat: [['08:00', '15:00']], sun: [],
    },
    holidays: CO_HOLIDAYS,
    holidayYears: [2026, 2027],
    maxContactsPerDay: 1,
    oneChannelPerWeek: true,
  },
};

export const CONTACT_PRESETS: readonly string[] = Object.keys(PRESETS);

// ---------------------------------------------------------------------------------------------
// Wall clock in a time zone

const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    // hourCycle h23: with hour12:false some ICU versions wrote midnight as "24".
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
      hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The debtor's calendar day and second of that day at an instant. */
interface Wall {
  readonly day: Day;
  readonly second: number;
}

function wallClock(ms: number, timeZone: string): Wall {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const day = Date.UTC(get('year'), get('month') - 1, get('day')) / MS_PER_DAY;
  return { day, second: get('hour') * 3600 + get('minute') * 60 + get('second') };
}

/** Wall clock minus UTC at an instant, in ms (Bogotá −5 h, Kolkata +5:30 h). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClock(ms, timeZone);
  return w.day * MS_PER_DAY + w.second * 1000 - Math.floor(ms / 1000) * 1000;
}

/** Local wall time as if it were UTC: comparable numbers for wall clocks. */
function wallMs(w: Wall): number {
  return w.day * MS_PER_DAY + w.second * 1000;
}

/**
 * The first instant at which the wall clock in `timeZone` reads (day, second) or later: the
 * earlier of two in an autumn overlap, the moment of the jump for a time skipped in spring.
 */
export function instantOfWallTime(day: Day, second: number, timeZone: string): number {
  const wall = day * MS_PER_DAY + second * 1000;
  // Every zone's offset lies within ±14 h, so the offsets a day either side cover both sides of any change.
  const offsets = [...new Set([offsetAt(wall - MS_PER_DAY, timeZone), offsetAt(wall, timeZone), offsetAt(wall + MS_PER_DAY, timeZone)])];
  const valid = offsets.map((o) => wall - o).filter((t) => offsetAt(t, timeZone) === wall - t);
  if (valid.length) return Math.min(...valid);
  // A skipped wall time: search the jump, to the second, between the two candidates.
  let lo = Math.floor(Math.min(...offsets.map((o) => wall - o)) / 1000);
  let hi = Math.ceil(Math.max(...offsets.map((o) => wall - o)) / 1000);
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (wallMs(wallClock(mid * 1000, timeZone)) >= wall) hi = mid;
    else lo = mid + 1;
  }
  return lo * 1000;
}

function weekdayOf(day: Day): Weekday {
  // 1970-01-01 (day 0) was a Thursday.
  return WEEKDAYS[(((day + 3) % 7) + 7) % 7]!;
}

function hhmm(second: number): string {
  const m = Math.floor(second / 60);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** "2026-12-09 07:00 America/Bogota": an instant as the debtor's clock shows it, for messages. */
export function describeInstant(ms: number, timeZone: string): string {
  const w = wallClock(ms, timeZone);
  return `${isoOfDay(w.day)} ${hhmm(w.second)} ${timeZone}`;
}

// ---------------------------------------------------------------------------------------------
// Window decision

export type WindowReason = 'no-window' | 'open' | 'holiday' | 'closed-day' | 'before-hours' | 'between-hours' | 'after-hours';

export interface WindowDecision {
  readonly open: boolean;
  /** When open: nowMs. When closed: the next instant it opens; null when it does not open within a year. */
  readonly nextOpen: number | null;
  /** When open: the instant the current range closes (null without a window). When closed: null. */
  readonly closesAt: number | null;
  readonly reason: WindowReason;
  /** Now on the debtor's clock: "2026-12-08", "10:15", "tue". */
  readonly local: { readonly date: string; readonly time: string; readonly weekday: Weekday };
  /** Set when a preset's holiday list does not cover the debtor's current year (the user must add them). */
  readonly warning: string | null;
}

const SEARCH_DAYS = 400;

function holidayWarning(w: ContactWindow, day: Day): string | null {
  if (w.preset === null) return null;
  const year = Number(isoOfDay(day).slice(0, 4));
  if (w.holidayYears.includes(year) || w.holidays.some((h) => Number(isoOfDay(h).slice(0, 4)) === year)) return null;
  return `the "${w.preset}" preset lists public holidays for ${w.holidayYears.join(' and ')} only: add ${year}'s to contactWindow.holidays`;
}

/** Whether the debtor may be contacted at `nowMs`, and if not, when. */
export function windowDecision(nowMs: number, cfg: ContactConfig): WindowDecision {
  const tz = cfg.window?.timeZone ?? cfg.timeZone;
  const now = wallClock(nowMs, tz);
  const local = { date: isoOfDay(now.day), time: hhmm(now.second), weekday: weekdayOf(now.day) };
  const w = cfg.window;
  if (w === null) return { open: true, nextOpen: nowMs, closesAt: null, reason: 'no-window', local, warning: null };
  const warning = holidayWarning(w, now.day);
  const holidays = new Set(w.holidays);

  const today = holidays.has(now.day) ? [] : w.days[local.weekday];
  const current = today.find((r) => r.start * 60 <= now.second && now.second < r.end * 60);
  if (current) {
    return { open: true, nextOpen: nowMs, closesAt: instantOfWallTime(now.day, current.end * 60, tz), reason: 'open', local, warning };
  }
  const ranges = w.days[local.weekday];
  const reason: WindowReason =
    holidays.has(now.day) ? 'holiday'
    : ranges.length === 0 ? 'closed-day'
    : now.second < ranges[0]!.start * 60 ? 'before-hours'
    : now.second >= ranges[ranges.length - 1]!.end * 60 ? 'after-hours'
    : 'between-hours';

  for (let d = now.day; d <= now.day + SEARCH_DAYS; d++) {
    if (holidays.has(d)) continue;
    for (const r of w.days[weekdayOf(d)]) {
      if (d === now.day && r.start * 60 <= now.second) continue;
      const t = instantOfWallTime(d, r.start * 60, tz);
      if (t > nowMs) return { open: false, nextOpen: t, closesAt: null, reason, local, warning };
    }
  }
  return { open: false, nextOpen: null, closesAt: null, reason, local, warning };
}

// ---------------------------------------------------------------------------------------------
// Frequency caps

export type CapReason = 'ok' | 'daily-limit' | 'weekly-limit' | 'other-channel-this-week';

export interface CapDecision {
  readonly allowed: boolean;
  readonly reason: CapReason;
  /** When allowed: nowMs. Otherwise the start (00:00, debtor's clock) of the first day the caps allow it. */
  readonly nextAllowed: number | null;
}

/**
 * Whether one more contact by `channel` at `nowMs` stays within the caps, given the contacts
 * already made to this debtor (all channels, any order). Contacts dated after `nowMs` count too: a
 * clock set back must not let a second message out. When several caps block, the reason is the
 * one that lasts longest and nextAllowed is when all of them have passed.
 */
export function capDecision(nowMs: number, pastContacts: readonly PastContact[], cfg: ContactConfig, channel: Channel): CapDecision {
  const tz = cfg.timeZone;
  const today = wallClock(nowMs, tz).day;
  const days = pastContacts
    .map((c) => {
      if (!Number.isFinite(c.ts)) throw new TypeError(`contact time ${String(c.ts)} is not an instant`);
      return { day: wallClock(c.ts, tz).day, channel: c.channel };
    })
    .filter((c) => c.day >= today - 6);
  const startOf = (day: Day): number => instantOfWallTime(day, 0, tz);
  const blocks: { reason: CapReason; until: Day }[] = [];

  if (cfg.maxContactsPerDay !== null && days.filter((c) => c.day === today).length >= cfg.maxContactsPerDay) {
    blocks.push({ reason: 'daily-limit', until: today + 1 });
  }
  if (cfg.maxContactsPerWeek !== null && days.length >= cfg.maxContactsPerWeek) {
    // Sorted oldest first, the contact that must leave the week for one more to fit is number n − max + 1.
    const sorted = days.map((c) => c.day).sort((a, b) => a - b);
    blocks.push({ reason: 'weekly-limit', until: sorted[sorted.length - cfg.maxContactsPerWeek]! + 7 });
  }
  if (cfg.oneChannelPerWeek) {
    const others = days.filter((c) => c.channel !== channel);
    if (others.length) blocks.push({ reason: 'other-channel-this-week', until: Math.max(...others.map((c) => c.day)) + 7 });
  }
  if (blocks.length === 0) return { allowed: true, reason: 'ok', nextAllowed: nowMs };
  const worst = blocks.reduce((a, b) => (b.until > a.until ? b : a));
  return { allowed: false, reason: worst.reason, nextAllowed: startOf(worst.until) };
}

export interface ContactDecision {
  /** Both the window and the caps allow a contact now. */
  readonly allowed: boolean;
  /** What blocks it now ('open' / 'no-window' when allowed). */
  readonly reason: WindowReason | CapReason;
  /** nowMs when allowed; else the first instant both allow it; null when the window never opens. */
  readonly nextAllowed: number | null;
  readonly window: WindowDecision;
  readonly cap: CapDecision;
}

/** The window and the caps together: what `--send` asks before each message, and when to come back. */
export function contactDecision(nowMs: number, pastContacts: readonly PastContact[], cfg: ContactConfig, channel: Channel): ContactDecision {
  const window = windowDecision(nowMs, cfg);
  const cap = capDecision(nowMs, pastContacts, cfg, channel);
  const reason = !window.open ? window.reason : !cap.allowed ? cap.reason : window.reason;
  if (window.open && cap.allowed) return { allowed: true, reason, nextAllowed: nowMs, window, cap };
  // Each step moves forward to an opening or to the end of a cap; caps only ever lift as time passes.
  let t = nowMs;
  for (let i = 0; i < 64; i++) {
    const w = windowDecision(t, cfg);
    if (!w.open) {
      if (w.nextOpen === null) return { allowed: false, reason, nextAllowed: null, window, cap };
      t = w.nextOpen;
      continue;
    }
    const c = capDecision(t, pastContacts, cfg, channel);
    if (!c.allowed) {
      if (c.nextAllowed === null) return { allowed: false, reason, nextAllowed: null, window, cap };
      t = Math.max(c.nextAllowed, t + 1);
      continue;
    }
    return { allowed: false, reason, nextAllowed: t, window, cap };
  }
  return { allowed: false, reason, nextAllowed: null, window, cap };
}

// ---------------------------------------------------------------------------------------------
// A run

export interface ContactGate<T> {
  /** The window at the run's instant (the same for every debtor: one zone per client folder). */
  readonly window: WindowDecision;
  /** May be contacted now, in the order given. */
  readonly allowed: readonly T[];
  /** Held back, with the decision that says why and from when. */
  readonly blocked: readonly { readonly item: T; readonly decision: ContactDecision }[];
}

/**
 * Splits a run's messages into those that may go out at `nowMs` and those held back by the window
 * or the caps. Contacts allowed earlier in the same run count against later ones: a customer with
 * MXN and USD letters under "one contact a day" gets the first only.
 */
export function gateContacts<T>(
  items: readonly T[],
  customerKeyOf: (item: T) => string,
  past: ReadonlyMap<string, readonly PastContact[]>,
  cfg: ContactConfig,
  nowMs: number,
  channel: Channel,
): ContactGate<T> {
  const window = windowDecision(nowMs, cfg);
  const made = new Map<string, PastContact[]>();
  const allowed: T[] = [];
  const blocked: { item: T; decision: ContactDecision }[] = [];
  for (const item of items) {
    const key = customerKeyOf(item);
    const contacts = made.get(key) ?? [...(past.get(key) ?? [])];
    made.set(key, contacts);
    const decision = contactDecision(nowMs, contacts, cfg, channel);
    if (!decision.allowed) {
      blocked.push({ item, decision });
      continue;
    }
    allowed.push(item);
    contacts.push({ ts: nowMs, channel });
  }
  return { window, allowed, blocked };
}

/**
 * One line for a message held back: what blocks it and when it may go ("2026-03-02 07:00
 * America/Bogota"). English, the message id: the commands show it in Spanish through i18n/es.ts.
 */
export function describeBlock(decision: ContactDecision, timeZone: string): string {
  const why: Record<WindowReason | CapReason, string> = {
    'no-window': 'no window', open: 'open', ok: 'ok',
    holiday: 'a public holiday', 'closed-day': 'a day without contact hours', 'before-hours': 'before contact hours',
    'between-hours': 'between contact hours', 'after-hours': 'after contact hours',
    'daily-limit': 'already contacted today', 'weekly-limit': 'weekly contact limit reached',
    'other-channel-this-week': 'contacted by another channel this week',
  };
  const when = decision.nextAllowed === null ? 'no opening within a year' : `next ${describeInstant(decision.nextAllowed, timeZone)}`;
  return `${why[decision.reason]}; ${when}`;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** What parseContactConfig returns when nothing is configured: no window, no caps. */
export function noContactLimits(timeZone = 'UTC'): ContactConfig {
  return { window: null, timeZone, maxContactsPerWeek: null, maxContactsPerDay: null, oneChannelPerWeek: false };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The zone as Intl names it, or null when Intl does not know it. */
export function canonicalTimeZone(name: string): string | null {
  if (name.trim() === '') return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutes(text: string): number {
  return text === '24:00' ? 1440 : Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
}

function parseRanges(raw: unknown, key: string, errors: string[]): TimeRange[] {
  if (raw === null) return [];
  const bad = (): TimeRange[] => {
    errors.push(`${key}: expected null (closed), ["HH:MM", "HH:MM"] or a list of such pairs, got ${JSON.stringify(raw)}`);
    return [];
  };
  if (!Array.isArray(raw)) return bad();
  const pairs: unknown[] = raw.length === 2 && typeof raw[0] === 'string' ? [raw] : raw;
  const ranges: TimeRange[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') return bad();
    const [from, to] = pair as [string, string];
    for (const t of [from, to]) {
      if (!TIME.test(t)) {
        errors.push(`${key}: "${t}" is not a time of day (HH:MM, 00:00 to 24:00)`);
        return [];
      }
    }
    if (minutes(from) >= minutes(to)) {
      errors.push(`${key}: "${from}"–"${to}" ends before it starts (a range may not cross midnight: split it over two days)`);
      return [];
    }
    ranges.push({ start: minutes(from), end: minutes(to) });
  }
  ranges.sort((a, b) => a.start - b.start);
  for (let i = 1; i < ranges.length; i++) {
    if (ranges[i]!.start < ranges[i - 1]!.end) {
      errors.push(`${key}: the ranges ${hhmm(ranges[i - 1]!.start * 60)}–${hhmm(ranges[i - 1]!.end * 60)} and ${hhmm(ranges[i]!.start * 60)}–${hhmm(ranges[i]!.end * 60)} overlap`);
      return [];
    }
  }
  return ranges;
}

function positiveInt(raw: unknown, key: string, errors: string[]): number | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 1) return raw;
  errors.push(`${key}: expected a whole number of contacts, 1 or more (or null for no limit), got ${JSON.stringify(raw)}`);
  return null;
}

const WINDOW_KEYS = ['preset', 'timeZone', 'days', 'holidays', 'maxContactsPerDay', 'oneChannelPerWeek'];

/**
 * Validates the contact settings of a config. Reads only `contactWindow` and `maxContactsPerWeek`
 * from `raw` (the whole config object may be passed); unknown keys inside contactWindow, an
 * unknown time zone, bad hours and bad dates are errors that name the key. `defaultTimeZone` is the
 * zone whose days the caps count when no window gives one (the machine's zone, read at the edge).
 *
 * ```jsonc
 * "contactWindow": "co-ley-2300",              // a preset by name, or:
 * "contactWindow": {
 *   "preset": "co-ley-2300",                   // optional; the keys below override it
 *   "timeZone": "America/Bogota",              // IANA zone of the debtors (required without preset)
 *   "days": { "mon": ["07:00", "19:00"], "sat": ["08:00", "15:00"], "sun": null },
 *                                              // a day not listed is closed (with a preset: the preset's);
 *                                              // several ranges: [["08:00","12:00"],["14:00","18:00"]]
 *   "holidays": ["2028-01-01"],                // no contact on these days; added to the preset's list
 *   "maxContactsPerDay": 1,                    // per calendar day of the debtor, all channels
 *   "oneChannelPerWeek": true                  // within a rolling week, one channel only
 * },
 * "maxContactsPerWeek": 2                      // per rolling week (today and the 6 days before), all channels
 * ```
 */
export function parseContactConfig(raw: unknown, defaultTimeZone = 'UTC'): { value: ContactConfig } | { error: string } {
  const errors: string[] = [];
  const config = raw === undefined || raw === null ? {} : raw;
  if (!isRecord(config)) return { error: 'the config must be an object' };
  const maxContactsPerWeek = positiveInt(config['maxContactsPerWeek'], 'maxContactsPerWeek', errors);
  const fallbackZone = canonicalTimeZone(defaultTimeZone) ?? 'UTC';

  let cw = config['contactWindow'];
  if (cw === undefined || cw === null) {
    return errors.length ? { error: errors.join('; ') } : { value: { ...noContactLimits(fallbackZone), maxContactsPerWeek } };
  }
  if (typeof cw === 'string') cw = { preset: cw };
  if (!isRecord(cw)) return { error: `contactWindow: expected a preset name (${CONTACT_PRESETS.join(', ')}) or an object, got ${JSON.stringify(cw)}` };

  for (const key of Object.keys(cw)) {
    if (!WINDOW_KEYS.includes(key)) errors.push(`contactWindow.${key}: unknown key (known: ${WINDOW_KEYS.join(', ')})`);
  }
  let preset: Preset | null = null;
  let presetName: string | null = null;
  if (cw['preset'] !== undefined && cw['preset'] !== null) {
    const name = cw['preset'];
    if (typeof name !== 'string' || !PRESETS[name]) {
      errors.push(`contactWindow.preset: unknown preset ${JSON.stringify(name)} (known: ${CONTACT_PRESETS.join(', ')})`);
    } else {
      preset = PRESETS[name]!;
      presetName = name;
    }
  }

  const tzRaw = cw['timeZone'] ?? preset?.timeZone;
  const timeZone = typeof tzRaw === 'string' ? canonicalTimeZone(tzRaw) : null;
  if (tzRaw === undefined) errors.push('contactWindow.timeZone: required (the debtors\' IANA time zone, e.g. "America/Mexico_City") unless a preset gives it');
  else if (timeZone === null) {
    errors.push(`contactWindow.timeZone: ${JSON.stringify(tzRaw)} is not a time zone this system knows (IANA names such as "America/Bogota", "Europe/Madrid")`);
  }

  const days = {} as Record<Weekday, readonly TimeRange[]>;
  const daysRaw = cw['days'];
  if (daysRaw === undefined && !preset) errors.push('contactWindow.days: required unless a preset gives them, e.g. { "mon": ["09:00", "18:00"], … }');
  if (daysRaw !== undefined && !isRecord(daysRaw)) errors.push(`contactWindow.days: expected an object with keys ${WEEKDAYS.join(', ')}`);
  const dayMap = isRecord(daysRaw) ? daysRaw : {};
  for (const key of Object.keys(dayMap)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) errors.push(`contactWindow.days.${key}: unknown day (use ${WEEKDAYS.join(', ')})`);
  }
  for (const wd of WEEKDAYS) {
    if (wd in dayMap) days[wd] = parseRanges(dayMap[wd], `contactWindow.days.${wd}`, errors);
    else days[wd] = preset ? parseRanges(preset.days[wd].map((p) => [...p]), `preset ${presetName}`, errors) : [];
  }

  const holidays = new Set<Day>();
  for (const h of preset?.holidays ?? []) holidays.add(parseIsoDay(h)!);
  const holRaw = cw['holidays'];
  if (holRaw !== undefined && holRaw !== null) {
    if (!Array.isArray(holRaw)) errors.push('contactWindow.holidays: expected a list of dates "YYYY-MM-DD"');
    else {
      holRaw.forEach((h, i) => {
        const d = typeof h === 'string' ? parseIsoDay(h) : null;
        if (d === null) errors.push(`contactWindow.holidays[${i}]: ${JSON.stringify(h)} is not a date (YYYY-MM-DD)`);
        else holidays.add(d);
      });
    }
  }

  const perDayRaw = 'maxContactsPerDay' in cw ? cw['maxContactsPerDay'] : preset?.maxContactsPerDay;
  const maxContactsPerDay = positiveInt(perDayRaw, 'contactWindow.maxContactsPerDay', errors);
  const oneRaw = cw['oneChannelPerWeek'] ?? preset?.oneChannelPerWeek ?? false;
  if (typeof oneRaw !== 'boolean') errors.push(`contactWindow.oneChannelPerWeek: expected true or false, got ${JSON.stringify(oneRaw)}`);

  if (errors.length || timeZone === null) return { error: errors.join('; ') };
  const window: ContactWindow = {
    preset: presetName,
    timeZone,
    days,
    holidays: [...holidays].sort((a, b) => a - b),
    holidayYears: preset?.holidayYears ?? [],
  };
  return {
    value: { window, timeZone, maxContactsPerWeek, maxContactsPerDay, oneChannelPerWeek: oneRaw === true },
  };
}

/** The settings of a preset, parsed ("co-ley-2300"); throws on an unknown name. */
export function contactPreset(name: string): ContactConfig {
  const r = parseContactConfig({ contactWindow: name });
  if ('error' in r) throw new RangeError(r.error);
  return r.value;
}
