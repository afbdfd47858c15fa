/**
 * Every displayed and entered time is Europe/Copenhagen; every stored time is UTC ISO 8601 (docs/domain.md#language-and-time).
 * Danish forms: "24. februar 2015", short "24.2.2015", times "kl. 17.30".
 */
export type Locale = 'da' | 'en';

export const TIME_ZONE = 'Europe/Copenhagen';

const intlLocale = (locale: Locale) => (locale === 'da' ? 'da-DK' : 'en-GB');

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(locale: Locale, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale}:${JSON.stringify(options)}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(intlLocale(locale), { timeZone: TIME_ZONE, ...options });
    formatters.set(key, f);
  }
  return f;
}

function toDate(value: string | Date): Date {
  return value instanceof Date ? value : new Date(value);
}

/** A calendar date stored as YYYY-MM-DD has no time zone: format it at noon UTC so it never shifts a day. */
function calendarOrInstant(value: string | Date): Date {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T12:00:00Z`);
  return toDate(value);
}

/** "24. februar 2015" / "24 February 2015" */
export function formatDate(value: string | Date, locale: Locale = 'da'): string {
  return formatter(locale, { day: 'numeric', month: 'long', year: 'numeric' }).format(
    calendarOrInstant(value),
  );
}

/** "24.2.2015" / "24/02/2015" */
export function formatDateShort(value: string | Date, locale: Locale = 'da'): string {
  return formatter(locale, { day: 'numeric', month: 'numeric', year: 'numeric' }).format(
    calendarOrInstant(value),
  );
}

/** "kl. 17.30" / "17:30" */
export function formatTime(value: string | Date, locale: Locale = 'da'): string {
  const time = formatter(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(
    toDate(value),
  );
  return locale === 'da' ? `kl. ${time}` : time;
}

/** "24. februar 2015 kl. 17.30" / "24 February 2015 at 17:30" */
export function formatDateTime(value: string | Date, locale: Locale = 'da'): string {
  return `${formatDate(value, locale)} ${locale === 'da' ? '' : 'at '}${formatTime(value, locale)}`;
}

/** A calendar month "2026-01" → "januar 2026" / "January 2026". */
export function formatMonth(month: string, locale: Locale = 'da'): string {
  return formatter(locale, { month: 'long', year: 'numeric' }).format(new Date(`${month}-15T12:00:00Z`));
}

/** Decimal comma in Danish: 1.234,5 */
export function formatNumber(value: number, locale: Locale = 'da', fractionDigits?: number): string {
  return new Intl.NumberFormat(intlLocale(locale), {
    minimumFractionDigits: fractionDigits,
    maximumFractionDigits: fractionDigits ?? 2,
  }).format(value);
}

/** A Copenhagen wall-clock time, field by field. */
export type WallClock = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
};

/** The Copenhagen wall-clock time of an instant: the one conversion forms, pages and .ics files share. */
export function copenhagenWallClock(value: string | Date): WallClock {
  const parts = formatter('en', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(toDate(value));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The value for an <input type="datetime-local">: "2015-02-24T17:30" in Copenhagen time. */
export function toLocalInputValue(value: string | Date): string {
  const p = copenhagenWallClock(value);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** Today's calendar date in Copenhagen, YYYY-MM-DD. */
export function localDate(value: string | Date = new Date()): string {
  return toLocalInputValue(value).slice(0, 10);
}

/**
 * "YYYY-MM-DDTHH:MM" entered as Copenhagen time → UTC ISO string; null when it is not a real time.
 * A time inside the spring-forward gap (02:00–03:00 on the last Sunday of March) does not exist and
 * returns null; in the autumn's repeated hour the first (summer-time) instant is chosen.
 */
export function parseLocalDateTime(input: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(input.trim());
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // Copenhagen is UTC+1 or UTC+2: try both offsets, keep those that read back as the entered wall time.
  for (const offsetHours of [2, 1]) {
    const candidate = new Date(asUtc - offsetHours * 3_600_000);
    const p = copenhagenWallClock(candidate);
    if (p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute) {
      return candidate.toISOString();
    }
  }
  return null;
}

/** "YYYY-MM-DD" → true when it is a real calendar date. */
export function isCalendarDate(input: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input);
  if (!m) return false;
  const d = new Date(`${input}T12:00:00Z`);
  return (
    d.getUTCFullYear() === Number(m[1]) &&
    d.getUTCMonth() + 1 === Number(m[2]) &&
    d.getUTCDate() === Number(m[3])
  );
}
