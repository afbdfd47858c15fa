import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../../src/db/connection.js';
import { migrate } from '../../../../src/db/migrate.js';
import { ftsMatchExpression, MAX_QUERY_LENGTH } from '../../../../src/features/triage/fts-query.js';

/**
 * The search box's text becomes an FTS5 expression for any input (issue 12, item 5): each nasty
 * input below must give null or an expression that SQLite's own FTS5 parser accepts, checked
 * against the real `concerns_fts` table of the migrations (its tokenizer, its columns).
 */
const NASTY: string[] = [
  'x\u0000',
  'a\u0000b',
  '\u0000',
  '\u0000"',
  '"\u0000',
  'knallerter\u0000 OR hal',
  '\u0001\u0007\u001B[31m\u007F\u0085\u009F',
  'a\tb\nc\r\nd\u000Be\u000Cf',
  '\u2028\u2029',
  '\uD800',
  'x\uD800',
  '\uDFFF\uD800y',
  `${'a'.repeat(MAX_QUERY_LENGTH - 1)}😀`,
  '"',
  '""',
  '"*',
  'a"b',
  '"""',
  'AND',
  'OR NOT',
  'a AND',
  'NOT a',
  'NEAR(a b)',
  'NEAR(a b, 2)',
  'a NEAR/3 b',
  '*',
  '**',
  'a*',
  'ø*',
  '^a',
  'a^',
  'a:b',
  'title:graffiti',
  '{title description}: x',
  '(a',
  ')',
  '(a OR b) AND c',
  '-a',
  'a-b',
  '+a',
  "'; DROP TABLE concerns; --",
  '\\',
  '%',
  '\u0301',
  'a\u0301',
  '\u200B',
  '\uFEFFx',
  '\u00AD',
  'ǃ',
  '🙂',
  '²',
  '½',
  '٣',
  'ﬁ',
  'x'.repeat(10_000),
  'a '.repeat(5_000),
  'ø'.repeat(MAX_QUERY_LENGTH + 5),
  `${'\u0000'.repeat(100)}hal`,
];

describe('ftsMatchExpression', () => {
  let db: Db;
  let dir: string;
  let match: (expression: string) => number[];

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'naernet-fts-'));
    db = openDatabase(path.join(dir, 'portal.db'));
    migrate(db);
    const now = new Date().toISOString();
    db.prepare("INSERT INTO municipalities (id, name, created_at) VALUES (1, 'Næstved', ?)").run(now);
    db.prepare(
      "INSERT INTO councils (id, municipality_id, name, slug, created_at) VALUES (1, 1, 'Glumsø', 'glumsoe', ?)",
    ).run(now);
    db.prepare(
      "INSERT INTO categories (id, slug, label_da, label_en, created_at) VALUES (1, 'andet', 'Andet', 'Other', ?)",
    ).run(now);
    const insert = db.prepare(
      `INSERT INTO concerns (id, council_id, category_id, title, description, location, status, created_at, updated_at)
       VALUES (?, 1, 1, ?, ?, ?, 'new', ?, ?)`,
    );
    insert.run(1, 'Knallerter ved hallen', 'Stærk fart om aftenen', 'Glumsø Hallen', now, now);
    insert.run(2, 'Graffiti på busskuret', 'Tagget igen', 'Torvet', now, now);
    const statement = db
      .prepare('SELECT rowid FROM concerns_fts WHERE concerns_fts MATCH ? ORDER BY rowid')
      .pluck();
    match = (expression) => statement.all(expression) as number[];
  });
  after(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives null or an expression FTS5 accepts for every nasty input', () => {
    for (const q of NASTY) {
      const expression = ftsMatchExpression(q);
      if (expression === null) continue;
      assert.doesNotThrow(
        () => match(expression),
        `${JSON.stringify(q.slice(0, 40))} → ${expression.slice(0, 80)}`,
      );
    }
  });

  it('gives a valid expression for random strings of any characters', () => {
    // Deterministic, so a failure can be reproduced: code points from every plane and the
    // characters FTS5 and SQL give meaning to, strung together.
    let seed = 12;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const specials = [
      '"',
      '*',
      '^',
      ':',
      '(',
      ')',
      '-',
      '+',
      ' ',
      '\u0000',
      '\uD800',
      '\uDC00',
      'OR',
      'NEAR',
    ];
    for (let i = 0; i < 2_000; i++) {
      let q = '';
      const length = Math.floor(random() * 30);
      for (let j = 0; j < length; j++) {
        q +=
          random() < 0.4
            ? (specials[Math.floor(random() * specials.length)] as string)
            : String.fromCharCode(Math.floor(random() * 0x10000));
      }
      const expression = ftsMatchExpression(q);
      if (expression !== null) assert.doesNotThrow(() => match(expression), JSON.stringify(q));
    }
  });

  it('strips control characters, so a NUL no longer cuts the expression off', () => {
    assert.equal(ftsMatchExpression('x\u0000'), '"x"*');
    assert.equal(ftsMatchExpression('hal\u0000len'), '"hallen"*');
    assert.deepEqual(match(ftsMatchExpression('hal\u0000len') as string), [1]);
    assert.equal(ftsMatchExpression('knallerter\u0007 \u001Bhal'), '"knallerter" "hal"*');
  });

  it('keeps operators, quotes and SQL as text', () => {
    assert.equal(ftsMatchExpression('knallerter OR graffiti'), '"knallerter" "OR" "graffiti"*');
    assert.deepEqual(match(ftsMatchExpression('knallerter OR graffiti') as string), []);
    // As a column filter, title:graffiti would find concern 2; as text it looks for "title graffiti".
    assert.equal(ftsMatchExpression('title:graffiti'), '"title:graffiti"*');
    assert.deepEqual(match(ftsMatchExpression('title:graffiti') as string), []);
    assert.equal(ftsMatchExpression('sag "citat"'), '"sag" """citat"""*');
    assert.equal(ftsMatchExpression("'; -- *"), null);
  });

  it('gives null when nothing searchable is left, and caps length and terms', () => {
    for (const q of ['', '   ', '\u0000', '\uD800', '*', '"', '\u0301', '\u0007\u0008']) {
      assert.equal(ftsMatchExpression(q), null, JSON.stringify(q));
    }
    assert.ok((ftsMatchExpression('x'.repeat(10_000)) as string).length <= MAX_QUERY_LENGTH + 3);
    assert.equal((ftsMatchExpression('a '.repeat(5_000)) as string).split(' ').length, 12);
    assert.deepEqual(match(ftsMatchExpression('hall') as string), [1]);
  });
});
