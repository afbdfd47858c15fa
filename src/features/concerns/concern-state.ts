/**
 * The concern's life as an explicit table (docs/domain.md#statuses-and-transitions): ny → under behandling → venter på afdeling
 * → afsluttet, and reopening. applyTransition in concerns.service.ts is the only writer of
 * `status`, and it records a concern_events row in the same transaction.
 */
export const STATUSES = ['new', 'in_progress', 'awaiting_department', 'closed'] as const;
export type ConcernStatus = (typeof STATUSES)[number];

export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/** How a closed concern ended (docs/domain.md#resolutions). */
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
 * The overdue rule (docs/domain.md#statuses-and-transitions): open, no first response yet, the clock not paused, and past the
 * due date. Pure, so the case page and the lists (which must not load each concern) share it;
 * overdueSql below is the same rule for SQL. Change the two together.
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

/**
 * isOverdue as a SQL condition, the only one: the triage queue and its counts, the officers'
 * digest and /stats use it, so no list can disagree with the case page. `alias` is the concerns
 * table's alias in the query, `now` the parameter bound to the same ISO string as `nowIso`
 * ('@now'). The first three terms repeat the WHERE of the partial index concerns_unanswered
 * (migrations/0006_triage.sql) word for word, so that SQLite may use it. A NULL due_at needs no
 * term of its own: `NULL < now` is never true. test/unit/features/concerns/overdue.test.ts holds
 * this and isOverdue to the same rows.
 */
export function overdueSql(alias: string, now: string): string {
  // Both are spliced into SQL: only an identifier and a parameter name, never a value.
  if (!/^[A-Za-z_]\w*$/.test(alias) || !/^([@:$][A-Za-z_]\w*|\?)$/.test(now)) {
    throw new Error(`overdueSql: not an alias and a parameter: ${alias}, ${now}`);
  }
  const c = alias;
  return `(${c}.status != 'closed' AND ${c}.first_response_at IS NULL AND ${c}.paused_at IS NULL AND ${c}.due_at < ${now})`;
}
