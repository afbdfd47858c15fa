import type { Db } from '../../db/connection.js';

/**
 * The little SQL the roll-out needs beyond what AdminService and MembersService offer: which
 * councils a person already administers (a note in the import preview).
 */
export class RolloutRepository {
  private readonly adminOf;

  constructor(db: Db) {
    this.adminOf = db
      .prepare<[number], string>(
        `SELECT c.name FROM memberships m JOIN councils c ON c.id = m.council_id
          WHERE m.user_id = ? AND m.role = 'council_admin' AND m.active = 1
          ORDER BY c.name`,
      )
      .pluck();
  }

  /** Names of the councils the person is an active council admin of. */
  councilsAdministeredBy(userId: number): string[] {
    return this.adminOf.all(userId);
  }
}
