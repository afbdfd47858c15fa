import { z } from 'zod';
import { isCalendarDate } from './dates.js';

/**
 * Building blocks for form schemas. HTML forms send strings (or nothing), so every helper starts
 * from a string, trims it, and reports an i18n key that names the field's problem.
 */
const str = (requiredKey: string, clean: (v: string) => string = (v) => v) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? clean(v).trim() : v === undefined ? '' : v),
    z.string(requiredKey),
  );

// Control characters a person cannot mean: C0 (but tab and line breaks), DEL, C1.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

/** Multi-line text: line breaks and tabs stay, other control characters go. */
export const cleanText = (v: string): string => v.replace(CONTROL, '');

/**
 * One line (a name, a title, a place): line breaks, tabs and Unicode line separators fold into
 * one space and other control characters go, so a pasted "Glumsø\r\nLokalråd" is stored as
 * "Glumsø Lokalråd" and can never break a mail header, a CSV row or a calendar line.
 */
export const cleanLine = (v: string): string =>
  cleanText(v).replace(/[ \t]*[\r\n\t\u2028\u2029]+[ \t]*/g, ' ');

export function requiredText(requiredKey: string, max: number, tooLongKey: string) {
  return str(requiredKey, cleanText).pipe(z.string().min(1, requiredKey).max(max, tooLongKey));
}

export function optionalText(max: number, tooLongKey: string) {
  return str(tooLongKey, cleanText).pipe(z.string().max(max, tooLongKey));
}

/** requiredText for a single-line field (cleanLine). */
export function requiredLine(requiredKey: string, max: number, tooLongKey: string) {
  return str(requiredKey, cleanLine).pipe(z.string().min(1, requiredKey).max(max, tooLongKey));
}

/** optionalText for a single-line field (cleanLine). */
export function optionalLine(max: number, tooLongKey: string) {
  return str(tooLongKey, cleanLine).pipe(z.string().max(max, tooLongKey));
}

export function email(requiredKey: string, invalidKey: string) {
  return str(requiredKey).pipe(
    z
      .string()
      .min(1, requiredKey)
      .max(254, invalidKey)
      .pipe(z.email(invalidKey))
      // .invalid never delivers (RFC 2606); erased accounts keep such an address, and no form may
      // reach them through it.
      .refine((v) => !/\.invalid$/i.test(v), invalidKey)
      .transform((v) => v.toLowerCase()),
  );
}

export function choice<const T extends readonly [string, ...string[]]>(values: T, key: string) {
  return str(key).pipe(z.enum(values, key));
}

/** An id from a <select>: a positive integer, or the given key. */
export function id(key: string) {
  return str(key).pipe(
    z
      .string()
      .regex(/^[1-9]\d{0,11}$/, key)
      .transform(Number),
  );
}

/** Repeated checkbox values (`council_ids`): zero or more ids. */
export function ids(key: string) {
  return z.preprocess(
    (v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]),
    z.array(
      z
        .string()
        .regex(/^[1-9]\d{0,11}$/, key)
        .transform(Number),
      key,
    ),
  );
}

/** A checkbox: present (any value) = true. */
export const checkbox = z.preprocess((v) => v !== undefined && v !== '' && v !== '0', z.boolean());

/** An optional calendar date YYYY-MM-DD (an <input type="date">); empty = null. */
export function optionalDate(key: string) {
  return str(key).pipe(
    z
      .string()
      .refine((v) => v === '' || isCalendarDate(v), key)
      .transform((v) => (v === '' ? null : v)),
  );
}

/** "24.2.2015" (the Danish short form) → "2015-02-24"; anything else is returned as it is. */
function fromDanishDate(v: string): string {
  const danish = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
  return danish ? `${danish[3]}-${danish[2]?.padStart(2, '0')}-${danish[1]?.padStart(2, '0')}` : v;
}

/**
 * A calendar date from <input type="date"> (YYYY-MM-DD). Browsers without a date picker send what
 * was typed, so the Danish short form 24.2.2015 is accepted too. Empty = null.
 */
export function calendarDate(invalidKey: string) {
  return str(invalidKey).pipe(parsedCalendarDate(invalidKey));
}

function parsedCalendarDate(invalidKey: string) {
  return z.string().transform((v, ctx) => {
    if (v === '') return null;
    const iso = fromDanishDate(v);
    if (!isCalendarDate(iso)) {
      ctx.addIssue({ code: 'custom', message: invalidKey });
      return z.NEVER;
    }
    return iso;
  });
}

/** The same, when a date must be given. */
export function requiredCalendarDate(requiredKey: string, invalidKey: string) {
  return str(requiredKey)
    .pipe(z.string().min(1, requiredKey))
    .pipe(parsedCalendarDate(invalidKey))
    .transform((v) => v as string);
}
