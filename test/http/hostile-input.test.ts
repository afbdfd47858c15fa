import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express, { type Router } from 'express';
import { pino } from 'pino';
import { SESSION_COOKIE } from '../../src/app.js';
import { hashToken } from '../../src/auth/tokens.repository.js';
import { loadDemoActivity } from '../../src/demo/demo-activity.js';
import { UnsubscribeTokens } from '../../src/features/newsletters/unsubscribe.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, textOf } from '../helpers/client.js';
import { rgbPng, seededPhoto } from '../helpers/png.js';
import {
  actorOf,
  addCouncil,
  addOfficer,
  addPerson,
  councilId,
  DAY,
  DEMO,
  logConcern,
  loggedIn,
  postMultipart,
  postNewsletter,
  postSurvey,
  userId,
} from '../helpers/world.js';

/**
 * Odd input gets a page, never a 500 (issue 12, item 5). The routes come from the app's own
 * routers, the query parameters from what each handler reads (and its GET forms and links), the
 * field names from the rendered forms — so a new route, parameter or field is swept without
 * touching this file. A route parameter the sweep has no real value for fails the test until one
 * is added to `samples`.
 *
 * With real ids from the demo (and a little more, made in `before`), each GET route gets hostile
 * values in its path parameters and its query parameters, and each POST form found on the pages
 * gets them in its fields, as every role that reaches it; every POST route, form or not, gets
 * hostile ids and bodies it does not expect. Any 5xx, stack trace, or refusal that is not the
 * app's own page fails, with the cause the error handler logged.
 *
 * The app runs in this process, so requests go eight at a time; the clients' sessions and CSRF
 * tokens are reused, the logins use the cheap test hash, and views are compiled once (as in
 * production), so the sweep (~7,000 requests) stays well within a minute.
 */

type Role = 'admin' | 'officer' | 'formand' | 'hal' | 'anonymous';
const ROLES: readonly Role[] = ['admin', 'officer', 'formand', 'hal', 'anonymous'];

/**
 * What a field is, as far as hostile values go: free text, a search, something that should be an
 * id (selects, radios, checkboxes, hidden fields, numbers) or a date.
 */
type Kind = 'text' | 'search' | 'id' | 'date';
const ALL_KINDS: readonly Kind[] = ['text', 'search', 'id', 'date'];

/**
 * The hostile values as they travel, percent-encoded: `pairs(name)` is the query or body text.
 * Raw bytes (%FF, a lone surrogate as CESU-8) can only be written this way, not as a JS string.
 *
 * For the first role that reaches a form (or page), every value goes into all of its fields at
 * once; then, into one field alone with the others as the page filled them in (so the request gets
 * past validation to the service), the values that field's kind can be confused by (`alone`), the
 * odd bytes together as "bad bytes". Each further role that reaches it gets the values marked
 * `again` in all fields. That keeps the sweep within a minute.
 */
const value = (v: string) => (name: string) => `${encodeURIComponent(name)}=${v}`;
type Hostile = {
  label: string;
  pairs: (name: string) => string;
  alone: readonly Kind[];
  /** Sent again, into all fields, for each further role that reaches the form or page. */
  again?: true;
};
const BAD_BYTES = 'a%00b%01%1B%7F%C2%85%E2%80%A8%ED%A0%80%C3%28%FF%E0%A4%A';
const HOSTILE: readonly Hostile[] = [
  { label: 'empty', pairs: value(''), alone: ALL_KINDS, again: true },
  { label: '10,000 characters', pairs: value('x'.repeat(10_000)), alone: ALL_KINDS, again: true },
  { label: 'NUL', pairs: value('a%00b'), alone: [] },
  { label: 'control characters', pairs: value('%01%1B%7F%C2%85%E2%80%A8'), alone: [] },
  { label: 'lone surrogate', pairs: value('%ED%A0%80'), alone: [] },
  { label: 'invalid UTF-8 %C3%28', pairs: value('%C3%28'), alone: [] },
  { label: 'invalid UTF-8 %FF', pairs: value('%FF'), alone: [] },
  { label: 'broken percent-encoding', pairs: value('%E0%A4%A'), alone: [] },
  { label: 'bad bytes', pairs: value(BAD_BYTES), alone: ALL_KINDS, again: true },
  {
    label: 'FTS5 syntax',
    pairs: value('%22a%22%20OR%20NEAR(b*%20-c%3A%20%5Ed'),
    alone: ['search'],
    again: true,
  },
  { label: 'array', pairs: (n) => `${value('a')(n)}&${value('b')(n)}`, alone: ALL_KINDS, again: true },
  { label: 'nested key', pairs: (n) => `${encodeURIComponent(`${n}[x]`)}=1`, alone: ALL_KINDS, again: true },
  { label: 'id 0', pairs: value('0'), alone: ['id'] },
  { label: 'id -1', pairs: value('-1'), alone: ['id'] },
  { label: 'huge id', pairs: value('99999999999999999999'), alone: ['id'], again: true },
  { label: 'id 1e3', pairs: value('1e3'), alone: ['id'] },
  { label: 'date 2026-02-30', pairs: value('2026-02-30'), alone: ['date'], again: true },
  { label: 'date 9999-99-99T99:99', pairs: value('9999-99-99T99%3A99'), alone: ['date'] },
  { label: 'date 0000-00-00', pairs: value('0000-00-00'), alone: ['date'] },
];
const LONG = HOSTILE[1] as Hostile;

