// Contact windows and caps with fixed clocks. Every expected instant is worked out by hand from the
// zone's offset on that date: Bogotá is UTC−5 all year; New York is UTC−5 until 2026-03-08 02:00
// and UTC−4 after (back on 2026-11-01 02:00); Madrid UTC+1 until 2026-03-29, UTC+2 until
// 2026-10-25; Kolkata UTC+5:30 all year.
import { describe, expect, test } from 'vitest';
import {
  capDecision, contactDecision, contactPreset, CO_HOLIDAYS, describeInstant, instantOfWallTime,
  parseContactConfig, windowDecision, type ContactConfig, type PastContact,
} from '../../src/core/contact.js';
import { parseIsoDay } from '../../src/core/dates.js';

const Z = (iso: string): number => {
  const t = Date.parse(iso.endsWith('Z') ? iso : `${iso}Z`);
  if (Number.isNaN(t)) throw new Error(`bad test instant ${iso}`);
  return t;
};

function config(raw: unknown, defaultTimeZone?: string): ContactConfig {
  const r = parseContactConfig(raw, defaultTimeZone);
  if ('error' in r) throw new Error(r.error);
  return r.value;
}

function errorOf(raw: unknown): string {
  const r = parseContactConfig(raw);
  if (!('error' in r)) throw new Error('expected an error');
  return r.error;
}

const co = contactPreset('co-ley-2300');
const allDay = ['00:00', '24:00'];
const weekdays = (hours: readonly string[] | null, sat: readonly string[] | null = null, sun: readonly string[] | null = null) => ({
  mon: hours, tue: hours, wed: hours, thu: hours, fri: hours, sat, sun,
});

