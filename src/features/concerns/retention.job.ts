import type { Core } from '../../core.js';
import { monthsBefore } from '../../jobs/retention-cutoff.js';
import type { Job } from '../../jobs/scheduler.js';
import type { ConcernAnonymiser } from './anonymise.js';
import type { ConcernsRepository } from './concerns.repository.js';
import type { PhotoStore } from './photos.js';

const BATCH = 200;

/** The cutoff: closed before this instant means past the retention period (months, calendar-wise). */
export const retentionCutoff = monthsBefore;

/**
 * Anonymises concerns closed longer ago than the retention period (docs/domain.md#retention, setting
 * retention_months, default 24): the texts, the place, the photos, the reporter, everything the
 * reporter or a department wrote and the stored mails about them are removed; council, category,
 * dates, status and resolution stay for the evaluation. A batch per tick, so a large backlog never
 * blocks the loop.
 */
export function retentionJob(
  deps: Pick<Core, 'db' | 'settings' | 'now' | 'logger'> & {
    concerns: ConcernsRepository;
    photos: PhotoStore;
    anonymiseConcern: ConcernAnonymiser;
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
      if (ids.length === 0) return false;
      const files: string[] = [];
      db.transaction(() => {
        const at = now.toISOString();
        for (const id of ids) files.push(...deps.anonymiseConcern(id, at));
      })();
      // Files go after the commit: a crash in between leaves an orphan file, never a missing one.
      for (const file of files) deps.photos.remove(file);
      deps.logger.info({ anonymised: ids.length }, 'retention: closed concerns anonymised');
      return ids.length === BATCH;
    },
  };
}
