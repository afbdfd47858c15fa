import { readdirSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
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
export function mailRetentionJob(deps: Pick<Core, 'outbox' | 'settings' | 'now' | 'logger' | 'config'>): Job {
  return {
    name: 'mail-retention',
    async run() {
      const now = deps.now();
      const days = deps.settings.getNumber('mail_body_retention_days');
      const cutoff = new Date(now.getTime() - days * DAY_MS).toISOString();
      const pruned = deps.outbox.pruneBefore(cutoff, now.toISOString(), BATCH);
      if (pruned > 0) deps.logger.info({ pruned }, 'mail retention: bodies of old mails removed');
      const files = removeOldMailFiles(deps.config.mailDir, Date.parse(cutoff));
      if (files > 0) deps.logger.info({ files }, 'mail retention: old mail files removed');
      return pruned >= BATCH;
    },
  };
}

/**
 * Without SMTP_URL every mail is also a whole .eml file in DATA_DIR/mail (src/mail/transport.ts):
 * a copy of its text that the outbox's pruning cannot reach, so the files follow the same period.
 */
function removeOldMailFiles(dir: string, cutoffMs: number): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0; // no mail folder: mail goes by SMTP
  }
  let removed = 0;
  for (const name of names) {
    if (!name.endsWith('.eml')) continue;
    const file = path.join(dir, name);
    try {
      if (statSync(file).mtimeMs < cutoffMs) {
        unlinkSync(file);
        removed++;
      }
    } catch {
      // gone already, or not ours to remove: the next tick tries again
    }
  }
  return removed;
}
