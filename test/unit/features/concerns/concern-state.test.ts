import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  canTransition,
  STATUSES,
  TRANSITIONS,
  transitionEventType,
} from '../../../../src/features/concerns/concern-state.js';

describe('the concern state machine', () => {
  it('allows exactly the transitions of the table', () => {
    const allowed = STATUSES.flatMap((from) =>
      STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    assert.deepEqual(allowed.sort(), [
      'awaiting_department→closed',
      'awaiting_department→in_progress',
      'closed→in_progress',
      'in_progress→awaiting_department',
      'in_progress→closed',
      'new→awaiting_department',
      'new→closed',
      'new→in_progress',
    ]);
  });

  it('never allows a status to go back to new, or a closed concern to go anywhere but reopened', () => {
    for (const from of STATUSES) assert.equal(canTransition(from, 'new'), false, `${from}→new`);
    assert.deepEqual(TRANSITIONS.closed, ['in_progress']);
  });

  it('names the timeline event of a transition', () => {
    assert.equal(transitionEventType('in_progress', 'closed'), 'closed');
    assert.equal(transitionEventType('closed', 'in_progress'), 'reopened');
    assert.equal(transitionEventType('new', 'awaiting_department'), 'status_changed');
  });
});
