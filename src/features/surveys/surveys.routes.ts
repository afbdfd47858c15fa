import { type Request, type Response, Router } from 'express';
import { ConflictError } from '../../errors.js';
import { type FormErrors, formErrors, noErrors, parseForm, submittedValues } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin, requireRole } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { redirectWithFlash, renderPage } from '../../web/render.js';
import { surveyPolicy } from './surveys.policy.js';
import { LIMITS, responseSchema, surveySchema } from './surveys.schemas.js';
import type { SurveysService } from './surveys.service.js';

const tOf = (res: Response) => res.locals.t as Translate;
const param = (req: Request, name: string) => {
  const value = (req.params as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
};
const surveyUrl = (id: number) => `/surveys/${id}`;

const requireCreator = requireRole((actor) => surveyPolicy.canCreateAny(actor));
const requireListUser = requireRole((actor) => surveyPolicy.usesSurveyList(actor));

/** council_ids as the strings the checkboxes compare with. */
const chosenIds = (values: Record<string, unknown>): string[] => {
  const v = values.council_ids;
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
};

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

  const renderForm = (res: Response, errors: FormErrors | null, values: Record<string, unknown>) => {
    const actor = actorOf(res.req);
    renderPage(
      res,
      'surveys/form',
      {
        title: tOf(res)('surveys.new.title'),
        errors: errors ?? noErrors(),
        values,
        councilGroups: service.askableCouncils(actor),
        canAskWholeDistrict: actor.isDistrictAdmin,
        limits: LIMITS,
      },
      errors ? 422 : 200,
    );
  };

  router.get('/surveys/new', requireLogin, requireCreator, (req, res) => {
    const groups = service.askableCouncils(actorOf(req));
    const only = groups.length === 1 && groups[0]?.councils.length === 1 ? groups[0].councils[0] : undefined;
    renderForm(res, null, { opens_on: service.today(), council_ids: only ? [String(only.id)] : [] });
  });

  router.post('/surveys', requireLogin, requireCreator, (req, res) => {
    const t = tOf(res);
    const form = parseForm(surveySchema(service.today()), req.body, t);
    if (!form.ok)
      return renderForm(res, form.errors, { ...form.values, council_ids: chosenIds(form.values) });
    try {
      const id = service.create(actorOf(req), form.data, contextOf(req));
      redirectWithFlash(res, surveyUrl(id), 'surveys.flash.created');
    } catch (err) {
      if (!(err instanceof ConflictError) || !err.field) throw err;
      const values = submittedValues(req.body);
      renderForm(res, formErrors(t, [{ field: err.field, messageKey: err.messageKey }]), {
        ...values,
        council_ids: chosenIds(values),
      });
    }
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
    const t = tOf(res);
    const form = parseForm(responseSchema, req.body, t);
    if (!form.ok) return renderSurvey(res, id, { errors: form.errors, values: form.values, status: 422 });
    try {
      service.respond(actorOf(req), id, form.data);
      redirectWithFlash(res, surveyUrl(id), 'surveys.flash.answered');
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      if (err.field) {
        return renderSurvey(res, id, {
          errors: formErrors(t, [{ field: err.field, messageKey: err.messageKey }]),
          values: submittedValues(req.body),
          status: 422,
        });
      }
      // A second submit (double click, back button): the first answer stands.
      renderSurvey(res, id, { notice: t(err.messageKey), status: 409 });
    }
  });

  router.post('/surveys/:id/close', requireLogin, (req, res) => {
    const id = idParam(param(req, 'id'));
    service.close(actorOf(req), id, contextOf(req));
    redirectWithFlash(res, surveyUrl(id), 'surveys.flash.closed');
  });

  return router;
}
