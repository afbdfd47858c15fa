/**
 * "Nærnet cannot save right now": the disk is full, the file system went read-only, or DATA_DIR
 * cannot be written. One list of those faults, so the error handler (the 503 page), handleForm
 * (the form again with the input kept), the session store and start-up all recognise the same
 * ones (docs/architecture.md#when-the-disk-is-full).
 */

/**
 * better-sqlite3's codes, extended ones included (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED…).
 * On a full disk SQLite answers SQLITE_FULL, or SQLITE_IOERR_* when the WAL or its index cannot
 * grow; SQLITE_CANTOPEN when it cannot create the -wal or -shm file beside the database.
 */
const SQLITE_FAULT = /^SQLITE_(FULL|READONLY|IOERR|CANTOPEN)/;

/** File-system answers that only a write can get: no space, no quota, a read-only mount, a file too big. */
const FS_FAULTS = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EFBIG']);

/**
 * "Not allowed" counts only for a call that creates or changes a file: the only files the app
 * writes while it runs are under DATA_DIR (photos), so a refused write means DATA_DIR's owner or
 * mode is wrong. (Opening a file is one of those calls: a photo is created by opening it.)
 */
const FS_DENIED = new Set(['EACCES', 'EPERM']);
const WRITING_CALLS = new Set(['open', 'write', 'mkdir', 'rename', 'unlink', 'rmdir', 'copyfile', 'fsync']);

/** A save refused for lack of storage that an earlier write discovered (see SqliteSessionStore). */
export class StorageFailureError extends Error {
  constructor(readonly code: string) {
    super(`cannot save: ${code}`);
  }
}

/** The fault's code (SQLITE_FULL, ENOSPC, …) when `err` means "cannot save", else undefined. */
export function storageFailureCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const { code, syscall } = err as { code?: unknown; syscall?: unknown };
  if (typeof code !== 'string') return undefined;
  if (SQLITE_FAULT.test(code) || FS_FAULTS.has(code)) return code;
  if (FS_DENIED.has(code) && typeof syscall === 'string' && WRITING_CALLS.has(syscall)) return code;
  return undefined;
}

export const isStorageFailure = (err: unknown): boolean => storageFailureCode(err) !== undefined;

/** Seconds a client is asked to wait before trying again (the Retry-After header). */
export const RETRY_AFTER_SECONDS = 300;
