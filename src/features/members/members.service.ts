import type { AuditAction } from '../../audit/audit-actions.js';
import type { AuditDetails, OnlyAuditDetails } from '../../audit/audit-details.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { groupByMunicipality } from '../../web/municipality-groups.js';
import type {
  CouncilOfficer,
  CouncilRow,
  CouncilSummary,
  MemberRow,
  MembersRepository,
  OpenInvitation,
} from './members.repository.js';
import type { EditInput, InviteInput } from './members.schemas.js';

/** What the member list shows per row: the membership's own state wins over the person's. */
export type MemberStatus = 'invited' | 'active' | 'deactivated';

export type MemberView = MemberRow & { status: MemberStatus; isSelf: boolean };

export type CouncilGroup = { municipality: string; councils: CouncilSummary[] };

/** A council the person is a member of, with the officers covering it (none: nobody right now). */
export type CouncilOfficers = {
  councilId: number;
  councilName: string;
  officers: Omit<CouncilOfficer, 'council_id'>[];
};

type Deps = Pick<
  Core,
  'db' | 'users' | 'invitations' | 'mailer' | 'audit' | 'sessionStore' | 'now' | 'baseUrl'
> & { members: MembersRepository };

export function memberStatus(row: Pick<MemberRow, 'active' | 'user_status'>): MemberStatus {
  if (row.active === 0 || row.user_status === 'deactivated') return 'deactivated';
  return row.user_status;
}

/**
 * Council membership: who belongs to a lokalråd's network and in which role. Council admins manage
 * their own council, district admins every council, officers read the lists of the councils they
 * cover. Everyone else gets NotFoundError, so a council's member list does not leak its existence.
 */
export class MembersService {
  constructor(private readonly deps: Deps) {}

  /** GET /members: the councils whose member list the actor may open, grouped by municipality. */
  councilsFor(actor: Actor): CouncilGroup[] {
    const { members } = this.deps;
    const councils = actor.isDistrictAdmin
      ? members.listActiveCouncils()
      : members.listCouncilsByIds(policy.memberListCouncilIds(actor));
    // Someone with no member list at all has no members page: the same 404 as any hidden page.
    ensure(actor.isDistrictAdmin || councils.length > 0);
    return groupByMunicipality(councils);
  }

  /** GET /councils/:id/members */
  memberList(
    actor: Actor,
    councilId: number,
  ): { council: CouncilRow; members: MemberView[]; canManage: boolean } {
    const council = this.viewableCouncil(actor, councilId);
    const members = this.deps.members.listMembers(councilId).map((row) => this.toView(actor, row));
    return { council, members, canManage: policy.canManageMembers(actor, councilId) };
  }

  /** The council an actor may manage the members of; 404 otherwise. */
  manageableCouncil(actor: Actor, councilId: number): CouncilRow {
    const council = this.deps.members.findCouncil(councilId);
    ensure(council !== undefined && policy.canManageMembers(actor, councilId));
    return council as CouncilRow;
  }

  /** A membership of that council which the actor may manage, with its person. */
  memberForEdit(
    actor: Actor,
    councilId: number,
    membershipId: number,
  ): { council: CouncilRow; member: MemberView } {
    const council = this.manageableCouncil(actor, councilId);
    const row = this.deps.members.findMember(membershipId, councilId);
    if (!row) throw new NotFoundError();
    return { council, member: this.toView(actor, row) };
  }

  /**
   * POST /councils/:id/members. A new email becomes an invited user with a membership and an
   * invitation link. An email that already has an account — anyone's: another council's member,
   * an officer, a district admin — gets an invitation that waits for the person's consent: the
   * council sees only the name and email its admin typed, exactly like a new address, until the
   * person accepts (acceptInvitation). Either way the admin gets the same answer.
   * Throws ConflictError on `email` when the person already is, or was, a member of (or is invited
   * to) this council — rows the admin already sees in the list, with this email.
   */
  invite(actor: Actor, councilId: number, input: InviteInput): { name: string } {
    const { db, users, invitations, members, now } = this.deps;
    const council = this.manageableCouncil(actor, councilId);
    return db.transaction(() => {
      const at = now().toISOString();
      const existing = users.findByEmail(input.email);
      if (!existing) {
        const userId = users.create(
          { email: input.email, name: input.name, status: 'invited', locale: 'da' },
          at,
        );
        const membershipId = members.createMembership({
          userId,
          councilId,
          role: input.role,
          title: input.title,
          now: at,
        });
        invitations.issue(userId, { id: actor.id, name: actor.name }, council.name);
        members.touchInvitation(membershipId, actor.id, at);
        this.recordMembership(
          actor,
          'membership.created',
          { membership_id: membershipId, council_id: councilId, user_id: userId },
          { role: input.role, title: input.title, outcome: 'invited' },
        );
        return { name: input.name };
      }
      const row = members.findMembership(existing.id, councilId);
      if (row?.active === 1) throw new ConflictError('members.errors.already_member', 'email');
      if (row) throw new ConflictError('members.errors.deactivated_member', 'email');
      const membershipId = members.createPending({
        inviteeId: existing.id,
        councilId,
        role: input.role,
        title: input.title,
        name: input.name,
        email: input.email.trim().toLowerCase(),
        invitedBy: actor.id,
        now: at,
      });
      this.askForConsent(actor, existing.id, council.name, at);
      this.recordMembership(
        actor,
        'membership.consent_requested',
        { membership_id: membershipId, council_id: councilId, user_id: existing.id },
        { role: input.role, title: input.title },
      );
      return { name: input.name };
    })();
  }

