import type { Core } from '../../core.js';
import type { Job } from '../../jobs/scheduler.js';
import type { ConcernsRepository } from './concerns.repository.js';
import type { PhotoStore } from './photos.js';

const BATCH = 200;

/** The cutoff: closed before this instant means past the retention period (months, calendar-wise). */
export function retentionCutoff(now: Date, months: number): string {
  const cutoff = new Date(now.getTime());
  cutoff.setUTCMonth(cutoff.getUTCMonth() - months);
  return cutoff.toISOString();
}

/**
 * Anonymises concerns closed longer ago than the retention period (docs/domain.md#retention, setting
 * retention_months, default 24): the texts, the place, the photos, the reporter and everything
 * the reporter or a department wrote are removed; council, category, dates, status and
 * resolution stay for the evaluation. A batch per tick, so a large backlog never blocks the loop.
 */
export function retentionJob(
  deps: Pick<Core, 'db' | 'settings' | 'now' | 'logger'> & {
    concerns: ConcernsRepository;
    photos: PhotoStore;
  },
): Job {
  const { db, concerns } = deps;
  return {
    name: 'retention',
    async run() {
      const now = deps.now();
      const ids = concerns.dueForAnonymising(
        retentionCutoff(now, deps.settings.getNumber('retention_months')),
        BATCH,
      );
      if (ids.length === 0) return;
      const files: string[] = [];
      db.transaction(() => {
        const at = now.toISOString();
        for (const id of ids) {
          files.push(...concerns.photoFileNames(id));
          concerns.anonymise(id, at);
        }
      })();
      // Files go after the commit: a crash in between leaves an orphan file, never a missing one.
      for (const file of files) deps.photos.remove(file);
      deps.logger.info({ anonymised: ids.length }, 'retention: closed concerns anonymised');
    },
  };
}
