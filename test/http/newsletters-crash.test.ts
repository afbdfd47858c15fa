import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { SinkSmtpServer } from '../helpers/slow-smtp.js';

/**
 * Issue 4, "Done when": the portal runs as a child process sending a newsletter to 2,000 people
 * through a slow SMTP server, is killed with SIGKILL mid-send and restarted. Every recipient gets
 * the newsletter; the only duplicates are deliveries that were in flight at the kill, and they
 * carry the same Message-ID.
 */

const ROOT = path.resolve(import.meta.dirname, '../..');
const RECIPIENTS = 2_000;
const TITLE = 'Nyhedsbrev til 2.000: æøå';

type Row = { email: string; status: string; message_id: string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Seeds a DATA_DIR: one council with RECIPIENTS members and a newsletter that has started sending. */
function seed(dataDir: string): number {
  const deps = compose(loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', DEMO: '0' }), {
    logger: pino({ level: 'silent' }),
  });
  try {
    const { db } = deps;
    const at = new Date().toISOString();
    let adminId = 0;
    let councilId = 0;
    db.transaction(() => {
      const municipality = db
        .prepare('INSERT INTO municipalities (name, created_at) VALUES (?, ?)')
        .run('Næstved', at).lastInsertRowid;
      councilId = Number(
        db
          .prepare('INSERT INTO councils (municipality_id, name, slug, created_at) VALUES (?, ?, ?, ?)')
          .run(municipality, 'Glumsø Lokalråd', 'glumsoe', at).lastInsertRowid,
      );
      const user = db.prepare(
        `INSERT INTO users (email, name, status, is_district_admin, created_at, updated_at)
         VALUES (?, ?, 'active', ?, ?, ?)`,
      );
      adminId = Number(user.run('admin@politi.example', 'Admin', 1, at, at).lastInsertRowid);
      const member = db.prepare(
        `INSERT INTO memberships (user_id, council_id, role, created_at, updated_at)
         VALUES (?, ?, 'network_person', ?, ?)`,
      );
      for (let i = 0; i < RECIPIENTS; i++) {
        const id = user.run(`person${i}@glumsoe.example`, `Person ${i}`, 0, at, at).lastInsertRowid;
        member.run(id, councilId, at, at);
      }
    })();
    deps.settings.set('newsletter_rate_per_second', '0');
    deps.settings.set('newsletter_batch_size', '20');
    const admin = deps.users.loadActor(adminId);
    assert.ok(admin);
    const service = deps.services.newsletters;
    const id = service.create(
      admin,
      { title: TITLE, body: 'Hej alle — *blåbær* og Ærø.', councilIds: [councilId], wholeDistrict: false },
      [councilId],
    );
    service.schedule(admin, id, null);
    return id;
  } finally {
    deps.close();
  }
}

