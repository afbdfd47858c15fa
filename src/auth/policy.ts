import { NotFoundError } from '../errors.js';

/**
 * The one place that answers "may this user do this to that". Services call it for every read
 * and write; routes only use it to decide what to show in navigation.
 */
export type MembershipRole = 'network_person' | 'council_admin';

export type Actor = {
  id: number;
  name: string;
  email: string;
  locale: 'da' | 'en';
  isDistrictAdmin: boolean;
  isOfficer: boolean;
  totpEnabled: boolean;
  /** Councils the officer covers (officer_assignments). */
  officerCouncilIds: number[];
  /** Active memberships in active councils. */
  memberships: { councilId: number; councilName: string; role: MembershipRole; title: string }[];
};

/** What the policy needs to know about a concern. */
export type ConcernScope = { councilId: number; reporterId: number | null };

export const policy = {
  isDistrictAdmin: (actor: Actor) => actor.isDistrictAdmin,

  isMemberOf: (actor: Actor, councilId: number) => actor.memberships.some((m) => m.councilId === councilId),

  isCouncilAdminOf: (actor: Actor, councilId: number) =>
    actor.memberships.some((m) => m.councilId === councilId && m.role === 'council_admin'),

  coversCouncil: (actor: Actor, councilId: number) =>
    actor.isOfficer && actor.officerCouncilIds.includes(councilId),

  /** Invite, edit, deactivate members: the council's own admins and district admins. */
  canManageMembers: (actor: Actor, councilId: number) =>
    actor.isDistrictAdmin || policy.isCouncilAdminOf(actor, councilId),

  /** See the member list: those who manage it, and the council's officers (they work with the network). */
  canViewMembers: (actor: Actor, councilId: number) =>
    policy.canManageMembers(actor, councilId) || policy.coversCouncil(actor, councilId),

  /** Councils whose member list the actor may open (for navigation). */
  memberListCouncilIds: (actor: Actor) =>
    [
      ...new Set([
        ...actor.memberships.filter((m) => m.role === 'council_admin').map((m) => m.councilId),
        ...(actor.isOfficer ? actor.officerCouncilIds : []),
      ]),
    ].sort((a, b) => a - b),

  /**
   * The evaluation (/stats, /surveys): district admins; officers and council admins for their
   * councils — the same councils as the member lists.
   */
  canViewEvaluation: (actor: Actor) => actor.isDistrictAdmin || policy.memberListCouncilIds(actor).length > 0,

  /** Log a concern for a council: its network persons and council admins (docs/domain.md#roles). */
  canReportConcern: (actor: Actor, councilId: number) => policy.isMemberOf(actor, councilId),

  /** Officers of the concern's council and district admins: triage, notes, referrals, closing. */
  canHandleConcern: (actor: Actor, concern: ConcernScope) =>
    actor.isDistrictAdmin || policy.coversCouncil(actor, concern.councilId),

  /**
   * The whole concern (text, photos, reporter, public timeline): its reporter and those who
   * handle it — nobody else (docs/domain.md#concern-privacy). Internal notes need canHandleConcern.
   */
  canViewConcern: (actor: Actor, concern: ConcernScope) =>
    concern.reporterId === actor.id || policy.canHandleConcern(actor, concern),

  /** Only the written summary an officer shared with the council's network. */
  canViewSharedSummary: (actor: Actor, concern: ConcernScope & { hasSharedSummary: boolean }) =>
    concern.hasSharedSummary && policy.isMemberOf(actor, concern.councilId),

  /** The triage queue: officers (for their councils) and district admins. */
  canUseTriage: (actor: Actor) => actor.isDistrictAdmin || actor.isOfficer,

  /** Write newsletters: officers (for their councils) and district admins (any, or the whole district). */
  canComposeNewsletters: (actor: Actor) => actor.isDistrictAdmin || actor.isOfficer,

  /** Manage one newsletter: district admins; officers when it goes only to councils they cover. */
  canManageNewsletter: (actor: Actor, n: { councilIds: number[]; wholeDistrict: boolean }) =>
    actor.isDistrictAdmin ||
    (actor.isOfficer &&
      !n.wholeDistrict &&
      n.councilIds.length > 0 &&
      n.councilIds.every((id) => actor.officerCouncilIds.includes(id))),

  /** Read a sent newsletter in the archive: members of its councils (any council for the whole district). */
  canReadNewsletter: (actor: Actor, n: { councilIds: number[]; wholeDistrict: boolean }) =>
    (n.wholeDistrict
      ? actor.memberships.length > 0
      : actor.memberships.some((m) => n.councilIds.includes(m.councilId))) ||
    policy.canManageNewsletter(actor, n),

  /** Tekstskabeloner (reply templates) are shared by the officers of the district. */
  canManageTemplates: (actor: Actor) => actor.isDistrictAdmin || actor.isOfficer,

  /** Aggregated counts of a council's concerns: its council admins and those who handle them. */
  canViewConcernCounts: (actor: Actor, councilId: number) =>
    actor.isDistrictAdmin ||
    policy.isCouncilAdminOf(actor, councilId) ||
    policy.coversCouncil(actor, councilId),

  /** Officers and district admins must use two-factor authentication in production. */
  requiresTwoFactor: (actor: Pick<Actor, 'isDistrictAdmin' | 'isOfficer'>) =>
    actor.isDistrictAdmin || actor.isOfficer,
};

/** Throws the 404 that hides existence when `allowed` is false. */
export function ensure(allowed: boolean): void {
  if (!allowed) throw new NotFoundError();
}