/** Hostile path segments for a route parameter. */
const HOSTILE_SEGMENTS = ['0', '-1', '99999999999999999999', '1e3', 'abc', BAD_BYTES, 'x'.repeat(2_000)];

/** A field's kind from its element and name. */
function kindOf(element: string, type: string, name: string): Kind {
  if (type === 'date' || type === 'datetime-local' || type === 'time' || /(_at|_on|date)$/.test(name)) {
    return 'date';
  }
  if (type === 'search' || name === 'q') return 'search';
  if (
    element === 'select' ||
    ['checkbox', 'radio', 'hidden', 'number'].includes(type) ||
    /(^|_)ids?$/.test(name)
  ) {
    return 'id';
  }
  return 'text';
}

/** The bytes a percent-encoded value stands for, undecodable escapes left as they are (for multipart). */
function bytesOf(encoded: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < encoded.length; i++) {
    const hex = encoded.slice(i + 1, i + 3);
    if (encoded[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(encoded[i] as string));
  }
  return Buffer.from(bytes);
}

// ------------------------------------------------------------------ reading the app's routes and forms

type Route = { method: 'get' | 'post'; path: string };

/** Every GET and POST route of the feature routers, as Express holds them. */
function routesOf(routers: readonly Router[]): Route[] {
  const routes: Route[] = [];
  for (const router of routers) {
    for (const layer of router.stack) {
      const route = layer.route as { path: unknown; methods: Record<string, boolean> } | undefined;
      if (!route || typeof route.path !== 'string') continue;
      for (const method of ['get', 'post'] as const) {
        if (route.methods[method]) routes.push({ method, path: route.path });
      }
    }
  }
  return routes;
}

const decodeHtml = (s: string) =>
  s
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function attributes(tag: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w-]+)(?:\s*=\s*"([^"]*)")?/g)) {
    attrs[(m[1] as string).toLowerCase()] = decodeHtml(m[2] ?? '');
  }
  return attrs;
}

type Field = { name: string; value: string; kind: Kind };

type Form = {
  method: 'get' | 'post';
  /** Path and query, as the browser would send it. */
  action: string;
  multipart: boolean;
  /** Sent as JSON, which the app does not parse (blind posts only). */
  json?: boolean;
  /** Every named field, in order, with the value the page filled in (a radio group: its first choice). */
  fields: Field[];
};

/** The forms of a page, with their fields and the values a browser would submit unchanged. */
function formsIn(html: string, pageUrl: string): Form[] {
  const forms: Form[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)) {
    const attrs = attributes(m[1] as string);
    const url = new URL(attrs.action || pageUrl, 'http://x');
    const fields: Field[] = [];
    const add = (element: string, a: Record<string, string>, v: string) => {
      const name = a.name;
      if (!name || name === '_csrf') return;
      const type = (a.type ?? 'text').toLowerCase();
      const known = fields.find((f) => f.name === name);
      if (!known) fields.push({ name, value: v, kind: kindOf(element, type, name) });
      else if ((type === 'radio' || type === 'checkbox') && 'checked' in a && !known.value) known.value = v;
    };
    for (const f of (m[2] as string).matchAll(
      /<(input|button)\b([^>]*)>|<(select|textarea)\b([^>]*)>([\s\S]*?)<\/\3>/g,
    )) {
      if (f[1]) {
        const a = attributes(f[2] as string);
        const type = (a.type ?? 'text').toLowerCase();
        if (type === 'file') continue;
        add(f[1], a, type === 'checkbox' && !('checked' in a) ? '' : (a.value ?? ''));
      } else if (f[3] === 'textarea') {
        add('textarea', attributes(f[4] as string), decodeHtml(f[5] as string));
      } else {
        const options = [...(f[5] as string).matchAll(/<option\b([^>]*)>/g)].map((o) =>
          attributes(o[1] as string),
        );
        const chosen = options.find((o) => 'selected' in o) ?? options.find((o) => o.value) ?? options[0];
        add('select', attributes(f[4] as string), chosen?.value ?? '');
      }
    }
    forms.push({
      method: (attrs.method ?? 'get').toLowerCase() === 'post' ? 'post' : 'get',
      action: url.pathname + url.search,
      multipart: (attrs.enctype ?? '').includes('multipart'),
      fields,
    });
  }
  return forms;
}

