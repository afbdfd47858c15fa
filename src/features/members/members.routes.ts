import { type Request, type Response, Router } from 'express';
import { policy } from '../../auth/policy.js';
import { handleAction, handleForm } from '../../web/form-post.js';
import type { FormErrors } from '../../web/forms.js';
import { actorOf, idParam, requireLogin } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { renderFormErrors, renderPage, tOf } from '../../web/render.js';
import { editSchema, inviteSchema, MEMBERSHIP_ROLES } from './members.schemas.js';
import type { MembersService, MemberView } from './members.service.js';

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

  const renderInviteForm = (
    res: Response,
    councilId: number,
    form: FormErrors | null,
    values: Record<string, unknown>,
    status = 422,
  ) => {
    const t = tOf(res);
    const council = service.manageableCouncil(actorOf(res.req), councilId);
    const locals = {
      title: t('members.new.title', { council: council.name }),
      council,
      roleOptions: roleOptions(t),
    };
    if (form) return renderFormErrors(res, 'members/new', form, values, locals, status);
    renderPage(res, 'members/new', { ...locals, values });
  };

  router.get('/councils/:id/members/new', requireLogin, (req, res) => {
    renderInviteForm(res, ids(req).councilId, null, { role: 'network_person' });
  });

  router.post('/councils/:id/members', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const { councilId } = ids(req);
    // Access first: someone who may not manage this council sees a 404, never a validation message.
    const council = service.manageableCouncil(actor, councilId);
    return handleForm(req, res, {
      schema: inviteSchema,
      show: (errors, values, status) => renderInviteForm(res, councilId, errors, values, status),
      submit: (data) => {
        const { outcome, name } = service.invite(actor, councilId, data);
        return {
          redirect: membersUrl(councilId),
          flash: `members.flash.${outcome}`,
          params: { name, email: data.email, council: council.name },
        };
      },
    });
  });

  /** The edit page also carries the access actions (resend, deactivate, reactivate) and their errors. */
  const renderEditPage = (
    res: Response,
    member: MemberView,
    councilName: string,
    errors: FormErrors | null,
    values: Record<string, unknown>,
    status = 422,
  ) => {
    const t = tOf(res);
    const locals = {
      title: t('members.edit.title', { name: member.name }),
      council: { id: member.council_id, name: councilName },
      member,
      roleOptions: roleOptions(t),
    };
    if (errors) return renderFormErrors(res, 'members/edit', errors, values, locals, status);
    renderPage(res, 'members/edit', { ...locals, values });
  };

  router.get('/councils/:id/members/:membershipId/edit', requireLogin, (req, res) => {
    const { councilId, membershipId } = ids(req);
    const { council, member } = service.memberForEdit(actorOf(req), councilId, membershipId);
    renderEditPage(res, member, council.name, null, { title: member.title, role: member.role });
  });

  router.post('/councils/:id/members/:membershipId/edit', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const { councilId, membershipId } = ids(req);
    const { council, member } = service.memberForEdit(actor, councilId, membershipId);
    return handleForm(req, res, {
      schema: editSchema,
      show: (errors, values, status) => renderEditPage(res, member, council.name, errors, values, status),
      submit: (data) => {
        service.update(actor, councilId, membershipId, data);
        return {
          redirect: membersUrl(councilId),
          flash: 'members.flash.updated',
          params: { name: member.name },
        };
      },
    });
  });

  /** Runs an access action; a refused one (last admin, not invited) shows the edit page with the reason. */
  const action =
    (run: (req: Request) => { key: string; params: Record<string, string> }) =>
    (req: Request, res: Response) => {
      const { councilId, membershipId } = ids(req);
      handleAction(res, {
        run: () => {
          const { key, params } = run(req);
          return { redirect: membersUrl(councilId), flash: key, params };
        },
        refused: (errors, status) => {
          const { council, member } = service.memberForEdit(actorOf(req), councilId, membershipId);
          renderEditPage(
            res,
            member,
            council.name,
            errors,
            { title: member.title, role: member.role },
            status,
          );
        },
      });
    };

  router.post(
    '/councils/:id/members/:membershipId/deactivate',
    requireLogin,
    action((req) => {
      const { councilId, membershipId } = ids(req);
      const { member, userDeactivated } = service.deactivate(actorOf(req), councilId, membershipId);
      return {
        key: userDeactivated ? 'members.flash.deactivated_user' : 'members.flash.deactivated',
        params: { name: member.name },
      };
    }),
  );

  router.post(
    '/councils/:id/members/:membershipId/reactivate',
    requireLogin,
    action((req) => {
      const { councilId, membershipId } = ids(req);
      const { member, reinvited } = service.reactivate(actorOf(req), councilId, membershipId);
      return {
        key: reinvited ? 'members.flash.reactivated_invited' : 'members.flash.reactivated',
        params: { name: member.name, email: member.email },
      };
    }),
  );

  router.post(
    '/councils/:id/members/:membershipId/resend',
    requireLogin,
    action((req) => {
      const { councilId, membershipId } = ids(req);
      const member = service.resendInvitation(actorOf(req), councilId, membershipId);
      return { key: 'members.flash.resent', params: { name: member.name, email: member.email } };
    }),
  );

  return router;
}
