// Interest, fixed compensation and fees (src/core/charges.ts). Every expected amount is worked by
// hand in the comment above it: amounts in cents, rates in percent a year.
import { describe, expect, it } from 'vitest';
import {
  feesCharged,
  feesChargedTotal,
  interestConfig,
  invoiceInterest,
  letterCharges,
  parseFeesConfig,
  parseInterestConfig,
  type Balance,
  type ChargeItem,
  type FeesConfig,
  type InterestConfig,
  type LetterChargesInput,
} from '../../src/core/charges.js';
import { DE_BASE_RATES, ECB_MRO_RATES } from '../../src/core/rates.js';
import { day } from '../helpers.js';

const open = (from: string, amount: number): Balance => ({ from: day(from), amount });
const tenPercent = interestConfig({ ratePercent: 10 });
const eu = interestConfig({ preset: 'eu-late-payment' });

function valueOf<T>(r: { value: T } | { error: string }): T {
  if ('error' in r) throw new Error(`unexpected error: ${r.error}`);
  return r.value;
}
function errorOf(r: { value: unknown } | { error: string }): string {
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
}

function charges(over: Partial<LetterChargesInput> & { items: readonly ChargeItem[] }) {
  return letterCharges({
    level: 1,
    asOf: day('2024-08-15'),
    currency: 'EUR',
    interest: null,
    fees: null,
    alreadyCharged: new Set(),
    customerKey: 'B12345678',
    cycle: 'cycle-A',
    letterKey: 'letter-1',
    ...over,
  });
}

