import { type Request, type Response, Router } from 'express';
import { formErrors, parseForm } from '../web/forms.js';
import { safeNextUrl } from '../web/guards.js';
import type { Translate } from '../web/i18n.js';
import { redirectWithFlash, renderFormErrors, renderPage } from '../web/render.js';
import { forgotSchema, loginSchema, newPasswordSchema, secondFactorSchema } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import type { SqliteSessionStore } from './session-store.js';

type AuthSession = { pendingUserId?: number; pendingNext?: string };

const tOf = (res: Response) => res.locals.t as Translate;
const ipOf = (req: Request) => req.ip ?? 'unknown';

/** Signs the user in: a new session id (passport regenerates it) so a fixed id cannot be reused. */
function signIn(req: Request, userId: number): Promise<void> {
  return new Promise((resolve, reject) =>
    req.login({ id: userId }, (err) => (err ? reject(err) : resolve())),
  );
}

export function createAuthRouter(deps: { auth: AuthService; sessions: SqliteSessionStore }): Router {
  const { auth } = deps;
  const router = Router();

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect(303, '/');
    renderPage(res, 'auth/login', {
      title: tOf(res)('login.title'),
      values: { next: safeNextUrl(req.query.next, '') },
    });
  });

  router.post('/login', async (req, res) => {
    const t = tOf(res);
    const form = parseForm(loginSchema, req.body, t);
    if (!form.ok)
      return renderFormErrors(res, 'auth/login', form.errors, form.values, { title: t('login.title') });
    const outcome = await auth.login(form.data.email, form.data.password, ipOf(req));
    const next = safeNextUrl(form.data.next);
    if (outcome.result === 'invalid') {
      // One message for unknown email and wrong password: the form must not reveal who has an account.
      const errors = formErrors(t, [{ field: 'email', messageKey: 'login.errors.invalid' }]);
      return renderFormErrors(
        res,
        'auth/login',
        errors,
        { email: form.data.email, next },
        { title: t('login.title') },
        401,
      );
    }
    if (outcome.result === 'second_factor') {
      await new Promise<void>((resolve, reject) =>
        req.session.regenerate((err) => (err ? reject(err) : resolve())),
      );
      const session = req.session as unknown as AuthSession;
      session.pendingUserId = outcome.userId;
      session.pendingNext = next;
      return res.redirect(303, '/login/two-factor');
    }
    await signIn(req, outcome.userId);
    res.redirect(303, next);
  });

  router.get('/login/two-factor', (req, res) => {
    if (!(req.session as unknown as AuthSession).pendingUserId) return res.redirect(303, '/login');
    renderPage(res, 'auth/two-factor', { title: tOf(res)('login.two_factor.title') });
  });

  router.post('/login/two-factor', async (req, res) => {
    const t = tOf(res);
    const session = req.session as unknown as AuthSession;
    const userId = session.pendingUserId;
    if (!userId) return res.redirect(303, '/login');
    const form = parseForm(secondFactorSchema, req.body, t);
    const title = t('login.two_factor.title');
    if (!form.ok) return renderFormErrors(res, 'auth/two-factor', form.errors, form.values, { title });
    if (!(await auth.verifySecondFactor(userId, form.data.code, ipOf(req)))) {
      const errors = formErrors(t, [{ field: 'code', messageKey: 'login.errors.code_invalid' }]);
      return renderFormErrors(res, 'auth/two-factor', errors, {}, { title }, 401);
    }
    const next = session.pendingNext ?? '/';
    await signIn(req, userId);
    res.redirect(303, next);
  });

  router.post('/logout', (req, res, next) => {
    const user = req.user as { id: number } | undefined;
    if (user) auth.recordLogout(user.id, ipOf(req));
    req.logout((err) => {
      if (err) return next(err);
      req.session.destroy(() => {
        res.clearCookie('naernet.sid');
        res.redirect(303, '/login?logged_out=1');
      });
    });
  });

  router.get('/password/forgot', (_req, res) => {
    renderPage(res, 'auth/forgot', { title: tOf(res)('password.forgot.title') });
  });

  router.post('/password/forgot', (req, res) => {
    const t = tOf(res);
    const form = parseForm(forgotSchema, req.body, t);
    if (!form.ok)
      return renderFormErrors(res, 'auth/forgot', form.errors, form.values, {
        title: t('password.forgot.title'),
      });
    auth.requestPasswordReset(form.data.email, ipOf(req));
    renderPage(res, 'auth/forgot-sent', { title: t('password.forgot.title'), email: form.data.email });
  });

  router.get('/password/reset/:token', (req, res) => {
    const t = tOf(res);
    if (!auth.isResetLinkValid(req.params.token)) {
      return renderPage(res, 'auth/link-invalid', { title: t('password.link_invalid.title') }, 410);
    }
    renderPage(res, 'auth/reset', { title: t('password.reset.title'), token: req.params.token });
  });

  router.post('/password/reset/:token', async (req, res) => {
    const t = tOf(res);
    const title = t('password.reset.title');
    const token = req.params.token;
    const form = parseForm(newPasswordSchema, req.body, t);
    if (!form.ok) return renderFormErrors(res, 'auth/reset', form.errors, form.values, { title, token });
    const result = await auth.resetPassword(token, form.data.password, (userId) =>
      deps.sessions.deleteForUser(userId),
    );
    if (!result.ok) {
      if (result.problem === 'invalid_link') {
        return renderPage(res, 'auth/link-invalid', { title: t('password.link_invalid.title') }, 410);
      }
      const errors = formErrors(t, [{ field: 'password', messageKey: result.problem }]);
      return renderFormErrors(res, 'auth/reset', errors, {}, { title, token });
    }
    redirectWithFlash(res, '/login', 'password.reset.done');
  });

  return router;
}
