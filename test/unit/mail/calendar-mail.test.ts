import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';
import { JobLeases } from '../../../src/jobs/lease.js';
import { outboxJob } from '../../../src/jobs/outbox.job.js';
import { OutboxRepository } from '../../../src/mail/outbox.repository.js';
import { smtpTransport } from '../../../src/mail/transport.js';
import { TestSmtpServer } from '../../helpers/smtp.js';

const ICS = [
  'BEGIN:VCALENDAR',
  'VERSION:2.0',
  'METHOD:REQUEST',
  'BEGIN:VEVENT',
  'UID:meeting-1@naernet.test',
  'SUMMARY:Netværksmøde',
  'END:VEVENT',
  'END:VCALENDAR',
  '',
].join('\r\n');

describe('outbox mail with a calendar invitation and an attachment', () => {
  const smtp = new TestSmtpServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'naernet-ical-'));
  let url = '';
  before(async () => {
    url = await smtp.start();
  });
  after(async () => {
    await smtp.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the .ics as a text/calendar part with its METHOD, and attachments as files', async () => {
    const db = openDatabase(path.join(dir, 'portal.db'));
    migrate(db);
    const outbox = new OutboxRepository(db, 'naernet.test');
    const transport = smtpTransport(url);
    outbox.enqueue(
      {
        kind: 'meeting_invitation',
        to: 'hal@glumsoe.example',
        subject: 'Invitation: Netværksmøde',
        text: 'Se vedhæftede invitation.',
        html: '<p>Se vedhæftede invitation.</p>',
        extras: {
          icalEvent: { method: 'REQUEST', filename: 'invitation.ics', content: ICS },
          attachments: [
            {
              filename: 'dagsorden.txt',
              contentType: 'text/plain; charset=utf-8',
              content: 'Punkt 1: Tryghed',
            },
          ],
        },
      },
      new Date().toISOString(),
    );
    const job = outboxJob({
      outbox,
      transport,
      leases: new JobLeases(db),
      from: 'Nærnet <noreply@naernet.test>',
      now: () => new Date(),
      logger: pino({ level: 'silent' }),
    });
    await job.run();
    transport.close();
    db.close();
    const mail = smtp.to('hal@glumsoe.example')[0];
    assert.ok(mail, 'the mail arrived');
    assert.match(mail.raw, /Content-Type: text\/calendar; charset=utf-8; method=REQUEST/i);
    assert.ok(mail.parsed.attachments.some((a) => a.filename === 'dagsorden.txt'));
    const calendar = mail.parsed.attachments.find(
      (a) => a.contentType === 'text/calendar' || a.filename === 'invitation.ics',
    );
    assert.ok(calendar, 'the .ics is attached');
    assert.match(calendar.content.toString('utf8'), /UID:meeting-1@naernet\.test/);
  });
});
