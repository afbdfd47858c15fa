import type { AuditAction } from '../../audit/audit-actions.js';
import { type Actor, ensure, policy } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { ConflictError, NotFoundError } from '../../errors.js';
import { groupByMunicipality } from '../../web/municipality-groups.js';
import type { CouncilRow, CouncilSummary, MemberRow, MembersRepository } from './members.repository.js';
import type { EditInput, InviteInput } from './members.schemas.js';

/** What the member list shows per row: the membership's own state wins over the person's. */
export type MemberStatus = 'invited' | 'active' | 'deactivated';

export type MemberView = MemberRow & { status: MemberStatus; isSelf: boolean };

export type CouncilGroup = { municipality: string; councils: CouncilSummary[] };

export type InviteOutcome = 'invited' | 'reinvited' | 'added';

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
   * POST /councils/:id/members. A new email becomes an invited user with an invitation link; a known
   * person gets the membership added (and a fresh link while they have not yet set a password).
   * Throws ConflictError on `email` when the person already is, or was, a member of this council.
   */
  invite(actor: Actor, councilId: number, input: InviteInput): { outcome: InviteOutcome; name: string } {
    const { db, users, invitations, members, now } = this.deps;
    const council = this.manageableCouncil(actor, councilId);
    return db.transaction(() => {
      const at = now().toISOString();
      const existing = users.findByEmail(input.email);
      let userId: number;
      let outcome: InviteOutcome;
      if (!existing) {
        userId = users.create({ email: input.email, name: input.name, status: 'invited', locale: 'da' }, at);
        outcome = 'invited';
      } else {
        const membership = members.findMembership(existing.id, councilId);
        if (membership?.active === 1) throw new ConflictError('members.errors.already_member', 'email');
        if (membership) throw new ConflictError('members.errors.deactivated_member', 'email');
        userId = existing.id;
        if (existing.status === 'active') outcome = 'added';
        else if (existing.status === 'invited') outcome = 'reinvited';
        // A person whose last membership ended comes back: with a password they can log in again,
        // without one they still need the invitation link.
        else if (existing.password_hash) {
          users.setStatus(userId, 'active', at);
          outcome = 'added';
        } else {
          users.setStatus(userId, 'invited', at);
          outcome = 'reinvited';
        }
      }
      const membershipId = members.createMembership({
        userId,
        councilId,
        role: input.role,
        title: input.title,
        now: at,
      });
      if (outcome === 'added') this.queueAddedMail(actor, userId, council.name);
      else invitations.issue(userId, { id: actor.id, name: actor.name }, council.name);
      this.recordMembership(
        actor,
        'membership.created',
        { membership_id: membershipId, council_id: councilId, user_id: userId },
        { role: input.role, title: input.title, outcome },
      );
      return { outcome, name: existing?.name ?? input.name };
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
    return this.changeMembership(actor, councilId, membershipId, ({ member }) => {
      if (member.active === 0) return { member, userDeactivated: false };
      const { users, members, sessionStore, now } = this.deps;
      if (member.role === 'council_admin') {
        this.ensureNotLastAdminLeaving(actor, member, 'members.errors.last_admin_deactivate', 'deactivate');
      }
      const at = now().toISOString();
      members.setActive(membershipId, false, at);
      const user = users.findById(member.user_id);
      const userDeactivated =
        user !== undefined &&
        user.status !== 'deactivated' &&
        user.is_officer === 0 &&
        user.is_district_admin === 0 &&
        members.countActiveMemberships(member.user_id) === 0;
      if (userDeactivated) users.setStatus(member.user_id, 'deactivated', at);
      sessionStore.deleteForUser(member.user_id);
      this.recordMembership(actor, 'membership.deactivated', member, { userDeactivated });
      return { member, userDeactivated };
    });
  }

  /**
   * POST …/reactivate. The membership is active again; a deactivated person becomes active when they
   * have a password, otherwise invited again with a fresh link.
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
      const user = users.findById(member.user_id);
      let reinvited = false;
      if (user?.status === 'deactivated') {
        users.setStatus(user.id, user.password_hash ? 'active' : 'invited', at);
        reinvited = !user.password_hash;
      } else if (user?.status === 'invited') {
        reinvited = true;
      }
      if (reinvited) invitations.issue(member.user_id, { id: actor.id, name: actor.name }, council.name);
      this.recordMembership(actor, 'membership.reactivated', member, { reinvited });
      return { member, reinvited };
    });
  }

  /** POST …/resend: a new invitation link replaces the old one; only for people still invited. */
  resendInvitation(actor: Actor, councilId: number, membershipId: number): MemberView {
    return this.changeMembership(actor, councilId, membershipId, ({ council, member }) => {
      if (member.status !== 'invited') throw new ConflictError('members.errors.not_invited', 'resend');
      this.deps.invitations.issue(member.user_id, { id: actor.id, name: actor.name }, council.name);
      this.recordMembership(actor, 'membership.invitation_resent', member);
      return member;
    });
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
    if (member.user_id !== actor.id || member.active === 0) return;
    if (this.deps.members.countActiveAdmins(member.council_id) <= 1)
      throw new ConflictError(messageKey, field);
  }

  /** Every audit line about a membership names its council and its person first. */
  private recordMembership(
    actor: Actor,
    action: AuditAction,
    membership: Pick<MemberRow, 'membership_id' | 'council_id' | 'user_id'>,
    details: Record<string, unknown> = {},
  ): void {
    const about = { councilId: membership.council_id, userId: membership.user_id, ...details };
    this.deps.audit.record(actor, action, membership.membership_id, {}, about);
  }

  private queueAddedMail(actor: Actor, userId: number, councilName: string): void {
    const user = this.deps.users.findById(userId);
    if (!user) return;
    this.deps.mailer.queue({
      kind: 'membership_added',
      to: user.email,
      locale: user.locale,
      subjectKey: 'mail.members_added.subject',
      params: { name: user.name, inviter: actor.name, to: councilName },
      paragraphKeys: ['mail.greeting', 'mail.members_added.body', 'mail.members_added.what'],
      action: { labelKey: 'mail.members_added.action', url: `${this.deps.baseUrl()}/login` },
    });
  }

  private toView(actor: Actor, row: MemberRow): MemberView {
    return { ...row, status: memberStatus(row), isSelf: row.user_id === actor.id };
  }
}
