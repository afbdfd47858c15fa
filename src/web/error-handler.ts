import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { isStorageFailure, RETRY_AFTER_SECONDS, storageFailureCode } from '../db/storage-failure.js';
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../errors.js';
import { FORM_BODY_LIMITS } from './form-body.js';
import { renderPage } from './render.js';

/** 404 for every path no router answered. */
export function notFoundHandler(_req: Request, _res: Response, next: NextFunction) {
  next(new NotFoundError());
}

type HttpishError = Error & { status?: number; statusCode?: number; type?: string; expose?: boolean };

function statusOf(err: HttpishError): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof ConflictError) return 409;
  if (err instanceof TooManyRequestsError) return 429;
  const status = err.status ?? err.statusCode;
  // body-parser and friends mark client errors (bad JSON, too large) with a 4xx status.
  if (status && status >= 400 && status < 500) return status;
  if (isStorageFailure(err)) return 503;
  return 500;
}

/**
 * Maps every error to a Danish (or English) page and a status. A stack trace never reaches the
 * user; a 500 shows the request id so support can find the log line.
 */
export function errorHandler(logger: Logger) {
  return (err: HttpishError, req: Request, res: Response, _next: NextFunction) => {
    const status = statusOf(err);
    if (status === 503) logStorageFailure(logger, req, res, err);
    else if (status >= 500) logger.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) return;
    if (status === 503) return answerCannotSave(res, logger);
    const view =
      status === 404
        ? 'errors/404'
        : status === 403
          ? 'errors/403'
          : status === 413
            ? 'errors/413'
            : status >= 500
              ? 'errors/500'
              : 'errors/4xx';
    const t = res.locals.t as ((k: string) => string) | undefined;
    if (!t) {
      // The error happened before the locals middleware: answer plainly.
      res
        .status(status)
        .type('text/plain')
        .send(status >= 500 ? 'Der opstod en fejl.' : 'Fejl');
      return;
    }
    // An error before the CSRF check (a form body over the limit) still renders the layout, whose
    // forms (language, log out) carry the session's token.
    res.locals.csrfToken ??= req.session?.csrfToken ?? '';
    const messageKey =
      err instanceof TooManyRequestsError || err instanceof ConflictError ? err.messageKey : undefined;
    try {
      renderPage(
        res,
        view,
        {
          title: t(`errors.${[403, 404, 413].includes(status) || status >= 500 ? status : 'generic'}.title`),
          status,
          requestId: req.id,
          messageKey,
          isCsrf: err.message === 'csrf',
          // A form body over the limit (body-parser): the page names the limit that was passed.
          limits: FORM_BODY_LIMITS,
          tooManyFields: err.type === 'parameters.too.many',
        },
        status,
      );
    } catch (renderErr) {
      logger.error({ err: renderErr }, 'error page failed');
      res.status(status).type('text/plain').send('Der opstod en fejl.');
    }
  };
}

/**
 * A full disk or a read-only DATA_DIR (src/db/storage-failure.ts), logged once per request with
 * its code: a later failure of the same request (the session's own write at the end) adds nothing.
 */
export function logStorageFailure(logger: Logger, req: Request, res: Response, err: unknown): void {
  if (res.locals.storageFailureLogged) return;
  res.locals.storageFailureLogged = true;
  logger.error(
    {
      reqId: req.id,
      code: storageFailureCode(err),
      message: err instanceof Error ? err.message : undefined,
      method: req.method,
      path: req.path,
    },
    'cannot save: the disk is full or DATA_DIR is read-only',
  );
}

/**
 * 503 at once, with Retry-After: nothing was saved, try again later. Shown when no form can take
 * the message (handleForm keeps the typed text on its own form). Rendering needs no write.
 */
function answerCannotSave(res: Response, logger: Logger): void {
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  const t = res.locals.t as ((k: string) => string) | undefined;
  const plain = () =>
    res.status(503).type('text/plain').send('Nærnet kan ikke gemme lige nu. Prøv igen senere.');
  if (!t) return void plain();
  res.locals.csrfToken ??= res.req.session?.csrfToken ?? '';
  try {
    renderPage(res, 'errors/503', { title: t('errors.503.title'), status: 503 }, 503);
  } catch (renderErr) {
    logger.error({ err: renderErr }, 'error page failed');
    plain();
  }
}
