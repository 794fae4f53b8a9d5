// Late-payment charges on a collection letter (issue 8): simple interest per invoice, the fixed
// compensation per invoice of the EU presets, and a fixed fee per letter level charged once per
// level, customer, currency and dunning cycle (the journal remembers, through FeeRecord). Also the
// validators of the config keys `interest` and `fees`. Pure: the journal's records, the as-of date
// and the balances come in as data; nothing here reads files or the clock.
//
// Interest is never compounded: open × rate × days / dayCount, summed exactly over the periods of
// an invoice (BigInt numerators) and rounded half away from zero once per invoice. Rounding each
// period first lost a cent on an invoice paid in part (0.004 + 0.004 is 0.008 → 0.01, not 0.00).
// Periods split where the open amount changes (a partial payment) and at every 1 January and
// 1 July, because the legal reference rate is fixed per half-year (rates.ts).
//
// Config shapes (both keys optional; absent or null = no interest / no fees):
//
//   "interest": {
//     "preset": "eu-late-payment" | "es-ley-3-2004" | "de-bgb-288",  // or, instead of a preset:
//     "ratePercent": 10,            // a fixed annual rate (contract rate), any currency, no EUR 40
//     "dayCount": 365,              // or 360; default 365
//     "consumer": false,            // de-bgb-288 only: base rate + 5 instead of + 9, and no EUR 40
//     "fixedCompensation": true,    // presets only: false waives the EUR 40 per invoice
//     "rates": [{ "from": "2027-01-01", "rate": 2.40 }]  // presets only: reference-rate entries
//                                   // (before the points) added to / replacing the shipped table
//   }
//   "fees": { "2": 150.00, "3": 300.00 }                  // letter level → fee, in the letter's currency
//   "fees": { "MXN": { "2": 150 }, "EUR": { "2": 10 } }   // or per currency (others pay none)
//
// The presets apply to EUR letters only (their reference rates are euro rates); with another
// currency they charge nothing and `interestApplies` is false. A fixed `ratePercent` applies to any
// currency.
import { dayFromYmd, isoOfDay, parseIsoDay, ymdOfDay, type Day } from './dates.js';
import { currencyExponent, floatToMinor, minorToMajor, type Minor } from './money.js';
import { DE_BASE_RATES, ECB_MRO_RATES, type RateEntry } from './rates.js';

export type { RateEntry } from './rates.js';

export const INTEREST_PRESETS = ['eu-late-payment', 'es-ley-3-2004', 'de-bgb-288'] as const;
export type InterestPreset = (typeof INTEREST_PRESETS)[number];

/** The open amount of an invoice from `from` on (until the next entry's `from`). */
export interface Balance {
  readonly from: Day;
  readonly amount: Minor;
}

/** How a reference-rate table turns into the annual rate charged. */
export interface ReferenceRate {
  /** Shown in warnings: "ECB main refinancing rate", "German base rate (Basiszinssatz)". */
  readonly name: string;
  /** Sorted by `from`; every `from` is a 1 January or a 1 July. */
  readonly table: readonly RateEntry[];
  /** Percentage points added to the reference rate (8, 9, 5). */
  readonly points: number;
}

/** A validated `interest` config, ready for invoiceInterest / letterCharges. */
export interface InterestConfig {
  /** The preset's name, or 'fixed' for a plain `ratePercent`. */
  readonly rule: InterestPreset | 'fixed';
  readonly dayCount: 365 | 360;
  /** The fixed annual rate (percent) when rule is 'fixed'; null for the presets. */
  readonly ratePercent: number | null;
  /** The half-yearly reference rate of a preset; null for 'fixed'. */
  readonly reference: ReferenceRate | null;
  /** Letter currencies interest applies to; null = any. */
  readonly currencies: readonly string[] | null;
  /** Fixed compensation per late invoice, in minor units of `currencies[0]` (EUR 40 = 4000); 0 = none. */
  readonly fixedCompensation: Minor;
}

/** The options `interestConfig` builds from: the `interest` config key, typed. */
export interface InterestOptions {
  readonly preset?: InterestPreset;
  readonly ratePercent?: number;
  readonly dayCount?: 365 | 360;
  readonly consumer?: boolean;
  readonly fixedCompensation?: boolean;
  readonly rates?: readonly RateEntry[];
}

