import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../../src/db/connection.js';
import { migrate } from '../../../../src/db/migrate.js';
import {
  type ConcernStatus,
  isOverdue,
  overdueSql,
} from '../../../../src/features/concerns/concern-state.js';
import { DigestRepository } from '../../../../src/features/referrals/digest.repository.js';
import { StatsRepository } from '../../../../src/features/stats/stats.repository.js';
import { TriageRepository } from '../../../../src/features/triage/triage.repository.js';

type Row = {
  id: number;
  title: string;
  status: ConcernStatus;
  due_at: string | null;
  paused_at: string | null;
  first_response_at: string | null;
};

const NOW = '2026-11-24T09:00:00.000Z';
const PAST = '2026-11-20T09:00:00.000Z';
const FUTURE = '2026-11-27T09:00:00.000Z';
const CREATED = '2026-11-17T09:00:00.000Z';

/** One concern per case of the rule; the title says whether it is overdue at NOW. */
const CASES: Omit<Row, 'id'>[] = [
  { title: 'overdue: new', status: 'new', due_at: PAST, paused_at: null, first_response_at: null },
  {
    title: 'overdue: in progress',
    status: 'in_progress',
    due_at: PAST,
    paused_at: null,
    first_response_at: null,
  },
  {
    title: 'answered publicly',
    status: 'in_progress',
    due_at: PAST,
    paused_at: null,
    first_response_at: CREATED,
  },
  { title: 'closed', status: 'closed', due_at: PAST, paused_at: null, first_response_at: null },
  { title: 'due in the future', status: 'new', due_at: FUTURE, paused_at: null, first_response_at: null },
  { title: 'due exactly now', status: 'new', due_at: NOW, paused_at: null, first_response_at: null },
  {
    title: 'paused for a department',
    status: 'awaiting_department',
    due_at: PAST,
    paused_at: CREATED,
    first_response_at: null,
  },
  { title: 'no due date', status: 'new', due_at: null, paused_at: null, first_response_at: null },
];

describe('the overdue rule in TypeScript and in SQL', () => {
  let db: Db;
  let dir: string;
  let rows: Row[];
  const tsOverdue = () =>
    rows
      .filter((r) => isOverdue(r, NOW))
      .map((r) => r.id)
      .sort((a, b) => a - b);

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'naernet-overdue-'));
    db = openDatabase(path.join(dir, 'portal.db'));
    migrate(db);
    db.prepare("INSERT INTO municipalities (id, name, created_at) VALUES (1, 'Næstved', ?)").run(CREATED);
    db.prepare(
      "INSERT INTO councils (id, municipality_id, name, slug, created_at) VALUES (1, 1, 'Glumsø', 'glumsoe', ?)",
    ).run(CREATED);
    db.prepare(
      "INSERT INTO categories (id, slug, label_da, label_en, created_at) VALUES (1, 'andet', 'Andet', 'Other', ?)",
    ).run(CREATED);
    db.prepare(
      `INSERT INTO users (id, email, name, status, is_officer, created_at, updated_at)
       VALUES (1, 'betjent@politi.example', 'Betjent', 'active', 1, ?, ?)`,
    ).run(CREATED, CREATED);
    db.prepare('INSERT INTO officer_assignments (officer_id, council_id, created_at) VALUES (1, 1, ?)').run(
      CREATED,
    );
    const insert = db.prepare(
      `INSERT INTO concerns (council_id, category_id, title, description, status, due_at, paused_at,
                             first_response_at, created_at, updated_at)
       VALUES (1, 1, @title, 'd', @status, @due_at, @paused_at, @first_response_at, @created, @created)`,
    );
    for (const c of CASES) insert.run({ ...c, created: CREATED });
    rows = db
      .prepare('SELECT id, title, status, due_at, paused_at, first_response_at FROM concerns ORDER BY id')
      .all() as Row[];
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('isOverdue: open, past due, no public answer and not paused; nothing else', () => {
    assert.deepEqual(
      rows.filter((r) => isOverdue(r, NOW)).map((r) => r.title),
      ['overdue: new', 'overdue: in progress'],
    );
  });

  it('overdueSql selects exactly the rows isOverdue calls overdue', () => {
    const ids = db
      .prepare(`SELECT c.id FROM concerns c WHERE ${overdueSql('c', '@now')} ORDER BY c.id`)
      .pluck()
      .all({ now: NOW });
    assert.deepEqual(ids, tsOverdue());
    // As a value (the queue sorts by it), it is 1 for exactly those rows, and 0 or NULL otherwise.
    const flags = db
      .prepare(`SELECT c.id, coalesce(${overdueSql('c', '?')}, 0) AS overdue FROM concerns c ORDER BY c.id`)
      .all(NOW) as { id: number; overdue: number }[];
    assert.deepEqual(
      flags.filter((f) => f.overdue === 1).map((f) => f.id),
      tsOverdue(),
    );
  });

  it('the triage queue, its count, the digest and /stats find the same overdue concerns', () => {
    const triage = new TriageRepository(db);
    const queue = triage.list(
      {
        councilIds: [1],
        statuses: null,
        categorySlug: null,
        priority: null,
        departmentId: null,
        awaitingDepartment: false,
        overdueOnly: true,
        match: null,
      },
      'queue',
      { limit: 50, offset: 0 },
      NOW,
      NOW,
    );
    assert.deepEqual(
      queue.map((r) => r.id).sort((a, b) => a - b),
      tsOverdue(),
    );
    assert.equal(triage.statusCounts([1], NOW).overdue, tsOverdue().length);
    assert.equal(triage.statusCounts(null, NOW).overdue, tsOverdue().length);

    const digest = new DigestRepository(db).overdueFor(1, NOW);
    assert.deepEqual(
      digest.map((r) => r.id).sort((a, b) => a - b),
      tsOverdue(),
    );

    const stats = new StatsRepository(db).overdue(
      [1],
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      NOW,
    );
    assert.deepEqual([...stats], [[1, tsOverdue().length]]);
  });

  it('refuses anything but a table alias and a parameter name', () => {
    assert.throws(() => overdueSql('c; DROP TABLE concerns', '@now'));
    assert.throws(() => overdueSql('c', "'2026-11-24'"));
  });
});