describe('simple interest on one invoice', () => {
  it('charges 0.41 on 100.00 at 10 % a year for 15 days on a 365-day year (the ERPNext example)', () => {
    // 100.00 × 0.10 × 15 / 365 = 0.410958… → 0.41
    const r = invoiceInterest([open('2024-01-01', 10000)], day('2024-03-01'), day('2024-03-16'), tenPercent);
    expect(r.days).toBe(15);
    expect(r.interest).toBe(41);
    expect(r.periods).toEqual([
      { from: day('2024-03-02'), to: day('2024-03-16'), days: 15, open: 10000, ratePercent: 10, interest: 41 },
    ]);
  });

  it('charges 0.42 on the same case on a 360-day year', () => {
    // 100.00 × 0.10 × 15 / 360 = 0.416666… → 0.42
    const r = invoiceInterest([open('2024-01-01', 10000)], day('2024-03-01'), day('2024-03-16'), interestConfig({ ratePercent: 10, dayCount: 360 }));
    expect(r.interest).toBe(42);
  });

  it('charges nothing before or on the due date, and one day the day after', () => {
    const balances = [open('2024-01-01', 10000)];
    const due = day('2024-03-01');
    expect(invoiceInterest(balances, due, day('2024-02-20'), tenPercent)).toEqual({ interest: 0, days: 0, periods: [], warnings: [] });
    expect(invoiceInterest(balances, due, due, tenPercent)).toEqual({ interest: 0, days: 0, periods: [], warnings: [] });
    // 10000 × 0.10 × 1 / 365 = 2.74 cents → 3
    const next = invoiceInterest(balances, due, due + 1, tenPercent);
    expect(next.days).toBe(1);
    expect(next.interest).toBe(3);
  });

  it('never lets a credit accrue interest', () => {
    const r = invoiceInterest([open('2024-01-01', -50000)], day('2024-01-31'), day('2024-06-30'), tenPercent);
    expect(r.interest).toBe(0);
    expect(r.periods).toEqual([]);
  });

  it('never compounds: twice the days is exactly twice the interest', () => {
    // 1,000.00 × 0.10 × 365 / 365 = 100.00, and × 730 / 365 = 200.00 (compounded would be 210.00)
    const balances = [open('2023-01-01', 100000)];
    expect(invoiceInterest(balances, day('2023-01-31'), day('2023-01-31') + 365, tenPercent).interest).toBe(10000);
    expect(invoiceInterest(balances, day('2023-01-31'), day('2023-01-31') + 730, tenPercent).interest).toBe(20000);
  });

  it('runs on the full amount until a partial payment and on the rest after it', () => {
    // 1,000.00 due 2024-03-31; 400.00 paid on 2024-05-01; as of 2024-05-31; 10 %, 365.
    //   2024-04-01..04-30: 30 days on 1,000.00: 100000 × 0.10 × 30 / 365 = 821.92 cents
    //   2024-05-01..05-31: 31 days on   600.00:  60000 × 0.10 × 31 / 365 = 509.59 cents
    //   exact sum 1331.51 → 13.32; periods apportioned 822 + 510 (floors 821 + 509, 2 cents to the
    //   two remainders)
    const r = invoiceInterest([open('2024-03-01', 100000), open('2024-05-01', 60000)], day('2024-03-31'), day('2024-05-31'), tenPercent);
    expect(r.days).toBe(61);
    expect(r.interest).toBe(1332);
    expect(r.periods.map((p) => [p.from, p.to, p.days, p.open, p.interest])).toEqual([
      [day('2024-04-01'), day('2024-04-30'), 30, 100000, 822],
      [day('2024-05-01'), day('2024-05-31'), 31, 60000, 510],
    ]);
  });

  it('stops when the invoice is paid in full, and a later balance entry restarts nothing it should not', () => {
    // 500.00 due 2024-03-31, paid in full on 2024-04-11: 10 days (04-01..04-10) on 500.00
    //   50000 × 0.10 × 10 / 365 = 136.99 cents → 1.37
    const r = invoiceInterest([open('2024-03-01', 50000), open('2024-04-11', 0)], day('2024-03-31'), day('2024-06-30'), tenPercent);
    expect(r.interest).toBe(137);
    expect(r.periods).toHaveLength(1);
    expect(r.days).toBe(91);
  });

  it('rounds once per invoice, not once per period', () => {
    // 14.40 for 1 day then 7.20 for 2 days, 10 %, 360:
    //   1440 × 0.10 × 1 / 360 = 0.4 cent;  720 × 0.10 × 2 / 360 = 0.4 cent
    //   per period: 0 + 0 = 0; exact sum 0.8 cent → 1 cent (the periods show 1 + 0)
    const cfg = interestConfig({ ratePercent: 10, dayCount: 360 });
    const r = invoiceInterest([open('2024-01-01', 1440), open('2024-01-12', 720)], day('2024-01-10'), day('2024-01-13'), cfg);
    expect(r.interest).toBe(1);
    expect(r.periods.map((p) => p.interest)).toEqual([1, 0]);
  });

  it('takes the balance entries in any order', () => {
    const sorted = invoiceInterest([open('2024-03-01', 100000), open('2024-05-01', 60000)], day('2024-03-31'), day('2024-05-31'), tenPercent);
    const shuffled = invoiceInterest([open('2024-05-01', 60000), open('2024-03-01', 100000)], day('2024-03-31'), day('2024-05-31'), tenPercent);
    expect(shuffled).toEqual(sorted);
  });
});

