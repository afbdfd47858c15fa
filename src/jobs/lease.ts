import type { Db } from '../db/connection.js';

/**
 * A lease row per job name stops two processes from running the same job (e.g. sending the same
 * mail). `acquired` means the lease was free or expired: any work the previous holder left
 * half-done may be picked up. `renewed` means we already held it.
 */
export class JobLeases {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  tryAcquire(name: string, holder: string, ttlMs: number): 'acquired' | 'renewed' | false {
    return this.db
      .transaction(() => {
        const now = this.now();
        const row = this.db
          .prepare<[string], { holder: string; expires_at: number }>(
            'SELECT holder, expires_at FROM job_leases WHERE name = ?',
          )
          .get(name);
        if (row && row.holder !== holder && row.expires_at > now) return false;
        this.db
          .prepare(
            `INSERT INTO job_leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
          )
          .run(name, holder, now + ttlMs);
        return row?.holder === holder && row.expires_at > now ? 'renewed' : 'acquired';
      })
      .immediate();
  }

  release(name: string, holder: string): void {
    this.db.prepare('DELETE FROM job_leases WHERE name = ? AND holder = ?').run(name, holder);
  }
}
