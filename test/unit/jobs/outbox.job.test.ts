import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { pino } from 'pino';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';
import { JobLeases } from '../../../src/jobs/lease.js';
import {
  OUTBOX_LEASE_TTL_MS,
  outboxJob,
  RETRY_DELAYS_MINUTES,
  RETRY_FOR_HOURS,
  retryDelayMinutes,
} from '../../../src/jobs/outbox.job.js';
import type { Job } from '../../../src/jobs/scheduler.js';
import { MailComposer } from '../../../src/mail/composer.js';
import { Mailer } from '../../../src/mail/mailer.js';
import { OutboxRepository, type OutboxRow } from '../../../src/mail/outbox.repository.js';
import { type MailTransport, smtpTransport } from '../../../src/mail/transport.js';
import { VIEWS_DIR } from '../../../src/paths.js';
import { loadMessages } from '../../../src/web/i18n.js';
import { TestSmtpServer } from '../../helpers/smtp.js';

const MINUTE = 60_000;
const FROM = 'Nærnet <noreply@naernet.test>';
const root = mkdtempSync(path.join(tmpdir(), 'naernet-outbox-'));
const messages = loadMessages();
const logger = pino({ level: 'silent' });

describe('the outbox job sending through a real SMTP server', () => {
  const smtp = new TestSmtpServer();
  let transport: MailTransport;
  let n = 0;
  let db: Db;
  let outbox: OutboxRepository;
  let mailer: Mailer;
  let leases: JobLeases;
  let job: Job;
  const clock = { ms: 0 };
  const now = () => new Date(clock.ms);
  const row = (id: number) => outbox.findById(id) as OutboxRow;
  const newJob = () => outboxJob({ outbox, transport, leases, from: FROM, now, logger });

  /** A password-reset mail in Danish, composed exactly as the portal does it. */
  const queueReset = (to = 'hal@glumsoe.example', name = 'Søren Ærø') =>
    mailer.queue({
      kind: 'password_reset',
      to,
      locale: 'da',
      subjectKey: 'mail.password_reset.subject',
      params: { name, hours: 1 },
      paragraphKeys: ['mail.greeting', 'mail.password_reset.body'],
      action: { labelKey: 'mail.password_reset.action', url: 'http://naernet.test/password/reset/abc' },
      headers: { 'X-Naernet-Kind': 'password_reset' },
    });

  before(async () => {
    transport = smtpTransport(await smtp.start());
  });
  after(async () => {
    transport.close();
    await smtp.stop();
    db?.close();
    rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => {
    db?.close();
    db = openDatabase(path.join(root, `outbox-${++n}.db`));
    migrate(db);
    clock.ms = Date.parse('2015-02-24T16:30:00Z');
    outbox = new OutboxRepository(db, 'naernet.test');
    const composer = new MailComposer(
      messages,
      VIEWS_DIR,
      () => ({
        name: 'Sydsjællands og Lolland-Falsters Politi',
        email: 'sydsjaelland@politi.example',
        phone: '114',
      }),
      () => 'http://naernet.test',
    );
    mailer = new Mailer(composer, outbox, now);
    leases = new JobLeases(db, () => clock.ms);
    job = newJob();
    smtp.clear();
    smtp.respond = () => undefined;
  });

  it('delivers a queued mail with a plain-text and an HTML part, Danish letters intact', async () => {
    const id = queueReset();
    await job.run();
    const [mail, ...more] = smtp.to('hal@glumsoe.example');
    assert.ok(mail, 'the mail arrived');
    assert.equal(more.length, 0);
    assert.equal(mail.subject, 'Vælg ny adgangskode til Nærnet');
    assert.match(mail.text, /Kære Søren Ærø/);
    assert.match(mail.text, /kan kun bruges én gang/);
    assert.match(mail.text, /http:\/\/naernet\.test\/password\/reset\/abc/);
    assert.match(mail.html, /Kære Søren Ærø/);
    assert.match(mail.html, /href="http:\/\/naernet\.test\/password\/reset\/abc"/);
    assert.equal(mail.parsed.from?.value[0]?.address, 'noreply@naernet.test');
    assert.equal(mail.parsed.from?.value[0]?.name, 'Nærnet');
    assert.equal(mail.parsed.headers.get('x-naernet-kind'), 'password_reset');

    const sent = row(id);
    assert.equal(sent.status, 'sent');
    assert.equal(sent.attempts, 1);
    assert.equal(sent.sent_at, now().toISOString());
    assert.equal(sent.last_error, null);
    assert.equal(mail.parsed.messageId, sent.message_id, 'the Message-ID is the one stored at queue time');
  });

  it('gives every message its own Message-ID under the portal domain', () => {
    const a = row(queueReset('a@example.dk'));
    const b = row(queueReset('b@example.dk'));
    assert.match(a.message_id, /^<[0-9a-f-]{36}@naernet\.test>$/);
    assert.notEqual(a.message_id, b.message_id);
  });

  it('sends nothing before a message is due and nothing twice', async () => {
    const id = queueReset();
    await job.run();
    await job.run();
    assert.equal(smtp.received.length, 1);
    assert.equal(row(id).status, 'sent');
  });

  it('retries a message answered 451 after one minute, then delivers it with the same Message-ID', async () => {
    let answers = 0;
    smtp.respond = () => (answers++ === 0 ? { code: 451, message: 'Prøv igen senere' } : undefined);
    const id = queueReset();
    const messageId = row(id).message_id;

    await job.run();
    let r = row(id);
    assert.equal(smtp.received.length, 0);
    assert.equal(r.status, 'pending');
    assert.equal(r.attempts, 1);
    assert.equal(r.next_attempt_at, new Date(clock.ms + MINUTE).toISOString());
    assert.equal(RETRY_DELAYS_MINUTES[0], 1);
    assert.match(r.last_error ?? '', /451/);

    clock.ms += MINUTE - 1000;
    await job.run();
    assert.equal(smtp.received.length, 0, 'not retried before the minute has passed');

    clock.ms += 1000;
    await job.run();
    r = row(id);
    assert.equal(r.status, 'sent');
    assert.equal(r.attempts, 2);
    assert.equal(r.last_error, null);
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]?.parsed.messageId, messageId);
  });

  it('marks a message answered 550 failed at once, with the SMTP answer in last_error', async () => {
    smtp.respond = () => ({ code: 550, message: 'Mailbox unavailable' });
    const id = queueReset('nobody@fladsaa.example');
    await job.run();
    const r = row(id);
    assert.equal(r.status, 'failed');
    assert.equal(r.attempts, 1);
    assert.match(r.last_error ?? '', /550/);
    assert.match(r.last_error ?? '', /Mailbox unavailable/);

    clock.ms += 24 * 60 * MINUTE;
    await job.run();
    assert.equal(row(id).attempts, 1, 'a failed message is never tried again');
    assert.equal(smtp.received.length, 0);
  });

  it('retries temporary failures for 72 hours — at 1, 5, 15 and 30 minutes, 1 hour, then hourly — then fails with the last answer', async () => {
    smtp.respond = () => ({ code: 451, message: 'Greylisted' });
    const id = queueReset();
    const first = clock.ms;
    const triedAt: number[] = [];
    for (let i = 0; i < 200 && row(id).status !== 'failed'; i++) {
      triedAt.push(clock.ms);
      await job.run();
      const r = row(id);
      if (r.status === 'failed') break;
      assert.equal(r.status, 'pending', `still pending after failure ${i + 1}`);
      assert.equal(r.attempts, i + 1);
      assert.equal(r.next_attempt_at, new Date(clock.ms + retryDelayMinutes(i + 1) * MINUTE).toISOString());
      clock.ms = Date.parse(r.next_attempt_at) - 1000;
      await job.run();
      assert.equal(row(id).attempts, i + 1, 'not tried before it is due');
      clock.ms += 1000;
    }
    const minutes = triedAt.map((t) => (t - first) / MINUTE);
    assert.deepEqual(minutes.slice(0, 8), [0, 1, 5, 15, 30, 60, 120, 180]);
    assert.equal(minutes.at(-1), RETRY_FOR_HOURS * 60, 'the last attempt is 72 hours after the first');
    assert.equal(minutes.length, 77);
    const r = row(id);
    assert.equal(r.status, 'failed');
    assert.equal(r.attempts, 77);
    assert.match(r.last_error ?? '', /^451 Greylisted/);
    assert.equal(
      r.next_attempt_at,
      new Date(first + RETRY_FOR_HOURS * 60 * MINUTE).toISOString(),
      'the time of the last attempt',
    );
    assert.equal(smtp.received.length, 0);
  });

  it('a mail refused for a while is delivered when the server accepts again, and resending a failed one starts the schedule over', async () => {
    let refusing = true;
    smtp.respond = () => (refusing ? { code: 421, message: 'Service not available' } : undefined);
    const id = queueReset();
    for (let i = 0; i < 10; i++) {
      await job.run();
      clock.ms = Date.parse(row(id).next_attempt_at);
    }
    refusing = false;
    await job.run();
    assert.equal(row(id).status, 'sent');
    assert.equal(row(id).attempts, 11);
    assert.equal(smtp.received.length, 1);

    smtp.respond = () => ({ code: 554, message: 'Transaction failed' });
    const failed = queueReset('b@example.dk');
    await job.run();
    assert.equal(row(failed).status, 'failed');
    assert.equal(outbox.requeueFailed(failed, now().toISOString()), true);
    assert.deepEqual(
      [row(failed).status, row(failed).attempts, row(failed).last_error],
      ['pending', 0, null],
    );
    assert.equal(
      outbox.requeueFailed(failed, now().toISOString()),
      false,
      'only a failed mail is sent again',
    );
    smtp.respond = () => undefined;
    await job.run();
    assert.equal(row(failed).status, 'sent');
  });

  it("resends rows a dead process left 'sending' once the lease is newly acquired, with the same Message-ID", async () => {
    const id = queueReset();
    const messageId = row(id).message_id;
    // A process took the lease, claimed the row and died before the SMTP answer.
    const dead = new JobLeases(db, () => clock.ms);
    assert.equal(dead.tryAcquire('outbox', 'dead-process', OUTBOX_LEASE_TTL_MS), 'acquired');
    outbox.claimDue(now().toISOString(), 20);
    assert.equal(row(id).status, 'sending');

    await job.run();
    clock.ms += OUTBOX_LEASE_TTL_MS - 1000;
    await job.run();
    assert.equal(smtp.received.length, 0, 'nothing is sent while the dead holder’s lease is unexpired');
    assert.equal(row(id).status, 'sending');

    clock.ms += 1000;
    await job.run();
    assert.equal(row(id).status, 'sent');
    assert.equal(smtp.received.length, 1);
    assert.equal(smtp.received[0]?.parsed.messageId, messageId);
  });

  it("does not resend rows still 'sending' when it merely renews its own lease", async () => {
    await job.run(); // takes the lease
    const id = queueReset();
    outbox.claimDue(now().toISOString(), 20); // as if this process were sending it right now
    clock.ms += 10_000;
    await job.run();
    assert.equal(row(id).status, 'sending');
    assert.equal(smtp.received.length, 0);
  });

  it('a second process cannot send while the first holds an unexpired lease', async () => {
    await job.run();
    const other = newJob();
    const id = queueReset();
    await other.run();
    assert.equal(row(id).status, 'pending');
    assert.equal(smtp.received.length, 0);
    await job.run();
    assert.equal(row(id).status, 'sent');
  });

  it('sends at most a batch per run, oldest first', async () => {
    const first = queueReset('a@example.dk');
    clock.ms += 1000;
    const second = queueReset('b@example.dk');
    clock.ms += 1000;
    const third = queueReset('c@example.dk');
    const small = outboxJob({ outbox, transport, leases, from: FROM, now, logger, batchSize: 2 });
    await small.run();
    assert.deepEqual(
      [first, second, third].map((id) => row(id).status),
      ['sent', 'sent', 'pending'],
    );
    await small.run();
    assert.equal(row(third).status, 'sent');
  });
});