const EUR_40: Minor = 4000;

/**
 * Builds the interest rules of a preset or a fixed rate. Throws RangeError on options that
 * parseInterestConfig would reject (use that for user input: it names the key).
 */
export function interestConfig(options: InterestOptions): InterestConfig {
  const r = buildInterest(options, 'interest');
  if ('error' in r) throw new RangeError(r.error);
  return r.value;
}

function buildInterest(o: InterestOptions, key: string): { value: InterestConfig } | { error: string } {
  const dayCount = o.dayCount ?? 365;
  if (dayCount !== 365 && dayCount !== 360) return { error: `${key}.dayCount: must be 365 or 360` };
  if (o.preset === undefined) {
    if (o.ratePercent === undefined) {
      return { error: `${key}: needs "preset" (${INTEREST_PRESETS.join(', ')}) or "ratePercent"` };
    }
    if (!Number.isFinite(o.ratePercent) || o.ratePercent < 0 || o.ratePercent > 100 || microPercent(o.ratePercent) === null) {
      return { error: `${key}.ratePercent: must be a number from 0 to 100 with at most 6 decimals` };
    }
    for (const k of ['consumer', 'fixedCompensation', 'rates'] as const) {
      if (o[k] !== undefined) return { error: `${key}.${k}: applies to the presets only, not to a fixed "ratePercent"` };
    }
    return {
      value: { rule: 'fixed', dayCount, ratePercent: o.ratePercent, reference: null, currencies: null, fixedCompensation: 0 },
    };
  }
  if (o.ratePercent !== undefined) return { error: `${key}: give either "preset" or "ratePercent", not both` };
  if (!(INTEREST_PRESETS as readonly string[]).includes(o.preset)) {
    return { error: `${key}.preset: unknown preset ${JSON.stringify(o.preset)}; expected ${INTEREST_PRESETS.join(', ')}` };
  }
  const consumer = o.consumer ?? false;
  if (consumer && o.preset !== 'de-bgb-288') {
    return { error: `${key}.consumer: applies to de-bgb-288 only (${o.preset} covers transactions between businesses)` };
  }
  // §288(5) BGB: the EUR 40 flat sum only when the debtor is not a consumer.
  const lawGivesCompensation = !consumer;
  if (o.fixedCompensation === true && !lawGivesCompensation) {
    return { error: `${key}.fixedCompensation: de-bgb-288 gives no EUR 40 when the debtor is a consumer (§288(5) BGB)` };
  }
  const base = o.preset === 'de-bgb-288' ? DE_BASE_RATES : ECB_MRO_RATES;
  const merged = mergeRates(base, o.rates ?? [], `${key}.rates`);
  if ('error' in merged) return merged;
  const reference: ReferenceRate =
    o.preset === 'de-bgb-288'
      ? { name: 'German base rate (Basiszinssatz)', table: merged.value, points: consumer ? 5 : 9 }
      : { name: 'ECB main refinancing rate', table: merged.value, points: 8 };
  return {
    value: {
      rule: o.preset,
      dayCount,
      ratePercent: null,
      reference,
      currencies: ['EUR'],
      fixedCompensation: lawGivesCompensation && o.fixedCompensation !== false ? EUR_40 : 0,
    },
  };
}

/** The shipped table with the user's entries added; a user entry replaces the shipped one of the same half-year. */
function mergeRates(
  base: readonly RateEntry[],
  extra: readonly RateEntry[],
  key: string,
): { value: readonly RateEntry[] } | { error: string } {
  const byFrom = new Map<string, RateEntry>();
  for (const e of base) byFrom.set(e.from, e);
  const seen = new Set<string>();
  for (const [i, e] of extra.entries()) {
    const problem = rateEntryProblem(e);
    if (problem !== null) return { error: `${key}[${i}]${problem}` };
    if (seen.has(e.from)) return { error: `${key}[${i}].from: ${e.from} is listed twice` };
    seen.add(e.from);
    byFrom.set(e.from, { from: e.from, rate: e.rate });
  }
  return { value: [...byFrom.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)) };
}

