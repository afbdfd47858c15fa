import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatDate } from '../../src/web/dates.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import {
  acceptInvitation,
  addPerson,
  councilId,
  DEMO,
  DEMO_PASSWORD,
  lastMailTo,
  linkIn,
  loggedIn,
  testPasswordHash,
  userByEmail,
} from '../helpers/world.js';

/**
 * Invitations need the invitee's consent (issue 11, item 2). A council admin who enters an email
 * that already has an account — another council's member, an officer, a district admin, someone
 * invited elsewhere or deactivated — gets exactly the answer a new address gets, and sees nothing
 * of the person until they accept on /invitations after logging in.
 */

const NEW_PASSWORD = 'en lang og god sætning';

/** Everything a council admin can observe about one invitation, with its name, email and id replaced. */
type Answer = {
  status: number;
  location: string | null;
  flash: string;
  row: string;
  edit: string;
  /** How the list's "N aktive, N inviterede og N deaktiverede" line and the council overview moved. */
  countDelta: number[];
  overviewDelta: number;
  /** How the council admin's /stats figures of members (and active members) moved. */
  statsDelta: number[];
  mailsQueued: number;
};

/** The member figures of the council admin's evaluation, read from its CSV. */
async function statsMembers(client: Client): Promise<number[]> {
  const csv = (await client.get('/stats/figures.csv')).text;
  return csv
    .split(/\r?\n/)
    .filter((line) => line.startsWith('Netværkspersoner;'))
    .map((line) => Number(line.split(';').at(-1)));
}

const listCounts = (html: string) =>
  (/(\d+) aktive, (\d+) inviterede og (\d+) deaktiverede/.exec(textOf(html)) ?? []).slice(1).map(Number);

const between = (html: string, start: string, end: string) => {
  const from = html.indexOf(start);
  assert.ok(from >= 0, `the page has ${start}`);
  return html.slice(from, html.indexOf(end, from) + end.length);
};

/** The list's row of the person with this email. */
const rowOf = (html: string, email: string) => {
  const row = html.split('<tr>').find((r) => r.includes(`>${email}<`));
  assert.ok(row, `a row for ${email}`);
  return row.slice(0, row.indexOf('</tr>'));
};

const membershipIdIn = (row: string) => Number(/\/members\/(\d+)\/edit/.exec(row)?.[1]);

function outboxCount(app: TestApp, email: string): number {
  return app.deps.db.prepare('SELECT count(*) FROM outbox WHERE to_address = ?').pluck().get(email) as number;
}

/** The council overview's "N medlemmer" for Glumsø, as a district admin sees it on /members. */
async function overviewCount(admin: Client): Promise<number> {
  const text = textOf((await admin.get('/members')).text);
  return Number(/Glumsø Lokalråd (\d+) medlemmer/.exec(text)?.[1]);
}

/** Invites through the form as `client` and records everything the admins can see of the result. */
async function invite(
  app: TestApp,
  client: Client,
  admin: Client,
  fields: { name: string; email: string; title?: string; role?: string },
): Promise<Answer> {
  const glumsoe = councilId(app, 'glumsoe');
  const listBefore = await client.get(`/councils/${glumsoe}/members`);
  const overviewBefore = await overviewCount(admin);
  const statsBefore = await statsMembers(client);
  const mailsBefore = outboxCount(app, fields.email);
  await client.get(`/councils/${glumsoe}/members/new`);
  const sent = await client.post(`/councils/${glumsoe}/members`, {
    title: 'kasserer',
    role: 'network_person',
    ...fields,
  });
  const list = await client.get(`/councils/${glumsoe}/members`);
  const row = rowOf(list.text, fields.email);
  const id = membershipIdIn(row);
  const edit = await client.get(`/councils/${glumsoe}/members/${id}/edit`);
  const blank = (html: string) =>
    html.replaceAll(fields.name, 'NAVN').replaceAll(fields.email, 'EMAIL').replaceAll(`/${id}/`, '/ID/');
  const after = listCounts(list.text);
  return {
    status: sent.status,
    location: sent.location,
    flash: blank(between(list.text, '<div class="alert alert-success"', '</div>\n</div>')),
    row: blank(row),
    edit: blank(between(edit.text, '<main', '</main>')),
    countDelta: listCounts(listBefore.text).map((n, i) => (after[i] ?? 0) - n),
    overviewDelta: (await overviewCount(admin)) - overviewBefore,
    statsDelta: (await statsMembers(client)).map((n, i) => n - (statsBefore[i] ?? 0)),
    mailsQueued: outboxCount(app, fields.email) - mailsBefore,
  };
}

