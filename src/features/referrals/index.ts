import type { Core } from '../../core.js';
import type { Job } from '../../jobs/scheduler.js';
import type { ConcernsService } from '../concerns/concerns.service.js';
import { createDigestJob } from './digest.job.js';
import { referralReminderJob } from './referral-reminder.job.js';
import { ReferralsRepository } from './referrals.repository.js';
import { ReferralsService } from './referrals.service.js';

export { createReferralsRouter } from './referrals.routes.js';

/**
 * Referrals to departments with their no-account answer page, the one reminder to a silent
 * department, and the officers' daily digest. Closing a concern withdraws its open referrals.
 */
export function createReferralsFeature(core: Core, deps: { concerns: ConcernsService }) {
  const referrals = new ReferralsRepository(core.db);
  const service = new ReferralsService({ ...core, referrals, concerns: deps.concerns });
  deps.concerns.whenClosing((concern, actor, ctx) => service.withdrawOpen(actor, concern, ctx));
  const jobs: Job[] = [referralReminderJob(service), createDigestJob(core)];
  return { service, jobs };
}
