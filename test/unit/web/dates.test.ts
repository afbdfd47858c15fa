import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  formatDate,
  formatDateShort,
  formatDateTime,
  formatNumber,
  formatTime,
  isCalendarDate,
  localDate,
  parseLocalDateTime,
  toLocalInputValue,
} from '../../../src/web/dates.js';

// 24 February 2015 17:30 in Copenhagen (winter time, UTC+1) — the pilot agreement's signing day.
const SIGNING = '2015-02-24T16:30:00.000Z';

describe('formatting dates and times in Danish and English', () => {
  it('writes a long Danish date as "24. februar 2015"', () => {
    assert.equal(formatDate(SIGNING), '24. februar 2015');
    assert.equal(formatDate(SIGNING, 'da'), '24. februar 2015');
  });

  it('writes a short Danish date as "24.2.2015"', () => {
    assert.equal(formatDateShort(SIGNING), '24.2.2015');
  });

  it('writes a Danish time as "kl. 17.30" in Copenhagen time', () => {
    assert.equal(formatTime(SIGNING), 'kl. 17.30');
  });

  it('writes a Danish date and time as "24. februar 2015 kl. 17.30"', () => {
    assert.equal(formatDateTime(SIGNING), '24. februar 2015 kl. 17.30');
  });

  it('writes English dates as "24 February 2015", "24/02/2015" and times as "17:30"', () => {
    assert.equal(formatDate(SIGNING, 'en'), '24 February 2015');
    assert.equal(formatDateShort(SIGNING, 'en'), '24/02/2015');
    assert.equal(formatTime(SIGNING, 'en'), '17:30');
    assert.equal(formatDateTime(SIGNING, 'en'), '24 February 2015 at 17:30');
  });

  it('shows a summer instant in summer time (UTC+2)', () => {
    assert.equal(formatTime('2015-07-01T15:30:00.000Z'), 'kl. 17.30');
  });

  it('shows midnight as "kl. 00.00", not 24.00', () => {
    assert.equal(formatTime('2015-02-24T23:00:00.000Z'), 'kl. 00.00');
  });

  it('puts a late-evening UTC instant on the next Copenhagen day', () => {
    assert.equal(formatDate('2015-02-24T23:30:00.000Z'), '25. februar 2015');
    assert.equal(localDate('2015-06-30T22:30:00.000Z'), '2015-07-01');
  });

  it('accepts a Date as well as an ISO string', () => {
    assert.equal(formatDate(new Date(SIGNING)), '24. februar 2015');
  });
});

