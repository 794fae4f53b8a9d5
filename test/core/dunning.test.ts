import { describe, expect, it } from 'vitest';
import { ageLedger } from '../../src/core/aging.js';
import { DEFAULT_LEVELS, decideLevel, dunnableView, inBucket, parseBucketFilter, type LadderSettings, type PastLetter } from '../../src/core/dunning.js';
import { day, inv } from '../helpers.js';

const settings: LadderSettings = { levels: DEFAULT_LEVELS, minDaysBetween: 7, repeatAfterDays: 14, maxFinalNotices: 2, skipLevels: false };

function viewOf(asOfIso: string, items: Parameters<typeof inv>[0][]) {
  const r = ageLedger(items.map(inv), { asOf: day(asOfIso), basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
  return dunnableView(r.customers[0]!);
}

describe('the amount asked and what is dunnable', () => {
  it('asks for overdue, undisputed amounts minus credits', () => {
    const v = viewOf('2024-05-31', [
      { invoice: 'A', due: '2024-05-01', open: 10000 },
      { invoice: 'B', due: '2024-05-10', open: 5000, disputed: true },
      { invoice: 'C', due: '2024-06-10', open: 7000 }, // not yet due
      { invoice: 'NC', due: '2024-05-20', open: -2500 },
    ]);
    expect(v.dunnable.map((a) => a.item.invoice)).toEqual(['A']);
    expect(v.amountAsked).toBe(7500);
    expect(v.oldestDunnableDays).toBe(30);
  });
});

describe('--bucket', () => {
  const bounds = [30, 60, 90];
  it('accepts labels, the aliases 0-30/30-60/60-90, critical and upcoming', () => {
    expect(parseBucketFilter('1-30', bounds)).toEqual({ kind: 'bucket', index: 1, label: '1-30' });
    expect(parseBucketFilter('0-30', bounds)).toEqual({ kind: 'bucket', index: 1, label: '1-30' });
    expect(parseBucketFilter('60-90', bounds)).toEqual({ kind: 'bucket', index: 3, label: '61-90' });
    expect(parseBucketFilter('90+', bounds)).toEqual({ kind: 'bucket', index: 4, label: '90+' });
    expect(parseBucketFilter('critical', bounds)).toEqual({ kind: 'critical' });
    expect(typeof parseBucketFilter('45-50', bounds)).toBe('string');
    expect(typeof parseBucketFilter('current', bounds)).toBe('string');
  });
  it('partitions customers by their oldest dunnable invoice, not their newest', () => {
    const v = viewOf('2024-05-31', [
      { invoice: 'old', due: '2024-03-20', open: 100 }, // 72 days
      { invoice: 'new', due: '2024-05-20', open: 100 }, // 11 days
    ]);
    const f = (name: string) => inBucket(parseBucketFilter(name, bounds) as never, v, bounds, 90, day('2024-05-31'), 7);
    expect([f('1-30'), f('31-60'), f('61-90'), f('90+'), f('critical')]).toEqual([false, false, true, false, false]);
  });
  it('sends the upcoming note only when nothing is overdue and an invoice falls due within upcomingDays', () => {
    const soon = viewOf('2024-05-31', [{ due: '2024-06-05', open: 100 }]);
    const later = viewOf('2024-05-31', [{ due: '2024-06-15', open: 100 }]);
    const f = parseBucketFilter('upcoming', [30, 60, 90]) as never;
    expect(inBucket(f, soon, [30, 60, 90], 90, day('2024-05-31'), 7)).toBe(true);
    expect(inBucket(f, later, [30, 60, 90], 90, day('2024-05-31'), 7)).toBe(false);
  });
});

describe('the escalation ladder (SPEC §4)', () => {
  it('runs the spec example: a daily cron on a customer 120 days late sends 1, 2, 3, 4, 4 on days 0, 7, 14, 21, 35, then nothing', () => {
    const start = day('2024-05-31');
    const past: PastLetter[] = [];
    const sentOn: string[] = [];
    let cycle: string | null = null;
    for (let d = 0; d <= 70; d++) {
      const asOf = start + d;
      const items = [{ invoice: 'F-1', due: '2024-02-01', open: 100000 }];
      const r = ageLedger(items.map(inv), { asOf, basis: 'due', bounds: [30, 60, 90], criticalDays: 90 });
      const v = dunnableView(r.customers[0]!);
      const decision = decideLevel(v, past, ['a@b.mx'], asOf, settings);
      if (decision.send) {
        const key = `k${d}`;
        if (decision.newCycle) cycle = key;
        past.push({ key, asOf, level: decision.level, state: 'sent', invoices: [{ invoice: 'F-1', dueDate: day('2024-02-01') }], to: ['a@b.mx'], cycle });
        sentOn.push(`${d}:${decision.level}`);
      }
    }
    expect(sentOn).toEqual(['0:1', '7:2', '14:3', '21:4', '35:4']);
  });

  const v = viewOf('2024-05-31', [{ invoice: 'F-1', due: '2024-04-01', open: 100 }]); // 60 days: level 2 by days
  const letter = (over: Partial<PastLetter>): PastLetter => ({ key: 'k', asOf: day('2024-05-01'), level: 1, state: 'sent', invoices: [{ invoice: 'F-1', dueDate: day('2024-04-01') }], to: ['a@b.mx'], cycle: 'k', ...over });
  const asOf = day('2024-05-31');

  it('starts a cycle at level 1 even at 60 days, or at the level by days with skipLevels', () => {
    expect(decideLevel(v, [], ['a@b.mx'], asOf, settings)).toMatchObject({ send: true, level: 1, rule: 3 });
    expect(decideLevel(v, [], ['a@b.mx'], asOf, { ...settings, skipLevels: true })).toMatchObject({ send: true, level: 2 });
  });
  it('blocks the customer while the last letter is unknown (rule 1), also over a later failure', () => {
    expect(decideLevel(v, [letter({ state: 'unknown' })], ['a@b.mx'], asOf, settings)).toMatchObject({ send: false, rule: 1 });
  });
  it('does not write again to an address the server refused (rule 2), but does to a new address', () => {
    expect(decideLevel(v, [letter({ state: 'failed' })], ['A@B.mx'], asOf, settings)).toMatchObject({ send: false, rule: 2 });
    expect(decideLevel(v, [letter({ state: 'failed' })], ['new@b.mx'], asOf, settings)).toMatchObject({ send: true, level: 1 });
  });
  it('starts a new cycle when none of the last letter\'s invoices is still dunnable', () => {
    const other = letter({ level: 3, invoices: [{ invoice: 'F-0', dueDate: day('2024-01-01') }] });
    expect(decideLevel(v, [other], ['a@b.mx'], asOf, settings)).toMatchObject({ send: true, level: 1, newCycle: true });
  });
  it('waits minDaysBetween (rule 4), steps up one level (rule 5), repeats after repeatAfterDays (rule 6)', () => {
    expect(decideLevel(v, [letter({ asOf: day('2024-05-26') })], ['a@b.mx'], asOf, settings)).toMatchObject({ send: false, rule: 4 });
    expect(decideLevel(v, [letter({ asOf: day('2024-05-20') })], ['a@b.mx'], asOf, settings)).toMatchObject({ send: true, level: 2, rule: 5 });
    expect(decideLevel(v, [letter({ level: 2, asOf: day('2024-05-20') })], ['a@b.mx'], asOf, settings)).toMatchObject({ send: false, rule: 8 });
    expect(decideLevel(v, [letter({ level: 2, asOf: day('2024-05-17') })], ['a@b.mx'], asOf, settings)).toMatchObject({ send: true, level: 2, rule: 6 });
  });
  it('ignores deferred letters when looking for the last letter', () => {
    expect(decideLevel(v, [letter({ state: 'deferred', asOf: day('2024-05-30') })], ['a@b.mx'], asOf, settings)).toMatchObject({ send: true, level: 1, rule: 3 });
  });
});
