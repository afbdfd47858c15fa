/**
 * Issue 3, "Done when": every concern route × every role × own and foreign council, with the
 * expected status for each. The expectations are written out as a table (one row per route, one
 * column per role, one line per subject); the tests are generated from it. Every cell gets fresh
 * data, so a refused or allowed change in one cell never decides another.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { hashToken } from '../../src/auth/tokens.repository.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client } from '../helpers/client.js';
import { pngChunk, seededPhoto } from '../helpers/png.js';
import { actorOf, addOfficer, councilId, departmentId, logConcern, loggedIn } from '../helpers/world.js';

// ------------------------------------------------------------------ roles and subjects

const F_OFFICER = 'fladsaa-betjent@politi.example';

/** The columns of the table, in this order. */
const ROLES = [
  { key: 'anon', label: 'anonymous', councils: [] },
  { key: 'hal', label: 'hal@glumsoe.example', councils: ['G'] },
  { key: 'formand', label: 'formand@glumsoe.example', councils: ['G'] },
  { key: 'brugs', label: 'brugs@fladsaa.example', councils: ['F'] },
  { key: 'vest', label: 'vest@vestegn.example', councils: ['V'] },
  { key: 'betjent', label: 'betjent@politi.example', councils: ['G', 'F', 'V'] },
  { key: 'fbetjent', label: F_OFFICER, councils: ['F'] },
  { key: 'admin', label: 'admin@politi.example', councils: 'district' },
] as const satisfies readonly { key: string; label: string; councils: readonly string[] | 'district' }[];
type Role = (typeof ROLES)[number];

/**
 * What a cell expects: a status, or L — the login page (303 to /login, with ?next= for a GET).
 * A 303 that is not L must not go to /login either: it is the success redirect.
 */
const L = 'login' as const;
type Expect = 200 | 303 | 404 | 422 | typeof L;
type Column = readonly [Expect, Expect, Expect, Expect, Expect, Expect, Expect, Expect];

/**
 * Subjects of the concern routes:
 * G — a Glumsø concern logged by hal, with a photo;
 * S — the same, but the officer shared a summary with Glumsø's network;
 * F — a Fladså concern logged by brugs, with a photo;
 * X — a concern number that does not exist.
 * For POST /concerns the subject is the council in the form (X: a council that does not exist),
 * for the department's link the referral of a G or F concern (X: a well-formed unknown token).
 */
type SubjectKey = 'G' | 'S' | 'F' | 'X';
const SUBJECT_COUNCIL: Record<SubjectKey, 'G' | 'F' | null> = { G: 'G', S: 'G', F: 'F', X: null };
const COUNCIL_NAME = { G: 'Glumsø', F: 'Fladså' } as const;

/** What each cell needs prepared before its request. */
type Setup = 'closed' | 'referral' | 'original' | 'template';

type Made = {
  id: number;
  photoId: number;
  referralId: number;
  token: string;
  originalId: number;
  councilId: number;
  templateId: number;
};

type Row = {
  method: 'GET' | 'POST';
  /** The route as the issue names it, e.g. "POST /concerns/:id/close". */
  route: string;
  path: (m: Made) => string;
  body?: (m: Made) => Record<string, string>;
  setup?: Setup[];
  /** How the subject is named in the test name; default "on a Glumsø concern". */
  subjectText?: (s: SubjectKey) => string;
  expect: Partial<Record<SubjectKey | 'none', Column>>;
};

// Columns:   anon hal  formand brugs vest betjent fbetjent admin
const REPORTER_ONLY_G: Column = [L, 303, 404, 404, 404, 404, 404, 404];
const REPORTER_ONLY_F: Column = [L, 404, 404, 303, 404, 404, 404, 404];
const STAFF_G = (ok: 200 | 303): Column => [L, 404, 404, 404, 404, ok, 404, ok];
const STAFF_F = (ok: 200 | 303): Column => [L, 404, 404, 404, 404, ok, ok, ok];
const NOBODY: Column = [L, 404, 404, 404, 404, 404, 404, 404];

