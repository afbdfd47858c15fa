/**
 * The shared test world: the demo people and how to sign them in, the ids of what the demo holds,
 * people and councils added beside it, and builders that make a concern, a meeting, a newsletter
 * or a survey — through the real HTTP forms (a Client with its cookies and CSRF token) or through
 * the service, as the test needs. Mail is read from the real SMTP server on loopback.
 *
 * Everything takes the app (or, in a unit test, the composition) as its first argument: a test
 * file's own `app` stays the one thing it starts and closes.
 */
import assert from 'node:assert/strict';
import type { Actor } from '../../src/auth/policy.js';
import type { UserRow } from '../../src/auth/users.repository.js';
import type { Composition } from '../../src/composition.js';
import type { NewConcernInput } from '../../src/features/concerns/concerns.service.js';
import type { CleanPhoto } from '../../src/features/concerns/photos.js';
import { toLocalInputValue } from '../../src/web/dates.js';
import type { TestApp } from './app.js';
import { Client, DEMO_PASSWORD, type Page, textOf } from './client.js';
import { testPasswordHash } from './passwords.js';
import { linkIn, type ReceivedMail } from './smtp.js';

export { DEMO_PASSWORD, linkIn, testPasswordHash };

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;

/** The demo people (src/demo/demo.ts) by the part they play; all share DEMO_PASSWORD. */
export const DEMO = {
  admin: 'admin@politi.example',
  officer: 'betjent@politi.example',
  formand: 'formand@glumsoe.example',
  hal: 'hal@glumsoe.example',
  brugs: 'brugs@fladsaa.example',
  vest: 'vest@vestegn.example',
} as const;
export type DemoRole = keyof typeof DEMO;

/** A subset of the demo people, keyed as in DEMO: `demoLogins('officer', 'hal')`. */
export function demoLogins<R extends DemoRole>(...roles: R[]): { [K in R]: (typeof DEMO)[K] } {
  return Object.fromEntries(roles.map((r) => [r, DEMO[r]])) as { [K in R]: (typeof DEMO)[K] };
}

/** A test app, or in a unit test the composition itself. */
export type World = Pick<TestApp, 'deps'> | Composition;
const depsOf = (world: World): Composition => ('deps' in world ? world.deps : world);

// ------------------------------------------------------------------ signing in

/** A client signed in through the login form. */
export async function loggedIn(app: TestApp, email: string, password?: string): Promise<Client> {
  const client = new Client(app.url);
  await client.login(email, password);
  return client;
}

/** One signed-in client per role of `logins`, signed in one after the other. */
export async function loginAll<R extends string>(
  app: TestApp,
  logins: Record<R, string>,
  roles: readonly R[] = Object.keys(logins) as R[],
): Promise<Record<R, Client>> {
  const clients = {} as Record<R, Client>;
  for (const role of roles) clients[role] = await loggedIn(app, logins[role]);
  return clients;
}

/** One signed-in client per email, signed in one after the other. */
export async function loginEach(app: TestApp, emails: readonly string[]): Promise<Map<string, Client>> {
  const clients = new Map<string, Client>();
  for (const email of emails) clients.set(email, await loggedIn(app, email));
  return clients;
}

/**
 * `as(email)`: the person's signed-in client, signed in on first use and reused after. `app` is
 * read when first needed, so this can be made before the app is started.
 */
export function signedIn(app: () => TestApp): (email: string) => Promise<Client> {
  const clients = new Map<string, Client>();
  return async (email) => {
    let client = clients.get(email);
    if (!client) {
      client = await loggedIn(app(), email);
      clients.set(email, client);
    }
    return client;
  };
}

/** `get(email)` of a map made by loginEach, failing the test when nobody signed in as them. */
export function clientOf(clients: Map<string, Client>, email: string): Client {
  const client = clients.get(email);
  assert.ok(client, `logged in as ${email}`);
  return client;
}

// ------------------------------------------------------------------ looking things up

const pluck = <T>(world: World, sql: string, ...params: unknown[]) =>
  depsOf(world)
    .db.prepare(sql)
    .pluck()
    .get(...params) as T;

export const councilId = (world: World, slug: string) =>
  pluck<number>(world, 'SELECT id FROM councils WHERE slug = ?', slug);
export const councilIdByName = (world: World, name: string) =>
  pluck<number | undefined>(world, 'SELECT id FROM councils WHERE name = ?', name);
export const municipalityId = (world: World, name: string) =>
  pluck<number | undefined>(world, 'SELECT id FROM municipalities WHERE name = ?', name);
export const departmentId = (world: World, name: string) =>
  pluck<number>(world, 'SELECT id FROM departments WHERE name = ?', name);
export const categoryId = (world: World, slug: string) =>
  pluck<number>(world, 'SELECT id FROM categories WHERE slug = ?', slug);

export const userByEmail = (world: World, email: string): UserRow | undefined =>
  depsOf(world).users.findByEmail(email);
export const userId = (world: World, email: string) => userByEmail(world, email)?.id as number;

