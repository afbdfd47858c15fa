import { type Request, type Response, Router } from 'express';
import { handleForm, refuse, showView } from '../web/form-post.js';
import { safeNextUrl } from '../web/guards.js';
import { renderFormErrors, renderPage, tOf } from '../web/render.js';
import type {} from '../web/session.js';
import { forgotSchema, loginSchema, newPasswordSchema, secondFactorSchema } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS } from './device-cookie.js';
import { startNewSession } from './passport.js';
import type { SqliteSessionStore } from './session-store.js';

const ipOf = (req: Request) => req.ip ?? 'unknown';

/** One cookie's value from the request (no cookie parser is mounted; the session reads its own). */
function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function createAuthRouter(deps: {
  auth: AuthService;
  sessions: SqliteSessionStore;
  /** Production: cookies only over HTTPS. */
  secureCookies: boolean;
}): Router {
  const { auth } = deps;
  const router = Router();

  /**
   * Signs the user in on a new session id (a fixed id cannot be reused) and remembers the browser
   * for this account with a fresh device cookie. It is sent only to /login…, where it counts.
   */
  async function signIn(req: Request, res: Response, userId: number, deviceCookie: string): Promise<void> {
    await startNewSession(req, res, { id: userId });
    res.cookie(DEVICE_COOKIE, deviceCookie, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/login',
      maxAge: DEVICE_COOKIE_MAX_AGE_MS,
    });
  }

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
        const outcome = await auth.login(data.email, data.password, ipOf(req), cookieOf(req, DEVICE_COOKIE));
        const next = safeNextUrl(data.next);
        if (outcome.result === 'invalid') {
          // One message for unknown email and wrong password: the form must not reveal who has an account.
          return refuse('email', 'login.errors.invalid', {
            status: 401,
            values: { email: data.email, next },
          });
        }
        if (outcome.result === 'closed') {
          // The right password: the person may learn that their access is closed and whom to ask.
          // Still 401 and the login form, so the page differs from a wrong password only in words.
          const closed = tOf(res)('login.closed.summary');
          renderFormErrors(
            res,
            'auth/login',
            { summary: [{ href: '#access-closed', text: closed }], fields: {} },
            { email: data.email, next },
            { title: tOf(res)('login.title'), closedAccess: outcome.councils },
            401,
          );
          return undefined;
        }
        if (outcome.result === 'second_factor') {
          await new Promise<void>((resolve, reject) =>
            req.session.regenerate((err) => (err ? reject(err) : resolve())),
          );
          req.session.pendingUserId = outcome.userId;
          req.session.pendingNext = next;
          return { redirect: '/login/two-factor' };
        }
        await signIn(req, res, outcome.userId, outcome.deviceCookie);
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
        const outcome = await auth.verifySecondFactor(
          userId,
          data.code,
          ipOf(req),
          cookieOf(req, DEVICE_COOKIE),
        );
        if (!outcome.ok) {
          return refuse('code', 'login.errors.code_invalid', { status: 401, values: {} });
        }
        const next = req.session.pendingNext ?? '/';
        await signIn(req, res, userId, outcome.deviceCookie);
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