describe('a newsletter send killed with SIGKILL and restarted', () => {
  let dataDir: string;
  let smtp: SinkSmtpServer;
  let smtpUrl: string;
  let newsletterId: number;
  let child: ChildProcess | undefined;
  let output = '';

  function start(): ChildProcess {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: '0',
        DATA_DIR: dataDir,
        SMTP_URL: smtpUrl,
        DEMO: '0',
        LOG_LEVEL: 'warn',
        SCHEDULER_INTERVAL_MS: '100',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    return proc;
  }

  const exited = (proc: ChildProcess) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => proc.once('exit', () => resolve()));

  /** Reads the database the child writes (WAL: a reader does not block it). */
  function read<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(path.join(dataDir, 'portal.db'), { readonly: true, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  const status = () =>
    read((db) =>
      db.prepare('SELECT status FROM newsletters WHERE id = ?').pluck().get(newsletterId),
    ) as string;

  before(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'naernet-crash-'));
    newsletterId = seed(dataDir);
    // A slow server: 5–20 ms before each 250, so a batch is in flight long enough to be cut.
    smtp = new SinkSmtpServer(() => 5 + Math.floor(Math.random() * 16));
    smtpUrl = await smtp.start();
  });

  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited(child);
    }
    await smtp?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('delivers to every recipient after a restart, repeating only the deliveries in flight, with their Message-IDs', async (t) => {
    const rows = read((db) =>
      db.prepare('SELECT email, status, message_id FROM newsletter_deliveries').all(),
    ) as Row[];
    assert.equal(rows.length, RECIPIENTS, 'recipients frozen when sending started');
    const messageIdOf = new Map(rows.map((r) => [r.email, r.message_id]));

    // 1. Send until some but not all have gone out, then kill -9.
    child = start();
    await waitFor('the first 400 mails', () => smtp.received.length >= 400, 30_000).catch((err) => {
      throw new Error(`${err.message}\n${output}`);
    });
    child.kill('SIGKILL');
    await exited(child);
    await sleep(100); // a 250 already on its way is counted
    const receivedAtKill = smtp.received.length;
    const atKill = read((db) =>
      db.prepare('SELECT email, status, message_id FROM newsletter_deliveries').all(),
    ) as Row[];
    const inFlight = new Set(atKill.filter((r) => r.status === 'sending').map((r) => r.email));
    const sentAtKill = atKill.filter((r) => r.status === 'sent').length;
    t.diagnostic(
      `at the kill: ${receivedAtKill} received, ${sentAtKill} rows sent, ${inFlight.size} in flight`,
    );
    assert.ok(receivedAtKill < RECIPIENTS, 'killed mid-send');
    assert.equal(status(), 'sending');
    for (const m of smtp.received) {
      const row = atKill.find((r) => r.email === m.to[0]);
      assert.ok(row && row.status !== 'pending', `${m.to[0]} was claimed before it was sent`);
    }

    // 2. The dead process's lease would hold the restart back until its 60-second TTL runs out
    //    (the delivery test proves that a live holder blocks a second process); let it lapse now.
    const db = new Database(path.join(dataDir, 'portal.db'));
    db.pragma('busy_timeout = 5000');
    db.prepare("UPDATE job_leases SET expires_at = 0 WHERE name = 'newsletters'").run();
    db.close();

    // 3. Restart and wait until the newsletter is sent.
    output = '';
    child = start();
    await waitFor('the newsletter to be sent', () => status() === 'sent', 45_000).catch((err) => {
      throw new Error(`${err.message}\n${output}`);
    });
    child.kill('SIGTERM');
    await exited(child);

    // 4. Every recipient got it; duplicates only for deliveries in flight, with the same Message-ID.
    const byAddress = new Map<string, string[]>();
    for (const m of smtp.received) {
      assert.equal(m.to.length, 1);
      const to = m.to[0] as string;
      byAddress.set(to, [...(byAddress.get(to) ?? []), m.messageId]);
    }
    const missing = rows.filter((r) => !byAddress.has(r.email)).map((r) => r.email);
    assert.deepEqual(missing, [], 'every recipient received the newsletter');
    assert.equal(byAddress.size, RECIPIENTS, 'nobody else received it');

    const duplicated = [...byAddress].filter(([, ids]) => ids.length > 1);
    for (const [email, ids] of duplicated) {
      assert.ok(inFlight.has(email), `${email} received ${ids.length} copies but was not in flight`);
      assert.equal(ids.length, 2, `${email}: at most one repeat`);
    }
    for (const [email, ids] of byAddress) {
      for (const id of ids) assert.equal(id, messageIdOf.get(email), `${email}: the delivery's Message-ID`);
    }
    const final = read((db) =>
      db.prepare('SELECT status, count(*) AS n FROM newsletter_deliveries GROUP BY status').all(),
    );
    assert.deepEqual(final, [{ status: 'sent', n: RECIPIENTS }]);
    t.diagnostic(`${duplicated.length} duplicates, all among the ${inFlight.size} in flight at the kill`);
  });
});