describe('the co-ley-2300 preset in Bogotá', () => {
  test('the Inmaculada Concepción holiday (Tuesday 2026-12-08) is closed and opens on Wednesday at 07:00 Bogotá, 12:00Z', () => {
    const d = windowDecision(Z('2026-12-08T15:00'), co); // 10:00 in Bogotá
    expect(d.open).toBe(false);
    expect(d.reason).toBe('holiday');
    expect(d.nextOpen).toBe(Z('2026-12-09T12:00'));
    expect(d.local).toEqual({ date: '2026-12-08', time: '10:00', weekday: 'tue' });
  });

  test('Saturday at 14:59 is open and closes at 15:00 Bogotá (20:00Z)', () => {
    const d = windowDecision(Z('2026-12-12T19:59'), co);
    expect(d.open).toBe(true);
    expect(d.nextOpen).toBe(Z('2026-12-12T19:59'));
    expect(d.closesAt).toBe(Z('2026-12-12T20:00'));
  });

  test('Saturday at 15:00 sharp is closed until Monday 07:00 (the end of a range is not inside it)', () => {
    const d = windowDecision(Z('2026-12-12T20:00'), co);
    expect(d.open).toBe(false);
    expect(d.reason).toBe('after-hours');
    expect(d.nextOpen).toBe(Z('2026-12-14T12:00'));
  });

  test('Sunday is closed all day', () => {
    const d = windowDecision(Z('2026-12-13T15:00'), co);
    expect(d).toMatchObject({ open: false, reason: 'closed-day', nextOpen: Z('2026-12-14T12:00') });
  });

  test('a Saturday afternoon before a holiday Monday waits for Tuesday (2026-11-16 Independencia de Cartagena)', () => {
    const d = windowDecision(Z('2026-11-14T21:00'), co); // Saturday 16:00 in Bogotá
    expect(d.nextOpen).toBe(Z('2026-11-17T12:00'));
  });

  test('one second before 07:00 on a Monday is before hours', () => {
    const d = windowDecision(Z('2026-12-14T11:59:59'), co);
    expect(d).toMatchObject({ open: false, reason: 'before-hours', nextOpen: Z('2026-12-14T12:00') });
  });

  test('Christmas Eve at 19:30 in Bogotá is already Christmas in UTC; the next opening skips Christmas to Saturday 08:00', () => {
    const d = windowDecision(Z('2026-12-25T00:30'), co);
    expect(d.local).toEqual({ date: '2026-12-24', time: '19:30', weekday: 'thu' });
    expect(d.reason).toBe('after-hours');
    expect(d.nextOpen).toBe(Z('2026-12-26T13:00'));
  });

  test('Bogotá has no daylight saving: 07:00 is 12:00Z in March and in November', () => {
    expect(windowDecision(Z('2026-03-10T11:00'), co).nextOpen).toBe(Z('2026-03-10T12:00'));
    expect(windowDecision(Z('2026-11-04T11:00'), co).nextOpen).toBe(Z('2026-11-04T12:00'));
  });

  test('outside the years of the shipped holiday list it warns, until the user adds that year', () => {
    expect(windowDecision(Z('2027-06-01T15:00'), co).warning).toBeNull();
    expect(windowDecision(Z('2028-03-01T15:00'), co).warning).toMatch(/2026 and 2027 only: add 2028's to contactWindow\.holidays/);
    const with2028 = config({ contactWindow: { preset: 'co-ley-2300', holidays: ['2028-01-01', '2028-01-10'] } });
    expect(windowDecision(Z('2028-03-01T15:00'), with2028).warning).toBeNull();
    expect(windowDecision(Z('2028-01-10T15:00'), with2028).reason).toBe('holiday');
    expect(windowDecision(Z('2026-12-08T15:00'), with2028).reason).toBe('holiday'); // added to the preset's, not instead
  });
});

describe('the shipped Colombian holidays', () => {
  // Recomputed here from Ley 51 de 1983: Easter (anonymous Gregorian computus), fixed dates, and
  // the holidays moved to the next Monday unless they fall on one.
  function festivos(year: number): string[] {
    const a = year % 19, b = Math.floor(year / 100), c = year % 100, d = Math.floor(b / 4), e = b % 4;
    const f = Math.floor((b + 8) / 25), g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
    const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7, m = Math.floor((a + 11 * h + 22 * l) / 451);
    const month = Math.floor((h + l - 7 * m + 114) / 31), day = ((h + l - 7 * m + 114) % 31) + 1;
    const easter = Date.UTC(year, month - 1, day) / 86_400_000;
    const ymd = (mo: number, dd: number) => Date.UTC(year, mo - 1, dd) / 86_400_000;
    const monday = (x: number) => x + ((8 - new Date(x * 86_400_000).getUTCDay()) % 7);
    const fixed = [ymd(1, 1), easter - 3, easter - 2, ymd(5, 1), ymd(7, 20), ymd(8, 7), ymd(12, 8), ymd(12, 25)];
    const moved = [ymd(1, 6), ymd(3, 19), ymd(6, 29), ymd(8, 15), ymd(10, 12), ymd(11, 1), ymd(11, 11), easter + 39, easter + 60, easter + 68].map(monday);
    return [...fixed, ...moved].sort((x, y) => x - y).map((x) => new Date(x * 86_400_000).toISOString().slice(0, 10));
  }

  test('2026 and 2027 each have the 18 festivos of the Ley Emiliani', () => {
    expect(CO_HOLIDAYS.filter((h) => h.startsWith('2026'))).toEqual(festivos(2026));
    expect(CO_HOLIDAYS.filter((h) => h.startsWith('2027'))).toEqual(festivos(2027));
    expect(festivos(2026)).toHaveLength(18);
  });

  test('a few dates checked against the published calendars', () => {
    for (const d of ['2026-01-12', '2026-03-23', '2026-06-08', '2026-11-02', '2026-12-08', '2027-05-31', '2027-07-05', '2027-10-18']) {
      expect(CO_HOLIDAYS).toContain(d);
    }
    expect(CO_HOLIDAYS).not.toContain('2026-01-06'); // Reyes moved to Monday the 12th
  });
});

describe('windows in zones with daylight saving and half-hour offsets', () => {
  const ny = config({ contactWindow: { timeZone: 'America/New_York', days: weekdays(['09:00', '17:00']) } });

  test('New York: 09:00 is 14:00Z on the Friday before the March change and 13:00Z on the Monday after', () => {
    expect(windowDecision(Z('2026-03-06T13:59:59'), ny).nextOpen).toBe(Z('2026-03-06T14:00'));
    const d = windowDecision(Z('2026-03-06T22:30'), ny); // Friday 17:30 EST
    expect(d.reason).toBe('after-hours');
    expect(d.nextOpen).toBe(Z('2026-03-09T13:00'));
  });

  test('New York: a window opening at 02:30 on the night that time does not exist opens at the jump, 03:00 EDT', () => {
    const night = config({ contactWindow: { timeZone: 'America/New_York', days: { sun: ['02:30', '05:00'] } } });
    expect(windowDecision(Z('2026-03-08T06:00'), night).nextOpen).toBe(Z('2026-03-08T07:00'));
    const later = windowDecision(Z('2026-03-08T07:10'), night);
    expect(later.open).toBe(true);
    expect(later.local.time).toBe('03:10');
  });

  test('New York: a window opening at 01:30 on the night that hour happens twice opens at the first 01:30 (EDT, 05:30Z)', () => {
    const night = config({ contactWindow: { timeZone: 'America/New_York', days: { sun: ['01:30', '05:00'] } } });
    expect(windowDecision(Z('2026-11-01T04:00'), night).nextOpen).toBe(Z('2026-11-01T05:30'));
  });

  test('Madrid: Monday 09:00 is 07:00Z after the March change and 08:00Z after the October change', () => {
    const madrid = config({ contactWindow: { timeZone: 'Europe/Madrid', days: weekdays(['09:00', '14:00']) } });
    expect(windowDecision(Z('2026-03-27T14:00'), madrid).nextOpen).toBe(Z('2026-03-30T07:00'));
    expect(windowDecision(Z('2026-10-23T13:00'), madrid).nextOpen).toBe(Z('2026-10-26T08:00'));
  });

  test('Kolkata (+05:30): opening, closing and the weekend move by half hours', () => {
    const kolkata = config({ contactWindow: { timeZone: 'Asia/Kolkata', days: weekdays(['10:00', '18:00'], ['10:00', '18:00']) } });
    expect(windowDecision(Z('2026-12-14T03:30'), kolkata)).toMatchObject({ open: false, reason: 'before-hours', nextOpen: Z('2026-12-14T04:30') });
    expect(windowDecision(Z('2026-12-14T12:29:59'), kolkata)).toMatchObject({ open: true, closesAt: Z('2026-12-14T12:30') });
    expect(windowDecision(Z('2026-12-19T12:30'), kolkata).nextOpen).toBe(Z('2026-12-21T04:30'));
  });

  test('a lunch break between two ranges is "between hours" and reopens at the second range', () => {
    const lunch = config({ contactWindow: { timeZone: 'America/Bogota', days: weekdays([['08:00', '12:00'], ['14:00', '18:00']] as never) } });
    expect(windowDecision(Z('2026-12-14T18:00'), lunch)).toMatchObject({ open: false, reason: 'between-hours', nextOpen: Z('2026-12-14T19:00') });
  });

  test('without a window every instant is open', () => {
    expect(windowDecision(Z('2026-12-13T03:00'), config({}))).toMatchObject({ open: true, reason: 'no-window' });
  });

  test('a window that never opens says so with nextOpen null', () => {
    const never = config({ contactWindow: { timeZone: 'UTC', days: {} } });
    expect(windowDecision(Z('2026-12-14T12:00'), never)).toMatchObject({ open: false, nextOpen: null });
  });

  test('instants are described on the debtor\'s clock', () => {
    expect(describeInstant(Z('2026-12-09T12:00'), 'America/Bogota')).toBe('2026-12-09 07:00 America/Bogota');
    expect(instantOfWallTime(parseIsoDay('2026-12-09')!, 7 * 3600, 'America/Bogota')).toBe(Z('2026-12-09T12:00'));
  });
});

describe('frequency caps', () => {
  const email = (iso: string): PastContact => ({ ts: Z(iso), channel: 'email' });

  test('one contact a day: a second email the same Bogotá day waits for the next midnight in Bogotá (05:00Z)', () => {
    const d = capDecision(Z('2026-12-09T21:00'), [email('2026-12-09T13:00')], co, 'email');
    expect(d).toEqual({ allowed: false, reason: 'daily-limit', nextAllowed: Z('2026-12-10T05:00') });
  });

  test('days are the debtor\'s days, not UTC days', () => {
    // 04:30Z on the 10th is 23:30 on the 9th in Bogotá: a different day from 08:00 on the 10th, though the same UTC day.
    expect(capDecision(Z('2026-12-10T13:00'), [email('2026-12-10T04:30')], co, 'email').allowed).toBe(true);
    // 02:00Z on the 10th is 21:00 on the 9th in Bogotá: the same day as 17:00 on the 9th, though another UTC day.
    expect(capDecision(Z('2026-12-09T22:00'), [email('2026-12-10T02:00')], co, 'email').reason).toBe('daily-limit');
  });

  test('one channel a week: an SMS five days after an email waits until the email is seven days old; another email may go', () => {
    const past = [email('2026-12-09T13:00')]; // Wednesday
    expect(capDecision(Z('2026-12-14T13:00'), past, co, 'sms')).toEqual({
      allowed: false, reason: 'other-channel-this-week', nextAllowed: Z('2026-12-16T05:00'),
    });
    expect(capDecision(Z('2026-12-14T13:00'), past, co, 'email').allowed).toBe(true);
    expect(capDecision(Z('2026-12-16T05:00'), past, co, 'sms').allowed).toBe(true);
  });

  test('maxContactsPerWeek counts the debtor\'s day and the six before it', () => {
    const cfg = config({ contactWindow: { timeZone: 'America/Bogota', days: weekdays(allDay, allDay, allDay) }, maxContactsPerWeek: 2 });
    const two = [email('2026-12-07T15:00'), email('2026-12-09T15:00')];
    expect(capDecision(Z('2026-12-11T15:00'), two, cfg, 'email')).toEqual({ allowed: false, reason: 'weekly-limit', nextAllowed: Z('2026-12-14T05:00') });
    expect(capDecision(Z('2026-12-14T15:00'), two, cfg, 'email').allowed).toBe(true);
    // Three in the week: the second oldest (the 9th) must leave it too → the 16th.
    const three = [email('2026-12-10T15:00'), ...two];
    expect(capDecision(Z('2026-12-11T15:00'), three, cfg, 'email').nextAllowed).toBe(Z('2026-12-16T05:00'));
  });

  test('a week ending after the New York DST change ends at midnight EDT (04:00Z)', () => {
    const cfg = config({ contactWindow: { timeZone: 'America/New_York', days: weekdays(allDay, allDay, allDay) }, maxContactsPerWeek: 1 });
    expect(capDecision(Z('2026-03-10T15:00'), [email('2026-03-05T15:00')], cfg, 'email').nextAllowed).toBe(Z('2026-03-12T04:00'));
  });

  test('without a window, caps count days in the default zone given', () => {
    const cfg = config({ maxContactsPerWeek: 1 }, 'Asia/Kolkata');
    expect(cfg.window).toBeNull();
    expect(capDecision(Z('2026-12-10T12:00'), [email('2026-12-09T12:00')], cfg, 'sms').nextAllowed).toBe(Z('2026-12-15T18:30'));
  });

  test('no caps configured: always allowed', () => {
    expect(capDecision(Z('2026-12-09T13:00'), [email('2026-12-09T13:00'), email('2026-12-09T13:00')], config({}), 'sms').allowed).toBe(true);
  });
});

describe('window and caps together', () => {
  const past = [{ ts: Z('2026-12-07T15:00'), channel: 'email' as const }]; // Monday 10:00 Bogotá

  test('on a holiday the next email may go when the window opens; an SMS waits for the week and then the window', () => {
    const emailNow = contactDecision(Z('2026-12-08T15:00'), past, co, 'email');
    expect(emailNow).toMatchObject({ allowed: false, reason: 'holiday', nextAllowed: Z('2026-12-09T12:00') });
    const smsNow = contactDecision(Z('2026-12-08T15:00'), past, co, 'sms');
    expect(smsNow.nextAllowed).toBe(Z('2026-12-14T12:00')); // cap lifts at 00:00 on the 14th, window opens at 07:00
  });

  test('a second message on an open afternoon waits for the next day\'s opening, not for midnight', () => {
    const d = contactDecision(Z('2026-12-11T20:00'), [{ ts: Z('2026-12-11T13:00'), channel: 'email' }], co, 'email');
    expect(d).toMatchObject({ allowed: false, reason: 'daily-limit', nextAllowed: Z('2026-12-12T13:00') }); // Saturday 08:00
  });

  test('inside the window and the caps it is allowed now', () => {
    expect(contactDecision(Z('2026-12-09T15:00'), past, co, 'email')).toMatchObject({ allowed: true, nextAllowed: Z('2026-12-09T15:00') });
  });
});

describe('parseContactConfig', () => {
  test('the preset by name and as an object give the same settings', () => {
    expect(config({ contactWindow: 'co-ley-2300' })).toEqual(config({ contactWindow: { preset: 'co-ley-2300' } }));
    expect(co).toMatchObject({ timeZone: 'America/Bogota', maxContactsPerDay: 1, oneChannelPerWeek: true, maxContactsPerWeek: null });
    expect(co.window!.days.mon).toEqual([{ start: 420, end: 1140 }]);
    expect(co.window!.days.sat).toEqual([{ start: 480, end: 900 }]);
    expect(co.window!.days.sun).toEqual([]);
  });

  test('nothing configured means no window and no caps; other config keys are ignored', () => {
    expect(config({ lang: 'es', smtp: {} })).toMatchObject({ window: null, maxContactsPerWeek: null, maxContactsPerDay: null, oneChannelPerWeek: false });
  });

  test('a time zone is written the way Intl spells it', () => {
    expect(config({ contactWindow: { timeZone: 'america/bogota', days: {} } }).timeZone).toBe('America/Bogota');
  });

  test('mistakes name the key', () => {
    expect(errorOf({ contactWindow: { timeZone: 'America/Bogata', days: {} } })).toMatch(/^contactWindow\.timeZone: "America\/Bogata" is not a time zone/);
    expect(errorOf({ contactWindow: { timeZone: 'UTC', days: { mon: ['7:00', '19:00'] } } })).toMatch(/^contactWindow\.days\.mon: "7:00" is not a time of day/);
    expect(errorOf({ contactWindow: { timeZone: 'UTC', days: { tue: ['08:00', '25:00'] } } })).toMatch(/^contactWindow\.days\.tue: "25:00"/);
    expect(errorOf({ contactWindow: { timeZone: 'UTC', days: { wed: ['19:00', '07:00'] } } })).toMatch(/^contactWindow\.days\.wed: .*ends before it starts/);
    expect(errorOf({ contactWindow: { timeZone: 'UTC', days: { thu: [['08:00', '13:00'], ['12:00', '18:00']] } } })).toMatch(/^contactWindow\.days\.thu: .*overlap/);
    expect(errorOf({ contactWindow: { timeZone: 'UTC', days: { lun: allDay } } })).toMatch(/contactWindow\.days\.lun: unknown day/);
    expect(errorOf({ contactWindow: { preset: 'co-ley-2300', holidays: ['2026-02-30'] } })).toMatch(/^contactWindow\.holidays\[0\]: "2026-02-30" is not a date/);
    expect(errorOf({ contactWindow: { preset: 'co-ley-2301' } })).toMatch(/^contactWindow\.preset: unknown preset "co-ley-2301"/);
    expect(errorOf({ contactWindow: { preset: 'co-ley-2300', timezone: 'UTC' } })).toMatch(/^contactWindow\.timezone: unknown key/);
    expect(errorOf({ contactWindow: { days: {} } })).toMatch(/^contactWindow\.timeZone: required/);
    expect(errorOf({ contactWindow: { timeZone: 'UTC' } })).toMatch(/^contactWindow\.days: required/);
    expect(errorOf({ maxContactsPerWeek: 0 })).toMatch(/^maxContactsPerWeek: expected a whole number/);
    expect(errorOf({ contactWindow: { preset: 'co-ley-2300', maxContactsPerDay: 1.5 } })).toMatch(/^contactWindow\.maxContactsPerDay/);
    expect(errorOf({ contactWindow: { preset: 'co-ley-2300', oneChannelPerWeek: 'yes' } })).toMatch(/^contactWindow\.oneChannelPerWeek/);
  });

  test('24:00 ends a day, and a preset day can be overridden alone', () => {
    const c = config({ contactWindow: { preset: 'co-ley-2300', days: { sat: null, fri: ['07:00', '24:00'] } } });
    expect(c.window!.days.sat).toEqual([]);
    expect(c.window!.days.fri).toEqual([{ start: 420, end: 1440 }]);
    expect(c.window!.days.mon).toEqual([{ start: 420, end: 1140 }]);
  });
});
