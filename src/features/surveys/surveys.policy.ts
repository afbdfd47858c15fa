import { type Actor, policy } from '../../auth/policy.js';

/**
 * Who may open, read and answer surveys. Built on the shared policy; the service calls these for
 * every read and write. "Staff" are officers (for the councils they cover) and district admins.
 */
/** Staff of a council: its officers and district admins — those who handle its concerns. */
const isStaffOf = (actor: Actor, councilId: number) =>
  policy.canHandleConcern(actor, { councilId, reporterId: null });

export const surveyPolicy = {
  /** May use the "new survey" form at all. */
  canCreateAny: (actor: Actor) =>
    actor.isDistrictAdmin || (actor.isOfficer && actor.officerCouncilIds.length > 0),

  /** Ask this council's network persons: its officers and district admins. */
  canAskCouncil: isStaffOf,

  /** Close early: district admins; officers when they cover every council it asked. */
  canManage: (actor: Actor, councilIds: number[]) =>
    actor.isDistrictAdmin ||
    (councilIds.length > 0 && councilIds.every((id) => policy.coversCouncil(actor, id))),

  /** Free-text comments are for staff only (docs/domain.md#survey-anonymity). */
  isStaff: policy.canUseTriage,

  /**
   * Whose figures (counts, mean) one may read at all: a council's staff and its council admins. Which
   * of them are shown is the same rule for all of them — at least MIN_ANSWERS answers in the council
   * (surveys.service.ts, docs/domain.md#survey-anonymity).
   */
  canSeeFiguresOf: (actor: Actor, councilId: number) =>
    actor.isDistrictAdmin ||
    policy.coversCouncil(actor, councilId) ||
    policy.isCouncilAdminOf(actor, councilId),

  /** Comments from this council's respondents: its officers and district admins — never council admins. */
  canSeeCommentsOf: isStaffOf,

  /** The survey list: those who see the evaluation (staff, and council admins for their council). */
  usesSurveyList: policy.canViewEvaluation,

  /** The asked councils this person may answer for: active memberships (network person or council admin). */
  answerableCouncilIds: (actor: Actor, askedCouncilIds: number[]) =>
    askedCouncilIds.filter((id) => policy.isMemberOf(actor, id)),
};
