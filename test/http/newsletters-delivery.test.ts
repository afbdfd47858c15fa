import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import type { DeliveryRow, NewsletterRow } from '../../src/features/newsletters/newsletters.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  addPerson as addPersonTo,
  councilId as councilIdOf,
  sendNewsletter,
} from '../helpers/world.js';

/**
 * Issue 4, delivery: the real delivery job through the real SMTP pool to a real SMTP server on
 * loopback, driven through the service and the scheduler (the pages are built separately).
 */

const OFFICER = 'betjent@politi.example';
const TITLE = 'Nyt fra nærpolitiet: æøå ÆØÅ';
const BODY = [
  '# Sommer i Glumsø og Fladså',
  '',
  'Kære alle — blåbærgrød, Ærø, Øster Ålum og Åbenrå: æøå ÆØÅ.',
  '',
  '- Husk at låse **skuret**',
  '- Se [politiet.dk](https://politi.dk)',
].join('\n');

/** The raw header block with folded lines joined, for headers mailparser turns into objects. */
function header(mail: ReceivedMail, name: string): string | undefined {
  const head = mail.raw.split(/\r?\n\r?\n/)[0]?.replace(/\r?\n[ \t]+/g, ' ') ?? '';
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return match?.[1]?.trim();
}

describe('newsletter delivery to a real SMTP server', () => {
  let app: TestApp;
  let glumsoe: number;
  let fladsaa: number;
  let vestegn: number;

  const actor = (email = OFFICER) => actorOf(app, email);
  const councilId = (slug: string) => councilIdOf(app, slug);

  /** A member who never logs in: only a mail address for the newsletter to reach. */
  const addPerson = (
    email: string,
    councils: { id: number; active?: boolean }[],
    opts: { status?: 'active' | 'deactivated' | 'invited'; notify?: boolean } = {},
  ) =>
    addPersonTo(app, {
      email,
      name: `Person ${email}`,
      status: opts.status,
      notifyNewsletters: opts.notify,
      memberOf: councils.map((c) => ({ councilId: c.id, active: c.active })),
    });

  function create(title: string, councilIds: number[], body = BODY): number {
    const officer = actor();
    return app.deps.services.newsletters.create(
      officer,
      { title, body, councilIds, wholeDistrict: false },
      officer.officerCouncilIds,
    );
  }

  const newsletter = (id: number) =>
    app.deps.db.prepare('SELECT * FROM newsletters WHERE id = ?').get(id) as NewsletterRow;

  const deliveries = (id: number) =>
    app.deps.db
      .prepare('SELECT * FROM newsletter_deliveries WHERE newsletter_id = ? ORDER BY email')
      .all(id) as DeliveryRow[];

  const delivery = (id: number, email: string) => {
    const row = deliveries(id).find((d) => d.email === email);
    assert.ok(row, `delivery to ${email}`);
    return row;
  };

  /** The mails of one newsletter the SMTP server accepted, recognised by their Message-IDs. */
  function mailsOf(id: number): ReceivedMail[] {
    const ids = new Set(deliveries(id).map((d) => d.message_id));
    return app.smtp.received.filter((m) => m.parsed.messageId && ids.has(m.parsed.messageId));
  }

  /** Addresses that received this newsletter, sorted, one entry per mail. */
  const recipientsOf = (id: number) =>
    mailsOf(id)
      .flatMap((m) => m.to)
      .sort();

  /** Ticks the scheduler (which runs the delivery job) until the newsletter is sent. */
  const sendAll = (id: number) => sendNewsletter(app, id, 30);

  before(async () => {
    app = await startTestApp();
    app.deps.settings.set('newsletter_rate_per_second', '0');
    app.deps.settings.set('newsletter_batch_size', '50');
    glumsoe = councilId('glumsoe');
    fladsaa = councilId('fladsaa');
    vestegn = councilId('vestegn');
    addPerson('begge@glumsoe.example', [{ id: glumsoe }, { id: fladsaa }]);
    addPerson('stoppet@glumsoe.example', [{ id: glumsoe }], { status: 'deactivated' });
    addPerson('udmeldt@glumsoe.example', [{ id: glumsoe, active: false }]);
    addPerson('inviteret@glumsoe.example', [{ id: glumsoe }], { status: 'invited' });
    addPerson('nej-tak@fladsaa.example', [{ id: fladsaa }], { notify: false });
    addPerson('anden@vestegn.example', [{ id: vestegn }]);
  });

  after(async () => {
    await app?.close();
  });

  let first: number;
  const EXPECTED = [
    'begge@glumsoe.example',
    'brugs@fladsaa.example',
    'formand@glumsoe.example',
    'hal@glumsoe.example',
  ];

  it('sends exactly one mail per active, subscribed member of the chosen councils and none to anyone else', async () => {
    first = create(TITLE, [glumsoe, fladsaa]);
    app.deps.services.newsletters.schedule(actor(), first, null);
    assert.equal(newsletter(first).status, 'sending', 'send now starts at once');
    await sendAll(first);

    assert.deepEqual(
      deliveries(first).map((d) => d.email),
      EXPECTED,
    );
    assert.deepEqual(recipientsOf(first), EXPECTED, 'one mail each, the person in two councils too');
    for (const other of [
      'stoppet@glumsoe.example',
      'udmeldt@glumsoe.example',
      'inviteret@glumsoe.example',
      'nej-tak@fladsaa.example',
      'anden@vestegn.example',
      'vest@vestegn.example',
      OFFICER,
      'admin@politi.example',
    ]) {
      assert.equal(
        app.smtp.to(other).filter((m) => m.subject === TITLE).length,
        0,
        `${other} gets no newsletter`,
      );
    }
    for (const d of deliveries(first)) {
      assert.equal(d.status, 'sent');
      assert.equal(d.attempts, 1);
      assert.ok(d.sent_at);
    }
    const n = newsletter(first);
    assert.ok(n.started_at && n.finished_at);
  });

  it('keeps Danish letters intact in subject and body, with plain-text and HTML parts', () => {
    const [mail] = app.smtp.to('hal@glumsoe.example').filter((m) => m.subject === TITLE);
    assert.ok(mail);
    assert.equal(mail.subject, TITLE);
    assert.match(mail.text, /Kære alle — blåbærgrød, Ærø, Øster Ålum og Åbenrå: æøå ÆØÅ\./);
    assert.match(mail.text, /Sommer i Glumsø og Fladså/);
    assert.match(mail.html, /Kære alle — blåbærgrød, Ærø, Øster Ålum og Åbenrå: æøå ÆØÅ\./);
    assert.match(mail.html, /<strong>skuret<\/strong>/);
    assert.match(mail.raw, /Content-Type: multipart\/alternative/i);
    assert.match(mail.raw, /Content-Type: text\/plain; charset=utf-8/i);
    assert.match(mail.raw, /Content-Type: text\/html; charset=utf-8/i);
  });

  it('carries List-Unsubscribe (https and mailto), List-Unsubscribe-Post and the delivery row’s Message-ID', () => {
    for (const mail of mailsOf(first)) {
      const to = mail.to[0] as string;
      const listUnsubscribe = header(mail, 'List-Unsubscribe');
      assert.ok(listUnsubscribe, `List-Unsubscribe to ${to}`);
      assert.match(listUnsubscribe, /<https?:\/\/[^>]+\/unsubscribe\/\d+\.[A-Za-z0-9_-]{32}>/);
      assert.match(listUnsubscribe, /<mailto:[^>]+>/);
      assert.equal(header(mail, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click');
      assert.equal(mail.parsed.messageId, delivery(first, to).message_id);
    }
  });

  it('stops later newsletters for whoever uses one-click unsubscribe, and only for them', async () => {
    const [mail] = app.smtp.to('begge@glumsoe.example').filter((m) => m.subject === TITLE);
    assert.ok(mail);
    const url = /<(https?:\/\/[^>]+)>/.exec(header(mail, 'List-Unsubscribe') ?? '')?.[1];
    assert.ok(url);
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
      redirect: 'manual',
    });
    if (res.status === 404) {
      // The one-click route is built by the pages work; until it is mounted, use its service call.
      const token = url.split('/unsubscribe/')[1] as string;
      app.deps.services.newsletters.unsubscribe(token);
    } else {
      assert.ok(res.status < 400, `one-click answered ${res.status}`);
    }
    const user = app.deps.users.findByEmail('begge@glumsoe.example');
    assert.equal(user?.notify_newsletters, 0);

    const next = create('Næste nyhedsbrev', [glumsoe, fladsaa]);
    app.deps.services.newsletters.schedule(actor(), next, null);
    await sendAll(next);
    assert.deepEqual(recipientsOf(next), [
      'brugs@fladsaa.example',
      'formand@glumsoe.example',
      'hal@glumsoe.example',
    ]);
  });

  it('retries an address answered 451 after the backoff and delivers it on the second attempt', async () => {
    let refused = 0;
    app.smtp.respond = (to) => {
      if (to.includes('hal@glumsoe.example') && refused === 0) {
        refused++;
        return { code: 451, message: 'Try again later' };
      }
      return undefined;
    };
    const id = create('Prøv igen', [glumsoe]);
    app.deps.services.newsletters.schedule(actor(), id, null);
    await app.deps.scheduler.tick();
    await app.deps.scheduler.tick();

    const waiting = delivery(id, 'hal@glumsoe.example');
    assert.equal(waiting.status, 'pending');
    assert.equal(waiting.attempts, 1);
    assert.match(waiting.last_response ?? '', /^451/);
    assert.equal(newsletter(id).status, 'sending', 'not done while a retry is due');
    assert.deepEqual(recipientsOf(id), ['formand@glumsoe.example']);

    app.advanceClock(61_000);
    await sendAll(id);
    const done = delivery(id, 'hal@glumsoe.example');
    assert.equal(done.status, 'sent');
    assert.equal(done.attempts, 2);
    assert.deepEqual(recipientsOf(id), ['formand@glumsoe.example', 'hal@glumsoe.example']);
    app.smtp.respond = () => undefined;
  });

  it('does not send a mail again when the server took it but recording that failed', async () => {
    // A real database failure for one row (as a full disk would give), not a stand-in.
    app.deps.db.exec(`CREATE TEMP TRIGGER refuse_sent BEFORE UPDATE OF status ON main.newsletter_deliveries
      WHEN new.status = 'sent' AND old.email = 'hal@glumsoe.example'
      BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`);
    try {
      const id = create('Optaget, men ikke noteret', [glumsoe]);
      app.deps.services.newsletters.schedule(actor(), id, null);
      // Past the first retry delay (1 minute), each step inside the lease, as a running server's
      // ticks every few seconds keep it.
      for (let i = 0; i < 4; i++) {
        await app.deps.scheduler.tick();
        app.advanceClock(50_000);
      }
      assert.deepEqual(recipientsOf(id), ['formand@glumsoe.example', 'hal@glumsoe.example']);
      const stuck = delivery(id, 'hal@glumsoe.example');
      assert.equal(stuck.status, 'sending', 'not queued for a retry that would send it twice');
      assert.equal(stuck.attempts, 1);
      assert.equal(newsletter(id).status, 'sending', 'not reported as sent to everyone');
    } finally {
      app.deps.db.exec('DROP TRIGGER temp.refuse_sent');
    }
  });

  it('fails an address answered 550 at once while the rest go out, and "retry failed" re-queues only that one', async () => {
    app.smtp.respond = (to) =>
      to.includes('brugs@fladsaa.example') ? { code: 550, message: 'Mailbox unavailable' } : undefined;
    const id = create('Afvist adresse', [glumsoe, fladsaa]);
    app.deps.services.newsletters.schedule(actor(), id, null);
    await sendAll(id);

    const failed = delivery(id, 'brugs@fladsaa.example');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.attempts, 1, 'no retry after a 5xx');
    assert.match(failed.last_response ?? '', /^550 .*Mailbox unavailable/);
    assert.equal(newsletter(id).status, 'sent');
    assert.deepEqual(recipientsOf(id), ['formand@glumsoe.example', 'hal@glumsoe.example']);

    app.smtp.respond = () => undefined;
    assert.equal(app.deps.services.newsletters.retryFailed(actor(), id), 1);
    assert.equal(newsletter(id).status, 'sending');
    await sendAll(id);
    assert.equal(delivery(id, 'brugs@fladsaa.example').status, 'sent');
    assert.deepEqual(
      recipientsOf(id),
      ['brugs@fladsaa.example', 'formand@glumsoe.example', 'hal@glumsoe.example'],
      'the others are not sent again',
    );
  });

  it('stops sending mid-way when paused and finishes when resumed', async () => {
    const many = Array.from({ length: 12 }, (_, i) => `pause${String(i).padStart(2, '0')}@vestegn.example`);
    for (const email of many) addPerson(email, [{ id: vestegn }]);
    app.deps.settings.set('newsletter_batch_size', '2');
    const id = create('Pause undervejs', [vestegn]);
    let seen = 0;
    app.smtp.respond = (to) => {
      if (to.some((a) => a.endsWith('@vestegn.example')) && ++seen === 3) {
        app.deps.services.newsletters.pause(actor(), id);
      }
      return undefined;
    };
    try {
      app.deps.services.newsletters.schedule(actor(), id, null);
      await app.deps.scheduler.tick();
      assert.equal(newsletter(id).status, 'paused');
      const sentWhenPaused = recipientsOf(id).length;
      assert.ok(sentWhenPaused >= 3 && sentWhenPaused < 14, `${sentWhenPaused} sent before the pause`);
      await app.deps.scheduler.tick();
      await app.deps.scheduler.tick();
      assert.equal(recipientsOf(id).length, sentWhenPaused, 'nothing goes out while paused');
      assert.equal(newsletter(id).status, 'paused');

      app.deps.services.newsletters.resume(actor(), id);
      await sendAll(id);
      assert.deepEqual(recipientsOf(id), [...many, 'anden@vestegn.example', 'vest@vestegn.example'].sort());
    } finally {
      app.smtp.respond = () => undefined;
      app.deps.settings.set('newsletter_batch_size', '50');
    }
  });

  it('holds a schedule missed by more than an hour for confirmation, and sends it when confirmed', async () => {
    const id = create('Glemt planlægning', [glumsoe]);
    const inFiveMinutes = new Date(app.deps.now().getTime() + 5 * 60_000).toISOString();
    app.deps.services.newsletters.schedule(actor(), id, inFiveMinutes);
    app.advanceClock(2 * 60 * 60_000);
    await app.deps.scheduler.tick();
    await app.deps.scheduler.tick();

    const held = newsletter(id);
    assert.equal(held.status, 'scheduled');
    assert.equal(held.needs_confirmation, 1);
    assert.equal(deliveries(id).length, 0);
    assert.equal(app.smtp.received.filter((m) => m.subject === 'Glemt planlægning').length, 0);

    app.deps.services.newsletters.confirmMissed(actor(), id);
    await sendAll(id);
    assert.equal(newsletter(id).needs_confirmation, 0);
    assert.deepEqual(recipientsOf(id), ['formand@glumsoe.example', 'hal@glumsoe.example']);
  });

  it('sends nothing from a second process while the first holds the lease', async () => {
    // A second composition on the same DATA_DIR and SMTP server: another process, as far as the
    // lease is concerned (its own connection, its own holder id), on the same clock.
    const second = compose(
      loadConfig({
        NODE_ENV: 'test',
        DATA_DIR: app.dataDir,
        SMTP_URL: `smtp://127.0.0.1:${app.smtp.port}`,
        LOG_LEVEL: 'silent',
      }),
      { logger: pino({ level: 'silent' }), now: app.deps.now },
    );
    try {
      await app.deps.scheduler.tick(); // the first process holds the lease
      const id = create('Kun én afsender', [glumsoe, fladsaa]);
      app.deps.services.newsletters.schedule(actor(), id, null);
      const before = app.smtp.received.length;

      await second.scheduler.tick();
      await second.scheduler.tick();
      assert.equal(app.smtp.received.length, before, 'the second process sent nothing');
      assert.ok(deliveries(id).every((d) => d.status === 'pending' && d.attempts === 0));

      await sendAll(id);
      await second.scheduler.tick();
      assert.deepEqual(recipientsOf(id), [
        'brugs@fladsaa.example',
        'formand@glumsoe.example',
        'hal@glumsoe.example',
      ]);
    } finally {
      await second.scheduler.stop();
      second.close();
    }
  });
});
