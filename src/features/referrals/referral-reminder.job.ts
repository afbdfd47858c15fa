import type { Job } from '../../jobs/scheduler.js';
import type { ReferralsService } from './referrals.service.js';

/** Reminders per tick; more waiting makes the next tick come at once. */
const BATCH = 50;

/**
 * The one automatic reminder to a department that has not acknowledged a referral within settings
 * referral_ack_hours (docs/domain.md#referrals). Its state is the referral's reminded_at, claimed
 * in the transaction that queues the mail: no lease is needed, and no restart sends it twice.
 */
export function referralReminderJob(referrals: Pick<ReferralsService, 'remindSilent'>): Job {
  return {
    name: 'referral-reminder',
    async run() {
      return referrals.remindSilent(BATCH) >= BATCH;
    },
  };
}