/** The person's membership of the council with this slug (active or not). */
export const membershipId = (world: World, email: string, slug: string) =>
  pluck<number>(
    world,
    `SELECT m.id FROM memberships m JOIN users u ON u.id = m.user_id JOIN councils c ON c.id = m.council_id
      WHERE u.email = ? AND c.slug = ?`,
    email,
    slug,
  );

/** The person as the services see them (roles and councils loaded fresh), for calls without HTTP. */
export function actorOf(world: World, email: string): Actor {
  const { users } = depsOf(world);
  const user = users.findByEmail(email);
  assert.ok(user, email);
  const actor = users.loadActor(user.id);
  assert.ok(actor, email);
  return actor;
}

/** An actor made up for a policy test, without a database: nobody, unless `overrides` say more. */
export const actorWith = (overrides: Partial<Actor>): Actor => ({
  id: 1,
  name: 'Test',
  email: 'test@example.dk',
  locale: 'da',
  isDistrictAdmin: false,
  isOfficer: false,
  totpEnabled: false,
  officerCouncilIds: [],
  memberships: [],
  ...overrides,
});

// ------------------------------------------------------------------ people and councils beside the demo

export type NewPerson = {
  email: string;
  name: string;
  status?: 'active' | 'invited' | 'deactivated';
  /** null: no password (an invitee, or a mail recipient who never logs in). */
  passwordHash?: string | null;
  isOfficer?: boolean;
  /** Stamp privacy_accepted_at, as an accepted invitation does. */
  privacyAccepted?: boolean;
  notifyNewsletters?: boolean;
  /** Councils the officer covers. */
  officerOf?: number[];
  memberOf?: {
    councilId: number;
    role?: 'network_person' | 'council_admin';
    title?: string;
    active?: boolean;
  }[];
  /** created_at of the rows; the app's clock by default. */
  at?: string;
};

/** A person straight into the database (with their officer assignments and memberships); returns the id. */
export function addPerson(world: World, person: NewPerson): number {
  const { db, now } = depsOf(world);
  const at = person.at ?? now().toISOString();
  const id = Number(
    db
      .prepare(
        `INSERT INTO users (email, name, password_hash, status, is_officer, notify_newsletters, privacy_accepted_at, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        person.email,
        person.name,
        person.passwordHash ?? null,
        person.status ?? 'active',
        person.isOfficer ? 1 : 0,
        person.notifyNewsletters === false ? 0 : 1,
        person.privacyAccepted ? at : null,
        at,
        at,
      ).lastInsertRowid,
  );
  const assign = db.prepare(
    'INSERT INTO officer_assignments (officer_id, council_id, created_at) VALUES (?, ?, ?)',
  );
  for (const council of person.officerOf ?? []) assign.run(id, council, at);
  const member = db.prepare(
    `INSERT INTO memberships (user_id, council_id, role, title, active, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  for (const m of person.memberOf ?? []) {
    member.run(
      id,
      m.councilId,
      m.role ?? 'network_person',
      m.title ?? '',
      m.active === false ? 0 : 1,
      at,
      at,
    );
  }
  return id;
}

/** An active officer who signs in with DEMO_PASSWORD and covers only `councils`. */
export async function addOfficer(
  world: World,
  officer: { email: string; name: string; councils: number[]; at?: string },
): Promise<number> {
  return addPerson(world, {
    email: officer.email,
    name: officer.name,
    isOfficer: true,
    passwordHash: await testPasswordHash(),
    officerOf: officer.councils,
    at: officer.at,
  });
}

/** A council of a municipality of the demo (Næstved unless told), outside the pilot. */
export function addCouncil(
  world: World,
  council: { name: string; slug: string; municipality?: string; at?: string },
): number {
  const { db, now } = depsOf(world);
  return Number(
    db
      .prepare('INSERT INTO councils (municipality_id, name, slug, created_at) VALUES (?, ?, ?, ?)')
      .run(
        municipalityId(world, council.municipality ?? 'Næstved'),
        council.name,
        council.slug,
        council.at ?? now().toISOString(),
      ).lastInsertRowid,
  );
}

// ------------------------------------------------------------------ forms through HTTP

/** The id at the end of a redirect to `/<what>/<id>`, failing the test on any other redirect. */
export function idFromRedirect(location: string | null, what: string): number {
  const match = new RegExp(`^/${what}/(\\d+)$`).exec(location ?? '');
  assert.ok(match, `redirected to /${what}/:id, got ${location}`);
  return Number(match[1]);
}

/** Opens the form page (for its CSRF token), posts it, expects 303 to the new thing and returns its id. */
async function createThroughForm(
  client: Client,
  formPath: string,
  postPath: string,
  what: string,
  fields: Record<string, string | string[] | undefined>,
): Promise<number> {
  const form = await client.get(formPath);
  assert.equal(form.status, 200, `${formPath} answered ${form.status}`);
  const page = await client.post(postPath, fields);
  assert.equal(page.status, 303, textOf(page.text).slice(0, 400));
  return idFromRedirect(page.location, what);
}

/** The "Giv en bekymring videre" form, sent as its reporter would; returns the concern's id. */
export function postConcern(client: Client, fields: Record<string, string>): Promise<number> {
  return createThroughForm(client, '/concerns/new', '/concerns', 'concerns', fields);
}

/** Plans a meeting through the form; returns its id. See meetingForm for the fields. */
export function postMeeting(client: Client, fields: Record<string, string | string[]>): Promise<number> {
  return createThroughForm(client, '/meetings/new', '/meetings', 'meetings', fields);
}

/** Writes a newsletter draft through the form; returns its id. */
export function postNewsletter(
  client: Client,
  fields: Record<string, string | string[] | undefined>,
): Promise<number> {
  return createThroughForm(client, '/newsletters/new', '/newsletters', 'newsletters', fields);
}

/** Creates a survey through the form; returns its id. */
export function postSurvey(client: Client, fields: Record<string, string | string[]>): Promise<number> {
  return createThroughForm(client, '/surveys/new', '/surveys', 'surveys', fields);
}

/** A Copenhagen datetime-local value `ms` after the app's now. */
export const inFuture = (app: TestApp, ms: number) =>
  toLocalInputValue(new Date(app.deps.now().getTime() + ms));

/** The meeting form of a Glumsø netværksmøde in ten days, two hours long; `overrides` replace fields. */
export function meetingForm(app: TestApp, overrides: Record<string, string | string[]> = {}) {
  return {
    kind: 'netvaerksmoede',
    title: 'Netværksmøde i Glumsø',
    council_ids: [String(councilId(app, 'glumsoe'))],
    starts_at: inFuture(app, 10 * DAY),
    ends_at: inFuture(app, 10 * DAY + 2 * HOUR),
    location: 'Glumsø Hallen, mødelokale 1',
    agenda: '1. Tryghed ved stationen\n2. Eventuelt',
    capacity: '',
    ...overrides,
  };
}

export type Upload = { field: string; name: string; type: string; bytes: Uint8Array };

/**
 * Posts a multipart form as a browser does with a chosen file: the CSRF token in the query string
 * (the body is not parsed before the check). `csrf` overrides the client's token.
 */
export async function postMultipart(
  app: TestApp,
  client: Client,
  path: string,
  fields: Record<string, string>,
  files: Upload[],
  options: { csrf?: string } = {},
): Promise<{ status: number; text: string; location: string | null }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)], { type: f.type }), f.name);
  const token = options.csrf ?? client.csrf ?? '';
  const res = await fetch(`${app.url}${path}?_csrf=${encodeURIComponent(token)}`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
    headers: { cookie: client.cookieHeader() },
  });
  return { status: res.status, text: await res.text(), location: res.headers.get('location') };
}