describe('a calendar date (YYYY-MM-DD) never shifts a day', () => {
  const originalTz = process.env.TZ;
  after(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  for (const tz of [
    'UTC',
    'Europe/Copenhagen',
    'Pacific/Kiritimati',
    'Pacific/Pago_Pago',
    'America/Los_Angeles',
  ]) {
    it(`formats 2015-02-24 as 24 February whatever the server's zone (${tz})`, () => {
      process.env.TZ = tz;
      assert.equal(formatDate('2015-02-24'), '24. februar 2015');
      assert.equal(formatDateShort('2015-02-24'), '24.2.2015');
      assert.equal(formatDate('2015-02-24', 'en'), '24 February 2015');
      assert.equal(formatDate('2026-03-29'), '29. marts 2026');
      assert.equal(formatDate('2026-10-25'), '25. oktober 2026');
      assert.equal(formatDate('2015-01-01'), '1. januar 2015');
      assert.equal(formatDate('2015-12-31'), '31. december 2015');
    });
  }
});

describe('parseLocalDateTime reads Copenhagen wall time', () => {
  it('reads a winter time as UTC+1', () => {
    assert.equal(parseLocalDateTime('2015-02-24T17:30'), '2015-02-24T16:30:00.000Z');
  });

  it('reads a summer time as UTC+2', () => {
    assert.equal(parseLocalDateTime('2015-07-01T17:30'), '2015-07-01T15:30:00.000Z');
  });

  it('accepts a space instead of T and surrounding whitespace', () => {
    assert.equal(parseLocalDateTime(' 2015-02-24 17:30 '), '2015-02-24T16:30:00.000Z');
  });

  it('returns null for a time in the spring-forward gap (2026-03-29 02:30 does not exist)', () => {
    assert.equal(parseLocalDateTime('2026-03-29T02:30'), null);
    assert.equal(parseLocalDateTime('2026-03-29T02:00'), null);
    assert.equal(parseLocalDateTime('2026-03-29T02:59'), null);
  });

  it('reads the minutes either side of the spring-forward gap', () => {
    assert.equal(parseLocalDateTime('2026-03-29T01:59'), '2026-03-29T00:59:00.000Z');
    assert.equal(parseLocalDateTime('2026-03-29T03:00'), '2026-03-29T01:00:00.000Z');
  });

  it('chooses the first (summer-time) instant in the repeated autumn hour', () => {
    // 2026-10-25: clocks go from 03:00 CEST back to 02:00 CET, so 02:30 happens twice.
    assert.equal(parseLocalDateTime('2026-10-25T02:30'), '2026-10-25T00:30:00.000Z');
    assert.equal(parseLocalDateTime('2026-10-25T01:30'), '2026-10-24T23:30:00.000Z');
    assert.equal(parseLocalDateTime('2026-10-25T03:30'), '2026-10-25T02:30:00.000Z');
  });

  for (const input of [
    '',
    'i morgen',
    '2015-02-24',
    '24.2.2015 17:30',
    '2015-02-24T17:30:00',
    '2015-02-30T10:00',
    '2015-13-01T10:00',
    '2015-00-10T10:00',
    '2015-02-00T10:00',
    '2015-02-24T24:00',
    '2015-02-24T17:60',
    '2015-2-4T7:30',
  ]) {
    it(`returns null for invalid input ${JSON.stringify(input)}`, () => {
      assert.equal(parseLocalDateTime(input), null);
    });
  }
});

describe('toLocalInputValue gives the value of a datetime-local field', () => {
  it('shows a stored UTC instant as Copenhagen wall time', () => {
    assert.equal(toLocalInputValue(SIGNING), '2015-02-24T17:30');
    assert.equal(toLocalInputValue('2015-07-01T15:30:00.000Z'), '2015-07-01T17:30');
    assert.equal(toLocalInputValue('2015-02-24T23:05:00.000Z'), '2015-02-25T00:05');
  });

  for (const instant of [
    SIGNING,
    '2015-07-01T15:30:00.000Z',
    '2026-03-29T00:59:00.000Z',
    '2026-03-29T01:00:00.000Z',
    '2026-10-24T23:30:00.000Z',
    '2026-10-25T00:30:00.000Z',
    '2026-12-31T22:59:00.000Z',
  ]) {
    it(`round-trips ${instant} through the form field`, () => {
      assert.equal(parseLocalDateTime(toLocalInputValue(instant)), instant);
    });
  }
});

describe('isCalendarDate', () => {
  it('accepts real dates, including 29 February in a leap year', () => {
    assert.ok(isCalendarDate('2015-02-24'));
    assert.ok(isCalendarDate('2016-02-29'));
  });

  it('refuses impossible dates and other formats', () => {
    for (const input of [
      '2015-02-29',
      '2015-02-30',
      '2015-13-01',
      '2015-00-01',
      '24.2.2015',
      '',
      '2015-2-4',
    ]) {
      assert.equal(isCalendarDate(input), false, input);
    }
  });
});

describe('formatNumber', () => {
  it('uses a decimal comma and dot thousands separator in Danish', () => {
    assert.equal(formatNumber(1234.5), '1.234,5');
    assert.equal(formatNumber(0.25, 'da'), '0,25');
  });

  it('uses a decimal point in English', () => {
    assert.equal(formatNumber(1234.5, 'en'), '1,234.5');
  });

  it('rounds to at most two decimals, or to the digits asked for', () => {
    assert.equal(formatNumber(2 / 3), '0,67');
    assert.equal(formatNumber(2, 'da', 1), '2,0');
    assert.equal(formatNumber(42), '42');
  });
});
