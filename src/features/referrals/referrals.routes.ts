import { type NextFunction, type Response, Router } from 'express';
import { handleForm, showView } from '../../web/form-post.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import { localeOf, redirectWithFlash, renderPage, tOf } from '../../web/render.js';
import { ANSWER_MAX, NOTE_MAX, referSchema, responseSchema } from './referrals.schemas.js';
import { type DepartmentReferral, ReferralLinkError, type ReferralsService } from './referrals.service.js';

const caseUrl = (concernId: number) => `/concerns/${concernId}#referrals`;

export function createReferralsRouter(service: ReferralsService): Router {
  const router = Router();

  // ---------------------------------------------------------------- officers

  const referPage = (res: Response, concernId: number) => {
    const form = service.formFor(actorOf(res.req), concernId, contextOf(res.req));
    return {
      title: tOf(res)('referrals.new.title', { id: form.concern.id }),
      concern: form.concern,
      departmentOptions: form.departments.map((d) => ({ value: d.id, label: d.name })),
      noteMax: NOTE_MAX,
      suggested: { department_id: form.suggestedDepartmentId ?? '', note: '' },
    };
  };

  router.get('/concerns/:id/referrals/new', requireLogin, (req, res) => {
    const { suggested, ...page } = referPage(res, idParam(req.params.id));
    renderPage(res, 'referrals/new', { ...page, values: suggested });
  });

  router.post('/concerns/:id/referrals', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const concernId = idParam(req.params.id);
    // Access first: whoever may not handle the concern gets 404, never a validation message.
    service.ensureCanRefer(actor, concernId);
    return handleForm(req, res, {
      schema: referSchema,
      show: (errors, values, status) => {
        const { suggested: _suggested, ...page } = referPage(res, concernId);
        showView(res, 'referrals/new', page)(errors, values, status);
      },
      submit: (data) => {
        const { department } = service.refer(actor, concernId, data, contextOf(req));
        return { redirect: caseUrl(concernId), flash: 'referrals.flash.sent', params: { department } };
      },
    });
  });

  router.post('/concerns/:id/referrals/:referralId/renew', requireLogin, (req, res) => {
    const concernId = idParam(req.params.id);
    const referralId = idParam(req.params.referralId);
    const { department } = service.renew(actorOf(req), concernId, referralId, contextOf(req));
    redirectWithFlash(res, caseUrl(concernId), 'referrals.flash.renewed', { department });
  });

  // ---------------------------------------------------------------- the department (no account)

  /**
   * The referral was withdrawn when its concern closed: 410 with a page that says so and whom to
   * call — for a GET, and for a POST, which changes nothing.
   */
  const showWithdrawn = (res: Response, referral: DepartmentReferral) =>
    renderPage(
      res,
      'referrals/withdrawn',
      { title: tOf(res)('referrals.withdrawn.title', { id: referral.concernId }), referral },
      410,
    );

  /** A link that does not work gets the same page whether it never existed, was replaced or expired. */
  const linkErrors = (err: unknown, res: Response, next: NextFunction, token: string) => {
    if (!(err instanceof ReferralLinkError)) return next(err);
    // Withdrawn between the page and the POST (the concern closed meanwhile).
    if (err.withdrawn) return showWithdrawn(res, service.forDepartment(token, localeOf(res)));
    renderPage(res, 'referrals/invalid', { title: tOf(res)('referrals.invalid.title') }, err.status);
  };

  const departmentPage = (
    res: Response,
    token: string,
    referral = service.forDepartment(token, localeOf(res)),
  ) => ({
    title: tOf(res)('referrals.respond.title', { id: referral.concernId }),
    referral,
    token,
    answerMax: ANSWER_MAX,
  });

  router.get('/referrals/:token', (req, res, next) => {
    const token = req.params.token ?? '';
    try {
      res.set('Referrer-Policy', 'no-referrer');
      const referral = service.forDepartment(token, localeOf(res));
      if (referral.status === 'withdrawn') return showWithdrawn(res, referral);
      renderPage(res, 'referrals/respond', departmentPage(res, token, referral));
    } catch (err) {
      linkErrors(err, res, next, token);
    }
  });

  router.post('/referrals/:token', async (req, res, next) => {
    const token = req.params.token ?? '';
    const self = `/referrals/${token}`;
    try {
      res.set('Referrer-Policy', 'no-referrer');
      // Before the form is read: a withdrawn referral takes no input, valid or not.
      const referral = service.forDepartment(token, localeOf(res));
      if (referral.status === 'withdrawn') return showWithdrawn(res, referral);
      await handleForm(req, res, {
        schema: responseSchema,
        show: (errors, values, status) =>
          showView(res, 'referrals/respond', departmentPage(res, token))(errors, values, status),
        submit: (data) => {
          if (data.status === 'acknowledged') {
            const { changed } = service.acknowledge(token, contextOf(req));
            return {
              redirect: self,
              flash: changed ? 'referrals.flash.acknowledged' : 'referrals.flash.unchanged',
            };
          }
          service.answer(token, data.answer, contextOf(req));
          return { redirect: self, flash: 'referrals.flash.answered' };
        },
      });
    } catch (err) {
      linkErrors(err, res, next, token);
    }
  });

  return router;
}
