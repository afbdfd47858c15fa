import { Router } from 'express';
import { z } from 'zod';
import type { Actor } from '../../auth/policy.js';
import type { Core } from '../../composition.js';
import { safeNextUrl } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { renderPage } from '../../web/render.js';

const languageSchema = z.object({ locale: z.enum(['da', 'en']), next: z.string().optional() });

/** The start page, the statutory pages (accessibility statement, privacy) and the language switch. */
export function createHomeFeature(core: Core) {
  const router = Router();

  router.get('/', (req, res) => {
    const t = res.locals.t as Translate;
    renderPage(res, req.user ? 'home/dashboard' : 'home/welcome', { title: t('home.title') });
  });

  router.get('/tilgaengelighed', (_req, res) => {
    renderPage(res, 'home/accessibility', { title: (res.locals.t as Translate)('accessibility.title') });
  });

  router.get('/privatliv', (_req, res) => {
    renderPage(res, 'home/privacy', {
      title: (res.locals.t as Translate)('privacy.title'),
      retentionMonths: core.settings.get('retention_months'),
    });
  });

  /** Remembered on the account when signed in, in the session otherwise. */
  router.post('/language', (req, res) => {
    const parsed = languageSchema.safeParse(req.body);
    const next = safeNextUrl(parsed.success ? parsed.data.next : undefined);
    if (parsed.success) {
      const actor = req.user as Actor | undefined;
      if (actor) core.users.setLocale(actor.id, parsed.data.locale, core.now().toISOString());
      (req.session as unknown as { locale?: string }).locale = parsed.data.locale;
    }
    res.redirect(303, next);
  });

  return { router };
}