  /** POST …/edit: title and role. A council admin cannot demote themselves as the council's last admin. */
  update(actor: Actor, councilId: number, membershipId: number, input: EditInput): MemberView {
    return this.changeMembership(actor, councilId, membershipId, ({ member }) => {
      if (member.role === 'council_admin' && input.role !== 'council_admin') {
        this.ensureNotLastAdminLeaving(actor, member, 'members.errors.last_admin_demote', 'role');
      }
      const { members, now } = this.deps;
      members.updateRoleAndTitle(membershipId, input.role, input.title, now().toISOString());
      this.recordMembership(actor, 'membership.updated', member, {
        from: { role: member.role, title: member.title },
        to: { role: input.role, title: input.title },
      });
      return member;
    });
  }

  /**
   * POST …/deactivate. The membership ends; a person left with no active membership, no officer role
   * and no district admin role cannot log in any more. Their sessions end at once either way, so
   * nothing they had open keeps showing this council.
   */
  deactivate(
    actor: Actor,
    councilId: number,
    membershipId: number,
  ): { member: MemberView; userDeactivated: boolean } {
    return this.changeMembership(actor, councilId, membershipId, ({ council, member }) => {
      if (member.active === 0) return { member, userDeactivated: false };
      const { members, sessionStore, now } = this.deps;
      if (member.role === 'council_admin') {
        this.ensureNotLastAdminLeaving(actor, member, 'members.errors.last_admin_deactivate', 'deactivate');
      }
      const at = now().toISOString();
      members.setActive(membershipId, false, at);
      const userDeactivated = this.retireIfUnused(member.user_id, at);
      // A withdrawn invitation never gave access to this council: the person's other work goes on.
      if (!member.pending) sessionStore.deleteForUser(member.user_id);
      // Someone who never answered their invitation was not a member: withdrawing it is not news to them.
      if (member.status === 'active') {
        this.tellMember(actor, member.user_id, council.name, {
          kind: 'membership_deactivated',
          key: 'mail.members_deactivated',
          paragraphs: ['body', userDeactivated ? 'closed' : 'other_roles'],
        });
      }
      this.recordMembership(actor, 'membership.deactivated', member, { userDeactivated });
      return { member, userDeactivated };
    });
  }

  /**
   * POST …/reactivate. The membership is active again; a deactivated person becomes active when they
   * have a password, otherwise invited again with a fresh link. A withdrawn invitation is sent again
   * and again waits for the person's answer.
   */
  reactivate(
    actor: Actor,
    councilId: number,
    membershipId: number,
  ): { member: MemberView; reinvited: boolean } {
    return this.changeMembership(actor, councilId, membershipId, ({ council, member }) => {
      if (member.active === 1) return { member, reinvited: false };
      const { users, members, invitations, now } = this.deps;
      const at = now().toISOString();
      members.setActive(membershipId, true, at);
      if (member.pending) {
        members.touchInvitation(membershipId, actor.id, at);
        this.askForConsent(actor, member.user_id, council.name, at);
        this.recordMembership(actor, 'membership.reactivated', member, { reinvited: true });
        return { member, reinvited: true };
      }
      const user = users.findById(member.user_id);
      let reinvited = false;
      if (user?.status === 'deactivated') {
        users.setStatus(user.id, user.password_hash ? 'active' : 'invited', at);
        reinvited = !user.password_hash;
      } else if (user?.status === 'invited') {
        reinvited = true;
      }
      if (reinvited) {
        invitations.issue(member.user_id, { id: actor.id, name: actor.name }, council.name);
        members.touchInvitation(membershipId, actor.id, at);
      } else if (user) {
        // The invitation mail above already tells a reinvited person what to do.
        this.tellMember(actor, user.id, council.name, {
          kind: 'membership_reactivated',
          key: 'mail.members_reactivated',
          paragraphs: ['body', 'login'],
          action: `${this.deps.baseUrl()}/login`,
        });
      }
      this.recordMembership(actor, 'membership.reactivated', member, { reinvited });
      return { member, reinvited };
    });
  }

