import type { Actor } from '../auth/policy.js';
import type { Composition } from '../composition.js';

/** The demo's people and councils by their fixed emails and slugs; a missing one is a bug in the demo. */
export function demoLookup(deps: Composition) {
  const { db, users } = deps;
  return {
    actor(email: string): Actor {
      const user = users.findByEmail(email);
      const loaded = user ? users.loadActor(user.id) : undefined;
      if (!loaded) throw new Error(`demo user ${email} missing`);
      return loaded;
    },
    council: (slug: string) =>
      db.prepare('SELECT id FROM councils WHERE slug = ?').pluck().get(slug) as number,
  };
}

/**
 * A small deterministic generator (mulberry32): the demo and the benchmarks seed the same data
 * every time, so their figures can be compared from run to run.
 */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