describe('half-yearly reference rates', () => {
  it('splits at 1 July 2024 and applies each half-year its own rate (eu-late-payment)', () => {
    // 1,000.00 due 2024-05-01, as of 2024-08-15: interest from 2024-05-02.
    //   H1: 05-02..05-31 = 30 days + June 30 days = 60 days at ECB 4.50 + 8 = 12.50 %
    //       100000 × 0.125 × 60 / 365 = 750000 / 365 = 2054.79 cents
    //   H2: July 31 days + 08-01..08-15 = 15 days = 46 days at ECB 4.25 + 8 = 12.25 %
    //       100000 × 0.1225 × 46 / 365 = 563500 / 365 = 1543.84 cents
    //   total 1313500 / 365 = 3598.63 → 35.99 (periods 2055 + 1544)
    const r = invoiceInterest([open('2024-04-01', 100000)], day('2024-05-01'), day('2024-08-15'), eu);
    expect(r.days).toBe(106);
    expect(r.interest).toBe(3599);
    expect(r.periods).toEqual([
      { from: day('2024-05-02'), to: day('2024-06-30'), days: 60, open: 100000, ratePercent: 12.5, interest: 2055 },
      { from: day('2024-07-01'), to: day('2024-08-15'), days: 46, open: 100000, ratePercent: 12.25, interest: 1544 },
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('gives the same result under es-ley-3-2004 (Spain publishes ECB + 8: 12.50 % and 12.25 % in 2024)', () => {
    const es = interestConfig({ preset: 'es-ley-3-2004' });
    const r = invoiceInterest([open('2024-04-01', 100000)], day('2024-05-01'), day('2024-08-15'), es);
    expect(r.interest).toBe(3599);
    expect(r.periods.map((p) => p.ratePercent)).toEqual([12.5, 12.25]);
  });

  it('keeps the rate of 1 July for the whole half-year although the ECB raised it on 27 July 2022', () => {
    // 1,000.00 due 2022-06-30, as of 2022-08-31: 31 + 31 = 62 days, all at 0.00 + 8 = 8 %
    //   100000 × 0.08 × 62 / 365 = 496000 / 365 = 1358.90 → 13.59, one period
    const r = invoiceInterest([open('2022-06-01', 100000)], day('2022-06-30'), day('2022-08-31'), eu);
    expect(r.interest).toBe(1359);
    expect(r.periods.map((p) => [p.days, p.ratePercent])).toEqual([[62, 8]]);
  });

  it('merges half-years whose rate did not change into one period', () => {
    // 2020 H1 and H2 both 0.00 + 8: due 2020-06-20, as of 2020-07-10 = 20 days at 8 %
    //   100000 × 0.08 × 20 / 365 = 160000 / 365 = 438.36 → 4.38
    const r = invoiceInterest([open('2020-06-01', 100000)], day('2020-06-20'), day('2020-07-10'), eu);
    expect(r.interest).toBe(438);
    expect(r.periods).toHaveLength(1);
  });

  it('charges German base rate + 9 between businesses and + 5 for consumers (de-bgb-288)', () => {
    // 1,000.00 due 2025-03-31, as of 2025-04-30: 30 days; Basiszinssatz 2.27 % on 1 Jan 2025
    //   B2B      11.27 %: 100000 × 0.1127 × 30 / 365 = 338100 / 365 = 926.30 → 9.26
    //   consumer  7.27 %: 100000 × 0.0727 × 30 / 365 = 218100 / 365 = 597.53 → 5.98
    const b2b = interestConfig({ preset: 'de-bgb-288' });
    const consumer = interestConfig({ preset: 'de-bgb-288', consumer: true });
    const balances = [open('2025-03-01', 100000)];
    const rb = invoiceInterest(balances, day('2025-03-31'), day('2025-04-30'), b2b);
    const rc = invoiceInterest(balances, day('2025-03-31'), day('2025-04-30'), consumer);
    expect([rb.interest, rb.periods[0]?.ratePercent]).toEqual([926, 11.27]);
    expect([rc.interest, rc.periods[0]?.ratePercent]).toEqual([598, 7.27]);
  });

  it('uses the last rate past the end of the table and says the table needs updating', () => {
    // 1,000.00 due 2026-12-31, as of 2027-01-30: 30 days; the table ends at 2026-07-01 (ECB 2.40)
    //   10.40 %: 100000 × 0.104 × 30 / 365 = 312000 / 365 = 854.79 → 8.55
    const r = invoiceInterest([open('2026-12-01', 100000)], day('2026-12-31'), day('2027-01-30'), eu);
    expect(r.interest).toBe(855);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('rate table ends at 2026-07-01; update it');
    expect(r.warnings[0]).toContain('2027-01-01');
  });

  it('takes the user’s own entries from interest.rates, which extend the table (no warning then)', () => {
    // same invoice with { from: 2027-01-01, rate: 2.65 }: 10.65 %
    //   100000 × 0.1065 × 30 / 365 = 319500 / 365 = 875.34 → 8.75
    const cfg = valueOf(parseInterestConfig({ preset: 'eu-late-payment', rates: [{ from: '2027-01-01', rate: 2.65 }] }))!;
    const r = invoiceInterest([open('2026-12-01', 100000)], day('2026-12-31'), day('2027-01-30'), cfg);
    expect(r.interest).toBe(875);
    expect(r.warnings).toEqual([]);
  });

  it('lets interest.rates correct a shipped half-year', () => {
    // 2024 H1 replaced by 5.00: 13 % for 60 days: 100000 × 0.13 × 60 / 365 = 2136.99 → 21.37
    const cfg = valueOf(parseInterestConfig({ preset: 'eu-late-payment', rates: [{ from: '2024-01-01', rate: 5 }] }))!;
    const r = invoiceInterest([open('2024-04-01', 100000)], day('2024-05-01'), day('2024-06-30'), cfg);
    expect(r.interest).toBe(2137);
  });

  it('does not warn inside the last half-year of the table', () => {
    const r = invoiceInterest([open('2026-08-01', 100000)], day('2026-09-30'), day('2026-11-23'), eu);
    expect(r.warnings).toEqual([]);
  });

  it('charges nothing for days before the table starts, and says so', () => {
    // due 2016-01-31, as of 2016-08-10: 2016 H1 has no entry (table starts 2016-07-01);
    //   07-01..08-10 = 41 days at 8 %: 100000 × 0.08 × 41 / 365 = 328000 / 365 = 898.63 → 8.99
    const r = invoiceInterest([open('2016-01-01', 100000)], day('2016-01-31'), day('2016-08-10'), eu);
    expect(r.interest).toBe(899);
    expect(r.periods.map((p) => p.from)).toEqual([day('2016-07-01')]);
    expect(r.warnings[0]).toContain('table starts at 2016-07-01');
  });

  it('ships tables with one entry per half-year, on 1 January or 1 July, 2019 to 2026 at least', () => {
    for (const table of [ECB_MRO_RATES, DE_BASE_RATES]) {
      const froms = table.map((e) => e.from);
      for (let y = 2019; y <= 2026; y++) expect(froms).toEqual(expect.arrayContaining([`${y}-01-01`, `${y}-07-01`]));
      expect([...froms].sort()).toEqual(froms);
      expect(new Set(froms).size).toBe(froms.length);
    }
    // spot checks against the published figures (Spain: 2025 H1 11.15 % = 3.15 + 8; Bundesbank 2023-01-01 1.62)
    expect(ECB_MRO_RATES.find((e) => e.from === '2025-01-01')?.rate).toBe(3.15);
    expect(DE_BASE_RATES.find((e) => e.from === '2023-01-01')?.rate).toBe(1.62);
    expect(DE_BASE_RATES.find((e) => e.from === '2026-01-01')?.rate).toBe(1.27);
  });
});

describe('the charges of one letter', () => {
  const items: ChargeItem[] = [
    // A: 1,000.00 due 2024-05-01 (the half-year case above: 35.99)
    { invoice: 'A', dueDate: day('2024-05-01'), balances: [open('2024-04-01', 100000)] },
    // B: two instalments of one invoice, 200.00 each, due 2024-07-01 and 2024-08-01
    { invoice: 'B', dueDate: day('2024-07-01'), balances: [open('2024-06-01', 20000)] },
    { invoice: 'B', dueDate: day('2024-08-01'), balances: [open('2024-06-01', 20000)] },
    // NC: a credit note
    { invoice: 'NC', dueDate: day('2024-06-15'), balances: [open('2024-06-15', -15000)] },
    // C: not yet due
    { invoice: 'C', dueDate: day('2024-09-01'), balances: [open('2024-08-01', 30000)] },
  ];

  it('adds the EUR 40 once per late invoice: instalments share it, credits and invoices not yet due get none', () => {
    // B1: 07-02..08-15 = 30 + 15 = 45 days at 12.25 %: 20000 × 0.1225 × 45 / 365 = 302.05 → 3.02
    // B2: 08-02..08-15 = 14 days at 12.25 %: 20000 × 0.1225 × 14 / 365 = 93.97 → 0.94
    // interest 3599 + 302 + 94 = 3995; EUR 40 × 2 late invoices (A, B) = 8000; total 11995
    const r = charges({ items, interest: eu });
    expect(r.interestApplies).toBe(true);
    expect(r.perInvoice.map((p) => [p.invoice, p.interest])).toEqual([
      ['A', 3599],
      ['B', 302],
      ['B', 94],
      ['NC', 0],
      ['C', 0],
    ]);
    expect(r.interestTotal).toBe(3995);
    expect(r.fixedCompensation).toBe(8000);
    expect(r.fee).toBe(0);
    expect(r.total).toBe(11995);
  });

  it('gives no EUR 40 to a consumer under de-bgb-288, and EUR 40 between businesses', () => {
    const one = [{ invoice: 'A', dueDate: day('2025-03-31'), balances: [open('2025-03-01', 100000)] }];
    const asOf = day('2025-04-30');
    // interest as worked above: 926 (B2B) and 598 (consumer)
    const b2b = charges({ items: one, asOf, interest: interestConfig({ preset: 'de-bgb-288' }) });
    const consumer = charges({ items: one, asOf, interest: interestConfig({ preset: 'de-bgb-288', consumer: true }) });
    expect([b2b.interestTotal, b2b.fixedCompensation, b2b.total]).toEqual([926, 4000, 4926]);
    expect([consumer.interestTotal, consumer.fixedCompensation, consumer.total]).toEqual([598, 0, 598]);
  });

  it('lets the bookkeeper waive the EUR 40', () => {
    const r = charges({ items: items.slice(0, 1), interest: interestConfig({ preset: 'eu-late-payment', fixedCompensation: false }) });
    expect([r.interestTotal, r.fixedCompensation]).toEqual([3599, 0]);
  });

  it('charges no preset interest on a letter in another currency; a fixed rate applies to any currency', () => {
    const usd = charges({ items: items.slice(0, 1), currency: 'USD', interest: eu });
    expect([usd.interestApplies, usd.interestTotal, usd.fixedCompensation, usd.total]).toEqual([false, 0, 0, 0]);
    // MXN at 10 %: 1,000.00 × 0.10 × 106 / 365 = 29.04 (100000 × 0.1 × 106 / 365 = 2904.11)
    const mxn = charges({ items: items.slice(0, 1), currency: 'MXN', interest: tenPercent });
    expect([mxn.interestApplies, mxn.interestTotal, mxn.fixedCompensation]).toEqual([true, 2904, 0]);
  });

  it('passes on the warnings of the rate table once, however many invoices needed it', () => {
    const late = [
      { invoice: 'X', dueDate: day('2026-12-31'), balances: [open('2026-12-01', 100000)] },
      { invoice: 'Y', dueDate: day('2026-12-20'), balances: [open('2026-12-01', 100000)] },
    ];
    const r = charges({ items: late, asOf: day('2027-01-30'), interest: eu });
    expect(r.warnings).toHaveLength(1);
  });
});

describe('fees per letter level', () => {
  const fees = valueOf(parseFeesConfig({ '2': 150.0, '3': 300.0 }))!;
  const one = [{ invoice: 'F1', dueDate: day('2024-06-01'), balances: [open('2024-05-01', 500000)] }];
  const base = { items: one, currency: 'MXN', fees, customerKey: 'RFC123', letterKey: 'k-2' } as const;

  it('charges the level’s fee the first time and hands back the journal record to append', () => {
    const r = charges({ ...base, level: 2, cycle: 'cycle-A' });
    expect(r.fee).toBe(15000);
    expect(r.total).toBe(15000);
    expect(r.feeRecord).toEqual({
      v: 1, type: 'fee', asOf: '2024-08-15', customerKey: 'RFC123', currency: 'MXN', level: 2, amount: 150, cycle: 'cycle-A', letterKey: 'k-2',
    });
  });

  it('never charges the same level twice in a cycle, and charges it again in a new cycle', () => {
    const journal: unknown[] = [
      { v: 1, type: 'letter', key: 'k-1', customerKey: 'RFC123' },
      { ...charges({ ...base, level: 2, cycle: 'cycle-A' }).feeRecord, ts: '2024-08-15T10:00:00Z' },
      // other customers, currencies and cycles do not count
      { v: 1, type: 'fee', ts: 'x', asOf: '2024-08-15', customerKey: 'OTHER', currency: 'MXN', level: 3, amount: 300, cycle: 'cycle-A', letterKey: 'z' },
      { v: 1, type: 'fee', ts: 'x', asOf: '2024-08-15', customerKey: 'RFC123', currency: 'USD', level: 3, amount: 300, cycle: 'cycle-A', letterKey: 'z' },
      { v: 1, type: 'fee', ts: 'x', asOf: '2024-01-15', customerKey: 'RFC123', currency: 'MXN', level: 3, amount: 300, cycle: 'cycle-0', letterKey: 'z' },
      // a hand-edited line without a level is ignored, not trusted
      { v: 1, type: 'fee', customerKey: 'RFC123', currency: 'MXN', amount: 300, cycle: 'cycle-A' },
    ];
    const charged = feesCharged(journal, 'RFC123', 'MXN', 'cycle-A');
    expect([...charged]).toEqual([2]);
    expect(feesChargedTotal(journal, 'RFC123', 'MXN', 'cycle-A')).toBe(15000);

    // the re-run, or a repeated level-2 letter, charges nothing
    const again = charges({ ...base, level: 2, cycle: 'cycle-A', alreadyCharged: charged });
    expect([again.fee, again.feeRecord]).toEqual([0, null]);
    // the next level is charged
    expect(charges({ ...base, level: 3, cycle: 'cycle-A', alreadyCharged: charged }).fee).toBe(30000);
    // a new cycle starts afresh
    const fresh = feesCharged(journal, 'RFC123', 'MXN', 'cycle-B');
    expect(fresh.size).toBe(0);
    expect(charges({ ...base, level: 2, cycle: 'cycle-B', alreadyCharged: fresh }).fee).toBe(15000);
  });

  it('charges no fee for a level without one, nor for a named letter such as upcoming', () => {
    expect(charges({ ...base, level: 1 }).fee).toBe(0);
    expect(charges({ ...base, level: 'upcoming' }).feeRecord).toBeNull();
  });

  it('uses the currency’s own table in the per-currency form, and none for a currency not listed', () => {
    const perCurrency: FeesConfig = valueOf(parseFeesConfig({ MXN: { '2': 150 }, EUR: { '2': 10, '4': 25.5 } }))!;
    expect(charges({ ...base, fees: perCurrency, level: 2, currency: 'MXN' }).fee).toBe(15000);
    expect(charges({ ...base, fees: perCurrency, level: 4, currency: 'EUR' }).fee).toBe(2550);
    expect(charges({ ...base, fees: perCurrency, level: 2, currency: 'USD' }).fee).toBe(0);
  });

  it('converts the one-table form with the letter currency’s decimals (JPY has none)', () => {
    expect(charges({ ...base, level: 2, currency: 'JPY' }).fee).toBe(150);
  });

  it('adds the fee to interest and compensation in the total', () => {
    // A of the half-year case (3599) + EUR 40 (4000) + level-2 fee of EUR 10 (1000) = 8599
    const r = charges({
      items: [{ invoice: 'A', dueDate: day('2024-05-01'), balances: [open('2024-04-01', 100000)] }],
      interest: eu,
      fees: valueOf(parseFeesConfig({ EUR: { '2': 10 } })),
      level: 2,
    });
    expect([r.interestTotal, r.fixedCompensation, r.fee, r.total]).toEqual([3599, 4000, 1000, 8599]);
  });
});

describe('the interest and fees config keys', () => {
  it('reads a preset with its defaults', () => {
    const c = valueOf(parseInterestConfig({ preset: 'eu-late-payment' })) as InterestConfig;
    expect([c.rule, c.dayCount, c.fixedCompensation, c.currencies, c.reference?.points]).toEqual(['eu-late-payment', 365, 4000, ['EUR'], 8]);
    const de = valueOf(parseInterestConfig({ preset: 'de-bgb-288', consumer: true, dayCount: 360 })) as InterestConfig;
    expect([de.reference?.points, de.fixedCompensation, de.dayCount]).toEqual([5, 0, 360]);
    const fixed = valueOf(parseInterestConfig({ ratePercent: 10 })) as InterestConfig;
    expect([fixed.rule, fixed.ratePercent, fixed.currencies, fixed.fixedCompensation]).toEqual(['fixed', 10, null, 0]);
  });

  it('treats an absent or null key as no interest and no fees', () => {
    expect(parseInterestConfig(undefined)).toEqual({ value: null });
    expect(parseInterestConfig(null)).toEqual({ value: null });
    expect(parseFeesConfig(undefined)).toEqual({ value: null });
  });

  it.each([
    [{ preset: 'eu' }, 'interest.preset'],
    [{ preset: 'eu-late-payment', ratePercent: 5 }, 'not both'],
    [{}, 'needs "preset"'],
    [{ ratePercent: '10' }, 'interest.ratePercent'],
    [{ ratePercent: -1 }, 'interest.ratePercent'],
    [{ ratePercent: 10, dayCount: 364 }, 'interest.dayCount'],
    [{ ratePercent: 10, rates: [] }, 'interest.rates'],
    [{ preset: 'eu-late-payment', consumer: true }, 'interest.consumer'],
    [{ preset: 'de-bgb-288', consumer: true, fixedCompensation: true }, 'interest.fixedCompensation'],
    [{ preset: 'eu-late-payment', rates: [{ from: '2027-03-01', rate: 2 }] }, 'interest.rates[0].from'],
    [{ preset: 'eu-late-payment', rates: [{ from: '2027-01-01', rate: '2' }] }, 'interest.rates[0].rate'],
    [{ preset: 'eu-late-payment', rates: [{ from: '2027-01-01', rate: 2, note: 'x' }] }, 'interest.rates[0].note'],
    [{ preset: 'eu-late-payment', rates: [{ from: '2027-01-01', rate: 2 }, { from: '2027-01-01', rate: 3 }] }, 'interest.rates[1].from'],
    [{ preset: 'eu-late-payment', colour: 'red' }, 'interest.colour'],
    ['eu-late-payment', 'interest:'],
  ])('rejects the interest config %j naming %s', (raw, where) => {
    expect(errorOf(parseInterestConfig(raw))).toContain(where);
  });

  it.each([
    [{ '2': 150, MXN: { '2': 150 } }, 'not both'],
    [{ '2': -1 }, 'fees.2'],
    [{ '2': '150' }, 'fees.2'],
    [{ first: 10 }, 'fees.first'],
    [{ JPY: { '2': 150.5 } }, 'fees.JPY.2'],
    [{ EUR: 10 }, 'fees.EUR'],
    [{ EUR: { x: 10 } }, 'fees.EUR.x'],
    [[150, 300], 'fees:'],
  ])('rejects the fees config %j naming %s', (raw, where) => {
    expect(errorOf(parseFeesConfig(raw))).toContain(where);
  });

  it('throws from interestConfig on options the parser would reject', () => {
    expect(() => interestConfig({ ratePercent: 10, dayCount: 364 as 365 })).toThrow(/dayCount/);
  });
});
