import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';

describe('concern_counts kept by triggers', () => {
  let db: Db;
  let dir: string;
  const counts = () =>
    db
      .prepare('SELECT council_id, status, n FROM concern_counts WHERE n != 0 ORDER BY council_id, status')
      .all();
  const truth = () =>
    db
      .prepare(
        'SELECT council_id, status, count(*) AS n FROM concerns GROUP BY council_id, status ORDER BY council_id, status',
      )
      .all();

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'naernet-counts-'));
    db = openDatabase(path.join(dir, 'portal.db'));
    migrate(db);
    const now = new Date().toISOString();
    db.prepare("INSERT INTO municipalities (id, name, created_at) VALUES (1, 'Næstved', ?)").run(now);
    for (const id of [1, 2]) {
      db.prepare(
        'INSERT INTO councils (id, municipality_id, name, slug, created_at) VALUES (?, 1, ?, ?, ?)',
      ).run(id, `R${id}`, `r${id}`, now);
    }
    db.prepare(
      "INSERT INTO categories (id, slug, label_da, label_en, created_at) VALUES (1, 'andet', 'Andet', 'Other', ?)",
    ).run(now);
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('match a GROUP BY over the concerns after inserts, status changes, a move and a delete', () => {
    const now = new Date().toISOString();
    const insert = db.prepare(
      "INSERT INTO concerns (council_id, category_id, title, description, status, created_at, updated_at) VALUES (?, 1, 't', 'd', ?, ?, ?)",
    );
    for (let i = 0; i < 30; i++) insert.run(1 + (i % 2), ['new', 'in_progress', 'closed'][i % 3], now, now);
    assert.deepEqual(counts(), truth());
    db.prepare("UPDATE concerns SET status = 'closed' WHERE id % 4 = 0").run();
    db.prepare('UPDATE concerns SET council_id = 2 WHERE id % 5 = 0').run();
    db.prepare("UPDATE concerns SET title = 'no status change' WHERE id < 10").run();
    db.prepare('DELETE FROM concern_events').run();
    db.prepare('DELETE FROM concerns WHERE id % 7 = 0').run();
    assert.deepEqual(counts(), truth());
  });
});
