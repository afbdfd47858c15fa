import { type Actor, ensure, policy } from '../../auth/policy.js';
import { NotFoundError } from '../../errors.js';
import type { ConcernRow, ConcernsRepository, EventRow } from './concerns.repository.js';

/**
 * Loading a concern for someone: shared by the reads (ConcernsService) and the changes
 * (ConcernHandling), so both answer an unknown and a forbidden concern with the same 404.
 */

/** The row, or 404. */
export function loadConcern(concerns: ConcernsRepository, concernId: number): ConcernRow {
  const concern = concerns.findById(concernId);
  if (!concern) throw new NotFoundError();
  return concern;
}

/** What the policy asks about a concern. */
export function concernScope(c: Pick<ConcernRow, 'council_id' | 'reporter_id'>) {
  return { councilId: c.council_id, reporterId: c.reporter_id };
}

/** Loads a concern the actor handles (officer of its council, district admin); 404 otherwise. */
export function handledConcern(concerns: ConcernsRepository, actor: Actor, concernId: number): ConcernRow {
  const concern = loadConcern(concerns, concernId);
  ensure(policy.canHandleConcern(actor, concernScope(concern)));
  return concern;
}

/**
 * What the reporter of a duplicate follows of its original (docs/domain.md#duplicates): its
 * number, category, status, outcome, shared summary and public timeline — never its reporter,
 * title, description, place or photos, nor anything its reporter wrote or did on it.
 */
export type FollowedOriginal = Pick<
  ConcernRow,
  | 'id'
  | 'category_da'
  | 'category_en'
  | 'status'
  | 'resolution'
  | 'duplicate_of_id'
  | 'shared_summary'
  | 'created_at'
  | 'closed_at'
> & { events: EventRow[] };

/** The original a duplicate's reporter follows; undefined unless the concern is closed as a duplicate. */
export function followedOriginal(
  concerns: ConcernsRepository,
  duplicate: ConcernRow,
): FollowedOriginal | undefined {
  if (duplicate.resolution !== 'duplicate' || duplicate.duplicate_of_id === null) return undefined;
  const original = concerns.findById(duplicate.duplicate_of_id);
  if (!original) return undefined;
  // The original's reporter's own events (logging, additions, anything they did) would name them
  // or quote them; the public events of staff are what the follower is told.
  const events = concerns
    .events(original.id, false)
    .filter(
      (e) =>
        e.type !== 'created' &&
        e.type !== 'reporter_info' &&
        (original.reporter_id === null || e.actor_user_id !== original.reporter_id),
    );
  return {
    id: original.id,
    category_da: original.category_da,
    category_en: original.category_en,
    status: original.status,
    resolution: original.resolution,
    duplicate_of_id: original.duplicate_of_id,
    shared_summary: original.shared_summary,
    created_at: original.created_at,
    closed_at: original.closed_at,
    events,
  };
}
