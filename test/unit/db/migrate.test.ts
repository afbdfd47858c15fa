import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Db, inTransaction, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';
import { MIGRATIONS_DIR } from '../../../src/paths.js';

let root: string;
let n = 0;
const open = () => openDatabase(path.join(root, `db-${++n}.sqlite`));
const tables = (db: Db) =>
  db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .pluck()
    .all() as string[];
const versions = (db: Db) =>
  db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: string;
    name: string;
  }[];

before(() => {
  root = mkdtempSync(path.join(tmpdir(), 'naernet-migrate-'));
});
after(() => rmSync(root, { recursive: true, force: true }));

describe('openDatabase', () => {
  it('turns on WAL, foreign keys and a busy timeout', () => {
    const db = open();
    try {
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
      assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      db.close();
    }
  });

  it('enforces foreign keys of the real schema', () => {
    const db = open();
    try {
      migrate(db);
      assert.throws(
        () =>
          db
            .prepare(
              "INSERT INTO memberships (user_id, council_id, role, created_at, updated_at) VALUES (999, 999, 'network_person', 'x', 'x')",
            )
            .run(),
        /FOREIGN KEY/,
      );
    } finally {
      db.close();
    }
  });

  it('inTransaction rolls back every write when the function throws', () => {
    const db = open();
    try {
      db.exec('CREATE TABLE t (v TEXT)');
      assert.throws(() =>
        inTransaction(db, () => {
          db.prepare("INSERT INTO t VALUES ('a')").run();
          throw new Error('stop');
        }),
      );
      assert.equal(db.prepare('SELECT count(*) FROM t').pluck().get(), 0);
    } finally {
      db.close();
    }
  });
});

describe('migrate with the real migrations', () => {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();

  it('runs every migration file once, in order, and records it in schema_migrations', () => {
    const db = open();
    try {
      assert.deepEqual(migrate(db), files);
      assert.deepEqual(
        versions(db),
        files.map((f) => ({ version: f.slice(0, 4), name: f })),
      );
      for (const table of [
        'users',
        'councils',
        'memberships',
        'sessions',
        'outbox',
        'job_leases',
        'settings',
      ]) {
        assert.ok(tables(db).includes(table), `table ${table} exists`);
      }
    } finally {
      db.close();
    }
  });

  it('is idempotent: a second run does nothing and changes nothing', () => {
    const db = open();
    try {
      migrate(db);
      const before = { tables: tables(db), versions: versions(db) };
      assert.deepEqual(migrate(db), []);
      assert.deepEqual({ tables: tables(db), versions: versions(db) }, before);
    } finally {
      db.close();
    }
  });

  it('records when each migration was applied as an ISO time', () => {
    const db = open();
    try {
      migrate(db);
      const at = db.prepare('SELECT applied_at FROM schema_migrations').pluck().all() as string[];
      for (const value of at) assert.match(value, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    } finally {
      db.close();
    }
  });
});

describe('migrate with a temporary migrations directory', () => {
  let n2 = 0;
  const dir = (files: Record<string, string>) => {
    const d = path.join(root, `migrations-${++n2}`);
    mkdirSync(d);
    for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(d, name), sql);
    return d;
  };

  it('runs files by number and ignores files that are not NNNN_name.sql', () => {
    const db = open();
    try {
      const d = dir({
        '0010_later.sql': 'CREATE TABLE later (id INTEGER);',
        '0002_first.sql': 'CREATE TABLE first (id INTEGER);',
        'README.md': 'not a migration',
        '0003-Bad-Name.sql': 'CREATE TABLE bad (id INTEGER);',
      });
      assert.deepEqual(migrate(db, d), ['0002_first.sql', '0010_later.sql']);
      assert.ok(!tables(db).includes('bad'));
    } finally {
      db.close();
    }
  });

  it('a failing file throws and leaves the database as it was before that file', () => {
    const db = open();
    try {
      const d = dir({
        '0001_good.sql': 'CREATE TABLE good (id INTEGER); INSERT INTO good VALUES (1);',
        '0002_broken.sql':
          'CREATE TABLE half (id INTEGER); INSERT INTO good VALUES (2); INSERT INTO no_such_table VALUES (1);',
        '0003_after.sql': 'CREATE TABLE after_broken (id INTEGER);',
      });
      assert.throws(() => migrate(db, d), /no_such_table/);
      assert.deepEqual(
        versions(db).map((v) => v.version),
        ['0001'],
      );
      assert.ok(tables(db).includes('good'));
      assert.ok(!tables(db).includes('half'), 'the broken file created nothing');
      assert.ok(!tables(db).includes('after_broken'), 'later files did not run');
      assert.deepEqual(db.prepare('SELECT id FROM good').pluck().all(), [1], 'its insert was rolled back');

      // Once fixed, the run resumes with the file that failed.
      writeFileSync(path.join(d, '0002_broken.sql'), 'CREATE TABLE half (id INTEGER);');
      assert.deepEqual(migrate(db, d), ['0002_broken.sql', '0003_after.sql']);
    } finally {
      db.close();
    }
  });

  it('a failing first migration on an empty database leaves only schema_migrations, empty', () => {
    const db = open();
    try {
      const d = dir({ '0001_broken.sql': 'CREATE TABLE x (id INTEGER); SELECT * FROM nowhere;' });
      assert.throws(() => migrate(db, d));
      assert.deepEqual(tables(db), ['schema_migrations']);
      assert.deepEqual(versions(db), []);
    } finally {
      db.close();
    }
  });
});
