import type { AuditAction } from '../audit/audit-actions.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Db } from '../db/connection.js';
import type { Mailer } from '../mail/mailer.js';
import { hashPassword, passwordProblem } from './passwords.js';
import type { TokenPurpose, TokensRepository } from './tokens.repository.js';
import type { UserRow, UsersRepository } from './users.repository.js';

export type LinkOutcome = { ok: true; user: UserRow } | { ok: false; problem: string };

/** What using a single-use link needs. */
export type LinkDeps = { db: Db; users: UsersRepository; tokens: TokensRepository; now: () => Date };

/**
 * What the services that mail single-use links need (InvitationService, AuthService's resets).
 * src/core.ts builds the invitations, so src/auth spells this out rather than picking it from Core.
 */
export type LinkMailDeps = LinkDeps & { mailer: Mailer; audit: AuditLog; baseUrl: () => string };

/**
 * The shared core of "choose a password through a single-use link" (invitations and resets):
 * the link must be valid, the password acceptable, and the link is used up in the same
 * transaction as `apply` writes the password and `auditAction` is recorded, so a double submit
 * cannot use it twice. `problem` is an i18n key for the password field, or 'invalid_link'.
 */
export async function setPasswordThroughLink(
  deps: LinkDeps & { audit: AuditLog },
  link: { token: string; purpose: TokenPurpose; password: string; auditAction: AuditAction },
  apply: (user: UserRow, passwordHash: string, at: string) => void,
): Promise<LinkOutcome> {
  const { db, users, tokens, audit, now } = deps;
  const row = tokens.findValid(link.token, link.purpose, now().toISOString());
  const user = row ? users.findById(row.user_id) : undefined;
  if (!row || !user || user.status === 'deactivated') return { ok: false, problem: 'invalid_link' };
  const problem = passwordProblem(link.password, { email: user.email, name: user.name });
  if (problem) return { ok: false, problem };
  const hash = await hashPassword(link.password);
  const done = db.transaction(() => {
    const at = now().toISOString();
    if (!tokens.consume(row.id, at)) return false;
    apply(user, hash, at);
    audit.record(user, link.auditAction, user.id);
    return true;
  })();
  return done ? { ok: true, user } : { ok: false, problem: 'invalid_link' };
}
