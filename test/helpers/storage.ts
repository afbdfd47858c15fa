/**
 * A full or read-only database without root (docs/architecture.md#when-the-disk-is-full).
 *
 * "Full" is SQLite's own limit: `PRAGMA max_page_count` set to the file's size and the free pages
 * used up, so every write that needs a new page fails with SQLITE_FULL, as on a full disk. A text
 * longer than a page (4 KiB) needs one for certain. "Read-only" is `PRAGMA query_only`: every
 * write fails with SQLITE_READONLY, as on a file system remounted read-only.
 */
import type { Db } from '../../src/db/connection.js';

/** Inserts rows of halving size until not even the smallest fits. */
function fillWith(insert: (bytes: number) => void): void {
  for (let bytes = 4096; bytes >= 1; bytes = Math.floor(bytes / 2)) {
    for (;;) {
      try {
        insert(bytes);
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_FULL') throw err;
        break;
      }
    }
  }
}

/**
 * The database can grow no more: the file's size is its limit and its free pages are used up. A
 * short row may still fit in the room left on a table's last page, so the sessions table (and any
 * `alsoFill` insert, taking the size as its one parameter) is filled too, so that nothing fits
 * there either — as on a full disk, where no write fits. `freeSpace` undoes it.
 */
export function fillDatabase(db: Db, alsoFill: string[] = []): void {
  db.exec('CREATE TABLE IF NOT EXISTS disk_filler (bytes BLOB)');
  db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
  const inserts = [
    'INSERT INTO disk_filler VALUES (randomblob(?))',
    'INSERT INTO sessions (sid, user_id, data, expires_at) VALUES (hex(randomblob(16)), NULL, hex(randomblob(?)), 0)',
    ...alsoFill,
  ];
  for (const sql of inserts) {
    const insert = db.prepare(sql);
    fillWith((n) => insert.run(n));
  }
}

/** SQLite's own default limit (4,294,967,294 pages): space is free again. */
export const freeSpace = (db: Db): void => {
  db.pragma('max_page_count = 4294967294');
};

/** Every write fails with SQLITE_READONLY (or works again with `on = false`). */
export const makeReadOnly = (db: Db, on = true): void => {
  db.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
};

/** A text of `length` characters made of `sentence`, e.g. longer than a database page. */
export const longText = (sentence: string, length: number): string =>
  sentence
    .repeat(Math.ceil(length / sentence.length))
    .slice(0, length)
    .trim();