/** The id of the invitation to `council` on the person's /invitations page. */
async function invitationId(person: Client, council: string): Promise<number> {
  const page = await person.get('/invitations');
  assert.equal(page.status, 200);
  const section = page.text.split('<section').find((s) => s.includes(`>${council}</h2>`));
  assert.ok(section, `an invitation from ${council}`);
  return Number(/action="\/invitations\/(\d+)\/accept"/.exec(section)?.[1]);
}

function pendingRow(app: TestApp, email: string, slug: string) {
  return app.deps.db
    .prepare(
      `SELECT m.id, m.active, m.user_id, m.invitee_id, m.invited_name, m.role, m.title
         FROM memberships m JOIN users u ON u.id = m.invitee_id JOIN councils c ON c.id = m.council_id
        WHERE u.email = ? AND c.slug = ?`,
    )
    .get(email, slug) as
    | {
        id: number;
        active: number;
        user_id: number | null;
        invitee_id: number;
        invited_name: string;
        role: string;
        title: string;
      }
    | undefined;
}

const memberOf = (app: TestApp, email: string, slug: string) =>
  app.deps.db
    .prepare(
      `SELECT m.active FROM memberships m JOIN users u ON u.id = m.user_id JOIN councils c ON c.id = m.council_id
        WHERE u.email = ? AND c.slug = ?`,
    )
    .pluck()
    .get(email, slug) as number | undefined;

