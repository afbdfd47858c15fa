import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detailEntries } from '../../src/audit/audit-details.js';
import type { AuditRow } from '../../src/audit/audit-log.js';
import type { AuditNames } from '../../src/features/admin/admin.repository.js';
import { detailLines, detailText, presentAuditRows } from '../../src/features/admin/audit.presenter.js';
import type { Locale } from '../../src/web/dates.js';
import { loadMessages, translator } from '../../src/web/i18n.js';

const messages = loadMessages();
const names: AuditNames = {
  council: new Map([[3, 'Glumsø Lokalråd']]),
  user: new Map([[5, 'Anne Kjær']]),
  municipality: new Map([[1, 'Næstved']]),
  department: new Map([[2, 'SSP']]),
  category: new Map([['trafik', { da: 'Trafik og fart', en: 'Traffic and speed' }]]),
};
const lines = (json: string, locale: Locale = 'da') =>
  detailLines(detailEntries(json), { t: translator(messages, locale), locale, names }).map(detailText);

describe('audit details as a reader sees them', () => {
  it('translates keys and enumerated values, in Danish and in English', () => {
    assert.deepEqual(lines('{"resolution":"not_police"}'), ['Udfald: Ikke en politisag']);
    assert.deepEqual(lines('{"resolution":"not_police"}', 'en'), ['Outcome: Not a police matter']);
    assert.deepEqual(lines('{"status":{"from":"new","to":"in_progress"},"priority":"high"}'), [
      'Status: Ny → Under behandling',
      'Prioritet: Høj',
    ]);
    assert.deepEqual(lines('{"role":"council_admin","outcome":"reinvited"}', 'en'), [
      'Role: Council administrator',
      'Result: Added and invited again',
    ]);
  });

  it('names what ids point at, and shows booleans, dates and counts in words', () => {
    assert.deepEqual(
      lines(
        '{"list":"triage","q":"knallert","councilId":3,"category":"trafik","departmentId":2,"overdue":true}',
      ),
      [
        'Liste: Indbakken',
        'Søgetekst: knallert',
        'Lokalråd: Glumsø Lokalråd',
        'Kategori: Trafik og fart',
        'Afdeling: SSP',
        'Kun overskredne: Ja',
      ],
    );
    assert.deepEqual(lines('{"from":"2026-01-01","to":"2026-01-31","councilIds":[3,99]}'), [
      'Fra og med: 1. januar 2026',
      'Til og med: 31. januar 2026',
      'Lokalråd: Glumsø Lokalråd, #99',
    ]);
    // A plural key holding a number is a count; holding ids, a list.
    assert.deepEqual(lines('{"concerns":4,"comments":2}'), ['Bekymringer: 4', 'Kommentarer: 2']);
    assert.deepEqual(lines('{"concerns":[12,13]}'), ['Bekymringer: #12, #13']);
    assert.deepEqual(lines('{"active":{"from":true,"to":false}}', 'en'), ['Active: Yes → No']);
    assert.deepEqual(lines('{"retention_months":{"from":"24","to":"36"}}'), [
      'Anonymisering af afsluttede bekymringer: 24 → 36',
    ]);
  });

  it('links people and concerns, and shows a key it has no words for as it is', () => {
    const [duplicate] = detailLines(detailEntries('{"duplicateOf":12,"userId":5}'), {
      t: translator(messages, 'da'),
      locale: 'da',
      names,
    });
    assert.deepEqual(duplicate, { label: 'Dublet af', value: [{ text: '#12', href: '/concerns/12' }] });
    assert.deepEqual(lines('{"userId":5}'), ['Person: Anne Kjær']);
    assert.deepEqual(lines('{"somethingNew":"x"}'), ['somethingNew: x']);
  });

  it('says how many reads a collapsed line stands for and when the last was', () => {
    const row: AuditRow = {
      id: 1,
      at: '2026-03-02T09:30:00.000Z',
      actor_user_id: 5,
      actor_name: 'Anne Kjær',
      action: 'concern.viewed',
      entity_type: 'concern',
      entity_id: 12,
      details: '{}',
      ip: null,
      repeat_count: 3,
      last_at: '2026-03-02T09:42:00.000Z',
    };
    const [da] = presentAuditRows(
      { rows: [{ ...row, entries: [] }], names },
      translator(messages, 'da'),
      'da',
    );
    assert.equal(da?.repeated, '3 gange, sidst kl. 10.42');
    assert.equal(da?.action, 'Bekymring læst');
    assert.deepEqual(da?.entity, {
      text: 'Bekymring #12',
      href: '/admin/audit?entity_type=concern&entity_id=12',
    });
    const [en] = presentAuditRows(
      { rows: [{ ...row, entries: [] }], names },
      translator(messages, 'en'),
      'en',
    );
    assert.equal(en?.repeated, '3 times, last at 10:42');
  });
});
