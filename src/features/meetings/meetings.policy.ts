import { type Actor, policy } from '../../auth/policy.js';

export const MEETING_KINDS = ['borgermoede', 'netvaerksmoede', 'faellesmoede'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

/** What the rules need to know about a meeting. */
export type MeetingScope = { kind: MeetingKind; councilIds: number[] };

/**
 * Who may plan, see and answer meetings. Built on the shared policy; services call these for
 * every read and write.
 */
export const meetingPolicy = {
  /** Plan a meeting for this council: its officers, its council admins, district admins. */
  canOrganiseFor: (actor: Actor, councilId: number) =>
    actor.isDistrictAdmin ||
    policy.coversCouncil(actor, councilId) ||
    policy.isCouncilAdminOf(actor, councilId),

  /** May use the "new meeting" form at all. */
  canOrganiseAny: (actor: Actor) =>
    actor.isDistrictAdmin ||
    (actor.isOfficer && actor.officerCouncilIds.length > 0) ||
    actor.memberships.some((m) => m.role === 'council_admin'),

  /** Edit, cancel, write minutes: whoever may organise for every one of its councils. */
  canManage: (actor: Actor, m: MeetingScope) =>
    actor.isDistrictAdmin ||
    (m.councilIds.length > 0 && m.councilIds.every((id) => meetingPolicy.canOrganiseFor(actor, id))),

  /** Its councils' officers (and district admins): staff who work with the network. */
  isStaffFor: (actor: Actor, m: MeetingScope) =>
    actor.isDistrictAdmin || m.councilIds.some((id) => policy.coversCouncil(actor, id)),

  /**
   * A borgermøde is public. Network and joint meetings: members of their councils, the officers
   * covering them and district admins — everyone else gets 404.
   */
  canView: (actor: Actor | undefined, m: MeetingScope) =>
    m.kind === 'borgermoede' ||
    (actor !== undefined &&
      (meetingPolicy.isStaffFor(actor, m) ||
        m.councilIds.some((id) => policy.isMemberOf(actor, id)) ||
        meetingPolicy.canManage(actor, m))),

  /** Answer yes/no/maybe: members of its councils and its staff. */
  canRespond: (actor: Actor, m: MeetingScope) =>
    meetingPolicy.isStaffFor(actor, m) || m.councilIds.some((id) => policy.isMemberOf(actor, id)),

  /** The list of answers with names: the organisers and staff. */
  canSeeResponses: (actor: Actor, m: MeetingScope) =>
    meetingPolicy.canManage(actor, m) || meetingPolicy.isStaffFor(actor, m),

  /**
   * Link concerns to agenda items: only on a netværksmøde or fællesmøde (a borgermøde is public),
   * and only by an organiser who also handles concerns — officers and district admins. A council
   * admin may organise a meeting but cannot see concerns, so cannot link them. Each concern must
   * also pass `canHandleConcern` and belong to one of the meeting's councils (the service checks).
   */
  canLinkConcerns: (actor: Actor, m: MeetingScope) =>
    m.kind !== 'borgermoede' &&
    (actor.isDistrictAdmin || actor.isOfficer) &&
    meetingPolicy.canManage(actor, m),

  /** The "Møder" menu item: everyone with a council or a staff role. */
  usesMeetings: (actor: Actor) => actor.memberships.length > 0 || actor.isOfficer || actor.isDistrictAdmin,
};
