import type { Logger } from 'pino';
import type { Db } from '../../db/connection.js';
import type { SettingsRepository } from '../../db/settings.repository.js';
import type { Job } from '../../jobs/scheduler.js';
import type { PhotoStore } from './photos.js';

const BATCH = 200;

/** The cutoff: closed before this instant means past the retention period (months, calendar-wise). */
export function retentionCutoff(now: Date, months: number): string {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff.toISOString();
}

/**
 * Anonymises concerns closed longer ago than the retention period (DESIGN §3, setting
 * retention_months, default 24): the texts, the place, the photos, the reporter and everything
 * the reporter or a department wrote are removed; council, category, dates, status and
 * resolution stay for the evaluation. A batch per tick, so a large backlog never blocks the loop.
 */
export function retentionJob(deps: {
  db: Db;
  settings: SettingsRepository;
  photos: PhotoStore;
  now: () => Date;
  logger: Logger;
}): Job {
  const { db } = deps;
  const due = db.prepare<[string, number], number>(
    `SELECT id FROM concerns WHERE status = 'closed' AND anonymised_at IS NULL AND closed_at < ? ORDER BY closed_at LIMIT ?`,
  );
  const photosOf = db
    .prepare<[number], string>('SELECT file_name FROM concern_photos WHERE concern_id = ?')
    .pluck();
  return {
    name: 'retention',
    async run() {
      const now = deps.now();
      const ids = due
        .pluck()
        .all(retentionCutoff(now, deps.settings.getNumber('retention_months')), BATCH) as number[];
      if (ids.length === 0) return;
      const files: string[] = [];
      db.transaction(() => {
        const at = now.toISOString();
        for (const id of ids) {
          files.push(...(photosOf.all(id) as string[]));
          db.prepare('DELETE FROM concern_photos WHERE concern_id = ?').run(id);
          db.prepare(
            `UPDATE concerns SET reporter_id = NULL, title = '', description = '', location = '', occurred_at = NULL,
                    feedback = NULL, shared_summary = NULL, anonymised_at = ?, updated_at = ? WHERE id = ?`,
          ).run(at, at, id);
          db.prepare(
            `UPDATE concern_events SET body = '', actor_user_id = CASE WHEN type = 'reporter_info' THEN NULL ELSE actor_user_id END
              WHERE concern_id = ?`,
          ).run(id);
          db.prepare(
            `UPDATE referrals SET note = '', answer = CASE WHEN answer IS NULL THEN NULL ELSE '' END WHERE concern_id = ?`,
          ).run(id);
        }
      })();
      // Files go after the commit: a crash in between leaves an orphan file, never a missing one.
      for (const file of files) deps.photos.remove(file);
      deps.logger.info({ anonymised: ids.length }, 'retention: closed concerns anonymised');
    },
  };
}
