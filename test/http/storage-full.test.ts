import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { after, afterEach, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { Client, type Page, textOf } from '../helpers/client.js';
import { rgbPng } from '../helpers/png.js';
import { fillDatabase, freeSpace, longText, makeReadOnly } from '../helpers/storage.js';
import { councilId, DEMO, loggedIn, meetingForm, postMultipart } from '../helpers/world.js';

/**
 * A full disk or a read-only DATA_DIR is told, not hidden (docs/architecture.md#when-the-disk-is-full).
 * How a database is made full or read-only without root: test/helpers/storage.ts.
 */

const MAX_WAIT_MS = 10_000;

/** The answer, or a failed test when none came: a hang check, not a timing assertion. */
async function answered<T>(request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${MAX_WAIT_MS / 1000} s: the request hangs`)),
      MAX_WAIT_MS,
    );
  });
  try {
    return await Promise.race([request, hung]);
  } finally {
    clearTimeout(timer);
  }
}

const count = (app: TestApp, sql: string, ...params: unknown[]) =>
  app.deps.db
    .prepare(sql)
    .pluck()
    .get(...params) as number;

/** The 503 form: the DKFDS error summary says nothing was saved and the typed text is still there. */
function assertNotSavedForm(page: Page, kept: string[]) {
  assert.equal(page.status, 503, textOf(page.text).slice(0, 300));
  assert.equal(page.headers.get('retry-after'), '300');
  assert.match(page.text, /class="alert alert-error error-summary"/);
  assert.match(
    textOf(page.text),
    /Der er problemer Nærnet kunne ikke gemme lige nu, så intet er gemt\. Din tekst står stadig i formularen – prøv igen om lidt\./,
  );
  for (const value of kept) assert.ok(page.text.includes(value), `the form keeps "${value.slice(0, 40)}…"`);
  assert.doesNotMatch(page.text, /SqliteError|at .*\.ts:\d+/, 'no stack trace');
}

/** The 503 error page: nothing saved, try later, 112 in an emergency. */
function assertCannotSavePage(page: Page) {
  assert.equal(page.status, 503, textOf(page.text).slice(0, 300));
  assert.equal(page.headers.get('retry-after'), '300');
  const text = textOf(page.text);
  assert.match(text, /Nærnet kan ikke gemme lige nu/);
  assert.match(text, /er ikke gemt/);
  assert.match(text, /Prøv igen senere/);
  assert.match(text, /ring 112/);
  assert.doesNotMatch(text, /Handlingen blev afvist/);
  assert.doesNotMatch(page.text, /SqliteError|at .*\.ts:\d+/, 'no stack trace');
}

describe('a full database', () => {
  let app: TestApp;
  const fill = (alsoFill?: string[]) => fillDatabase(app.deps.db, alsoFill);
  const free = () => freeSpace(app.deps.db);

  const log: string[] = [];

  before(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        log.push(String(chunk));
        done();
      },
    });
    app = await startTestApp({ logger: pino({ level: 'error' }, stream) });
  });
  afterEach(free);
  after(() => app.close());

  it('a new concern: 503 at once with the text kept, no row, no receipt; sent again after space is freed, exactly one concern', async () => {
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get('/concerns/new');
    const title = 'Knallerter på stien ved skolen';
    const description = longText('Hver aften kører knallerter stærkt på stien ved Glumsø Skole. ', 4500);
    const form = {
      council_id: String(councilId(app, 'glumsoe')),
      category: 'trafik',
      title,
      description,
      location: 'Stien bag hallen',
      occurred_at: '',
    };
    const mailsBefore = count(app, 'SELECT count(*) FROM outbox');
    fill();

    const refused = await answered(hal.post('/concerns', form));
    assertNotSavedForm(refused, [title, description.slice(0, 200), 'Stien bag hallen']);
    const told = log.filter((line) => line.includes(`"reqId":"${refused.headers.get('x-request-id')}"`));
    assert.equal(told.length, 1, 'logged once');
    assert.match(
      told[0] ?? '',
      /"level":50.*"code":"SQLITE_FULL".*"cannot save: the disk is full or DATA_DIR is read-only"/,
    );
    assert.doesNotMatch(told[0] ?? '', /"stack"/);
    assert.equal(count(app, 'SELECT count(*) FROM concerns WHERE title = ?', title), 0);
    assert.equal(count(app, 'SELECT count(*) FROM outbox'), mailsBefore, 'no receipt queued');

    // The same form sent again, as the person would: still full, still nothing saved.
    assertNotSavedForm(await answered(hal.post('/concerns', form)), [title]);
    assert.equal(count(app, 'SELECT count(*) FROM concerns WHERE title = ?', title), 0);

    free();
    const saved = await answered(hal.post('/concerns', form));
    assert.equal(saved.status, 303);
    assert.equal(count(app, 'SELECT count(*) FROM concerns WHERE title = ?', title), 1);
    assert.equal(count(app, 'SELECT count(*) FROM outbox'), mailsBefore + 1, 'one receipt');
  });

  it('a new concern with a photo: the photo file is removed again, so no file is left without its row', async () => {
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get('/concerns/new');
    const uploads = path.join(app.dataDir, 'uploads');
    const filesBefore = readdirSync(uploads).length;
    const title = 'Graffiti på busskuret';
    fill();

    const refused = await answered(
      postMultipart(
        app,
        hal,
        '/concerns',
        {
          council_id: String(councilId(app, 'glumsoe')),
          category: 'haervaerk',
          title,
          description: longText('Nye tags på busskuret ved Søndergade, også på ruden. ', 4500),
          location: '',
          occurred_at: '',
        },
        [
          {
            field: 'photos',
            name: 'skur.png',
            type: 'image/png',
            bytes: rgbPng(40, 30, () => [200, 40, 40]),
          },
        ],
      ),
    );
    assert.equal(refused.status, 503);
    assert.ok(refused.text.includes(title), 'the title is kept');
    assert.equal(count(app, 'SELECT count(*) FROM concerns WHERE title = ?', title), 0);
    assert.equal(readdirSync(uploads).length, filesBefore, 'no photo file left behind');
    free();
  });

  it('a new meeting: 503 with the agenda kept and no meeting; after space is freed it is planned once', async () => {
    const officer = await loggedIn(app, DEMO.officer);
    await officer.get('/meetings/new');
    const title = 'Netværksmøde om trafikken';
    const agenda = longText('1. Trafikken ved skolen og stationen – hvad har vi set siden sidst?\n', 6000);
    const form = meetingForm(app, { title, agenda });
    fill();

    const refused = await answered(officer.post('/meetings', form));
    assertNotSavedForm(refused, [title, 'Trafikken ved skolen og stationen']);
    assert.equal(count(app, 'SELECT count(*) FROM meetings WHERE title = ?', title), 0);

    free();
    assert.equal((await answered(officer.post('/meetings', form))).status, 303);
    assert.equal(count(app, 'SELECT count(*) FROM meetings WHERE title = ?', title), 1);
  });

  it('a comment: 503 on the post with the comment kept; after space is freed it is added once', async () => {
    const officer = await loggedIn(app, DEMO.officer);
    await officer.get('/posts/new');
    const published = await officer.post('/posts', {
      council_id: String(councilId(app, 'glumsoe')),
      title: 'Kriminalitetsbilledet i november',
      period: 'November 2026',
      body: 'Færre indbrud end sidst.',
    });
    assert.equal(published.status, 303);
    const postPath = published.location ?? '';
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get(postPath);
    const body = longText(
      'Tak – trygheden ved stationen er blevet bedre, især om aftenen. Godt gået! ',
      1500,
    );
    const postId = Number(postPath.split('/').pop());
    // A comment is shorter than a page, so the comments' last page is filled too (hidden filler rows).
    fill([
      `INSERT INTO post_comments (post_id, body, hidden_at, hidden_reason, created_at)
       VALUES (${postId}, hex(randomblob(?)), '2026-01-01', 'fyld', '2026-01-01')`,
    ]);

    const refused = await answered(hal.post(`${postPath}/comments`, { body }));
    assertNotSavedForm(refused, ['trygheden ved stationen er blevet bedre']);
    assert.equal(count(app, 'SELECT count(*) FROM post_comments WHERE body = ?', body), 0);

    free();
    assert.equal((await answered(hal.post(`${postPath}/comments`, { body }))).status, 303);
    assert.equal(count(app, 'SELECT count(*) FROM post_comments WHERE body = ?', body), 1);
  });

  it('login by a visitor who arrives while the disk is full: 503 "cannot save", not "Handlingen blev afvist"', async () => {
    fill();
    const visitor = new Client(app.url);
    const loginPage = await answered(visitor.get('/login'));
    assert.equal(loginPage.status, 200, 'reading still works');
    const page = await answered(visitor.post('/login', { email: DEMO.brugs, password: 'naestved-2015' }));
    assertCannotSavePage(page);
    free();
    await visitor.get('/login');
    assert.equal(
      (await answered(visitor.post('/login', { email: DEMO.brugs, password: 'naestved-2015' }))).status,
      303,
    );
  });
});

describe('a read-only database', () => {
  let app: TestApp;
  const readOnly = () => makeReadOnly(app.deps.db);
  const writable = () => makeReadOnly(app.deps.db, false);

  before(async () => {
    app = await startTestApp();
  });
  afterEach(writable);
  after(() => app.close());

  it('a signed-in person still reads their pages; none of them hangs', async () => {
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get('/concerns/new');
    const saved = await hal.post('/concerns', {
      council_id: String(councilId(app, 'glumsoe')),
      category: 'tryghed',
      title: 'Uro ved Brugsen om aftenen',
      description: 'Unge samles og larmer efter lukketid.',
      location: '',
      occurred_at: '',
    });
    assert.equal(saved.status, 303);
    readOnly();
    // The page after a save: it used to hang here, so the person went back and sent the form again.
    for (const url of [saved.location ?? '', '/concerns', '/', '/meetings']) {
      const page = await answered(hal.get(url));
      assert.equal(page.status, 200, url);
    }
    writable();
  });

  it('inviting a member: 503 with name, email and title kept; no person, no invitation mail', async () => {
    const formand = await loggedIn(app, DEMO.formand);
    const glumsoe = councilId(app, 'glumsoe');
    await formand.get(`/councils/${glumsoe}/members/new`);
    const mailsBefore = count(app, 'SELECT count(*) FROM outbox');
    readOnly();

    const page = await answered(
      formand.post(`/councils/${glumsoe}/members`, {
        name: 'Karen Skov',
        email: 'karen.skov@example.dk',
        title: 'skoleleder',
        role: 'network_person',
      }),
    );
    assertNotSavedForm(page, ['Karen Skov', 'karen.skov@example.dk', 'skoleleder']);
    writable();
    assert.equal(count(app, 'SELECT count(*) FROM users WHERE email = ?', 'karen.skov@example.dk'), 0);
    assert.equal(count(app, 'SELECT count(*) FROM outbox'), mailsBefore, 'no invitation queued');
  });

  it('login on a read-only database: the login form again, 503, with the email kept', async () => {
    const visitor = new Client(app.url);
    await visitor.get('/login');
    readOnly();
    const page = await answered(visitor.post('/login', { email: DEMO.brugs, password: 'naestved-2015' }));
    assertNotSavedForm(page, [DEMO.brugs]);
    assert.doesNotMatch(page.text, /naestved-2015/, 'the password is never shown again');
    writable();
    const signedIn = await answered(visitor.post('/login', { email: DEMO.brugs, password: 'naestved-2015' }));
    assert.equal(signedIn.status, 303, 'once it can be saved, the same form signs in');
  });

  it('a note on a case page: the page records who read it, so it cannot be shown again; the 503 page, not a 500 or a hang', async () => {
    const officer = await loggedIn(app, DEMO.officer);
    const concernId = count(app, "SELECT id FROM concerns WHERE title = 'Uro ved Brugsen om aftenen'");
    await officer.get(`/concerns/${concernId}`);
    readOnly();
    const page = await answered(
      officer.post(`/concerns/${concernId}/notes`, {
        body: 'Patrulje aftalt fredag.',
        visibility: 'internal',
      }),
    );
    writable();
    assertCannotSavePage(page);
    assert.equal(
      count(
        app,
        "SELECT count(*) FROM concern_events WHERE concern_id = ? AND type = 'internal_note'",
        concernId,
      ),
      0,
    );
  });
});

describe('photos that cannot be written', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp();
  });
  after(() => app.close());

  it('uploads/ refusing files (it points into /sys, refused even for root): 503 with the text kept and no concern', async () => {
    const uploads = path.join(app.dataDir, 'uploads');
    rmSync(uploads, { recursive: true });
    symlinkSync('/sys/kernel', uploads);
    const hal = await loggedIn(app, DEMO.hal);
    await hal.get('/concerns/new');
    const title = 'Knust rude i venteskuret';
    const page = await answered(
      postMultipart(
        app,
        hal,
        '/concerns',
        {
          council_id: String(councilId(app, 'glumsoe')),
          category: 'haervaerk',
          title,
          description: 'Ruden er smadret igen.',
          location: '',
          occurred_at: '',
        },
        [
          {
            field: 'photos',
            name: 'rude.png',
            type: 'image/png',
            bytes: rgbPng(40, 30, () => [200, 40, 40]),
          },
        ],
      ),
    );
    rmSync(uploads);
    mkdirSync(uploads);
    assert.equal(page.status, 503, textOf(page.text).slice(0, 300));
    assert.ok(page.text.includes(title));
    assert.match(textOf(page.text), /Nærnet kunne ikke gemme lige nu/);
    assert.equal(count(app, 'SELECT count(*) FROM concerns WHERE title = ?', title), 0);
  });
});

describe('starting with a DATA_DIR that cannot be used', () => {
  const ROOT = path.resolve(import.meta.dirname, '../..');
  const root = mkdtempSync(path.join(tmpdir(), 'naernet-datadir-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  /** Runs `src/server.ts` as `npm start` does; resolves with the exit code and what it wrote. */
  function start(dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: '0', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => {
      stdout += d;
    });
    child.stderr?.on('data', (d) => {
      stderr += d;
    });
    // A server that starts after all is stopped, and the test fails on its exit code.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    return new Promise((resolve) =>
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      }),
    );
  }

  const aFile = path.join(root, 'a-file');
  writeFileSync(aFile, 'not a folder\n');
  const dbIsAFolder = path.join(root, 'db-is-a-folder');
  mkdirSync(path.join(dbIsAFolder, 'portal.db'), { recursive: true });
  const uploadsIsAFile = path.join(root, 'uploads-is-a-file');
  mkdirSync(uploadsIsAFile);
  writeFileSync(path.join(uploadsIsAFile, 'uploads'), '');

  const cases: { dir: string; says: RegExp; why: string }[] = [
    { dir: aFile, says: /det er en fil, ikke en mappe \(EEXIST\)/, why: 'DATA_DIR is a file' },
    {
      dir: path.join(aFile, 'data'),
      says: /en del af stien er en fil, ikke en mappe \(ENOTDIR\)/,
      why: 'a parent is a file',
    },
    // /proc and /sys refuse new folders even for root. In /proc, Node's recursive mkdir never returned.
    { dir: '/proc/naernet-data', says: /kan ikke oprettes der \(ENOENT\)/, why: 'under /proc' },
    { dir: '/sys/naernet-data', says: /ikke lov til at skrive der \(EPERM\)/, why: 'under /sys' },
    {
      dir: dbIsAFolder,
      says: /databasen i den kan ikke åbnes \(SQLITE_CANTOPEN\)/,
      why: 'portal.db cannot be opened',
    },
    {
      dir: uploadsIsAFile,
      says: /uploads: det er en fil, ikke en mappe \(EEXIST\)/,
      why: 'uploads is a file',
    },
  ];

  it('stops with exit code 1 and one line on stderr naming the folder and the problem, no stack trace', async () => {
    const results = await Promise.all(cases.map((c) => start(c.dir)));
    for (const [i, c] of cases.entries()) {
      const { code, stdout, stderr } = results[i] ?? { code: null, stdout: '', stderr: '' };
      assert.equal(code, 1, `${c.why}: exit code (stdout: ${stdout.slice(0, 200)})`);
      const lines = stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `${c.why}: one line, got:\n${stderr}`);
      assert.ok(lines[0]?.startsWith(`Nærnet kan ikke starte: DATA_DIR ${c.dir} `), `${c.why}: ${lines[0]}`);
      assert.match(lines[0] ?? '', c.says, c.why);
    }
  });
});
