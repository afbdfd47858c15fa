import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { LOCALES_DIR, ROOT } from '../../../src/paths.js';
import { LOCALES, loadMessages, type Messages, translator } from '../../../src/web/i18n.js';

/** Every file under dir (recursively) whose name ends with one of the suffixes. */
function filesUnder(dir: string, suffixes: string[]): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return filesUnder(full, suffixes);
    return suffixes.some((s) => name.endsWith(s)) ? [full] : [];
  });
}

const localeFiles = readdirSync(LOCALES_DIR).filter((f) => f.endsWith('.json'));
const placeholders = (text: string) => [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort();
/** Lists every missing key (deepEqual would cut a long list short). */
function assertNoneMissing(missing: string[]): void {
  const unique = [...new Set(missing)];
  assert.equal(
    unique.length,
    0,
    `keys used in code but missing in locales/*.json:\n  ${unique.join('\n  ')}`,
  );
}

const KEY = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/i;

describe('the real locales', () => {
  const messages = loadMessages();

  it('loads every locales/*.json without a duplicate key', () => {
    assert.ok(localeFiles.length > 0);
    assert.ok(Object.keys(messages).length > 0);
  });

  for (const file of localeFiles) {
    it(`${file}: every key has a non-empty Danish and English text`, () => {
      const entries = JSON.parse(readFileSync(path.join(LOCALES_DIR, file), 'utf8')) as Record<
        string,
        unknown
      >;
      const problems: string[] = [];
      for (const [key, value] of Object.entries(entries)) {
        if (!value || typeof value !== 'object') {
          problems.push(`${key}: not an object { "da": …, "en": … }`);
          continue;
        }
        for (const locale of LOCALES) {
          const text = (value as Record<string, unknown>)[locale];
          if (typeof text !== 'string' || text.trim() === '')
            problems.push(`${key}: "${locale}" missing or empty`);
        }
        for (const extra of Object.keys(value).filter((k) => !(LOCALES as readonly string[]).includes(k))) {
          problems.push(`${key}: unknown language "${extra}"`);
        }
      }
      assert.deepEqual(problems, [], `incomplete translations in ${file}`);
    });
  }

  it('every {param} placeholder appears in both languages of a key', () => {
    const problems: string[] = [];
    for (const [key, value] of Object.entries(messages)) {
      const da = placeholders(value.da ?? '');
      const en = placeholders(value.en ?? '');
      if (da.join() !== en.join()) problems.push(`${key}: da {${da.join(', ')}} ≠ en {${en.join(', ')}}`);
    }
    assert.deepEqual(problems, []);
  });

  it('every literal t(…) key used in views and src exists in locales', () => {
    const files = [
      ...filesUnder(path.join(ROOT, 'views'), ['.ejs']),
      ...filesUnder(path.join(ROOT, 'src'), ['.ts']),
    ];
    // t('key'), t("key"), t(`key`) — template literals with ${…} are dynamic and skipped.
    const call = /\bt\(\s*(['"`])([^'"`$\\\n]+)\1/g;
    const missing: string[] = [];
    let seen = 0;
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(call)) {
        const key = match[2] as string;
        if (!KEY.test(key)) continue;
        seen++;
        if (!(key in messages)) missing.push(`${path.relative(ROOT, file)}: ${key}`);
      }
    }
    assert.ok(seen > 20, `expected to find t() calls, found ${seen}`);
    assertNoneMissing(missing);
  });

  it('every message key in a form schema, flash or mail exists in locales', () => {
    const missing: string[] = [];
    const files = filesUnder(path.join(ROOT, 'src'), ['.ts']);
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const keys: string[] = [];
      if (file.endsWith('.schemas.ts')) {
        // Schemas carry i18n keys as messages: every dotted string literal is one.
        for (const m of source.matchAll(/(['"])([^'"\n]+)\1/g)) keys.push(m[2] as string);
      }
      for (const m of source.matchAll(/redirectWithFlash\([^,]+,[^,]+,\s*(['"])([^'"\n]+)\1/g))
        keys.push(m[2] as string);
      for (const m of source.matchAll(/\b(?:subjectKey|labelKey|messageKey):\s*(['"])([^'"\n]+)\1/g))
        keys.push(m[2] as string);
      for (const m of source.matchAll(/\bparagraphKeys:\s*\[([^\]]*)\]/g)) {
        for (const k of (m[1] as string).matchAll(/(['"])([^'"\n]+)\1/g)) keys.push(k[2] as string);
      }
      for (const key of keys) {
        if (KEY.test(key) && !key.includes('/') && !(key in messages)) {
          missing.push(`${path.relative(ROOT, file)}: ${key}`);
        }
      }
    }
    assertNoneMissing(missing);
  });
});

describe('translator', () => {
  const messages: Messages = {
    'greeting.hello': { da: 'Hej {name}, du har {count} nye', en: 'Hello {name}, you have {count} new' },
    'greeting.plain': { da: 'Velkommen', en: 'Welcome' },
  };

  it('gives the text in the chosen language', () => {
    assert.equal(translator(messages, 'da')('greeting.plain'), 'Velkommen');
    assert.equal(translator(messages, 'en')('greeting.plain'), 'Welcome');
  });

  it('fills {param} placeholders, numbers included', () => {
    assert.equal(
      translator(messages, 'da')('greeting.hello', { name: 'Ærø', count: 3 }),
      'Hej Ærø, du har 3 nye',
    );
    assert.equal(
      translator(messages, 'en')('greeting.hello', { name: 'Ann', count: 0 }),
      'Hello Ann, you have 0 new',
    );
  });

  it('leaves a placeholder without a param as it is', () => {
    assert.equal(translator(messages, 'da')('greeting.hello', { name: 'Ib' }), 'Hej Ib, du har {count} nye');
  });

  it('does not interpret $ patterns in a param value', () => {
    assert.equal(
      translator(messages, 'da')('greeting.hello', { name: "$& $' $1", count: 1 }),
      "Hej $& $' $1, du har 1 nye",
    );
  });

  it('shows an unknown key as the key itself instead of throwing', () => {
    assert.equal(translator(messages, 'da')('no.such.key'), 'no.such.key');
  });
});

describe('loadMessages', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'naernet-i18n-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('merges every .json file of a directory and ignores other files', () => {
    const own = path.join(dir, 'merge');
    mkdirSync(own);
    writeFileSync(path.join(own, 'a.json'), JSON.stringify({ 'a.one': { da: 'en', en: 'one' } }));
    writeFileSync(path.join(own, 'b.json'), JSON.stringify({ 'b.two': { da: 'to', en: 'two' } }));
    writeFileSync(path.join(own, 'notes.txt'), 'not json');
    assert.deepEqual(Object.keys(loadMessages(own)).sort(), ['a.one', 'b.two']);
  });

  it('throws when the same key is defined in two files, naming the key', () => {
    const own = path.join(dir, 'duplicate');
    mkdirSync(own);
    writeFileSync(path.join(own, 'a.json'), JSON.stringify({ 'shared.key': { da: 'a', en: 'a' } }));
    writeFileSync(path.join(own, 'b.json'), JSON.stringify({ 'shared.key': { da: 'b', en: 'b' } }));
    assert.throws(() => loadMessages(own), /shared\.key/);
  });
});
