import Database from 'better-sqlite3';

export type Db = Database.Database;

/** Opens the portal's SQLite file with the pragmas the whole app relies on. */
export function openDatabase(file: string): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // Writers wait instead of failing with SQLITE_BUSY when the scheduler and a request write together.
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** Runs fn in one transaction; better-sqlite3 rolls back when fn throws. */
export function inTransaction<T>(db: Db, fn: () => T): T {
  return db.transaction(fn)();
}
