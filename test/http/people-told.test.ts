/**
 * People are told what happens to them (issue 13, item 8), over real HTTP with mail through a
 * real SMTP server on loopback: members deactivated and reactivated, a closed account signing in,
 * the author of a hidden comment, new comments in the officers' daily digest, and an accepted
 * invitation that ends signed in.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { localDate, parseLocalDateTime } from '../../src/web/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, DEMO_PASSWORD, type Page, textOf } from '../helpers/client.js';
import type { ReceivedMail } from '../helpers/smtp.js';
import {
  actorOf,
  addCouncil,
  addOfficer,
  addPerson,
  councilId,
  DAY,
  DEMO,
  lastMailTo,
  linkIn,
  loggedIn,
  membershipId,
  testPasswordHash,
  userId,
} from '../helpers/world.js';

const NEW_PASSWORD = 'en lang sætning om søen i glumsø';

const sessionIdOf = (client: Client) => /naernet\.sid=([^;]+)/.exec(client.cookieHeader())?.[1];

/** The page's <main>, as text. */
const mainText = (page: Page) =>
  textOf(page.text.slice(page.text.indexOf('<main'), page.text.indexOf('</main>')));

async function signedIn(client: Client): Promise<boolean> {
  return /Log ud/.test((await client.get('/')).text);
}

/** A fresh member of the council, with the demo password. */
async function member(app: TestApp, email: string, name: string, slugs: string[]): Promise<number> {
  return addPerson(app, {
    email,
    name,
    passwordHash: await testPasswordHash(),
    privacyAccepted: true,
    memberOf: slugs.map((slug) => ({ councilId: councilId(app, slug) })),
  });
}