/** Query parameter names of the page's links back to its own path (filters, sorting, paging). */
function linkQueryNames(html: string, path: string): string[] {
  const names = new Set<string>();
  for (const m of html.matchAll(/href="([^"]*)"/g)) {
    const url = new URL(decodeHtml(m[1] as string), 'http://x');
    if (url.pathname !== path) continue;
    for (const key of url.searchParams.keys()) names.add(key);
  }
  return [...names];
}

/**
 * Records, per route, the query parameters its handler reads: Express computes `req.query` in a
 * getter on its request prototype, so the sweep wraps that getter and watches the keys read from
 * the object it returns. Nothing changes for the app; the names are only noted.
 */
function recordQueryReads(into: Map<string, Set<string>>): () => void {
  const original = Object.getOwnPropertyDescriptor(express.request, 'query');
  const read = original?.get;
  assert.ok(original && read, 'Express computes req.query in a getter');
  Object.defineProperty(express.request, 'query', {
    ...original,
    get(this: express.Request) {
      const query = read.call(this) as Record<string, unknown>;
      const route = (this.route as { path?: unknown } | undefined)?.path;
      if (typeof route !== 'string') return query;
      const names = into.get(route) ?? new Set<string>();
      into.set(route, names);
      return new Proxy(query, {
        get(target, key, receiver) {
          if (typeof key === 'string') names.add(key);
          return Reflect.get(target, key, receiver);
        },
      });
    },
  });
  return () => Object.defineProperty(express.request, 'query', original);
}

// ------------------------------------------------------------------ the sweep

type Page = { url: string; route: string; html: string };

type Failure = { role: Role; method: string; url: string; what: string; status: number; detail: string };

const STACK_TRACE = /^\s*at .+:\d+:\d+\)?\s*$|\b[A-Z]\w*Error: /m;
/** errors.403.csrf in either language (a swept language form may switch a client to English). */
const CSRF_REFUSED = /Formularen var udløbet eller ugyldig|The form had expired or was invalid/;

class Sweep {
  readonly failures: Failure[] = [];
  constructor(
    readonly app: TestApp,
    readonly clients: Record<Role, Client>,
    /** What the error handler logged, by request id. */
    readonly loggedErrors: Map<string, string>,
  ) {}

  private async send(
    role: Role,
    method: 'GET' | 'POST',
    url: string,
    what: string,
    body?: { type: string; data: string | Buffer },
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string }> {
    const client = this.clients[role];
    const res = await fetch(new URL(url, this.app.url), {
      method,
      redirect: 'manual',
      headers: { cookie: client.cookieHeader(), ...(body ? { 'content-type': body.type } : {}), ...headers },
      body: typeof body?.data === 'string' ? body.data : body && new Uint8Array(body.data),
    });
    const text = await res.text();
    // Accepting an invitation signs the invitee in, in place of whoever sent the form: the role
    // signs in again so the rest of the sweep is still theirs.
    if (role !== 'anonymous' && this.sessionReplaced(client, res.headers)) {
      this.clients[role] = await loggedIn(this.app, DEMO[role]);
    }
    // A refusal is the app's own page in its layout — not Express's default page, not bare text.
    const ownPage =
      (res.headers.get('content-type') ?? '').startsWith('text/html') && text.includes('id="main-content"');
    // A refused CSRF token means the sweep lost its session and reached no handler.
    const lostSession = res.status === 403 && CSRF_REFUSED.test(text);
    if (res.status >= 500 || STACK_TRACE.test(text) || (res.status >= 400 && !ownPage) || lostSession) {
      this.failures.push({
        role,
        method,
        url: url.length > 160 ? `${url.slice(0, 160)}…` : url,
        what,
        status: res.status,
        detail:
          this.loggedErrors.get(res.headers.get('x-request-id') ?? '')?.slice(0, 600) ??
          textOf(text).slice(0, 200),
      });
    }
    return { status: res.status, text };
  }