  /**
   * POST …/resend: a new invitation link replaces the old one; only for people still invited. A
   * pending invitation is mailed again in the same way as when it was first sent.
   */
  resendInvitation(actor: Actor, councilId: number, membershipId: number): MemberView {
    return this.changeMembership(actor, councilId, membershipId, ({ council, member }) => {
      if (member.status !== 'invited') throw new ConflictError('members.errors.not_invited', 'resend');
      if (member.pending) {
        const at = this.deps.now().toISOString();
        this.deps.members.touchInvitation(membershipId, actor.id, at);
        this.askForConsent(actor, member.user_id, council.name, at);
      } else {
        this.deps.invitations.issue(member.user_id, { id: actor.id, name: actor.name }, council.name);
        this.deps.members.touchInvitation(membershipId, actor.id, this.deps.now().toISOString());
      }
      this.recordMembership(actor, 'membership.invitation_resent', member);
      return member;
    });
  }

  /**
   * The start page's "Din netværksbetjent": for each council the person is a member of, the active
   * officers covering it, so a member knows whom to call; an empty list means nobody covers it now.
   */
  officersFor(actor: Actor): CouncilOfficers[] {
    const officers = this.deps.members.officersOf(actor.memberships.map((m) => m.councilId));
    return actor.memberships.map((m) => ({
      councilId: m.councilId,
      councilName: m.councilName,
      officers: officers
        .filter((o) => o.council_id === m.councilId)
        .map(({ name, phone, email }) => ({ name, phone, email })),
    }));
  }

  /** GET /invitations and the start page: the invitations waiting for the actor's answer. */
  openInvitations(actor: Actor): OpenInvitation[] {
    return this.deps.members.listOpenInvitations(actor.id);
  }

  /**
   * POST /invitations/:id/accept: the invitation becomes the actor's membership, with the role and
   * title the admin chose; from now on the council sees the person as they are. 404 for anything
   * that is not an open invitation to the actor.
   */
  acceptInvitation(actor: Actor, invitationId: number): OpenInvitation {
    const { db, members, audit, now } = this.deps;
    return db.transaction(() => {
      const invitation = this.openInvitationOf(actor, invitationId);
      if (!members.acceptInvitation(invitationId, actor.id, now().toISOString())) throw new NotFoundError();
      audit.record(
        actor,
        'invitation.accepted',
        actor.id,
        {},
        {
          councilId: invitation.council_id,
          role: invitation.role,
        },
      );
      return invitation;
    })();
  }

  /**
   * POST /invitations/:id/decline: the invitation is gone, as if never sent; the council's list
   * loses the row (as when a new address declines on its link page). A person left with nothing
   * to sign in for — someone whose account was reopened only to answer — is deactivated again.
   */
  declineInvitation(actor: Actor, invitationId: number): { invitation: OpenInvitation; signedOut: boolean } {
    const { db, members, audit, now } = this.deps;
    return db.transaction(() => {
      const invitation = this.openInvitationOf(actor, invitationId);
      if (!members.deleteInvitation(invitationId, actor.id)) throw new NotFoundError();
      audit.record(actor, 'invitation.declined', actor.id, {}, { councilId: invitation.council_id });
      const signedOut = this.retireIfUnused(actor.id, now().toISOString());
      return { invitation, signedOut };
    })();
  }

  /** GET /invitations/:token/decline: who the link is for, when its person may decline through it. */
  inviteeWhoMayDecline(token: string): { name: string; email: string } | undefined {
    const invitee = this.deps.invitations.findInvitee(token);
    return invitee?.mayDecline ? { name: invitee.name, email: invitee.email } : undefined;
  }

  /**
   * POST /invitations/:token/decline: a new address says no on its link page. The person has never
   * signed in, so none of their memberships was ever accepted: all of them and every invitation to
   * them go, the link is used up and the account is deactivated. False when the link is not usable
   * (expired, used, or a police account, which is not declined here).
   */
  declineByLink(token: string): boolean {
    const { db, invitations, users, members, audit, now } = this.deps;
    return db.transaction(() => {
      const user = invitations.takeForDecline(token);
      if (!user) return false;
      const councilIds = members.councilIdsOf(user.id);
      members.deleteAllOf(user.id);
      users.setStatus(user.id, 'deactivated', now().toISOString());
      audit.record(user, 'invitation.declined', user.id, {}, { councilIds });
      return true;
    })();
  }

  /** A change to a membership the actor may manage (404 otherwise), in one transaction. */
  private changeMembership<T>(
    actor: Actor,
    councilId: number,
    membershipId: number,
    change: (found: { council: CouncilRow; member: MemberView }) => T,
  ): T {
    return this.deps.db.transaction(() => change(this.memberForEdit(actor, councilId, membershipId)))();
  }

