import { type Actor, policy } from '../../auth/policy.js';

/** Rolling out councils (creating them with their officer and first admin, importing) is the district's job. */
export const rolloutPolicy = {
  canRollOut: (actor: Actor) => policy.isDistrictAdmin(actor),
};
