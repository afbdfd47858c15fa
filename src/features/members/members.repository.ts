import type { MembershipRole } from '../../auth/policy.js';
import type { UserStatus } from '../../auth/users.repository.js';
import type { Db } from '../../db/connection.js';

export type CouncilRow = {
  id: number;
  name: string;
  active: 0 | 1;
  municipality_id: number;
  municipality_name: string;
};

export type CouncilSummary = CouncilRow & { member_count: number };

/** One row of a council's member list: the membership and the person behind it. */
export type MemberRow = {
  membership_id: number;
  user_id: number;
  council_id: number;
  role: MembershipRole;
  title: string;
  active: 0 | 1;
  created_at: string;
  name: string;
  email: string;
  phone: string;
  user_status: UserStatus;
  has_password: 0 | 1;
  last_login_at: string | null;
  /** When the invitation was last sent: the newest link, or for a pending invitation its own time. */
  invited_at: string | null;
  /**
   * 1 while the person has not accepted an invitation to an account that already existed. Such a
   * row carries only what the admin typed: the columns above are filled exactly as for a brand-new
   * invitee (no phone, no login, status invited), so the two cannot be told apart.
   */
  pending: 0 | 1;
};

/** An invitation waiting for the invitee's answer, as the invitee sees it. */
export type OpenInvitation = {
  id: number;
  council_id: number;
  council_name: string;
  role: MembershipRole;
  title: string;
  invited_at: string;
  inviter_name: string | null;
};

/** An active officer covering a council, as the council's members see them. */
export type CouncilOfficer = { council_id: number; name: string; phone: string; email: string };

/** A person's row in a council: their membership, or an invitation to them awaiting an answer. */
export type MembershipRow = {
  id: number;
  council_id: number;
  role: MembershipRole;
  title: string;
  active: 0 | 1;
  pending: 0 | 1;
};

// A pending row (user_id NULL) shows what the admin typed and nothing of the account behind it.
const MEMBER_COLUMNS = `
  m.id AS membership_id, coalesce(m.user_id, m.invitee_id) AS user_id, m.council_id, m.role, m.title,
  m.active, m.created_at, (m.user_id IS NULL) AS pending,
  CASE WHEN m.user_id IS NULL THEN m.invited_name ELSE u.name END AS name,
  CASE WHEN m.user_id IS NULL THEN m.invited_email ELSE u.email END AS email,
  CASE WHEN m.user_id IS NULL THEN '' ELSE u.phone END AS phone,
  CASE WHEN m.user_id IS NULL THEN 'invited' ELSE u.status END AS user_status,
  CASE WHEN m.user_id IS NULL THEN 0 ELSE (u.password_hash IS NOT NULL) END AS has_password,
  CASE WHEN m.user_id IS NULL THEN NULL ELSE u.last_login_at END AS last_login_at,
  CASE WHEN m.user_id IS NULL THEN m.invited_at
       ELSE coalesce(m.invited_at,
                     (SELECT max(t.created_at) FROM user_tokens t WHERE t.user_id = u.id AND t.purpose = 'invitation'))
  END AS invited_at`;

/** All SQL of the members feature: councils to choose from, memberships and their people. */
export class MembersRepository {
  private readonly councilById;
  private readonly activeCouncils;
  private readonly membersOf;
  private readonly memberById;
  private readonly membershipOfUser;
  private readonly insertMembership;
  private readonly updateMembership;
  private readonly setActiveStmt;
  private readonly activeMembershipCount;
  private readonly activeAdminCount;
  private readonly insertPending;
  private readonly touchInvitationStmt;
  private readonly acceptStmt;
  private readonly deletePendingStmt;
  private readonly openInvitationsOf;
  private readonly openInvitationCount;
  private readonly deleteAllOfStmt;
  private readonly councilIdsOfStmt;
  private readonly officersOfStmt;

