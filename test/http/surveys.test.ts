import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConflictError } from '../../src/errors.js';
import { SurveysRepository } from '../../src/features/surveys/surveys.repository.js';
import { SurveysService } from '../../src/features/surveys/surveys.service.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import {
  actorOf,
  addCouncil,
  addPerson,
  councilId,
  postSurvey as createSurvey,
  DEMO,
  loggedIn,
  loginAll,
  type NewPerson,
  userByEmail,
  userId,
} from '../helpers/world.js';

/**
 * Surveys of network persons (issue 6, item 4; issue 11, item 3): who opens, answers and reads them,
 * once per person, who answered kept apart from what was answered, the Copenhagen answering window,
 * a council's figures for every role only from 5 answers on (ratings, mean and comments once the
 * survey is over), totals that leave small councils out, comments without names and in alphabetical
 * order, invitation mail that states the rule.
 */

const LOGINS = {
  ...DEMO,
  foreignOfficer: 'fremmed@politi.example',
  g3: 'skole@glumsoe.example',
  g4: 'kirke@glumsoe.example',
  faxe: 'net@faxe.example',
} as const;
type Role = keyof typeof LOGINS;

/** Names of people who answer: they must never appear on a results page. */
const RESPONDENT_NAMES = ['Jens Æbeltoft', 'Lise Østergaard', 'Birgit Sørensen', 'Skole Glumsø'];

/** Someone beside the demo, with hal's password, as an accepted invitation leaves them. */
const addAcceptedPerson = (app: TestApp, person: NewPerson) =>
  addPerson(app, {
    passwordHash: userByEmail(app, LOGINS.hal)?.password_hash,
    privacyAccepted: true,
    at: new Date().toISOString(),
    ...person,
  });

/**
 * Beyond the demo: two more active Glumsø members, one invited (not yet active) Glumsø member, a
 * council in Faxe with its own officer and network person — "foreign" to the pilot surveys.
 */
function seedPeople(app: TestApp): void {
  const faxe = addCouncil(app, {
    name: 'Faxe Lokalråd',
    slug: 'faxe-test',
    municipality: 'Faxe',
    at: new Date().toISOString(),
  });
  const glumsoe = [{ councilId: councilId(app, 'glumsoe') }];
  addAcceptedPerson(app, { email: LOGINS.g3, name: 'Skole Glumsø', memberOf: glumsoe });
  addAcceptedPerson(app, { email: LOGINS.g4, name: 'Kirke Glumsø', memberOf: glumsoe });
  addAcceptedPerson(app, {
    email: 'inviteret@glumsoe.example',
    name: 'Inviteret Glumsø',
    status: 'invited',
    memberOf: glumsoe,
  });
  addAcceptedPerson(app, {
    email: LOGINS.foreignOfficer,
    name: 'Fremmed Betjent',
    isOfficer: true,
    officerOf: [faxe],
  });
  addAcceptedPerson(app, { email: LOGINS.faxe, name: 'Net Faxe', memberOf: [{ councilId: faxe }] });
}

/**
 * A results page shows no figure at all: no "n af m", no percentage, no mean, no distribution, no
 * number in a council's row.
 */
function assertNoFigures(text: string, role: string): void {
  assert.doesNotMatch(text, /\d+ af \d+/, `${role}: a count of answers`);
  assert.doesNotMatch(text, /\d+ %/, `${role}: a rate or share`);
  assert.doesNotMatch(text, /Gennemsnit \d/, `${role}: a mean`);
  assert.doesNotMatch(
    text,
    /(Meget tilfreds|Tilfreds|Utilfreds|Meget utilfreds) \d/,
    `${role}: a distribution`,
  );
  assert.doesNotMatch(text, /(Glumsø|Fladså) Lokalråd \d/, `${role}: a number in a council's row`);
}

