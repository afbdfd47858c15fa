import type { Core } from '../core.js';
import type { Job } from './scheduler.js';

const BATCH = 500;
const DAY_MS = 86_400_000;

/**
 * Removes the subject, body, headers and attachments of mails sent more than
 * mail_body_retention_days (default 30) ago, and of failed ones whose last attempt lies that far
 * back — long enough to answer "what did the mail say" and to resend a failure, short enough that
 * copies of what people wrote do not pile up. Recipient, kind, status, Message-ID and times stay
 * (docs/domain.md#retention). A batch per tick; more waiting makes the next tick come at once.
 */
export function mailRetentionJob(deps: Pick<Core, 'outbox' | 'settings' | 'now' | 'logger'>): Job {
  return {
    name: 'mail-retention',
    async run() {
      const now = deps.now();
      const days = deps.settings.getNumber('mail_body_retention_days');
      const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
      const pruned = deps.outbox.pruneBefore(cutoff, now.toISOString(), BATCH);
      if (pruned > 0) deps.logger.info({ pruned }, 'mail retention: bodies of old mails removed');
      return pruned >= BATCH;
    },
  };
}
