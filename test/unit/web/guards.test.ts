import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NotFoundError } from '../../../src/errors.js';
import { idParam } from '../../../src/web/guards.js';

describe('idParam', () => {
  it('reads a positive integer of up to 12 digits', () => {
    assert.equal(idParam('1'), 1);
    assert.equal(idParam('42'), 42);
    assert.equal(idParam('999999999999'), 999_999_999_999);
  });

  it('answers 404 for anything else a path can carry', () => {
    for (const value of [
      '0',
      '-1',
      '007',
      '1e3',
      '1.5',
      ' 1',
      '1 ',
      'abc',
      '',
      '99999999999999999999',
      '1\u0000',
      '١',
      undefined,
      ['1'],
      { id: '1' },
    ]) {
      assert.throws(() => idParam(value), NotFoundError, JSON.stringify(value));
    }
  });
});
