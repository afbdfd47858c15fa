import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AuditLog, COLLAPSE_MINUTES } from '../../src/audit/audit-log.js';
import { type Db, openDatabase } from '../../src/db/connection.js';
import { migrate } from '../../src/db/migrate.js';

const MINUTE = 60_000;

describe('the audit log: repeated reads collapse, changes never do', () => {
  let dir: string;
  let db: Db;
  let clock = Date.parse('2026-03-02T09:00:00Z');
  let audit: AuditLog;
  const officer = { id: 0 };
  const colleague = { id: 0 };
  const rows = () =>
    db
      .prepare('SELECT action, entity_id, details, ip, at, repeat_count, last_at FROM audit_log ORDER BY id')
      .all() as {
      action: string;
      entity_id: number | null;
      at: string;
      repeat_count: number;
      last_at: string | null;
    }[];

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'naernet-audit-'));
    db = openDatabase(path.join(dir, 'portal.db'));
    migrate(db);
    const person = db.prepare(
      "INSERT INTO users (email, name, status, created_at, updated_at) VALUES (?, ?, 'active', '2026-01-01', '2026-01-01')",
    );
    officer.id = Number(person.run('betjent@example.dk', 'Betjent').lastInsertRowid);
    colleague.id = Number(person.run('kollega@example.dk', 'Kollega').lastInsertRowid);
    audit = new AuditLog(db, () => new Date(clock));
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    db.exec('DELETE FROM audit_log');
    clock = Date.parse('2026-03-02T09:00:00Z');
  });

  it('two reads of one concern by one person within the window are one line with count 2 and the last time', () => {
    audit.record(officer, 'concern.viewed', 7, { ip: '10.0.0.1' });
    clock += 4 * MINUTE;
    audit.record(officer, 'concern.viewed', 7, { ip: '10.0.0.1' });
    const [line, ...others] = rows();
    assert.deepEqual(others, []);
    assert.equal(line?.repeat_count, 2);
    assert.equal(line?.at, '2026-03-02T09:00:00.000Z');
    assert.equal(line?.last_at, '2026-03-02T09:04:00.000Z');
  });

  it('a read after the window is a new line; the window runs from the first read, it does not slide', () => {
    audit.record(officer, 'concern.viewed', 7);
    clock += 6 * MINUTE;
    audit.record(officer, 'concern.viewed', 7);
    clock += 6 * MINUTE; // 12 minutes after the first read, 6 after the last
    audit.record(officer, 'concern.viewed', 7);
    assert.ok(12 > COLLAPSE_MINUTES && 6 < COLLAPSE_MINUTES);
    assert.deepEqual(
      rows().map((r) => [r.at.slice(11, 16), r.repeat_count]),
      [
        ['09:00', 2],
        ['09:12', 1],
      ],
    );
  });

  it('another concern, person, address, photo or action is its own line', () => {
    audit.record(officer, 'concern.viewed', 7);
    audit.record(officer, 'concern.viewed', 8);
    audit.record(colleague, 'concern.viewed', 7);
    audit.record(officer, 'concern.viewed', 7, { ip: '10.0.0.2' });
    audit.record(officer, 'concern.photo_viewed', 7, {}, { photoId: 1 });
    audit.record(officer, 'concern.photo_viewed', 7, {}, { photoId: 2 });
    audit.record(officer, 'concern.photo_viewed', 7, {}, { photoId: 1 });
    audit.record(officer, 'concern.listed', null, {}, { list: 'triage' });
    audit.record(officer, 'concern.listed', null, {}, { list: 'triage', status: 'closed' });
    audit.record(officer, 'concern.listed', null, {}, { list: 'triage' });
    assert.deepEqual(
      rows().map((r) => r.repeat_count),
      [1, 1, 1, 1, 2, 1, 2, 1],
    );
  });

  it('changes, sign-ins and exports are never collapsed, however alike', () => {
    audit.record(officer, 'concern.triaged', 7, {}, { priority: 'high' });
    audit.record(officer, 'concern.triaged', 7, {}, { priority: 'high' });
    audit.record(officer, 'login.succeeded', officer.id);
    audit.record(officer, 'login.succeeded', officer.id);
    audit.record(officer, 'stats.concerns_exported', null, {}, { from: '2026-01-01', to: '2026-01-31' });
    audit.record(officer, 'stats.concerns_exported', null, {}, { from: '2026-01-01', to: '2026-01-31' });
    assert.equal(rows().length, 6);
    assert.ok(rows().every((r) => r.repeat_count === 1 && r.last_at === null));
  });

  it('a read by the system (no person) is never counted on another line', () => {
    audit.record(null, 'concern.viewed', 7);
    audit.record(null, 'concern.viewed', 7);
    assert.equal(rows().length, 2);
  });

  it('lists a period by time, and pages back and forth by id', () => {
    for (let i = 0; i < 5; i++) {
      audit.record(officer, 'concern.triaged', i, {}, { priority: 'high' });
      clock += 24 * 60 * MINUTE;
    }
    const ids = (list: { entity_id: number | null }[]) => list.map((r) => r.entity_id);
    const days = audit.list({ fromIso: '2026-03-03T00:00:00Z', toIso: '2026-03-05T00:00:00Z', limit: 10 });
    assert.deepEqual(ids(days), [2, 1]);
    const firstPage = audit.list({ limit: 2 });
    assert.deepEqual(ids(firstPage), [4, 3]);
    const older = audit.list({ beforeId: firstPage.at(-1)?.id, limit: 2 });
    assert.deepEqual(ids(older), [2, 1]);
    const newer = audit.list({ afterId: older[0]?.id, limit: 2 });
    assert.deepEqual(ids(newer), [4, 3], 'the page before, newest first');
    assert.deepEqual(ids(audit.list({ action: 'concern.viewed', limit: 5 })), []);
  });
});
