import { type Request, type Response, Router } from 'express';
import { type FormErrors, formErrors, noErrors, parseForm } from '../../web/forms.js';
import { actorOf, contextOf, requireLogin } from '../../web/guards.js';
import type { Translate } from '../../web/i18n.js';
import { redirectWithFlash, renderFormErrors, renderPage } from '../../web/render.js';
import {
  changePasswordSchema,
  confirmPasswordSchema,
  confirmRecoveryPasswordSchema,
  preferencesSchema,
  totpCodeSchema,
} from './account.schemas.js';
import type { AccountProfile, AccountService } from './account.service.js';

const tOf = (res: Response) => res.locals.t as Translate;

/** The form's starting values from the stored profile (checkboxes as "1" when on). */
function profileValues(profile: AccountProfile): Record<string, string> {
  const on = (v: 0 | 1) => (v === 1 ? '1' : '');
  return {
    name: profile.name,
    phone: profile.phone,
    locale: profile.locale,
    notify_concern_updates: on(profile.notify_concern_updates),
    notify_newsletters: on(profile.notify_newsletters),
    notify_meetings: on(profile.notify_meetings),
    notify_posts: on(profile.notify_posts),
  };
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The QR code's SVG (made by the qrcode library, not from user input) named for screen readers. */
function labelledSvg(svg: string, label: string): string {
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" focusable="false" `);
}

/** "ABCDEFGH…" as "ABCD EFGH …": easier to type into an app by hand; apps ignore the spaces. */
const groupedSecret = (secret: string) => secret.replace(/(.{4})(?=.)/g, '$1 ');

export function createAccountRouter(service: AccountService): Router {
  const router = Router();
  router.use('/account', requireLogin);

  router.get('/account', (req, res) => {
    const profile = service.profile(actorOf(req));
    renderPage(res, 'account/index', {
      title: tOf(res)('account.title'),
      profile,
      values: profileValues(profile),
    });
  });

  router.post('/account', (req, res) => {
    const t = tOf(res);
    const actor = actorOf(req);
    const form = parseForm(preferencesSchema, req.body, t);
    if (!form.ok) {
      return renderFormErrors(res, 'account/index', form.errors, form.values, {
        title: t('account.title'),
        profile: service.profile(actor),
      });
    }
    const d = form.data;
    service.updatePreferences(
      actor,
      {
        name: d.name,
        phone: d.phone,
        locale: d.locale,
        notifyConcernUpdates: d.notify_concern_updates,
        notifyNewsletters: d.notify_newsletters,
        notifyMeetings: d.notify_meetings,
        notifyPosts: d.notify_posts,
      },
      contextOf(req),
    );
    redirectWithFlash(res, '/account', 'account.saved');
  });

  router.get('/account/password', (_req, res) => {
    renderPage(res, 'account/password', { title: tOf(res)('account.password.title') });
  });

  router.post('/account/password', async (req, res) => {
    const t = tOf(res);
    const title = t('account.password.title');
    const form = parseForm(changePasswordSchema, req.body, t);
    // Passwords are never echoed back into the form.
    if (!form.ok) return renderFormErrors(res, 'account/password', form.errors, {}, { title });
    const result = await service.changePassword(
      actorOf(req),
      { currentPassword: form.data.current_password, newPassword: form.data.password },
      req.sessionID,
      contextOf(req),
    );
    if (!result.ok)
      return renderFormErrors(res, 'account/password', formErrors(t, [result.problem]), {}, { title });
    redirectWithFlash(res, '/account', 'account.password.changed');
  });

  /** The two-factor page in every state; errors and status for the re-rendered forms. */
  async function renderTwoFactor(req: Request, res: Response, errors: FormErrors = noErrors(), status = 200) {
    const t = tOf(res);
    const state = await service.twoFactorState(actorOf(req));
    // The page can hold the enrolment secret: keep it out of every cache.
    res.set('Cache-Control', 'no-store');
    renderPage(
      res,
      'account/two-factor',
      {
        title: t('account.two_factor.title'),
        state,
        qrSvg: state.enrolment ? labelledSvg(state.enrolment.qrSvg, t('account.two_factor.qr_label')) : '',
        secretText: state.enrolment ? groupedSecret(state.enrolment.secret) : '',
        errors,
      },
      status,
    );
  }

  function renderRecoveryCodes(res: Response, codes: string[], fresh: boolean) {
    res.set('Cache-Control', 'no-store');
    renderPage(res, 'account/recovery-codes', {
      title: tOf(res)('account.recovery_codes.title'),
      codes,
      fresh,
    });
  }

  router.get('/account/two-factor', (req, res) => renderTwoFactor(req, res));

  router.post('/account/two-factor', async (req, res) => {
    const t = tOf(res);
    const form = parseForm(totpCodeSchema, req.body, t);
    if (!form.ok) return renderTwoFactor(req, res, form.errors, 422);
    const result = await service.enableTwoFactor(actorOf(req), form.data.code, contextOf(req));
    if (result.ok) return renderRecoveryCodes(res, result.recoveryCodes, true);
    if ('alreadyEnabled' in result) {
      return redirectWithFlash(res, '/account/two-factor', 'account.two_factor.already_enabled');
    }
    return renderTwoFactor(req, res, formErrors(t, [result.problem]), 422);
  });

  router.post('/account/two-factor/disable', async (req, res) => {
    const t = tOf(res);
    const form = parseForm(confirmPasswordSchema, req.body, t);
    if (!form.ok) return renderTwoFactor(req, res, form.errors, 422);
    const result = await service.disableTwoFactor(actorOf(req), form.data.password, contextOf(req));
    if (result.ok) return redirectWithFlash(res, '/account', 'account.two_factor.disabled');
    if ('problem' in result) return renderTwoFactor(req, res, formErrors(t, [result.problem]), 422);
    if (result.refused === 'not_enabled') return res.redirect(303, '/account/two-factor');
    const text = t('account.two_factor.errors.required');
    return renderTwoFactor(req, res, { summary: [{ href: '#two-factor-status', text }], fields: {} }, 403);
  });

  router.post('/account/two-factor/recovery-codes', async (req, res) => {
    const t = tOf(res);
    const form = parseForm(confirmRecoveryPasswordSchema, req.body, t);
    if (!form.ok) return renderTwoFactor(req, res, form.errors, 422);
    const result = await service.regenerateRecoveryCodes(
      actorOf(req),
      form.data.recovery_password,
      contextOf(req),
    );
    if (result.ok) return renderRecoveryCodes(res, result.recoveryCodes, false);
    if ('problem' in result) return renderTwoFactor(req, res, formErrors(t, [result.problem]), 422);
    return res.redirect(303, '/account/two-factor');
  });

  return router;
}
