import { type Request, type Response, Router } from 'express';
import { policy } from '../../auth/policy.js';
import { ConflictError } from '../../errors.js';
import { type FormErrors, formErrors, parseForm } from '../../web/forms.js';
import { actorOf, idParam, requireLogin } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { redirectWithFlash, renderFormErrors, renderPage } from '../../web/render.js';
import { editSchema, inviteSchema, MEMBERSHIP_ROLES } from './members.schemas.js';
import type { MembersService, MemberView } from './members.service.js';

const tOf = (res: Response) => res.locals.t as Translate;
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
  ) => {
    const t = tOf(res);
    const council = service.manageableCouncil(actorOf(res.req), councilId);
    const locals = {
      title: t('members.new.title', { council: council.name }),
      council,
      roleOptions: roleOptions(t),
    };
    if (form) return renderFormErrors(res, 'members/new', form, values, locals);
    renderPage(res, 'members/new', { ...locals, values });
  };

  router.get('/councils/:id/members/new', requireLogin, (req, res) => {
    renderInviteForm(res, ids(req).councilId, null, { role: 'network_person' });
  });

  router.post('/councils/:id/members', requireLogin, (req, res) => {
    const t = tOf(res);
    const actor = actorOf(req);
    const { councilId } = ids(req);
    // Access first: someone who may not manage this council sees a 404, never a validation message.
    const council = service.manageableCouncil(actor, councilId);
    const form = parseForm(inviteSchema, req.body, t);
    if (!form.ok) return renderInviteForm(res, councilId, form.errors, form.values);
    try {
      const { outcome, name } = service.invite(actor, councilId, form.data);
      redirectWithFlash(res, membersUrl(councilId), `members.flash.${outcome}`, {
        name,
        email: form.data.email,
        council: council.name,
      });
    } catch (err) {
      if (!(err instanceof ConflictError) || !err.field) throw err;
      const errors = formErrors(t, [{ field: err.field, messageKey: err.messageKey }]);
      renderInviteForm(res, councilId, errors, { ...form.data });
    }
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
    const t = tOf(res);
    const actor = actorOf(req);
    const { councilId, membershipId } = ids(req);
    const { council, member } = service.memberForEdit(actor, councilId, membershipId);
    const form = parseForm(editSchema, req.body, t);
    if (!form.ok) return renderEditPage(res, member, council.name, form.errors, form.values);
    try {
      service.update(actor, councilId, membershipId, form.data);
      redirectWithFlash(res, membersUrl(councilId), 'members.flash.updated', { name: member.name });
    } catch (err) {
      if (!(err instanceof ConflictError) || !err.field) throw err;
      const errors = formErrors(t, [{ field: err.field, messageKey: err.messageKey }]);
      renderEditPage(res, member, council.name, errors, { ...form.data });
    }
  });

  /** Runs an access action; a refused one (last admin, not invited) shows the edit page with the reason. */
  const action =
    (run: (req: Request) => { key: string; params: Record<string, string> }) =>
    (req: Request, res: Response) => {
      const { councilId, membershipId } = ids(req);
      try {
        const { key, params } = run(req);
        redirectWithFlash(res, membersUrl(councilId), key, params);
      } catch (err) {
        if (!(err instanceof ConflictError) || !err.field) throw err;
        const { council, member } = service.memberForEdit(actorOf(req), councilId, membershipId);
        const errors = formErrors(tOf(res), [{ field: err.field, messageKey: err.messageKey }]);
        renderEditPage(res, member, council.name, errors, { title: member.title, role: member.role }, 409);
      }
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
