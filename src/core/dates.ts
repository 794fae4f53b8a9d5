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
  const ms = Date.UTC(year, month - 1, day);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return ms / MS_PER_DAY;
}

/** "2024-02-29" → Day, or null. */
export function parseIsoDay(text: string): Day | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  return m ? dayFromYmd(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

export function ymdOfDay(day: Day): { year: number; month: number; day: number } {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Day → "2024-02-29". */
export function isoOfDay(day: Day): string {
  const { year, month, day: dd } = ymdOfDay(day);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

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