/** Rows for a staff action on one concern: the officers of its council and the district admin. */
const staffRow = (
  method: 'GET' | 'POST',
  route: string,
  path: (m: Made) => string,
  body?: (m: Made) => Record<string, string>,
  setup?: Setup[],
): Row => {
  const ok = method === 'GET' ? 200 : 303;
  return {
    method,
    route,
    path,
    body,
    setup,
    expect: { G: STAFF_G(ok), S: STAFF_G(ok), F: STAFF_F(ok), X: NOBODY },
  };
};

const concernText = (s: SubjectKey) =>
  s === 'X'
    ? 'on a concern that does not exist'
    : s === 'S'
      ? 'on a Glumsø concern shared with its network'
      : `on a ${COUNCIL_NAME[s]} concern`;

const ROWS: Row[] = [
  // ---- logging
  {
    method: 'GET',
    route: 'GET /concerns/new',
    path: () => '/concerns/new',
    expect: { none: [L, 200, 200, 200, 200, 404, 404, 404] },
  },
  {
    method: 'POST',
    route: 'POST /concerns',
    path: () => '/concerns',
    body: (m) => ({
      council_id: String(m.councilId),
      category: 'tryghed',
      title: 'Uro ved stationen',
      description: 'Grupper samles ved stationen om aftenen.',
      location: 'Stationen',
      occurred_at: '',
    }),
    subjectText: (s) =>
      s === 'X' ? 'for a council that does not exist' : `for ${COUNCIL_NAME[s as 'G' | 'F']} Lokalråd`,
    // Another council's id is an error on the form (422), not a hidden page: the form is the actor's own.
    expect: {
      G: [L, 303, 303, 422, 422, 404, 404, 404],
      F: [L, 422, 422, 303, 422, 404, 404, 404],
      X: [L, 422, 422, 422, 422, 404, 404, 404],
    },
  },

  // ---- lists
  {
    method: 'GET',
    route: 'GET /concerns',
    path: () => '/concerns',
    expect: { none: [L, 200, 200, 200, 200, 200, 200, 200] },
  },
  {
    method: 'GET',
    route: 'GET /concerns?council=:council',
    path: (m) => `/concerns?council=${m.councilId}`,
    subjectText: (s) => `filtered on ${COUNCIL_NAME[s as 'G' | 'F']}`,
    // Members have no council filter (it is ignored); staff get 404 for a council they do not handle.
    expect: {
      G: [L, 200, 200, 200, 200, 200, 404, 200],
      F: [L, 200, 200, 200, 200, 200, 200, 200],
    },
  },
  {
    method: 'GET',
    route: 'GET /triage',
    path: () => '/triage',
    expect: { none: [L, 404, 404, 404, 404, 200, 200, 200] },
  },
  {
    method: 'GET',
    route: 'GET /triage?council=:council',
    path: (m) => `/triage?council=${m.councilId}`,
    subjectText: (s) => `filtered on ${COUNCIL_NAME[s as 'G' | 'F']}`,
    expect: {
      G: [L, 404, 404, 404, 404, 200, 404, 200],
      F: [L, 404, 404, 404, 404, 200, 200, 200],
    },
  },

  // ---- one concern
  {
    method: 'GET',
    route: 'GET /concerns/:id',
    path: (m) => `/concerns/${m.id}`,
    expect: {
      G: [L, 200, 404, 404, 404, 200, 404, 200],
      S: [L, 200, 200, 404, 404, 200, 404, 200],
      F: [L, 404, 404, 200, 404, 200, 200, 200],
      X: NOBODY,
    },
  },
  {
    method: 'GET',
    route: 'GET /concerns/:id/photos/:photoId',
    path: (m) => `/concerns/${m.id}/photos/${m.photoId}`,
    // A shared summary never opens the photos.
    expect: {
      G: [L, 200, 404, 404, 404, 200, 404, 200],
      S: [L, 200, 404, 404, 404, 200, 404, 200],
      F: [L, 404, 404, 200, 404, 200, 200, 200],
      X: NOBODY,
    },
  },
  {
    method: 'POST',
    route: 'POST /concerns/:id/info',
    path: (m) => `/concerns/${m.id}/info`,
    body: () => ({ body: 'Det skete igen i aftes ved 22-tiden.' }),
    expect: { G: REPORTER_ONLY_G, S: REPORTER_ONLY_G, F: REPORTER_ONLY_F, X: NOBODY },
  },
  staffRow(
    'POST',
    'POST /concerns/:id/notes',
    (m) => `/concerns/${m.id}/notes`,
    () => ({ body: 'Kender gruppen fra tidligere.', visibility: 'internal' }),
  ),
  staffRow(
    'POST',
    'POST /concerns/:id/triage',
    (m) => `/concerns/${m.id}/triage`,
    () => ({ category: 'tryghed', priority: 'high', status: 'in_progress' }),
  ),
  staffRow(
    'POST',
    'POST /concerns/:id/close',
    (m) => `/concerns/${m.id}/close`,
    () => ({ resolution: 'resolved', feedback: 'Vi har talt med de unge.' }),
  ),
  staffRow(
    'POST',
    'POST /concerns/:id/reopen',
    (m) => `/concerns/${m.id}/reopen`,
    () => ({}),
    ['closed'],
  ),
  staffRow(
    'POST',
    'POST /concerns/:id/duplicate',
    (m) => `/concerns/${m.id}/duplicate`,
    (m) => ({ duplicate_of: `#${m.originalId}` }),
    ['original'],
  ),
  staffRow(
    'POST',
    'POST /concerns/:id/share',
    (m) => `/concerns/${m.id}/share`,
    () => ({ summary: 'Politiet er opmærksom på uro ved stationen.' }),
  ),

  // ---- referrals
  staffRow('GET', 'GET /concerns/:id/referrals/new', (m) => `/concerns/${m.id}/referrals/new`),
  staffRow(
    'POST',
    'POST /concerns/:id/referrals',
    (m) => `/concerns/${m.id}/referrals`,
    () => ({ department_id: 'SSP', note: 'Kan SSP tage kontakt til de unge?' }),
  ),
  staffRow(
    'POST',
    'POST /concerns/:id/referrals/:rid/renew',
    (m) => `/concerns/${m.id}/referrals/${m.referralId}/renew`,
    () => ({}),
    ['referral'],
  ),
  {
    method: 'GET',
    route: 'GET /referrals/:token',
    path: (m) => `/referrals/${m.token}`,
    setup: ['referral'],
    subjectText: (s) =>
      s === 'X' ? 'with an unknown link' : `with the link of a ${COUNCIL_NAME[s as 'G' | 'F']} referral`,
    // The link is the department's key: whoever holds it may use it, signed in or not.
    expect: {
      G: [200, 200, 200, 200, 200, 200, 200, 200],
      F: [200, 200, 200, 200, 200, 200, 200, 200],
      X: [404, 404, 404, 404, 404, 404, 404, 404],
    },
  },
  {
    method: 'POST',
    route: 'POST /referrals/:token',
    path: (m) => `/referrals/${m.token}`,
    body: () => ({ status: 'acknowledged', answer: '' }),
    setup: ['referral'],
    subjectText: (s) =>
      s === 'X' ? 'with an unknown link' : `with the link of a ${COUNCIL_NAME[s as 'G' | 'F']} referral`,
    expect: {
      G: [303, 303, 303, 303, 303, 303, 303, 303],
      F: [303, 303, 303, 303, 303, 303, 303, 303],
      X: [404, 404, 404, 404, 404, 404, 404, 404],
    },
  },

  // ---- tekstskabeloner (district-wide: no council)
  {
    method: 'GET',
    route: 'GET /templates',
    path: () => '/templates',
    expect: { none: [L, 404, 404, 404, 404, 200, 200, 200] },
  },
  {
    method: 'GET',
    route: 'GET /templates/new',
    path: () => '/templates/new',
    expect: { none: [L, 404, 404, 404, 404, 200, 200, 200] },
  },
  {
    method: 'POST',
    route: 'POST /templates',
    path: () => '/templates',
    body: () => ({ title: 'Tak for henvendelsen', body: 'Tak – jeg vender tilbage.' }),
    expect: { none: [L, 404, 404, 404, 404, 303, 303, 303] },
  },
  {
    method: 'GET',
    route: 'GET /templates/:id/edit',
    path: (m) => `/templates/${m.templateId}/edit`,
    setup: ['template'],
    expect: { none: [L, 404, 404, 404, 404, 200, 200, 200] },
  },
  {
    method: 'POST',
    route: 'POST /templates/:id',
    path: (m) => `/templates/${m.templateId}`,
    body: () => ({ title: 'Tak – ændret', body: 'Tak – jeg vender tilbage snarest.', active: '1' }),
    setup: ['template'],
    expect: { none: [L, 404, 404, 404, 404, 303, 303, 303] },
  },
];

