// Calendar dates without time zones. A Day is the number of days since 1970-01-01 (an epoch
// day), so "days overdue" is plain subtraction and no daylight-saving change can turn 90 days
// into 89 (date-fns#4067 did exactly that at the critical boundary). Pure: no clock, no I/O.

/** Days since 1970-01-01: 2024-02-29 is 19782. */
export type Day = number;

const MS_PER_DAY = 86_400_000;

/** The Day of a calendar date, or null when it does not exist (31/02/2024, month 13). */
export function dayFromYmd(year: number, month: number, day: number): Day | null {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return null;
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  if (day > 28 && day > daysInMonth(year, month)) return null;
  return daysFromCivil(year, month, day);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return MONTH_DAYS[month - 1]!;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

// Why arithmetic instead of Date.UTC and a Date to check the result: the readers call these once
// per date cell and the letters once per date printed, and a Date object each time was a tenth of
// the general reader's time. The algorithms are H. Hinnant's days_from_civil / civil_from_days
// (proleptic Gregorian, years counted from March so that the leap day ends the year); the tests
// compare them with Date.UTC for every day from 1000-01-01 to 9999-12-31.
function daysFromCivil(year: number, month: number, day: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** "2024-02-29" → Day, or null. */
export function parseIsoDay(text: string): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? dayFromYmd(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export function ymdOfDay(day: Day): { year: number; month: number; day: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day: doy - Math.floor((153 * mp + 2) / 5) + 1 };
}

/** The first day of the day's month (2024-02-29 → 2024-02-01). */
export function monthStart(day: Day): Day {
  return day - ymdOfDay(day).day + 1;
}

/** Day → "2024-02-29". Remembered: a ledger's dates repeat (letters, reports and JSON ask for the same few thousand days). */
export function isoOfDay(day: Day): string {
  let text = isoTexts.get(day);
  if (text === undefined) {
    const { year, month, day: dd } = ymdOfDay(day);
    text = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
    if (isoTexts.size < 100_000) isoTexts.set(day, text);
  }
  return text;
}

const isoTexts = new Map<Day, string>();

/** The calendar date a local wall-clock instant falls on (used once, in cli.ts, for "today"). */
export function dayOfLocalDate(date: Date): Day {
  return Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / MS_PER_DAY;
}

/** Day → a Date at UTC midnight, for libraries that want a Date (exceljs date cells). */
export function utcDateOfDay(day: Day): Date {
  return new Date(day * MS_PER_DAY);
}

// Excel's 1900 date system counts the fake 1900-02-29 (serial 60, Lotus 1-2-3's leap-year bug):
// serials from 61 on are one day ahead of a true count from 1899-12-31.
const EXCEL_1900_EPOCH: Day = -25569; // 1899-12-30: serial 61 → 1900-03-01
const EXCEL_1904_EPOCH: Day = -24107; // 1904-01-01 is serial 0

/** An Excel serial date (fractional part = time of day, ignored) → Day, or null when out of range. */
export function dayFromExcelSerial(serial: number, date1904: boolean): Day | null {
  if (!Number.isFinite(serial) || serial < 0) return null;
  const whole = Math.floor(serial);
  if (date1904) return EXCEL_1904_EPOCH + whole;
  if (whole === 0 || whole === 60) return null; // 1900-01-00 and 1900-02-29 never existed
  return whole < 60 ? EXCEL_1900_EPOCH + whole + 1 : EXCEL_1900_EPOCH + whole;
}
