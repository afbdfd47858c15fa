import type { AuditLog } from '../../audit/audit-log.js';
import type { OutboxRepository } from '../../mail/outbox.repository.js';
import type { ConcernsRepository } from './concerns.repository.js';

/**
 * Anonymises one concern (docs/domain.md#retention) and returns the names of its photo files, which
 * the caller deletes after the commit (a crash in between leaves an orphan file, never a missing
 * one). Call it inside a transaction. Used by the retention job and by erasing a person.
 */
export type ConcernAnonymiser = (concernId: number, at: string) => string[];

/**
 * Removes what the concern says and who reported it — its texts, place, photos, the reporter's
 * link and name on the timeline, the referrals' notes and answers — and every stored copy of a
 * mail about it (src/mail/outbox.repository.ts pruneAbout), and the reporter as the actor of the
 * audit lines they made about it. Council, category, priority, status, resolution, the timestamps
 * and staff authors stay for the evaluation.
 */
export function concernAnonymiser(deps: {
  concerns: ConcernsRepository;
  outbox: OutboxRepository;
  audit: AuditLog;
}): ConcernAnonymiser {
  return (concernId, at) => {
    const { concerns, outbox, audit } = deps;
    // The reporter is read before the link to them goes: their mails and audit lines lose them too.
    const concern = concerns.findById(concernId);
    const files = concerns.photoFileNames(concernId);
    concerns.anonymise(concernId, at);
    outbox.pruneAbout(concernId, at, concern?.reporter_email ?? null);
    if (concern?.reporter_id) audit.forgetActorOn('concern', concernId, concern.reporter_id);
    return files;
  };
}
