/**
 * Issue 3, "Done when": the journey network person → officer → SSP → officer → reporter, over HTTP
 * with real mail through a real SMTP server. One concern, step by step; each step builds on the last.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { linkIn, type ReceivedMail } from '../helpers/smtp.js';
import { loggedIn } from '../helpers/world.js';

const HAL = 'hal@glumsoe.example';
const OFFICER = 'betjent@politi.example';
const ADMIN = 'admin@politi.example';
const SSP = 'ssp@politi.example';

const TITLE = 'Knallerter på stien ved hallen';
const DESCRIPTION =
  'Flere aftener kører knallerter stærkt på stien mellem hallen og skolen, mens børn går hjem.';
const INTERNAL_NOTE = 'Intern: kender to af knallertkørerne fra sidste sommer.';
const REPLY = 'Tak for din henvendelse. Vi ser på det i denne uge.';
const REFERRAL_NOTE = 'Kan SSP tage en snak med de unge på knallerterne ved hallen?';
const ANSWER = 'SSP har talt med de unge og deres forældre. Det er stoppet.';
const FEEDBACK = 'SSP har talt med de unge, og kørslen på stien er stoppet. Tak fordi du sagde til.';

describe('the journey: network person → officer → SSP → officer → reporter', () => {
  let app: TestApp;
  let hal: Client;
  let officer: Client;
  let id = 0;
  let glumsoe = 0;
  let departmentLink = '';

  const mailsTo = async (address: string): Promise<ReceivedMail[]> => {
    await app.deliverMail();
    return app.smtp.to(address).filter((m) => m.subject.includes(`#${id}`));
  };
  const lastMail = async (address: string, subject: RegExp): Promise<ReceivedMail> => {
    const mail = (await mailsTo(address)).filter((m) => subject.test(m.subject)).at(-1);
    assert.ok(mail, `${address} got a mail matching ${subject}`);
    return mail;
  };
  const statusOnCase = async (client: Client) => {
    const page = await client.get(`/concerns/${id}`);
    assert.equal(page.status, 200);
    return textOf(page.text);
  };

  before(async () => {
    app = await startTestApp();
    glumsoe = app.deps.db.prepare("SELECT id FROM councils WHERE slug = 'glumsoe'").pluck().get() as number;
    hal = await loggedIn(app, HAL);
    officer = await loggedIn(app, OFFICER);
  });
  after(() => app.close());

  it('1. hal logs a concern through the form and gets a receipt on screen and by mail', async () => {
    const form = await hal.get('/concerns/new');
    assert.equal(form.status, 200);
    const posted = await hal.post('/concerns', {
      council_id: String(glumsoe),
      category: 'trafik',
      title: TITLE,
      description: DESCRIPTION,
      location: 'Stien mellem Glumsø Hallen og skolen',
      occurred_at: '',
    });
    assert.equal(posted.status, 303, textOf(posted.text).slice(0, 300));
    const m = /^\/concerns\/(\d+)$/.exec(posted.location ?? '');
    assert.ok(m, `redirected to the concern, got ${posted.location}`);
    id = Number(m[1]);

    const page = textOf((await hal.get(`/concerns/${id}`)).text);
    assert.match(page, new RegExp(`Tak – vi har modtaget din bekymring #${id}`));
    assert.ok(page.includes(TITLE) && page.includes(DESCRIPTION));
    assert.match(page, /Ny/);

    const receipt = await lastMail(HAL, /^Kvittering: bekymring #\d+ er modtaget$/);
    assert.ok(receipt.text.includes(TITLE));
    assert.equal(linkIn(receipt, `/concerns/${id}`), `${app.url}/concerns/${id}`);
  });

  it('2. the officer sees it in /triage and finds it with ?q=', async () => {
    const queue = await officer.get('/triage');
    assert.equal(queue.status, 200);
    assert.ok(queue.text.includes(`href="/concerns/${id}"`), 'the queue links to the concern');
    assert.ok(textOf(queue.text).includes(TITLE));

    const found = await officer.get(`/triage?q=${encodeURIComponent('knallerter skolen')}`);
    assert.equal(found.status, 200);
    assert.ok(found.text.includes(`href="/concerns/${id}"`), 'the search finds it by its words');
    const notFound = await officer.get(`/triage?q=${encodeURIComponent('brandalarm')}`);
    assert.equal(notFound.status, 200);
    assert.ok(!notFound.text.includes(`href="/concerns/${id}"`), 'and not for other words');
  });

  it('3. the officer sets priority høj', async () => {
    await officer.get(`/concerns/${id}`);
    const saved = await officer.post(`/concerns/${id}/triage`, {
      category: 'trafik',
      priority: 'high',
      status: 'new',
    });
    assert.equal(saved.status, 303);
    assert.equal(saved.location, `/concerns/${id}`);
    const row = app.deps.db.prepare('SELECT priority, status FROM concerns WHERE id = ?').get(id);
    assert.deepEqual(row, { priority: 'high', status: 'new' });
    assert.match(await statusOnCase(officer), /Prioritet Høj/);
  });

  it('4. the officer writes an internal note and a public reply; hal gets the reply by mail, never the note', async () => {
    const note = await officer.post(`/concerns/${id}/notes`, { body: INTERNAL_NOTE, visibility: 'internal' });
    assert.equal(note.status, 303);
    const reply = await officer.post(`/concerns/${id}/notes`, { body: REPLY, visibility: 'public' });
    assert.equal(reply.status, 303);

    const staffPage = await statusOnCase(officer);
    assert.ok(staffPage.includes(INTERNAL_NOTE) && staffPage.includes(REPLY));
    assert.match(staffPage, /Under behandling/, 'the first public reply starts the handling');

    const mail = await lastMail(HAL, /^Svar på din bekymring #\d+$/);
    assert.ok(mail.text.includes(REPLY), 'the reply is in the mail');
    for (const m of await mailsTo(HAL)) {
      assert.ok(!`${m.text}${m.html}`.includes(INTERNAL_NOTE), `no internal note in "${m.subject}"`);
    }
    const halPage = await statusOnCase(hal);
    assert.ok(halPage.includes(REPLY) && !halPage.includes(INTERNAL_NOTE));
  });

  it('5. the officer refers it to SSP; SSP gets a mail with the note and a link, hal only that it was passed on', async () => {
    const form = await officer.get(`/concerns/${id}/referrals/new`);
    assert.equal(form.status, 200);
    const ssp = app.deps.db.prepare("SELECT id FROM departments WHERE name = 'SSP'").pluck().get() as number;
    const sent = await officer.post(`/concerns/${id}/referrals`, {
      department_id: String(ssp),
      note: REFERRAL_NOTE,
    });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/concerns/${id}#referrals`);
    assert.match(await statusOnCase(officer), /Venter på afdeling/);

    const mail = await lastMail(SSP, /^Henvisning fra Nærnet: bekymring #\d+ /);
    assert.ok(mail.text.includes(REFERRAL_NOTE));
    assert.ok(!`${mail.text}${mail.html}`.includes(DESCRIPTION), 'never the description');
    assert.ok(!`${mail.text}${mail.html}`.includes('Jens Æbeltoft'), "never the reporter's name");
    departmentLink = new URL(linkIn(mail, '/referrals/')).pathname;

    const told = await lastMail(HAL, /^Din bekymring #\d+ er sendt videre$/);
    assert.ok(told.text.includes('SSP'));
    assert.ok(!told.text.includes(REFERRAL_NOTE), 'without the note');
  });

  it('6. SSP opens the link without an account, acknowledges and answers; the officer is told', async () => {
    const department = new Client(app.url);
    const page = await department.get(departmentLink);
    assert.equal(page.status, 200);
    assert.ok(textOf(page.text).includes(REFERRAL_NOTE));
    assert.ok(!textOf(page.text).includes(DESCRIPTION));

    const ack = await department.post(departmentLink, { status: 'acknowledged', answer: '' });
    assert.equal(ack.status, 303);
    assert.equal(ack.location, departmentLink);
    assert.match(textOf((await department.get(departmentLink)).text), /modtaget/i);

    const answered = await department.post(departmentLink, { status: 'answered', answer: ANSWER });
    assert.equal(answered.status, 303);

    const mail = await lastMail(OFFICER, /^SSP har svaret på bekymring #\d+$/);
    assert.ok(mail.text.includes(ANSWER), 'the answer is in the mail');
    assert.match(linkIn(mail, `/concerns/${id}`), new RegExp(`^${app.url}/concerns/${id}(#referrals)?$`));
  });

  it('7. the concern is back "under behandling" with the answer on the case page, not on hal’s', async () => {
    const staffPage = await statusOnCase(officer);
    assert.match(staffPage, /Under behandling/);
    assert.ok(staffPage.includes(ANSWER));
    assert.equal(
      app.deps.db.prepare('SELECT status FROM concerns WHERE id = ?').pluck().get(id),
      'in_progress',
    );
    const halPage = await statusOnCase(hal);
    assert.match(halPage, /Under behandling/);
    assert.ok(!halPage.includes(ANSWER) && !halPage.includes(REFERRAL_NOTE));
  });

  it('8. the officer closes it as løst with feedback; hal gets the mail and sees Afsluttet, løst and the feedback', async () => {
    const closed = await officer.post(`/concerns/${id}/close`, {
      resolution: 'resolved',
      feedback: FEEDBACK,
    });
    assert.equal(closed.status, 303);

    const mail = await lastMail(HAL, /^Din bekymring #\d+ er afsluttet$/);
    assert.ok(mail.text.includes(FEEDBACK), 'the feedback is in the mail');
    assert.match(mail.text, /Udfald: løst/);

    const page = await statusOnCase(hal);
    assert.match(page, /Afsluttet/);
    assert.match(page, /Udfald: Løst/);
    assert.ok(page.includes(FEEDBACK));
    for (const secret of [INTERNAL_NOTE, REFERRAL_NOTE, ANSWER]) {
      assert.ok(!page.includes(secret), `hal's page does not show "${secret}"`);
    }
    for (const m of await mailsTo(HAL)) {
      for (const secret of [INTERNAL_NOTE, REFERRAL_NOTE, ANSWER]) {
        assert.ok(!`${m.text}${m.html}`.includes(secret), `"${m.subject}" does not contain "${secret}"`);
      }
    }
  });

  it("9. the audit log, filtered on the concern, lists the officer's reads and changes", async () => {
    const admin = await loggedIn(app, ADMIN);
    const page = await admin.get(`/admin/audit?entity_type=concern&entity_id=${id}`);
    assert.equal(page.status, 200);
    const rows = [...page.text.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => textOf(m[1] as string));
    const byOfficer = rows.filter((r) => r.includes('Mads Holm'));
    for (const action of [
      'Bekymring læst',
      'Kategori, prioritet eller status ændret',
      'Intern note skrevet',
      'Svar til indmelder',
      'Henvisning sendt til afdeling',
      'Bekymring afsluttet',
    ]) {
      assert.ok(
        byOfficer.some((r) => r.includes(action)),
        `the officer's "${action}" is in the log:\n${rows.join('\n')}`,
      );
    }
    assert.ok(
      rows.some((r) => r.includes('Jens Æbeltoft') && r.includes('Bekymring oprettet')),
      "hal's logging",
    );
    assert.ok(
      rows.some((r) => r.includes('Afdeling besvarede henvisning')),
      "SSP's answer",
    );
    assert.ok(
      rows.every((r) => r.includes(`#${id}`) || !r.includes('Bekymring')),
      'only this concern is listed',
    );
  });
});
