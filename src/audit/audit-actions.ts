/**
 * Every action the audit log records, with the kind of thing it is about. A new action is added
 * here first; the compiler then refuses any other string, and test/unit/audit-actions.test.ts
 * refuses an action or entity without its Danish and English label for /admin/audit
 * (`admin.action.<action>`, `admin.entity.<entity>`).
 */
export const AUDIT_ACTIONS = {
  // Sign-in and the person's own account
  'login.succeeded': 'user',
  'login.failed': 'user',
  'login.blocked': 'user',
  // Sign-in limits (docs/domain.md#sign-in-limits): a lock starting, a reset mail held back
  'login.locked': 'user',
  'login.device_locked': 'user',
  'password.reset_limited': 'user',
  'login.second_factor_failed': 'user',
  logout: 'user',
  'password.reset_requested': 'user',
  'password.reset': 'user',
  'password.changed': 'user',
  'password.change_failed': 'user',
  'two_factor.enabled': 'user',
  'two_factor.disabled': 'user',
  'two_factor.disable_refused': 'user',
  'two_factor.recovery_codes_replaced': 'user',
  'account.preferences_updated': 'user',
  'account.exported': 'user',
  // A person's data, on their request, by a district admin
  'person.exported': 'user',
  'person.erased': 'user',
  'invitation.sent': 'user',
  'invitation.accepted': 'user',
  'invitation.declined': 'user',
  // The district administration
  'municipality.created': 'municipality',
  'municipality.updated': 'municipality',
  'council.created': 'council',
  'council.updated': 'council',
  'department.created': 'department',
  'department.updated': 'department',
  'category.created': 'category',
  'category.updated': 'category',
  'officer.invited': 'user',
  'officer.added': 'user',
  'officer.councils_changed': 'user',
  'officer.removed': 'user',
  'rollout.council_created': 'council',
  'rollout.imported': 'rollout',
  'settings.updated': 'setting',
  // Mail that could not be delivered, sent again from /admin/outbox
  'outbox.resent': 'outbox',
  // Council members
  'membership.created': 'membership',
  'membership.updated': 'membership',
  'membership.deactivated': 'membership',
  'membership.reactivated': 'membership',
  'membership.invitation_resent': 'membership',
  // An invitation to an account that already exists: not a membership until the person accepts
  'membership.consent_requested': 'membership',
  // Concerns: every staff read and every change
  'concern.created': 'concern',
  'concern.viewed': 'concern',
  'concern.photo_viewed': 'concern',
  'concern.searched': 'concern',
  'concern.listed': 'concern',
  'concern.triaged': 'concern',
  'concern.note_added': 'concern',
  'concern.replied': 'concern',
  'concern.closed': 'concern',
  'concern.reopened': 'concern',
  'concern.marked_duplicate': 'concern',
  'concern.shared': 'concern',
  'concern.unshared': 'concern',
  'concern.info_added': 'concern',
  'referral.sent': 'concern',
  'referral.renewed': 'concern',
  'referral.acknowledged': 'concern',
  'referral.answered': 'concern',
  // Closing the concern withdrew an open referral; the one automatic reminder to a silent department
  'referral.withdrawn': 'concern',
  'referral.reminded': 'concern',
  'template.created': 'response_template',
  'template.updated': 'response_template',
  // Newsletters
  'newsletter.created': 'newsletter',
  'newsletter.updated': 'newsletter',
  'newsletter.scheduled': 'newsletter',
  'newsletter.confirmed': 'newsletter',
  'newsletter.unscheduled': 'newsletter',
  'newsletter.cancelled': 'newsletter',
  'newsletter.paused': 'newsletter',
  'newsletter.resumed': 'newsletter',
  'newsletter.retried': 'newsletter',
  'newsletter.test_sent': 'newsletter',
  'newsletter.monthly_draft_created': 'newsletter',
  'newsletter.unsubscribed': 'user',
  // Meetings and the crime picture
  'meeting.created': 'meeting',
  'meeting.updated': 'meeting',
  'meeting.cancelled': 'meeting',
  'meeting.minutes_saved': 'meeting',
  'meeting.concern_linked': 'concern',
  'meeting.concern_unlinked': 'concern',
  'meeting.feed_created': 'user',
  'meeting.feed_revoked': 'user',
  'post.created': 'post',
  'comment.hidden': 'post_comment',
  'comment.unhidden': 'post_comment',
  // Evaluation
  'survey.created': 'survey',
  'survey.closed': 'survey',
  'stats.concerns_exported': 'stats',
  'stats.figures_exported': 'stats',
  // The audit log itself: reading it is not recorded, taking a copy away is
  'audit.exported': 'audit',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTIONS;
export type AuditEntity = (typeof AUDIT_ACTIONS)[AuditAction];
