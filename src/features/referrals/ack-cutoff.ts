import type { SettingsRepository } from '../../db/settings.repository.js';

/**
 * A referral still 'sent' (not acknowledged) that was created before this instant is late: the
 * setting referral_ack_hours back from now. Shared by the case page's referral panel and the
 * triage lists' "unacknowledged" flag.
 */
export function ackCutoff(now: Date, settings: Pick<SettingsRepository, 'getNumber'>): string {
  return new Date(now.getTime() - settings.getNumber('referral_ack_hours') * 3_600_000).toISOString();
}
