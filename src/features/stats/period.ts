import { localDate } from '../../web/dates.js';

/**
 * The evaluation's periods are Copenhagen calendar dates, both ends included: "1.12.2025 –
 * 25.11.2026" means from local midnight on the first day to local midnight after the last.
 * Timestamps are stored as UTC ISO strings, so a concern logged at 23:30 on 31 March (21:30 UTC)
 * belongs to March, and one logged at 00:30 on 1 April (22:30 UTC on 31 March) to April.
 *
 * Converting 100,000 timestamps through Intl costs seconds; the EU rule Denmark follows (summer
 * time from 01:00 UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October) is
 * a few comparisons. A unit test checks this against Intl across many years.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** 01:00 UTC on the last Sunday of the month (0-based month). */
function lastSundayAt1Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0, 1));
  return lastDay.getTime() - lastDay.getUTCDay() * DAY;
}

const transitions = new Map<number, [number, number]>();
function summerTime(year: number): [number, number] {
  let t = transitions.get(year);
  if (!t) {
    t = [lastSundayAt1Utc(year, 2), lastSundayAt1Utc(year, 9)];
    transitions.set(year, t);
  }
  return t;
}

/** Copenhagen's offset from UTC in ms at an instant. */
export function copenhagenOffsetMs(epochMs: number): number {
  const year = new Date(epochMs).getUTCFullYear();
  const [start, end] = summerTime(year);
  return epochMs >= start && epochMs < end ? 2 * HOUR : HOUR;
}

/** "2026-03-31 23:30" in Copenhagen time, from a UTC ISO string or epoch ms. */
export function copenhagenLocal(value: string | number): string {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  return new Date(ms + copenhagenOffsetMs(ms)).toISOString().slice(0, 16).replace('T', ' ');
}

/** Local midnight at the start of a Copenhagen calendar date, as epoch ms. */
export function startOfLocalDay(date: string): number {
  const utcMidnight = Date.parse(`${date}T00:00:00Z`);
  // Midnight is never inside a transition (they happen at 02:00/03:00 local time).
  return utcMidnight - copenhagenOffsetMs(utcMidnight - HOUR);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Calendar days from a to b, both included. */
export function daysInclusive(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY) + 1;
}

export type Period = {
  /** Copenhagen calendar dates, both included. */
  from: string;
  to: string;
  /** UTC ISO bounds: start included, end excluded. */
  startIso: string;
  endIso: string;
};

export function period(from: string, to: string): Period {
  return {
    from,
    to,
    startIso: new Date(startOfLocalDay(from)).toISOString(),
    endIso: new Date(startOfLocalDay(addDays(to, 1))).toISOString(),
  };
}

/** The period of the same number of days that ends the day before this one starts. */
export function previousPeriod(p: Period): Period {
  const days = daysInclusive(p.from, p.to);
  return period(addDays(p.from, -days), addDays(p.from, -1));
}

/** Unless the user chooses: the last twelve months, from the first of the month eleven months ago to today. */
export function defaultPeriod(now: Date): Period {
  const today = localDate(now);
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1 - 11, 1)).toISOString().slice(0, 10);
  return period(first, today);
}

/** The calendar months a period touches, "YYYY-MM", in order. */
export function monthsOf(p: Pick<Period, 'from' | 'to'>): string[] {
  const months: string[] = [];
  let [year, month] = p.from.split('-').map(Number) as [number, number];
  const last = p.to.slice(0, 7);
  for (;;) {
    const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
    months.push(key);
    if (key >= last) return months;
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}
