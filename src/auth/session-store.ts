import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import type { Db } from '../db/connection.js';
import { StorageFailureError, storageFailureCode } from '../db/storage-failure.js';
import type {} from '../web/session.js';

type Callback = (err?: unknown, data?: session.SessionData | null) => void;

/**
 * express-session store on the `sessions` table. The user id is kept in its own column so that
 * deactivating a person ends all of their sessions at once (deleteForUser).
 */
export class SqliteSessionStore extends session.Store {
  private readonly getStmt;
  private readonly setStmt;
  private readonly destroyStmt;
  private readonly touchStmt;

  constructor(
    private readonly db: Db,
    /** The idle period, read on every write so that a changed setting applies at once. */
    private readonly ttlMs: number | (() => number),
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.getStmt = db.prepare<[string, number], { data: string }>(
      'SELECT data FROM sessions WHERE sid = ? AND expires_at > ?',
    );
    this.setStmt = db.prepare(
      `INSERT INTO sessions (sid, user_id, data, expires_at) VALUES (@sid, @userId, @data, @expiresAt)
       ON CONFLICT(sid) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`,
    );
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    this.touchStmt = db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?');
  }

  /** Every write or touch pushes the expiry a full idle period ahead of the store's own clock. */
  private expiry(): number {
    return this.now() + (typeof this.ttlMs === 'function' ? this.ttlMs() : this.ttlMs);
  }

  override get(sid: string, callback: Callback): void {
    try {
      const row = this.getStmt.get(sid, this.now());
      callback(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
    } catch (err) {
      callback(err);
    }
  }

  override set(sid: string, sess: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      const userId = sess.passport?.user ?? null;
      this.setStmt.run({ sid, userId, data: JSON.stringify(sess), expiresAt: this.expiry() });
      this.unstored = undefined;
      callback?.();
    } catch (err) {
      this.noteFailure(err);
      callback?.(err);
    }
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    try {
      this.destroyStmt.run(sid);
      callback?.();
    } catch (err) {
      callback?.(err);
    }
  }

  /**
   * Errors go to the callback, never thrown: express-session touches from inside res.end(), where a
   * throw left the response unfinished for good — every page hung once the disk was full.
   */
  override touch(sid: string, _sess: session.SessionData, callback?: (err?: unknown) => void): void {
    try {
      this.touchStmt.run(this.expiry(), sid);
      callback?.();
    } catch (err) {
      this.noteFailure(err);
      callback?.(err);
    }
  }

  /**
   * The code of the storage fault that stopped the last session write (disk full, read-only), until
   * a session is stored again. A visitor whose session could not be stored has no CSRF token to
   * match, so refuseFormsOfUnstoredSessions answers their form with "cannot save", not "refused".
   */
  get storageFailure(): string | undefined {
    return this.unstored;
  }

  private unstored: string | undefined;

  private noteFailure(err: unknown): void {
    this.unstored = storageFailureCode(err) ?? this.unstored;
  }

  /** Ends every session of a user (deactivation, password change elsewhere). */
  deleteForUser(userId: number, exceptSid?: string): number {
    return this.db
      .prepare('DELETE FROM sessions WHERE user_id = ? AND sid IS NOT ?')
      .run(userId, exceptSid ?? null).changes;
  }

  /** Removes expired rows; run by the scheduler. */
  prune(): number {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(this.now()).changes;
  }
}

/**
 * A form sent from a session that was never stored because the disk was full: its CSRF token is
 * unknown, and "Handlingen blev afvist" would send the person round in circles. Mounted before the
 * CSRF check; the error handler answers 503 "Nærnet kan ikke gemme lige nu".
 */
export function refuseFormsOfUnstoredSessions(store: SqliteSessionStore) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const code = store.storageFailure;
    const isForm = req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'OPTIONS';
    if (code && isForm && !req.session?.csrfToken) return next(new StorageFailureError(code));
    next();
  };
}
