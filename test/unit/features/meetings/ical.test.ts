import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ICAL from 'ical.js';
import {
  buildCalendar,
  escapeText,
  foldLine,
  type IcsEvent,
} from '../../../../src/features/meetings/ical.js';

const event = (overrides: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: 'meeting-7@naernet.test',
  sequence: 0,
  start: new Date('2026-02-24T18:00:00Z'),
  end: new Date('2026-02-24T20:00:00Z'),
  stamp: new Date('2026-01-01T12:00:00Z'),
  summary: 'Netværksmøde',
  location: 'Glumsø Hallen',
  description: '',
  status: 'CONFIRMED',
  ...overrides,
});

/** Parses with ical.js, registering the calendar's own VTIMEZONE, and returns the first event. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const vtimezone = calendar.getFirstSubcomponent('vtimezone');
  assert.ok(vtimezone, 'a VTIMEZONE');
  ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  const vevent = calendar.getFirstSubcomponent('vevent');
  assert.ok(vevent);
  return { calendar, event: new ICAL.Event(vevent) };
}

describe('iCalendar writer', () => {
  it('escapes backslash, semicolon, comma and line breaks in text', () => {
    assert.equal(escapeText('a\\b;c,d\ne\r\nf'), 'a\\\\b\\;c\\,d\\ne\\nf');
  });

  it('folds long lines at 75 octets without splitting a UTF-8 character', () => {
    const line = `DESCRIPTION:${'æøå'.repeat(40)}`;
    const folded = foldLine(line);
    const parts = folded.split('\r\n');
    assert.ok(parts.length > 1);
    for (const part of parts) assert.ok(Buffer.byteLength(part, 'utf8') <= 75, part);
    assert.ok(parts.slice(1).every((p) => p.startsWith(' ')));
    assert.equal(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join(''), line);
    assert.ok(!folded.includes('\uFFFD'));
  });

  it('writes CRLF line ends, PRODID, VERSION, METHOD and a Copenhagen VTIMEZONE with both rules', () => {
    const text = buildCalendar({ method: 'REQUEST', events: [event()] });
    assert.ok(text.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(text), 'only CRLF');
    for (const line of [
      'VERSION:2.0',
      'METHOD:REQUEST',
      'TZID:Europe/Copenhagen',
      'BEGIN:DAYLIGHT',
      'BEGIN:STANDARD',
      'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
      'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
      'UID:meeting-7@naernet.test',
      'DTSTAMP:20260101T120000Z',
      'DTSTART;TZID=Europe/Copenhagen:20260224T190000',
      'DTEND;TZID=Europe/Copenhagen:20260224T210000',
      'SEQUENCE:0',
      'STATUS:CONFIRMED',
    ]) {
      assert.ok(text.split('\r\n').includes(line), `missing ${line}`);
    }
    assert.match(text, /^PRODID:/m);
  });

  it('parses in ical.js at the right local time in winter', () => {
    const { event: e } = parse(buildCalendar({ method: 'PUBLISH', events: [event()] }));
    assert.equal(e.startDate.zone?.tzid, 'Europe/Copenhagen');
    assert.equal(e.startDate.toString(), '2026-02-24T19:00:00');
    assert.equal(e.startDate.toJSDate().toISOString(), '2026-02-24T18:00:00.000Z');
    assert.equal(e.endDate.toJSDate().toISOString(), '2026-02-24T20:00:00.000Z');
  });

  it('keeps the right instants for a meeting across the end of summer time (25.10.2026 01.30–04.00)', () => {
    const start = new Date('2026-10-24T23:30:00Z'); // 01.30 summer time
    const end = new Date('2026-10-25T03:00:00Z'); // 04.00 winter time
    const text = buildCalendar({ events: [event({ start, end })] });
    assert.ok(text.includes('DTSTART;TZID=Europe/Copenhagen:20261025T013000'));
    assert.ok(text.includes('DTEND;TZID=Europe/Copenhagen:20261025T040000'));
    const { event: e } = parse(text);
    assert.equal(e.startDate.toJSDate().toISOString(), start.toISOString());
    assert.equal(e.endDate.toJSDate().toISOString(), end.toISOString());
    assert.equal(e.duration.toSeconds(), 3.5 * 3600);
  });

  it('writes the second 02.30 of the autumn night in UTC, since local time would mean the first', () => {
    const second = new Date('2026-10-25T01:30:00Z'); // 02.30 winter time
    const text = buildCalendar({ events: [event({ start: second, end: new Date('2026-10-25T03:00:00Z') })] });
    assert.ok(text.includes('DTSTART:20261025T013000Z'));
    const { event: e } = parse(text);
    assert.equal(e.startDate.toJSDate().toISOString(), second.toISOString());
  });

  it('round-trips summary, location and description with special characters', () => {
    const description = 'Punkt 1; tryghed, trafik\nPunkt 2: C:\\sti — æøå '.repeat(5);
    const text = buildCalendar({
      method: 'CANCEL',
      events: [
        event({
          summary: 'Møde; om, ting',
          location: 'Hal 1, Glumsø',
          description,
          status: 'CANCELLED',
          sequence: 3,
        }),
      ],
    });
    const { event: e, calendar } = parse(text);
    assert.equal(calendar.getFirstPropertyValue('method'), 'CANCEL');
    assert.equal(e.summary, 'Møde; om, ting');
    assert.equal(e.location, 'Hal 1, Glumsø');
    assert.equal(e.description, description);
    assert.equal(e.sequence, 3);
    assert.equal(e.component.getFirstPropertyValue('status'), 'CANCELLED');
  });
});
