import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import type session from 'express-session';
import { SqliteSessionStore } from '../../../src/auth/session-store.js';
import { type Db, openDatabase } from '../../../src/db/connection.js';
import { migrate } from '../../../src/db/migrate.js';

const TTL = 30 * 60_000;
const root = mkdtempSync(path.join(tmpdir(), 'naernet-sessions-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
let db: Db;
let store: SqliteSessionStore;
const clock = { now: 0 };

/** A session as express-session hands it to the store. */
function sess(data: Record<string, unknown> = {}, expires?: Date): session.SessionData {
  return {
    cookie: { originalMaxAge: TTL, expires, httpOnly: true, path: '/' },
    ...data,
  } as unknown as session.SessionData;
}
const forUser = (userId: number, extra: Record<string, unknown> = {}) =>
  sess({ passport: { user: userId }, ...extra });

const get = (sid: string) =>
  new Promise<session.SessionData | null | undefined>((resolve, reject) =>
    store.get(sid, (err, data) => (err ? reject(err) : resolve(data))),
  );
const set = (sid: string, s: session.SessionData) =>
  new Promise<void>((resolve, reject) => store.set(sid, s, (err) => (err ? reject(err) : resolve())));
const destroy = (sid: string) =>
  new Promise<void>((resolve, reject) => store.destroy(sid, (err) => (err ? reject(err) : resolve())));
const touch = (sid: string, s: session.SessionData) =>
  new Promise<void>((resolve, reject) => store.touch(sid, s, (err) => (err ? reject(err) : resolve())));
const count = () => db.prepare('SELECT count(*) FROM sessions').pluck().get() as number;

function addUser(email: string): number {
  const at = new Date(clock.now).toISOString();
  return Number(
    db
      .prepare(
        "INSERT INTO users (email, name, status, created_at, updated_at) VALUES (?, ?, 'active', ?, ?)",
      )
      .run(email, email, at, at).lastInsertRowid,
  );
}

describe('SqliteSessionStore', () => {
  let hal: number;
  let brugs: number;

  beforeEach(() => {
    db?.close();
    db = openDatabase(path.join(root, `sessions-${++n}.db`));
    migrate(db);
    clock.now = Date.parse('2015-02-24T16:30:00Z');
    store = new SqliteSessionStore(db, TTL, () => clock.now);
    hal = addUser('hal@glumsoe.example');
    brugs = addUser('brugs@fladsaa.example');
  });
  after(() => db?.close());

  it('gives back what was set', async () => {
    await set('sid-1', forUser(hal, { flash: { key: 'x' } }));
    const data = await get('sid-1');
    assert.deepEqual((data as unknown as { passport: unknown }).passport, { user: hal });
    assert.deepEqual((data as unknown as { flash: unknown }).flash, { key: 'x' });
  });

  it('answers null for an unknown session id', async () => {
    assert.equal(await get('no-such-sid'), null);
  });

  it('keeps the user id in its own column, and none for an anonymous session', async () => {
    await set('sid-user', forUser(hal));
    await set('sid-anon', sess({ csrfSecret: 'abc' }));
    const rows = db.prepare('SELECT sid, user_id FROM sessions ORDER BY sid').all();
    assert.deepEqual(rows, [
      { sid: 'sid-anon', user_id: null },
      { sid: 'sid-user', user_id: hal },
    ]);
  });

  it('replaces a session when it is set again (e.g. after log in)', async () => {
    await set('sid-1', sess({ csrfSecret: 'abc' }));
    await set('sid-1', forUser(brugs));
    assert.equal(count(), 1);
    assert.deepEqual(((await get('sid-1')) as unknown as { passport: unknown }).passport, { user: brugs });
  });

  it('expires a session after the idle time when the cookie has no expiry', async () => {
    await set('sid-1', forUser(hal));
    clock.now += TTL - 1;
    assert.ok(await get('sid-1'));
    clock.now += 1;
    assert.equal(await get('sid-1'), null);
  });

  it("follows the store's own clock, not the cookie's expiry", async () => {
    // The cookie's expiry comes from the wall clock; the idle timeout must follow the app's clock.
    await set('sid-1', sess({}, new Date(clock.now + 5 * 60_000)));
    clock.now += 10 * 60_000;
    assert.ok(await get('sid-1'), 'still alive after the cookie date');
    clock.now += TTL;
    assert.equal(await get('sid-1'), null);
  });

  it('touch pushes the expiry forward while the person is active', async () => {
    await set('sid-1', forUser(hal));
    clock.now += 20 * 60_000;
    await touch('sid-1', forUser(hal));
    clock.now += 20 * 60_000; // 40 minutes after set, 20 after touch
    assert.ok(await get('sid-1'));
    clock.now += 10 * 60_000;
    assert.equal(await get('sid-1'), null);
  });

  it('destroy removes the session', async () => {
    await set('sid-1', forUser(hal));
    await destroy('sid-1');
    assert.equal(await get('sid-1'), null);
    assert.equal(count(), 0);
    await destroy('sid-1'); // destroying twice is harmless
  });

  it("deleteForUser ends every session of that user and no one else's", async () => {
    await set('hal-phone', forUser(hal));
    await set('hal-pc', forUser(hal));
    await set('brugs-pc', forUser(brugs));
    await set('anon', sess());
    assert.equal(store.deleteForUser(hal), 2);
    assert.equal(await get('hal-phone'), null);
    assert.equal(await get('hal-pc'), null);
    assert.ok(await get('brugs-pc'));
    assert.ok(await get('anon'));
  });

  it('deleteForUser can spare the current session (password changed on this device)', async () => {
    await set('hal-phone', forUser(hal));
    await set('hal-pc', forUser(hal));
    assert.equal(store.deleteForUser(hal, 'hal-pc'), 1);
    assert.equal(await get('hal-phone'), null);
    assert.ok(await get('hal-pc'));
  });

  it('prune removes expired rows only', async () => {
    await set('old', forUser(hal));
    clock.now += 20 * 60_000;
    await set('new', forUser(brugs));
    clock.now += 15 * 60_000; // 'old' is 35 minutes idle, 'new' 15
    assert.equal(store.prune(), 1);
    assert.equal(count(), 1);
    assert.ok(await get('new'));
    assert.equal(store.prune(), 0);
  });

  it('deleting a user deletes their sessions', async () => {
    await set('hal-pc', forUser(hal));
    db.prepare('DELETE FROM users WHERE id = ?').run(hal);
    assert.equal(count(), 0);
  });
});
