/**
 * Retention that leaves nothing behind (docs/domain.md#retention): a concern's whole life through
 * the real forms and real mail, then anonymised — after which no page names its reporter and no
 * stored mail quotes it; the bodies of old mails pruned with their envelope kept; old audit lines
 * deleted and young ones kept.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import {
  actorOf,
  addCouncil,
  addOfficer,
  addPerson,
  DAY,
  departmentId,
  lastMailTo,
  linkPathIn,
  logConcern,
  loggedIn,
  postConcern,
  testPasswordHash,
} from '../helpers/world.js';

// 09.00 in Copenhagen on a Monday: the officers' digest (digest_hour 7) goes out on the first tick.
const START = new Date('2030-03-04T08:00:00.000Z');

const REPORTER = { email: 'birthe.indberetter@skovby.example', name: 'Birthe Indberetter' };
const OFFICER = { email: 'ole.betjent@politi.example', name: 'Ole Netværksbetjent' };
const MEMBER = { email: 'mogens.medlem@skovby.example', name: 'Mogens Medlem' };
const SSP = 'ssp@politi.example';

// Every text written about the concern, each with a marker no other mail or page holds.
const TEXT = {
  title: 'Knallerter ved Skovby Skole TITEL-R1',
  description: 'Unge på knallert kører om aftenen på skolens stier BESKRIVELSE-R1',
  location: 'Skolestien bag hallen STED-R1',
  info: 'Det sker mest om fredagen TILFØJET-R1',
  reply: 'Tak, vi kigger forbi i weekenden SVAR-R1',
  internal: 'Måske de samme som sidste år INTERN-R1',
  referralNote: 'Kan SSP tage en snak med skolen? NOTE-R1',
  answer: 'SSP har talt med skolens ledelse AFDELINGSSVAR-R1',
  summary: 'Politiet følger op på knallertkørsel ved skolen RESUMÉ-R1',
  feedback: 'Betjenten har talt med de unge AFSLUTNING-R1',
};

describe('retention: anonymising, mail bodies and the audit log', () => {
  let app: TestApp;
  let clock = START;
  let concernId = 0;
  let councilId = 0;

  const db = () => app.deps.db;
  const later = (ms: number) => {
    clock = new Date(clock.getTime() + ms);
  };
  type OutboxRow = {
    id: number;
    kind: string;
    to_address: string;
    subject: string;
    text_body: string;
    html_body: string;
    headers: string;
    extras: string;
    message_id: string;
    status: string;
    attempts: number;
    next_attempt_at: string;
    last_error: string | null;
    created_at: string;
    sent_at: string | null;
    pruned_at: string | null;
  };
  const outbox = (where = '1 = 1', ...params: unknown[]) =>
    db()
      .prepare(`SELECT * FROM outbox WHERE ${where} ORDER BY id`)
      .all(...params) as OutboxRow[];
  /** Every stored mail that still holds one of the texts, as "kind: marker". */
  const mailsQuoting = (texts: string[]) =>
    outbox().flatMap((row) =>
      texts
        .filter((text) => `${row.subject}\n${row.text_body}\n${row.html_body}\n${row.extras}`.includes(text))
        .map((text) => `${row.kind}: ${text}`),
    );

  before(async () => {
    app = await startTestApp({ now: () => clock });
    councilId = addCouncil(app, { name: 'Skovby Lokalråd', slug: 'skovby' });
    await addOfficer(app, { ...OFFICER, councils: [councilId] });
    const passwordHash = await testPasswordHash();
    for (const person of [REPORTER, MEMBER]) {
      addPerson(app, { ...person, passwordHash, privacyAccepted: true, memberOf: [{ councilId }] });
    }
    // Bodies are kept longer than concerns here, so only the anonymisation can remove them.
    app.deps.settings.set('retention_months', '1');
    app.deps.settings.set('mail_body_retention_days', '365');
  });
  after(() => app.close());

  it('after anonymisation no page names the reporter and no stored mail quotes the concern', async () => {
    // ---- the concern's life: logged, added to, answered, referred, answered by SSP, shared, closed
    const reporter = await loggedIn(app, REPORTER.email);
    concernId = await postConcern(reporter, {
      council_id: String(councilId),
      category: 'unge',
      title: TEXT.title,
      description: TEXT.description,
      location: TEXT.location,
      occurred_at: '',
    });
    assert.match((await lastMailTo(app, REPORTER.email, `#${concernId}`)).text, /TITEL-R1/);
    const digest = await lastMailTo(app, OFFICER.email);
    assert.match(digest.text, /TITEL-R1/, "the officers' digest lists the new concern by its title");

    await reporter.get(`/concerns/${concernId}`);
    assert.equal((await reporter.post(`/concerns/${concernId}/info`, { body: TEXT.info })).status, 303);

    const officer = await loggedIn(app, OFFICER.email);
    await officer.get(`/concerns/${concernId}`);
    for (const [body, visibility] of [
      [TEXT.internal, 'internal'],
      [TEXT.reply, 'public'],
    ]) {
      assert.equal((await officer.post(`/concerns/${concernId}/notes`, { body, visibility })).status, 303);
    }
    await officer.get(`/concerns/${concernId}/referrals/new`);
    const referred = await officer.post(`/concerns/${concernId}/referrals`, {
      department_id: String(departmentId(app, 'SSP')),
      note: TEXT.referralNote,
    });
    assert.equal(referred.status, 303);
    const referral = await lastMailTo(app, SSP, `#${concernId} `);
    assert.match(referral.text, /NOTE-R1/);
    const department = new Client(app.url);
    const link = linkPathIn(referral, '/referrals/');
    await department.get(link);
    assert.equal((await department.post(link, { status: 'answered', answer: TEXT.answer })).status, 303);
    assert.match((await lastMailTo(app, OFFICER.email, `#${concernId}`)).text, /AFDELINGSSVAR-R1/);

    await officer.get(`/concerns/${concernId}`);
    assert.equal((await officer.post(`/concerns/${concernId}/share`, { summary: TEXT.summary })).status, 303);
    const closed = await officer.post(`/concerns/${concernId}/close`, {
      resolution: 'resolved',
      feedback: TEXT.feedback,
    });
    assert.equal(closed.status, 303);
    assert.match((await lastMailTo(app, REPORTER.email, `#${concernId}`)).text, /AFSLUTNING-R1/);

    // ---- before: the texts are in the outbox, and the case page names the reporter
    const markers = Object.values(TEXT);
    const quotedBefore = mailsQuoting(markers);
    for (const kind of [
      'concern_receipt',
      'officer_digest',
      'concern_reply',
      'referral',
      'referral_answered',
    ]) {
      assert.ok(
        quotedBefore.some((q) => q.startsWith(`${kind}:`)),
        `a ${kind} mail quotes the concern before`,
      );
    }
    const staffBefore = await officer.get(`/concerns/${concernId}`);
    assert.ok(staffBefore.text.includes(REPORTER.name), 'the staff page names the reporter before');
    const member = await loggedIn(app, MEMBER.email);
    assert.equal((await member.get(`/concerns/${concernId}`)).status, 200, 'the shared summary before');
    const reporterMailsBefore = outbox('to_address = ?', REPORTER.email);
    assert.ok(reporterMailsBefore.length >= 4);

    // ---- a month and a bit later, the retention job runs
    later(32 * DAY);
    await app.deps.scheduler.tick();
    const row = db().prepare('SELECT * FROM concerns WHERE id = ?').get(concernId) as Record<string, unknown>;
    assert.ok(row.anonymised_at, 'the concern was anonymised');
    assert.equal(row.reporter_id, null);

    // ---- after: no page names the reporter ...
    const admin = await loggedIn(app, 'admin@politi.example');
    const staff = await loggedIn(app, OFFICER.email);
    for (const [who, client] of [
      ['officer', staff],
      ['district admin', admin],
    ] as const) {
      const page = await client.get(`/concerns/${concernId}`);
      assert.equal(page.status, 200, `${who} still sees the anonymised case`);
      for (const secret of [REPORTER.name, REPORTER.email, ...markers]) {
        assert.ok(
          !page.text.includes(secret),
          `the case page shown to the ${who} does not contain "${secret}"`,
        );
      }
      assert.match(
        page.text,
        /<h1 class="mt-0">Anonymiseret<\/h1>/,
        'the heading says what became of the title',
      );
      const text = textOf(page.text);
      assert.match(text, /Bekymringen blev givet videre\s+[^·]*· Anonymiseret/, 'the logging is anonymised');
      assert.match(text, new RegExp(`${OFFICER.name}`), 'staff authors stay on the timeline');
      for (const list of [
        '/triage?status=all',
        `/concerns?status=all&q=${encodeURIComponent('Indberetter')}`,
      ]) {
        const listed = await client.get(list);
        assert.equal(listed.status, 200, list);
        assert.ok(
          !listed.text.includes(REPORTER.name),
          `${list} shown to the ${who} does not name the reporter`,
        );
        assert.ok(!listed.text.includes('TITEL-R1'), `${list} shown to the ${who} does not quote the title`);
      }
      const queue = await client.get('/triage?status=closed');
      assert.ok(
        queue.text.includes(`<a href="/concerns/${concernId}">Anonymiseret</a>`),
        'the queue links the anonymised concern by a name, not an empty link',
      );
    }
    const reporterAgain = await loggedIn(app, REPORTER.email);
    assert.equal((await reporterAgain.get(`/concerns/${concernId}`)).status, 404, 'no longer the reporter’s');
    const listed = await reporterAgain.get('/concerns?status=all');
    assert.ok(!listed.text.includes('TITEL-R1'));
    const memberAgain = await loggedIn(app, MEMBER.email);
    assert.equal((await memberAgain.get(`/concerns/${concernId}`)).status, 404, 'the summary is gone');

    // ... and no stored mail quotes the concern, nor keeps the reporter's address beside it
    assert.deepEqual(mailsQuoting(markers), []);
    assert.deepEqual(outbox('to_address = ?', REPORTER.email), [], "the reporter's mails lost their address");
    for (const before of reporterMailsBefore) {
      const [now] = outbox('id = ?', before.id);
      assert.ok(now);
      assert.deepEqual(
        {
          kind: now.kind,
          status: now.status,
          created_at: now.created_at,
          sent_at: now.sent_at,
          to: now.to_address,
        },
        {
          kind: before.kind,
          status: before.status,
          created_at: before.created_at,
          sent_at: before.sent_at,
          to: '',
        },
      );
      assert.equal(now.pruned_at, clock.toISOString());
    }
    const [sspRow] = outbox("kind = 'referral' AND to_address = ? AND pruned_at IS NOT NULL", SSP);
    assert.ok(sspRow, 'the referral mail to SSP keeps its recipient');
    assert.equal(sspRow.subject, '');
    assert.equal(
      db().prepare('SELECT count(*) FROM outbox_concerns WHERE concern_id = ?').pluck().get(concernId),
      0,
    );

    // nothing of the texts is left in the database's other tables either
    const events = db()
      .prepare('SELECT body, actor_user_id FROM concern_events WHERE concern_id = ?')
      .all(concernId) as { body: string; actor_user_id: number | null }[];
    const reporterId = db().prepare('SELECT id FROM users WHERE email = ?').pluck().get(REPORTER.email);
    assert.ok(events.every((e) => e.body === '' && e.actor_user_id !== reporterId));
    const referralRow = db()
      .prepare('SELECT note, answer FROM referrals WHERE concern_id = ?')
      .get(concernId);
    assert.deepEqual(referralRow, { note: '', answer: '' });

    // the audit lines about the concern stay, but none says the reporter made it, or from where
    const lines = db()
      .prepare(
        "SELECT action, actor_user_id, ip FROM audit_log WHERE entity_type = 'concern' AND entity_id = ?",
      )
      .all(concernId) as { action: string; actor_user_id: number | null; ip: string | null }[];
    const created = lines.find((l) => l.action === 'concern.created');
    assert.deepEqual(created && { actor: created.actor_user_id, ip: created.ip }, { actor: null, ip: null });
    assert.ok(
      lines.some((l) => l.action === 'concern.info_added'),
      'the addition is still a line',
    );
    assert.ok(lines.every((l) => l.actor_user_id !== reporterId));
  });

  it('gives up a mail about the concern that was never sent, rather than send it empty', async () => {
    // The reporter's mail server answers "try again later": the closing mail waits for a retry.
    const WAITING = { email: 'vent.venter@skovby.example', name: 'Vent Venter' };
    addPerson(app, { ...WAITING, passwordHash: null, memberOf: [{ councilId }] });
    app.smtp.respond = (to) => (to.includes(WAITING.email) ? { code: 451, message: 'try later' } : undefined);
    const id = logConcern(app, WAITING.email, { title: 'Gadelys slukket VENTENDE-R2', councilId });
    app.deps.services.concerns.close(actorOf(app, OFFICER.email), id, {
      resolution: 'resolved',
      feedback: 'Kommunen er underrettet VENTENDE-R2',
    });
    await app.deliverMail();
    const waiting = outbox('to_address = ? AND status = ?', WAITING.email, 'pending');
    assert.equal(waiting.length, 2, 'the receipt and the closing mail wait for their retry');

    // Closed long enough ago: the next tick anonymises it before the retry is due.
    db()
      .prepare('UPDATE concerns SET closed_at = ? WHERE id = ?')
      .run(new Date(clock.getTime() - 40 * DAY).toISOString(), id);
    await app.deps.scheduler.tick();
    for (const before of waiting) {
      const [row] = outbox('id = ?', before.id);
      assert.ok(row);
      assert.equal(row.status, 'failed', `the ${row.kind} is not sent`);
      assert.match(row.last_error ?? '', /anonymised/);
      assert.equal(row.subject, '');
      assert.equal(row.text_body, '');
    }
    app.smtp.respond = () => undefined;
    later(2 * 60_000);
    await app.deliverMail();
    assert.ok(
      !app.smtp.received.some((m) => `${m.subject}${m.text}`.includes('VENTENDE-R2')),
      'nothing went out',
    );
  });

  it('removes the bodies of mails sent longer ago than mail_body_retention_days, keeping who, what kind, status and times', async () => {
    app.deps.settings.set('mail_body_retention_days', '30');
    const FAILING = 'postkasse.fuld@skovby.example';
    addPerson(app, { email: FAILING, name: 'Fuld Postkasse', passwordHash: await testPasswordHash() });
    app.smtp.respond = (to) => (to.includes(FAILING) ? { code: 550, message: 'mailbox full' } : undefined);
    const anyone = new Client(app.url);
    await anyone.get('/password/forgot');
    for (const email of [MEMBER.email, FAILING]) {
      assert.equal((await anyone.post('/password/forgot', { email })).status, 200);
    }
    await app.deliverMail();
    const [sent] = outbox("kind = 'password_reset' AND to_address = ?", MEMBER.email);
    const [failed] = outbox("kind = 'password_reset' AND to_address = ?", FAILING);
    assert.ok(sent && failed);
    assert.equal(sent.status, 'sent');
    assert.equal(failed.status, 'failed');
    assert.match(sent.text_body, /\/password\/reset\//);

    later(29 * DAY);
    await app.deps.scheduler.tick();
    assert.equal(outbox('id = ?', sent.id)[0]?.pruned_at, null, 'kept for the whole period');

    later(2 * DAY);
    await anyone.get('/password/forgot'); // a new session: the old one ended long ago
    assert.equal((await anyone.post('/password/forgot', { email: MEMBER.email })).status, 200);
    await app.deliverMail(); // ticks the scheduler: the pruning job runs too
    for (const before of [sent, failed]) {
      const [after] = outbox('id = ?', before.id);
      assert.ok(after);
      assert.deepEqual(
        { subject: after.subject, text: after.text_body, html: after.html_body, headers: after.headers },
        { subject: '', text: '', html: '', headers: '{}' },
        `the ${before.status} mail's subject and body are gone`,
      );
      const { subject, text_body, html_body, headers, pruned_at, ...envelope } = after;
      const { subject: s, text_body: t, html_body: h, headers: hd, pruned_at: p, ...envelopeBefore } = before;
      assert.deepEqual(
        envelope,
        envelopeBefore,
        'recipient, kind, status, Message-ID, attempts and times stay',
      );
      assert.ok(pruned_at);
    }
    const young = outbox("kind = 'password_reset' AND to_address = ? AND pruned_at IS NULL", MEMBER.email);
    assert.equal(young.length, 1, 'the new mail keeps its body');
    assert.match(young[0]?.text_body ?? '', /\/password\/reset\//);
  });

  it('removes mail files (no SMTP_URL) older than mail_body_retention_days, as it does bodies', async () => {
    app.deps.settings.set('mail_body_retention_days', '30');
    const dir = app.deps.config.mailDir;
    mkdirSync(dir, { recursive: true });
    const now = app.deps.now().getTime();
    const file = (name: string, ageDays: number) => {
      const at = path.join(dir, name);
      writeFileSync(at, 'Subject: Bekymring om stien\n\nHele teksten');
      const when = new Date(now - ageDays * DAY);
      utimesSync(at, when, when);
      return at;
    };
    const old = file('gammel.eml', 31);
    const young = file('ung.eml', 29);
    await app.deps.scheduler.tick();
    assert.equal(existsSync(old), false, 'the 31-day-old copy is gone');
    assert.equal(existsSync(young), true, 'the 29-day-old copy stays');
  });

  it('deletes audit lines older than audit_retention_months and keeps the younger ones', async () => {
    const lines = () =>
      db().prepare('SELECT id, at FROM audit_log ORDER BY id').all() as { id: number; at: string }[];
    const before = lines();
    assert.ok(before.length > 0);
    const oldest = before[0]?.at as string;
    const newestBefore = before.at(-1)?.id as number;

    // Sixty months after the oldest line, less a day: nothing is due yet.
    clock = new Date(oldest);
    clock.setUTCMonth(clock.getUTCMonth() + 60);
    later(-DAY);
    await app.deps.scheduler.tick();
    assert.equal(lines()[0]?.id, before[0]?.id, 'nothing is deleted before the period ends');

    await loggedIn(app, MEMBER.email); // a fresh line
    later(2 * DAY);
    await app.deps.scheduler.tick();
    const after = lines();
    const cutoff = new Date(clock);
    cutoff.setUTCMonth(cutoff.getUTCMonth() - 60);
    assert.ok(
      after.every((l) => l.at >= cutoff.toISOString()),
      'every line older than 60 months is gone',
    );
    assert.ok(!after.some((l) => l.id === before[0]?.id));
    assert.ok(
      after.some((l) => l.id > newestBefore),
      'the young line stays',
    );
  });
});
