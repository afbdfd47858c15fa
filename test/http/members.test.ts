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
  lastMailTo,
  linkIn,
  loggedIn,
  membershipId,
  userByEmail,
} from '../helpers/world.js';

type Role = 'admin' | 'officer' | 'formand' | 'hal' | 'brugs' | 'vest' | 'anonymous';
type CouncilKey = 'glumsoe' | 'fladsaa';

const LOGINS: Record<Exclude<Role, 'anonymous'>, string> = DEMO;
const ROLES: Role[] = ['admin', 'officer', 'formand', 'hal', 'brugs', 'vest', 'anonymous'];
const NEW_PASSWORD = 'en lang og god sætning';
const DAY = 86_400_000;

const canManage = (role: Role, council: CouncilKey) =>
  role === 'admin' || (role === 'formand' && council === 'glumsoe');
const canView = (role: Role, council: CouncilKey) => canManage(role, council) || role === 'officer';

function membershipActive(app: TestApp, id: number): number {
  return app.deps.db.prepare('SELECT active FROM memberships WHERE id = ?').pluck().get(id) as number;
}

/** A person invited straight into the database: a target for access tests that change nothing real. */
function addInvitedMember(app: TestApp, email: string, slug: string): number {
  addPerson(app, {
    email,
    name: `Prøve ${slug}`,
    status: 'invited',
    memberOf: [{ councilId: councilId(app, slug) }],
  });
  return membershipId(app, email, slug);
}

