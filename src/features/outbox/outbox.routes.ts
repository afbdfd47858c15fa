import { type Request, type Response, Router } from 'express';
import { policy } from '../../auth/policy.js';
import { handleAction } from '../../web/form-post.js';
import type { FormErrors } from '../../web/forms.js';
import { actorOf, contextOf, idParam, requireRole } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import { outboxQuerySchema } from './outbox.schemas.js';
import type { OutboxService } from './outbox.service.js';

export function createOutboxRouter(service: OutboxService): Router {
  const router = Router();

  // Like the rest of /admin: district admins only, a 404 for everyone else (also for the POST).
  router.use('/admin/outbox', requireRole(policy.isDistrictAdmin));

  /** The page; after a refused resend the same page with the reason, status 409. */
  const renderOutbox = (
    req: Request,
    res: Response,
    extra: { errors?: FormErrors; status?: number } = {},
  ) => {
    const query = outboxQuerySchema.parse(req.query);
    const overview = service.overview(actorOf(req), query);
    const href = (waitingPage: number, failedPage: number, anchor: string) =>
      `/admin/outbox?${new URLSearchParams({ waiting_page: String(waitingPage), failed_page: String(failedPage) })}#${anchor}`;
    renderPage(
      res,
      'outbox/index',
      {
        title: tOf(res)('outbox.title'),
        overview,
        waitingHref: (p: number) => href(p, query.failed_page, 'waiting'),
        failedHref: (p: number) => href(query.waiting_page, p, 'failed'),
        ...(extra.errors ? { errors: extra.errors } : {}),
      },
      extra.status ?? 200,
    );
  };

  router.get('/admin/outbox', (req, res) => renderOutbox(req, res));

  router.post('/admin/outbox/:id/resend', (req, res) => {
    const id = idParam(req.params.id);
    handleAction(res, {
      run: () => {
        const { to } = service.resend(actorOf(req), id, contextOf(req));
        return { redirect: '/admin/outbox', flash: 'outbox.flash.resent', params: { to } };
      },
      refused: (errors, status) => renderOutbox(req, res, { errors, status }),
    });
  });

  return router;
}
