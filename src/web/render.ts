import type { Response } from 'express';
import type { Locale } from './dates.js';
import { type FormErrors, noErrors } from './forms.js';
import type { Translate } from './i18n.js';
import type {} from './session.js';

/** The request's translator, set by viewLocals (src/web/locals.ts). */
export const tOf = (res: Response): Translate => res.locals.t as Translate;

/** The request's locale, set by viewLocals (src/web/locals.ts). */
export const localeOf = (res: Response): Locale => res.locals.locale as Locale;

/**
 * Renders a page view into the shared layout (views/layout.ejs). Views receive res.locals
 * (t, locale, actor, csrfToken, format helpers) plus what the handler passes.
 */
export function renderPage(
  res: Response,
  view: string,
  locals: Record<string, unknown> = {},
  status = 200,
): void {
  const data = { errors: noErrors(), values: {}, ...locals };
  res.app.render(view, { ...res.locals, ...data }, (err, body) => {
    if (err) return res.req.next?.(err);
    res.status(status).render('layout', { ...data, body });
  });
}

/** The same form page again with the submitted values and the DKFDS error summary. */
export function renderFormErrors(
  res: Response,
  view: string,
  errors: FormErrors,
  values: Record<string, unknown>,
  locals: Record<string, unknown> = {},
  status = 422,
): void {
  renderPage(res, view, { ...locals, errors, values }, status);
}

/** Post/redirect/get with a one-time success message shown on the next page. */
export function redirectWithFlash(
  res: Response,
  url: string,
  messageKey: string,
  params?: Record<string, string>,
) {
  res.req.session.flash = { key: messageKey, params };
  res.redirect(303, url);
}
