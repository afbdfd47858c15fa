import { type Actor, ensure, policy } from '../../auth/policy.js';
import { NotFoundError } from '../../errors.js';
import type { ConcernRow, ConcernsRepository } from './concerns.repository.js';

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
