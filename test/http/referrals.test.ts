import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import ejs from 'ejs';
import { VIEWS_DIR } from '../../src/paths.js';
import { formatDate, formatDateTime } from '../../src/web/dates.js';
import { translator } from '../../src/web/i18n.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  addPerson,
  councilIdByName,
  departmentId as departmentIdOf,
  lastMailTo,
  linkIn,
  logConcern as logConcernOf,
  loggedIn,
  testPasswordHash,
} from '../helpers/world.js';

const OFFICER = 'betjent@politi.example';
const SSP = 'ssp@politi.example';
const DAY = 86_400_000;

describe('referrals to departments', () => {
  let app: TestApp;
  let officer: Client;

  const actor = (email: string) => actorOf(app, email);
  const departmentId = (name: string) => departmentIdOf(app, name);
  const referral = (concernId: number) =>
    app.deps.db.prepare('SELECT * FROM referrals WHERE concern_id = ? ORDER BY id DESC').get(concernId) as {
      id: number;
      status: string;
      answer: string | null;
      acknowledged_at: string | null;
      token_hash: string;
    };

  /** A concern logged by a network person of Glumsø, with an internal note carrying `marker`. */
  function logConcern(title: string, marker: string, reporter = 'hal@glumsoe.example'): number {
    const id = logConcernOf(app, reporter, {
      category: 'unge',
      title,
      description: `Unge samles hver aften ved hallen og larmer. BESKRIVELSE-${marker}`,
      location: `Bag hallen STED-${marker}`,
    });
    app.deps.services.concerns.addNote(actor(OFFICER), id, {
      body: `INTERN-${marker} – en af de unge er måske søn af formanden`,
      visibility: 'internal',
    });
    return id;
  }

  async function refer(client: Client, concernId: number, note: string, department = 'SSP') {
    await client.get(`/concerns/${concernId}/referrals/new`);
    return client.post(`/concerns/${concernId}/referrals`, {
      department_id: String(departmentId(department)),
      note,
    });
  }

  /** The newest referral mail to SSP about this concern. */
  const sspMail = (concernId: number): Promise<ReceivedMail> => lastMailTo(app, SSP, `#${concernId} `);

  before(async () => {
    app = await startTestApp();
    officer = await loggedIn(app, OFFICER);
  });
  after(() => app.close());

  it('takes a concern from the officer to SSP and back: mail, acknowledge, answer, officer told, reporter told only that it was passed on', async () => {
    const concernId = logConcern('Uro ved hallen', 'J1');
    const form = await officer.get(`/concerns/${concernId}/referrals/new`);
    assert.equal(form.status, 200);
    assert.match(
      form.text,
      new RegExp(`<option value="${departmentId('SSP')}" selected>SSP</option>`),
      'the category suggests SSP',
    );

    const note = 'Kan SSP tage en snak med de unge ved hallen? NOTE-J1';
    const sent = await refer(officer, concernId, note);
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/concerns/${concernId}#referrals`);

    const mail = await sspMail(concernId);
    const everything = `${mail.subject}\n${mail.text}\n${mail.html}`;
    assert.ok(mail.text.includes(note), 'the note');
    assert.ok(everything.includes('Unge og grupperinger'), 'the category');
    assert.ok(everything.includes('Glumsø Lokalråd'), 'the council');
    assert.ok(everything.includes(`#${concernId}`), 'the number');
    const reporter = app.deps.users.findByEmail('hal@glumsoe.example');
    assert.ok(reporter);
    for (const secret of [
      reporter.name,
      reporter.email,
      'BESKRIVELSE-J1',
      'STED-J1',
      'INTERN-J1',
      'Uro ved hallen',
    ]) {
      assert.ok(!everything.includes(secret), `the department mail does not contain "${secret}"`);
    }
    const link = new URL(linkIn(mail, '/referrals/'));
    assert.match(link.pathname, /^\/referrals\/[A-Za-z0-9_-]{43}$/);
    const stored = referral(concernId);
    assert.ok(!stored.token_hash.includes(link.pathname.split('/')[2] as string), 'only a hash is stored');

    const department = new Client(app.url);
    const page = await department.get(link.pathname);
    assert.equal(page.status, 200);
    const pageText = textOf(page.text);
    assert.ok(pageText.includes(note));
    assert.ok(pageText.includes('Unge og grupperinger'));
    assert.ok(pageText.includes(`#${concernId}`));
    assert.match(pageText, /Status: sendt/);
    assert.match(pageText, /Kvittér for modtagelse/);
    for (const secret of [
      reporter.name,
      reporter.email,
      'BESKRIVELSE-J1',
      'STED-J1',
      'INTERN-J1',
      'Uro ved hallen',
    ]) {
      assert.ok(!page.text.includes(secret), `the department page does not contain "${secret}"`);
    }

    const ack = await department.post(link.pathname, { status: 'acknowledged' });
    assert.equal(ack.status, 303);
    assert.equal(ack.location, link.pathname);
    const acknowledged = await department.get(link.pathname);
    assert.match(textOf(acknowledged.text), /Status: modtaget/);
    assert.match(textOf(acknowledged.text), /modtaget henvisningen/, 'a flash thanks the department');
    assert.equal(referral(concernId).status, 'acknowledged');

    const answer = 'SSP har talt med skolen og kigger forbi hallen i næste uge. SVAR-J1';
    const answered = await department.post(link.pathname, { status: 'answered', answer });
    assert.equal(answered.status, 303);
    const final = await department.get(link.pathname);
    assert.ok(textOf(final.text).includes(answer));
    assert.match(textOf(final.text), /Status: besvaret/);
    assert.doesNotMatch(final.text, /name="answer"/, 'the form is replaced by the answer');

    const view = app.deps.services.concerns.view(actor(OFFICER), concernId);
    assert.equal(view.mode, 'staff');
    assert.equal(view.concern.status, 'in_progress', 'back "under behandling"');
    assert.ok(view.events.some((e) => e.type === 'referral_answered' && e.visibility === 'internal'));

    await app.deliverMail();
    const told = app.smtp
      .to(OFFICER)
      .find((m) => m.subject.includes(`SSP har svaret på bekymring #${concernId}`));
    assert.ok(told, 'the officer got a mail about the answer');
    assert.ok(told.text.includes(answer));
    assert.ok(told.text.includes(`${app.url}/concerns/${concernId}`));

    const reporterMails = app.smtp
      .to('hal@glumsoe.example')
      .filter((m) => m.subject.includes(`#${concernId}`));
    const passedOn = reporterMails.filter((m) => /er sendt videre/.test(m.subject));
    assert.equal(passedOn.length, 1, 'one "sendt videre" mail');
    for (const m of reporterMails) {
      for (const secret of ['SVAR-J1', 'NOTE-J1', 'INTERN-J1']) {
        assert.ok(!`${m.subject}${m.text}${m.html}`.includes(secret), `no "${secret}" in "${m.subject}"`);
      }
    }
    assert.ok(
      app.deps.db
        .prepare("SELECT count(*) FROM audit_log WHERE action = 'referral.answered' AND entity_id = ?")
        .pluck()
        .get(concernId),
    );
  });

  it('keeps the concern awaiting the department until every referral is answered, and answering from "sent" also acknowledges', async () => {
    const concernId = logConcern('Knallerter på stien', 'M2');
    assert.equal((await refer(officer, concernId, 'Til SSP. NOTE-M2')).status, 303);
    const ssp = new URL(linkIn(await sspMail(concernId), '/referrals/')).pathname;
    assert.equal((await refer(officer, concernId, 'Til Færdsel. NOTE-M2', 'Færdsel')).status, 303);
    await app.deliverMail();
    const traffic = app.smtp
      .to('faerdsel@politi.example')
      .filter((m) => m.subject.includes(`#${concernId} `))
      .at(-1);
    assert.ok(traffic);
    const trafficLink = new URL(linkIn(traffic, '/referrals/')).pathname;

    const department = new Client(app.url);
    await department.get(ssp);
    assert.equal((await department.post(ssp, { status: 'answered', answer: 'Svar fra SSP' })).status, 303);
    const rows = app.deps.db
      .prepare('SELECT status, acknowledged_at, answered_at FROM referrals WHERE concern_id = ? ORDER BY id')
      .all(concernId) as { status: string; acknowledged_at: string | null; answered_at: string | null }[];
    assert.equal(rows[0]?.status, 'answered');
    assert.equal(rows[0]?.acknowledged_at, rows[0]?.answered_at, 'answering straight away also acknowledges');
    let view = app.deps.services.concerns.view(actor(OFFICER), concernId);
    assert.equal(view.concern.status, 'awaiting_department', 'Færdsel has not answered yet');

    await department.get(trafficLink);
    assert.equal(
      (await department.post(trafficLink, { status: 'answered', answer: 'Svar fra Færdsel' })).status,
      303,
    );
    view = app.deps.services.concerns.view(actor(OFFICER), concernId);
    assert.equal(view.concern.status, 'in_progress');
  });

  it('treats an answer as final: a second answer is refused and the first one stays', async () => {
    const concernId = logConcern('Graffiti på skolen', 'F3');
    await refer(officer, concernId, 'NOTE-F3');
    const link = new URL(linkIn(await sspMail(concernId), '/referrals/')).pathname;
    const department = new Client(app.url);
    await department.get(link);
    await department.post(link, { status: 'answered', answer: 'Første svar' });
    await department.get(link);
    const again = await department.post(link, { status: 'answered', answer: 'Andet svar' });
    // Refused on its form (422) with the second text kept, so nothing typed is lost.
    assert.equal(again.status, 422);
    assert.match(textOf(again.text), /allerede besvaret/);
    assert.match(textOf(again.text), /ikke gemt.*Andet svar/);
    const ackAfter = await department.post(link, { status: 'acknowledged' });
    assert.equal(ackAfter.status, 303);
    assert.equal(referral(concernId).answer, 'Første svar');
    assert.equal(referral(concernId).status, 'answered');
  });

  it('shows the department a Danish error and keeps nothing when the answer is empty or too long', async () => {
    const concernId = logConcern('Larm om natten', 'V4');
    await refer(officer, concernId, 'NOTE-V4');
    const link = new URL(linkIn(await sspMail(concernId), '/referrals/')).pathname;
    const department = new Client(app.url);
    await department.get(link);
    const empty = await department.post(link, { status: 'answered', answer: '   ' });
    assert.equal(empty.status, 422);
    assert.match(textOf(empty.text), /Der er problemer/);
    assert.match(textOf(empty.text), /Skriv jeres svar/);
    const long = await department.post(link, { status: 'answered', answer: 'x'.repeat(5001) });
    assert.equal(long.status, 422);
    assert.match(textOf(long.text), /højst 5\.000 tegn/);
    assert.ok(long.text.includes('x'.repeat(5001)), 'the input is kept');
    const odd = await department.post(link, { status: 'closed', answer: 'hej' });
    assert.equal(odd.status, 422);
    assert.equal(referral(concernId).status, 'sent');
  });

  it('refuses a department POST without a valid _csrf with 403 and changes nothing', async () => {
    const concernId = logConcern('Cykeltyverier', 'C5');
    await refer(officer, concernId, 'NOTE-C5');
    const link = new URL(linkIn(await sspMail(concernId), '/referrals/')).pathname;
    const department = new Client(app.url);
    await department.get(link);
    assert.equal((await department.post(link, { _csrf: '', status: 'acknowledged' })).status, 403);
    assert.equal(
      (await department.post(link, { _csrf: 'forged', status: 'answered', answer: 'x' })).status,
      403,
    );
    const stranger = new Client(app.url);
    assert.equal((await stranger.post(link, { _csrf: '', status: 'acknowledged' })).status, 403);
    assert.equal(referral(concernId).status, 'sent');
  });

  it('answers guessed or malformed links with the same Danish 404 page', async () => {
    const visitor = new Client(app.url);
    const guesses = [
      '/referrals/abc',
      `/referrals/${'A'.repeat(43)}`,
      `/referrals/${'A'.repeat(44)}`,
      `/referrals/${encodeURIComponent("' OR 1=1 --")}`,
      `/referrals/${encodeURIComponent('<script>alert(1)</script>')}`,
      '/referrals/..%2F..%2Fetc%2Fpasswd',
    ];
    for (const guess of guesses) {
      const page = await visitor.get(guess);
      assert.equal(page.status, 404, guess);
      assert.match(textOf(page.text), /Linket er ugyldigt eller udløbet/, guess);
      assert.doesNotMatch(page.text, /<script>alert/);
    }
    await visitor.get('/referrals/abc');
    const post = await visitor.post(`/referrals/${'B'.repeat(43)}`, { status: 'acknowledged' });
    assert.equal(post.status, 404);
  });

  it('lets only the officers of the council and district admins refer (404 for everyone else)', async () => {
    const concernId = logConcern('Adgangstjek', 'A6');
    const ssp = String(departmentId('SSP'));
    for (const email of [
      'hal@glumsoe.example',
      'formand@glumsoe.example',
      'brugs@fladsaa.example',
      'vest@vestegn.example',
    ]) {
      const client = await loggedIn(app, email);
      assert.equal((await client.get(`/concerns/${concernId}/referrals/new`)).status, 404, email);
      const post = await client.post(`/concerns/${concernId}/referrals`, { department_id: ssp, note: '' });
      assert.equal(post.status, 404, `${email} POST`);
      const rid = app.deps.db.prepare('SELECT max(id) FROM referrals').pluck().get() as number;
      const concernOfRid = app.deps.db
        .prepare('SELECT concern_id FROM referrals WHERE id = ?')
        .pluck()
        .get(rid);
      assert.equal(
        (await client.post(`/concerns/${concernOfRid}/referrals/${rid}/renew`)).status,
        404,
        `${email} renew`,
      );
    }
    assert.equal(
      (await officer.post('/concerns/999999/referrals', { department_id: ssp, note: 'x' })).status,
      404,
    );
    assert.equal(
      (await officer.post('/concerns/abc/referrals', { department_id: ssp, note: 'x' })).status,
      404,
    );

    // An officer of another council only.
    addPerson(app, {
      email: 'fladsaa-betjent@politi.example',
      name: 'Fladså-betjenten',
      passwordHash: await testPasswordHash(),
      isOfficer: true,
      privacyAccepted: true,
      officerOf: [councilIdByName(app, 'Fladså Lokalråd') as number],
      at: new Date().toISOString(),
    });
    const foreign = await loggedIn(app, 'fladsaa-betjent@politi.example');
    assert.equal((await foreign.get(`/concerns/${concernId}/referrals/new`)).status, 404);
    assert.equal(
      (await foreign.post(`/concerns/${concernId}/referrals`, { department_id: ssp, note: 'x' })).status,
      404,
    );

    const admin = await loggedIn(app, 'admin@politi.example');
    assert.equal((await refer(admin, concernId, 'Fra distriktsadministratoren')).status, 303);

    const anonymous = new Client(app.url);
    await anonymous.get('/login');
    const anon = await anonymous.post(`/concerns/${concernId}/referrals`, { department_id: ssp, note: 'x' });
    assert.equal(anon.status, 303);
    assert.match(anon.location ?? '', /^\/login/);
  });

  it('answers bad referral input with 422, a Danish error summary and the input kept', async () => {
    const concernId = logConcern('Forkert input', 'B7');
    const url = `/concerns/${concernId}/referrals`;
    await officer.get(`${url}/new`);
    const cases: { form: Record<string, string>; message: RegExp }[] = [
      {
        form: { department_id: String(departmentId('SSP')), note: '' },
        message: /Skriv en besked til afdelingen/,
      },
      {
        form: { department_id: String(departmentId('SSP')), note: 'x'.repeat(3001) },
        message: /højst 3\.000 tegn/,
      },
      { form: { department_id: '', note: 'En besked' }, message: /Vælg en afdeling/ },
      { form: { department_id: 'abc', note: 'En besked' }, message: /Vælg en afdeling/ },
      { form: { department_id: '999999', note: 'En besked <b>BEHOLDT</b>' }, message: /aktive afdelinger/ },
    ];
    for (const { form, message } of cases) {
      const page = await officer.post(url, form);
      assert.equal(page.status, 422, JSON.stringify(form).slice(0, 80));
      assert.match(textOf(page.text), /Der er problemer/);
      assert.match(textOf(page.text), message);
    }
    const kept = await officer.post(url, { department_id: '999999', note: 'En besked <b>BEHOLDT</b>' });
    assert.ok(kept.text.includes('En besked &lt;b&gt;BEHOLDT&lt;/b&gt;'), 'the note is kept, escaped');

    const inactive = Number(
      app.deps.db
        .prepare(
          "INSERT INTO departments (name, email, active, created_at) VALUES ('Nedlagt', 'nedlagt@politi.example', 0, ?)",
        )
        .run(new Date().toISOString()).lastInsertRowid,
    );
    const closedDept = await officer.post(url, { department_id: String(inactive), note: 'Hej' });
    assert.equal(closedDept.status, 422);
    assert.equal(
      app.deps.db.prepare('SELECT count(*) FROM referrals WHERE concern_id = ?').pluck().get(concernId),
      0,
    );
  });

  it('refuses to refer a closed concern with a Danish 409 page', async () => {
    const concernId = logConcern('Afsluttet sag', 'K10');
    app.deps.services.concerns.close(actor(OFFICER), concernId, {
      resolution: 'resolved',
      feedback: 'Løst.',
    });
    await officer.get('/');
    const page = await officer.post(`/concerns/${concernId}/referrals`, {
      department_id: String(departmentId('SSP')),
      note: 'For sent',
    });
    assert.equal(page.status, 409);
    assert.equal(
      app.deps.db.prepare('SELECT count(*) FROM referrals WHERE concern_id = ?').pluck().get(concernId),
      0,
    );
    assert.equal(app.deps.services.referrals.referralsFor(actor(OFFICER), concernId).canRefer, false);
  });

  it('shows the case-page panel with status, note, answer and the "Ikke kvitteret" flag', async () => {
    const concernId = logConcern('Panelvisning', 'P8');
    await refer(officer, concernId, 'Linje et\nLinje to <i>');
    app.advanceClock(49 * 3_600_000);
    await officer.login(OFFICER);
    const panel = app.deps.services.referrals.referralsFor(actor(OFFICER), concernId);
    assert.equal(panel.referrals.length, 1);
    assert.equal(panel.referrals[0]?.notAcknowledged, true);
    assert.equal(panel.referrals[0]?.expired, false);
    assert.throws(() => app.deps.services.referrals.referralsFor(actor('hal@glumsoe.example'), concernId), {
      status: 404,
    });

    const t = translator(app.deps.messages, 'da');
    const html = await ejs.renderFile(path.join(VIEWS_DIR, 'referrals/_case-panel.ejs'), {
      referralPanel: panel,
      t,
      formatDate: (v: string) => formatDate(v, 'da'),
      formatDateTime: (v: string) => formatDateTime(v, 'da'),
      csrfToken: 'token',
    });
    const text = textOf(html);
    assert.match(text, /Henvisninger til afdelinger/);
    assert.match(text, /SSP sendt Ikke kvitteret/);
    assert.ok(html.includes('Linje et<br>Linje to &lt;i&gt;'), 'line breaks kept, text escaped');
    assert.ok(html.includes(`href="/concerns/${concernId}/referrals/new"`));
    assert.ok(html.includes(`action="/concerns/${concernId}/referrals/${panel.referrals[0]?.id}/renew"`));
  });

  it('expires the link after 30 days (410) and a renewed link works while the old one does not', async () => {
    const concernId = logConcern('Udløbet link', 'E9');
    await refer(officer, concernId, 'NOTE-E9');
    const oldLink = new URL(linkIn(await sspMail(concernId), '/referrals/')).pathname;
    app.advanceClock(31 * DAY);

    const department = new Client(app.url);
    const expired = await department.get(oldLink);
    assert.equal(expired.status, 410);
    assert.match(textOf(expired.text), /Linket er ugyldigt eller udløbet/);
    assert.match(textOf(expired.text), /nyt link/);
    assert.equal(
      app.deps.services.referrals.referralsFor(actor(OFFICER), concernId).referrals[0]?.expired,
      true,
    );

    await officer.login(OFFICER);
    const rid = referral(concernId).id;
    const renewed = await officer.post(`/concerns/${concernId}/referrals/${rid}/renew`);
    assert.equal(renewed.status, 303);
    assert.equal(renewed.location, `/concerns/${concernId}#referrals`);
    const mail = await sspMail(concernId);
    assert.match(mail.subject, /Nyt link/);
    assert.ok(mail.text.includes('NOTE-E9'));
    const newLink = new URL(linkIn(mail, '/referrals/')).pathname;
    assert.notEqual(newLink, oldLink);
    assert.equal((await department.get(newLink)).status, 200);
    assert.equal((await department.get(oldLink)).status, 404, 'the replaced link is simply unknown');
    assert.equal((await department.post(newLink, { status: 'acknowledged' })).status, 303);
    assert.equal(referral(concernId).status, 'acknowledged');
    assert.ok(
      app.deps.db
        .prepare("SELECT count(*) FROM audit_log WHERE action = 'referral.renewed' AND entity_id = ?")
        .pluck()
        .get(concernId),
    );
  });

  it("shows the referrals panel on the officer's case page, and neither note nor answer to the reporter", async () => {
    const id = logConcern('Panel på sagssiden', 'PANEL');
    const note = 'NOTE-TIL-SSP-panel: kender I gruppen?';
    assert.equal((await refer(officer, id, note)).status, 303);
    const staffPage = await officer.get(`/concerns/${id}`);
    assert.equal(staffPage.status, 200);
    assert.match(staffPage.text, /id="referrals"/);
    assert.ok(textOf(staffPage.text).includes(note), 'the officer sees the note sent');
    const reporter = await loggedIn(app, 'hal@glumsoe.example');
    const reporterPage = await reporter.get(`/concerns/${id}`);
    assert.equal(reporterPage.status, 200);
    assert.ok(!reporterPage.text.includes(note), 'the reporter never sees the note');
    assert.match(textOf(reporterPage.text), /SSP/, 'but is told it was passed on');
  });
});
