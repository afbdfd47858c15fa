import { Router } from 'express';
import { z } from 'zod';
import { PASSWORD_RESET_HOURS } from '../../auth/auth.service.js';
import { INVITATION_DAYS } from '../../auth/invitations.js';
import type { Actor } from '../../auth/policy.js';
import type { Core } from '../../core.js';
import { formatDate, type Locale } from '../../web/dates.js';
import { safeNextUrl } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { renderPage } from '../../web/render.js';
import type {} from '../../web/session.js';

const languageSchema = z.object({ locale: z.enum(['da', 'en']), next: z.string().optional() });

/**
 * The statement on was.digst.dk, when the setting holds a web address; anything else counts as
 * not published, so neither /was nor the statement page can lead to a javascript: or relative URL.
 */
function publishedStatementUrl(settings: Core['settings']): string | null {
  const value = settings.get('was_statement_url').trim();
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * What the start page shows a signed-in person, gathered from the features that own it (each
 * already applies the policy).
 */
export type DashboardSources = {
  openConcerns?: (actor: Actor) => { id: number; title: string; status: string; last_public_at: string }[];
  latestPosts?: (
    actor: Actor,
  ) => { id: number; title: string; period: string; published_at?: string; created_at: string }[];
  /** Summaries the officer shared with the person's networks ("Nyt fra netværksbetjenten"). */
  latestShared?: (actor: Actor) => {
    id: number;
    council_name: string;
    category_da: string;
    category_en: string;
    shared_at: string;
    /** The summary's first line, as its link text. */
    firstLine: string;
  }[];
  latestNewsletters?: (
    actor: Actor,
  ) => { id: number; title: string; started_at: string | null; send_at: string | null }[];
  /** Cancelled ones too (with the reason), until their end has passed. */
  nextMeetings?: (actor: Actor) => {
    id: number;
    title: string;
    starts_at: string;
    location: string;
    response: string | null;
    cancelled: boolean;
    cancel_reason: string | null;
  }[];
  /** Open surveys the person is asked in and has not answered (a notice at the top). */
  openSurveys?: (actor: Actor) => { id: number; title: string; closes_on: string }[];
  /** Council invitations waiting for the person's answer (a notice at the top). */
  openInvitations?: (actor: Actor) => { id: number; council_name: string }[];
  /**
   * "Din netværksbetjent": per council the person is a member of, its active officers; an empty
   * list makes the card say whom to contact instead.
   */
  myOfficers?: (actor: Actor) => {
    councilId: number;
    councilName: string;
    officers: { name: string; phone: string; email: string }[];
  }[];
};

/** The start page, the statutory pages (accessibility statement, privacy) and the language switch. */
export function createHomeRouter(
  core: Pick<Core, 'settings' | 'users' | 'now' | 'baseUrl'>,
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
      latestShared: sources.latestShared?.(actor) ?? [],
      latestNewsletters: sources.latestNewsletters?.(actor) ?? [],
      nextMeetings: sources.nextMeetings?.(actor) ?? [],
      openSurveys: sources.openSurveys?.(actor) ?? [],
      openInvitations: sources.openInvitations?.(actor) ?? [],
      myOfficers: sources.myOfficers?.(actor) ?? [],
    });
  });

  router.get('/tilgaengelighed', (_req, res) => {
    const date = core.settings.get('accessibility_statement_date');
    // A malformed date in the setting is shown as written rather than failing the statutory page.
    const isDate = /^\d{4}-\d{2}-\d{2}$/.test(date) && !Number.isNaN(Date.parse(date));
    renderPage(res, 'home/accessibility', {
      title: (res.locals.t as Translate)('accessibility.title'),
      siteUrl: core.baseUrl(),
      wasStatementUrl: publishedStatementUrl(core.settings),
      statementDate: isDate ? formatDate(date, res.locals.locale as Locale) : date,
    });
  });

  // Every Danish public website answers /was with its accessibility statement (digst.dk's "nemURL").
  router.get('/was', (_req, res) => {
    res.redirect(302, publishedStatementUrl(core.settings) ?? '/tilgaengelighed');
  });

  // Every period is read from the settings on each request, so the page states what is in force.
  router.get('/privatliv', (_req, res) => {
    const s = core.settings;
    renderPage(res, 'home/privacy', {
      title: (res.locals.t as Translate)('privacy.title'),
      dpo: { email: s.get('dpo_email'), phone: s.get('dpo_phone') },
      periods: {
        concernMonths: s.get('retention_months'),
        mailBodyDays: s.get('mail_body_retention_days'),
        auditMonths: s.get('audit_retention_months'),
        sessionIdleMinutes: s.get('session_idle_minutes'),
        referralLinkDays: s.get('referral_link_days'),
        invitationDays: INVITATION_DAYS,
        passwordResetMinutes: PASSWORD_RESET_HOURS * 60,
      },
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