/** The comments of the first survey appear nowhere. */
function assertNoComments(text: string, role: string): void {
  for (const c of ['Godt samarbejde', 'Ærlig snak', 'Mere information', 'Alt for langsomme']) {
    assert.ok(!text.includes(c), `${role}: comment ${c}`);
  }
  assert.doesNotMatch(text, /Kommentarer \(\d/, `${role}: a number of comments`);
}

/** The survey lines of /stats/figures.csv for one survey: item (after "title: ") → value. */
function surveyCsv(csv: string, title = 'Evaluering af piloten <b>2015</b>'): Record<string, string> {
  const lines: Record<string, string> = {};
  for (const line of csv.replace(/^\uFEFF/, '').split('\r\n')) {
    const [section, item, value] = line.split(';');
    if (section === 'Spørgeskema' && item?.startsWith(`${title}: `)) {
      lines[item.slice(title.length + 2)] = value ?? '';
    }
  }
  return lines;
}

async function answer(client: Client, id: number, form: Record<string, string>) {
  await client.get(`/surveys/${id}`);
  return client.post(`/surveys/${id}/responses`, form);
}

describe('surveys', () => {
  let app: TestApp;
  let clients: Record<Role, Client>;
  let today: string;
  const glumsoe = () => String(councilId(app, 'glumsoe'));
  const fladsaa = () => String(councilId(app, 'fladsaa'));
  const count = (sql: string, ...params: unknown[]) =>
    app.deps.db
      .prepare(sql)
      .pluck()
      .get(...params) as number;

  before(async () => {
    app = await startTestApp();
    seedPeople(app);
    clients = await loginAll(app, LOGINS);
    today = app.deps.services.surveys.today();
  });
  after(() => app.close());

  const form = (overrides: Record<string, string | string[]> = {}) => ({
    title: 'Tilfredshed med Nærnet',
    intro: 'Hjælp os med at blive bedre.',
    opens_on: today,
    closes_on: '2099-12-31',
    council_ids: [glumsoe(), fladsaa()],
    ...overrides,
  });

  describe('opening a survey', () => {
    it('officers and district admins get the form; council admins and network persons get 404', async () => {
      for (const role of ['admin', 'officer', 'foreignOfficer'] as Role[]) {
        const page = await clients[role].get('/surveys/new');
        assert.equal(page.status, 200, role);
        assert.match(textOf(page.text), /Sådan beskyttes svarene/);
        assert.match(textOf(page.text), /Nærnet gemmer, hvem der har svaret .* adskilt fra svarene/);
        // The rule, stated to those who will read the results: at least 5, for them too.
        assert.match(
          textOf(page.text),
          /Tal for et lokalråd – antal svar, svarprocent, fordeling, gennemsnit og kommentarer – vises kun, når mindst 5 har svaret i lokalrådet\. Det gælder alle, også dig og politikredsens administratorer/,
        );
        assert.match(
          textOf(page.text),
          /tal for flere lokalråd tilsammen omfatter kun lokalråd med mindst 5 svar/,
        );
      }
      for (const role of ['formand', 'hal', 'vest'] as Role[]) {
        assert.equal((await clients[role].get('/surveys/new')).status, 404, role);
        assert.equal((await clients[role].post('/surveys', form())).status, 404, `${role} POST`);
      }
      assert.equal((await new Client(app.url).get('/surveys/new')).status, 303);
    });

    it('an officer is offered only the councils they cover; a district admin also the whole district', async () => {
      const officer = textOf((await clients.officer.get('/surveys/new')).text);
      assert.match(officer, /Glumsø Lokalråd/);
      assert.doesNotMatch(officer, /Faxe Lokalråd/);
      assert.doesNotMatch(officer, /Hele politikredsen/);
      const foreign = textOf((await clients.foreignOfficer.get('/surveys/new')).text);
      assert.match(foreign, /Faxe Lokalråd/);
      assert.doesNotMatch(foreign, /Glumsø Lokalråd/);
      assert.match(textOf((await clients.admin.get('/surveys/new')).text), /Hele politikredsen/);
    });

    it('refuses a closing date before the opening date in Danish and keeps the input', async () => {
      await clients.officer.get('/surveys/new');
      const page = await clients.officer.post(
        '/surveys',
        form({ title: 'Min undersøgelse', opens_on: '2099-06-10', closes_on: '2099-06-09' }),
      );
      assert.equal(page.status, 422);
      assert.match(textOf(page.text), /Lukkedatoen skal være samme dag som eller efter åbningsdatoen/);
      assert.match(page.text, /href="#field-closes_on"/);
      assert.match(page.text, /value="Min undersøgelse"/);
      assert.match(page.text, /value="2099-06-10"/);
      assert.match(page.text, new RegExp(`value="${glumsoe()}" checked`));
    });

    it('refuses missing fields, bad dates, a past opening date and no councils — never a 500', async () => {
      const empty = await clients.officer.post('/surveys', { council_ids: 'x' });
      assert.equal(empty.status, 422);
      assert.match(textOf(empty.text), /Skriv en titel/);
      assert.match(textOf(empty.text), /Skriv datoen, hvor undersøgelsen åbner/);
      const bad = await clients.officer.post('/surveys', form({ opens_on: '2099-02-30' }));
      assert.equal(bad.status, 422);
      assert.match(textOf(bad.text), /Skriv en gyldig dato for, hvornår undersøgelsen åbner/);
      const past = await clients.officer.post('/surveys', form({ opens_on: '2015-02-24' }));
      assert.equal(past.status, 422);
      assert.match(textOf(past.text), /Undersøgelsen kan tidligst åbne i dag/);
      const none = await clients.officer.post('/surveys', form({ council_ids: [] }));
      assert.equal(none.status, 422);
      assert.match(textOf(none.text), /Vælg mindst ét lokalråd/);
    });

    it("an officer cannot ask another officer's council", async () => {
      await clients.foreignOfficer.get('/surveys/new');
      const page = await clients.foreignOfficer.post('/surveys', form({ council_ids: [glumsoe()] }));
      assert.equal(page.status, 422);
      assert.match(textOf(page.text), /Du kan kun spørge lokalråd, som du dækker/);
      const whole = await clients.officer.post('/surveys', form({ council_ids: [], whole_district: '1' }));
      assert.equal(whole.status, 422);
    });

    it('a POST without _csrf is refused with 403', async () => {
      await clients.officer.get('/surveys/new');
      assert.equal((await clients.officer.post('/surveys', { ...form(), _csrf: '' })).status, 403);
    });
  });

  describe('one survey of Glumsø and Fladså', () => {
    let id: number;
    before(async () => {
      app.smtp.received.length = 0;
      id = await createSurvey(clients.officer, form({ title: 'Evaluering af piloten <b>2015</b>' }));
    });

    it('records survey.created and queues one invitation per active asked person, which arrives by SMTP', async () => {
      assert.equal(
        count("SELECT count(*) FROM audit_log WHERE action = 'survey.created' AND entity_id = ?", id),
        1,
      );
      // formand, hal, g3, g4 in Glumsø; brugs in Fladså. Not the invited person, not Vestegn or Faxe.
      assert.equal(count("SELECT count(*) FROM outbox WHERE kind = 'survey_invitation'"), 5);
      await app.deliverMail();
      for (const role of ['formand', 'hal', 'g3', 'g4', 'brugs'] as Role[]) {
        const mails = app.smtp.to(LOGINS[role]);
        assert.equal(mails.length, 1, role);
        const mail = mails[0];
        assert.ok(mail);
        assert.equal(mail.subject, 'Hvad synes du om Nærnet? Svar på en kort undersøgelse');
        assert.ok(mail.text.includes(`${app.url}/surveys/${id}`), 'the link to the survey');
        assert.match(mail.text, /til og med 31\. december 2099/);
        assert.match(mail.text, /Evaluering af piloten <b>2015<\/b>/);
        // The promise: that you answered is kept apart from the answer, which has no name or time.
        assert.match(mail.text, /Nærnet gemmer, at du har svaret, så du kun kan svare én gang/);
        assert.match(mail.text, /adskilt fra dit svar, og svaret gemmes uden dit navn og uden tidspunkt/);
        assert.match(mail.text, /Resultaterne viser ingen navne/);
        assert.doesNotMatch(mail.text, /gemmer kun/);
        // The rule of at least 5, in the text and the HTML part alike.
        const rule =
          /Nærnet viser hverken tal eller kommentarer fra et lokalråd, hvor færre end 5 har svaret – heller ikke til politiet\. Fordelingen, gennemsnittet og kommentarerne vises først, når undersøgelsen er slut/;
        assert.match(mail.text.replace(/\s+/g, ' '), rule);
        assert.match(textOf(mail.html), rule);
      }
      for (const email of [LOGINS.vest, LOGINS.faxe, 'inviteret@glumsoe.example', LOGINS.officer]) {
        assert.equal(app.smtp.to(email).length, 0, email);
      }
    });

    it('the start page of an asked network person links to the open survey; others see no notice', async () => {
      const home = await clients.hal.get('/');
      assert.match(textOf(home.text), /Svar på en kort undersøgelse/);
      assert.ok(home.text.includes(`href="/surveys/${id}"`));
      assert.ok(!home.text.includes('<b>2015</b>'), 'the title is escaped');
      for (const role of ['vest', 'faxe', 'officer'] as Role[]) {
        assert.ok(!(await clients[role].get('/')).text.includes(`/surveys/${id}"`), role);
      }
    });

    it('who may open the survey page: asked members, its staff; others get 404', async () => {
      for (const role of ['hal', 'brugs', 'formand', 'officer', 'admin'] as Role[]) {
        assert.equal((await clients[role].get(`/surveys/${id}`)).status, 200, role);
      }
      for (const role of ['vest', 'faxe', 'foreignOfficer'] as Role[]) {
        assert.equal((await clients[role].get(`/surveys/${id}`)).status, 404, role);
      }
      assert.equal((await clients.hal.get('/surveys/99999')).status, 404);
      assert.equal((await new Client(app.url).get(`/surveys/${id}`)).status, 303);
    });

    it('a network person sees the question as radio buttons in a fieldset, and no results', async () => {
      const page = await clients.hal.get(`/surveys/${id}`);
      assert.match(page.text, /<legend class="form-label">Hvor tilfreds er du samlet set/);
      for (const r of ['1', '2', '3', '4'])
        assert.match(page.text, new RegExp(`type="radio"[^>]*value="${r}"`));
      assert.match(textOf(page.text), /1 – Meget utilfreds/);
      assert.match(textOf(page.text), /4 – Meget tilfreds/);
      assert.match(textOf(page.text), /Skriv ikke navne på andre personer/);
      assert.match(
        textOf(page.text),
        /Nærnet gemmer, at du har svaret, så du kun kan svare én gang\. Det gemmes adskilt fra dit svar/,
      );
      assert.match(textOf(page.text), /uden dit navn og uden tidspunkt/);
      assert.match(textOf(page.text), /Resultaterne viser ingen navne/);
      assert.match(
        textOf(page.text),
        /Nærnet viser hverken tal eller kommentarer fra et lokalråd, hvor færre end 5 har svaret – heller ikke til politiet – og fordelingen, gennemsnittet og kommentarerne først, når undersøgelsen er slut/,
      );
      assert.doesNotMatch(textOf(page.text), /Svarprocent|Har svaret \d|Gennemsnit/);
      assert.ok(!page.text.includes('id="results"'), 'no results section');
    });

    it('a network person outside the survey cannot answer it (404)', async () => {
      await clients.vest.get('/');
      const page = await clients.vest.post(`/surveys/${id}/responses`, { rating: '4' });
      assert.equal(page.status, 404);
      assert.equal(count('SELECT count(*) FROM survey_responses WHERE survey_id = ?', id), 0);
    });

    it('refuses a missing or invalid rating and a too long comment, keeping the comment', async () => {
      const missing = await answer(clients.hal, id, { comment: 'Godt samarbejde' });
      assert.equal(missing.status, 422);
      assert.match(textOf(missing.text), /Vælg, hvor tilfreds du er/);
      assert.match(missing.text, /href="#field-rating"/);
      assert.match(missing.text, /Godt samarbejde<\/textarea>/);
      const five = await clients.hal.post(`/surveys/${id}/responses`, { rating: '5' });
      assert.equal(five.status, 422);
      const long = await clients.hal.post(`/surveys/${id}/responses`, {
        rating: '3',
        comment: 'x'.repeat(2001),
      });
      assert.equal(long.status, 422);
      assert.match(textOf(long.text), /Skriv en kommentar på højst 2\.000 tegn/);
      assert.equal(count('SELECT count(*) FROM survey_responses WHERE survey_id = ?', id), 0);
    });

    it('answers once: thanks, no form again, a second POST is refused and the first answer stands', async () => {
      const first = await answer(clients.hal, id, { rating: '4', comment: 'Godt samarbejde med betjenten' });
      assert.equal(first.status, 303);
      assert.equal(first.location, `/surveys/${id}`);
      const after = await clients.hal.get(`/surveys/${id}`);
      assert.match(textOf(after.text), /Tak for dit svar/);
      assert.match(textOf(after.text), /Tak, du har svaret/);
      assert.ok(!after.text.includes(`action="/surveys/${id}/responses"`), 'no form again');

      const again = await clients.hal.post(`/surveys/${id}/responses`, { rating: '1', comment: 'Igen' });
      assert.equal(again.status, 409);
      assert.match(textOf(again.text), /Du har allerede svaret på denne undersøgelse/);
      // One participant row and one answer: the first.
      assert.deepEqual(
        app.deps.db.prepare('SELECT user_id FROM survey_participants WHERE survey_id = ?').pluck().all(id),
        [userId(app, LOGINS.hal)],
      );
      assert.deepEqual(
        app.deps.db.prepare('SELECT rating, comment FROM survey_responses WHERE survey_id = ?').all(id),
        [{ rating: 4, comment: 'Godt samarbejde med betjenten' }],
      );
      assert.ok(!(await clients.hal.get('/')).text.includes(`href="/surveys/${id}"`), 'the notice is gone');
    });

    it('no row links the person to their answer: who answered is stored apart, without council or time', () => {
      const db = app.deps.db;
      const columns = (table: string) =>
        (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(table) as string[]).sort();
      // The answer: no person, no timestamp (not even a date).
      assert.deepEqual(columns('survey_responses'), ['comment', 'council_id', 'id', 'rating', 'survey_id']);
      // That the person answered: nothing else — no council, no time, no rowid (stored in user order).
      assert.deepEqual(columns('survey_participants'), ['survey_id', 'user_id']);
      assert.throws(() => db.prepare('SELECT rowid FROM survey_participants').all(), /no such column: rowid/);
      // No other table names the answer or its author: nothing is audited or mailed for an answer.
      for (const table of db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'survey%'")
        .pluck()
        .all() as string[]) {
        const cols = columns(table);
        assert.ok(
          !(cols.includes('user_id') && (cols.includes('rating') || cols.includes('comment'))),
          table,
        );
      }
      assert.equal(
        count(
          "SELECT count(*) FROM audit_log WHERE entity_type = 'survey' AND entity_id = ? AND action <> 'survey.created'",
          id,
        ),
        0,
      );
      assert.equal(
        count("SELECT count(*) FROM outbox WHERE text_body LIKE '%Godt samarbejde med betjenten%'"),
        0,
      );
    });

    it('the database itself refuses a second answer by the same person', () => {
      assert.throws(
        () =>
          app.deps.db
            .prepare('INSERT INTO survey_participants (survey_id, user_id) VALUES (?, ?)')
            .run(id, userId(app, LOGINS.hal)),
        /UNIQUE constraint failed: survey_participants/,
      );
    });

    it('two racing submits: the second fails on the participants key, is "already answered" and adds nothing', () => {
      const db = app.deps.db;
      const repo = new SurveysRepository(db);
      // As if the other submit had not committed yet when this one checked.
      const racing = Object.assign(Object.create(repo), { hasAnswered: () => false }) as SurveysRepository;
      const service = new SurveysService({
        db,
        surveys: racing,
        mailer: app.deps.mailer,
        audit: app.deps.audit,
        now: app.deps.now,
        baseUrl: app.deps.baseUrl,
      });
      const hal = actorOf(app, LOGINS.hal);
      const responses = count('SELECT count(*) FROM survey_responses WHERE survey_id = ?', id);
      assert.throws(
        () => service.respond(hal, id, { rating: 1, comment: 'Igen', council_id: null }),
        (err: unknown) =>
          err instanceof ConflictError && err.messageKey === 'surveys.errors.already_answered' && !err.field,
      );
      assert.equal(count('SELECT count(*) FROM survey_responses WHERE survey_id = ?', id), responses);
      assert.equal(count('SELECT count(*) FROM survey_participants WHERE survey_id = ?', id), 1);
    });

    describe('with everyone’s answers in: 3 from Glumsø, 1 from Fladså', () => {
      before(async () => {
        // Answer order: hal (Godt …), formand (Ærlig …), g3 (Mere …), brugs (Alt …).
        assert.equal(
          (await answer(clients.formand, id, { rating: '3', comment: 'Ærlig snak på møderne' })).status,
          303,
        );
        assert.equal(
          (await answer(clients.g3, id, { rating: '2', comment: 'Mere information fra politiet, tak' }))
            .status,
          303,
        );
        assert.equal(
          (await answer(clients.brugs, id, { rating: '1', comment: 'Alt for langsomme svar' })).status,
          303,
        );
      });

      it('no role sees a figure of a council with fewer than 5 answers while it is open: not the count, the rate, the ratings or the mean', async () => {
        for (const role of ['officer', 'admin', 'formand'] as Role[]) {
          const page = await clients[role].get(`/surveys/${id}`);
          assert.equal(page.status, 200, role);
          const text = textOf(page.text);
          assertNoFigures(text, role);
          assert.match(text, /Tal vises kun for mindst 5 svar/, role);
          assert.match(
            text,
            /Det gælder alle, også netværksbetjente og politikredsens administratorer, mens undersøgelsen er åben og bagefter/,
            role,
          );
          assert.ok(text.includes('Glumsø Lokalråd Færre end 5 svar – vises ikke'), `${role} Glumsø row`);
          if (role !== 'formand') {
            assert.ok(text.includes('Fladså Lokalråd Færre end 5 svar – vises ikke'), `${role} Fladså row`);
            assert.match(text, /Har svaret Færre end 5 svar i hvert lokalråd – vises ikke/, role);
            // No comment while it is open, not even to staff.
            assert.match(text, /Kommentarerne vises, når undersøgelsen er slut/, role);
          } else {
            assert.doesNotMatch(text, /Fladså Lokalråd Færre/);
            assert.match(text, /Har svaret Færre end 5 svar – vises ikke/);
            assert.match(text, /Du ser tallene for dit eget lokalråd\. Kommentarerne ses kun af politiet/);
          }
          assertNoComments(text, role);
        }
      });

      it('network persons never see results', async () => {
        const text = textOf((await clients.brugs.get(`/surveys/${id}`)).text);
        assert.match(text, /Tak, du har svaret/);
        assert.doesNotMatch(text, /Resultater|Gennemsnit|Alt for langsomme svar/);
        assert.equal((await clients.hal.get('/surveys')).status, 404);
      });

      it('the list shows no count or mean for the survey to anyone', async () => {
        for (const role of ['officer', 'admin'] as Role[]) {
          const text = textOf((await clients[role].get('/surveys')).text);
          assert.match(
            text,
            /Evaluering af piloten <b>2015<\/b> .* Åben Færre end 5 svar i hvert lokalråd – vises ikke/,
            role,
          );
          assert.match(
            text,
            /Tal vises kun for lokalråd, hvor mindst 5 har svaret – for alle, også politiet/,
          );
        }
        const formand = textOf((await clients.formand.get('/surveys')).text);
        assert.match(formand, /Evaluering af piloten <b>2015<\/b> .* Åben Færre end 5 svar – vises ikke/);
        assert.doesNotMatch(formand, /\d af \d/);
        const foreign = textOf((await clients.foreignOfficer.get('/surveys')).text);
        assert.doesNotMatch(foreign, /Evaluering af piloten/);
      });

      it('resultsForReport counts no council with fewer than 5 answers, for staff too', () => {
        const surveys = app.deps.services.surveys;
        const actor = (role: Role) => actorOf(app, LOGINS[role]);
        const both = [Number(glumsoe()), Number(fladsaa())];
        const query = { from: today, to: today, councilIds: both };
        for (const role of ['officer', 'admin', 'formand'] as Role[]) {
          const result = surveys.resultsForReport(actor(role), query).find((r) => r.id === id);
          assert.ok(result, role);
          assert.deepEqual(
            {
              invited: result.invited,
              answered: result.answered,
              ratings: result.ratings,
              mean: result.mean,
              comments: result.comments,
              shown: result.councilsShown,
            },
            { invited: null, answered: null, ratings: null, mean: null, comments: undefined, shown: 0 },
            role,
          );
        }
        const onlyFladsaa = surveys
          .resultsForReport(actor('admin'), { ...query, councilIds: [Number(fladsaa())] })
          .find((r) => r.id === id);
        assert.deepEqual(
          { answered: onlyFladsaa?.answered, mean: onlyFladsaa?.mean, notes: onlyFladsaa?.notes },
          { answered: null, mean: null, notes: [{ key: 'surveys.results.hidden' }] },
        );
        assert.deepEqual(surveys.resultsForReport(actor('hal'), query), []);
        assert.deepEqual(surveys.resultsForReport(actor('foreignOfficer'), query), []);
        // A period before the survey opened.
        assert.deepEqual(
          surveys.resultsForReport(actor('officer'), {
            from: '2015-01-01',
            to: '2015-12-31',
            councilIds: both,
          }),
          [],
        );
      });

      it('/stats and its CSV export show no count, rating or mean for Fladså alone', async () => {
        const query = `from=${today}&to=${today}&council_ids=${fladsaa()}`;
        for (const role of ['officer', 'admin'] as Role[]) {
          const stats = textOf((await clients[role].get(`/stats?${query}`)).text);
          assert.match(stats, /Evaluering af piloten <b>2015<\/b> .*\. Færre end 5 svar – vises ikke/, role);
          assert.doesNotMatch(stats, /spurgte har svaret|Gennemsnitlig vurdering|Alt for langsomme/, role);
          const csv = await clients[role].get(`/stats/figures.csv?${query}`);
          assert.equal(csv.status, 200, role);
          assert.deepEqual(surveyCsv(csv.text), {
            'lokalråd med mindst 5 svar (talt med)': '0',
            'lokalråd i alt': '1',
            svar: '',
            spurgte: '',
            gennemsnit: '',
          });
        }
      });

      it('closing early: not by a foreign officer or a council admin; by its officer, audited, and answering stops', async () => {
        for (const role of ['foreignOfficer', 'formand', 'hal'] as Role[]) {
          await clients[role].get('/');
          assert.equal((await clients[role].post(`/surveys/${id}/close`)).status, 404, role);
        }
        await clients.officer.get(`/surveys/${id}`);
        const page = await clients.officer.post(`/surveys/${id}/close`);
        assert.equal(page.status, 303);
        assert.equal(
          count("SELECT count(*) FROM audit_log WHERE action = 'survey.closed' AND entity_id = ?", id),
          1,
        );
        assert.match(textOf((await clients.officer.get(`/surveys/${id}`)).text), /Lukket før tid/);
        // g4 never answered: now the survey is gone for them, and the answer is refused.
        assert.equal((await clients.g4.get(`/surveys/${id}`)).status, 404);
        await clients.g4.get('/');
        assert.equal((await clients.g4.post(`/surveys/${id}/responses`, { rating: '4' })).status, 404);
        assert.ok(!(await clients.g4.get('/')).text.includes(`href="/surveys/${id}"`));
        assert.equal((await clients.formand.get(`/surveys/${id}`)).status, 200);
      });

      it('closed: still no figure and no comment of a council with fewer than 5 answers, to any role', async () => {
        for (const role of ['officer', 'admin', 'formand'] as Role[]) {
          const text = textOf((await clients[role].get(`/surveys/${id}`)).text);
          assert.match(text, /Lukket før tid/, role);
          assertNoFigures(text, role);
          assertNoComments(text, role);
          if (role !== 'formand') {
            assert.ok(text.includes('Fladså Lokalråd Færre end 5 svar – vises ikke'), role);
            assert.match(
              text,
              /Kommentarer vises kun fra lokalråd med mindst 5 svar, og her er der ingen/,
              role,
            );
          }
        }
        const stats = textOf(
          (await clients.officer.get(`/stats?from=${today}&to=${today}&council_ids=${fladsaa()}`)).text,
        );
        assert.doesNotMatch(stats, /spurgte har svaret|Gennemsnitlig vurdering|Alt for langsomme/);
        assert.equal(
          surveyCsv((await clients.admin.get(`/stats/figures.csv?from=${today}&to=${today}`)).text).svar,
          '',
        );
      });
    });
  });

  it('someone in two asked councils chooses the council they answer for, and counts once among the asked', async () => {
    const now = new Date().toISOString();
    app.deps.db
      .prepare(
        `INSERT INTO memberships (user_id, council_id, role, created_at, updated_at) VALUES (?, ?, 'network_person', ?, ?)`,
      )
      .run(userId(app, LOGINS.g4), councilId(app, 'fladsaa'), now, now);
    const g4 = await loggedIn(app, LOGINS.g4); // memberships are read at login
    const id = await createSurvey(clients.officer, form({ title: 'To lokalråd' }));
    const page = await g4.get(`/surveys/${id}`);
    assert.match(textOf(page.text), /Vælg det, du svarer for/);
    const missing = await g4.post(`/surveys/${id}/responses`, { rating: '2' });
    assert.equal(missing.status, 422);
    assert.match(textOf(missing.text), /Vælg det lokalråd, du svarer for/);
    const foreign = await g4.post(`/surveys/${id}/responses`, {
      rating: '2',
      council_id: String(councilId(app, 'vestegn')),
    });
    assert.equal(foreign.status, 422);
    assert.equal(
      (await g4.post(`/surveys/${id}/responses`, { rating: '2', council_id: fladsaa() })).status,
      303,
    );
    assert.equal(
      count('SELECT council_id FROM survey_responses WHERE survey_id = ?', id),
      councilId(app, 'fladsaa'),
    );
    // Glumsø: formand, hal, g3, g4 = 4; Fladså: brugs, g4 = 2; distinct people: 5 (the raw count,
    // before the rule of at least 5 answers decides what is shown).
    const raw = new SurveysRepository(app.deps.db).figures([
      [id, councilId(app, 'glumsoe')],
      [id, councilId(app, 'fladsaa')],
    ]);
    assert.equal(raw.get(id)?.invited, 5);
    assert.deepEqual(
      raw.get(id)?.rows.map((r) => [r.invited, r.answered]),
      [councilId(app, 'glumsoe'), councilId(app, 'fladsaa')]
        .sort((a, b) => a - b)
        .map((c) => (c === councilId(app, 'glumsoe') ? [4, 0] : [2, 1])),
    );
    // One answer: the officer sees no figure of it.
    const text = textOf((await clients.officer.get(`/surveys/${id}`)).text);
    assertNoFigures(text, 'officer');
    assert.ok(text.includes('Fladså Lokalråd Færre end 5 svar – vises ikke'));
  });

  it('a member leaving moves the number asked the same whether or not they answered', async () => {
    const id = await createSurvey(clients.officer, form({ title: 'Hvem gik?', council_ids: [glumsoe()] }));
    assert.equal((await answer(clients.hal, id, { rating: '3' })).status, 303);
    const asked = () =>
      new SurveysRepository(app.deps.db).figures([[id, councilId(app, 'glumsoe')]]).get(id)?.rows[0]?.invited;
    const setActive = (email: string, active: 0 | 1) =>
      app.deps.db
        .prepare('UPDATE memberships SET active = ? WHERE user_id = ? AND council_id = ?')
        .run(active, userId(app, email), councilId(app, 'glumsoe'));
    const before = asked() ?? 0;
    setActive(LOGINS.hal, 0); // answered
    const withoutAnswerer = asked();
    setActive(LOGINS.hal, 1);
    setActive(LOGINS.g3, 0); // did not answer
    const withoutOther = asked();
    setActive(LOGINS.g3, 1);
    assert.deepEqual([withoutAnswerer, withoutOther], [before - 1, before - 1]);
  });

  it('a district admin may ask the whole district', async () => {
    const before = count("SELECT count(*) FROM outbox WHERE kind = 'survey_invitation'");
    const id = await createSurvey(
      clients.admin,
      form({ title: 'Hele kredsen', council_ids: [], whole_district: '1' }),
    );
    assert.equal(
      count('SELECT count(*) FROM survey_councils WHERE survey_id = ?', id),
      count('SELECT count(*) FROM councils WHERE active = 1'),
    );
    // 4 Glumsø + 1 Fladså + 1 Vestegn + 1 Faxe active people (g4 is in two councils: one mail).
    assert.equal(count("SELECT count(*) FROM outbox WHERE kind = 'survey_invitation'") - before, 7);
    assert.equal((await clients.faxe.get(`/surveys/${id}`)).status, 200);
    assert.equal((await clients.foreignOfficer.get(`/surveys/${id}`)).status, 200);
    // The foreign officer sees Faxe's row only, and cannot close a survey of councils they do not cover.
    const text = textOf((await clients.foreignOfficer.get(`/surveys/${id}`)).text);
    assert.ok(text.includes('Faxe Lokalråd Færre end 5 svar – vises ikke'));
    // (The asked councils are named at the top; Glumsø has no row.)
    assert.doesNotMatch(text, /Glumsø Lokalråd (\d|Færre)/);
    assert.doesNotMatch(text, /Luk undersøgelsen/);
  });

  describe('5 answers from Glumsø and 1 from Fladså', () => {
    let id: number;
    const surveys = () => app.deps.services.surveys;
    const report = (role: Role, councilIds = [Number(glumsoe()), Number(fladsaa())]) =>
      surveys()
        .resultsForReport(actorOf(app, LOGINS[role]), { from: today, to: today, councilIds })
        .find((r) => r.id === id);

    before(async () => {
      for (const email of ['g5@glumsoe.example', 'g6@glumsoe.example']) {
        addAcceptedPerson(app, { email, name: email, memberOf: [{ councilId: councilId(app, 'glumsoe') }] });
      }
      // g4 is in Fladså too by now; take them out of it so that Fladså is brugs alone again.
      app.deps.db
        .prepare('UPDATE memberships SET active = 0 WHERE user_id = ? AND council_id = ?')
        .run(userId(app, LOGINS.g4), councilId(app, 'fladsaa'));
      // Glumsø: formand, hal, g3, g4, g5, g6 = 6 asked; Fladså: brugs.
      id = await createSurvey(clients.officer, form({ title: 'Glumsø og Fladså' }));
      const respond = (email: string, rating: number, comment = '') =>
        surveys().respond(actorOf(app, email), id, { rating, comment, council_id: null });
      respond(LOGINS.formand, 4, 'Gode møder');
      respond(LOGINS.hal, 3);
      respond(LOGINS.g3, 3, 'Bedre end før');
      respond(LOGINS.g4, 2);
      respond('g5@glumsoe.example', 1);
      // The one answer from Fladså: a 4 and a comment, so that any total including it would differ.
      respond(LOGINS.brugs, 4, 'Brugsens ene kommentar');
    });

    it('while open: every role sees how many of Glumsø answered, nothing of Fladså, and no ratings or comments yet', async () => {
      for (const role of ['officer', 'admin', 'formand'] as Role[]) {
        const text = textOf((await clients[role].get(`/surveys/${id}`)).text);
        assert.ok(text.includes('Glumsø Lokalråd 6 5 83 % Vises, når undersøgelsen er slut'), role);
        assert.match(text, /Gennemsnit Vises, når undersøgelsen er slut/, role);
        assert.match(text, /Fordelingen og gennemsnittet vises, når undersøgelsen er slut\./, role);
        assert.doesNotMatch(text, /Gennemsnit \d|Meget tilfreds \d/, role);
        assert.doesNotMatch(text, /Gode møder|Bedre end før|Brugsens ene kommentar/, role);
        if (role === 'formand') {
          assert.match(text, /Har svaret 5 af 6 \(83 %\)/);
          // Fladså is named among the asked councils, but has no row for the council admin.
          assert.doesNotMatch(text, /Fladså Lokalråd (\d|Færre)/);
        } else {
          // The total is Glumsø's alone, said so — not 6 of 7 including Fladså's one answer.
          assert.match(
            text,
            /Har svaret 5 af 6 \(83 %\) Kun de 1 af 2 lokalråd med mindst 5 svar er talt med\./,
            role,
          );
          assert.ok(text.includes('Fladså Lokalråd Færre end 5 svar – vises ikke'), role);
          assert.doesNotMatch(text, /6 af 7|Fladså Lokalråd \d/, role);
        }
      }
      const list = textOf((await clients.admin.get('/surveys')).text);
      assert.match(list, /Glumsø og Fladså .* Åben 5 af 6 \(i 1 af 2 lokalråd\) –/);
      assert.deepEqual(
        {
          answered: report('officer')?.answered,
          ratings: report('officer')?.ratings,
          comments: report('officer')?.comments,
        },
        { answered: 5, ratings: null, comments: undefined },
      );
    });

    it('once over: Glumsø’s figures and comments for every role that may see them; Fladså still nothing, and the total leaves it out', async () => {
      surveys().close(actorOf(app, LOGINS.officer), id);
      for (const role of ['officer', 'admin', 'formand'] as Role[]) {
        const text = textOf((await clients[role].get(`/surveys/${id}`)).text);
        // Glumsø: 4, 3, 3, 2, 1 → mean 2,6. With Fladså's 4 it would be 6 answers and 2,8.
        assert.match(text, /Har svaret 5 af 6 \(83 %\)/, role);
        assert.match(text, /Gennemsnit 2,6 på en skala/, role);
        for (const r of [
          '4 – Meget tilfreds 1 20 %',
          '3 – Tilfreds 2 40 %',
          '2 – Utilfreds 1 20 %',
          '1 – Meget utilfreds 1 20 %',
        ])
          assert.ok(text.includes(r), `${role}: ${r}`);
        assert.ok(text.includes('Glumsø Lokalråd 6 5 83 % 1 1 2 1 2,6'), `${role} Glumsø row`);
        assert.doesNotMatch(text, /Brugsens ene kommentar|6 af 7|2,8|Fladså Lokalråd \d/, role);
      }
      for (const role of ['officer', 'admin'] as Role[]) {
        const text = textOf((await clients[role].get(`/surveys/${id}`)).text);
        assert.ok(text.includes('Fladså Lokalråd Færre end 5 svar – vises ikke'), role);
        assert.match(text, /Kommentarer \(2\)/, role);
        assert.ok(text.indexOf('Bedre end før') < text.indexOf('Gode møder'), `${role}: alphabetical`);
        for (const name of RESPONDENT_NAMES) assert.ok(!text.includes(name), `${role}: no name ${name}`);
      }
      const formand = textOf((await clients.formand.get(`/surveys/${id}`)).text);
      assert.doesNotMatch(formand, /Kommentarer \(|Gode møder|Bedre end før/);

      assert.deepEqual(
        {
          answered: report('officer')?.answered,
          invited: report('officer')?.invited,
          ratings: report('officer')?.ratings,
          mean: report('officer')?.mean,
          comments: report('officer')?.comments,
        },
        {
          answered: 5,
          invited: 6,
          ratings: [1, 1, 2, 1],
          mean: 2.6,
          comments: ['Bedre end før', 'Gode møder'],
        },
      );
      assert.deepEqual(
        { ratings: report('formand')?.ratings, comments: report('formand')?.comments },
        { ratings: [1, 1, 2, 1], comments: undefined },
      );
      // Fladså chosen on its own: nothing — so no choice of councils subtracts it out.
      assert.equal(report('admin', [Number(fladsaa())])?.answered, null);
    });

    it('/stats and its CSV count Glumsø only and say so', async () => {
      const both = `from=${today}&to=${today}&council_ids=${glumsoe()}&council_ids=${fladsaa()}`;
      const stats = textOf((await clients.officer.get(`/stats?${both}`)).text);
      assert.match(
        stats,
        /Glumsø og Fladså .* 5 af 6 spurgte har svaret \(83,3 %\)\. Kun de 1 af 2 lokalråd med mindst 5 svar er talt med\. Gennemsnitlig vurdering: 2,60/,
      );
      assert.doesNotMatch(stats, /Brugsens ene kommentar/);
      const csv = surveyCsv((await clients.admin.get(`/stats/figures.csv?${both}`)).text, 'Glumsø og Fladså');
      assert.deepEqual(csv, {
        'lokalråd med mindst 5 svar (talt med)': '1',
        'lokalråd i alt': '2',
        svar: '5',
        spurgte: '6',
        'vurdering 1': '1',
        'vurdering 2': '1',
        'vurdering 3': '2',
        'vurdering 4': '1',
        gennemsnit: '2,6',
      });
      const fladsaaOnly = `from=${today}&to=${today}&council_ids=${fladsaa()}`;
      assert.deepEqual(
        surveyCsv((await clients.admin.get(`/stats/figures.csv?${fladsaaOnly}`)).text, 'Glumsø og Fladså'),
        {
          'lokalråd med mindst 5 svar (talt med)': '0',
          'lokalråd i alt': '1',
          svar: '',
          spurgte: '',
          gennemsnit: '',
        },
      );
      // The council admin's report: their own council, the same figures, no comments.
      const formand = textOf((await clients.formand.get(`/stats?from=${today}&to=${today}`)).text);
      assert.match(
        formand,
        /Glumsø og Fladså .* 5 af 6 spurgte har svaret \(83,3 %\)\. Gennemsnitlig vurdering: 2,60/,
      );
      assert.doesNotMatch(formand, /Gode møder|Kun de 1 af/);
    });
  });
});

describe('the answering window in Copenhagen dates', () => {
  let app: TestApp;
  let clock = new Date('2026-01-15T11:00:00Z'); // winter: Copenhagen = UTC+1
  let id: number;

  before(async () => {
    app = await startTestApp({ now: () => clock });
    seedPeople(app);
    const { officer } = await loginAll(app, LOGINS, ['officer']);
    assert.ok(officer);
    id = await createSurvey(officer, {
      title: 'Én dag i januar',
      opens_on: '2026-01-16',
      closes_on: '2026-01-16',
      council_ids: [String(councilId(app, 'glumsoe')), String(councilId(app, 'fladsaa'))],
    });
  });
  after(() => app.close());

  /** A fresh login at the given instant (sessions idle out when the clock jumps). */
  async function at(iso: string, role: Role): Promise<Client> {
    clock = new Date(iso);
    return loggedIn(app, LOGINS[role]);
  }

  it('before opens_on (23:30 the evening before) the survey is 404 to a network person, and not on the start page', async () => {
    const hal = await at('2026-01-15T22:30:00Z', 'hal'); // 15.1. kl. 23.30
    assert.equal((await hal.get(`/surveys/${id}`)).status, 404);
    assert.equal((await hal.post(`/surveys/${id}/responses`, { rating: '3' })).status, 404);
    assert.ok(!(await hal.get('/')).text.includes(`href="/surveys/${id}"`));
  });

  it('it opens at midnight Copenhagen time, while UTC is still the day before', async () => {
    const hal = await at('2026-01-15T23:30:00Z', 'hal'); // 16.1. kl. 00.30
    assert.equal((await hal.get(`/surveys/${id}`)).status, 200);
    assert.ok((await hal.get('/')).text.includes(`href="/surveys/${id}"`));
  });

  it('a survey closing today is still open at 23:30 local time', async () => {
    const hal = await at('2026-01-16T22:30:00Z', 'hal'); // 16.1. kl. 23.30
    assert.equal((await answer(hal, id, { rating: '3' })).status, 303);
  });

  it('after closes_on (00:30 the next day, still the 16th in UTC) answering is 404', async () => {
    const brugs = await at('2026-01-16T23:30:00Z', 'brugs'); // 17.1. kl. 00.30
    assert.equal((await brugs.get(`/surveys/${id}`)).status, 404);
    assert.equal((await brugs.post(`/surveys/${id}/responses`, { rating: '3' })).status, 404);
    // Having answered does not keep the survey visible to a network person after it ended.
    const hal = await at('2026-01-16T23:30:00Z', 'hal');
    assert.equal((await hal.get(`/surveys/${id}`)).status, 404);
    // Ended with one answer: staff see that it ended, and no figure of that one answer.
    const officer = await at('2026-01-16T23:30:00Z', 'officer');
    const text = textOf((await officer.get(`/surveys/${id}`)).text);
    assert.match(text, /Afsluttet/);
    assert.match(text, /Har svaret Færre end 5 svar i hvert lokalråd – vises ikke/);
    assertNoFigures(text, 'officer');
  });
});
