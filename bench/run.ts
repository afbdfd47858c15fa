/**
 * Benchmarks, run by hand (never in `npm test`):
 *
 *   npm run bench                 # every suite
 *   npm run bench -- layout       # one suite: layout | concerns | newsletters | stats
 *   BENCH_SECONDS=5 npm run bench # shorter runs
 *
 * Every figure is printed beside a baseline measured in the same run (the bare layout page),
 * because absolute numbers on a shared 2-core machine mean little on their own.
 */
import { benchConcerns } from './concerns.bench.js';
import { benchLayout } from './layout.bench.js';
import { benchNewsletters } from './newsletters.bench.js';
import { benchStats } from './stats.bench.js';

const suites: Record<string, () => Promise<void>> = {
  layout: benchLayout,
  concerns: benchConcerns,
  newsletters: benchNewsletters,
  stats: benchStats,
};
const chosen = process.argv.slice(2).filter((a) => !a.startsWith('-'));

for (const name of chosen.length ? chosen : Object.keys(suites)) {
  const suite = suites[name];
  if (!suite) {
    console.error(`Ukendt bench "${name}". Vælg: ${Object.keys(suites).join(', ')}`);
    process.exit(1);
  }
  await suite();
}