function rateEntryProblem(e: RateEntry): string | null {
  const d = typeof e.from === 'string' ? parseIsoDay(e.from) : null;
  if (d === null) return `.from: must be a date "YYYY-01-01" or "YYYY-07-01"`;
  const { month, day } = ymdOfDay(d);
  if (day !== 1 || (month !== 1 && month !== 7)) {
    return `.from: ${e.from} is not a half-year start; reference rates apply per half-year, from 1 January or 1 July`;
  }
  if (typeof e.rate !== 'number' || !Number.isFinite(e.rate) || e.rate < -10 || e.rate > 100 || microPercent(e.rate) === null) {
    return `.rate: must be a percentage from -10 to 100 with at most 6 decimals`;
  }
  return null;
}

// --- Interest on one invoice -------------------------------------------------------------------

/** One stretch of an invoice's delay with a constant open amount and rate. */
export interface InterestPeriod {
  /** First and last day of the period, both included. */
  readonly from: Day;
  readonly to: Day;
  readonly days: number;
  /** The open amount interest ran on. */
  readonly open: Minor;
  /** Annual rate charged, percent (reference rate + points, or the fixed rate). */
  readonly ratePercent: number;
  /**
   * This period's share of the invoice's interest. The invoice total is rounded once from the
   * exact sum; the periods are apportioned (largest remainder) so that they add up to it.
   */
  readonly interest: Minor;
}

export interface InvoiceInterest {
  readonly interest: Minor;
  /** Days late: as-of − due date (0 when not yet late). */
  readonly days: number;
  /** Periods with a positive open amount, oldest first (credits and paid stretches are left out). */
  readonly periods: readonly InterestPeriod[];
  readonly warnings: readonly string[];
}

/**
 * Simple interest on one invoice from the day after `dueDate` to `asOf`, both included. `balances`
 * is the invoice's open-amount history: `{ from, amount }` is the open amount from that day on, so a
 * payment dated P is `{ from: P, amount: rest }` and day P already accrues on the rest. Before the
 * first entry nothing is open. Non-positive open amounts (credits, fully paid) accrue nothing.
 */
export function invoiceInterest(
  balances: readonly Balance[],
  dueDate: Day,
  asOf: Day,
  config: InterestConfig,
): InvoiceInterest {
  const first = dueDate + 1;
  if (asOf < first) return { interest: 0, days: 0, periods: [], warnings: [] };
  const history = [...balances].sort((a, b) => a.from - b.from);
  const warnings = new Set<string>();

  // Cut [first, asOf] where the open amount changes and at every half-year start.
  const cuts = new Set<Day>([first]);
  for (const b of history) if (b.from > first && b.from <= asOf) cuts.add(b.from);
  for (let h = nextHalfYearStart(first); h <= asOf; h = nextHalfYearStart(h)) cuts.add(h);
  const starts = [...cuts].sort((a, b) => a - b);

  interface Raw { from: Day; to: Day; open: Minor; rateMicro: bigint }
  const raw: Raw[] = [];
  starts.forEach((from, i) => {
    const to = i + 1 < starts.length ? (starts[i + 1] as Day) - 1 : asOf;
    const open = openOn(history, from);
    if (open <= 0) return; // credits and paid stretches never accrue interest
    const rateMicro = rateOn(from, config, warnings);
    if (rateMicro === null || rateMicro <= 0n) return;
    const prev = raw[raw.length - 1];
    // Same open amount and rate across a half-year start (the rate did not change): one period.
    if (prev && prev.to === from - 1 && prev.open === open && prev.rateMicro === rateMicro) prev.to = to;
    else raw.push({ from, to, open, rateMicro });
  });

  // Exact: interest in minor units = Σ open × rate% × days / (100 × dayCount), rate% = micro / 10^6.
  const denominator = 100n * MICRO * BigInt(config.dayCount);
  const numerators = raw.map((p) => BigInt(p.open) * p.rateMicro * BigInt(p.to - p.from + 1));
  const total = roundHalfAway(numerators.reduce((s, n) => s + n, 0n), denominator);
  const shares = apportion(numerators, denominator, total);
  const periods = raw.map((p, i) => ({
    from: p.from,
    to: p.to,
    days: p.to - p.from + 1,
    open: p.open,
    ratePercent: Number(p.rateMicro) / 1e6,
    interest: Number(shares[i]),
  }));
  return { interest: Number(total), days: asOf - dueDate, periods, warnings: [...warnings] };
}

