import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type session from 'express-session';
import { SqliteSessionStore } from '../../../src/auth/session-store.js';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';

/**
 * On a read-only or full database the store answers through its callbacks and never throws:
 * express-session touches from inside res.end(), where a throw left the response hanging.
 */
describe('the session store when nothing can be saved', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'naernet-session-faults-'));
  let db: Db;
  let store: SqliteSessionStore;
  const sess = {
    cookie: { originalMaxAge: 60_000, httpOnly: true, path: '/' },
  } as unknown as session.SessionData;
  const set = (sid: string) => new Promise<unknown>((resolve) => store.set(sid, sess, resolve));
  const touch = (sid: string) => new Promise<unknown>((resolve) => store.touch(sid, sess, resolve));

  before(() => {
    db = openDatabase(path.join(root, 'portal.db'));
    migrate(db);
    store = new SqliteSessionStore(db, 60_000);
  });
  after(() => {
    db.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('touch and set hand the error to their callback instead of throwing, and say which fault it was', async () => {
    assert.equal(await set('a'), undefined);
    db.pragma('query_only = ON');
    try {
      const touched = await touch('a');
      assert.equal((touched as { code?: string }).code, 'SQLITE_READONLY');
      const stored = await set('b');
      assert.equal((stored as { code?: string }).code, 'SQLITE_READONLY');
      assert.equal(store.storageFailure, 'SQLITE_READONLY');
    } finally {
      db.pragma('query_only = OFF');
    }
  });

  it('forgets the fault once a session is stored again', async () => {
    assert.equal(await set('c'), undefined);
    assert.equal(store.storageFailure, undefined);
  });
});
