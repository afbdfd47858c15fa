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
 * mail about it (src/mail/outbox.repository.ts pruneAbout). Council, category, priority, status,
 * resolution, the timestamps and staff authors stay for the evaluation.
 */
export function concernAnonymiser(deps: {
  concerns: ConcernsRepository;
  outbox: OutboxRepository;
}): ConcernAnonymiser {
  return (concernId, at) => {
    const { concerns, outbox } = deps;
    // The reporter's address is read before the link to them goes: their mails lose it too.
    const reporterEmail = concerns.findById(concernId)?.reporter_email ?? null;
    const files = concerns.photoFileNames(concernId);
    concerns.anonymise(concernId, at);
    outbox.pruneAbout(concernId, at, reporterEmail);
    return files;
  };
}