describe('who may see and manage council members (every route × every role × own and foreign council)', () => {
  let app: TestApp;
  const clients = new Map<Role, Client>();
  const ids = { glumsoe: 0, fladsaa: 0 };
  const targets = { glumsoe: 0, fladsaa: 0 };

  before(async () => {
    app = await startTestApp();
    ids.glumsoe = councilId(app, 'glumsoe');
    ids.fladsaa = councilId(app, 'fladsaa');
    targets.glumsoe = addInvitedMember(app, 'maal-glumsoe@example.dk', 'glumsoe');
    targets.fladsaa = addInvitedMember(app, 'maal-fladsaa@example.dk', 'fladsaa');
    for (const role of ROLES) {
      clients.set(role, role === 'anonymous' ? new Client(app.url) : await loggedIn(app, LOGINS[role]));
    }
  });
  after(() => app.close());

  const client = (role: Role) => clients.get(role) as Client;

  const expectAnonymousToLogin = (page: { status: number; location: string | null }) => {
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/login/);
  };

  const GET_MEMBERS_EXPECTED: Record<Role, number> = {
    admin: 200,
    officer: 200,
    formand: 303,
    hal: 404,
    brugs: 404,
    vest: 404,
    anonymous: 303,
  };
  for (const role of ROLES) {
    it(`GET /members as ${role} answers ${GET_MEMBERS_EXPECTED[role]}`, async () => {
      const page = await client(role).get('/members');
      if (role === 'anonymous') return expectAnonymousToLogin(page);
      assert.equal(page.status, GET_MEMBERS_EXPECTED[role]);
      if (role === 'formand') assert.equal(page.location, `/councils/${ids.glumsoe}/members`);
      if (role === 'admin' || role === 'officer') {
        const text = textOf(page.text);
        assert.match(text, /Næstved Kommune/);
        for (const name of ['Glumsø Lokalråd', 'Fladså Lokalråd', 'Lokalrådet for Næstved Vestegn']) {
          assert.ok(text.includes(name), `${name} is listed`);
        }
      }
    });
  }

  for (const role of ROLES) {
    for (const council of ['glumsoe', 'fladsaa'] as const) {
      const view = canView(role, council);
      const manage = canManage(role, council);
      const label = `as ${role} for ${council === 'glumsoe' ? 'Glumsø' : 'Fladså'}`;

      it(`GET /councils/:id/members ${label} answers ${role === 'anonymous' ? '303 /login' : view ? 200 : 404}`, async () => {
        const page = await client(role).get(`/councils/${ids[council]}/members`);
        if (role === 'anonymous') return expectAnonymousToLogin(page);
        assert.equal(page.status, view ? 200 : 404);
        if (!view) return;
        assert.match(page.text, /<div class="table-wrapper">\s*<table class="table/);
        assert.equal(page.text.includes('/members/new'), manage, 'the invite button only for managers');
        assert.equal(page.text.includes('/edit"'), manage, 'edit links only for managers');
      });

      it(`GET /councils/:id/members/new ${label} answers ${role === 'anonymous' ? '303 /login' : manage ? 200 : 404}`, async () => {
        const page = await client(role).get(`/councils/${ids[council]}/members/new`);
        if (role === 'anonymous') return expectAnonymousToLogin(page);
        assert.equal(page.status, manage ? 200 : 404);
      });

      it(`POST /councils/:id/members ${label} answers ${role === 'anonymous' ? '303 /login' : manage ? '422 for empty input' : 404}`, async () => {
        const page = await client(role).post(`/councils/${ids[council]}/members`, { name: '', email: '' });
        if (role === 'anonymous') return expectAnonymousToLogin(page);
        assert.equal(page.status, manage ? 422 : 404);
      });

      it(`GET …/:membershipId/edit ${label} answers ${role === 'anonymous' ? '303 /login' : manage ? 200 : 404}`, async () => {
        const page = await client(role).get(`/councils/${ids[council]}/members/${targets[council]}/edit`);
        if (role === 'anonymous') return expectAnonymousToLogin(page);
        assert.equal(page.status, manage ? 200 : 404);
      });

      it(`POST …/:membershipId/edit ${label} answers ${role === 'anonymous' ? '303 /login' : manage ? '422 for a bad role' : 404}`, async () => {
        const page = await client(role).post(`/councils/${ids[council]}/members/${targets[council]}/edit`, {
          title: 'x',
          role: 'district_admin',
        });
        if (role === 'anonymous') return expectAnonymousToLogin(page);
        assert.equal(page.status, manage ? 422 : 404);
      });

      it(`POST …/:membershipId/resend ${label} answers ${role === 'anonymous' ? '303 /login' : manage ? 303 : 404}`, async () => {
        const page = await client(role).post(`/councils/${ids[council]}/members/${targets[council]}/resend`);
        if (role === 'anonymous') return expectAnonymousToLogin(page);
        assert.equal(page.status, manage ? 303 : 404);
      });

      it(`POST …/deactivate and …/reactivate ${label} answer ${role === 'anonymous' ? '303 /login' : manage ? 303 : 404}`, async () => {
        const base = `/councils/${ids[council]}/members/${targets[council]}`;
        const off = await client(role).post(`${base}/deactivate`);
        if (role === 'anonymous') expectAnonymousToLogin(off);
        else assert.equal(off.status, manage ? 303 : 404);
        assert.equal(membershipActive(app, targets[council]), manage ? 0 : 1);
        const on = await client(role).post(`${base}/reactivate`);
        if (role === 'anonymous') expectAnonymousToLogin(on);
        else assert.equal(on.status, manage ? 303 : 404);
        assert.equal(membershipActive(app, targets[council]), 1);
      });
    }
  }

  it('answers 404 for an unknown council, a non-numeric id and a membership of another council', async () => {
    const admin = client('admin');
    assert.equal((await admin.get('/councils/99999/members')).status, 404);
    assert.equal((await admin.get('/councils/abc/members')).status, 404);
    assert.equal((await admin.get(`/councils/${ids.glumsoe}/members/99999/edit`)).status, 404);
    const foreign = await admin.get(`/councils/${ids.glumsoe}/members/${targets.fladsaa}/edit`);
    assert.equal(foreign.status, 404);
    const foreignPost = await admin.post(`/councils/${ids.glumsoe}/members/${targets.fladsaa}/deactivate`);
    assert.equal(foreignPost.status, 404);
    assert.equal(membershipActive(app, targets.fladsaa), 1);
  });

  it('refuses a POST without _csrf with 403 and changes nothing', async () => {
    const formand = client('formand');
    const invite = await formand.post(`/councils/${ids.glumsoe}/members`, {
      _csrf: '',
      name: 'Uden Token',
      email: 'uden-token@example.dk',
      role: 'network_person',
    });
    assert.equal(invite.status, 403);
    assert.equal(userByEmail(app, 'uden-token@example.dk'), undefined);
    const deactivate = await formand.post(`/councils/${ids.glumsoe}/members/${targets.glumsoe}/deactivate`, {
      _csrf: 'forged',
    });
    assert.equal(deactivate.status, 403);
    assert.equal(membershipActive(app, targets.glumsoe), 1);
  });
});

