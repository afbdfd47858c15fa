import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { fieldId, formErrors, parseForm, submittedValues } from '../../../src/web/forms.js';
import { type Messages, translator } from '../../../src/web/i18n.js';
import {
  checkbox,
  choice,
  email,
  id,
  ids,
  optionalDate,
  optionalText,
  requiredText,
} from '../../../src/web/schema-helpers.js';

const messages: Messages = {
  'f.title_required': { da: 'Skriv en titel', en: 'Enter a title' },
  'f.title_too_long': { da: 'Skriv en titel på højst 10 tegn', en: 'Use at most 10 characters' },
  'f.email_required': { da: 'Skriv din e-mail', en: 'Enter your email' },
  'f.email_invalid': { da: 'Skriv en gyldig e-mail', en: 'Enter a valid email' },
  'f.role_invalid': { da: 'Vælg en rolle', en: 'Choose a role' },
  'f.ids_invalid': { da: 'Vælg lokalråd på listen', en: 'Choose councils from the list' },
  'f.date_invalid': { da: 'Skriv en rigtig dato', en: 'Enter a real date' },
  'f.password_required': { da: 'Skriv en adgangskode', en: 'Enter a password' },
};
const t = translator(messages, 'da');

const schema = z.object({
  title: requiredText('f.title_required', 10, 'f.title_too_long'),
  email: email('f.email_required', 'f.email_invalid'),
  role: choice(['network_person', 'council_admin'] as const, 'f.role_invalid'),
  password: z.string('f.password_required').min(1, 'f.password_required'),
});

describe('parseForm', () => {
  it('links each summary entry to its field as #field-<name>, in Danish', () => {
    const result = parseForm(schema, { title: '', email: 'nope', role: 'boss', password: '' }, t);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors.summary, [
      { href: '#field-title', text: 'Skriv en titel' },
      { href: '#field-email', text: 'Skriv en gyldig e-mail' },
      { href: '#field-role', text: 'Vælg en rolle' },
      { href: '#field-password', text: 'Skriv en adgangskode' },
    ]);
    assert.equal(result.errors.fields.title, 'Skriv en titel');
    assert.equal(result.errors.fields.email, 'Skriv en gyldig e-mail');
  });

  it('translates the messages into the reader’s language', () => {
    const result = parseForm(schema, { title: '' }, translator(messages, 'en'));
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.errors.fields.title, 'Enter a title');
  });

  it('keeps the submitted values but never a password, a password confirmation or _csrf', () => {
    const body = {
      title: 'Alt for lang titel her',
      email: 'hal@glumsoe.example',
      role: 'network_person',
      password: 'hemmelig-kode',
      password_confirm: 'hemmelig-kode',
      _csrf: 'token-value',
      council_ids: ['1', '2'],
    };
    const result = parseForm(schema, body, t);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.values, {
      title: 'Alt for lang titel her',
      email: 'hal@glumsoe.example',
      role: 'network_person',
      council_ids: ['1', '2'],
    });
    assert.equal(result.errors.fields.title, 'Skriv en titel på højst 10 tegn');
  });

  it('never keeps a password field named otherwise, such as current_password', () => {
    const values = submittedValues({ name: 'Ib', current_password: 'gammel-kode-123', new_password: 'x' });
    assert.deepEqual(values, { name: 'Ib' });
  });

  it('reports only the first problem of a field', () => {
    const result = parseForm(
      z.object({ title: requiredText('f.title_required', 10, 'f.title_too_long') }),
      {},
      t,
    );
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.errors.summary, [{ href: '#field-title', text: 'Skriv en titel' }]);
  });

  it('returns the trimmed, typed data when the input is valid', () => {
    const result = parseForm(
      schema,
      { title: '  Uro  ', email: ' Hal@Glumsoe.EXAMPLE ', role: 'council_admin', password: 'x' },
      t,
    );
    assert.deepEqual(result, {
      ok: true,
      data: { title: 'Uro', email: 'hal@glumsoe.example', role: 'council_admin', password: 'x' },
    });
  });

  it('treats a missing body as an empty form rather than throwing', () => {
    const result = parseForm(schema, undefined, t);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.deepEqual(result.values, {});
    assert.equal(result.errors.fields.title, 'Skriv en titel');
  });
});

describe('submittedValues and fieldId', () => {
  it('keeps strings and string arrays only', () => {
    assert.deepEqual(submittedValues({ a: 'x', b: ['1', 2, '3'], c: { nested: 'no' }, d: 5 }), {
      a: 'x',
      b: ['1', '3'],
    });
    assert.deepEqual(submittedValues(null), {});
  });

  it('turns a field name into a safe id', () => {
    assert.equal(fieldId('council_ids'), 'field-council_ids');
    assert.equal(fieldId('a b"c'), 'field-a-b-c');
  });

  it('formErrors keeps the first message per field', () => {
    const errors = formErrors(t, [
      { field: 'title', messageKey: 'f.title_required' },
      { field: 'title', messageKey: 'f.title_too_long' },
    ]);
    assert.deepEqual(errors.fields, { title: 'Skriv en titel' });
    assert.equal(errors.summary.length, 1);
  });
});

