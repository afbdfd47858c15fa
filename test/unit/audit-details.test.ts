/**
 * Every detail an audit line can carry is shown to a data protection officer in words, in Danish
 * and English. The compiler lets `record(…, details)` take only the keys listed in
 * src/audit/audit-details.ts — from an object literal, a variable, a spread or a computed diff —
 * so the labels checked here are the labels of every detail the code can write.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AUDIT_DETAILS,
  type AuditDetailKind,
  type AuditDetails,
  detailEntries,
  detailLabelKey,
  type OnlyAuditDetails,
} from '../../src/audit/audit-details.js';
import { PRIORITIES, RESOLUTIONS, STATUSES } from '../../src/features/concerns/concern-state.js';
import { MEETING_KINDS } from '../../src/features/meetings/meetings.policy.js';
import { MEMBERSHIP_ROLES } from '../../src/features/members/members.schemas.js';
import { STATUS_FILTERS } from '../../src/features/triage/triage.schemas.js';
import { loadMessages } from '../../src/web/i18n.js';

const messages = loadMessages();
const labelled = (key: string) => !!messages[key]?.da && !!messages[key]?.en;
const choiceOf = (key: keyof typeof AUDIT_DETAILS): Record<string, string> => {
  const kind: AuditDetailKind = AUDIT_DETAILS[key];
  assert.ok(typeof kind === 'object' && 'choice' in kind, `${key} is a choice`);
  return kind.choice;
};

/**
 * What the compiler refuses, checked by `npm run typecheck` (each @ts-expect-error fails the
 * check when its line stops being an error). Never called: only its types matter.
 */
export function refusedByTheCompiler(details: <D extends AuditDetails>(d: OnlyAuditDetails<D>) => void) {
  // @ts-expect-error a key without words for /admin/audit
  details({ secret: 1 });
  const loose: Record<string, unknown> = { resolution: 'resolved' };
  // @ts-expect-error details that could hold any key
  details(loose);
  const values = { name: 'Glumsø', password: 'x' };
  // @ts-expect-error an unlisted key arriving in a spread
  details({ ...values });
  // @ts-expect-error an enumerated value without a label
  details({ resolution: 'solved' });
  details({ resolution: 'not_police', name: 'Glumsø', status: { from: 'new', to: 'in_progress' } });
}

describe('audit details in words', () => {
  it('every detail key has a Danish and English label, and so has every value of an enumerated one', () => {
    assert.deepEqual(
      Object.keys(AUDIT_DETAILS).filter((key) => !labelled(detailLabelKey(key))),
      [],
    );
    const missing: string[] = [];
    for (const [key, kind] of Object.entries(AUDIT_DETAILS) as [string, AuditDetailKind][]) {
      if (typeof kind !== 'object' || !('choice' in kind)) continue;
      for (const [value, label] of Object.entries(kind.choice)) {
        if (!labelled(label)) missing.push(`${key}=${value} (${label})`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('the enumerated values are the domain’s own: statuses, priorities, resolutions, roles, meeting kinds', () => {
    const sorted = (values: readonly string[]) => [...values].sort();
    assert.deepEqual(sorted(Object.keys(choiceOf('status'))), sorted(STATUS_FILTERS));
    assert.deepEqual(sorted(Object.keys(choiceOf('status'))), sorted([...STATUSES, 'open', 'all']));
    assert.deepEqual(sorted(Object.keys(choiceOf('priority'))), sorted(PRIORITIES));
    assert.deepEqual(sorted(Object.keys(choiceOf('resolution'))), sorted(RESOLUTIONS));
    assert.deepEqual(sorted(Object.keys(choiceOf('role'))), sorted(MEMBERSHIP_ROLES));
    assert.deepEqual(sorted(Object.keys(choiceOf('kind'))), sorted(MEETING_KINDS));
  });

  it('reads every stored shape: values, { key: { from, to } } and { from: {…}, to: {…} }', () => {
    assert.deepEqual(detailEntries('{"resolution":"not_police"}'), [
      { key: 'resolution', value: 'not_police', change: false },
    ]);
    assert.deepEqual(detailEntries('{"name":{"from":"Stevns","to":"Stevns Kommune"}}'), [
      { key: 'name', from: 'Stevns', value: 'Stevns Kommune', change: true },
    ]);
    assert.deepEqual(
      detailEntries(
        '{"councilId":3,"from":{"role":"network_person","title":"x"},"to":{"role":"council_admin","title":"x"}}',
      ),
      [
        { key: 'councilId', value: 3, change: false },
        { key: 'role', from: 'network_person', value: 'council_admin', change: true },
      ],
    );
    // A period's from/to dates are values, not a change.
    assert.deepEqual(detailEntries('{"from":"2026-01-01","to":"2026-01-31"}'), [
      { key: 'from', value: '2026-01-01', change: false },
      { key: 'to', value: '2026-01-31', change: false },
    ]);
    assert.deepEqual(detailEntries('not json'), [{ key: '', value: 'not json', change: false }]);
  });
});
