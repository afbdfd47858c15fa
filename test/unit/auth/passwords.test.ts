import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  dummyPasswordHash,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
  verifyPassword,
} from '../../../src/auth/passwords.js';
import { loadMessages } from '../../../src/web/i18n.js';

describe('password hashing', () => {
  it('hashes with argon2id and verifies the right password only', async () => {
    const hash = await hashPassword('naestved-2015');
    assert.match(hash, /^\$argon2id\$v=19\$/);
    assert.match(hash, /[$,]m=65536[,$]/, 'memory cost 64 MiB');
    assert.equal(await verifyPassword(hash, 'naestved-2015'), true);
    assert.equal(await verifyPassword(hash, 'naestved-2016'), false);
    assert.equal(await verifyPassword(hash, 'Naestved-2015'), false);
  });

  it('salts each hash, so the same password hashes differently', async () => {
    const [a, b] = await Promise.all([
      hashPassword('samme-kode-to-gange'),
      hashPassword('samme-kode-to-gange'),
    ]);
    assert.notEqual(a, b);
  });

  it('answers false, without throwing, for a missing or malformed hash', async () => {
    assert.equal(await verifyPassword(null, 'x'), false);
    assert.equal(await verifyPassword(undefined, 'x'), false);
    assert.equal(await verifyPassword('', 'x'), false);
    assert.equal(await verifyPassword('not-a-hash', 'x'), false);
  });

  it('keeps one dummy hash for timing-equal answers to unknown emails', async () => {
    const first = await dummyPasswordHash();
    assert.match(first, /^\$argon2id\$/);
    assert.equal(await dummyPasswordHash(), first);
  });
});

describe('passwordProblem', () => {
  it('refuses a password shorter than 12 characters', () => {
    assert.equal(MIN_PASSWORD_LENGTH, 12);
    assert.equal(passwordProblem('kort'), 'password.errors.too_short');
    assert.equal(passwordProblem('elleve-tegn'), 'password.errors.too_short');
    assert.equal(passwordProblem(''), 'password.errors.too_short');
  });

  it('refuses a password longer than 200 characters', () => {
    assert.equal(passwordProblem('en lang sætning '.repeat(20)), 'password.errors.too_long');
    assert.equal(passwordProblem(`${'x'.repeat(MAX_PASSWORD_LENGTH)}y`), 'password.errors.too_long');
  });

  for (const common of [
    'passwordpassword',
    '123456789012',
    'qwertyuiop12',
    'PASSWORDPASSWORD',
    'aaaaaaaaaaaaaa',
  ]) {
    it(`refuses the common password "${common}"`, () => {
      assert.equal(passwordProblem(common), 'password.errors.common');
    });
  }

  for (const padded of [
    'password1234',
    'sommer202020',
    'Sommer2015!!',
    '1234password',
    'Næstved2015!',
    'velkommen123',
  ]) {
    it(`refuses a common word padded with digits or symbols: "${padded}"`, () => {
      assert.equal(passwordProblem(padded), 'password.errors.common');
    });
  }

  it('refuses a password that contains the local part of the email', () => {
    assert.equal(
      passwordProblem('mit-formand-kodeord', { email: 'formand@glumsoe.example' }),
      'password.errors.personal',
    );
    assert.equal(
      passwordProblem('FORMAND-er-bedst-2015', { email: 'Formand@Glumsoe.example' }),
      'password.errors.personal',
    );
  });

  it('accepts a long sentence', () => {
    assert.equal(passwordProblem('hallen i Glumsø lukker kl. 22 om fredagen'), null);
    assert.equal(
      passwordProblem('hallen i Glumsø lukker kl. 22 om fredagen', {
        email: 'hal@glumsoe.example',
        name: 'Hal',
      }),
      'password.errors.personal',
      '… but not when it contains the email local part "hal"',
    );
    assert.equal(
      passwordProblem('korrekt hest batteri hæfteklamme', { email: 'brugs@fladsaa.example' }),
      null,
    );
  });

  it('does not refuse every password containing a letter when the email local part is one letter', () => {
    assert.equal(passwordProblem('korrekt hest batteri hæfteklamme', { email: 'k@politi.example' }), null);
  });

  it("refuses a password that contains the person's name", () => {
    assert.equal(
      passwordProblem('kirsten-elsker-fodbold', { email: 'formand@glumsoe.example', name: 'Kirsten Holm' }),
      'password.errors.personal',
    );
  });

  it('every problem it can report is a key with Danish and English text', () => {
    const messages = loadMessages();
    for (const key of [
      'password.errors.too_short',
      'password.errors.too_long',
      'password.errors.common',
      'password.errors.personal',
    ]) {
      assert.ok(messages[key]?.da && messages[key]?.en, key);
    }
  });
});
