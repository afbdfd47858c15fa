import type { Core } from '../../core.js';
import type { Job } from '../../jobs/scheduler.js';
import type { ConcernsService } from '../concerns/concerns.service.js';
import { createDigestJob } from './digest.job.js';
import { ReferralsRepository } from './referrals.repository.js';
import { ReferralsService } from './referrals.service.js';

export { createReferralsRouter } from './referrals.routes.js';

/** Referrals to departments with their no-account answer page, and the officers' daily digest. */
export function createReferralsFeature(core: Core, deps: { concerns: ConcernsService }) {
  const referrals = new ReferralsRepository(core.db);
  const service = new ReferralsService({ ...core, referrals, concerns: deps.concerns });
  const jobs: Job[] = [createDigestJob(core)];
  return { service, jobs };
}