/** The open amount on `day`: the newest entry from on or before it; 0 before the first. */
function openOn(history: readonly Balance[], day: Day): Minor {
  let open = 0;
  for (const b of history) {
    if (b.from > day) break;
    open = b.amount;
  }
  return open;
}

const MICRO = 1_000_000n;

/** Annual rate on `day` in millionths of a percent, or null when the table has no rate yet. */
function rateOn(day: Day, config: InterestConfig, warnings: Set<string>): bigint | null {
  if (config.reference === null) return microPercent(config.ratePercent ?? 0) ?? 0n;
  const { table, points, name } = config.reference;
  const halfYear = isoOfDay(halfYearStart(day));
  let entry: RateEntry | undefined;
  for (const e of table) {
    if (e.from > halfYear) break;
    entry = e;
  }
  const firstEntry = table[0];
  const last = table[table.length - 1];
  if (entry === undefined || firstEntry === undefined || last === undefined) {
    // Charging a guessed rate could claim more than the law allows: charge nothing and say so.
    warnings.add(
      `${name} table starts at ${firstEntry?.from ?? '(empty)'}: no interest charged for days before it; ` +
        `add earlier rates in interest.rates`,
    );
    return null;
  }
  if (entry === last && halfYear > last.from) {
    warnings.add(
      `rate table ends at ${last.from}; update it: the ${name} of ${last.rate} % was used for the half-year ` +
        `from ${halfYear} (add it in interest.rates)`,
    );
  }
  const micro = (microPercent(entry.rate) ?? 0n) + BigInt(points) * MICRO;
  return micro < 0n ? 0n : micro; // a negative total rate would pay the debtor for being late
}

function halfYearStart(day: Day): Day {
  const { year, month } = ymdOfDay(day);
  return dayFromYmd(year, month <= 6 ? 1 : 7, 1) as Day;
}

function nextHalfYearStart(day: Day): Day {
  const { year, month } = ymdOfDay(day);
  return (month <= 6 ? dayFromYmd(year, 7, 1) : dayFromYmd(year + 1, 1, 1)) as Day;
}

/** A percentage as an integer count of millionths of a percent (12.25 → 12250000n), or null. */
function microPercent(percent: number): bigint | null {
  if (!Number.isFinite(percent)) return null;
  const text = Number(percent.toPrecision(15)).toString();
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) return null; // exponent notation: far too small or too large for a rate
  const [, sign = '', int = '0', frac = ''] = m;
  if (frac.length > 6) return null;
  const value = BigInt(int + frac.padEnd(6, '0'));
  return sign === '-' ? -value : value;
}

/** n / d rounded half away from zero (d > 0). */
function roundHalfAway(n: bigint, d: bigint): bigint {
  const q = (2n * (n < 0n ? -n : n) + d) / (2n * d);
  return n < 0n ? -q : q;
}

/**
 * Splits `total` over non-negative exact shares n_i / d: each gets its floor, and the units left
 * go to the largest remainders (earlier first on ties), so the shares add up to `total`.
 */
function apportion(numerators: readonly bigint[], d: bigint, total: bigint): bigint[] {
  const shares = numerators.map((n) => n / d);
  let left = total - shares.reduce((s, x) => s + x, 0n);
  const order = numerators
    .map((n, i) => ({ i, r: n % d }))
    .sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of order) {
    if (left <= 0n) break;
    shares[i] = (shares[i] as bigint) + 1n;
    left -= 1n;
  }
  return shares;
}

// --- Fees ----------------------------------------------------------------------------------------

/** Level → fee in major units (150.5 = 150.50), as written in the config. */
export type FeeTable = Readonly<Record<string, number>>;

