import { type Response, Router } from 'express';
import { policy } from '../../auth/policy.js';
import { handleForm, showView } from '../../web/form-post.js';
import { formErrors } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireLogin, requireRole } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import { eraseSchema, peopleQuerySchema } from './privacy.schemas.js';
import { PEOPLE_PAGE_SIZE, type PersonExport, type PrivacyService } from './privacy.service.js';

/** The export as a download: JSON, never cached, never sniffed as a page. */
function sendExport(res: Response, file: PersonExport): void {
  res.attachment(file.fileName);
  res.type('application/json; charset=utf-8');
  res.send(file.body);
}

export function createPrivacyRouter(service: PrivacyService): Router {
  const router = Router();

  router.get('/account/export', requireLogin, (req, res) => {
    sendExport(res, service.exportOwn(actorOf(req), contextOf(req)));
  });

  router.use('/admin/people', requireRole(policy.isDistrictAdmin));

  router.get('/admin/people', (req, res) => {
    const { q, page } = peopleQuerySchema.parse(req.query);
    const found = service.findPeople(actorOf(req), q, page);
    const query = (p: number) =>
      `/admin/people?${new URLSearchParams({ ...(q ? { q } : {}), page: String(p) })}`;
    renderPage(res, 'privacy/people', {
      title: tOf(res)('privacy.people.title'),
      q,
      people: found.rows,
      total: found.total,
      paged: { page, hasPrevious: page > 1, hasNext: page * PEOPLE_PAGE_SIZE < found.total },
      pageHref: query,
    });
  });

  router.get('/admin/people/:id', (req, res) => {
    const preview = service.preview(actorOf(req), idParam(req.params.id));
    renderPage(res, 'privacy/person', { title: preview.person.name, preview });
  });

  router.get('/admin/people/:id/export', (req, res) => {
    sendExport(res, service.exportPerson(actorOf(req), idParam(req.params.id), contextOf(req)));
  });

  const erasePage = (res: Response, preview: ReturnType<PrivacyService['preview']>) => ({
    title: tOf(res)('privacy.erase.title', { name: preview.person.name }),
    preview,
  });

  router.get('/admin/people/:id/erase', (req, res) => {
    const preview = service.preview(actorOf(req), idParam(req.params.id));
    renderPage(res, 'privacy/erase', erasePage(res, preview));
  });

  router.post('/admin/people/:id/erase', (req, res) => {
    const actor = actorOf(req);
    const id = idParam(req.params.id);
    const preview = service.preview(actor, id);
    const show = showView(res, 'privacy/erase', erasePage(res, preview));
    return handleForm(req, res, {
      schema: eraseSchema,
      show,
      // Refused by the person's state (oneself, open concerns): the same page says why.
      conflict: (messageKey) => show(formErrors(tOf(res), [{ field: 'form', messageKey }]), {}, 409),
      submit: (d) => {
        service.erase(actor, id, contextOf(req), d.reason);
        return { redirect: '/admin/people', flash: 'privacy.erase.done' };
      },
    });
  });

  return router;
}