describe('people are told what happens to them', () => {
  let app: TestApp;
  let glumsoe: number;
  let glumsoePost: number;
  let districtPost: number;

  const mailsTo = (email: string, about: string) =>
    app.smtp.to(email).filter((m: ReceivedMail) => m.subject.includes(about));

  /** Deactivates (or reactivates) the membership through the edit page's button, as its admin would. */
  async function access(admin: Client, email: string, slug: string, action: 'deactivate' | 'reactivate') {
    const base = `/councils/${councilId(app, slug)}/members/${membershipId(app, email, slug)}`;
    await admin.get(`${base}/edit`);
    const page = await admin.post(`${base}/${action}`);
    assert.equal(page.status, 303, `${action} ${email}`);
  }

  before(async () => {
    app = await startTestApp();
    glumsoe = councilId(app, 'glumsoe');
    const officer = actorOf(app, DEMO.officer);
    const post = (council_id: number | null, title: string) =>
      app.deps.services.posts.create(
        officer,
        { council_id, title, period: 'Oktober 2026', body: 'Tekst.' },
        [],
      );
    glumsoePost = post(glumsoe, 'Kriminalitetsbilledet i Glumsø, oktober');
    districtPost = post(null, 'Politikredsen: tryghed i mørketiden');
  });
  after(() => app.close());

  describe('deactivation and reactivation', () => {
    it('mails a deactivated member which council, that their access is closed and whom to contact — once', async () => {
      const formand = await loggedIn(app, DEMO.formand);
      await access(formand, DEMO.hal, 'glumsoe', 'deactivate');
      const mail = await lastMailTo(app, DEMO.hal, 'afsluttet');
      assert.equal(mail.subject, 'Dit medlemskab af Glumsø Lokalråd i Nærnet er afsluttet');
      assert.match(mail.text, /Kære Jens Æbeltoft/);
      assert.match(
        mail.text,
        /Birgit Sørensen har afsluttet dit medlemskab af netværket hos Glumsø Lokalråd/,
      );
      assert.match(mail.text, /din adgang er lukket, og du kan ikke længere logge ind/);
      assert.match(mail.text, /kontakt Birgit Sørensen på formand@glumsoe\.example/);
      assert.match(mail.html, /Glumsø Lokalråd/);

      // The button again on a membership that is already inactive changes nothing and tells nobody.
      await access(formand, DEMO.hal, 'glumsoe', 'deactivate');
      await app.deliverMail();
      assert.equal(mailsTo(DEMO.hal, 'afsluttet').length, 1);
    });

    it('mails a reactivated member that they are back and can log in as before', async () => {
      const formand = await loggedIn(app, DEMO.formand);
      await access(formand, DEMO.hal, 'glumsoe', 'reactivate');
      const mail = await lastMailTo(app, DEMO.hal, 'igen');
      assert.equal(mail.subject, 'Du er med i Glumsø Lokalråd i Nærnet igen');
      assert.match(mail.text, /Birgit Sørensen har genåbnet dit medlemskab af netværket hos Glumsø Lokalråd/);
      assert.match(mail.text, /Log ind med din e-mail og din adgangskode som før/);
      assert.equal(new URL(linkIn(mail, '/login')).pathname, '/login');
      assert.ok(await signedIn(await loggedIn(app, DEMO.hal)), 'and they can');

      await access(formand, DEMO.hal, 'glumsoe', 'reactivate');
      await app.deliverMail();
      assert.equal(mailsTo(DEMO.hal, 'igen').length, 1, 'reactivating an active membership tells nobody');
    });

    it('writes in the person’s own language, and tells someone with another council that they can still log in', async () => {
      const email = 'to.raad@example.dk';
      const id = await member(app, email, 'To Råd', ['glumsoe', 'fladsaa']);
      app.deps.users.setLocale(id, 'en', app.deps.now().toISOString());
      const admin = await loggedIn(app, DEMO.admin);
      await access(admin, email, 'glumsoe', 'deactivate');
      const mail = await lastMailTo(app, email, 'ended');
      assert.equal(mail.subject, 'Your membership of Glumsø Lokalråd in Nærnet has ended');
      assert.match(mail.text, /Dear To Råd/);
      assert.match(mail.text, /You can still log in to Nærnet for your other councils or roles/);
      assert.doesNotMatch(mail.text, /access is closed/);
      assert.match(mail.text, /contact Anne Kjær \(politikredsadministrator\) at admin@politi\.example/);
    });

    it('does not mail someone whose invitation is withdrawn or sent again: they were never a member', async () => {
      const formand = await loggedIn(app, DEMO.formand);
      await formand.get(`/councils/${glumsoe}/members/new`);
      const invited = await formand.post(`/councils/${glumsoe}/members`, {
        name: 'Aldrig Svaret',
        email: 'aldrig@example.dk',
        title: '',
        role: 'network_person',
      });
      assert.equal(invited.status, 303);
      await access(formand, 'aldrig@example.dk', 'glumsoe', 'deactivate');
      await access(formand, 'aldrig@example.dk', 'glumsoe', 'reactivate');
      await app.deliverMail();
      assert.deepEqual(
        app.smtp.to('aldrig@example.dk').map((m) => m.subject),
        ['Du er inviteret til Nærnet – Glumsø Lokalråd', 'Du er inviteret til Nærnet – Glumsø Lokalråd'],
      );
    });
  });

  describe('signing in to a closed account', () => {
    it('tells the right password that the access is closed and names the council admins to ask', async () => {
      const email = 'lukket@example.dk';
      await member(app, email, 'Lukket Konto', ['glumsoe']);
      await access(await loggedIn(app, DEMO.formand), email, 'glumsoe', 'deactivate');

      const visitor = new Client(app.url);
      await visitor.get('/login');
      const page = await visitor.post('/login', { email, password: DEMO_PASSWORD });
      assert.equal(page.status, 401);
      const text = mainText(page);
      assert.match(
        text,
        /Der er problemer Din adgang til Nærnet er lukket – se herunder, hvem du kan kontakte/,
      );
      assert.match(text, /Din adgang er lukket Adgangskoden er rigtig, men din konto i Nærnet er lukket/);
      assert.match(
        text,
        /kontakt lokalrådets administrator: Glumsø Lokalråd: Birgit Sørensen, formand@glumsoe\.example/,
      );
      assert.match(text, /Du kan også kontakte Sydsjællands og Lolland-Falsters Politi: Telefon: 114/);
      assert.match(page.text, /<a href="mailto:formand@glumsoe.example">/);
      assert.match(page.text, /<a href="#access-closed">/, 'the error summary leads to whom to contact');
      assert.match(page.text, /value="lukket@example.dk"/);
      assert.equal(await signedIn(visitor), false);
      const failed = app.deps.db
        .prepare("SELECT count(*) FROM audit_log WHERE action = 'login.failed' AND entity_id = ?")
        .pluck()
        .get(userId(app, email));
      assert.equal(failed, 1, 'it is still a failed sign-in, counted as one');
    });

    it('gives a wrong password for a closed account exactly the answer an unknown address gets', async () => {
      const visitor = new Client(app.url);
      await visitor.get('/login');
      const wrong = await visitor.post('/login', {
        email: 'lukket@example.dk',
        password: 'ikke-den-rigtige',
      });
      const unknown = await visitor.post('/login', {
        email: 'ingen@example.dk',
        password: 'ikke-den-rigtige',
      });
      assert.equal(wrong.status, 401);
      assert.equal(unknown.status, 401);
      assert.match(mainText(wrong), /E-mail eller adgangskode er forkert/);
      assert.doesNotMatch(wrong.text, /Din adgang|access-closed/);
      const asTyped = (page: Page, email: string) => mainText(page).replaceAll(email, 'EMAIL');
      assert.equal(asTyped(wrong, 'lukket@example.dk'), asTyped(unknown, 'ingen@example.dk'));
      assert.equal(
        wrong.text.replaceAll('lukket@example.dk', 'EMAIL').replace(/value="[\w-]{20,}"/g, ''),
        unknown.text.replaceAll('ingen@example.dk', 'EMAIL').replace(/value="[\w-]{20,}"/g, ''),
        'the whole page is the same, but for the address typed',
      );
    });

    it('names the district when none of the person’s councils has an admin to ask', async () => {
      const email = 'vestlukket@example.dk';
      await member(app, email, 'Vest Lukket', ['vestegn']);
      await access(await loggedIn(app, DEMO.admin), email, 'vestegn', 'deactivate');
      const visitor = new Client(app.url);
      await visitor.get('/login');
      const page = await visitor.post('/login', { email, password: DEMO_PASSWORD });
      assert.equal(page.status, 401);
      const text = mainText(page);
      assert.match(
        text,
        /Vil du være med igen, eller tror du, det er en fejl, så kontakt Sydsjællands og Lolland-Falsters Politi: Telefon: 114 E-mail: sydsjaelland@politi\.example/,
      );
      assert.doesNotMatch(text, /lokalrådets administrator/);
    });
  });

  describe('a hidden comment', () => {
    it('mails its author the post, the reason and the comment, once', async () => {
      const post = glumsoePost;
      const hal = await loggedIn(app, DEMO.hal);
      await hal.get(`/posts/${post}`);
      const body = 'Det er naboens søn, der kører på knallert om natten.';
      assert.equal((await hal.post(`/posts/${post}/comments`, { body })).status, 303);
      const comment = app.deps.db
        .prepare('SELECT max(id) FROM post_comments WHERE post_id = ?')
        .pluck()
        .get(post) as number;

      const officer = await loggedIn(app, DEMO.officer);
      await officer.get(`/posts/${post}`);
      const reason = 'Kommentaren peger på en bestemt person.';
      assert.equal((await officer.post(`/posts/${post}/comments/${comment}/hide`, { reason })).status, 303);
      const mail = await lastMailTo(app, DEMO.hal, 'skjult');
      assert.equal(mail.subject, 'Din kommentar til "Kriminalitetsbilledet i Glumsø, oktober" er skjult');
      assert.match(
        mail.text,
        /Politiet har skjult din kommentar til indlægget "Kriminalitetsbilledet i Glumsø, oktober" \(Oktober 2026\)/,
      );
      assert.match(mail.text, /Begrundelse: Kommentaren peger på en bestemt person\./);
      assert.match(mail.text, new RegExp(`Din kommentar: "${body}"`));
      assert.equal(new URL(linkIn(mail, '/posts/')).hash, `#comment-${comment}`);
      assert.match(mail.html, /Begrundelse: Kommentaren peger på en bestemt person\./);

      // Hiding it again (a new reason) is not a new event for its author.
      await officer.post(`/posts/${post}/comments/${comment}/hide`, { reason: 'Ny begrundelse' });
      await app.deliverMail();
      assert.equal(mailsTo(DEMO.hal, 'skjult').length, 1);
    });

    it('does not mail a moderator who hides their own comment', async () => {
      const officer = await loggedIn(app, DEMO.officer);
      const post = districtPost;
      await officer.get(`/posts/${post}`);
      await officer.post(`/posts/${post}/comments`, { body: 'En forkert oplysning fra mig.' });
      const comment = app.deps.db.prepare('SELECT max(id) FROM post_comments').pluck().get() as number;
      await officer.get(`/posts/${post}`);
      await officer.post(`/posts/${post}/comments/${comment}/hide`, { reason: 'Fejl' });
      await app.deliverMail();
      assert.equal(mailsTo(DEMO.officer, 'skjult').length, 0);
    });
  });

  describe('accepting an invitation', () => {
    it('signs a new person in on the start page, on a new session id', async () => {
      const formand = await loggedIn(app, DEMO.formand);
      await formand.get(`/councils/${glumsoe}/members/new`);
      await formand.post(`/councils/${glumsoe}/members`, {
        name: 'Nye Nielsen',
        email: 'nye@example.dk',
        title: 'kasserer',
        role: 'network_person',
      });
      const path = new URL(linkIn(await lastMailTo(app, 'nye@example.dk'), '/invitations/')).pathname;
      const invitee = new Client(app.url);
      assert.equal((await invitee.get(path)).status, 200);
      const before = sessionIdOf(invitee);
      assert.ok(before, 'the link page started a session for its form');
      const done = await invitee.post(path, {
        password: NEW_PASSWORD,
        password_confirm: NEW_PASSWORD,
        accept_privacy: '1',
      });
      assert.equal(done.status, 303);
      assert.equal(done.location, '/');
      assert.notEqual(sessionIdOf(invitee), before, 'a new session id');

      const start = await invitee.get('/');
      assert.equal(start.status, 200);
      const text = textOf(start.text);
      assert.match(text, /Din adgang er oprettet, og du er logget ind/);
      assert.match(text, /Log ud/);
      assert.match(text, /Netværksperson, Glumsø Lokalråd \(kasserer\)/);
      assert.match(text, /Din netværksbetjent Glumsø Lokalråd Mads Holm/);
      const user = app.deps.users.findByEmail('nye@example.dk');
      assert.equal(user?.status, 'active');
      assert.ok(user?.last_login_at, 'the sign-in is recorded');
      assert.equal((await new Client(app.url).get(path)).status, 410, 'the link is used up');
    });

    it('signs in an existing account without a password, which then finds the invitation on its start page', async () => {
      const email = 'halvvejs@example.dk';
      addPerson(app, {
        email,
        name: 'Halv Vejs',
        status: 'invited',
        memberOf: [{ councilId: councilId(app, 'fladsaa') }],
      });
      app.deps.services.members.invite(actorOf(app, DEMO.formand), glumsoe, {
        name: 'Halv Vejs',
        email,
        title: '',
        role: 'network_person',
      });
      const path = new URL(linkIn(await lastMailTo(app, email), '/invitations/')).pathname;
      const invitee = new Client(app.url);
      await invitee.get(path);
      const done = await invitee.post(path, {
        password: NEW_PASSWORD,
        password_confirm: NEW_PASSWORD,
        accept_privacy: '1',
      });
      assert.equal(done.location, '/');
      const start = textOf((await invitee.get('/')).text);
      assert.match(start, /Glumsø Lokalråd vil gerne have dig med/);
      const invitations = await invitee.get('/invitations');
      const id = /action="\/invitations\/(\d+)\/accept"/.exec(invitations.text)?.[1];
      assert.ok(id);
      const accepted = await invitee.post(`/invitations/${id}/accept`);
      assert.equal(accepted.location, '/');
      assert.match(textOf((await invitee.get('/')).text), /Netværksperson, Glumsø Lokalråd/);
    });

    it('leads an existing account that is signed out through the login to the invitation, and back to the start page', async () => {
      app.deps.services.members.invite(actorOf(app, DEMO.formand), glumsoe, {
        name: 'Lise fra Brugsen',
        email: DEMO.brugs,
        title: '',
        role: 'network_person',
      });
      const mail = await lastMailTo(app, DEMO.brugs, 'inviteret');
      const visitor = new Client(app.url);
      const asked = await visitor.get(new URL(linkIn(mail, '/invitations')).pathname);
      assert.equal(asked.location, '/login?next=%2Finvitations');
      await visitor.get(asked.location ?? '');
      const login = await visitor.post('/login', {
        email: DEMO.brugs,
        password: DEMO_PASSWORD,
        next: '/invitations',
      });
      assert.equal(login.location, '/invitations');
      const list = await visitor.get('/invitations');
      const id = /action="\/invitations\/(\d+)\/accept"/.exec(list.text)?.[1];
      const accepted = await visitor.post(`/invitations/${id}/accept`);
      assert.equal(accepted.location, '/');
      assert.match(textOf((await visitor.get('/')).text), /Du er nu medlem af Glumsø Lokalråd/);
    });
  });

  // Last: it moves the app's clock days ahead.
  describe("the officers' daily digest", () => {
    const dayAfter = (days: number) => localDate(new Date(app.deps.now().getTime() + days * DAY));

    function jumpTo(day: string, time: string) {
      const target = parseLocalDateTime(`${day}T${time}`);
      assert.ok(target);
      const ms = new Date(target).getTime() - app.deps.now().getTime();
      assert.ok(ms > 0, `${day} ${time} lies ahead`);
      app.advanceClock(ms);
    }

    const digests = (email: string) => app.smtp.to(email).filter((m) => /Dagens overblik/.test(m.subject));

    function comment(email: string, post: number, body: string): number {
      return app.deps.services.posts.comment(actorOf(app, email), post, { body, parent_id: null });
    }

    it('lists the new comments on posts of the officer’s councils and the whole district, with counts, since the last digest — and a day with only comments is sent', async () => {
      const digestrup = addCouncil(app, { name: 'Digestrup Lokalråd', slug: 'digestrup' });
      const officerEmail = 'digest@politi.example';
      await addOfficer(app, { email: officerEmail, name: 'Dorte Digest', councils: [digestrup] });
      const memberEmail = 'medlem@digestrup.example';
      addPerson(app, { email: memberEmail, name: 'Mette Medlem', memberOf: [{ councilId: digestrup }] });
      const officer = actorOf(app, officerEmail);
      const own = app.deps.services.posts.create(
        officer,
        { council_id: digestrup, title: 'Digestrup i december', period: 'December 2026', body: 'Roligt.' },
        [],
      );

      const first = dayAfter(2);
      jumpTo(first, '06:00');
      comment(memberEmail, own, 'Gammel kommentar');
      jumpTo(first, '07:00');
      await app.deps.scheduler.tick();
      await app.deliverMail();
      assert.equal(digests(officerEmail).length, 1);

      const second = dayAfter(1);
      jumpTo(second, '06:00');
      comment(memberEmail, own, 'Tak for overblikket');
      comment(memberEmail, own, 'Hvad med knallerterne?');
      comment(officerEmail, own, 'Vi kigger på knallerterne.');
      comment(memberEmail, districtPost, 'Godt råd om mørketiden');
      const hidden = comment(DEMO.hal, districtPost, 'Noget, der skal skjules');
      app.deps.services.posts.hide(actorOf(app, DEMO.admin), districtPost, hidden, 'Ikke relevant');
      comment(DEMO.hal, glumsoePost, 'Nyt fra hallen');
      jumpTo(second, '07:00');
      await app.deps.scheduler.tick();
      await app.deliverMail();

      const sent = digests(officerEmail);
      assert.equal(sent.length, 2, 'a day with only new comments has a digest');
      const mail = sent[1] as ReceivedMail;
      const start = mail.text.indexOf('Nye kommentarer');
      const section = mail.text.slice(start, mail.text.indexOf('\n\n', start));
      assert.equal(
        section,
        [
          'Nye kommentarer til kriminalitetsbilledet (2 indlæg):',
          `Digestrup i december (Digestrup Lokalråd): 2 nye kommentarer – ${app.url}/posts/${own}#comments`,
          `Politikredsen: tryghed i mørketiden (hele politikredsen): 1 ny kommentar – ${app.url}/posts/${districtPost}#comments`,
        ].join('\n'),
      );
      assert.doesNotMatch(
        mail.text,
        /Gammel kommentar|Tak for overblikket|Mette Medlem/,
        'titles and counts only',
      );
      assert.doesNotMatch(mail.text, /Nye bekymringer|Over svarfristen|Svar fra afdelinger/);
      assert.doesNotMatch(mail.text, /Kriminalitetsbilledet i Glumsø/, 'not a council the officer covers');

      const demoOfficer = digests(DEMO.officer).at(-1) as ReceivedMail;
      assert.match(
        demoOfficer.text,
        /Kriminalitetsbilledet i Glumsø, oktober \(Glumsø Lokalråd\): 1 ny kommentar/,
      );
      assert.match(
        demoOfficer.text,
        /Politikredsen: tryghed i mørketiden \(hele politikredsen\): 1 ny kommentar/,
      );
      assert.doesNotMatch(demoOfficer.text, /Digestrup/);

      jumpTo(dayAfter(1), '07:00');
      await app.deps.scheduler.tick();
      await app.deliverMail();
      assert.equal(digests(officerEmail).length, 2, 'no new comments, nothing else: no digest');
    });
  });
});

