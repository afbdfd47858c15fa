import { copenhagenWallClock, parseLocalDateTime, TIME_ZONE, toLocalInputValue } from '../../web/dates.js';

/**
 * A small iCalendar (RFC 5545) writer for meetings: one VTIMEZONE for Europe/Copenhagen and one
 * VEVENT per meeting. Written here rather than taken from a library so that the few properties
 * calendar apps care about (UID, SEQUENCE, METHOD, TZID) are exactly under our control; tests
 * parse the output with ical.js.
 */

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

export type IcsEvent = {
  /** Stable across updates: meeting-<id>@<host>. */
  uid: string;
  sequence: number;
  /** UTC instants. */
  start: Date;
  end: Date;
  stamp: Date;
  summary: string;
  location: string;
  description: string;
  status: 'CONFIRMED' | 'CANCELLED';
  url?: string;
  organizer?: { name: string; email: string };
  attendee?: { name: string; email: string };
};

export type IcsCalendar = {
  method?: IcsMethod;
  /** X-WR-CALNAME, shown by calendar apps for a subscribed feed. */
  name?: string;
  events: IcsEvent[];
};

const CRLF = '\r\n';
const MAX_OCTETS = 75;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma; line breaks become \n. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value (CN=…): quoted when it holds : ; or , — DQUOTE and control characters cannot appear at all. */
function paramValue(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we strip
  const clean = value.replace(/["\u0000-\u001f\u007f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/**
 * Folds a content line at 75 octets (RFC 5545 §3.1): continuation lines start with one space,
 * which counts towards their 75. Never splits a UTF-8 sequence (æ, ø, å are two octets).
 */
export function foldLine(line: string): string {
  if (Buffer.byteLength(line, 'utf8') <= MAX_OCTETS) return line;
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = MAX_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = MAX_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** 20261024T233000Z */
export function utcStamp(date: Date): string {
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  );
}

/**
 * DTSTART/DTEND as Copenhagen local time with TZID. A local time in the repeated autumn hour
 * means its first (summer-time) occurrence (RFC 5545 §3.3.5), so the second occurrence is
 * written in UTC instead — the only form that names it unambiguously.
 */
function dateTimeProperty(name: 'DTSTART' | 'DTEND', date: Date): string {
  const firstOccurrence = parseLocalDateTime(toLocalInputValue(date));
  const minute = Math.floor(date.getTime() / 60_000) * 60_000;
  if (firstOccurrence === null || Date.parse(firstOccurrence) !== minute) return `${name}:${utcStamp(date)}`;
  const w = copenhagenWallClock(date);
  const local = `${w.year}${pad(w.month)}${pad(w.day)}T${pad(w.hour)}${pad(w.minute)}${pad(w.second)}`;
  return `${name};TZID=${TIME_ZONE}:${local}`;
}

/** Europe/Copenhagen since 1996: summer time from the last Sunday of March to the last Sunday of October. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${TIME_ZONE}`,
  `X-LIC-LOCATION:${TIME_ZONE}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

function eventLines(e: IcsEvent): string[] {
  const lines = [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${utcStamp(e.stamp)}`,
    dateTimeProperty('DTSTART', e.start),
    dateTimeProperty('DTEND', e.end),
    `SEQUENCE:${e.sequence}`,
    `STATUS:${e.status}`,
    `SUMMARY:${escapeText(e.summary)}`,
  ];
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  if (e.url) lines.push(`URL:${e.url}`);
  if (e.organizer) lines.push(`ORGANIZER;CN=${paramValue(e.organizer.name)}:mailto:${e.organizer.email}`);
  if (e.attendee) {
    // Answers are given in the portal, so calendar apps are asked not to send iTIP replies.
    lines.push(
      `ATTENDEE;CN=${paramValue(e.attendee.name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:${e.attendee.email}`,
    );
  }
  lines.push('END:VEVENT');
  return lines;
}

/** The whole VCALENDAR object, CRLF line ends, folded, ending with CRLF. */
export function buildCalendar(calendar: IcsCalendar): string {
  const lines = ['BEGIN:VCALENDAR', 'PRODID:-//Naernet//Moeder 1.0//DA', 'VERSION:2.0', 'CALSCALE:GREGORIAN'];
  if (calendar.method) lines.push(`METHOD:${calendar.method}`);
  if (calendar.name) lines.push(`X-WR-CALNAME:${escapeText(calendar.name)}`, `X-WR-TIMEZONE:${TIME_ZONE}`);
  lines.push(...VTIMEZONE);
  for (const event of calendar.events) lines.push(...eventLines(event));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
