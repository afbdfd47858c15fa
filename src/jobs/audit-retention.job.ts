import type { Core } from '../core.js';
import { monthsBefore } from './retention-cutoff.js';
import type { Job } from './scheduler.js';

const BATCH = 2_000;

/**
 * Deletes audit-log lines older than audit_retention_months (default 60, the reason is in
 * docs/domain.md#retention), oldest first, a batch per tick; more waiting makes the next tick come
 * at once.
 */
export function auditRetentionJob(deps: Pick<Core, 'audit' | 'settings' | 'now' | 'logger'>): Job {
  return {
    name: 'audit-retention',
    async run() {
      const cutoff = monthsBefore(deps.now(), deps.settings.getNumber('audit_retention_months'));
      const deleted = deps.audit.pruneBefore(cutoff, BATCH);
      if (deleted > 0) deps.logger.info({ deleted }, 'audit retention: old lines deleted');
      return deleted >= BATCH;
    },
  };
}
