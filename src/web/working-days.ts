import { localDate, parseLocalDateTime, toLocalInputValue } from './dates.js';

/**
 * Working days in Denmark: Monday to Friday, except public holidays (helligdage) and the days
 * public offices close (grundlovsdag, juleaftensdag). Counted in Copenhagen time.
 */
function easterSunday(year: number): Date {
  // Anonymous Gregorian algorithm.
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return new Date(Date.UTC(year, month - 1, day, 12));
}

const holidayCache = new Map<number, Set<string>>();

/** The Danish non-working calendar dates of a year, as YYYY-MM-DD. */
export function danishHolidays(year: number): Set<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const easter = easterSunday(year);
  const shift = (days: number) => new Date(easter.getTime() + days * 86_400_000).toISOString().slice(0, 10);
  const days = new Set([
    `${year}-01-01`,
    shift(-3), // skærtorsdag
    shift(-2), // langfredag
    shift(0), // påskedag
    shift(1), // 2. påskedag
    shift(39), // Kristi himmelfartsdag
    shift(49), // pinsedag
    shift(50), // 2. pinsedag
    `${year}-06-05`, // grundlovsdag
    `${year}-12-24`,
    `${year}-12-25`,
    `${year}-12-26`,
  ]);
  if (year <= 2023) days.add(shift(26)); // store bededag, abolished from 2024
  holidayCache.set(year, days);
  return days;
}

/** True for a Copenhagen calendar date (YYYY-MM-DD) that is a working day. */
export function isWorkingDay(date: string): boolean {
  const weekday = new Date(`${date}T12:00:00Z`).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !danishHolidays(Number(date.slice(0, 4))).has(date);
}

/**
 * The instant `days` working days after `from`, at the same Copenhagen time of day. A start on a
 * weekend or holiday counts from the next working day: Saturday 10.00 + 1 → Monday 10.00.
 */
export function addWorkingDays(from: Date, days: number): Date {
  const local = toLocalInputValue(from); // YYYY-MM-DDTHH:MM in Copenhagen
  const time = local.slice(11);
  let date = localDate(from);
  let remaining = days;
  while (remaining > 0) {
    date = new Date(new Date(`${date}T12:00:00Z`).getTime() + 86_400_000).toISOString().slice(0, 10);
    if (isWorkingDay(date)) remaining--;
  }
  // A time that falls in the spring-forward gap moves an hour on.
  return new Date(parseLocalDateTime(`${date}T${time}`) ?? new Date(from.getTime() + days * 86_400_000));
}