  private sessionReplaced(client: Client, headers: Headers): boolean {
    const sent = new RegExp(`(?:^|; )${SESSION_COOKIE}=([^;]*)`).exec(client.cookieHeader())?.[1];
    const set = headers
      .getSetCookie()
      .map((line) => new RegExp(`^${SESSION_COOKIE}=([^;]*)`).exec(line)?.[1])
      .find((v) => v !== undefined);
    return set !== undefined && set !== sent;
  }

  get(role: Role, url: string, what = 'page') {
    return this.send(role, 'GET', url, what);
  }

  /** Posts `pairs` (already encoded) with the role's CSRF token, urlencoded or as multipart. */
  post(role: Role, form: Form, pairs: string[], what: string) {
    const csrf = this.clients[role].csrf ?? '';
    const fields = pairs
      .flatMap((p) => p.split('&'))
      .map((pair) => {
        const eq = pair.indexOf('=');
        return [bytesOf(pair.slice(0, eq)), bytesOf(pair.slice(eq + 1))] as const;
      });
    if (form.json) {
      // A body no parser of the app reads: the token travels in the header the CSRF check accepts.
      const data = JSON.stringify(Object.fromEntries(fields.map(([k, v]) => [k.toString(), v.toString()])));
      return this.send(
        role,
        'POST',
        form.action,
        what,
        { type: 'application/json', data },
        { 'x-csrf-token': csrf },
      );
    }
    if (!form.multipart) {
      const data = [`_csrf=${encodeURIComponent(csrf)}`, ...pairs].join('&');
      return this.send(role, 'POST', form.action, what, {
        type: 'application/x-www-form-urlencoded',
        data,
      });
    }
    const boundary = '----hostile-input-sweep';
    const parts: Buffer[] = [];
    for (const [name, bytes] of fields) {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
        bytes,
        Buffer.from('\r\n'),
      );
    }
    parts.push(Buffer.from(`--${boundary}--\r\n`));
    const action = new URL(form.action, 'http://x');
    action.searchParams.set('_csrf', csrf);
    return this.send(role, 'POST', action.pathname + action.search, what, {
      type: `multipart/form-data; boundary=${boundary}`,
      data: Buffer.concat(parts),
    });
  }

  report(from = 0): string {
    return this.failures
      .slice(from, from + 30)
      .map((f) => `${f.status} ${f.role} ${f.method} ${f.url} [${f.what}] ${f.detail}`)
      .join('\n');
  }
}

/** Runs `tasks` a few at a time: the server and the client share this process. */
async function inBatches(tasks: (() => Promise<unknown>)[], size = 8): Promise<void> {
  for (let i = 0; i < tasks.length; i += size) await Promise.all(tasks.slice(i, i + size).map((t) => t()));
}

// ------------------------------------------------------------------ the test

