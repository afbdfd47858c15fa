import { randomUUID } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import session from 'express-session';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { policy } from './auth/policy.js';
import { refuseFormsOfUnstoredSessions, type SqliteSessionStore } from './auth/session-store.js';
import type { Core } from './core.js';
import { DKFDS_DIST, PUBLIC_DIR, VIEWS_DIR } from './paths.js';
import { csrfProtection } from './web/csrf.js';
import { errorHandler, notFoundHandler } from './web/error-handler.js';
import { formBody } from './web/form-body.js';
import { viewLocals } from './web/locals.js';
import { logSafeUrl } from './web/log-safe.js';

export const SESSION_COOKIE = 'naernet.sid';

/** Paths a signed-in officer or admin without two-factor may still use in production. */
const ENROLMENT_PATHS = ['/account/two-factor', '/logout', '/language'];

/** What the HTTP layer uses: the plumbing it mounts, the authenticator and the feature routers. */
export type AppDeps = Pick<Core, 'config' | 'logger' | 'db' | 'messages' | 'settings'> & {
  sessionStore: SqliteSessionStore;
  passport: { initialize(): express.RequestHandler; session(): express.RequestHandler };
  /** Mounted in this order, before the 404 and error handlers. */
  routers: readonly Router[];
};

/** createApp(deps): middleware in a fixed order, the feature routers, 404 and errors (docs/architecture.md). */
export function createApp(deps: AppDeps): express.Express {
  const { config, logger, db, sessionStore, passport, messages, settings } = deps;
  const app = express();
  app.set('views', VIEWS_DIR);
  app.set('view engine', 'ejs');
  // Express caches compiled views only in production by default; tests render thousands of pages
  // and never edit a view, so only development (where views change under `npm run dev`) compiles anew.
  app.set('view cache', config.env !== 'development');
  app.set('x-powered-by', false);
  // Behind the TLS reverse proxy of the deployment, req.ip and secure cookies need the proxy's word.
  if (config.isProduction) app.set('trust proxy', 1);

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          ...(config.isProduction ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      strictTransportSecurity: config.isProduction,
    }),
  );

  app.use(
    pinoHttp({
      logger,
      genReqId: (_req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url?.startsWith('/assets/') === true },
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      serializers: {
        // pino-http's own serializer, minus the secrets some URLs carry (src/web/log-safe.ts).
        req: (req: { url?: string; query?: unknown }) => {
          const { query: _query, ...rest } = req;
          return { ...rest, url: req.url ? logSafeUrl(req.url) : req.url };
        },
      },
    }),
  );

  const staticOptions = { maxAge: config.isProduction ? '7d' : 0, index: false as const };
  app.use('/assets/dkfds', express.static(DKFDS_DIST, staticOptions));
  app.use('/assets', express.static(PUBLIC_DIR, staticOptions));

  app.get('/healthz', (_req, res) => {
    try {
      db.prepare('SELECT 1').get();
      res.json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  // No page of Nærnet is kept by a browser or a proxy: on a shared PC, Back after "Log ud" must
  // not show the concern that was open, and a page reached by a secret link (referral answer,
  // invitation, password reset, unsubscribe, calendar feed) must not outlive its visit. Only the
  // static assets above are cacheable.
  app.use((_req: Request, res: Response, next: NextFunction) => {
    res.set('Cache-Control', 'no-store');
    next();
  });

  const idleMinutes = settings.getNumber('session_idle_minutes');
  app.use(
    session({
      name: SESSION_COOKIE,
      secret: config.sessionSecret,
      store: sessionStore,
      resave: false,
      saveUninitialized: false,
      // Idle timeout: every request pushes the expiry forward; a quiet half hour ends the session.
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.isProduction, maxAge: idleMinutes * 60_000 },
    }),
  );
  // The cookie lasts as long as the idle period set on /admin/settings today, not at start-up.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    if (req.session) req.session.cookie.maxAge = settings.getNumber('session_idle_minutes') * 60_000;
    next();
  });
  app.use(passport.initialize());
  app.use(passport.session());
  app.use(viewLocals(messages, settings));
  app.use(refuseFormsOfUnstoredSessions(sessionStore));
  // Parsed once the page locals exist, so a body over the limit gets the error page in the
  // visitor's language and layout (413, naming the limit), not a bare text.
  app.use(formBody());
  app.use(csrfProtection({ exempt: (req) => req.path.startsWith('/unsubscribe/') }));

  if (config.enforceTwoFactor) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      const actor = res.locals.actor;
      if (!actor || actor.totpEnabled || !policy.requiresTwoFactor(actor)) return next();
      if (ENROLMENT_PATHS.some((p) => req.path.startsWith(p))) return next();
      res.redirect(303, '/account/two-factor');
    });
  }

  for (const router of deps.routers) app.use(router);

  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