describe('accepting an invitation where two-factor is required (production)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ enforceTwoFactor: true });
  });
  after(() => app.close());

  async function accept(email: string): Promise<Client> {
    const path = new URL(linkIn(await lastMailTo(app, email), '/invitations/')).pathname;
    const invitee = new Client(app.url);
    await invitee.get(path);
    const done = await invitee.post(path, {
      password: NEW_PASSWORD,
      password_confirm: NEW_PASSWORD,
      accept_privacy: '1',
    });
    assert.equal(done.location, '/');
    return invitee;
  }

  it('lets a network person in straight away, and sends an officer to set up two-factor first', async () => {
    app.deps.services.members.invite(actorOf(app, DEMO.formand), councilId(app, 'glumsoe'), {
      name: 'Netværks Person',
      email: 'np@example.dk',
      title: '',
      role: 'network_person',
    });
    const person = await accept('np@example.dk');
    const start = await person.get('/');
    assert.equal(start.status, 200);
    assert.match(textOf(start.text), /Din netværksbetjent/);

    app.deps.services.admin.inviteOfficer(
      { actor: actorOf(app, DEMO.admin) },
      { name: 'Ny Betjent', email: 'ny.betjent@politi.example', council_ids: [councilId(app, 'glumsoe')] },
    );
    const officer = await accept('ny.betjent@politi.example');
    const gated = await officer.get('/');
    assert.equal(gated.status, 303);
    assert.equal(gated.location, '/account/two-factor');
  });
});
