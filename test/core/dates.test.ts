import { describe, expect, it } from 'vitest';
import { dayFromExcelSerial, dayFromYmd, dayOfLocalDate, isoOfDay, parseIsoDay, monthStart, ymdOfDay } from '../../src/core/dates.js';

describe('calendar dates', () => {
  it('round-trips ISO dates including a leap day', () => {
    for (const iso of ['2024-02-29', '1999-12-31', '2026-11-23', '2000-01-01']) expect(isoOfDay(parseIsoDay(iso)!)).toBe(iso);
  });
  it('refuses dates that do not exist', () => {
    expect(dayFromYmd(2024, 2, 31)).toBeNull();
    expect(dayFromYmd(2023, 2, 29)).toBeNull();
    expect(dayFromYmd(2024, 13, 1)).toBeNull();
    expect(parseIsoDay('2024-02-30')).toBeNull();
  });
  it('takes the local calendar date of "now", whatever the time zone', () => {
    // 23:30 local on 2026-01-31 is still 2026-01-31 here, even east or west of Greenwich.
    expect(isoOfDay(dayOfLocalDate(new Date(2026, 0, 31, 23, 30)))).toBe('2026-01-31');
    expect(isoOfDay(dayOfLocalDate(new Date(2026, 0, 31, 0, 5)))).toBe('2026-01-31');
  });
});

describe('Excel serial dates', () => {
  it('reads serial 46053 as 2026-01-31 in the 1900 system and 2030-02-01 in the 1904 system', () => {
    expect(isoOfDay(dayFromExcelSerial(46053, false)!)).toBe('2026-01-31');
    expect(isoOfDay(dayFromExcelSerial(46053, true)!)).toBe('2030-02-01');
  });
  it('knows the fake 1900-02-29: serial 59 is 1900-02-28, 60 does not exist, 61 is 1900-03-01', () => {
    expect(isoOfDay(dayFromExcelSerial(59, false)!)).toBe('1900-02-28');
    expect(dayFromExcelSerial(60, false)).toBeNull();
    expect(isoOfDay(dayFromExcelSerial(61, false)!)).toBe('1900-03-01');
    expect(isoOfDay(dayFromExcelSerial(1, false)!)).toBe('1900-01-01');
  });
  it('ignores the time of day in a serial', () => {
    expect(isoOfDay(dayFromExcelSerial(45351.99, false)!)).toBe('2024-02-29');
  });
});

describe('day arithmetic against Date.UTC', () => {
  it('dayFromYmd and ymdOfDay agree with Date.UTC for every day from 1000-01-01 to 9999-12-31', () => {
    const first = Date.UTC(1000, 0, 1) / 86_400_000;
    const last = Date.UTC(9999, 11, 31) / 86_400_000;
    let bad = 0;
    for (let day = first; day <= last; day++) {
      const d = new Date(day * 86_400_000);
      const y = d.getUTCFullYear(), m = d.getUTCMonth() + 1, dd = d.getUTCDate();
      const back = ymdOfDay(day);
      if (dayFromYmd(y, m, dd) !== day || back.year !== y || back.month !== m || back.day !== dd) bad++;
    }
    expect(bad).toBe(0);
    expect(last - first + 1).toBe(3_287_182);
  });

  it('refuses days that do not exist, leap rules included', () => {
    expect(dayFromYmd(2024, 2, 29)).toBe(19_782);
    expect(dayFromYmd(2023, 2, 29)).toBeNull();
    expect(dayFromYmd(1900, 2, 29)).toBeNull();
    expect(dayFromYmd(2000, 2, 29)).not.toBeNull();
    expect(dayFromYmd(2024, 4, 31)).toBeNull();
    expect(dayFromYmd(2024, 12, 31)).toBe(20_088);
    expect(dayFromYmd(2024, 13, 1)).toBeNull();
    expect(dayFromYmd(2024, 1, 0)).toBeNull();
    expect(ymdOfDay(-1)).toEqual({ year: 1969, month: 12, day: 31 });
  });
});

describe('monthStart', () => {
  it('is the first day of the same month, leap days and days before 1970 included', () => {
    expect(monthStart(dayFromYmd(2024, 2, 29)!)).toBe(dayFromYmd(2024, 2, 1));
    expect(monthStart(dayFromYmd(2024, 3, 1)!)).toBe(dayFromYmd(2024, 3, 1));
    expect(monthStart(dayFromYmd(2023, 12, 31)!)).toBe(dayFromYmd(2023, 12, 1));
    expect(monthStart(dayFromYmd(1969, 7, 20)!)).toBe(dayFromYmd(1969, 7, 1));
  });
});