/** Accepts an invitation as the invitee does: open the link, choose a password, accept privacy. */
export async function acceptInvitation(app: TestApp, link: string, password: string): Promise<Page> {
  const invitee = new Client(app.url);
  const path = new URL(link).pathname;
  assert.equal((await invitee.get(path)).status, 200);
  const done = await invitee.post(path, { password, password_confirm: password, accept_privacy: '1' });
  assert.equal(done.status, 303);
  return done;
}

// ------------------------------------------------------------------ through the services

export type ConcernFields = Partial<NewConcernInput> & { title: string };

/**
 * A concern logged through the service by its reporter: in their first council, category
 * "andet", no description, place or time unless `fields` say otherwise. Returns its id.
 */
export function logConcern(
  world: World,
  reporter: string | Actor,
  fields: ConcernFields,
  photos: CleanPhoto[] = [],
): number {
  const by = typeof reporter === 'string' ? actorOf(world, reporter) : reporter;
  const councilId = fields.councilId ?? by.memberships[0]?.councilId;
  assert.ok(councilId, `${by.id} is a member of a council`);
  return depsOf(world).services.concerns.create(
    by,
    {
      category: 'andet',
      description: '',
      location: '',
      occurredAt: null,
      ...fields,
      councilId,
    },
    photos,
  );
}

/** Ticks the scheduler (which runs the newsletter delivery job) until the newsletter is sent. */
export async function sendNewsletter(world: World, id: number, maxTicks = 50): Promise<void> {
  const deps = depsOf(world);
  const status = () => deps.db.prepare('SELECT status FROM newsletters WHERE id = ?').pluck().get(id);
  for (let i = 0; i < maxTicks; i++) {
    await deps.scheduler.tick();
    if (status() === 'sent') return;
  }
  assert.fail(`newsletter ${id} is still ${status()} after ${maxTicks} ticks`);
}

// ------------------------------------------------------------------ mail

/** Sends what the outbox holds, then the newest mail to `email` (whose subject includes `about`). */
export async function lastMailTo(app: TestApp, email: string, about?: string): Promise<ReceivedMail> {
  await app.deliverMail();
  const mail = app.smtp
    .to(email)
    .filter((m) => about === undefined || m.subject.includes(about))
    .at(-1);
  assert.ok(mail, `a mail to ${email}${about === undefined ? '' : ` about "${about}"`} arrived`);
  return mail;
}

/** The path of the first link in the mail that starts with `prefix` ("/referrals/"). */
export const linkPathIn = (mail: ReceivedMail, prefix: string) => new URL(linkIn(mail, prefix)).pathname;
