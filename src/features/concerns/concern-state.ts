/**
 * The concern's life as an explicit table (DESIGN §4): ny → under behandling → venter på afdeling
 * → afsluttet, and reopening. applyTransition in concerns.service.ts is the only writer of
 * `status`, and it records a concern_events row in the same transaction.
 */
export const STATUSES = ['new', 'in_progress', 'awaiting_department', 'closed'] as const;
export type ConcernStatus = (typeof STATUSES)[number];

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** How a closed concern ended (DESIGN §3, "honest states"). */
export const RESOLUTIONS = ['resolved', 'referred_closed', 'not_police', 'duplicate'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const TRANSITIONS: Readonly<Record<ConcernStatus, readonly ConcernStatus[]>> = {
  new: ['in_progress', 'awaiting_department', 'closed'],
  in_progress: ['awaiting_department', 'closed'],
  awaiting_department: ['in_progress', 'closed'],
  closed: ['in_progress'],
};

export function canTransition(from: ConcernStatus, to: ConcernStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The event type a transition writes to the timeline. */
export function transitionEventType(
  from: ConcernStatus,
  to: ConcernStatus,
): 'closed' | 'reopened' | 'status_changed' {
  if (to === 'closed') return 'closed';
  if (from === 'closed') return 'reopened';
  return 'status_changed';
}

export const isOpen = (status: ConcernStatus) => status !== 'closed';

/**
 * The overdue rule (DESIGN §4): open, no first response yet, the clock not paused, and past the
 * due date. Pure, so the case page and the lists (which must not load each concern) share it; the
 * SQL forms in triage.repository.ts and referrals/digest.repository.ts state the same rule.
 */
export function isOverdue(
  c: {
    status: ConcernStatus;
    due_at: string | null;
    paused_at: string | null;
    first_response_at: string | null;
  },
  nowIso: string,
): boolean {
  return (
    isOpen(c.status) &&
    c.first_response_at === null &&
    c.paused_at === null &&
    c.due_at !== null &&
    c.due_at < nowIso
  );
}