  constructor(db: Db) {
    const councilColumns = `c.id, c.name, c.active, c.municipality_id, mu.name AS municipality_name,
      (SELECT count(*) FROM memberships m WHERE m.council_id = c.id AND m.active = 1) AS member_count`;
    this.councilById = db.prepare<[number], CouncilRow>(
      `SELECT c.id, c.name, c.active, c.municipality_id, mu.name AS municipality_name
         FROM councils c JOIN municipalities mu ON mu.id = c.municipality_id WHERE c.id = ?`,
    );
    this.activeCouncils = db.prepare<[], CouncilSummary>(
      `SELECT ${councilColumns}
         FROM councils c JOIN municipalities mu ON mu.id = c.municipality_id
        WHERE c.active = 1 ORDER BY mu.name, c.name`,
    );
    this.membersOf = db.prepare<[number], MemberRow>(
      `SELECT ${MEMBER_COLUMNS}
         FROM memberships m LEFT JOIN users u ON u.id = m.user_id
        WHERE m.council_id = ?
        ORDER BY m.active DESC, name COLLATE NOCASE, m.id`,
    );
    this.memberById = db.prepare<[number, number], MemberRow>(
      `SELECT ${MEMBER_COLUMNS}
         FROM memberships m LEFT JOIN users u ON u.id = m.user_id
        WHERE m.id = ? AND m.council_id = ?`,
    );
    this.membershipOfUser = db.prepare<[number, number, number], MembershipRow>(
      `SELECT id, council_id, role, title, active, (user_id IS NULL) AS pending FROM memberships
        WHERE council_id = ? AND (user_id = ? OR invitee_id = ?)`,
    );
    this.insertMembership = db.prepare(
      `INSERT INTO memberships (user_id, council_id, role, title, active, created_at, updated_at)
       VALUES (@userId, @councilId, @role, @title, 1, @now, @now)`,
    );
    this.updateMembership = db.prepare(
      'UPDATE memberships SET role = @role, title = @title, updated_at = @now WHERE id = @id',
    );
    this.setActiveStmt = db.prepare('UPDATE memberships SET active = ?, updated_at = ? WHERE id = ?');
    this.activeMembershipCount = db
      .prepare<[number], number>(
        `SELECT count(*) FROM memberships m JOIN councils c ON c.id = m.council_id
          WHERE m.user_id = ? AND m.active = 1 AND c.active = 1`,
      )
      .pluck();
    this.activeAdminCount = db
      .prepare<[number], number>(
        `SELECT count(*) FROM memberships m JOIN users u ON u.id = m.user_id
          WHERE m.council_id = ? AND m.active = 1 AND m.role = 'council_admin' AND u.status = 'active'`,
      )
      .pluck();
    this.insertPending = db.prepare(
      `INSERT INTO memberships (invitee_id, council_id, role, title, active, invited_name, invited_email,
                               invited_by, invited_at, created_at, updated_at)
       VALUES (@inviteeId, @councilId, @role, @title, 1, @name, @email, @invitedBy, @now, @now, @now)`,
    );
    this.touchInvitationStmt = db.prepare(
      'UPDATE memberships SET invited_at = @now, invited_by = @invitedBy, updated_at = @now WHERE id = @id',
    );
    // SET reads the old row, so user_id takes the invitee before invitee_id is cleared.
    this.acceptStmt = db.prepare(
      `UPDATE memberships
          SET user_id = invitee_id, invitee_id = NULL, invited_name = NULL, invited_email = NULL,
              invited_by = NULL, invited_at = NULL, updated_at = ?
        WHERE id = ? AND invitee_id = ? AND active = 1`,
    );
    this.deletePendingStmt = db.prepare('DELETE FROM memberships WHERE id = ? AND invitee_id = ?');
    this.openInvitationsOf = db.prepare<[number], OpenInvitation>(
      `SELECT m.id, m.council_id, c.name AS council_name, m.role, m.title, m.invited_at,
              inviter.name AS inviter_name
         FROM memberships m JOIN councils c ON c.id = m.council_id
         LEFT JOIN users inviter ON inviter.id = m.invited_by
        WHERE m.invitee_id = ? AND m.active = 1 AND c.active = 1
        ORDER BY m.invited_at, m.id`,
    );
    this.openInvitationCount = db
      .prepare<[number], number>(
        `SELECT count(*) FROM memberships m JOIN councils c ON c.id = m.council_id
          WHERE m.invitee_id = ? AND m.active = 1 AND c.active = 1`,
      )
      .pluck();
    this.deleteAllOfStmt = db.prepare('DELETE FROM memberships WHERE user_id = ? OR invitee_id = ?');
    this.councilIdsOfStmt = db
      .prepare<[number, number], number>(
        'SELECT council_id FROM memberships WHERE user_id = ? OR invitee_id = ? ORDER BY council_id',
      )
      .pluck();
    this.officersOfStmt = db.prepare<[string], CouncilOfficer>(
      `SELECT a.council_id, u.name, u.phone, u.email
         FROM officer_assignments a JOIN users u ON u.id = a.officer_id
        WHERE a.council_id IN (SELECT value FROM json_each(?)) AND u.is_officer = 1 AND u.status = 'active'
        ORDER BY u.name COLLATE NOCASE, u.id`,
    );
  }

