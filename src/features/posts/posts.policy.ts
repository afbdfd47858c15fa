import { type Actor, policy } from '../../auth/policy.js';

/** What the rules need to know about a post: its council, or null for the whole district. */
export type PostScope = { councilId: number | null };

/**
 * Who may do what with a crime-picture post (kriminalitetsbillede). Built on the shared policy;
 * the services call it for every read and write and throw the 404 that hides existence.
 */
export const postsPolicy = {
  /** Write posts at all: officers (their councils or the whole district) and district admins. */
  canPublishAny: (actor: Actor) => actor.isDistrictAdmin || actor.isOfficer,

  /** Publish for this council (null = the whole district). */
  canPublishFor: (actor: Actor, councilId: number | null) =>
    actor.isDistrictAdmin ||
    (actor.isOfficer && (councilId === null || policy.coversCouncil(actor, councilId))),

  /**
   * Read (and so comment on) a post: members of its council — every member for a district post —,
   * the officers covering it (any officer for a district post) and district admins.
   */
  canRead: (actor: Actor, post: PostScope) =>
    actor.isDistrictAdmin ||
    (post.councilId === null
      ? actor.memberships.length > 0 || actor.isOfficer
      : policy.isMemberOf(actor, post.councilId) || policy.coversCouncil(actor, post.councilId)),

  canComment: (actor: Actor, post: PostScope) => postsPolicy.canRead(actor, post),

  /** Hide or show a comment: the officers covering the council (any officer for a district post), district admins. */
  canModerate: (actor: Actor, post: PostScope) =>
    actor.isDistrictAdmin ||
    (actor.isOfficer && (post.councilId === null || policy.coversCouncil(actor, post.councilId))),
};
