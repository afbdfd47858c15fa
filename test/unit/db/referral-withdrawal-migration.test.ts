import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../../src/paths.js';

/**
 * migrations/0027 rebuilds referrals and concern_events to widen their CHECK constraints: a
 * database with referrals and a timeline from before it keeps every row, index and trigger, and
 * a concern closed before it with a referral still open has that referral withdrawn.
 */
describe('migration 0027: referral withdrawal and reminders', () => {
  let root: string;
  let db: Db;

  before(() => {
    root = mkdtempSync(path.join(tmpdir(), 'naernet-0027-'));
    const before0027 = path.join(root, 'migrations');
    mkdirSync(before0027);
    for (const file of readdirSync(MIGRATIONS_DIR).filter((f) => /^\d{4}_.*\.sql$/.test(f) && f < '0027')) {
      copyFileSync(path.join(MIGRATIONS_DIR, file), path.join(before0027, file));
    }
    db = openDatabase(path.join(root, 'portal.db'));
    migrate(db, before0027);

    const at = '2026-03-02T09:00:00.000Z';
    db.exec(`
      INSERT INTO municipalities (id, name, created_at) VALUES (1, 'Næstved', '${at}');
      INSERT INTO councils (id, municipality_id, name, slug, created_at) VALUES (1, 1, 'Glumsø Lokalråd', 'glumsoe', '${at}');
      INSERT INTO categories (id, slug, label_da, label_en, created_at) VALUES (1, 'unge', 'Unge', 'Young people', '${at}');
      INSERT INTO departments (id, name, email, created_at) VALUES (1, 'SSP', 'ssp@politi.example', '${at}');
      INSERT INTO concerns (id, council_id, category_id, title, description, status, created_at, updated_at, closed_at)
        VALUES (1, 1, 1, 'Lukket', '', 'closed', '${at}', '${at}', '2026-03-05T10:00:00.000Z'),
               (2, 1, 1, 'Åben', '', 'awaiting_department', '${at}', '${at}', NULL);
      INSERT INTO referrals (id, concern_id, department_id, note, status, token_hash, token_expires_at, created_at, acknowledged_at)
        VALUES (1, 1, 1, 'Til SSP', 'acknowledged', 'hash-1', '2026-04-01T09:00:00.000Z', '${at}', '2026-03-03T09:00:00.000Z'),
               (2, 2, 1, 'Til SSP igen', 'sent', 'hash-2', '2026-04-01T09:00:00.000Z', '${at}', NULL);
      INSERT INTO concern_events (id, concern_id, at, type, visibility, data)
        VALUES (7, 1, '${at}', 'referral_sent', 'public', '{"department":"SSP"}');
    `);
    migrate(db);
  });

  after(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("withdraws a closed concern's open referral as of its closing and leaves an open concern's alone", () => {
    const rows = db
      .prepare('SELECT id, status, withdrawn_at, reminded_at, acknowledge_ms FROM referrals ORDER BY id')
      .all();
    assert.deepEqual(rows, [
      {
        id: 1,
        status: 'withdrawn',
        withdrawn_at: '2026-03-05T10:00:00.000Z',
        reminded_at: null,
        acknowledge_ms: 86_400_000,
      },
      { id: 2, status: 'sent', withdrawn_at: null, reminded_at: null, acknowledge_ms: null },
    ]);
  });

  it('keeps the timeline and takes the two new event types', () => {
    assert.equal(db.prepare('SELECT type FROM concern_events WHERE id = 7').pluck().get(), 'referral_sent');
    for (const type of ['referral_withdrawn', 'referral_reminded']) {
      db.prepare(
        "INSERT INTO concern_events (concern_id, at, type, visibility) VALUES (2, 'x', ?, 'internal')",
      ).run(type);
    }
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO concern_events (concern_id, at, type, visibility) VALUES (2, 'x', 'nonsense', 'internal')",
          )
          .run(),
      /CHECK/,
    );
  });

  it('keeps the indexes, the unique link hash and the stats triggers of referrals', () => {
    const indexes = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'referrals' AND sql IS NOT NULL ORDER BY name",
      )
      .pluck()
      .all();
    assert.deepEqual(indexes, [
      'referrals_department',
      'referrals_open',
      'referrals_stats',
      'referrals_to_remind',
    ]);
    assert.deepEqual(
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'concern_events' AND sql IS NOT NULL",
        )
        .pluck()
        .all(),
      ['concern_events_concern'],
    );
    db.prepare("UPDATE referrals SET acknowledged_at = '2026-03-02T09:00:01.500Z' WHERE id = 2").run();
    assert.equal(db.prepare('SELECT acknowledge_ms FROM referrals WHERE id = 2').pluck().get(), 1500);
    assert.throws(
      () =>
        db
          .prepare(
            "INSERT INTO referrals (concern_id, department_id, note, token_hash, token_expires_at, created_at) VALUES (2, 1, 'x', 'hash-2', 'x', 'x')",
          )
          .run(),
      /UNIQUE/,
    );
    assert.deepEqual(db.pragma('foreign_key_check'), []);
  });
});
