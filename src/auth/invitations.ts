import { type LinkMailDeps, setPasswordThroughLink } from './password-links.js';
import type { UserRow } from './users.repository.js';

export const INVITATION_DAYS = 7;

/**
 * Invitation links for new people (network persons by council admins, officers by district
 * admins): single-use, valid for 7 days, and a new one replaces the old (resend).
 */
export class InvitationService {
  constructor(private readonly deps: LinkMailDeps) {}

  /**
   * Issues a link and queues the mail. Call inside the transaction that created or re-invited the
   * user, so the mail exists exactly when the invitation does. `invitedTo` names the council or
   * role in the mail ("Glumsø Lokalråd").
   */
  issue(userId: number, invitedBy: { id: number; name: string }, invitedTo: string): void {
    const { users, tokens, mailer, audit, now } = this.deps;
    const user = users.findById(userId);
    if (!user) throw new Error(`invitation for unknown user ${userId}`);
    const at = now();
    const expires = new Date(at.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
    const token = tokens.issue(userId, 'invitation', expires, at.toISOString());
    mailer.queue({
      kind: 'invitation',
      to: user.email,
      locale: user.locale,
      subjectKey: 'mail.invitation.subject',
      params: { name: user.name, inviter: invitedBy.name, to: invitedTo, days: INVITATION_DAYS },
      paragraphKeys: [
        'mail.greeting',
        'mail.invitation.body',
        'mail.invitation.expiry',
        'mail.invitation.what',
      ],
      action: { labelKey: 'mail.invitation.action', url: `${this.deps.baseUrl()}/invitations/${token}` },
    });
    audit.record(invitedBy, 'invitation.sent', userId);
  }

  /**
   * The invitee's name and email while the link is usable; undefined otherwise. `mayDecline`: the
   * page also offers to say no (see takeForDecline).
   */
  findInvitee(token: string): { name: string; email: string; mayDecline: boolean } | undefined {
    const row = this.deps.tokens.findValid(token, 'invitation', this.deps.now().toISOString());
    const user = row ? this.deps.users.findById(row.user_id) : undefined;
    if (!user || user.status === 'deactivated') return undefined;
    return { name: user.name, email: user.email, mayDecline: mayDecline(user) };
  }

  /**
   * Uses the link up for a "no thanks" and returns its person, when the link is usable and its
   * person may decline here: someone invited to a council who has never set up their access. A
   * police account invited by a district admin is not declined through the link. Call inside the
   * transaction that removes what the person was invited to.
   */
  takeForDecline(token: string): UserRow | undefined {
    const { tokens, users, now } = this.deps;
    const at = now().toISOString();
    const row = tokens.findValid(token, 'invitation', at);
    const user = row ? users.findById(row.user_id) : undefined;
    if (!row || !user || !mayDecline(user)) return undefined;
    return tokens.consume(row.id, at) ? user : undefined;
  }

  /**
   * Sets the password, records the accepted privacy notice and activates the account. `signIn`:
   * the person may be signed in at once — they have just proved they read the account's mail and
   * chosen its password — unless a second factor is on, which the link does not replace.
   * Returns an i18n key for the `password` field, or 'invalid_link'.
   */
  async accept(
    token: string,
    password: string,
    ip: string,
  ): Promise<{ ok: true; userId: number; signIn: boolean } | { ok: false; problem: string }> {
    const { users, audit, now } = this.deps;
    const result = await setPasswordThroughLink(
      this.deps,
      { token, purpose: 'invitation', password, auditAction: 'invitation.accepted' },
      (user, hash, at) => users.activate(user.id, hash, at),
    );
    if (!result.ok) return result;
    const signIn = result.user.totp_enabled === 0;
    if (signIn) {
      users.recordLogin(result.user.id, now().toISOString());
      audit.record(result.user, 'login.succeeded', result.user.id, { ip });
    }
    return { ok: true, userId: result.user.id, signIn };
  }
}

const mayDecline = (user: UserRow) =>
  user.status === 'invited' && user.is_officer === 0 && user.is_district_admin === 0;