/** A validated `fees` config: one table for every currency, or one per currency. */
export type FeesConfig =
  | { readonly kind: 'any-currency'; readonly levels: FeeTable }
  | { readonly kind: 'per-currency'; readonly currencies: Readonly<Record<string, FeeTable>> };

/** The fee of a letter level in a currency, in minor units (0 when none is configured). */
export function feeFor(fees: FeesConfig | null, currency: string, level: number | string): Minor {
  if (fees === null || typeof level !== 'number') return 0;
  const table = fees.kind === 'any-currency' ? fees.levels : fees.currencies[currency];
  const major = table?.[String(level)];
  if (major === undefined) return 0;
  return floatToMinor(major, currencyExponent(currency)) ?? 0;
}

/**
 * A fee charged with a letter, appended to the journal after the letter was sent. `amount` is in
 * major units like every amount in the journal; `cycle` is the key of the first letter of the
 * dunning cycle (core/dunning.ts `PastLetter.cycle`; for a letter that starts a cycle, its own key).
 * A type alias, not an interface, so that it is assignable to the journal's OtherRecord.
 */
export type FeeRecord = {
  readonly v: 1;
  readonly type: 'fee';
  /** When the line was written: an ISO instant. */
  readonly ts: string;
  /** The run's as-of date, "YYYY-MM-DD". */
  readonly asOf: string;
  readonly customerKey: string;
  readonly currency: string;
  readonly level: number;
  readonly amount: number;
  readonly cycle: string;
  /** Key of the letter that charged it. */
  readonly letterKey: string;
};

/** A FeeRecord without its timestamp: the caller adds `ts` when it appends the line. */
export type FeeRecordDraft = Omit<FeeRecord, 'ts'>;

/** Whether a journal record is a usable fee record (the journal is a text file people can edit). */
export function isFeeRecord(record: unknown): record is FeeRecord {
  if (typeof record !== 'object' || record === null) return false;
  const r = record as Record<string, unknown>;
  return (
    r.type === 'fee' &&
    r.v === 1 &&
    typeof r.customerKey === 'string' &&
    typeof r.currency === 'string' &&
    typeof r.level === 'number' &&
    Number.isInteger(r.level) &&
    typeof r.amount === 'number' &&
    typeof r.cycle === 'string'
  );
}

function feeRecordsOf(records: readonly unknown[], customerKey: string, currency: string, cycle: string): FeeRecord[] {
  return records.filter(
    (r): r is FeeRecord => isFeeRecord(r) && r.customerKey === customerKey && r.currency === currency && r.cycle === cycle,
  );
}

/** The levels whose fee this customer was already charged in this currency and cycle. */
export function feesCharged(records: readonly unknown[], customerKey: string, currency: string, cycle: string): Set<number> {
  return new Set(feeRecordsOf(records, customerKey, currency, cycle).map((r) => r.level));
}

/** Sum of the fees already charged in this cycle (minor units), for letters that restate them. */
export function feesChargedTotal(records: readonly unknown[], customerKey: string, currency: string, cycle: string): Minor {
  const exponent = currencyExponent(currency);
  return feeRecordsOf(records, customerKey, currency, cycle).reduce((s, r) => s + (floatToMinor(r.amount, exponent) ?? 0), 0);
}

// --- One letter ----------------------------------------------------------------------------------

export interface ChargeItem {
  readonly invoice: string;
  readonly dueDate: Day;
  readonly balances: readonly Balance[];
}

export interface LetterChargesInput {
  readonly items: readonly ChargeItem[];
  /** Ladder level of the letter; a named level ("upcoming") pays no fee. */
  readonly level: number | string;
  readonly asOf: Day;
  readonly currency: string;
  readonly interest: InterestConfig | null;
  readonly fees: FeesConfig | null;
  /** Levels already charged in this cycle: feesCharged(journal.records, …). */
  readonly alreadyCharged: ReadonlySet<number>;
  /** For the fee record: the customer key, the cycle (see FeeRecord) and this letter's key. */
  readonly customerKey: string;
  readonly cycle: string;
  readonly letterKey: string;
}

export interface InvoiceCharges {
  readonly invoice: string;
  readonly dueDate: Day;
  readonly interest: Minor;
  readonly days: number;
  readonly periods: readonly InterestPeriod[];
}

