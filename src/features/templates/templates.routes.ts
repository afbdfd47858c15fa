import { type Response, Router } from 'express';
import { handleForm } from '../../web/form-post.js';
import type { FormErrors } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import { renderFormErrors, renderPage, tOf } from '../../web/render.js';
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
    status = 422,
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
    if (errors) return renderFormErrors(res, 'templates/form', errors, values, locals, status);
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
    return handleForm(req, res, {
      schema: templateSchema,
      show: (errors, values, status) => renderForm(res, { kind: 'new' }, values, errors, status),
      submit: (data) => {
        service.create(actor, data, contextOf(req));
        return { redirect: '/templates', flash: 'templates.flash.created', params: { title: data.title } };
      },
    });
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
    const mode = { kind: 'edit' as const, id: template.id, title: template.title };
    return handleForm(req, res, {
      schema: templateSchema,
      show: (errors, values, status) => renderForm(res, mode, values, errors, status),
      submit: (data) => {
        service.update(actor, template.id, data, contextOf(req));
        return { redirect: '/templates', flash: 'templates.flash.updated', params: { title: data.title } };
      },
    });
  });

  return router;
}