  private openInvitationOf(actor: Actor, invitationId: number): OpenInvitation {
    const invitation = this.deps.members.listOpenInvitations(actor.id).find((i) => i.id === invitationId);
    if (!invitation) throw new NotFoundError();
    return invitation;
  }

  /**
   * Makes sure the invitee can sign in to answer, and mails them. A deactivated account is opened
   * again (active with a password, else invited); someone who has no password yet gets a fresh
   * invitation link — after choosing a password they find this invitation on their start page —
   * and everyone else a mail asking them to log in and answer.
   */
  private askForConsent(actor: Actor, userId: number, councilName: string, at: string): void {
    const { users, invitations, mailer, audit, baseUrl } = this.deps;
    const user = users.findById(userId);
    if (!user) throw new Error(`invitation for unknown user ${userId}`);
    let status = user.status;
    if (status === 'deactivated') {
      status = user.password_hash ? 'active' : 'invited';
      users.setStatus(userId, status, at);
    }
    if (status === 'invited') {
      invitations.issue(userId, { id: actor.id, name: actor.name }, councilName);
      return;
    }
    mailer.queue({
      kind: 'membership_invitation',
      to: user.email,
      locale: user.locale,
      subjectKey: 'mail.members_consent.subject',
      params: { name: user.name, inviter: actor.name, to: councilName },
      paragraphKeys: ['mail.greeting', 'mail.members_consent.body', 'mail.members_consent.what'],
      action: { labelKey: 'mail.members_consent.action', url: `${baseUrl()}/invitations` },
    });
    audit.record(actor, 'invitation.sent', userId);
  }

  /**
   * Tells a member, in their own language, that their membership of the council ended or began
   * again, and whom to ask: the person who made the change. `paragraphs` are keys under `key`.
   */
  private tellMember(
    actor: Actor,
    userId: number,
    councilName: string,
    mail: { kind: string; key: string; paragraphs: string[]; action?: string },
  ): void {
    const user = this.deps.users.findById(userId);
    if (!user) return;
    this.deps.mailer.queue({
      kind: mail.kind,
      to: user.email,
      locale: user.locale,
      subjectKey: `${mail.key}.subject`,
      params: { name: user.name, council: councilName, by: actor.name, by_email: actor.email },
      paragraphKeys: [
        'mail.greeting',
        ...mail.paragraphs.map((p) => `${mail.key}.${p}`),
        'mail.members_access.contact',
      ],
      action: mail.action ? { labelKey: `${mail.key}.action`, url: mail.action } : undefined,
    });
  }

  /**
   * Deactivates an account that has nothing left to sign in for — no active membership, no open
   * invitation, no police role — and ends its sessions. True when it did.
   */
  private retireIfUnused(userId: number, at: string): boolean {
    const { users, members, sessionStore } = this.deps;
    const user = users.findById(userId);
    const unused =
      user !== undefined &&
      user.status !== 'deactivated' &&
      user.is_officer === 0 &&
      user.is_district_admin === 0 &&
      members.countActiveMemberships(userId) === 0 &&
      members.countOpenInvitations(userId) === 0;
    if (!unused) return false;
    users.setStatus(userId, 'deactivated', at);
    sessionStore.deleteForUser(userId);
    return true;
  }

  private viewableCouncil(actor: Actor, councilId: number): CouncilRow {
    const council = this.deps.members.findCouncil(councilId);
    ensure(council !== undefined && policy.canViewMembers(actor, councilId));
    return council as CouncilRow;
  }

  /** A council must not lose its last active admin by that admin's own hand (no one left to manage it). */
  private ensureNotLastAdminLeaving(
    actor: Actor,
    member: MemberView,
    messageKey: string,
    field: string,
  ): void {
    if (member.user_id !== actor.id || member.active === 0 || member.pending) return;
    if (this.deps.members.countActiveAdmins(member.council_id) <= 1)
      throw new ConflictError(messageKey, field);
  }

  /** Every audit line about a membership names its council and its person first. */
  private recordMembership<D extends AuditDetails = AuditDetails>(
    actor: Actor,
    action: AuditAction,
    membership: Pick<MemberRow, 'membership_id' | 'council_id' | 'user_id'>,
    details?: OnlyAuditDetails<D>,
  ): void {
    const about = { councilId: membership.council_id, userId: membership.user_id, ...details };
    this.deps.audit.record(actor, action, membership.membership_id, {}, about);
  }

  private toView(actor: Actor, row: MemberRow): MemberView {
    return { ...row, status: memberStatus(row), isSelf: row.user_id === actor.id };
  }
}