export interface LetterCharges {
  /** False when the interest rule does not cover this currency (a preset on a non-EUR letter). */
  readonly interestApplies: boolean;
  readonly perInvoice: readonly InvoiceCharges[];
  readonly interestTotal: Minor;
  /** EUR 40 per late invoice under the presets that give it; 0 otherwise. */
  readonly fixedCompensation: Minor;
  /** The fee to charge with this letter: 0 when its level was already charged in this cycle. */
  readonly fee: Minor;
  /** interestTotal + fixedCompensation + fee: the charges only, not the amount asked. */
  readonly total: Minor;
  /** Append this (plus `ts`) to the journal once the letter was sent; null when no fee. */
  readonly feeRecord: FeeRecordDraft | null;
  readonly warnings: readonly string[];
}

/** Interest, fixed compensation and fee of one letter (one customer, one currency). */
export function letterCharges(input: LetterChargesInput): LetterCharges {
  const { interest, currency, asOf } = input;
  const applies = interest !== null && (interest.currencies === null || interest.currencies.includes(currency));
  const warnings = new Set<string>();
  const perInvoice = input.items.map((item): InvoiceCharges => {
    if (!applies) return { invoice: item.invoice, dueDate: item.dueDate, interest: 0, days: Math.max(0, asOf - item.dueDate), periods: [] };
    const r = invoiceInterest(item.balances, item.dueDate, asOf, interest);
    for (const w of r.warnings) warnings.add(w);
    return { invoice: item.invoice, dueDate: item.dueDate, interest: r.interest, days: r.days, periods: r.periods };
  });
  const interestTotal = perInvoice.reduce((s, p) => s + p.interest, 0);

  // Once per invoice: instalments of one invoice (same number, several due dates) share one EUR 40.
  let fixedCompensation = 0;
  if (applies && interest.fixedCompensation > 0) {
    const late = new Set(
      input.items.filter((i) => asOf > i.dueDate && openOn([...i.balances].sort((a, b) => a.from - b.from), asOf) > 0).map((i) => i.invoice),
    );
    fixedCompensation = late.size * interest.fixedCompensation;
  }

  const level = input.level;
  const due = feeFor(input.fees, currency, level);
  const fee = typeof level === 'number' && !input.alreadyCharged.has(level) ? due : 0;
  const feeRecord: FeeRecordDraft | null =
    fee > 0 && typeof level === 'number'
      ? {
          v: 1,
          type: 'fee',
          asOf: isoOfDay(asOf),
          customerKey: input.customerKey,
          currency,
          level,
          amount: minorToMajor(fee, currencyExponent(currency)),
          cycle: input.cycle,
          letterKey: input.letterKey,
        }
      : null;
  return {
    interestApplies: applies,
    perInvoice,
    interestTotal,
    fixedCompensation,
    fee,
    total: interestTotal + fixedCompensation + fee,
    feeRecord,
    warnings: [...warnings],
  };
}

// --- Config validation ---------------------------------------------------------------------------

