import { type Request, type Response, Router } from 'express';
import { handleForm, showView } from '../../web/form-post.js';
import { checkedValues, type FormErrors, noErrors, submittedValues } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin, requireRole } from '../../web/guards.js';
import { redirectWithFlash, renderPage, tOf } from '../../web/render.js';
import { surveyPolicy } from './surveys.policy.js';
import { LIMITS, responseSchema, surveySchema } from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

const param = (req: Request, name: string) => {
  const value = (req.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
};
const surveyUrl = (id: number) => `/surveys/${id}`;

const requireCreator = requireRole((actor) => surveyPolicy.canCreateAny(actor));
const requireListUser = requireRole((actor) => surveyPolicy.usesSurveyList(actor));

export function createSurveysRouter(service: SurveysService): Router {
  const router = Router();

  router.get('/surveys', requireLogin, requireListUser, (req, res) => {
    const actor = actorOf(req);
    renderPage(res, 'surveys/index', {
      title: tOf(res)('surveys.index.title'),
      items: service.list(actor),
      canCreate: service.canCreate(actor),
    });
  });

  const formPage = (res: Response) => {
    const actor = actorOf(res.req);
    return {
      title: tOf(res)('surveys.new.title'),
      councilGroups: service.askableCouncils(actor),
      canAskWholeDistrict: actor.isDistrictAdmin,
      limits: LIMITS,
    };
  };

  router.get('/surveys/new', requireLogin, requireCreator, (req, res) => {
    const groups = service.askableCouncils(actorOf(req));
    const only = groups.length === 1 && groups[0]?.councils.length === 1 ? groups[0].councils[0] : undefined;
    renderPage(res, 'surveys/form', {
      ...formPage(res),
      values: { opens_on: service.today(), council_ids: only ? [String(only.id)] : [] },
    });
  });

  router.post('/surveys', requireLogin, requireCreator, (req, res) => {
    const values = submittedValues(req.body);
    return handleForm(req, res, {
      schema: surveySchema(service.today()),
      values: { ...values, council_ids: checkedValues(values, 'council_ids') },
      show: showView(res, 'surveys/form', () => formPage(res)),
      submit: (data) => {
        const id = service.create(actorOf(req), data, contextOf(req));
        return { redirect: surveyUrl(id), flash: 'surveys.flash.created' };
      },
    });
  });

  const renderSurvey = (
    res: Response,
    id: number,
    extras: { errors?: FormErrors; values?: Record<string, unknown>; notice?: string; status?: number } = {},
  ) => {
    const view = service.view(actorOf(res.req), id);
    renderPage(
      res,
      'surveys/show',
      {
        title: view.survey.title,
        view,
        errors: extras.errors ?? noErrors(),
        values: extras.values ?? {},
        notice: extras.notice,
        limits: LIMITS,
      },
      extras.status ?? 200,
    );
  };

  router.get('/surveys/:id', requireLogin, (req, res) => {
    renderSurvey(res, idParam(param(req, 'id')));
  });

  router.post('/surveys/:id/responses', requireLogin, (req, res) => {
    const id = idParam(param(req, 'id'));
    // 404 before any validation message: no such survey, not asked, or not open (respond checks again).
    service.answerableCouncilIds(actorOf(req), id);
    return handleForm(req, res, {
      schema: responseSchema,
      show: (errors, values, status) => renderSurvey(res, id, { errors, values, status }),
      submit: (data) => {
        service.respond(actorOf(req), id, data);
        return { redirect: surveyUrl(id), flash: 'surveys.flash.answered' };
      },
      // A second submit (double click, back button): the first answer stands.
      conflict: (messageKey) => renderSurvey(res, id, { notice: tOf(res)(messageKey), status: 409 }),
    });
  });

  router.post('/surveys/:id/close', requireLogin, (req, res) => {
    const id = idParam(param(req, 'id'));
    service.close(actorOf(req), id, contextOf(req));
    redirectWithFlash(res, surveyUrl(id), 'surveys.flash.closed');
  });

  return router;
}
