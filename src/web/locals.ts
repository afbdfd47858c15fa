import type { NextFunction, Request, Response } from 'express';
import { type Actor, policy } from '../auth/policy.js';
import type { SettingsRepository } from '../db/settings.repository.js';
import {
  formatDate,
  formatDateShort,
  formatDateTime,
  formatNumber,
  formatTime,
  type Locale,
  toLocalInputValue,
} from './dates.js';
import { fieldId } from './forms.js';
import { isLocale, type Messages, translator } from './i18n.js';
import type {} from './session.js';

export type NavItem = { href: string; key: string; current: boolean };

/** The navigation shows only what the actor's roles can use. Later features add their items here. */
export function navigationFor(actor: Actor | undefined, path: string): NavItem[] {
  if (!actor) return [];
  const items: { href: string; key: string; match: string }[] = [{ href: '/', key: 'nav.home', match: '/' }];
  const isStaff = policy.canUseTriage(actor);
  if (isStaff) items.push({ href: '/triage', key: 'nav.triage', match: '/triage' });
  if (actor.memberships.length > 0 || isStaff)
    items.push({ href: '/concerns', key: 'nav.concerns', match: '/concerns' });
  if (isStaff) items.push({ href: '/templates', key: 'nav.templates', match: '/templates' });
  if (actor.memberships.length > 0 || isStaff) {
    items.push({ href: '/newsletters', key: 'nav.newsletters', match: '/newsletters' });
    items.push({ href: '/meetings', key: 'nav.meetings', match: '/meetings' });
    items.push({ href: '/posts', key: 'nav.posts', match: '/posts' });
  }
  if (policy.memberListCouncilIds(actor).length > 0 || actor.isDistrictAdmin) {
    items.push({ href: '/members', key: 'nav.members', match: '/members|/councils' });
  }
  if (policy.canViewEvaluation(actor)) {
    items.push({ href: '/stats', key: 'nav.stats', match: '/stats|/surveys' });
  }
  if (actor.isDistrictAdmin) items.push({ href: '/admin', key: 'nav.admin', match: '/admin' });
  items.push({ href: '/account', key: 'nav.account', match: '/account' });
  return items.map((i) => ({
    href: i.href,
    key: i.key,
    current:
      i.match === '/' ? path === '/' : i.match.split('|').some((m) => path === m || path.startsWith(`${m}/`)),
  }));
}

/** The locale: the signed-in user's choice, else the visitor's session choice, else Danish. */
export function localeOf(req: Request): Locale {
  const actor = req.user as Actor | undefined;
  if (actor) return actor.locale;
  const chosen = req.session?.locale;
  return isLocale(chosen) ? chosen : 'da';
}

/** Everything every view may use: t, formatters, the actor, navigation, the one-time flash. */
export function viewLocals(messages: Messages, settings: SettingsRepository) {
  return (req: Request, res: Response, next: NextFunction) => {
    const locale = localeOf(req);
    const actor = req.user as Actor | undefined;
    const t = translator(messages, locale);
    res.locals.locale = locale;
    res.locals.t = t;
    res.locals.actor = actor;
    res.locals.nav = navigationFor(actor, req.path);
    res.locals.currentUrl = req.originalUrl;
    res.locals.fieldId = fieldId;
    res.locals.formatDate = (v: string | Date) => formatDate(v, locale);
    res.locals.formatDateShort = (v: string | Date) => formatDateShort(v, locale);
    res.locals.formatDateTime = (v: string | Date) => formatDateTime(v, locale);
    res.locals.formatTime = (v: string | Date) => formatTime(v, locale);
    res.locals.formatNumber = (v: number, digits?: number) => formatNumber(v, locale, digits);
    res.locals.toLocalInputValue = toLocalInputValue;
    res.locals.authority = {
      name: settings.get('authority_name'),
      email: settings.get('authority_email'),
      phone: settings.get('authority_phone'),
      address: settings.get('authority_address'),
    };
    const flash = req.session?.flash;
    if (flash) {
      res.locals.flash = t(flash.key, flash.params);
      delete req.session.flash;
    }
    res.set('Content-Language', locale);
    next();
  };
}