describe('an existing account invited by a council admin of another council', () => {
  let app: TestApp;
  let formand: Client;
  let admin: Client;
  let glumsoe: number;

  before(async () => {
    app = await startTestApp();
    glumsoe = councilId(app, 'glumsoe');
    const hash = await testPasswordHash();
    // Someone invited to Fladså who has not yet set a password, and someone whose account ended.
    addPerson(app, {
      email: 'inviteret@fladsaa.example',
      name: 'Ikke Svaret',
      status: 'invited',
      memberOf: [{ councilId: councilId(app, 'fladsaa') }],
    });
    addPerson(app, {
      email: 'tidligere@vestegn.example',
      name: 'Tidligere Medlem',
      status: 'deactivated',
      passwordHash: hash,
      memberOf: [{ councilId: councilId(app, 'vestegn'), active: false }],
    });
    // Peter Ågård has logged in, so there is a last login that must not show.
    await loggedIn(app, DEMO.vest);
    formand = await loggedIn(app, DEMO.formand);
    admin = await loggedIn(app, DEMO.admin);
  });
  after(() => app.close());

  const existing = [
    { label: "another council's network person", email: DEMO.vest, name: 'Vest Typet' },
    { label: 'a network officer', email: DEMO.officer, name: 'Betjent Typet' },
    { label: 'a district admin', email: DEMO.admin, name: 'Admin Typet' },
    {
      label: 'someone invited elsewhere who has not answered',
      email: 'inviteret@fladsaa.example',
      name: 'Fladså Typet',
    },
    { label: 'a deactivated account', email: 'tidligere@vestegn.example', name: 'Tidligere Typet' },
  ];

  existing.forEach((person, i) => {
    it(`answers for ${person.label} exactly as for a new address: status, redirect, flash, list row, edit page, counts`, async () => {
      const fresh = await invite(app, formand, admin, {
        name: `Helt Ny ${i}`,
        email: `helt-ny-${i}@example.dk`,
      });
      const known = await invite(app, formand, admin, { name: person.name, email: person.email });
      assert.equal(fresh.status, 303);
      assert.match(fresh.flash, /Invitationen er sendt til EMAIL\./);
      assert.match(
        textOf(fresh.row),
        /NAVN – Rediger EMAIL Ikke oplyst kasserer Netværksperson Inviteret .* Aldrig/,
      );
      assert.deepEqual(fresh.countDelta, [0, 1, 0]);
      assert.equal(fresh.overviewDelta, 1);
      assert.deepEqual(
        fresh.statsDelta,
        [1, 0, 1, 0],
        'the evaluation counts the invitee as a member who has not logged in',
      );
      assert.equal(fresh.mailsQueued, 1);
      assert.deepEqual(known, fresh);
    });
  });

  it("shows nothing of the person — real name, phone, last login — to the council's admins and officers", async () => {
    const peter = userByEmail(app, DEMO.vest);
    assert.equal(peter?.name, 'Peter Ågård');
    assert.ok(peter?.last_login_at, 'Peter has logged in');
    const officer = await loggedIn(app, DEMO.officer);
    // The real names and phones of all five existing accounts invited above.
    const hidden = ['Peter Ågård', '21 00 11 22', 'Mads Holm', '55 12 34 10', 'Anne Kjær', '55 12 34 00'];
    hidden.push('Ikke Svaret', 'Tidligere Medlem');
    for (const viewer of [formand, admin, officer]) {
      const list = await viewer.get(`/councils/${glumsoe}/members`);
      const row = textOf(rowOf(list.text, DEMO.vest));
      assert.match(row, /Vest Typet/);
      assert.match(row, /Inviteret/);
      assert.match(row, /Aldrig/);
      const table = between(list.text, '<table', '</table>');
      for (const what of hidden) assert.ok(!table.includes(what), `the list does not show ${what}`);
    }
    const id = membershipIdIn(rowOf((await formand.get(`/councils/${glumsoe}/members`)).text, DEMO.vest));
    const edit = await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(textOf(edit.text), /Rediger Vest Typet .* Status: Inviteret Sidst logget ind: Aldrig/);
    assert.ok(!edit.text.includes('Peter Ågård') && !edit.text.includes('21 00 11 22'));
    // Not a member: no council, no meetings, no newsletters of Glumsø reach him yet.
    assert.equal(memberOf(app, DEMO.vest, 'glumsoe'), undefined);
    assert.equal(pendingRow(app, DEMO.vest, 'glumsoe')?.invited_name, 'Vest Typet');
  });

  it('mails the existing person who invited them to which council, with a link to log in and answer', async () => {
    const mail = await lastMailTo(app, DEMO.vest, 'Glumsø');
    assert.equal(mail.subject, 'Du er inviteret til Glumsø Lokalråd i Nærnet');
    assert.match(mail.text, /Kære Peter Ågård/);
    assert.match(
      mail.text,
      /Birgit Sørensen har inviteret dig til at være med i netværket hos Glumsø Lokalråd/,
    );
    assert.match(mail.text, /Du bliver først medlem, når du har sagt ja/);
    assert.match(linkIn(mail, '/invitations'), /^http:\/\/[^/]+\/invitations$/);
    // Someone without a password gets a set-password link; the invitation then waits on the start page.
    const link = linkIn(await lastMailTo(app, 'inviteret@fladsaa.example', 'Glumsø'), '/invitations/');
    assert.equal((await acceptInvitation(app, link, NEW_PASSWORD)).location, '/', 'signed in at once');
    const person = await loggedIn(app, 'inviteret@fladsaa.example', NEW_PASSWORD);
    assert.match(
      textOf((await person.get('/')).text),
      /Glumsø Lokalråd vil gerne have dig med i sit netværk/,
    );
    assert.equal(memberOf(app, 'inviteret@fladsaa.example', 'fladsaa'), 1);
    assert.equal(memberOf(app, 'inviteret@fladsaa.example', 'glumsoe'), undefined);
  });

  it('becomes a member only by accepting after login; then the council sees them as they are', async () => {
    const peter = await loggedIn(app, DEMO.vest);
    const home = textOf((await peter.get('/')).text);
    assert.match(home, /Du er inviteret til et lokalråd/);
    assert.match(home, /Glumsø Lokalråd vil gerne have dig med i sit netværk/);
    assert.doesNotMatch(home, /Netværksperson, Glumsø Lokalråd/);
    const page = textOf((await peter.get('/invitations')).text);
    assert.match(
      page,
      /Glumsø Lokalråd Birgit Sørensen inviterede dig den \d+\. \w+ \d{4}\. Rolle: Netværksperson \(kasserer\)/,
    );
    assert.equal((await peter.get(`/councils/${glumsoe}/members`)).status, 404);

    const id = await invitationId(peter, 'Glumsø Lokalråd');
    const accepted = await peter.post(`/invitations/${id}/accept`);
    assert.equal(accepted.status, 303);
    assert.equal(accepted.location, '/');
    const after = textOf((await peter.get('/')).text);
    assert.match(after, /Velkommen! Du er nu medlem af Glumsø Lokalråd\./);
    assert.match(after, /Netværksperson, Glumsø Lokalråd \(kasserer\)/);
    assert.doesNotMatch(after, /Du er inviteret til et lokalråd/);
    assert.equal(memberOf(app, DEMO.vest, 'glumsoe'), 1);
    assert.equal(pendingRow(app, DEMO.vest, 'glumsoe'), undefined);

    const list = await formand.get(`/councils/${glumsoe}/members`);
    const row = textOf(rowOf(list.text, DEMO.vest));
    assert.match(
      row,
      new RegExp(`Peter Ågård .*21 00 11 22 kasserer Netværksperson Aktiv .* ${formatDate(app.deps.now())}`),
    );
    assert.ok(!list.text.includes('Vest Typet'), 'the typed name is gone');
    const audit = app.deps.db
      .prepare(`SELECT details FROM audit_log WHERE action = 'invitation.accepted' AND entity_id = ?`)
      .pluck()
      .get(userByEmail(app, DEMO.vest)?.id) as string;
    assert.deepEqual(JSON.parse(audit), { councilId: glumsoe, role: 'network_person' });
  });

  it('lets police staff answer the same way: the officer accepts, the district admin declines and keeps their role', async () => {
    const officer = await loggedIn(app, DEMO.officer);
    assert.match(textOf((await officer.get('/')).text), /Glumsø Lokalråd vil gerne have dig med/);
    await officer.post(`/invitations/${await invitationId(officer, 'Glumsø Lokalråd')}/accept`);
    assert.equal(memberOf(app, DEMO.officer, 'glumsoe'), 1);
    assert.match(textOf((await officer.get('/')).text), /Netværksbetjent.*Netværksperson, Glumsø Lokalråd/);

    const districtAdmin = await loggedIn(app, DEMO.admin);
    const declined = await districtAdmin.post(
      `/invitations/${await invitationId(districtAdmin, 'Glumsø Lokalråd')}/decline`,
    );
    assert.equal(declined.status, 303);
    const home = textOf((await districtAdmin.get('/')).text);
    assert.match(home, /Du har afvist invitationen fra Glumsø Lokalråd\./);
    assert.match(home, /Politikreds-administrator/);
    assert.equal(userByEmail(app, DEMO.admin)?.status, 'active');
    assert.equal(pendingRow(app, DEMO.admin, 'glumsoe'), undefined);
    assert.equal(memberOf(app, DEMO.admin, 'glumsoe'), undefined);
    const list = await formand.get(`/councils/${glumsoe}/members`);
    assert.ok(!list.text.includes('Admin Typet') && !list.text.includes(DEMO.admin), 'the row is gone');
    assert.match(textOf(list.text), /Mads Holm .*betjent@politi\.example/);
  });
});

