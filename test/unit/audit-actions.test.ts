import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_ACTIONS } from '../../src/audit/audit-actions.js';
import { loadMessages } from '../../src/web/i18n.js';

describe('audit log labels', () => {
  const messages = loadMessages();

  it('every audit action and every kind of thing it is about has a Danish and English label for /admin/audit', () => {
    const actions = Object.keys(AUDIT_ACTIONS);
    assert.ok(actions.length > 10, 'found the audit actions');
    assert.deepEqual(
      actions.filter((a) => !messages[`admin.action.${a}`]),
      [],
    );
    const entities = [...new Set(Object.values(AUDIT_ACTIONS))];
    assert.deepEqual(
      entities.filter((e) => !messages[`admin.entity.${e}`]),
      [],
    );
  });

  it('no label is left for an action the code no longer records', () => {
    const labelled = Object.keys(messages)
      .filter((k) => k.startsWith('admin.action.'))
      .map((k) => k.slice('admin.action.'.length));
    assert.deepEqual(
      labelled.filter((a) => !(a in AUDIT_ACTIONS)),
      [],
    );
  });
});
