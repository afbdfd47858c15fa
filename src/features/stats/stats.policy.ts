import { type Actor, policy } from '../../auth/policy.js';

/**
 * Who sees which part of the evaluation (docs/domain.md#evaluation-and-roll-out): district admins everything; officers the
 * councils they cover; council admins their own council's aggregated figures. Network persons see
 * no statistics (their /stats is a 404).
 */
export const statsPolicy = {
  /** The councils whose figures the actor may see, out of `all`. */
  councilIds(actor: Actor, all: number[]): number[] {
    if (actor.isDistrictAdmin) return all;
    const own = new Set(policy.memberListCouncilIds(actor));
    return all.filter((id) => own.has(id));
  },

  /**
   * Concern-level exports (one row per concern, even without personal data) and the survey's free
   * text are for those who handle the concerns; a council admin gets aggregates only.
   */
  canExportConcernsOf: (actor: Actor, councilId: number) =>
    policy.canHandleConcern(actor, { councilId, reporterId: null }),

  /** Pilot against the others needs figures of several councils: staff only. */
  canCompareGroups: policy.canUseTriage,
};