describe('inviting and managing council members', () => {
  let app: TestApp;
  let glumsoe: number;
  let fladsaa: number;

  before(async () => {
    app = await startTestApp();
    glumsoe = councilId(app, 'glumsoe');
    fladsaa = councilId(app, 'fladsaa');
  });
  after(() => app.close());

  it('invites a new person by email: the mail arrives, the link sets a password, then login works', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    const form = await formand.get(`/councils/${glumsoe}/members/new`);
    assert.equal(form.status, 200);
    assert.match(form.text, /novalidate/);
    const sent = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Karen Skov',
      email: 'Karen.Skov@Example.dk',
      title: 'skoleleder',
      role: 'network_person',
    });
    assert.equal(sent.status, 303);
    assert.equal(sent.location, `/councils/${glumsoe}/members`);
    const list = await formand.get(sent.location);
    const text = textOf(list.text);
    assert.match(text, /Invitationen er sendt til karen\.skov@example\.dk/);
    assert.match(text, /Karen Skov .*karen\.skov@example\.dk.*skoleleder.*Netværksperson.*Inviteret/);
    assert.ok(text.includes(formatDate(app.deps.now())), 'the invitation date in Danish');

    const user = userByEmail(app, 'karen.skov@example.dk');
    assert.equal(user?.status, 'invited');
    assert.equal(user?.locale, 'da');
    const audit = app.deps.db
      .prepare(`SELECT action, entity_type FROM audit_log WHERE entity_type = 'membership' ORDER BY id DESC`)
      .get() as { action: string; entity_type: string };
    assert.equal(audit.action, 'membership.created');

    const mail = await lastMailTo(app, 'karen.skov@example.dk');
    assert.match(mail.subject, /Du er inviteret til Nærnet – Glumsø Lokalråd/);
    assert.match(mail.text, /Birgit Sørensen har inviteret dig/);
    const link = linkIn(mail, '/invitations/');
    assert.equal((await acceptInvitation(app, link, NEW_PASSWORD)).location, '/', 'signed in at once');

    const invitee = new Client(app.url);
    await invitee.get('/login');
    const login = await invitee.post('/login', { email: 'karen.skov@example.dk', password: NEW_PASSWORD });
    assert.equal(login.status, 303);
    const home = await invitee.get('/');
    assert.match(textOf(home.text), /Netværksperson, Glumsø Lokalråd \(skoleleder\)/);

    const again = await new Client(app.url).get(new URL(link).pathname);
    assert.equal(again.status, 410, 'the link cannot be used twice');

    const after = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.match(after, /Karen Skov .*Aktiv/);
  });

  it('keeps the input and shows the DKFDS error summary for bad input (422)', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    await formand.get(`/councils/${glumsoe}/members/new`);
    const empty = await formand.post(`/councils/${glumsoe}/members`, {
      name: '  ',
      email: '',
      title: '',
      role: '',
    });
    assert.equal(empty.status, 422);
    assert.match(empty.text, /class="alert alert-error error-summary"/);
    assert.match(empty.text, /href="#field-name">Skriv personens navn/);
    assert.match(empty.text, /href="#field-email">Skriv personens e-mail/);
    assert.match(empty.text, /href="#field-role">Vælg en rolle/);
    assert.match(empty.text, /id="field-name"[^>]*aria-invalid="true"/);

    const bad = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Ole Lund',
      email: 'ikke-en-mail',
      title: 't'.repeat(61),
      role: 'network_person',
    });
    assert.equal(bad.status, 422);
    const text = textOf(bad.text);
    assert.match(text, /Skriv en gyldig e-mail, fx navn@eksempel\.dk/);
    assert.match(text, /Skriv en titel på højst 60 tegn/);
    assert.match(bad.text, /value="Ole Lund"/, 'the name is kept');
    assert.match(bad.text, /value="ikke-en-mail"/, 'the email is kept');

    const long = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'n'.repeat(101),
      email: `${'a'.repeat(250)}@example.dk`,
      role: 'district_admin',
    });
    assert.equal(long.status, 422);
    assert.match(textOf(long.text), /Skriv et navn på højst 100 tegn/);
    assert.match(textOf(long.text), /Skriv en gyldig e-mail/);
    assert.match(textOf(long.text), /Vælg en rolle/);

    const exactly = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'n'.repeat(100),
      email: 'hundrede@example.dk',
      title: 't'.repeat(60),
      role: 'council_admin',
    });
    assert.equal(exactly.status, 303, '100 characters of name and 60 of title are allowed');
  });

  it('escapes script tags in name and title on every page', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    await formand.get(`/councils/${glumsoe}/members/new`);
    const script = '<script>alert(1)</script>';
    const invalid = await formand.post(`/councils/${glumsoe}/members`, {
      name: script,
      email: 'x',
      role: '',
    });
    assert.equal(invalid.status, 422);
    assert.ok(!invalid.text.includes(script));
    assert.ok(invalid.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const sent = await formand.post(`/councils/${glumsoe}/members`, {
      name: script,
      email: 'script@example.dk',
      title: `<b>${script}</b>`,
      role: 'network_person',
    });
    assert.equal(sent.status, 303);
    const list = await formand.get(`/councils/${glumsoe}/members`);
    assert.ok(!list.text.includes(script), 'no raw script on the list');
    assert.ok(list.text.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    const id = membershipId(app, 'script@example.dk', 'glumsoe');
    const edit = await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    assert.ok(!edit.text.includes(script), 'no raw script on the edit page');
    const mail = await lastMailTo(app, 'script@example.dk');
    assert.ok(!mail.html.includes(script), 'no raw script in the mail');
  });

  it('refuses an email that already is a member (422 on email) and points a deactivated one to reactivation', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    await formand.get(`/councils/${glumsoe}/members/new`);
    const dup = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Jens',
      email: 'HAL@glumsoe.example',
      role: 'network_person',
    });
    assert.equal(dup.status, 422);
    assert.match(
      dup.text,
      /href="#field-email">Personen med denne e-mail er allerede medlem af eller inviteret til lokalrådet/,
    );
    // The input comes back as typed.
    assert.match(dup.text, /value="HAL@glumsoe.example"/);

    await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Tidligere Medlem',
      email: 'tidligere@example.dk',
      role: 'network_person',
    });
    const id = membershipId(app, 'tidligere@example.dk', 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    assert.equal((await formand.post(`/councils/${glumsoe}/members/${id}/deactivate`)).status, 303);
    assert.equal(userByEmail(app, 'tidligere@example.dk')?.status, 'deactivated');
    await formand.get(`/councils/${glumsoe}/members/new`);
    const again = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Tidligere Medlem',
      email: 'tidligere@example.dk',
      role: 'network_person',
    });
    assert.equal(again.status, 422);
    assert.match(textOf(again.text), /deaktiveret medlemskab i lokalrådet.*genaktiver medlemskabet i stedet/);
  });

  it('lets a deactivated invitee back with a fresh link when reactivated (they never set a password)', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    const id = membershipId(app, 'tidligere@example.dk', 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    const on = await formand.post(`/councils/${glumsoe}/members/${id}/reactivate`);
    assert.equal(on.status, 303);
    assert.equal(userByEmail(app, 'tidligere@example.dk')?.status, 'invited');
    const mail = await lastMailTo(app, 'tidligere@example.dk');
    assert.match(mail.subject, /Du er inviteret/);
    const page = await new Client(app.url).get(new URL(linkIn(mail, '/invitations/')).pathname);
    assert.equal(page.status, 200);
  });

  it('invites an existing person from another council, who becomes a member only by accepting', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    await formand.get(`/councils/${glumsoe}/members/new`);
    const sent = await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Hvad som helst',
      email: 'brugs@fladsaa.example',
      title: 'kasserer',
      role: 'network_person',
    });
    assert.equal(sent.status, 303);
    const list = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.match(list, /Invitationen er sendt til brugs@fladsaa\.example/);
    assert.match(list, /Hvad som helst .*brugs@fladsaa\.example.*kasserer.*Inviteret/);
    assert.doesNotMatch(list, /Lise Østergaard/, 'the real name stays hidden until she accepts');
    const user = userByEmail(app, 'brugs@fladsaa.example');
    assert.equal(user?.name, 'Lise Østergaard', 'an existing person keeps their own name');
    const activeMemberships = () =>
      app.deps.db
        .prepare('SELECT count(*) FROM memberships WHERE user_id = ? AND active = 1')
        .pluck()
        .get(user?.id);
    assert.equal(activeMemberships(), 1, 'not a member of Glumsø before she answers');
    const mail = await lastMailTo(app, 'brugs@fladsaa.example');
    assert.match(mail.subject, /Du er inviteret til Glumsø Lokalråd i Nærnet/);
    assert.match(
      mail.text,
      /Birgit Sørensen har inviteret dig til at være med i netværket hos Glumsø Lokalråd/,
    );
    assert.doesNotMatch(mail.text, /\/invitations\//, 'no set-password link: she logs in as usual');

    const lise = await loggedIn(app, LOGINS.brugs);
    const page = await lise.get('/invitations');
    const id = /action="\/invitations\/(\d+)\/accept"/.exec(page.text)?.[1];
    assert.ok(id, 'the invitation is on her page');
    assert.equal((await lise.post(`/invitations/${id}/accept`)).status, 303);
    assert.equal(activeMemberships(), 2);
    const after = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.match(after, /Lise Østergaard .*brugs@fladsaa\.example.*kasserer.*Aktiv/);
    assert.doesNotMatch(after, /Hvad som helst/);
  });

  it('gives the same email a second membership of the same user when invited to a second council', async () => {
    const admin = await loggedIn(app, LOGINS.admin);
    await admin.get(`/councils/${glumsoe}/members/new`);
    const first = await admin.post(`/councils/${glumsoe}/members`, {
      name: 'To Råd',
      email: 'to-raad@example.dk',
      role: 'network_person',
    });
    assert.equal(first.status, 303);
    const firstLink = linkIn(await lastMailTo(app, 'to-raad@example.dk'), '/invitations/');
    const second = await admin.post(`/councils/${fladsaa}/members`, {
      name: 'To Råd',
      email: 'to-raad@example.dk',
      role: 'council_admin',
    });
    assert.equal(second.status, 303);
    const rows = () =>
      app.deps.db
        .prepare(
          `SELECT c.slug, m.role, m.user_id IS NULL AS pending
             FROM memberships m JOIN users u ON u.id = coalesce(m.user_id, m.invitee_id)
             JOIN councils c ON c.id = m.council_id
            WHERE u.email = 'to-raad@example.dk' ORDER BY c.slug`,
        )
        .all();
    // The second invitation went to an account that already existed: it waits for her answer.
    assert.deepEqual(rows(), [
      { slug: 'fladsaa', role: 'council_admin', pending: 1 },
      { slug: 'glumsoe', role: 'network_person', pending: 0 },
    ]);
    const secondMail = await lastMailTo(app, 'to-raad@example.dk');
    assert.match(secondMail.subject, /Fladså Lokalråd/);
    // She has no password yet, so the mail brings a fresh set-password link that replaces the first.
    const secondLink = linkIn(secondMail, '/invitations/');
    assert.notEqual(secondLink, firstLink);
    assert.equal((await new Client(app.url).get(new URL(firstLink).pathname)).status, 410);
    assert.equal((await acceptInvitation(app, secondLink, NEW_PASSWORD)).location, '/', 'signed in at once');
    const person = await loggedIn(app, 'to-raad@example.dk', NEW_PASSWORD);
    assert.equal(
      (await person.get(`/councils/${fladsaa}/members`)).status,
      404,
      'not yet an admin of Fladså',
    );
    const home = textOf((await person.get('/')).text);
    assert.match(home, /Fladså Lokalråd vil gerne have dig med i sit netværk/);
    const page = await person.get('/invitations');
    const id = /action="\/invitations\/(\d+)\/accept"/.exec(page.text)?.[1];
    assert.equal((await person.post(`/invitations/${id}/accept`)).status, 303);
    assert.deepEqual(rows(), [
      { slug: 'fladsaa', role: 'council_admin', pending: 0 },
      { slug: 'glumsoe', role: 'network_person', pending: 0 },
    ]);
    const members = await person.get(`/councils/${fladsaa}/members`);
    assert.equal(members.status, 200, 'the new council admin of Fladså manages it');
    assert.equal((await person.get(`/councils/${glumsoe}/members`)).status, 404);
  });

  it('resends an invitation with a new link that replaces the old one, only for invited people', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    await formand.get(`/councils/${glumsoe}/members/new`);
    await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Igen Igen',
      email: 'igen@example.dk',
      role: 'network_person',
    });
    const oldLink = linkIn(await lastMailTo(app, 'igen@example.dk'), '/invitations/');
    const id = membershipId(app, 'igen@example.dk', 'glumsoe');
    const edit = await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    assert.match(textOf(edit.text), /Send invitationen igen/);
    const resent = await formand.post(`/councils/${glumsoe}/members/${id}/resend`);
    assert.equal(resent.status, 303);
    assert.match(
      textOf((await formand.get(resent.location ?? '')).text),
      /En ny invitation er sendt til igen@example\.dk/,
    );
    const newLink = linkIn(await lastMailTo(app, 'igen@example.dk'), '/invitations/');
    assert.notEqual(newLink, oldLink);
    assert.equal((await new Client(app.url).get(new URL(oldLink).pathname)).status, 410);
    assert.equal((await new Client(app.url).get(new URL(newLink).pathname)).status, 200);

    const halId = membershipId(app, LOGINS.hal, 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/${halId}/edit`);
    const refused = await formand.post(`/councils/${glumsoe}/members/${halId}/resend`);
    assert.equal(refused.status, 409);
    assert.match(textOf(refused.text), /kun sendes igen til personer, der endnu ikke har svaret på den/);
  });

  it('edits title and role, and records the change in the audit log', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    const id = membershipId(app, LOGINS.hal, 'glumsoe');
    const edit = await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    assert.match(edit.text, /id="field-title"[^>]*value="halinspektør"/);
    const bad = await formand.post(`/councils/${glumsoe}/members/${id}/edit`, {
      title: 'x'.repeat(61),
      role: 'network_person',
    });
    assert.equal(bad.status, 422);
    assert.match(bad.text, /href="#field-title">Skriv en titel på højst 60 tegn/);
    const saved = await formand.post(`/councils/${glumsoe}/members/${id}/edit`, {
      title: 'halinspektør og træner',
      role: 'network_person',
    });
    assert.equal(saved.status, 303);
    const list = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.match(list, /Ændringerne for Jens Æbeltoft er gemt/);
    assert.match(list, /halinspektør og træner/);
    const audit = app.deps.db
      .prepare(`SELECT details FROM audit_log WHERE action = 'membership.updated' AND entity_id = ?`)
      .pluck()
      .get(id) as string;
    assert.match(audit, /"title":"halinspektør og træner"/);
  });

  it('shows the last login as a Danish date, and "Aldrig" for someone who never logged in', async () => {
    await loggedIn(app, LOGINS.hal);
    const officer = await loggedIn(app, LOGINS.officer);
    const list = await officer.get(`/councils/${glumsoe}/members`);
    const rowOf = (name: string) =>
      list.text.split('<tr>').find((row) => row.includes(name)) ?? assert.fail(`no row for ${name}`);
    const today = formatDate(app.deps.now());
    assert.match(today, /^\d{1,2}\. [a-zæøå]+ \d{4}$/);
    assert.ok(rowOf('Jens Æbeltoft').includes(`data-title="Sidst logget ind">${today}<`));
    assert.ok(rowOf('Igen Igen').includes('data-title="Sidst logget ind">Aldrig<'));
    assert.ok(rowOf('Igen Igen').includes(`data-title="Inviteret/tilføjet">${today}<`));
  });

  it('deactivating logs the member out at once and stops their login; reactivating lets them in again', async () => {
    const hal = await loggedIn(app, LOGINS.hal);
    assert.match((await hal.get('/')).text, /Log ud/);
    const formand = await loggedIn(app, LOGINS.formand);
    const id = membershipId(app, LOGINS.hal, 'glumsoe');
    const edit = await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    assert.match(textOf(edit.text), /Deaktiver medlemskab/);
    const off = await formand.post(`/councils/${glumsoe}/members/${id}/deactivate`);
    assert.equal(off.status, 303);
    const list = textOf((await formand.get(`/councils/${glumsoe}/members`)).text);
    assert.match(list, /Personen har ingen andre roller og kan ikke længere logge ind/);
    assert.match(list, /Jens Æbeltoft .*Deaktiveret/);

    assert.doesNotMatch((await hal.get('/')).text, /Log ud/, 'the open session has ended');
    const retry = new Client(app.url);
    await retry.get('/login');
    const refused = await retry.post('/login', { email: LOGINS.hal, password: 'naestved-2015' });
    assert.equal(refused.status, 401);
    assert.equal(userByEmail(app, LOGINS.hal)?.status, 'deactivated');

    await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    const on = await formand.post(`/councils/${glumsoe}/members/${id}/reactivate`);
    assert.equal(on.status, 303);
    assert.equal(userByEmail(app, LOGINS.hal)?.status, 'active');
    await loggedIn(app, LOGINS.hal);
    const actions = app.deps.db
      .prepare(`SELECT action FROM audit_log WHERE entity_type = 'membership' AND entity_id = ? ORDER BY id`)
      .pluck()
      .all(id);
    assert.ok(actions.includes('membership.deactivated') && actions.includes('membership.reactivated'));
  });

  it('ends the sessions of a person with another council but lets them log in again', async () => {
    const brugs = await loggedIn(app, LOGINS.brugs);
    const formand = await loggedIn(app, LOGINS.formand);
    const id = membershipId(app, LOGINS.brugs, 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/${id}/edit`);
    const off = await formand.post(`/councils/${glumsoe}/members/${id}/deactivate`);
    assert.equal(off.status, 303);
    assert.doesNotMatch((await brugs.get('/')).text, /Log ud/);
    assert.equal(userByEmail(app, LOGINS.brugs)?.status, 'active');
    const again = await loggedIn(app, LOGINS.brugs);
    const home = textOf((await again.get('/')).text);
    assert.match(home, /Fladså Lokalråd/);
    assert.doesNotMatch(home, /Glumsø Lokalråd/);
  });

  it('does not let the last council admin deactivate or demote themselves', async () => {
    const formand = await loggedIn(app, LOGINS.formand);
    const own = membershipId(app, LOGINS.formand, 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/${own}/edit`);
    const demote = await formand.post(`/councils/${glumsoe}/members/${own}/edit`, {
      title: 'formand',
      role: 'network_person',
    });
    assert.equal(demote.status, 422);
    assert.match(demote.text, /href="#field-role">Du er lokalrådets eneste administrator/);
    const deactivate = await formand.post(`/councils/${glumsoe}/members/${own}/deactivate`);
    assert.equal(deactivate.status, 409);
    assert.match(textOf(deactivate.text), /kan ikke deaktivere dit eget medlemskab/);
    assert.equal(membershipActive(app, own), 1);

    // With a second admin the formand may step down.
    const halId = membershipId(app, LOGINS.hal, 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/${halId}/edit`);
    const promote = await formand.post(`/councils/${glumsoe}/members/${halId}/edit`, {
      title: 'halinspektør',
      role: 'council_admin',
    });
    assert.equal(promote.status, 303);
    const stepDown = await formand.post(`/councils/${glumsoe}/members/${own}/edit`, {
      title: 'formand',
      role: 'network_person',
    });
    assert.equal(stepDown.status, 303);
    assert.equal((await formand.get(`/councils/${glumsoe}/members`)).status, 404, 'no longer a manager');
  });
});