// ------------------------------------------------------------------ a real tiny PNG

function tinyPng(): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(1, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(Buffer.from([0, 40, 120, 200]))),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}
const PNG = tinyPng();

// ------------------------------------------------------------------ the matrix

function relationText(role: Role, subject: SubjectKey | 'none'): string {
  if (subject === 'none' || role.key === 'anon') return '';
  const council = SUBJECT_COUNCIL[subject];
  if (!council) return '';
  if (role.councils === 'district') return ' (district admin)';
  return (role.councils as readonly string[]).includes(council) ? ' (own council)' : ' (foreign council)';
}

const expectText = (e: Expect) => (e === L ? '303 /login' : String(e));

describe('concern routes × roles × own and foreign council', () => {
  let app: TestApp;
  const clients = new Map<string, Client>();
  const councilIds: Record<'G' | 'F', number> = { G: 0, F: 0 };
  let sspId = 0;

  const actor = (email: string) => actorOf(app, email);

  /** Everything a POST of this matrix may change, in one string. */
  const fingerprint = () =>
    app.deps.db
      .prepare(
        `SELECT (SELECT count(*) FROM concerns) || '|' || (SELECT count(*) FROM concern_events) || '|' ||
                (SELECT coalesce(group_concat(status || token_hash || token_expires_at), '') FROM referrals) || '|' ||
                (SELECT coalesce(group_concat(title || body || active || updated_at), '') FROM response_templates) || '|' ||
                (SELECT coalesce(group_concat(status || priority || coalesce(shared_summary, '')), '') FROM concerns) || '|' ||
                (SELECT count(*) FROM outbox)`,
      )
      .pluck()
      .get() as string;

  /** A fresh subject for one cell, prepared as the row needs it. */
  function make(subject: SubjectKey, setup: Setup[] = []): Made {
    const { services, db } = app.deps;
    const officer = actor('betjent@politi.example');
    const made: Made = {
      id: 999_999,
      photoId: 999_999,
      referralId: 999_999,
      token: randomBytes(32).toString('base64url'),
      originalId: 999_998,
      councilId: 999_999,
      templateId: 0,
    };
    if (setup.includes('template')) {
      made.templateId = services.templates.create(officer, {
        title: `Skabelon ${randomBytes(3).toString('hex')}`,
        body: 'Tak for din henvendelse.',
        active: true,
      });
    }
    const council = SUBJECT_COUNCIL[subject];
    if (!council) return made;
    made.councilId = councilIds[council];
    const reporter = actor(council === 'G' ? 'hal@glumsoe.example' : 'brugs@fladsaa.example');
    const log = (title: string) =>
      logConcern(
        app,
        reporter,
        {
          councilId: made.councilId,
          category: 'unge',
          title,
          description: 'Unge samles ved hallen om aftenen og larmer.',
          location: 'Ved hallen',
        },
        [seededPhoto(PNG)],
      );
    made.id = log('Uro ved hallen');
    made.photoId = db
      .prepare('SELECT id FROM concern_photos WHERE concern_id = ?')
      .pluck()
      .get(made.id) as number;
    if (subject === 'S') services.concerns.share(officer, made.id, 'Politiet kender til uroen ved hallen.');
    if (setup.includes('original')) made.originalId = log('Larm ved hallen');
    if (setup.includes('closed')) {
      services.concerns.close(officer, made.id, { resolution: 'resolved', feedback: 'Det er løst.' });
    }
    if (setup.includes('referral')) {
      services.referrals.refer(officer, made.id, { department_id: sspId, note: 'Kan SSP tage kontakt?' });
      made.referralId = db
        .prepare('SELECT id FROM referrals WHERE concern_id = ? ORDER BY id DESC')
        .pluck()
        .get(made.id) as number;
      // The department's link holds a random token that only its mail carries; this cell uses a
      // token of its own and stores its hash, as the service does.
      db.prepare('UPDATE referrals SET token_hash = ? WHERE id = ?').run(
        hashToken(made.token),
        made.referralId,
      );
    }
    return made;
  }

  before(async () => {
    app = await startTestApp();
    councilIds.G = councilId(app, 'glumsoe');
    councilIds.F = councilId(app, 'fladsaa');
    sspId = departmentId(app, 'SSP');

    // A second officer who covers only Fladså.
    await addOfficer(app, { email: F_OFFICER, name: 'Ole Fladså-betjent', councils: [councilIds.F] });

    for (const role of ROLES) {
      if (role.key !== 'anon') {
        clients.set(role.key, await loggedIn(app, role.label));
        continue;
      }
      const client = new Client(app.url);
      await client.get('/login');
      clients.set(role.key, client);
    }
  });
  after(() => app.close());

  for (const row of ROWS) {
    for (const [subject, column] of Object.entries(row.expect) as [SubjectKey | 'none', Column][]) {
      ROLES.forEach((role, i) => {
        const expected = column[i] as Expect;
        const on = subject === 'none' ? '' : ` ${(row.subjectText ?? concernText)(subject)}`;
        const name = `${row.route} as ${role.label}${on}${relationText(role, subject)} → ${expectText(expected)}`;
        it(name, async () => {
          const made = make(subject === 'none' ? 'X' : subject, row.setup);
          const client = clients.get(role.key);
          assert.ok(client);
          const path = row.path(made);
          let body = row.body?.(made);
          if (body?.department_id === 'SSP') body = { ...body, department_id: String(sspId) };
          const before = fingerprint();
          const page = row.method === 'GET' ? await client.get(path) : await client.post(path, body ?? {});
          if (row.method === 'POST') {
            const changed = fingerprint() !== before;
            assert.equal(
              changed,
              expected === 303,
              `a POST changes data exactly when it is allowed: ${path}`,
            );
          }

          const detail = `${row.method} ${path}: ${page.status} ${page.location ?? ''}`;
          if (expected === L) {
            assert.equal(page.status, 303, detail);
            const want = row.method === 'GET' ? `/login?next=${encodeURIComponent(path)}` : '/login';
            assert.equal(page.location, want, detail);
            return;
          }
          assert.equal(page.status, expected, detail);
          if (expected === 303) {
            assert.ok(page.location && !page.location.startsWith('/login'), `a success redirect: ${detail}`);
          }
          if (expected === 200) {
            assert.match(page.headers.get('content-type') ?? '', /^(text\/html|image\/png)/, detail);
          }
        });
      });
    }
  }
});
