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
  /** The newest invitation link issued to the person (null for people who were never invited by link). */
  invited_at: string | null;
};

export type MembershipRow = {
  id: number;
  user_id: number;
  council_id: number;
  role: MembershipRole;
  title: string;
  active: 0 | 1;
};

const MEMBER_COLUMNS = `
  m.id AS membership_id, m.user_id, m.council_id, m.role, m.title, m.active, m.created_at,
  u.name, u.email, u.phone, u.status AS user_status, (u.password_hash IS NOT NULL) AS has_password,
  u.last_login_at,
  (SELECT max(t.created_at) FROM user_tokens t WHERE t.user_id = u.id AND t.purpose = 'invitation') AS invited_at`;

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
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.council_id = ?
        ORDER BY m.active DESC, u.name COLLATE NOCASE, u.id`,
    );
    this.memberById = db.prepare<[number, number], MemberRow>(
      `SELECT ${MEMBER_COLUMNS}
         FROM memberships m JOIN users u ON u.id = m.user_id
        WHERE m.id = ? AND m.council_id = ?`,
    );
    this.membershipOfUser = db.prepare<[number, number], MembershipRow>(
      'SELECT id, user_id, council_id, role, title, active FROM memberships WHERE user_id = ? AND council_id = ?',
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

  findMembership(userId: number, councilId: number): MembershipRow | undefined {
    return this.membershipOfUser.get(userId, councilId);
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

  /** Council admins who can act for the council now (an invitee who has not set a password cannot). */
  countActiveAdmins(councilId: number): number {
    return this.activeAdminCount.get(councilId) as number;
  }
}
