import { type Request, type Response, Router } from 'express';
import { type Actor, policy } from '../../auth/policy.js';
import { NotFoundError } from '../../errors.js';
import { handleAction, handleForm, showView } from '../../web/form-post.js';
import { actorOf, idParam, requireLogin } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { redirectWithFlash, renderPage, tOf } from '../../web/render.js';
import { editSchema, inviteSchema, MEMBERSHIP_ROLES } from './members.schemas.js';
import type { MembersService } from './members.service.js';

const membersUrl = (councilId: number) => `/councils/${councilId}/members`;

const roleOptions = (t: Translate) =>
  MEMBERSHIP_ROLES.map((value) => ({ value, label: t(`roles.${value}`) }));

/** The ids in /councils/:id/members/:membershipId; anything else is a 404. */
function ids(req: Request) {
  const params = req.params as Record<string, string | undefined>;
  return {
    councilId: idParam(params.id),
    membershipId: params.membershipId === undefined ? 0 : idParam(params.membershipId),
  };
}

export function createMembersRouter(service: MembersService): Router {
  const router = Router();

  router.get('/members', requireLogin, (req, res) => {
    const groups = service.councilsFor(actorOf(req));
    const councils = groups.flatMap((g) => g.councils);
    const only = councils.length === 1 ? councils[0] : undefined;
    if (only) return res.redirect(303, membersUrl(only.id));
    renderPage(res, 'members/councils', { title: tOf(res)('members.councils.title'), groups });
  });

  router.get('/councils/:id/members', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const { council, members, canManage } = service.memberList(actor, ids(req).councilId);
    renderPage(res, 'members/list', {
      // Navigation only: a way back to the council list when there is more than one council.
      showAllLink: actor.isDistrictAdmin || policy.memberListCouncilIds(actor).length > 1,
      title: tOf(res)('members.list.title', { council: council.name }),
      council,
      members,
      canManage,
    });
  });

  const invitePage = (res: Response, councilId: number) => {
    const t = tOf(res);
    const council = service.manageableCouncil(actorOf(res.req), councilId);
    return {
      title: t('members.new.title', { council: council.name }),
      council,
      roleOptions: roleOptions(t),
    };
  };

  router.get('/councils/:id/members/new', requireLogin, (req, res) => {
    renderPage(res, 'members/new', {
      ...invitePage(res, ids(req).councilId),
      values: { role: 'network_person' },
    });
  });

  router.post('/councils/:id/members', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const { councilId } = ids(req);
    // Access first: someone who may not manage this council sees a 404, never a validation message.
    const page = invitePage(res, councilId);
    return handleForm(req, res, {
      schema: inviteSchema,
      show: showView(res, 'members/new', page),
      // One answer whether the email is new or already has an account (docs/domain.md#invitations-and-consent).
      submit: (data) => {
        const { name } = service.invite(actor, councilId, data);
        return {
          redirect: membersUrl(councilId),
          flash: 'members.flash.invited',
          params: { name, email: data.email, council: page.council.name },
        };
      },
    });
  });

  /** The edit page also carries the access actions (resend, deactivate, reactivate) and their errors. */
  const editPage = (req: Request, res: Response) => {
    const { councilId, membershipId } = ids(req);
    const { council, member } = service.memberForEdit(actorOf(req), councilId, membershipId);
    const t = tOf(res);
    return {
      title: t('members.edit.title', { name: member.name }),
      council: { id: member.council_id, name: council.name },
      member,
      roleOptions: roleOptions(t),
      stored: { title: member.title, role: member.role },
    };
  };

  router.get('/councils/:id/members/:membershipId/edit', requireLogin, (req, res) => {
    const { stored, ...page } = editPage(req, res);
    renderPage(res, 'members/edit', { ...page, values: stored });
  });

  router.post('/councils/:id/members/:membershipId/edit', requireLogin, (req, res) => {
    const { councilId, membershipId } = ids(req);
    const { stored: _stored, ...page } = editPage(req, res);
    return handleForm(req, res, {
      schema: editSchema,
      show: showView(res, 'members/edit', page),
      submit: (data) => {
        service.update(actorOf(req), councilId, membershipId, data);
        return {
          redirect: membersUrl(councilId),
          flash: 'members.flash.updated',
          params: { name: page.member.name },
        };
      },
    });
  });

  /** The access actions: each returns its flash; a refused one (last admin, not invited) shows the edit page. */
  const actions: Record<
    string,
    (
      actor: Actor,
      councilId: number,
      membershipId: number,
    ) => { flash: string; params: Record<string, string> }
  > = {
    deactivate: (actor, councilId, membershipId) => {
      const { member, userDeactivated } = service.deactivate(actor, councilId, membershipId);
      // For someone who has not yet answered, whether they have other roles is none of the council's
      // business (and for an invitation to an existing account it would tell that one exists).
      const flash =
        member.status === 'invited'
          ? 'members.flash.withdrawn'
          : userDeactivated
            ? 'members.flash.deactivated_user'
            : 'members.flash.deactivated';
      return { flash, params: { name: member.name } };
    },
    reactivate: (actor, councilId, membershipId) => {
      const { member, reinvited } = service.reactivate(actor, councilId, membershipId);
      const flash = reinvited ? 'members.flash.reactivated_invited' : 'members.flash.reactivated';
      return { flash, params: { name: member.name, email: member.email } };
    },
    resend: (actor, councilId, membershipId) => {
      const member = service.resendInvitation(actor, councilId, membershipId);
      return { flash: 'members.flash.resent', params: { name: member.name, email: member.email } };
    },
  };

  for (const [name, run] of Object.entries(actions)) {
    router.post(`/councils/:id/members/:membershipId/${name}`, requireLogin, (req, res) => {
      const { councilId, membershipId } = ids(req);
      handleAction(res, {
        run: () => ({ redirect: membersUrl(councilId), ...run(actorOf(req), councilId, membershipId) }),
        refused: (errors, status) => {
          const { stored, ...page } = editPage(req, res);
          showView(res, 'members/edit', page)(errors, stored, status);
        },
      });
    });
  }

  // ---------------------------------------------------------------- the invitee's answer

  router.get('/invitations', requireLogin, (req, res) => {
    renderPage(res, 'members/invitations', {
      title: tOf(res)('invitations.title'),
      invitations: service.openInvitations(actorOf(req)),
    });
  });

  router.post('/invitations/:id/accept', requireLogin, (req, res) => {
    const invitation = service.acceptInvitation(actorOf(req), idParam(req.params.id));
    redirectWithFlash(res, '/', 'invitations.flash.accepted', { council: invitation.council_name });
  });

  const invalidLink = (res: Response) =>
    renderPage(res, 'auth/invitation-invalid', { title: tOf(res)('invitation.invalid.title') }, 410);

  // An invitation is declined by its number when signed in, or from the link page of a new address
  // by the link's token — 43 characters of base64url, so never a string of digits.
  const isNumber = (key: string) => /^\d{1,12}$/.test(key);

  /** The link page's "no thanks", asked once more before the link is used up. */
  router.get('/invitations/:key/decline', (req, res) => {
    const token = req.params.key;
    if (isNumber(token)) throw new NotFoundError();
    const invitee = service.inviteeWhoMayDecline(token);
    if (!invitee) return invalidLink(res);
    renderPage(res, 'auth/invitation-decline', {
      title: tOf(res)('invitations.link_decline.title'),
      invitee,
      token,
    });
  });

  router.post('/invitations/:key/decline', (req, res, next) => {
    const key = req.params.key;
    if (!isNumber(key)) {
      if (!service.declineByLink(key)) return invalidLink(res);
      return redirectWithFlash(res, '/', 'invitations.flash.declined_link');
    }
    if (!req.user) return requireLogin(req, res, next);
    const { invitation, signedOut } = service.declineInvitation(actorOf(req), idParam(key));
    redirectWithFlash(
      res,
      '/',
      signedOut ? 'invitations.flash.declined_signed_out' : 'invitations.flash.declined',
      { council: invitation.council_name },
    );
  });

  return router;
}
