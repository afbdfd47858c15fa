import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadMessages } from '../../src/web/i18n.js';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : [];
  });
}

describe('audit log labels', () => {
  it('every audit action written in src has a Danish and English label for /admin/audit', () => {
    const messages = loadMessages();
    const actions = new Set<string>();
    for (const file of sourceFiles(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/action: '([a-z_.]+)'/g))
        actions.add(m[1] as string);
    }
    assert.ok(actions.size > 10, 'found the audit actions');
    const missing = [...actions].filter((a) => !messages[`admin.action.${a}`]);
    assert.deepEqual(missing, []);
  });
});
