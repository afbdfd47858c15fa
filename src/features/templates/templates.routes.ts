import { type Response, Router } from 'express';
import { handleForm, showView } from '../../web/form-post.js';
import { actorOf, contextOf, idParam, requireLogin } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import { BODY_MAX, TITLE_MAX, templateSchema } from './templates.schemas.js';
import type { TemplatesService } from './templates.service.js';

export function createTemplatesRouter(service: TemplatesService): Router {
  const router = Router();

  router.get('/templates', requireLogin, (req, res) => {
    const templates = service.list(actorOf(req));
    renderPage(res, 'templates/list', { title: tOf(res)('templates.title'), templates });
  });

  type Mode = { kind: 'new' } | { kind: 'edit'; id: number; title: string };
  const formPage = (res: Response, mode: Mode) => {
    const t = tOf(res);
    return {
      title:
        mode.kind === 'new' ? t('templates.new.title') : t('templates.edit.title', { title: mode.title }),
      mode: mode.kind,
      action: mode.kind === 'new' ? '/templates' : `/templates/${mode.id}`,
      titleMax: TITLE_MAX,
      bodyMax: BODY_MAX,
    };
  };

  router.get('/templates/new', requireLogin, (req, res) => {
    service.assertCanManage(actorOf(req));
    renderPage(res, 'templates/form', formPage(res, { kind: 'new' }));
  });

  router.post('/templates', requireLogin, (req, res) => {
    const actor = actorOf(req);
    // Access first: someone who may not manage templates sees a 404, never a validation message.
    service.assertCanManage(actor);
    return handleForm(req, res, {
      schema: templateSchema,
      show: showView(res, 'templates/form', formPage(res, { kind: 'new' })),
      submit: (data) => {
        service.create(actor, data, contextOf(req));
        return { redirect: '/templates', flash: 'templates.flash.created', params: { title: data.title } };
      },
    });
  });

  router.get('/templates/:id/edit', requireLogin, (req, res) => {
    const template = service.get(actorOf(req), idParam(req.params.id));
    renderPage(res, 'templates/form', {
      ...formPage(res, { kind: 'edit', id: template.id, title: template.title }),
      values: { title: template.title, body: template.body, active: template.active === 1 ? '1' : '' },
    });
  });

  router.post('/templates/:id', requireLogin, (req, res) => {
    const actor = actorOf(req);
    const template = service.get(actor, idParam(req.params.id));
    const mode = { kind: 'edit' as const, id: template.id, title: template.title };
    return handleForm(req, res, {
      schema: templateSchema,
      show: showView(res, 'templates/form', formPage(res, mode)),
      submit: (data) => {
        service.update(actor, template.id, data, contextOf(req));
        return { redirect: '/templates', flash: 'templates.flash.updated', params: { title: data.title } };
      },
    });
  });

  return router;
}
