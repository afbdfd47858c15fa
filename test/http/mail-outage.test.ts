/**
 * Issue 12, items 1 and 2: mail that outlives an outage, and failures that are visible and fixable.
 * The real app, the real outbox job and the real SMTP pool against a real SMTP server on loopback
 * that answers 4xx or 5xx on demand; hours and days pass on the app's test clock
 * (docs/domain.md#mail-delivery-and-retries).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DeliveryRow } from '../../src/features/newsletters/newsletters.repository.js';
import { OUTBOX_LEASE_TTL_MS, RETRY_FOR_HOURS } from '../../src/jobs/outbox.job.js';
import { MAIL_KINDS, type OutboxRow } from '../../src/mail/outbox.repository.js';
import { formatDateTime, localDate, parseLocalDateTime } from '../../src/web/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { type Client, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  councilId,
  DAY,
  DEMO,
  departmentId,
  HOUR,
  logConcern,
  loggedIn,
  userId,
} from '../helpers/world.js';

const OFFICER = DEMO.officer;
const ADMIN = DEMO.admin;
const SSP = 'ssp@politi.example';
const FAERDSEL = 'faerdsel@politi.example';
const FOREBYGGELSE = 'forebyggelse@politi.example';

describe('mail that outlives an outage, and failures that are visible and fixable', () => {
  let app: TestApp;

  const db = () => app.deps.db;
  const outboxRow = (id: number) => db().prepare('SELECT * FROM outbox WHERE id = ?').get(id) as OutboxRow;
  /** The outbox row of the concern's newest referral's mail to its department. */
  const referralMail = (concernId: number) =>
    outboxRow(
      db()
        .prepare('SELECT outbox_id FROM referrals WHERE concern_id = ? ORDER BY id DESC LIMIT 1')
        .pluck()
        .get(concernId) as number,
    );

  /** Moves the app's clock to `iso` (forward only). */
  function jumpTo(iso: string) {
    const ms = Date.parse(iso) - app.deps.now().getTime();
    assert.ok(ms >= 0, `${iso} lies ahead`);
    app.advanceClock(ms);
  }

  /** A concern of Glumsø logged by its network person, referred by the officer through the form. */
  async function referredConcern(title: string, department: string): Promise<number> {
    const id = logConcern(app, 'hal@glumsoe.example', { title, category: 'unge' });
    const officer = await loggedIn(app, OFFICER);
    await officer.get(`/concerns/${id}/referrals/new`);
    const sent = await officer.post(`/concerns/${id}/referrals`, {
      department_id: String(departmentId(app, department)),
      note: `Vil I se på ${title}?`,
    });
    assert.equal(sent.status, 303);
    return id;
  }

  /** The officer's case page as text (a fresh sign-in: days pass between the looks). */
  async function casePage(concernId: number, as: string = OFFICER): Promise<string> {
    const page = await (await loggedIn(app, as)).get(`/concerns/${concernId}`);
    assert.equal(page.status, 200);
    return textOf(page.text);
  }

  /** The text of the concern's row in /triage. */
  async function triageRow(concernId: number): Promise<string> {
    const page = await (await loggedIn(app, OFFICER)).get('/triage');
    assert.equal(page.status, 200);
    const row = page.text.split('<tr').find((r) => r.includes(`href="/concerns/${concernId}"`));
    assert.ok(row, `concern #${concernId} is in the queue`);
    return textOf(`<tr${row}`);
  }

  /** /admin/outbox as the district admin; the text of one list's section. */
  async function outboxSection(client: Client, list: 'waiting' | 'failed'): Promise<string> {
    const page = await client.get('/admin/outbox');
    assert.equal(page.status, 200);
    const start = page.text.indexOf(`<h2 id="${list}"`);
    assert.ok(start > 0, `the ${list} list is on the page`);
    const end = page.text.indexOf('</section>', start);
    return textOf(page.text.slice(start, end));
  }

  before(async () => {
    app = await startTestApp();
    await app.deliverMail();
    app.smtp.clear();
  });
  after(() => app.close());

  it('a referral mail refused with 4xx for 24 hours is delivered once the server accepts again, and is never marked failed', async () => {
    let refusing = true;
    app.smtp.respond = (to) =>
      refusing && to.includes(SSP) ? { code: 451, message: '4.3.0 Mailserveren er nede' } : undefined;
    const id = await referredConcern('Unge ved stationen om natten', 'SSP');
    assert.match(await casePage(id), /Mailen til afdelingen afventer afsendelse\./);

    await app.deliverMail();
    const first = Date.parse(referralMail(id).next_attempt_at) - 60_000;
    let row = referralMail(id);
    assert.equal(row.status, 'pending');
    assert.match(row.last_error ?? '', /^451 4\.3\.0 Mailserveren er nede/);

    // What the officer and the district admin see while the server refuses.
    const officerSees = await casePage(id);
    assert.ok(
      officerSees.includes(
        `Mailen til afdelingen afventer afsendelse: mailserveren svarede "451 4.3.0 Mailserveren er nede". Nærnet prøver igen ${formatDateTime(row.next_attempt_at)}.`,
      ),
      officerSees,
    );
    const admin = await loggedIn(app, ADMIN);
    const waiting = await outboxSection(admin, 'waiting');
    assert.match(waiting, /Venter på afsendelse \(1\)/);
    assert.ok(waiting.includes(SSP));
    assert.ok(waiting.includes('Henvisning til en afdeling'), 'the kind in words');
    assert.ok(waiting.includes(formatDateTime(row.next_attempt_at)), 'the next try in Copenhagen time');
    assert.ok(waiting.includes('451 4.3.0 Mailserveren er nede'));

    // Through the night and the next day, every due attempt refused.
    while (app.deps.now().getTime() < first + 24 * HOUR) {
      jumpTo(row.next_attempt_at);
      await app.deliverMail();
      row = referralMail(id);
      assert.equal(row.status, 'pending', `still waiting after ${row.attempts} attempts`);
    }
    assert.equal(app.smtp.to(SSP).length, 0);
    assert.ok(row.attempts >= 28, `tried every hour: ${row.attempts} attempts`);

    refusing = false;
    jumpTo(row.next_attempt_at);
    await app.deliverMail();
    row = referralMail(id);
    assert.equal(row.status, 'sent');
    const [delivered, ...more] = app.smtp.to(SSP);
    assert.ok(delivered, 'the department got its referral');
    assert.equal(more.length, 0, 'exactly once');
    assert.equal(delivered.parsed.messageId, row.message_id);
    assert.match(delivered.text, /Vil I se på Unge ved stationen om natten\?/);
    assert.ok(
      (await casePage(id)).includes(
        `Mailen til afdelingen blev leveret til mailserveren ${formatDateTime(row.sent_at as string)}.`,
      ),
    );
    assert.doesNotMatch(await triageRow(id), /Henvisningsmail ikke leveret/);
  });

  it('retries for 72 hours by the schedule, then fails with the last answer', async () => {
    app.smtp.respond = (to) =>
      to.includes(FOREBYGGELSE) ? { code: 421, message: 'Prøv senere' } : undefined;
    const id = await referredConcern('Knallerter på stien', 'Forebyggelse');
    await app.deliverMail();
    const first = Date.parse(referralMail(id).next_attempt_at) - 60_000;
    let row = referralMail(id);
    while (row.status === 'pending') {
      jumpTo(row.next_attempt_at);
      await app.deliverMail();
      row = referralMail(id);
    }
    assert.equal(row.status, 'failed');
    assert.equal(row.attempts, 77);
    assert.ok(Date.parse(row.next_attempt_at) - first >= RETRY_FOR_HOURS * HOUR, 'tried for 72 hours');
    assert.match(row.last_error ?? '', /^421 Prøv senere/);
    app.smtp.respond = () => undefined;
  });

  it('a 5xx fails at once, is shown on the case page, flagged in /triage and the digest, listed on /admin/outbox, and resending delivers it', async () => {
    app.smtp.respond = (to) =>
      to.includes(FAERDSEL) ? { code: 550, message: '5.1.1 Ukendt modtager' } : undefined;
    const title = 'Bilister kører for stærkt ved skolen';
    const id = await referredConcern(title, 'Færdsel');
    await app.deliverMail();
    const mail = referralMail(id);
    assert.equal(mail.status, 'failed', 'failed at once');
    assert.equal(mail.attempts, 1);
    assert.equal(mail.last_error, '550 5.1.1 Ukendt modtager');

    // The officer's case page says it in words, with whom to ask.
    const officerSees = await casePage(id);
    assert.ok(
      officerSees.includes(
        'Mailen til afdelingen kunne ikke leveres: 550 5.1.1 Ukendt modtager. Afdelingen har ikke fået henvisningen. Kontakt en administrator, som kan sende mailen igen – eller rette afdelingens adresse, så du kan sende et nyt link.',
      ),
      officerSees,
    );
    assert.match(officerSees, /Færdsel sendt Mail ikke leveret/, 'a badge in words beside the department');
    // A district admin is sent to the page where it can be fixed.
    assert.match(await casePage(id, ADMIN), /Send mailen igen under Mails, der ikke er leveret/);

    // The queue flags the concern in words.
    assert.match(await triageRow(id), /Henvisningsmail ikke leveret/);

    // The next morning's digest lists it first.
    const tomorrow = new Date(app.deps.now().getTime() + DAY);
    const seven = parseLocalDateTime(`${localDate(tomorrow)}T07:00`);
    assert.ok(seven);
    jumpTo(seven);
    await app.deps.scheduler.tick();
    await app.deliverMail();
    const digest = app.smtp
      .to(OFFICER)
      .filter((m) => /Dagens overblik/.test(m.subject))
      .at(-1) as ReceivedMail;
    assert.ok(digest, 'a digest arrived');
    const start = digest.text.indexOf('Henvisninger, hvor mailen til afdelingen ikke kunne leveres');
    assert.ok(start > 0, digest.text);
    assert.ok(start < digest.text.indexOf('Over svarfristen') || !digest.text.includes('Over svarfristen'));
    const section = digest.text.slice(start, digest.text.indexOf('\n\n', start));
    assert.ok(section.includes(`#${id} ${title} (Glumsø Lokalråd)`), section);

    // /admin/outbox lists it with recipient, kind, reason and attempts.
    const admin = await loggedIn(app, ADMIN);
    const failed = await outboxSection(admin, 'failed');
    assert.ok(failed.includes(FAERDSEL));
    assert.ok(failed.includes('Henvisning til en afdeling'));
    assert.ok(failed.includes('550 5.1.1 Ukendt modtager'));
    assert.ok(failed.includes(formatDateTime(mail.next_attempt_at)), 'when it failed');

    // The address is fixed at the department's end; the admin sends it again.
    app.smtp.respond = () => undefined;
    app.smtp.clear();
    const resent = await admin.post(`/admin/outbox/${mail.id}/resend`);
    assert.equal(resent.status, 303);
    assert.equal(resent.location, '/admin/outbox');
    assert.match(
      textOf((await admin.get('/admin/outbox')).text),
      /Mailen til faerdsel@politi\.example er sat i kø/,
    );
    assert.deepEqual(
      [outboxRow(mail.id).status, outboxRow(mail.id).attempts, outboxRow(mail.id).last_error],
      ['pending', 0, null],
    );
    const audit = db()
      .prepare("SELECT * FROM audit_log WHERE action = 'outbox.resent' ORDER BY id DESC LIMIT 1")
      .get() as { actor_user_id: number; entity_type: string; entity_id: number; details: string };
    assert.equal(audit.actor_user_id, userId(app, ADMIN));
    assert.equal(audit.entity_type, 'outbox');
    assert.equal(audit.entity_id, mail.id);
    assert.deepEqual(JSON.parse(audit.details), { mailKind: 'referral' });
    assert.ok(!audit.details.includes(FAERDSEL), 'the address stays out of the audit log');
    const log = textOf((await admin.get('/admin/audit?action=outbox.resent')).text);
    assert.match(
      log,
      new RegExp(`Mail sendt igen.*Mail #${mail.id}.*Slags mail: Henvisning til en afdeling`),
    );

    await app.deliverMail();
    const [arrived] = app.smtp.to(FAERDSEL);
    assert.ok(arrived, 'the department got the referral after all');
    assert.equal(arrived.parsed.messageId, mail.message_id, 'the same mail, the same Message-ID');
    assert.equal(outboxRow(mail.id).status, 'sent');
    assert.match(await casePage(id), /Mailen til afdelingen blev leveret til mailserveren/);
    assert.doesNotMatch(await triageRow(id), /Henvisningsmail ikke leveret/);
    assert.ok(!(await outboxSection(admin, 'failed')).includes(FAERDSEL));
  });

  it("a mail left 'sending' by a crashed process goes back to the queue once its lease has run out", async () => {
    const id = logConcern(app, 'hal@glumsoe.example', { title: 'Affald i parken', category: 'andet' });
    app.deps.services.referrals.refer(actorOf(app, OFFICER), id, {
      department_id: departmentId(app, 'Lokalpolitiet'),
      note: 'Kig forbi parken',
    });
    const mail = referralMail(id);
    // Another process took the lease (this one's had run out), claimed the mail and died.
    app.advanceClock(OUTBOX_LEASE_TTL_MS);
    assert.equal(app.deps.leases.tryAcquire('outbox', 'crashed-process', OUTBOX_LEASE_TTL_MS), 'acquired');
    assert.ok(app.deps.outbox.claimDue(app.deps.now().toISOString(), 100).some((r) => r.id === mail.id));

    app.advanceClock(OUTBOX_LEASE_TTL_MS - 1000);
    await app.deps.scheduler.tick();
    assert.equal(outboxRow(mail.id).status, 'sending', 'untouched while the lease may still be alive');
    assert.equal(app.smtp.to('lokalpolitiet@politi.example').length, 0);

    app.advanceClock(1000);
    await app.deliverMail();
    assert.equal(outboxRow(mail.id).status, 'sent');
    const [arrived, ...twice] = app.smtp.to('lokalpolitiet@politi.example');
    assert.ok(arrived);
    assert.equal(twice.length, 0);
    assert.equal(arrived.parsed.messageId, mail.message_id);
  });

  it('resending is refused with 409 on the page for a mail that has not failed, and for one whose body was pruned', async () => {
    const admin = await loggedIn(app, ADMIN);
    const sentId = db()
      .prepare("SELECT id FROM outbox WHERE status = 'sent' LIMIT 1")
      .pluck()
      .get() as number;
    await admin.get('/admin/outbox');
    const notFailed = await admin.post(`/admin/outbox/${sentId}/resend`);
    assert.equal(notFailed.status, 409);
    assert.match(textOf(notFailed.text), /Der er problemer.*den ikke er opgivet/);
    assert.match(textOf(notFailed.text), /Mails, der ikke er leveret/);
    assert.equal(outboxRow(sentId).status, 'sent');

    app.smtp.respond = (to) => (to.includes(SSP) ? { code: 554, message: 'Afvist' } : undefined);
    const id = await referredConcern('Graffiti på gavlen', 'SSP');
    await app.deliverMail();
    const mail = referralMail(id);
    assert.equal(mail.status, 'failed');
    app.smtp.respond = () => undefined;
    // The failed mail's body goes after mail_body_retention_days (30) — the retention job, for real.
    app.advanceClock(31 * DAY);
    await app.deps.scheduler.tick();
    assert.ok(outboxRow(mail.id).pruned_at, 'pruned');

    const again = await loggedIn(app, ADMIN);
    const failed = await outboxSection(again, 'failed');
    assert.ok(failed.includes('Kan ikke sendes igen: indholdet er slettet'));
    const refused = await again.post(`/admin/outbox/${mail.id}/resend`);
    assert.equal(refused.status, 409);
    assert.match(textOf(refused.text), /Mailen kan ikke sendes igen, fordi dens indhold er slettet/);
    assert.match(refused.text, /href="#field-form"/);
    assert.match(refused.text, /<h1 id="field-form"/);
    assert.equal(outboxRow(mail.id).status, 'failed');
    assert.equal(
      db()
        .prepare("SELECT count(*) FROM audit_log WHERE action = 'outbox.resent' AND entity_id = ?")
        .pluck()
        .get(mail.id),
      0,
      'a refusal is not audited as a resend',
    );
    assert.equal((await again.post('/admin/outbox/999999/resend')).status, 404);

    // The officer is told to send a new link instead, and that is a new mail that arrives.
    assert.match(await casePage(id), /mailen kan ikke sendes igen\. Brug "Send nyt link"/);
    assert.match(await triageRow(id), /Henvisningsmail ikke leveret/);
    const officer = await loggedIn(app, OFFICER);
    await officer.get(`/concerns/${id}`);
    const referralId = db()
      .prepare('SELECT id FROM referrals WHERE concern_id = ?')
      .pluck()
      .get(id) as number;
    assert.equal((await officer.post(`/concerns/${id}/referrals/${referralId}/renew`)).status, 303);
    await app.deliverMail();
    const renewed = referralMail(id);
    assert.notEqual(renewed.id, mail.id);
    assert.equal(renewed.status, 'sent');
    assert.doesNotMatch(await triageRow(id), /Henvisningsmail ikke leveret/);
  });

  it('only district admins reach /admin/outbox and its resend: everyone else gets 404', async () => {
    const failedId = db()
      .prepare("SELECT id FROM outbox WHERE status = 'failed' LIMIT 1")
      .pluck()
      .get() as number;
    for (const email of [OFFICER, DEMO.formand, DEMO.hal]) {
      const client = await loggedIn(app, email);
      assert.equal((await client.get('/admin/outbox')).status, 404, `${email} GET`);
      assert.equal((await client.post(`/admin/outbox/${failedId}/resend`)).status, 404, `${email} POST`);
    }
    assert.equal(outboxRow(failedId).status, 'failed');
    const admin = await loggedIn(app, ADMIN);
    assert.match(textOf((await admin.get('/admin')).text), /Mails, der ikke er leveret/);
  });

  it('a newsletter recipient refused with 4xx for 24 hours still gets the newsletter', async () => {
    app.smtp.clear();
    let refusing = true;
    app.smtp.respond = (to) =>
      refusing && to.includes('hal@glumsoe.example')
        ? { code: 452, message: 'Postkassen er fuld' }
        : undefined;
    const officer = actorOf(app, OFFICER);
    const newsletterId = app.deps.services.newsletters.create(
      officer,
      {
        title: 'Nyt fra nærpolitiet',
        body: 'Hej Glumsø',
        councilIds: [councilId(app, 'glumsoe')],
        wholeDistrict: false,
      },
      officer.officerCouncilIds,
    );
    app.deps.services.newsletters.schedule(officer, newsletterId, null);
    const delivery = () =>
      db()
        .prepare(
          "SELECT * FROM newsletter_deliveries WHERE newsletter_id = ? AND email = 'hal@glumsoe.example'",
        )
        .get(newsletterId) as DeliveryRow;
    await app.deps.scheduler.tick();
    await app.deps.scheduler.tick();
    const first = app.deps.now().getTime();
    while (app.deps.now().getTime() < first + 24 * HOUR) {
      assert.equal(delivery().status, 'pending', `still waiting after ${delivery().attempts} attempts`);
      jumpTo(delivery().next_attempt_at);
      await app.deps.scheduler.tick();
    }
    refusing = false;
    jumpTo(delivery().next_attempt_at);
    await app.deps.scheduler.tick();
    assert.equal(delivery().status, 'sent');
    assert.equal(
      app.smtp.to('hal@glumsoe.example').filter((m) => m.subject === 'Nyt fra nærpolitiet').length,
      1,
    );
    assert.equal(
      db().prepare('SELECT status FROM newsletters WHERE id = ?').pluck().get(newsletterId),
      'sent',
    );
  });

  it('every kind of mail this run queued has a name in words on /admin/outbox', () => {
    const kinds = db().prepare('SELECT DISTINCT kind FROM outbox').pluck().all() as string[];
    assert.deepEqual(
      kinds.filter((k) => !(MAIL_KINDS as readonly string[]).includes(k)),
      [],
    );
  });
});
