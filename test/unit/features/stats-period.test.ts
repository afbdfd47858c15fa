/**
 * The evaluation's Copenhagen calendar (src/features/stats/period.ts): the fast EU-DST conversion
 * checked against Intl (Europe/Copenhagen) across 2015–2035, both transition hours to the
 * millisecond, local midnights, periods, the previous period, the default period and months.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDays,
  copenhagenLocal,
  copenhagenOffsetMs,
  daysInclusive,
  defaultPeriod,
  monthsOf,
  period,
  previousPeriod,
  startOfLocalDay,
} from '../../../src/features/stats/period.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const intlFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Copenhagen',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Copenhagen wall-clock time by Intl: [“YYYY-MM-DD HH:mm”, offset in ms]. */
function intl(ms: number): { local: string; offsetMs: number } {
  const p = Object.fromEntries(intlFormat.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  const local = `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
  const asUtc = Date.UTC(
    Number(p.year),
    Number(p.month) - 1,
    Number(p.day),
    Number(p.hour),
    Number(p.minute),
    Number(p.second),
  );
  return { local, offsetMs: asUtc - Math.floor(ms / 1000) * 1000 };
}

/** The instants Intl says the offset changes at, per year (found by bisection, to the ms). */
function intlTransitions(year: number): number[] {
  const found: number[] = [];
  let prev = Date.UTC(year, 0, 1);
  for (let t = prev + DAY; t <= Date.UTC(year, 11, 31); t += DAY) {
    if (intl(t).offsetMs !== intl(prev).offsetMs) {
      let lo = prev;
      let hi = t;
      while (hi - lo > 1000) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (intl(mid).offsetMs === intl(lo).offsetMs) lo = mid;
        else hi = mid;
      }
      found.push(hi);
    }
    prev = t;
  }
  return found;
}

describe('copenhagenOffsetMs and copenhagenLocal against Intl', () => {
  it('agree with Intl every 7 hours 13 minutes from 2015 to 2035', () => {
    let checked = 0;
    for (let t = Date.UTC(2015, 0, 1); t < Date.UTC(2036, 0, 1); t += 7 * HOUR + 13 * 60_000) {
      const expected = intl(t);
      assert.equal(copenhagenOffsetMs(t), expected.offsetMs, new Date(t).toISOString());
      assert.equal(copenhagenLocal(t), expected.local, new Date(t).toISOString());
      checked++;
    }
    assert.ok(checked > 25_000);
  });

  it('switch at exactly the instants Intl switches, in every year 2015–2035', () => {
    for (let year = 2015; year <= 2035; year++) {
      const [spring, autumn] = intlTransitions(year);
      assert.ok(spring !== undefined && autumn !== undefined, `two transitions in ${year}`);
      for (const at of [spring, autumn]) {
        for (const t of [at - 60_000, at - 1, at, at + 1, at + 60_000]) {
          assert.equal(copenhagenOffsetMs(t), intl(t).offsetMs, new Date(t).toISOString());
          assert.equal(copenhagenLocal(t), intl(t).local, new Date(t).toISOString());
        }
      }
      assert.equal(new Date(spring).getUTCHours(), 1);
      assert.equal(new Date(autumn).getUTCHours(), 1);
    }
  });

  it('spring forward 29 March 2026: 01:59:59 CET, then 03:00 CEST', () => {
    assert.equal(copenhagenOffsetMs(Date.parse('2026-03-29T00:59:59.999Z')), HOUR);
    assert.equal(copenhagenOffsetMs(Date.parse('2026-03-29T01:00:00.000Z')), 2 * HOUR);
    assert.equal(copenhagenLocal('2026-03-29T00:59:59Z'), '2026-03-29 01:59');
    assert.equal(copenhagenLocal('2026-03-29T01:00:00Z'), '2026-03-29 03:00');
  });

  it('fall back 25 October 2026: 02:59:59 CEST, then 02:00 CET again', () => {
    assert.equal(copenhagenOffsetMs(Date.parse('2026-10-25T00:59:59.999Z')), 2 * HOUR);
    assert.equal(copenhagenOffsetMs(Date.parse('2026-10-25T01:00:00.000Z')), HOUR);
    assert.equal(copenhagenLocal('2026-10-25T00:59:59Z'), '2026-10-25 02:59');
    assert.equal(copenhagenLocal('2026-10-25T01:00:00Z'), '2026-10-25 02:00');
  });

  it('reads ISO strings and epoch ms alike, including end-of-month evenings', () => {
    assert.equal(copenhagenLocal('2026-03-31T21:30:00.000Z'), '2026-03-31 23:30');
    assert.equal(copenhagenLocal(Date.parse('2026-03-31T22:30:00.000Z')), '2026-04-01 00:30');
    assert.equal(copenhagenLocal('2026-10-31T22:30:00.000Z'), '2026-10-31 23:30');
    assert.equal(copenhagenLocal('2026-12-31T23:00:00.000Z'), '2027-01-01 00:00');
  });
});

describe('startOfLocalDay', () => {
  it('is local midnight on the transition days and the days after them', () => {
    assert.equal(new Date(startOfLocalDay('2026-03-29')).toISOString(), '2026-03-28T23:00:00.000Z');
    assert.equal(new Date(startOfLocalDay('2026-03-30')).toISOString(), '2026-03-29T22:00:00.000Z');
    assert.equal(new Date(startOfLocalDay('2026-10-25')).toISOString(), '2026-10-24T22:00:00.000Z');
    assert.equal(new Date(startOfLocalDay('2026-10-26')).toISOString(), '2026-10-25T23:00:00.000Z');
  });

  it('is 00:00 local by Intl on every day from 2015 to 2035, with the previous ms on the day before', () => {
    for (let date = '2015-01-01'; date < '2036-01-01'; date = addDays(date, 1)) {
      const start = startOfLocalDay(date);
      assert.equal(intl(start).local, `${date} 00:00`, date);
      assert.equal(intl(start - 1).local.slice(0, 10), addDays(date, -1), date);
    }
  });
});

describe('periods', () => {
  it('addDays and daysInclusive count calendar days across daylight saving and leap days', () => {
    assert.equal(addDays('2026-03-28', 1), '2026-03-29');
    assert.equal(addDays('2026-03-29', 1), '2026-03-30');
    assert.equal(addDays('2024-02-28', 1), '2024-02-29');
    assert.equal(addDays('2026-01-01', -1), '2025-12-31');
    assert.equal(daysInclusive('2026-03-29', '2026-03-29'), 1);
    assert.equal(daysInclusive('2026-03-01', '2026-03-31'), 31);
    assert.equal(daysInclusive('2026-10-01', '2026-10-31'), 31);
    assert.equal(daysInclusive('2024-02-01', '2024-02-29'), 29);
    assert.equal(daysInclusive('2026-01-01', '2026-12-31'), 365);
    assert.equal(daysInclusive('2024-01-01', '2024-12-31'), 366);
    assert.equal(daysInclusive('2026-03-29', '2026-10-25'), 211);
  });

  it('period() gives UTC bounds from local midnight to the local midnight after the last day', () => {
    assert.deepEqual(period('2026-03-29', '2026-10-25'), {
      from: '2026-03-29',
      to: '2026-10-25',
      startIso: '2026-03-28T23:00:00.000Z',
      endIso: '2026-10-25T23:00:00.000Z',
    });
    assert.deepEqual(period('2026-04-01', '2026-04-01'), {
      from: '2026-04-01',
      to: '2026-04-01',
      startIso: '2026-03-31T22:00:00.000Z',
      endIso: '2026-04-01T22:00:00.000Z',
    });
  });

  it('previousPeriod() has the same number of days and ends the day before', () => {
    const prev = (from: string, to: string) => {
      const p = previousPeriod(period(from, to));
      return [p.from, p.to];
    };
    assert.deepEqual(prev('2026-01-01', '2026-01-31'), ['2025-12-01', '2025-12-31']);
    assert.deepEqual(prev('2026-03-01', '2026-03-31'), ['2026-01-29', '2026-02-28']);
    assert.deepEqual(prev('2024-03-01', '2024-03-31'), ['2024-01-30', '2024-02-29']);
    assert.deepEqual(prev('2026-03-01', '2026-04-30'), ['2025-12-30', '2026-02-28']);
    assert.deepEqual(prev('2026-03-29', '2026-03-29'), ['2026-03-28', '2026-03-28']);
    assert.deepEqual(prev('2026-03-29', '2026-10-25'), ['2025-08-30', '2026-03-28']);
    const p = previousPeriod(period('2026-03-29', '2026-10-25'));
    assert.equal(p.endIso, '2026-03-28T23:00:00.000Z', 'ends where the period starts');
    assert.equal(p.startIso, '2025-08-29T22:00:00.000Z');
  });

  it('defaultPeriod() runs from the first of the month eleven months ago to today in Copenhagen', () => {
    const d = (iso: string) => {
      const p = defaultPeriod(new Date(iso));
      return [p.from, p.to];
    };
    assert.deepEqual(d('2026-11-20T11:00:00Z'), ['2025-12-01', '2026-11-20']);
    // 31 January 23:30 UTC is already 1 February in Copenhagen.
    assert.deepEqual(d('2026-01-31T23:30:00Z'), ['2025-03-01', '2026-02-01']);
    assert.deepEqual(d('2026-12-31T23:30:00Z'), ['2026-02-01', '2027-01-01']);
    assert.deepEqual(d('2026-12-31T22:59:59Z'), ['2026-01-01', '2026-12-31']);
    assert.equal(defaultPeriod(new Date('2026-11-20T11:00:00Z')).endIso, '2026-11-20T23:00:00.000Z');
  });

  it('monthsOf() lists every month the period touches, across a new year', () => {
    assert.deepEqual(monthsOf({ from: '2025-12-15', to: '2026-02-01' }), ['2025-12', '2026-01', '2026-02']);
    assert.deepEqual(monthsOf({ from: '2026-03-29', to: '2026-03-29' }), ['2026-03']);
    assert.deepEqual(monthsOf({ from: '2026-03-31', to: '2026-04-01' }), ['2026-03', '2026-04']);
    assert.equal(monthsOf({ from: '2025-12-01', to: '2026-11-20' }).length, 12);
    assert.equal(monthsOf({ from: '2022-01-01', to: '2026-12-31' }).length, 60);
  });
});
