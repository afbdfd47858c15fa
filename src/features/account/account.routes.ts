import { type Request, type Response, Router } from 'express';
import { startNewSession } from '../../auth/passport.js';
import { handleForm, showView } from '../../web/form-post.js';
import { type FormErrors, noErrors } from '../../web/forms.js';
import { actorOf, contextOf, requireLogin } from '../../web/guards.js';
import { renderPage, tOf } from '../../web/render.js';
import {
  changePasswordSchema,
  confirmPasswordSchema,
  confirmRecoveryPasswordSchema,
  preferencesSchema,
  totpCodeSchema,
} from './account.schemas.js';
import type { AccountProfile, AccountService } from './account.service.js';

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
    notify_concern_additions: on(profile.notify_concern_additions),
    notify_shared_summaries: on(profile.notify_shared_summaries),
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
    const actor = actorOf(req);
    return handleForm(req, res, {
      schema: preferencesSchema,
      show: showView(res, 'account/index', () => ({
        title: tOf(res)('account.title'),
        profile: service.profile(actor),
      })),
      submit: (d) => {
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
            notifyConcernAdditions: d.notify_concern_additions,
            notifySharedSummaries: d.notify_shared_summaries,
          },
          contextOf(req),
        );
        return { redirect: '/account', flash: 'account.saved' };
      },
    });
  });

  router.get('/account/password', (_req, res) => {
    renderPage(res, 'account/password', { title: tOf(res)('account.password.title') });
  });

  router.post('/account/password', (req, res) =>
    handleForm(req, res, {
      schema: changePasswordSchema,
      show: showView(res, 'account/password', { title: tOf(res)('account.password.title') }),
      // Passwords are never echoed back into the form.
      values: {},
      submit: async (data) => {
        const actor = actorOf(req);
        const result = await service.changePassword(
          actor,
          { currentPassword: data.current_password, newPassword: data.password },
          req.sessionID,
          contextOf(req),
        );
        if (!result.ok) return { refused: [result.problem] };
        // A change of how one signs in is a change of privilege: the session id changes with it.
        await startNewSession(req, res, actor);
        return { redirect: '/account', flash: 'account.password.changed' };
      },
    }),
  );

  /** The two-factor page in every state; errors and status for the re-rendered forms. */
  async function renderTwoFactor(req: Request, res: Response, errors: FormErrors = noErrors(), status = 200) {
    const t = tOf(res);
    const state = await service.twoFactorState(actorOf(req));
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
    renderPage(res, 'account/recovery-codes', {
      title: tOf(res)('account.recovery_codes.title'),
      codes,
      fresh,
    });
  }

  router.get('/account/two-factor', (req, res) => renderTwoFactor(req, res));

  const showTwoFactor =
    (req: Request, res: Response) => (errors: FormErrors, _values: unknown, status: number) =>
      renderTwoFactor(req, res, errors, status);

  router.post('/account/two-factor', (req, res) =>
    handleForm(req, res, {
      schema: totpCodeSchema,
      show: showTwoFactor(req, res),
      submit: async (data) => {
        const actor = actorOf(req);
        const result = await service.enableTwoFactor(actor, data.code, contextOf(req));
        if ('alreadyEnabled' in result) {
          return { redirect: '/account/two-factor', flash: 'account.two_factor.already_enabled' };
        }
        if (!result.ok) return { refused: [result.problem] };
        await startNewSession(req, res, actor);
        renderRecoveryCodes(res, result.recoveryCodes, true);
        return undefined;
      },
    }),
  );

  router.post('/account/two-factor/disable', (req, res) =>
    handleForm(req, res, {
      schema: confirmPasswordSchema,
      show: showTwoFactor(req, res),
      submit: async (data) => {
        const actor = actorOf(req);
        const result = await service.disableTwoFactor(actor, data.password, contextOf(req));
        if (result.ok) {
          await startNewSession(req, res, actor);
          return { redirect: '/account', flash: 'account.two_factor.disabled' };
        }
        if ('problem' in result) return { refused: [result.problem] };
        if (result.refused === 'not_enabled') return { redirect: '/account/two-factor' };
        // Officers and admins may not switch it off: a refusal of the account's rules, not of the input.
        const text = tOf(res)('account.two_factor.errors.required');
        await renderTwoFactor(req, res, { summary: [{ href: '#two-factor-status', text }], fields: {} }, 403);
        return undefined;
      },
    }),
  );

  router.post('/account/two-factor/recovery-codes', (req, res) =>
    handleForm(req, res, {
      schema: confirmRecoveryPasswordSchema,
      show: showTwoFactor(req, res),
      submit: async (data) => {
        const result = await service.regenerateRecoveryCodes(
          actorOf(req),
          data.recovery_password,
          contextOf(req),
        );
        if (result.ok) {
          renderRecoveryCodes(res, result.recoveryCodes, false);
          return undefined;
        }
        if ('problem' in result) return { refused: [result.problem] };
        return { redirect: '/account/two-factor' };
      },
    }),
  );

  return router;
}
