import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DataDirError, dataDirProblem, prepareDataDir } from '../../../src/db/data-dir.js';
import {
  isStorageFailure,
  StorageFailureError,
  storageFailureCode,
} from '../../../src/db/storage-failure.js';

const root = mkdtempSync(path.join(tmpdir(), 'naernet-storage-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** What a statement threw, failing the test when it did not throw. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (err) {
    return err;
  }
  assert.fail('expected an error');
}

describe('isStorageFailure: "Nærnet cannot save right now"', () => {
  it('recognises a full database (SQLite max_page_count reached: SQLITE_FULL)', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x BLOB)');
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true })}`);
    const err = thrownBy(() => db.prepare('INSERT INTO t VALUES (randomblob(10000))').run());
    assert.equal(storageFailureCode(err), 'SQLITE_FULL');
    db.close();
  });

  it('recognises a read-only database (SQLITE_READONLY)', () => {
    const file = path.join(root, 'ro.db');
    new Database(file).exec('CREATE TABLE t (x)');
    const db = new Database(file, { readonly: true });
    const err = thrownBy(() => db.prepare('INSERT INTO t VALUES (1)').run());
    assert.equal(storageFailureCode(err), 'SQLITE_READONLY');
    db.close();
  });

  it('recognises a database that cannot be opened (SQLITE_CANTOPEN)', () => {
    const folder = path.join(root, 'a-folder.db');
    mkdirSync(folder);
    assert.equal(storageFailureCode(thrownBy(() => new Database(folder))), 'SQLITE_CANTOPEN');
  });

  it('recognises a write that /sys refuses even to root (EACCES on open)', () => {
    const err = thrownBy(() => writeFileSync('/sys/kernel/naernet-probe', 'x', { flag: 'wx' }));
    assert.ok(isStorageFailure(err), String(err));
  });

  it('recognises the extended SQLite codes and the file-system codes of a full or read-only disk', () => {
    for (const code of [
      'SQLITE_FULL',
      'SQLITE_IOERR',
      'SQLITE_IOERR_WRITE',
      'SQLITE_IOERR_SHMSIZE',
      'SQLITE_READONLY_DBMOVED',
      'SQLITE_CANTOPEN',
      'ENOSPC',
      'EDQUOT',
      'EROFS',
      'EFBIG',
    ]) {
      assert.equal(storageFailureCode(Object.assign(new Error(code), { code })), code);
    }
    assert.ok(isStorageFailure(new StorageFailureError('SQLITE_FULL')));
    assert.ok(isStorageFailure(Object.assign(new Error(), { code: 'EACCES', syscall: 'mkdir' })));
  });

  it('leaves every other error alone: constraints, a busy database, a missing file, a refused read', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (x UNIQUE)');
    db.prepare('INSERT INTO t VALUES (1)').run();
    assert.equal(isStorageFailure(thrownBy(() => db.prepare('INSERT INTO t VALUES (1)').run())), false);
    db.close();
    for (const err of [
      Object.assign(new Error(), { code: 'SQLITE_BUSY' }),
      Object.assign(new Error(), { code: 'ENOENT', syscall: 'open' }),
      Object.assign(new Error(), { code: 'EACCES', syscall: 'scandir' }),
      Object.assign(new Error(), { code: 'EACCES' }),
      new Error('database or disk is full'),
      'SQLITE_FULL',
      undefined,
    ]) {
      assert.equal(isStorageFailure(err), false, String((err as { code?: string })?.code ?? err));
    }
  });
});

describe('prepareDataDir: DATA_DIR at start-up', () => {
  const problemOf = (dir: string) => {
    const err = thrownBy(() => prepareDataDir(dir, path.join(dir, 'portal.db')));
    assert.ok(err instanceof DataDirError, String(err));
    return err.message;
  };

  it('makes a missing folder and its parents', () => {
    const dir = path.join(root, 'a', 'b', 'data');
    prepareDataDir(dir, path.join(dir, 'portal.db'));
    prepareDataDir(dir, path.join(dir, 'portal.db'));
  });

  it('refuses a file in its place, a file among its parents, and folders /proc and /sys do not allow', () => {
    const file = path.join(root, 'a-file');
    writeFileSync(file, '');
    assert.equal(
      problemOf(file),
      `Nærnet kan ikke starte: DATA_DIR ${file} kan ikke bruges – det er en fil, ikke en mappe (EEXIST).`,
    );
    assert.match(
      problemOf(path.join(file, 'data')),
      /en del af stien er en fil, ikke en mappe \(ENOTDIR\)\.$/,
    );
    // Node's own recursive mkdir never returns here.
    assert.match(
      problemOf('/proc/naernet-data/x'),
      /^Nærnet kan ikke starte: DATA_DIR \/proc\/naernet-data\/x .*\(ENOENT\)\.$/,
    );
    assert.match(problemOf('/sys/naernet-data'), /ikke lov til at skrive der \(EPERM\)\.$/);
  });

  it('says a full disk and a read-only one in words, with the code', () => {
    const dir = '/srv/naernet';
    assert.equal(
      dataDirProblem(dir, Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })),
      'Nærnet kan ikke starte: DATA_DIR /srv/naernet kan ikke bruges – disken er fuld (SQLITE_FULL).',
    );
    assert.match(
      dataDirProblem(dir, Object.assign(new Error(), { code: 'EROFS' })),
      /skrivebeskyttet \(EROFS\)\.$/,
    );
    assert.doesNotMatch(dataDirProblem(dir, new Error('x')), /\n/);
  });
});