describe('English and invitation expiry', () => {
  let app: TestApp;
  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('shows the member list in English with English dates when the user chooses English', async () => {
    const glumsoe = councilId(app, 'glumsoe');
    const admin = await loggedIn(app, LOGINS.admin);
    await admin.post('/language', { locale: 'en', next: '/' });
    const list = await admin.get(`/councils/${glumsoe}/members`);
    assert.equal(list.status, 200);
    const text = textOf(list.text);
    assert.match(text, /Members of Glumsø Lokalråd/);
    assert.match(text, /Last logged in/);
    assert.match(text, /Network person/);
    assert.ok(text.includes(formatDate(app.deps.now(), 'en')));
    const form = await admin.get(`/councils/${glumsoe}/members/new`);
    const bad = await admin.post(`/councils/${glumsoe}/members`, { name: '', email: 'x', role: '' });
    assert.equal(form.status, 200);
    assert.equal(bad.status, 422);
    assert.match(textOf(bad.text), /Enter the person's name.*Enter a valid email/);
  });

  it('works for 7 days and not after', async () => {
    const glumsoe = councilId(app, 'glumsoe');
    const formand = await loggedIn(app, LOGINS.formand);
    await formand.get(`/councils/${glumsoe}/members/new`);
    await formand.post(`/councils/${glumsoe}/members`, {
      name: 'Sen Svar',
      email: 'sen@example.dk',
      role: 'network_person',
    });
    const path = new URL(linkIn(await lastMailTo(app, 'sen@example.dk'), '/invitations/')).pathname;
    app.advanceClock(6 * DAY);
    assert.equal((await new Client(app.url).get(path)).status, 200, 'still valid after 6 days');
    app.advanceClock(DAY + 60_000);
    const expired = await new Client(app.url).get(path);
    assert.equal(expired.status, 410);
    const post = await new Client(app.url).post(path, {
      password: NEW_PASSWORD,
      password_confirm: NEW_PASSWORD,
      accept_privacy: '1',
    });
    assert.equal(post.status, 410);
    assert.equal(userByEmail(app, 'sen@example.dk')?.status, 'invited');
  });
});
