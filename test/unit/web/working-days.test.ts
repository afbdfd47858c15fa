import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toLocalInputValue } from '../../../src/web/dates.js';
import { addWorkingDays, danishHolidays, isWorkingDay } from '../../../src/web/working-days.js';

const local = (iso: string) => toLocalInputValue(new Date(iso));

describe('Danish working days', () => {
  it('knows the Easter-based holidays of 2026 and that store bededag is gone', () => {
    const h = danishHolidays(2026);
    for (const d of [
      '2026-04-02',
      '2026-04-03',
      '2026-04-05',
      '2026-04-06',
      '2026-05-14',
      '2026-05-24',
      '2026-05-25',
    ]) {
      assert.ok(h.has(d), d);
    }
    assert.ok(!h.has('2026-05-01'), 'store bededag (abolished from 2024) is a working day');
    assert.ok(danishHolidays(2015).has('2015-05-01'), 'store bededag 2015');
  });

  it('skips weekends, grundlovsdag and Christmas', () => {
    assert.equal(isWorkingDay('2026-11-28'), false); // Saturday
    assert.equal(isWorkingDay('2026-06-05'), false);
    assert.equal(isWorkingDay('2026-12-24'), false);
    assert.equal(isWorkingDay('2026-11-24'), true);
  });

  it('adds working days at the same Copenhagen time of day', () => {
    // Tuesday 24 Nov 2026 10:00 Copenhagen (09:00 UTC) + 3 → Friday 27 Nov 10:00.
    assert.equal(
      local(addWorkingDays(new Date('2026-11-24T09:00:00Z'), 3).toISOString()),
      '2026-11-27T10:00',
    );
    // Friday + 1 → Monday.
    assert.equal(
      local(addWorkingDays(new Date('2026-11-27T09:00:00Z'), 1).toISOString()),
      '2026-11-30T10:00',
    );
    // Saturday + 1 → Monday.
    assert.equal(
      local(addWorkingDays(new Date('2026-11-28T09:00:00Z'), 1).toISOString()),
      '2026-11-30T10:00',
    );
  });

  it('counts across Easter and a daylight-saving change', () => {
    // Wednesday 1 April 2026 16:00 summer time; Thu–Mon are holidays/weekend → next working day Tue 7 April.
    assert.equal(
      local(addWorkingDays(new Date('2026-04-01T14:00:00Z'), 1).toISOString()),
      '2026-04-07T16:00',
    );
    // Friday 27 March 2026 12:00 winter time + 1 → Monday 30 March 12:00 summer time (10:00 UTC).
    assert.equal(
      addWorkingDays(new Date('2026-03-27T11:00:00Z'), 1).toISOString(),
      '2026-03-30T10:00:00.000Z',
    );
  });
});