describe('hostile input gets a page, never a 5xx', () => {
  let app: TestApp;
  let sweep: Sweep;
  let routes: Route[];
  /**
   * Real values for every route parameter: by the whole route, else by the segment before it.
   * Where one parameter names two things (`/meetings/:file` is the page and the .ics), both.
   */
  let samples: {
    byRoute: Record<string, Record<string, string>>;
    bySegment: Record<string, string | string[]>;
  };
  /** The GET pages each role reached (status 200) with real ids, with their HTML. */
  const pages = new Map<Role, Page[]>();
  const pagesOf = (role: Role) => pages.get(role) ?? [];
  /** The query parameters each route read while the sweep fetched it (see `recordQueryReads`). */
  const queryRead = new Map<string, Set<string>>();
  /** The paths the form sweep posted to. */
  const posted = new Set<string>();
  let stopRecording: (() => void) | undefined;
  const loggedErrors = new Map<string, string>();

  /** The route with real values, one URL per sample (all but `override` filled from `samples`). */
  const urlsOf = (path: string, override?: { param: string; segment: string }): string[] => {
    let urls = [path];
    for (const [, name] of path.matchAll(/:(\w+)/g)) {
      const prev =
        path
          .slice(0, path.indexOf(`:${name}`))
          .split('/')
          .filter(Boolean)
          .at(-1) ?? '';
      const sample =
        override && override.param === name
          ? override.segment
          : (samples.byRoute[path]?.[name as string] ?? samples.bySegment[`${prev}/:${name}`]);
      assert.ok(sample !== undefined, `a sample value for :${name} of ${path} (add it to the samples)`);
      const values = Array.isArray(sample) ? sample : [sample];
      urls = urls.flatMap((url) => values.map((v) => url.replace(`:${name}`, () => v)));
    }
    return urls;
  };

  /** Runs a sweep step; fails with every 5xx, stack trace or bare refusal it met, and the logged cause. */
  const step = async (tasks: (() => Promise<unknown>)[]) => {
    const before = sweep.failures.length;
    await inBatches(tasks);
    assert.deepEqual(sweep.failures.slice(before), [], sweep.report(before));
  };

  before(async () => {
    const logger = pino(
      { level: 'error' },
      {
        write(line: string) {
          const entry = JSON.parse(line) as { reqId?: string; err?: { stack?: string; message?: string } };
          loggedErrors.set(entry.reqId ?? '', entry.err?.stack ?? entry.err?.message ?? line);
        },
      },
    );
    app = await startTestApp({ logger });
    await loadDemoActivity(app.deps);
    const { db, services, now } = app.deps;
    const one = <T>(sql: string, ...params: unknown[]) =>
      db
        .prepare(sql)
        .pluck()
        .get(...params) as T;
    const officerActor = actorOf(app, DEMO.officer);

    // Beside the demo's activity: a photo, a referral on Hal's concern, a newsletter, a survey, a
    // concern on a meeting's agenda, invitations, a reset link, a calendar feed — and people and a
    // council of the sweep's own, so a form that succeeds changes nobody who signs in here.
    const glumsoe = councilId(app, 'glumsoe');
    const photoConcern = logConcern(app, DEMO.hal, { title: 'Lygten ved stien er knust' }, [
      seededPhoto(rgbPng(4, 4, () => [200, 40, 40])),
    ]);
    const spareCouncil = addCouncil(app, { name: 'Sweep Lokalråd', slug: 'sweep' });
    const spareOfficer = await addOfficer(app, {
      email: 'sweep.officer@politi.example',
      name: 'Sweep Betjent',
      councils: [spareCouncil],
    });
    const spareMember = addPerson(app, {
      email: 'sweep.member@glumsoe.example',
      name: 'Sweep Medlem',
      memberOf: [{ councilId: glumsoe }],
    });
    const concern = one<number>('SELECT min(id) FROM concerns WHERE reporter_id = ?', userId(app, DEMO.hal));
    services.referrals.refer(officerActor, concern, {
      department_id: one<number>("SELECT id FROM departments WHERE name = 'Færdsel'"),
      note: 'Kan I se på farten ved hallen?',
    });
    const meeting = one<number>(
      'SELECT meeting_id FROM meeting_councils WHERE council_id = ? ORDER BY meeting_id LIMIT 1',
      glumsoe,
    );
    services.meetings.linkConcern(officerActor, meeting, {
      concern_id: concern,
      agenda_item: 'Knallerterne',
    });
    services.members.invite(actorOf(app, DEMO.admin), councilId(app, 'fladsaa'), {
      name: 'Jens Æbeltoft',
      email: DEMO.hal,
      title: '',
      role: 'network_person',
    });
    services.members.invite(actorOf(app, DEMO.admin), glumsoe, {
      name: 'Ny Person',
      email: 'ny.person@glumsoe.example',
      title: '',
      role: 'network_person',
    });
    const clients: Record<Role, Client> = {
      admin: await loggedIn(app, DEMO.admin),
      officer: await loggedIn(app, DEMO.officer),
      formand: await loggedIn(app, DEMO.formand),
      hal: await loggedIn(app, DEMO.hal),
      anonymous: new Client(app.url),
    };
    await clients.anonymous.get('/login');
    const newsletter = await postNewsletter(clients.officer, {
      title: 'Nyt fra politiet',
      body: 'Hej netværk.',
      council_ids: [String(glumsoe)],
    });
    const survey = await postSurvey(clients.officer, {
      title: 'Tilfredshed',
      intro: 'Hjælp os.',
      opens_on: services.surveys.today(),
      closes_on: '2099-12-31',
      council_ids: [String(glumsoe)],
    });

    // Links of a known token in place of the random ones the mails carried (only hashes are kept).
    const token = (kind: string) => `${kind}-sweep-token-0123456789abcdefghijklmnopqrstuvwxyz`.slice(0, 43);
    db.prepare('UPDATE referrals SET token_hash = ? WHERE concern_id = ?').run(
      hashToken(token('referral')),
      concern,
    );
    db.prepare(`UPDATE user_tokens SET token_hash = ? WHERE purpose = 'invitation' AND user_id = ?`).run(
      hashToken(token('invitation')),
      userId(app, 'ny.person@glumsoe.example'),
    );
    db.prepare(
      `INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at, created_at)
       VALUES (?, 'password_reset', ?, ?, ?)`,
    ).run(
      spareMember,
      hashToken(token('reset')),
      new Date(now().getTime() + DAY).toISOString(),
      now().toISOString(),
    );

    samples = {
      byRoute: {
        '/admin/councils/:id': { id: String(spareCouncil) },
        '/admin/councils/:id/edit': { id: String(spareCouncil) },
        '/admin/rollout/councils/:id': { id: String(spareCouncil) },
        '/concerns/:id/photos/:photoId': {
          id: String(photoConcern),
          photoId: String(one<number>('SELECT id FROM concern_photos WHERE concern_id = ?', photoConcern)),
        },
        '/invitations/:id/accept': {
          id: String(
            one<number>(
              'SELECT id FROM memberships WHERE user_id = ? AND council_id = ?',
              userId(app, DEMO.hal),
              councilId(app, 'fladsaa'),
            ),
          ),
        },
      },
      bySegment: {
        'concerns/:id': String(concern),
        'referrals/:referralId': String(
          one<number>('SELECT id FROM referrals WHERE concern_id = ?', concern),
        ),
        'referrals/:token': token('referral'),
        'councils/:id': String(glumsoe),
        'members/:membershipId': String(
          one<number>('SELECT id FROM memberships WHERE user_id = ?', spareMember),
        ),
        'invitations/:token': token('invitation'),
        'invitations/:key': token('invitation'),
        'reset/:token': token('reset'),
        'unsubscribe/:token': new UnsubscribeTokens(app.deps.config.sessionSecret).tokenFor(
          userId(app, DEMO.hal),
        ),
        'municipalities/:id': String(one<number>("SELECT id FROM municipalities WHERE name = 'Faxe'")),
        'departments/:id': String(one<number>("SELECT id FROM departments WHERE name = 'Forebyggelse'")),
        'categories/:id': String(one<number>("SELECT id FROM categories WHERE slug = 'svindel'")),
        'officers/:id': String(spareOfficer),
        'people/:id': String(spareMember),
        'templates/:id': String(one<number>('SELECT min(id) FROM response_templates')),
        'newsletters/:id': String(newsletter),
        'meetings/:id': String(meeting),
        'meetings/:file': [String(meeting), `${meeting}.ics`],
        'calendar/:file': `${services.meetings.createFeed(actorOf(app, DEMO.hal))}.ics`,
        'concerns/:linkId': String(one<number>('SELECT min(id) FROM meeting_concerns')),
        'posts/:id': String(one<number>('SELECT min(id) FROM posts')),
        'comments/:commentId': String(one<number>('SELECT min(id) FROM post_comments')),
        'surveys/:id': String(survey),
        'outbox/:id': String(one<number>('SELECT min(id) FROM outbox')),
      },
    };
    sweep = new Sweep(app, clients, loggedErrors);
    routes = routesOf(app.deps.routers);
    stopRecording = recordQueryReads(queryRead);
  });
  after(async () => {
    stopRecording?.();
    await app?.close();
  });

  it('a NUL byte in the search box gives the list, with the search shown without it', async () => {
    for (const [role, url] of [
      ['officer', '/triage?q=x%00'],
      ['admin', '/concerns?q=a%00b'],
      ['hal', '/concerns?q=hal%00len'],
    ] as const) {
      const page = await sweep.get(role, url);
      assert.equal(page.status, 200, `${role} ${url}`);
      assert.ok(!page.text.includes('\u0000'), 'no NUL in the page');
    }
    const page = await sweep.get('officer', '/triage?status=all&q=knall%00erter');
    assert.match(page.text, /name="q"[^>]*value="knallerter"/);
    assert.match(textOf(page.text), /Knallerter kører stærkt/);
  });

  it('a form body over 200 kB gets a page in the layout that names the limit, with 413', async () => {
    const admin = await loggedIn(app, DEMO.admin);
    await admin.get('/posts/new');
    const page = await admin.post('/posts', { title: 'Kriminalitetsbilledet', body: 'x'.repeat(300_000) });
    assert.equal(page.status, 413);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const text = textOf(page.text);
    assert.match(text, /Formularen er for stor/);
    assert.match(text, /højst 200 kB tekst i én formular/);
    assert.match(text, /Log ud/, 'in the layout, for the signed-in person');
    assert.match(text, /Tilgængelighedserklæring/);

    const visitor = new Client(app.url);
    await visitor.get('/');
    await visitor.post('/language', { locale: 'en', next: '/' });
    await visitor.get('/password/forgot');
    const english = await visitor.post('/password/forgot', { email: 'x'.repeat(300_000) });
    assert.equal(english.status, 413);
    assert.match(textOf(english.text), /at most 200 kB of text in one form/);
  });

  it('a form of more than 500 fields gets the page that names that limit, with 413', async () => {
    const client = new Client(app.url);
    await client.get('/password/forgot');
    const fields = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`f${i}`, '1']));
    const page = await client.post('/password/forgot', { email: 'a@b.dk', ...fields });
    assert.equal(page.status, 413);
    assert.match(textOf(page.text), /højst 500 felter i én formular/);
  });

  it('a photo form over its limits comes back naming them', async () => {
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get('/concerns/new');
    const form = {
      council_id: String(councilId(app, 'glumsoe')),
      category: 'trafik',
      title: 'Bilist kører over fortovet',
      location: '',
      occurred_at: '',
    };
    const long = await postMultipart(
      app,
      hal,
      '/concerns',
      { ...form, description: 'x'.repeat(300_000) },
      [],
    );
    assert.equal(long.status, 413);
    assert.match(
      textOf(long.text),
      /Der er problemer.*højst 3 billeder på hver højst 5 MB og højst 200 kB tekst/,
    );
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, '1']));
    const many = await postMultipart(
      app,
      hal,
      '/concerns',
      { ...form, description: 'Hver morgen.', ...fields },
      [],
    );
    assert.equal(many.status, 413);
    assert.match(textOf(many.text), /højst 200 kB tekst/);
    const photo = {
      field: 'photos',
      name: 'stor.png',
      type: 'image/png',
      bytes: new Uint8Array(6 * 1024 * 1024),
    };
    const large = await postMultipart(app, hal, '/concerns', { ...form, description: 'Hver morgen.' }, [
      photo,
    ]);
    assert.equal(large.status, 422);
    assert.match(textOf(large.text), /større end 5 MB/);
  });

  it('a broken percent-encoding in a path, or a body in an unknown charset, gets a 4xx page', async () => {
    const broken = await sweep.get('admin', '/concerns/%E0%A4%A');
    assert.equal(broken.status, 400);
    assert.match(textOf(broken.text), /Forespørgslen kunne ikke gennemføres/);

    const client = new Client(app.url);
    await client.get('/password/forgot');
    const res = await fetch(`${app.url}/password/forgot`, {
      method: 'POST',
      headers: {
        cookie: client.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded; charset=klingon',
      },
      body: `_csrf=${encodeURIComponent(client.csrf ?? '')}&email=a%40b.dk`,
    });
    assert.equal(res.status, 415);
    assert.match(textOf(await res.text()), /Forespørgslen kunne ikke gennemføres/);
  });

  it('every GET route, with real ids, answers every role below 500', async () => {
    const tasks: (() => Promise<unknown>)[] = [];
    for (const role of ROLES) {
      const reached: Page[] = [];
      pages.set(role, reached);
      for (const route of routes.filter((r) => r.method === 'get')) {
        for (const url of urlsOf(route.path)) {
          tasks.push(async () => {
            const page = await sweep.get(role, url);
            if (page.status === 200) reached.push({ url, route: route.path, html: page.text });
          });
        }
      }
    }
    await step(tasks);
  });

  it('hostile ids and segments in a path give a page below 500', async () => {
    // The district admin reaches the most; the network person and the anonymous visitor meet
    // the other branches (404 by policy, the login redirect, token pages).
    const tasks: (() => Promise<unknown>)[] = [];
    for (const role of ['admin', 'hal', 'anonymous'] as const) {
      for (const route of new Set(pagesOf(role).map((p) => p.route))) {
        for (const [, param] of route.matchAll(/:(\w+)/g)) {
          for (const segment of HOSTILE_SEGMENTS) {
            const [url] = urlsOf(route, { param: param as string, segment });
            tasks.push(() => sweep.get(role, url as string, `:${param} = ${segment.slice(0, 24)}`));
          }
        }
      }
    }
    await step(tasks);
  });

  it('hostile values in the query parameters a page reads give a page below 500', async () => {
    const tasks: (() => Promise<unknown>)[] = [];
    const swept = new Set<string>();
    for (const role of ROLES) {
      for (const page of pagesOf(role)) {
        const path = new URL(page.url, 'http://x').pathname;
        // What the handler read, what its own GET forms send, what its links back to it carry.
        const kinds = new Map<string, readonly Kind[]>();
        for (const name of [...(queryRead.get(page.route) ?? []), ...linkQueryNames(page.html, path)]) {
          kinds.set(name, ALL_KINDS);
        }
        for (const form of formsIn(page.html, page.url)) {
          if (form.method !== 'get' || new URL(form.action, 'http://x').pathname !== path) continue;
          for (const field of form.fields) kinds.set(field.name, [field.kind]);
        }
        if (kinds.size === 0) continue;
        const names = [...kinds.keys()];
        const first = !swept.has(page.url);
        swept.add(page.url);
        const get = (pairs: string[], what: string) => () =>
          sweep.get(role, `${page.url}?${pairs.join('&')}`, what);
        for (const hostile of HOSTILE.filter((h) => first || h.again)) {
          // 10,000 characters a name at a time: Node takes at most 16 kB of URL and headers.
          if (hostile === LONG) {
            for (const name of names) tasks.push(get([LONG.pairs(name)], `${name}: ${LONG.label}`));
          } else tasks.push(get(names.map(hostile.pairs), `all: ${hostile.label}`));
        }
        if (!first) continue;
        for (const [name, kind] of kinds) {
          for (const hostile of HOSTILE) {
            if (hostile === LONG || !hostile.alone.some((k) => kind.includes(k))) continue;
            tasks.push(get([hostile.pairs(name)], `${name}: ${hostile.label}`));
          }
        }
      }
    }
    await step(tasks);
  });

  it('hostile values in the fields of every form give a page below 500', async () => {
    // Each role's forms, read from its pages before any is sent (a sent form may change a page).
    const key = (form: Form) =>
      `${new URL(form.action, 'http://x').pathname} ${form.fields.map((f) => f.name).join(',')}`;
    const formsOf = new Map<Role, Form[]>();
    for (const role of ROLES) {
      const unique = new Map<string, Form>();
      for (const page of pagesOf(role)) {
        for (const form of formsIn(page.html, page.url)) {
          if (form.method === 'post' && form.fields.length > 0) unique.set(key(form), form);
        }
      }
      formsOf.set(role, [...unique.values()]);
    }
    const swept = new Set<string>();
    for (const role of ROLES) {
      const tasks: (() => Promise<unknown>)[] = [];
      for (const form of formsOf.get(role) ?? []) {
        posted.add(new URL(form.action, 'http://x').pathname);
        const first = !swept.has(key(form));
        swept.add(key(form));
        for (const hostile of HOSTILE.filter((h) => first || h.again)) {
          const pairs = form.fields.map((f) => hostile.pairs(f.name));
          tasks.push(() => sweep.post(role, form, pairs, `all: ${hostile.label}`));
        }
        if (!first) continue;
        for (const field of form.fields) {
          const others = form.fields
            .filter((f) => f !== field)
            .map((f) => `${encodeURIComponent(f.name)}=${encodeURIComponent(f.value)}`);
          for (const hostile of HOSTILE.filter((h) => h.alone.includes(field.kind))) {
            const pairs = [...others, hostile.pairs(field.name)];
            tasks.push(() => sweep.post(role, form, pairs, `${field.name}: ${hostile.label}`));
          }
        }
      }
      // One role after the other: a role's forms are sent with its own session and token.
      await step(tasks);
    }
  });

  it('every POST route, also those without a form on the pages, answers hostile ids and bodies below 500', async () => {
    // A button's route (no fields) and one whose form the demo's state does not show (a hidden
    // comment's "show again") are posted blind: every hostile value at once, under made-up names.
    // Hostile path segments go to every POST route, as the district admin (who passes every role
    // check) and the anonymous visitor (who reaches the token routes).
    const pattern = (route: string) => new RegExp(`^${route.replace(/:\w+/g, '[^/]+')}$`);
    const blind = (action: string): Form => ({ method: 'post', action, multipart: false, fields: [] });
    const everything = HOSTILE.map((h, i) => h.pairs(`x${i}`));
    const tasks: (() => Promise<unknown>)[] = [];
    for (const role of ['admin', 'hal', 'anonymous'] as const) {
      for (const route of routes.filter((r) => r.method === 'post')) {
        // Signing out would end the role's session for the rest of the sweep; /logout reads no input.
        if (route.path === '/logout') continue;
        for (const url of urlsOf(route.path)) {
          if (![...posted].some((path) => pattern(route.path).test(path))) {
            tasks.push(() => sweep.post(role, blind(url), everything, 'blind: every value'));
          }
          // A body in a form the route does not expect: multipart where it parses none, or one no
          // parser reads (the handler sees no body at all).
          tasks.push(() => sweep.post(role, { ...blind(url), multipart: true }, everything, 'multipart'));
          tasks.push(() => sweep.post(role, { ...blind(url), json: true }, everything, 'JSON'));
        }
        if (role === 'hal') continue;
        for (const [, param] of route.path.matchAll(/:(\w+)/g)) {
          for (const segment of HOSTILE_SEGMENTS) {
            const [url] = urlsOf(route.path, { param: param as string, segment });
            tasks.push(() =>
              sweep.post(role, blind(url as string), [], `:${param} = ${segment.slice(0, 24)}`),
            );
          }
        }
      }
    }
    await step(tasks);
  });
});
