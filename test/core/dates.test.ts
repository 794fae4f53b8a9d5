import { describe, expect, it } from 'vitest';
import { dayFromExcelSerial, dayFromYmd, dayOfLocalDate, isoOfDay, parseIsoDay } from '../../src/core/dates.js';

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
