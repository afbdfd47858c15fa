import { type Response, Router } from 'express';
import { policy } from '../../auth/policy.js';
import { handleForm, showView } from '../../web/form-post.js';
import { actorOf, contextOf, requireRole } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import { SETTING_GROUPS, settingsSchema } from './settings.schemas.js';
import type { SettingsService } from './settings.service.js';

export function createSettingsRouter(service: SettingsService): Router {
  const router = Router();

  // Like the rest of /admin: district admins only, a 404 for everyone else (also for the POST).
  router.use('/admin/settings', requireRole(policy.isDistrictAdmin));

  const page = (res: Response) => ({
    title: tOf(res)('settings.title'),
    groups: SETTING_GROUPS,
    defaults: service.defaults(),
  });

  router.get('/admin/settings', (req, res) => {
    renderPage(res, 'settings/index', { ...page(res), values: service.current(actorOf(req)) });
  });

  router.post('/admin/settings', (req, res) => {
    const actor = actorOf(req);
    service.assertCanManage(actor);
    return handleForm(req, res, {
      schema: settingsSchema,
      show: showView(res, 'settings/index', () => page(res)),
      submit: (data) => {
        const changed = service.update(actor, data, contextOf(req));
        return {
          redirect: '/admin/settings',
          flash: changed.length > 0 ? 'settings.flash.saved' : 'settings.flash.unchanged',
        };
      },
    });
  });

  return router;
}
