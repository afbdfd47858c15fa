import argon2 from 'argon2';
import { DEMO_PASSWORD } from './client.js';

/**
 * argon2id at the lowest cost argon2 accepts, for accounts tests create. Production hashes at
 * 64 MiB, t=3, p=4 (src/auth/passwords.ts) and verification reads the cost from the stored hash,
 * so a login against this hash runs the real verify path in a millisecond instead of ~0.3 s.
 * Tests of the production parameters hash through a real flow, never through this.
 */
const CHEAP = { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 } as const;

const made = new Map<string, Promise<string>>();

/** A cheap argon2id hash of `password`, made once per test process. */
export function testPasswordHash(password = DEMO_PASSWORD): Promise<string> {
  let hash = made.get(password);
  if (!hash) {
    hash = argon2.hash(password, CHEAP);
    made.set(password, hash);
  }
  return hash;
}
