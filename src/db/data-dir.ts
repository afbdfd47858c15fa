import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isStorageFailure } from './storage-failure.js';

/**
 * DATA_DIR at start-up: made if missing and checked for writing before anything is opened, so an
 * unusable folder stops the server with one line that names it and says what is wrong — not a
 * stack trace, and not a server that starts and then cannot save anything.
 */
export class DataDirError extends Error {}

/** The problem in plain words, by the code the system or SQLite gave. */
const PROBLEMS: [RegExp, string][] = [
  [/^(ENOSPC|EDQUOT|EFBIG|SQLITE_FULL)/, 'disken er fuld'],
  [/^(EROFS|SQLITE_READONLY)/, 'den er skrivebeskyttet'],
  [/^(EACCES|EPERM)/, 'Nærnet har ikke lov til at skrive der'],
  [/^ENOTDIR$/, 'en del af stien er en fil, ikke en mappe'],
  [/^EEXIST$/, 'det er en fil, ikke en mappe'],
  [/^ENOENT$/, 'den kan ikke oprettes der'],
  [/^SQLITE_CANTOPEN/, 'databasen i den kan ikke åbnes'],
  [/^SQLITE_IOERR/, 'disken giver skrivefejl'],
];

/** One line naming the folder, the problem and the code, e.g. for EROFS or SQLITE_FULL at start-up. */
export function dataDirProblem(dir: string, err: unknown): string {
  const { code, path: file } = (err ?? {}) as { code?: unknown; path?: unknown };
  const problem = typeof code === 'string' ? PROBLEMS.find(([re]) => re.test(code))?.[1] : undefined;
  const where = typeof file === 'string' && file !== dir ? `${file}: ` : '';
  const detail = problem ?? (err instanceof Error ? err.message : String(err));
  return `Nærnet kan ikke starte: DATA_DIR ${dir} kan ikke bruges – ${where}${detail}${typeof code === 'string' ? ` (${code})` : ''}.`;
}

/** A fault of a file inside DATA_DIR (uploads/ is a file, portal.db cannot be opened) or of storage. */
export function isDataDirFailure(err: unknown, dir: string): boolean {
  if (isStorageFailure(err)) return true;
  const file = (err as { path?: unknown } | null)?.path;
  return typeof file === 'string' && (file === dir || file.startsWith(`${dir}${path.sep}`));
}

const fail = (dir: string, err: unknown): never => {
  throw new DataDirError(dataDirProblem(dir, err));
};

/**
 * Makes `dir` (and missing parents) and checks that it and the database file in it, if there is
 * one, can be written. Each missing level is made on its own: Node's recursive mkdir never returns
 * when a parent is a pseudo file system such as /proc, where mkdir answers ENOENT.
 */
export function prepareDataDir(dir: string, databaseFile: string): void {
  const missing: string[] = [];
  let existing = dir;
  while (!existsSync(existing)) {
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!statSync(existing).isDirectory()) {
    fail(dir, Object.assign(new Error(), { code: existing === dir ? 'EEXIST' : 'ENOTDIR' }));
  }
  for (const level of missing) {
    try {
      mkdirSync(level);
    } catch (err) {
      fail(dir, err);
    }
  }
  // access() asks the kernel, so a read-only mount is refused even for root.
  for (const target of [dir, ...(existsSync(databaseFile) ? [databaseFile] : [])]) {
    try {
      accessSync(target, constants.W_OK);
    } catch (err) {
      fail(dir, err);
    }
  }
}
