import { type Response, Router } from 'express';
import type { FormErrors } from '../../web/forms.js';
import { parseForm } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import { redirectWithFlash, renderFormErrors, renderPage, tOf } from '../../web/render.js';
import { BODY_MAX, TITLE_MAX, templateSchema } from './templates.schemas.js';
import type { TemplatesService } from './templates.service.js';

export function createTemplatesRouter(service: TemplatesService): Router {
  const router = Router();

  router.get('/templates', requireLogin, (req, res) => {
    const templates = service.list(actorOf(req));
    renderPage(res, 'templates/list', { title: tOf(res)('templates.title'), templates });
  });

  const renderForm = (
    res: Response,
    mode: { kind: 'new' } | { kind: 'edit'; id: number; title: string },
    values: Record<string, unknown>,
    errors: FormErrors | null,
  ) => {
    const t = tOf(res);
    const locals = {
      title:
        mode.kind === 'new' ? t('templates.new.title') : t('templates.edit.title', { title: mode.title }),
      mode: mode.kind,
      action: mode.kind === 'new' ? '/templates' : `/templates/${mode.id}`,
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    };
    if (errors) return renderFormErrors(res, 'templates/form', errors, values, locals);
    renderPage(res, 'templates/form', { ...locals, values });
  };

  router.get('/templates/new', requireLogin, (req, res) => {
    service.assertCanManage(actorOf(req));
    renderForm(res, { kind: 'new' }, {}, null);
  });

  router.post('/templates', requireLogin, (req, res) => {
    const actor = actorOf(req);
    // Access first: someone who may not manage templates sees a 404, never a validation message.
    service.assertCanManage(actor);
    const form = parseForm(templateSchema, req.body, tOf(res));
    if (!form.ok) return renderForm(res, { kind: 'new' }, form.values, form.errors);
    service.create(actor, form.data, contextOf(req));
    redirectWithFlash(res, '/templates', 'templates.flash.created', { title: form.data.title });
  });

  router.get('/templates/:id/edit', requireLogin, (req, res) => {
    const template = service.get(actorOf(req), idParam(req.params.id));
    renderForm(
      res,
      { kind: 'edit', id: template.id, title: template.title },
      { title: template.title, body: template.body, active: template.active === 1 ? '1' : '' },
      null,
    );
  });

  router.post('/templates/:id', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const template = service.get(actor, idParam(req.params.id));
    const form = parseForm(templateSchema, req.body, tOf(res));
    if (!form.ok) {
      return renderForm(
        res,
        { kind: 'edit', id: template.id, title: template.title },
        form.values,
        form.errors,
      );
    }
    service.update(actor, template.id, form.data, contextOf(req));
    redirectWithFlash(res, '/templates', 'templates.flash.updated', { title: form.data.title });
  });

  return router;
}