type Parsed<T> = { value: T } | { error: string };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates the `interest` config key; absent or null → { value: null } (no interest). */
export function parseInterestConfig(raw: unknown): Parsed<InterestConfig | null> {
  const key = 'interest';
  if (raw === undefined || raw === null) return { value: null };
  if (!isPlainObject(raw)) return { error: `${key}: must be an object such as { "preset": "eu-late-payment" }` };
  const known = ['preset', 'ratePercent', 'dayCount', 'consumer', 'fixedCompensation', 'rates'];
  for (const k of Object.keys(raw)) {
    if (!known.includes(k)) return { error: `${key}.${k}: unknown key; expected one of ${known.join(', ')}` };
  }
  const o: { -readonly [K in keyof InterestOptions]: InterestOptions[K] } = {};
  if (raw.preset !== undefined) {
    if (typeof raw.preset !== 'string') return { error: `${key}.preset: must be a string: ${INTEREST_PRESETS.join(', ')}` };
    o.preset = raw.preset as InterestPreset;
  }
  if (raw.ratePercent !== undefined) {
    if (typeof raw.ratePercent !== 'number') return { error: `${key}.ratePercent: must be a number (10 means 10 % a year)` };
    o.ratePercent = raw.ratePercent;
  }
  if (raw.dayCount !== undefined) {
    if (raw.dayCount !== 365 && raw.dayCount !== 360) return { error: `${key}.dayCount: must be 365 or 360` };
    o.dayCount = raw.dayCount;
  }
  for (const k of ['consumer', 'fixedCompensation'] as const) {
    if (raw[k] !== undefined) {
      if (typeof raw[k] !== 'boolean') return { error: `${key}.${k}: must be true or false` };
      o[k] = raw[k];
    }
  }
  if (raw.rates !== undefined) {
    if (!Array.isArray(raw.rates)) return { error: `${key}.rates: must be a list of { "from": "YYYY-01-01", "rate": 2.4 }` };
    const rates: RateEntry[] = [];
    for (const [i, e] of raw.rates.entries()) {
      if (!isPlainObject(e)) return { error: `${key}.rates[${i}]: must be an object { "from", "rate" }` };
      for (const k of Object.keys(e)) {
        if (k !== 'from' && k !== 'rate') return { error: `${key}.rates[${i}].${k}: unknown key; expected from, rate` };
      }
      rates.push({ from: e.from as string, rate: e.rate as number }); // checked in mergeRates
    }
    o.rates = rates;
  }
  return buildInterest(o, key);
}

const LEVEL_KEY = /^[1-9]\d{0,2}$/;
const CURRENCY_KEY = /^[A-Z]{3}$/;

/** Validates the `fees` config key; absent or null → { value: null } (no fees). */
export function parseFeesConfig(raw: unknown): Parsed<FeesConfig | null> {
  const key = 'fees';
  if (raw === undefined || raw === null) return { value: null };
  if (!isPlainObject(raw)) return { error: `${key}: must be an object such as { "2": 150.00, "3": 300.00 }` };
  const keys = Object.keys(raw);
  const levelKeys = keys.filter((k) => LEVEL_KEY.test(k));
  const currencyKeys = keys.filter((k) => CURRENCY_KEY.test(k));
  for (const k of keys) {
    if (!LEVEL_KEY.test(k) && !CURRENCY_KEY.test(k)) {
      return { error: `${key}.${k}: not a letter level (1, 2, 3…) nor a currency code (EUR, MXN…)` };
    }
  }
  if (levelKeys.length > 0 && currencyKeys.length > 0) {
    return { error: `${key}: use either letter levels as keys ({ "2": 150 }) or currencies ({ "MXN": { "2": 150 } }), not both` };
  }
  if (currencyKeys.length === 0) {
    const levels = parseFeeTable(raw, key, null);
    return 'error' in levels ? levels : { value: { kind: 'any-currency', levels: levels.value } };
  }
  const currencies: Record<string, FeeTable> = {};
  for (const c of currencyKeys) {
    const table = raw[c];
    if (!isPlainObject(table)) return { error: `${key}.${c}: must be an object of letter level → fee, such as { "2": 150 }` };
    for (const k of Object.keys(table)) {
      if (!LEVEL_KEY.test(k)) return { error: `${key}.${c}.${k}: not a letter level (1, 2, 3…)` };
    }
    const levels = parseFeeTable(table, `${key}.${c}`, c);
    if ('error' in levels) return levels;
    currencies[c] = levels.value;
  }
  return { value: { kind: 'per-currency', currencies } };
}

function parseFeeTable(table: Record<string, unknown>, key: string, currency: string | null): Parsed<FeeTable> {
  const out: Record<string, number> = {};
  for (const [level, amount] of Object.entries(table)) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
      return { error: `${key}.${level}: must be a non-negative number (the fee in major units, 150.00)` };
    }
    if (currency !== null) {
      const exponent = currencyExponent(currency);
      const minor = floatToMinor(amount, exponent);
      if (minor === null || minorToMajor(minor, exponent) !== Number(amount.toPrecision(15))) {
        return { error: `${key}.${level}: ${amount} has more decimals than ${currency} allows (${exponent})` };
      }
    }
    out[level] = amount;
  }
  return { value: out };
}
