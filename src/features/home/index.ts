import { Router } from 'express';
import { z } from 'zod';
import type { Actor } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { safeNextUrl } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { renderPage } from '../../web/render.js';
import type {} from '../../web/session.js';

const languageSchema = z.object({ locale: z.enum(['da', 'en']), next: z.string().optional() });

/**
 * What the start page shows a signed-in person, gathered from the features that own it (each
 * already applies the policy).
 */
export type DashboardSources = {
  openConcerns?: (actor: Actor) => { id: number; title: string; status: string; last_public_at: string }[];
  latestPosts?: (
    actor: Actor,
  ) => { id: number; title: string; period: string; published_at?: string; created_at: string }[];
  latestNewsletters?: (
    actor: Actor,
  ) => { id: number; title: string; started_at: string | null; send_at: string | null }[];
  nextMeetings?: (
    actor: Actor,
  ) => { id: number; title: string; starts_at: string; location: string; response: string | null }[];
  /** Open surveys the person is asked in and has not answered (a notice at the top). */
  openSurveys?: (actor: Actor) => { id: number; title: string; closes_on: string }[];
};

/** The start page, the statutory pages (accessibility statement, privacy) and the language switch. */
export function createHomeRouter(
  core: Pick<Core, 'settings' | 'users' | 'now'>,
  sources: DashboardSources,
): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const t = res.locals.t as Translate;
    const actor = req.user as Actor | undefined;
    if (!actor) return renderPage(res, 'home/welcome', { title: t('home.title') });
    renderPage(res, 'home/dashboard', {
      title: t('home.title'),
      openConcerns: sources.openConcerns?.(actor) ?? [],
      latestPosts: sources.latestPosts?.(actor) ?? [],
      latestNewsletters: sources.latestNewsletters?.(actor) ?? [],
      nextMeetings: sources.nextMeetings?.(actor) ?? [],
      openSurveys: sources.openSurveys?.(actor) ?? [],
    });
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
      req.session.locale = parsed.data.locale;
    }
    res.redirect(303, next);
  });

  return router;
}
