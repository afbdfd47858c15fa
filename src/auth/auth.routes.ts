import { type Request, Router } from 'express';
import { handleForm, refuse, showView } from '../web/form-post.js';
import { safeNextUrl } from '../web/guards.js';
import { renderPage, tOf } from '../web/render.js';
import type {} from '../web/session.js';
import { forgotSchema, loginSchema, newPasswordSchema, secondFactorSchema } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import type { SqliteSessionStore } from './session-store.js';

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

  router.post('/login', (req, res) =>
    handleForm(req, res, {
      schema: loginSchema,
      show: showView(res, 'auth/login', { title: tOf(res)('login.title') }),
      submit: async (data) => {
        const outcome = await auth.login(data.email, data.password, ipOf(req));
        const next = safeNextUrl(data.next);
        if (outcome.result === 'invalid') {
          // One message for unknown email and wrong password: the form must not reveal who has an account.
          return refuse('email', 'login.errors.invalid', {
            status: 401,
            values: { email: data.email, next },
          });
        }
        if (outcome.result === 'second_factor') {
          await new Promise<void>((resolve, reject) =>
            req.session.regenerate((err) => (err ? reject(err) : resolve())),
          );
          req.session.pendingUserId = outcome.userId;
          req.session.pendingNext = next;
          return { redirect: '/login/two-factor' };
        }
        await signIn(req, outcome.userId);
        return { redirect: next };
      },
    }),
  );

  router.get('/login/two-factor', (req, res) => {
    if (!req.session.pendingUserId) return res.redirect(303, '/login');
    renderPage(res, 'auth/two-factor', { title: tOf(res)('login.two_factor.title') });
  });

  router.post('/login/two-factor', (req, res) => {
    const userId = req.session.pendingUserId;
    if (!userId) return res.redirect(303, '/login');
    return handleForm(req, res, {
      schema: secondFactorSchema,
      show: showView(res, 'auth/two-factor', { title: tOf(res)('login.two_factor.title') }),
      submit: async (data) => {
        if (!(await auth.verifySecondFactor(userId, data.code, ipOf(req)))) {
          return refuse('code', 'login.errors.code_invalid', { status: 401, values: {} });
        }
        const next = req.session.pendingNext ?? '/';
        await signIn(req, userId);
        return { redirect: next };
      },
    });
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
    const title = tOf(res)('password.forgot.title');
    return handleForm(req, res, {
      schema: forgotSchema,
      show: showView(res, 'auth/forgot', { title }),
      submit: (data) => {
        auth.requestPasswordReset(data.email, ipOf(req));
        // The same page whether or not the address has an account.
        renderPage(res, 'auth/forgot-sent', { title, email: data.email });
        return undefined;
      },
    });
  });

  router.get('/password/reset/:token', (req, res) => {
    const t = tOf(res);
    if (!auth.isResetLinkValid(req.params.token)) {
      return renderPage(res, 'auth/link-invalid', { title: t('password.link_invalid.title') }, 410);
    }
    renderPage(res, 'auth/reset', { title: t('password.reset.title'), token: req.params.token });
  });

  router.post('/password/reset/:token', (req, res) => {
    const t = tOf(res);
    const token = req.params.token;
    return handleForm(req, res, {
      schema: newPasswordSchema,
      show: showView(res, 'auth/reset', { title: t('password.reset.title'), token }),
      submit: async (data) => {
        const result = await auth.resetPassword(token, data.password, (userId) =>
          deps.sessions.deleteForUser(userId),
        );
        if (result.ok) return { redirect: '/login', flash: 'password.reset.done' };
        if (result.problem !== 'invalid_link') return refuse('password', result.problem, { values: {} });
        renderPage(res, 'auth/link-invalid', { title: t('password.link_invalid.title') }, 410);
        return undefined;
      },
    });
  });

  return router;
}