describe('declining leaves the council the same trace whether the address was new or known', () => {
  let app: TestApp;
  let formand: Client;
  let glumsoe: number;

  before(async () => {
    app = await startTestApp();
    glumsoe = councilId(app, 'glumsoe');
    formand = await loggedIn(app, DEMO.formand);
  });
  after(() => app.close());

  const sendInvitation = async (name: string, email: string) => {
    await formand.get(`/councils/${glumsoe}/members/new`);
    const sent = await formand.post(`/councils/${glumsoe}/members`, { name, email, role: 'network_person' });
    assert.equal(sent.status, 303);
  };

  it('a new address declines on its link page, a known person on /invitations: both rows simply disappear', async () => {
    await sendInvitation('Nej Tak', 'nej-tak@example.dk');
    await sendInvitation('Lise Typet', DEMO.brugs);
    const listed = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.match(listed, /Nej Tak .*Inviteret/);
    assert.match(listed, /Lise Typet .*Inviteret/);

    const link = linkIn(await lastMailTo(app, 'nej-tak@example.dk'), '/invitations/');
    const path = new URL(link).pathname;
    const stranger = new Client(app.url);
    const page = await stranger.get(path);
    assert.match(textOf(page.text), /Vil du ikke være med\? .* Afvis invitationen/);
    const confirm = await stranger.get(`${path}/decline`);
    assert.equal(confirm.status, 200);
    assert.match(
      textOf(confirm.text),
      /Invitationen til Nærnet er sendt til Nej Tak \(nej-tak@example\.dk\)/,
    );
    const no = await stranger.post(`${path}/decline`);
    assert.equal(no.status, 303);
    assert.equal(no.location, '/');
    assert.match(
      textOf((await stranger.get('/')).text),
      /Du har afvist invitationen, og linket virker ikke længere/,
    );
    assert.equal((await new Client(app.url).get(path)).status, 410, 'the link is used up');
    assert.equal((await new Client(app.url).post(`${path}/decline`)).status, 410);
    assert.equal(userByEmail(app, 'nej-tak@example.dk')?.status, 'deactivated');

    const lise = await loggedIn(app, DEMO.brugs);
    const declined = await lise.post(`/invitations/${await invitationId(lise, 'Glumsø Lokalråd')}/decline`);
    assert.equal(declined.status, 303);
    assert.equal(userByEmail(app, DEMO.brugs)?.status, 'active', 'her own council goes on');
    assert.match(textOf((await lise.get('/')).text), /Netværksperson, Fladså Lokalråd/);

    const after = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.doesNotMatch(after, /Nej Tak|Lise Typet|Lise Østergaard/);
    const declines = app.deps.db
      .prepare(`SELECT entity_id, details FROM audit_log WHERE action = 'invitation.declined' ORDER BY id`)
      .all();
    assert.deepEqual(declines, [
      {
        entity_id: userByEmail(app, 'nej-tak@example.dk')?.id,
        details: JSON.stringify({ councilIds: [glumsoe] }),
      },
      { entity_id: userByEmail(app, DEMO.brugs)?.id, details: JSON.stringify({ councilId: glumsoe }) },
    ]);
    // Both can be invited again, and get the same answer as any new invitation.
    await sendInvitation('Nej Tak', 'nej-tak@example.dk');
    await sendInvitation('Lise Typet', DEMO.brugs);
    assert.match(
      textOf((await formand.get(`/councils/${glumsoe}/members`)).text),
      /Lise Typet .*Inviteret.*Nej Tak .*Inviteret/,
    );
  });

  it('a police account invited by a district admin is not offered a decline on its link page', async () => {
    const admin = await loggedIn(app, DEMO.admin);
    await admin.get('/admin/officers/new');
    const sent = await admin.post('/admin/officers', {
      name: 'Ny Betjent',
      email: 'ny-betjent@politi.example',
      council_ids: [String(glumsoe)],
    });
    assert.equal(sent.status, 303);
    const path = new URL(linkIn(await lastMailTo(app, 'ny-betjent@politi.example'), '/invitations/'))
      .pathname;
    const stranger = new Client(app.url);
    const page = await stranger.get(path);
    assert.equal(page.status, 200);
    assert.doesNotMatch(page.text, /\/decline"/);
    assert.equal((await stranger.get(`${path}/decline`)).status, 410);
    assert.equal((await stranger.post(`${path}/decline`)).status, 410);
    assert.equal(userByEmail(app, 'ny-betjent@politi.example')?.status, 'invited');
  });

  it('an account deactivated earlier is opened to answer; declining closes it again and signs the person out', async () => {
    addPerson(app, {
      email: 'gammel@example.dk',
      name: 'Gammel Konto',
      status: 'deactivated',
      passwordHash: await testPasswordHash(),
    });
    const refused = new Client(app.url);
    await refused.get('/login');
    assert.equal(
      (await refused.post('/login', { email: 'gammel@example.dk', password: DEMO_PASSWORD })).status,
      401,
    );
    await sendInvitation('Gammel Typet', 'gammel@example.dk');
    const mail = await lastMailTo(app, 'gammel@example.dk');
    assert.match(linkIn(mail, '/invitations'), /\/invitations$/);
    const person = await loggedIn(app, 'gammel@example.dk');
    assert.doesNotMatch(textOf((await person.get('/')).text), /Netværksperson/);
    const declined = await person.post(
      `/invitations/${await invitationId(person, 'Glumsø Lokalråd')}/decline`,
    );
    assert.equal(declined.status, 303);
    const home = textOf((await person.get('/')).text);
    assert.match(home, /Du har ingen andre roller i Nærnet og er nu logget ud/);
    assert.doesNotMatch(home, /Log ud/);
    assert.equal(userByEmail(app, 'gammel@example.dk')?.status, 'deactivated');
  });
});

describe('what a council admin can do with an invitation that waits for an answer', () => {
  let app: TestApp;
  let formand: Client;
  let glumsoe: number;
  const ids = { fresh: 0, known: 0 };

  before(async () => {
    app = await startTestApp();
    glumsoe = councilId(app, 'glumsoe');
    formand = await loggedIn(app, DEMO.formand);
    for (const [key, name, email] of [
      ['fresh', 'Ny Nabo', 'ny-nabo@example.dk'],
      ['known', 'Vest Typet', DEMO.vest],
    ] as const) {
      await formand.get(`/councils/${glumsoe}/members/new`);
      await formand.post(`/councils/${glumsoe}/members`, { name, email, role: 'network_person' });
      ids[key] = membershipIdIn(rowOf((await formand.get(`/councils/${glumsoe}/members`)).text, email));
    }
  });
  after(() => app.close());

  /** Posts an action button from the edit page and returns the next page's flash, names blanked. */
  async function act(id: number, action: string, name: string, email: string) {
    await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    const done = await formand.post(`/councils/${glumsoe}/members/${id}/${action}`);
    const page = await formand.get(done.location ?? '/');
    return {
      status: done.status,
      location: done.location,
      flash: textOf(between(page.text, '<div class="alert alert-success"', '</div>\n</div>'))
        .replaceAll(name, 'NAVN')
        .replaceAll(email, 'EMAIL'),
      row: textOf(rowOf(page.text, email)).replaceAll(name, 'NAVN').replaceAll(email, 'EMAIL'),
    };
  }

  it('resend: the same answer as for a new invitee, and the person is mailed again', async () => {
    const before = outboxCount(app, DEMO.vest);
    const fresh = await act(ids.fresh, 'resend', 'Ny Nabo', 'ny-nabo@example.dk');
    const known = await act(ids.known, 'resend', 'Vest Typet', DEMO.vest);
    assert.equal(fresh.status, 303);
    assert.match(fresh.flash, /En ny invitation er sendt til EMAIL/);
    assert.deepEqual(known, fresh);
    assert.equal(outboxCount(app, DEMO.vest), before + 1);
    assert.match((await lastMailTo(app, DEMO.vest)).subject, /Du er inviteret til Glumsø Lokalråd/);
  });

  it('refuses a second invitation of the same address exactly as for a new invitee (422 on email)', async () => {
    const again = async (name: string, email: string) => {
      await formand.get(`/councils/${glumsoe}/members/new`);
      const page = await formand.post(`/councils/${glumsoe}/members`, {
        name,
        email,
        role: 'network_person',
      });
      return {
        status: page.status,
        errors: textOf(between(page.text, '<div class="alert alert-error', '</ul>')),
      };
    };
    const fresh = await again('Ny Nabo', 'ny-nabo@example.dk');
    assert.equal(fresh.status, 422);
    assert.match(fresh.errors, /allerede medlem af eller inviteret til lokalrådet/);
    assert.deepEqual(await again('Vest Typet', DEMO.vest), fresh);
    // An active member is refused the same way: the admin already sees that address in the list.
    assert.deepEqual(await again('Hvem som helst', DEMO.hal), fresh);
    const rows = app.deps.db
      .prepare('SELECT count(*) FROM memberships WHERE invitee_id = ? AND council_id = ?')
      .pluck()
      .get(userByEmail(app, DEMO.vest)?.id, glumsoe);
    assert.equal(rows, 1);
  });

  it('withdraw and reactivate: the same answers as for a new invitee; meanwhile the person cannot accept', async () => {
    const peter = await loggedIn(app, DEMO.vest);
    const id = await invitationId(peter, 'Glumsø Lokalråd');

    const fresh = await act(ids.fresh, 'deactivate', 'Ny Nabo', 'ny-nabo@example.dk');
    const known = await act(ids.known, 'deactivate', 'Vest Typet', DEMO.vest);
    assert.match(fresh.flash, /Invitationen til NAVN er trukket tilbage/);
    assert.match(fresh.row, /Deaktiveret/);
    assert.deepEqual(known, fresh);
    assert.equal(userByEmail(app, DEMO.vest)?.status, 'active', 'his own council goes on');
    assert.match(textOf((await peter.get('/')).text), /Netværksperson, Lokalrådet for Næstved Vestegn/);
    assert.match(
      textOf((await peter.get('/invitations')).text),
      /Du har ingen invitationer, der venter på dit svar/,
    );
    assert.equal((await peter.post(`/invitations/${id}/accept`)).status, 404);
    assert.equal(memberOf(app, DEMO.vest, 'glumsoe'), undefined);

    // Reinviting an address with a withdrawn invitation points to reactivation, as for anyone.
    await formand.get(`/councils/${glumsoe}/members/new`);
    const reinvite = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Vest Typet',
      email: DEMO.vest,
      role: 'network_person',
    });
    assert.equal(reinvite.status, 422);
    assert.match(textOf(reinvite.text), /genaktiver medlemskabet i stedet/);

    const mailsBefore = outboxCount(app, DEMO.vest);
    const freshOn = await act(ids.fresh, 'reactivate', 'Ny Nabo', 'ny-nabo@example.dk');
    const knownOn = await act(ids.known, 'reactivate', 'Vest Typet', DEMO.vest);
    assert.match(
      freshOn.flash,
      /Medlemskabet for NAVN er genaktiveret, og en ny invitation er sendt til EMAIL/,
    );
    assert.equal(knownOn.flash, freshOn.flash);
    assert.equal(outboxCount(app, DEMO.vest), mailsBefore + 1);
    assert.equal(await invitationId(peter, 'Glumsø Lokalråd'), id, 'the same invitation is open again');
  });

  it('edits title and role of the invitation, which the person gets on accepting', async () => {
    await formand.get(`/councils/${glumsoe}/members/${ids.known}/edit`);
    const saved = await formand.post(`/councils/${glumsoe}/members/${ids.known}/edit`, {
      title: 'næstformand',
      role: 'council_admin',
    });
    assert.equal(saved.status, 303);
    assert.match(
      textOf((await formand.get(saved.location ?? '')).text),
      /Ændringerne for Vest Typet er gemt/,
    );
    assert.deepEqual(
      {
        role: pendingRow(app, DEMO.vest, 'glumsoe')?.role,
        title: pendingRow(app, DEMO.vest, 'glumsoe')?.title,
      },
      { role: 'council_admin', title: 'næstformand' },
    );
  });

  it('hides invitations from everyone but the invitee: 404 for others, CSRF required, login first', async () => {
    const id = pendingRow(app, DEMO.vest, 'glumsoe')?.id as number;
    const hal = await loggedIn(app, DEMO.hal);
    assert.equal((await hal.post(`/invitations/${id}/accept`)).status, 404);
    assert.equal((await hal.post(`/invitations/${id}/decline`)).status, 404);
    assert.equal(
      (await formand.post(`/invitations/${id}/accept`)).status,
      404,
      'not even the inviting admin',
    );
    assert.equal((await hal.post('/invitations/99999/accept')).status, 404);
    assert.doesNotMatch(textOf((await hal.get('/invitations')).text), /Glumsø Lokalråd Birgit/);

    const anonymous = new Client(app.url);
    const page = await anonymous.get('/invitations');
    assert.equal(page.status, 303);
    assert.equal(page.location, '/login?next=%2Finvitations');
    const post = await anonymous.post(`/invitations/${id}/accept`);
    assert.equal(post.status, 303);
    assert.match(post.location ?? '', /^\/login/);

    const peter = await loggedIn(app, DEMO.vest);
    await peter.get('/invitations');
    assert.equal((await peter.post(`/invitations/${id}/accept`, { _csrf: '' })).status, 403);
    assert.equal((await peter.post(`/invitations/${id}/decline`, { _csrf: 'forged' })).status, 403);
    assert.equal(pendingRow(app, DEMO.vest, 'glumsoe')?.active, 1, 'still waiting');

    // Accepting gives the role the admin chose, once.
    assert.equal((await peter.post(`/invitations/${id}/accept`)).status, 303);
    assert.equal((await peter.post(`/invitations/${id}/accept`)).status, 404, 'already answered');
    assert.match(
      textOf((await peter.get('/')).text),
      /Lokalrådsadministrator, Glumsø Lokalråd \(næstformand\)/,
    );
    assert.equal((await peter.get(`/councils/${glumsoe}/members`)).status, 200);
  });
});

describe('another council inviting the same new address leaves no trace on the first', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('the first council’s row, its date included, does not move when a second council invites', async () => {
    let formand = await loggedIn(app, DEMO.formand);
    const glumsoe = councilId(app, 'glumsoe');
    const fladsaa = councilId(app, 'fladsaa');
    const email = 'to-lokalraad@example.dk';
    await formand.get(`/councils/${glumsoe}/members/new`);
    const first = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'To Råd',
      email,
      title: '',
      role: 'network_person',
    });
    assert.equal(first.status, 303);
    const before = rowOf((await formand.get(`/councils/${glumsoe}/members`)).text, email);

    app.advanceClock(3 * 86_400_000);
    const admin = await loggedIn(app, DEMO.admin);
    await admin.get(`/councils/${fladsaa}/members/new`);
    const second = await admin.post(`/councils/${fladsaa}/members`, {
      name: 'To Råd (Fladså)',
      email,
      title: '',
      role: 'network_person',
    });
    assert.equal(second.status, 303);

    formand = await loggedIn(app, DEMO.formand);
    const after = rowOf((await formand.get(`/councils/${glumsoe}/members`)).text, email);
    assert.equal(after, before);
  });
});
