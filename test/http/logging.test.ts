import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { logSafeUrl } from '../../src/web/log-safe.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

describe('the request log', () => {
  const lines: string[] = [];
  let app: TestApp;
  before(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    app = await startTestApp({ logger: pino({ level: 'info' }, stream) });
  });
  after(() => app.close());

  it('does not write the tokens that links in mails and multipart forms carry', async () => {
    const secrets = [
      'referral-secret-1',
      'invite-secret-2',
      'reset-secret-3',
      'unsub-secret-4',
      'feed-secret-5',
    ];
    await fetch(`${app.url}/referrals/${secrets[0]}`);
    await fetch(`${app.url}/invitations/${secrets[1]}`);
    await fetch(`${app.url}/password/reset/${secrets[2]}`);
    await fetch(`${app.url}/unsubscribe/${secrets[3]}`);
    await fetch(`${app.url}/calendar/${secrets[4]}.ics`);
    await fetch(`${app.url}/admin/rollout/import?_csrf=csrf-secret-6&x=1`, {
      method: 'POST',
      redirect: 'manual',
    });
    const log = lines.join('');
    for (const secret of [...secrets, 'csrf-secret-6']) assert.doesNotMatch(log, new RegExp(secret));
    assert.match(log, /"url":"\/referrals\/\[redacted\]"/);
    assert.match(log, /"url":"\/admin\/rollout\/import\?_csrf=\[redacted\]&x=1"/);
  });

  it('keeps ordinary URLs as they are', () => {
    assert.equal(logSafeUrl('/stats?from=2026-01-01&to=2026-03-31'), '/stats?from=2026-01-01&to=2026-03-31');
    assert.equal(logSafeUrl('/concerns/12'), '/concerns/12');
    assert.equal(logSafeUrl('/referrals'), '/referrals');
  });
});
