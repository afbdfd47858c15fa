/**
 * Issue 13, items 3 and 4: closing a concern settles its referrals (the close form warns, the open
 * ones are withdrawn, the department is told and its link takes no answer), a silent department
 * gets one reminder with a fresh link, and the department's page says whom to call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  addOfficer,
  councilId,
  DEMO,
  departmentId,
  HOUR,
  lastMailTo,
  linkPathIn,
  logConcern as logConcernOf,
  loggedIn,
} from '../helpers/world.js';

const SSP = 'ssp@politi.example';
const TRAFFIC = 'faerdsel@politi.example';
const PREVENTION = 'forebyggelse@politi.example';

type ReferralRow = {
  id: number;
  status: string;
  answer: string | null;
  withdrawn_at: string | null;
  reminded_at: string | null;
};

describe('referrals when a concern closes, reminders and whom to call', () => {
  let app: TestApp;
  let officer: Client;

  const referrals = (concernId: number) =>
    app.deps.db
      .prepare(
        `SELECT r.id, r.status, r.answer, r.withdrawn_at, r.reminded_at FROM referrals r
           JOIN departments d ON d.id = r.department_id WHERE r.concern_id = ? ORDER BY r.id`,
      )
      .all(concernId) as ReferralRow[];
  const auditCount = (action: string, concernId: number) =>
    app.deps.db
      .prepare('SELECT count(*) FROM audit_log WHERE action = ? AND entity_id = ?')
      .pluck()
      .get(action, concernId) as number;
  const eventCount = (type: string, concernId: number) =>
    app.deps.db
      .prepare(
        "SELECT count(*) FROM concern_events WHERE type = ? AND concern_id = ? AND visibility = 'internal'",
      )
      .pluck()
      .get(type, concernId) as number;

  /** A Glumsø concern by the halinspektør, with words the department must never see. */
  function logConcern(marker: string): number {
    const id = logConcernOf(app, DEMO.hal, {
      category: 'unge',
      title: `Unge ved hallen TITEL-${marker}`,
      description: `Larm hver aften BESKRIVELSE-${marker}`,
      location: `Bag hallen STED-${marker}`,
    });
    app.deps.services.concerns.addNote(actorOf(app, DEMO.officer), id, {
      body: `INTERN-${marker}`,
      visibility: 'internal',
    });
    return id;
  }

  /** Refers through the form and returns the path of the link in the department's mail. */
  async function refer(
    concernId: number,
    department: string,
    address: string,
    by = officer,
  ): Promise<string> {
    await by.get(`/concerns/${concernId}/referrals/new`);
    const sent = await by.post(`/concerns/${concernId}/referrals`, {
      department_id: String(departmentId(app, department)),
      note: `Til ${department}: se på sagen.`,
    });
    assert.equal(sent.status, 303);
    return linkPathIn(await lastMailTo(app, address, `#${concernId} `), '/referrals/');
  }

  const mailsAbout = (address: string, concernId: number, subject: RegExp) =>
    app.smtp.to(address).filter((m) => m.subject.includes(`#${concernId} `) && subject.test(m.subject));

  /** The close form's HTML on the officer's case page. */
  async function closeForm(concernId: number): Promise<string> {
    const page = await officer.get(`/concerns/${concernId}`);
    assert.equal(page.status, 200);
    const start = page.text.indexOf(`action="/concerns/${concernId}/close"`);
    assert.ok(start > 0, 'the close form is shown');
    return page.text.slice(start, page.text.indexOf('</form>', start));
  }

  function assertNothingOfTheReporter(mail: ReceivedMail, marker: string): void {
    const everything = `${mail.subject}\n${mail.text}\n${mail.html}`;
    for (const secret of [
      'Jens Æbeltoft',
      DEMO.hal,
      `TITEL-${marker}`,
      `BESKRIVELSE-${marker}`,
      `STED-${marker}`,
      `INTERN-${marker}`,
    ]) {
      assert.ok(!everything.includes(secret), `"${mail.subject}" does not contain "${secret}"`);
    }
  }

  before(async () => {
    app = await startTestApp();
    officer = await loggedIn(app, DEMO.officer);
  });
  after(() => app.close());

  it('lists the open referrals in the close form, withdraws them on closing, mails each department "trukket tilbage", and leaves an answered one alone', async () => {
    const id = logConcern('C1');
    await refer(id, 'SSP', SSP);
    const trafficLink = await refer(id, 'Færdsel', TRAFFIC);
    const preventionLink = await refer(id, 'Forebyggelse', PREVENTION);
    const department = new Client(app.url);
    await department.get(trafficLink);
    assert.equal((await department.post(trafficLink, { status: 'acknowledged' })).status, 303);
    await department.get(preventionLink);
    assert.equal(
      (await department.post(preventionLink, { status: 'answered', answer: 'Vi kender stedet. SVAR-C1' }))
        .status,
      303,
    );

    const form = textOf(await closeForm(id));
    assert.match(form, /Afslutningen trækker de åbne henvisninger tilbage/);
    assert.match(form, /SSP – sendt \(henvist \d+\. \w+ \d{4}\)/);
    assert.match(form, /Færdsel – modtaget/);
    assert.doesNotMatch(form, /Forebyggelse/, 'an answered referral is not listed');
    assert.match(form, /Besvarede henvisninger berøres ikke/);

    const closed = await officer.post(`/concerns/${id}/close`, {
      resolution: 'resolved',
      feedback: 'Vi har talt med de unge.',
    });
    assert.equal(closed.status, 303);
    const rows = referrals(id);
    assert.deepEqual(
      rows.map((r) => r.status),
      ['withdrawn', 'withdrawn', 'answered'],
    );
    assert.ok(rows[0]?.withdrawn_at && rows[1]?.withdrawn_at);
    assert.equal(rows[2]?.withdrawn_at, null);
    assert.equal(eventCount('referral_withdrawn', id), 2);
    assert.equal(auditCount('referral.withdrawn', id), 2);

    await app.deliverMail();
    for (const address of [SSP, TRAFFIC]) {
      const withdrawn = mailsAbout(address, id, /trukket tilbage/);
      assert.equal(withdrawn.length, 1, `one "trukket tilbage" mail to ${address}`);
      const mail = withdrawn[0] as ReceivedMail;
      assert.match(
        mail.subject,
        /^Henvisning trukket tilbage: bekymring #\d+ \(Unge og grupperinger, Glumsø Lokalråd\)$/,
      );
      assert.match(mail.text, /henvisningen til jer er derfor trukket tilbage/);
      assert.match(mail.text, /Mads Holm, tlf\. 55 12 34 10, betjent@politi\.example/);
      assertNothingOfTheReporter(mail, 'C1');
    }
    assert.equal(
      mailsAbout(PREVENTION, id, /trukket tilbage/).length,
      0,
      'the answered department is not told',
    );

    // The officer sees it on the case page; the reporter does not (it is the department's business).
    const staff = textOf((await officer.get(`/concerns/${id}`)).text);
    assert.match(staff, /Henvisningen til SSP er trukket tilbage/);
    assert.match(staff, /Henvisningen til Færdsel er trukket tilbage/);
    const reporter = textOf((await (await loggedIn(app, DEMO.hal)).get(`/concerns/${id}`)).text);
    assert.doesNotMatch(reporter, /trukket tilbage/);

    // The answered referral's link still shows its answer.
    const answered = await new Client(app.url).get(preventionLink);
    assert.equal(answered.status, 200);
    assert.match(textOf(answered.text), /SVAR-C1/);
  });

  it("answers the withdrawn referral's link with the closed page (410) and takes no answer or acknowledgement", async () => {
    const id = logConcern('C2');
    const link = await refer(id, 'SSP', SSP);
    // The department opened the page (and got its form token) before the concern was closed.
    const department = new Client(app.url);
    assert.equal((await department.get(link)).status, 200);
    assert.equal(
      (await officer.post(`/concerns/${id}/close`, { resolution: 'not_police', feedback: 'Kommunens sag.' }))
        .status,
      303,
    );

    const page = await department.get(link);
    assert.equal(page.status, 410);
    const text = textOf(page.text);
    assert.match(text, /Sagen er lukket – henvisningen af bekymring #\d+ er trukket tilbage/);
    assert.match(text, /Status: trukket tilbage/);
    assert.match(text, /Mads Holm/);
    assert.doesNotMatch(page.text, /name="answer"/, 'no answer form');
    assert.doesNotMatch(text, /TITEL-C2|BESKRIVELSE-C2|STED-C2|Jens Æbeltoft/);

    const answer = await department.post(link, { status: 'answered', answer: 'For sent svar. SVAR-C2' });
    assert.equal(answer.status, 410);
    assert.match(textOf(answer.text), /trukket tilbage/);
    const ack = await department.post(link, { status: 'acknowledged' });
    assert.equal(ack.status, 410);
    const invalid = await department.post(link, { status: 'answered', answer: '' });
    assert.equal(invalid.status, 410, 'not a 422: a withdrawn referral takes no input at all');

    const [row] = referrals(id);
    assert.equal(row?.status, 'withdrawn');
    assert.equal(row?.answer, null);
    assert.equal(auditCount('referral.answered', id) + auditCount('referral.acknowledged', id), 0);
    await app.deliverMail();
    assert.equal(
      app.smtp.to(DEMO.officer).filter((m) => m.subject.includes(`svaret på bekymring #${id}`)).length,
      0,
      'the officer is never told of an answer to a closed case',
    );
    const view = app.deps.services.concerns.view(actorOf(app, DEMO.officer), id);
    assert.equal(view.concern.status, 'closed');
  });

  it('withdraws the open referrals when the concern is marked as a duplicate too', async () => {
    const original = logConcern('D0');
    const id = logConcern('D1');
    const link = await refer(id, 'SSP', SSP);
    const form = await officer.get(`/concerns/${id}`);
    const duplicateForm = form.text.slice(form.text.indexOf(`action="/concerns/${id}/duplicate"`));
    assert.match(textOf(duplicateForm.slice(0, duplicateForm.indexOf('</form>'))), /SSP – sendt/);
    assert.equal(
      (await officer.post(`/concerns/${id}/duplicate`, { duplicate_of: `#${original}` })).status,
      303,
    );
    assert.equal(referrals(id)[0]?.status, 'withdrawn');
    assert.equal((await new Client(app.url).get(link)).status, 410);
    await app.deliverMail();
    assert.equal(mailsAbout(SSP, id, /trukket tilbage/).length, 1);
  });

  it('keeps a withdrawn referral withdrawn after reopening; the officer refers again and the new link works', async () => {
    const id = logConcern('R1');
    const oldLink = await refer(id, 'SSP', SSP);
    await officer.post(`/concerns/${id}/close`, { resolution: 'resolved', feedback: 'Løst.' });
    assert.equal((await officer.post(`/concerns/${id}/reopen`, {})).status, 303);
    assert.equal(referrals(id)[0]?.status, 'withdrawn');
    assert.equal((await new Client(app.url).get(oldLink)).status, 410);

    const panel = await officer.get(`/concerns/${id}`);
    const rid = referrals(id)[0]?.id;
    assert.doesNotMatch(
      panel.text,
      new RegExp(`referrals/${rid}/renew`),
      'no "Send nyt link" for a withdrawn referral',
    );
    const renew = await officer.post(`/concerns/${id}/referrals/${rid}/renew`, {});
    assert.equal(renew.status, 409);
    assert.match(textOf(renew.text), /trukket tilbage, da bekymringen blev afsluttet/);

    const newLink = await refer(id, 'SSP', SSP);
    assert.notEqual(newLink, oldLink);
    const department = new Client(app.url);
    assert.equal((await department.get(newLink)).status, 200);
    assert.equal((await department.post(newLink, { status: 'answered', answer: 'Nyt svar.' })).status, 303);
    assert.deepEqual(
      referrals(id).map((r) => r.status),
      ['withdrawn', 'answered'],
    );
    const view = app.deps.services.concerns.view(actorOf(app, DEMO.officer), id);
    assert.equal(view.concern.status, 'in_progress', 'the withdrawn referral does not keep it waiting');
  });

  it('shows the department the referring officer, and the council’s officers once that person no longer is one', async () => {
    const glumsoe = councilId(app, 'glumsoe');
    const email = 'ny.betjent@politi.example';
    const newOfficer = await addOfficer(app, { email, name: 'Sofie Lund', councils: [glumsoe] });
    app.deps.db.prepare("UPDATE users SET phone = '55 98 76 54' WHERE id = ?").run(newOfficer);
    const client = await loggedIn(app, email);
    const id = logConcern('K1');
    const link = await refer(id, 'SSP', SSP, client);

    const page = textOf((await new Client(app.url).get(link)).text);
    assert.match(
      page,
      /Kontakt netværksbetjenten Sofie Lund Telefon: 55 98 76 54 E-mail: ny\.betjent@politi\.example/,
    );
    assert.doesNotMatch(page, /Mads Holm/);

    app.deps.db
      .prepare('DELETE FROM officer_assignments WHERE officer_id = ? AND council_id = ?')
      .run(newOfficer, glumsoe);
    const after = textOf((await new Client(app.url).get(link)).text);
    assert.doesNotMatch(after, /Sofie Lund/);
    assert.match(after, /Mads Holm Telefon: 55 12 34 10 E-mail: betjent@politi\.example/);
  });

  it('reminds a silent department once, after the set time, with a fresh link; the old link stops working and the officer sees it', async () => {
    const id = logConcern('P1');
    const oldLink = await refer(id, 'SSP', SSP);
    const acknowledgedId = logConcern('P2');
    const ackLink = await refer(acknowledgedId, 'Færdsel', TRAFFIC);
    const department = new Client(app.url);
    await department.get(ackLink);
    await department.post(ackLink, { status: 'acknowledged' });

    app.advanceClock(47 * HOUR);
    await app.deliverMail();
    assert.equal(mailsAbout(SSP, id, /Påmindelse/).length, 0, 'not before referral_ack_hours (48)');

    app.advanceClock(2 * HOUR);
    await app.deliverMail();
    const reminders = mailsAbout(SSP, id, /Påmindelse/);
    assert.equal(reminders.length, 1);
    const reminder = reminders[0] as ReceivedMail;
    assert.match(
      reminder.subject,
      /^Påmindelse: henvisning af bekymring #\d+ \(Unge og grupperinger, Glumsø Lokalråd\)$/,
    );
    assert.match(reminder.text, /I har endnu ikke kvitteret/);
    assert.match(reminder.text, /det tidligere link virker ikke længere/);
    assert.match(reminder.text, /Til SSP: se på sagen\./, 'the note again');
    assert.match(reminder.text, /Mads Holm, tlf\. 55 12 34 10/);
    assertNothingOfTheReporter(reminder, 'P1');
    assert.equal(
      mailsAbout(TRAFFIC, acknowledgedId, /Påmindelse/).length,
      0,
      'an acknowledged referral is not reminded',
    );

    const freshLink = linkPathIn(reminder, '/referrals/');
    assert.notEqual(freshLink, oldLink);
    assert.equal((await new Client(app.url).get(oldLink)).status, 404, 'the old link is dead');
    const fresh = new Client(app.url);
    assert.equal((await fresh.get(freshLink)).status, 200);

    // Later ticks, and a second run of the job as another process would do it, send nothing more.
    app.advanceClock(72 * HOUR);
    await app.deliverMail();
    await app.deps.scheduler.tick();
    assert.equal(app.deps.services.referrals.remindSilent(50), 0);
    await app.deliverMail();
    assert.equal(mailsAbout(SSP, id, /Påmindelse/).length, 1, 'exactly one reminder');
    assert.ok(referrals(id)[0]?.reminded_at);
    assert.equal(auditCount('referral.reminded', id), 1);

    await officer.login(DEMO.officer); // the clock moved past the session's idle time
    const staff = textOf((await officer.get(`/concerns/${id}`)).text);
    assert.match(staff, /Påmindelse sendt til SSP med et nyt link/);
    assert.match(staff, /påmindelse sendt \d+\. \w+ \d{4}/);
    assert.equal(eventCount('referral_reminded', id), 1);

    assert.equal((await fresh.get(freshLink)).status, 200);
    assert.equal((await fresh.post(freshLink, { status: 'acknowledged' })).status, 303);
    assert.equal(referrals(id)[0]?.status, 'acknowledged');
  });

  it('sends no reminder after a referral mail that could not be delivered: the officer is flagged instead', async () => {
    app.smtp.respond = (to) =>
      to.includes(PREVENTION) ? { code: 554, message: 'Ukendt modtager' } : undefined;
    try {
      const id = logConcern('P3');
      await officer.login(DEMO.officer);
      await officer.get(`/concerns/${id}/referrals/new`);
      await officer.post(`/concerns/${id}/referrals`, {
        department_id: String(departmentId(app, 'Forebyggelse')),
        note: 'Til Forebyggelse.',
      });
      await app.deliverMail();
      app.advanceClock(49 * HOUR);
      await app.deliverMail();
      assert.equal(referrals(id)[0]?.reminded_at, null);
      assert.equal(eventCount('referral_reminded', id), 0);
      await officer.login(DEMO.officer);
      assert.match(
        textOf((await officer.get(`/concerns/${id}`)).text),
        /Mailen til afdelingen kunne ikke leveres/,
      );
    } finally {
      app.smtp.respond = () => undefined;
    }
  });
});