  findCouncil(id: number): CouncilRow | undefined {
    return this.councilById.get(id);
  }

  listActiveCouncils(): CouncilSummary[] {
    return this.activeCouncils.all();
  }

  /** The given councils (active ones only), ordered by municipality and name. */
  listCouncilsByIds(ids: number[]): CouncilSummary[] {
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    return this.activeCouncils.all().filter((c) => wanted.has(c.id));
  }

  listMembers(councilId: number): MemberRow[] {
    return this.membersOf.all(councilId);
  }

  /** A membership with its person, only when it belongs to that council. */
  findMember(membershipId: number, councilId: number): MemberRow | undefined {
    return this.memberById.get(membershipId, councilId);
  }

  /** The person's row in the council, whether a membership or an invitation awaiting their answer. */
  findMembership(userId: number, councilId: number): MembershipRow | undefined {
    return this.membershipOfUser.get(councilId, userId, userId);
  }

  createMembership(m: {
    userId: number;
    councilId: number;
    role: MembershipRole;
    title: string;
    now: string;
  }): number {
    return Number(this.insertMembership.run(m).lastInsertRowid);
  }

  /** An invitation to an existing account: a row that is not the person's until they accept it. */
  createPending(p: {
    inviteeId: number;
    councilId: number;
    role: MembershipRole;
    title: string;
    name: string;
    email: string;
    invitedBy: number;
    now: string;
  }): number {
    return Number(this.insertPending.run(p).lastInsertRowid);
  }

  /**
   * This council's invitation was sent (or sent again): the date its list shows. Kept on the
   * membership, not read from the person's newest link, so another council inviting the same
   * address cannot move it — that would tell this council someone else asked too.
   */
  touchInvitation(id: number, invitedBy: number, now: string): void {
    this.touchInvitationStmt.run({ id, invitedBy, now });
  }

  /** The invitee's open invitations in active councils, oldest first. */
  listOpenInvitations(inviteeId: number): OpenInvitation[] {
    return this.openInvitationsOf.all(inviteeId);
  }

  countOpenInvitations(inviteeId: number): number {
    return this.openInvitationCount.get(inviteeId) as number;
  }

  /** The invitee accepts: the row becomes their membership. False when it is no longer open. */
  acceptInvitation(id: number, inviteeId: number, now: string): boolean {
    return this.acceptStmt.run(now, id, inviteeId).changes === 1;
  }

  /** The invitee declines: the row goes, as if the invitation had never been sent. */
  deleteInvitation(id: number, inviteeId: number): boolean {
    return this.deletePendingStmt.run(id, inviteeId).changes === 1;
  }

  /** The councils the person is a member of or invited to, in any state. */
  councilIdsOf(userId: number): number[] {
    return this.councilIdsOfStmt.all(userId, userId);
  }

  /** Every membership and invitation of a person who never set up their access and said no. */
  deleteAllOf(userId: number): void {
    this.deleteAllOfStmt.run(userId, userId);
  }

  updateRoleAndTitle(id: number, role: MembershipRole, title: string, now: string): void {
    this.updateMembership.run({ id, role, title, now });
  }

  setActive(id: number, active: boolean, now: string): void {
    this.setActiveStmt.run(active ? 1 : 0, now, id);
  }

  /** Active memberships in active councils: what still gives a person a reason to log in. */
  countActiveMemberships(userId: number): number {
    return this.activeMembershipCount.get(userId) as number;
  }

  /** The active officers covering these councils, by name. */
  officersOf(councilIds: readonly number[]): CouncilOfficer[] {
    if (councilIds.length === 0) return [];
    return this.officersOfStmt.all(JSON.stringify(councilIds));
  }

  /** Council admins who can act for the council now (an invitee who has not set a password cannot). */
  countActiveAdmins(councilId: number): number {
    return this.activeAdminCount.get(councilId) as number;
  }
}
