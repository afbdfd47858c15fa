/**
 * Runs every test file with Node's own runner. Node 20 does not expand globs, so the files are
 * found here: `npm test` runs all layers, `npm test -- unit http` only those folders.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const layers = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const extra = process.argv.slice(2).filter((a) => a.startsWith('-'));
const folders = (layers.length ? layers : ['unit', 'http', 'browser']).map((l) => path.join(root, 'test', l));

function find(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return find(full);
    return name.endsWith('.test.ts') ? [full] : [];
  });
}

// The two workers finish together when the longest files start first: the sweep of every page
// alone takes about a third of the run, and started last it would run on alone at the end.
const SLOWEST_FIRST = ['browser/pages.test.ts', 'browser/concerns.test.ts'];
const rank = (file: string) => {
  const i = SLOWEST_FIRST.findIndex((slow) => file.endsWith(path.join('test', slow)));
  return i < 0 ? SLOWEST_FIRST.length : i;
};
const files = folders
  .flatMap(find)
  .sort()
  .sort((a, b) => rank(a) - rank(b));
if (files.length === 0) {
  console.error('Ingen testfiler fundet.');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    ...extra,
    ...files.map((f) => path.relative(root, f)),
  ],
  { stdio: 'inherit', cwd: root, env: { ...process.env, NODE_ENV: 'test' } },
);
process.exit(result.status ?? 1);
