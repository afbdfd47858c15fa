import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MailComposer, type MailContent } from '../../../src/mail/composer.js';
import { VIEWS_DIR } from '../../../src/paths.js';
import { loadMessages } from '../../../src/web/i18n.js';

const composer = new MailComposer(
  loadMessages(),
  VIEWS_DIR,
  () => ({ name: 'Politi & Lokalråd <Syd>', email: 'sydsjaelland@politi.example', phone: '114' }),
  () => 'http://naernet.test',
);

const reset = (overrides: Partial<MailContent> = {}): MailContent => ({
  kind: 'password_reset',
  to: 'hal@glumsoe.example',
  locale: 'da',
  subjectKey: 'mail.password_reset.subject',
  params: { name: 'Hal', hours: 1 },
  paragraphKeys: ['mail.greeting', 'mail.password_reset.body'],
  action: { labelKey: 'mail.password_reset.action', url: 'http://naernet.test/password/reset/abc?x=1&y=2' },
  ...overrides,
});

describe('MailComposer', () => {
  it('writes a Danish recipient’s mail in Danish', () => {
    const mail = composer.compose(reset({ locale: 'da' }));
    assert.equal(mail.subject, 'Vælg ny adgangskode til Nærnet');
    assert.match(mail.text, /^Kære Hal$/m);
    assert.match(mail.text, /Vælg ny adgangskode:/);
    assert.match(mail.text, /Ved akut fare: ring 112/);
    assert.match(mail.html, /<html lang="da">/);
    assert.doesNotMatch(mail.text, /Dear|Choose a new password/);
  });

  it('writes an English recipient’s mail in English', () => {
    const mail = composer.compose(reset({ locale: 'en' }));
    assert.equal(mail.subject, 'Choose a new password for Nærnet');
    assert.match(mail.text, /^Dear Hal$/m);
    assert.match(mail.text, /Emergency: call 112/);
    assert.match(mail.html, /<html lang="en">/);
    assert.doesNotMatch(mail.text, /Kære|Vælg ny adgangskode/);
  });

  it('fills params into paragraphs in both parts', () => {
    const mail = composer.compose(reset());
    assert.match(mail.text, /Linket virker i 1 time/);
    assert.match(mail.html, /Linket virker i 1 time/);
  });

  it('escapes a user-provided name in the HTML part', () => {
    const name = '<script>alert("x")</script> & <b>Ib</b>';
    const mail = composer.compose(reset({ params: { name, hours: 1 } }));
    assert.doesNotMatch(mail.html, /<script>/);
    assert.doesNotMatch(mail.html, /<b>Ib<\/b>/);
    assert.match(
      mail.html,
      /&lt;script&gt;alert\(&#34;x&#34;\)&lt;\/script&gt; &amp; &lt;b&gt;Ib&lt;\/b&gt;/,
    );
    assert.ok(mail.text.includes(`Kære ${name}`), 'the plain-text part shows the name as typed');
  });

  it('escapes a user-provided param in the subject inside the HTML <title>', () => {
    const mail = composer.compose(reset({ subjectKey: 'mail.greeting', params: { name: '<img src=x>' } }));
    assert.equal(mail.subject, 'Kære <img src=x>');
    assert.doesNotMatch(mail.html, /<img src=x>/);
    assert.match(mail.html, /<title>Kære &lt;img src=x&gt;<\/title>/);
  });

  it('escapes the authority name and the action URL in the HTML part', () => {
    const mail = composer.compose(reset());
    assert.match(mail.html, /Politi &amp; Lokalråd &lt;Syd&gt;/);
    assert.doesNotMatch(mail.html, /<Syd>/);
    assert.match(mail.html, /href="http:\/\/naernet\.test\/password\/reset\/abc\?x=1&amp;y=2"/);
    assert.ok(
      mail.text.includes('http://naernet.test/password/reset/abc?x=1&y=2'),
      'bare link in plain text',
    );
  });

  it('leaves out the button and the fallback link when there is no action', () => {
    const mail = composer.compose(reset({ action: undefined }));
    assert.doesNotMatch(mail.html, /<a href/);
    assert.doesNotMatch(mail.html, /Virker knappen ikke/);
    assert.doesNotMatch(mail.text, /http:\/\/naernet\.test\/password/);
  });

  it('carries kind, recipient and extra headers through to the outbox', () => {
    const mail = composer.compose(reset({ headers: { 'List-Unsubscribe': '<http://naernet.test/u/1>' } }));
    assert.equal(mail.kind, 'password_reset');
    assert.equal(mail.to, 'hal@glumsoe.example');
    assert.deepEqual(mail.headers, { 'List-Unsubscribe': '<http://naernet.test/u/1>' });
  });
});