describe('schema helpers', () => {
  const parse = <S extends z.ZodType>(s: S, v: unknown) => s.safeParse(v);
  const message = (r: { success: boolean; error?: z.ZodError }) => r.error?.issues[0]?.message;

  it('email: lower-cases and trims; empty → required key; malformed → invalid key', () => {
    const s = email('f.email_required', 'f.email_invalid');
    assert.equal(parse(s, '  Formand@Glumsoe.Example ').data, 'formand@glumsoe.example');
    assert.equal(message(parse(s, '')), 'f.email_required');
    assert.equal(message(parse(s, undefined)), 'f.email_required');
    assert.equal(message(parse(s, 'no-at-sign')), 'f.email_invalid');
    assert.equal(message(parse(s, `${'a'.repeat(250)}@x.dk`)), 'f.email_invalid');
  });

  it('requiredText: trims, refuses empty and too long', () => {
    const s = requiredText('f.title_required', 10, 'f.title_too_long');
    assert.equal(parse(s, '  Hærværk ').data, 'Hærværk');
    assert.equal(message(parse(s, '   ')), 'f.title_required');
    assert.equal(message(parse(s, 'x'.repeat(11))), 'f.title_too_long');
  });

  it('optionalText: missing → empty string; too long → key', () => {
    const s = optionalText(5, 'f.title_too_long');
    assert.equal(parse(s, undefined).data, '');
    assert.equal(message(parse(s, '123456')), 'f.title_too_long');
  });

  it('choice: accepts only the listed values', () => {
    const s = choice(['yes', 'no'] as const, 'f.role_invalid');
    assert.equal(parse(s, 'yes').data, 'yes');
    assert.equal(message(parse(s, 'maybe')), 'f.role_invalid');
    assert.equal(message(parse(s, undefined)), 'f.role_invalid');
  });

  it('id: a number from a select; anything else → key', () => {
    const s = id('f.ids_invalid');
    assert.equal(parse(s, '42').data, 42);
    for (const bad of ['', 'abc', '-1', '1.5', '1e3', undefined, ['1', '2']]) {
      assert.equal(message(parse(s, bad)), 'f.ids_invalid', JSON.stringify(bad));
    }
  });

  it('ids: none, one or repeated values become an array of numbers', () => {
    const s = ids('f.ids_invalid');
    assert.deepEqual(parse(s, undefined).data, []);
    assert.deepEqual(parse(s, '').data, []);
    assert.deepEqual(parse(s, '3').data, [3]);
    assert.deepEqual(parse(s, ['1', '2', '3']).data, [1, 2, 3]);
    assert.equal(message(parse(s, ['1', 'x'])), 'f.ids_invalid');
    assert.equal(message(parse(s, 'x')), 'f.ids_invalid');
  });

  it('checkbox: present → true; absent, empty or "0" → false', () => {
    assert.equal(parse(checkbox, 'on').data, true);
    assert.equal(parse(checkbox, '1').data, true);
    assert.equal(parse(checkbox, undefined).data, false);
    assert.equal(parse(checkbox, '').data, false);
    assert.equal(parse(checkbox, '0').data, false);
  });

  it('optionalDate: empty or missing → null; a real date is kept; an impossible one → key', () => {
    const s = optionalDate('f.date_invalid');
    assert.equal(parse(s, '').data, null);
    assert.equal(parse(s, undefined).data, null);
    assert.equal(parse(s, ' 2015-02-24 ').data, '2015-02-24');
    assert.equal(message(parse(s, '2015-02-30')), 'f.date_invalid');
    assert.equal(message(parse(s, '24.2.2015')), 'f.date_invalid');
  });

  it('a form with repeated ids and an optional date parses as a whole', () => {
    const form = z.object({ council_ids: ids('f.ids_invalid'), signed_on: optionalDate('f.date_invalid') });
    const result = parseForm(form, { council_ids: ['1', '3'], signed_on: '' }, t);
    assert.deepEqual(result, { ok: true, data: { council_ids: [1, 3], signed_on: null } });
    const bad = parseForm(form, { council_ids: ['1', 'x'], signed_on: '2015-02-30' }, t);
    assert.equal(bad.ok, false);
    if (bad.ok) return;
    assert.deepEqual(
      bad.errors.summary.map((s) => s.href),
      ['#field-council_ids', '#field-signed_on'],
    );
  });
});
