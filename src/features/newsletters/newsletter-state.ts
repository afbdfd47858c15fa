/**
 * A newsletter's life as an explicit table: draft → scheduled → sending → sent, plus paused and
 * cancelled. Only NewslettersRepository.transition writes `status`, checking this table.
 */
export const NEWSLETTER_STATUSES = ['draft', 'scheduled', 'sending', 'paused', 'sent', 'cancelled'] as const;
export type NewsletterStatus = (typeof NEWSLETTER_STATUSES)[number];

export const NEWSLETTER_TRANSITIONS: Readonly<Record<NewsletterStatus, readonly NewsletterStatus[]>> = {
  draft: ['scheduled', 'cancelled'],
  // Back to draft = "edit or reschedule until it starts".
  scheduled: ['draft', 'sending', 'cancelled'],
  sending: ['paused', 'sent'],
  paused: ['sending', 'cancelled'],
  sent: [],
  cancelled: [],
};

export function canTransitionNewsletter(from: NewsletterStatus, to: NewsletterStatus): boolean {
  return NEWSLETTER_TRANSITIONS[from].includes(to);
}

/** Content may change only before sending starts. */
export const isEditable = (status: NewsletterStatus) => status === 'draft' || status === 'scheduled';
