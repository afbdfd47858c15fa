import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../errors.js';
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
  return 500;
}

/**
 * Maps every error to a Danish (or English) page and a status. A stack trace never reaches the
 * user; a 500 shows the request id so support can find the log line.
 */
export function errorHandler(logger: Logger) {
  return (err: HttpishError, req: Request, res: Response, _next: NextFunction) => {
    const status = statusOf(err);
    if (status >= 500) logger.error({ err, reqId: req.id }, 'request failed');
    if (res.headersSent) return;
    const view =
      status === 404
        ? 'errors/404'
        : status === 403
          ? 'errors/403'
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
    const messageKey =
      err instanceof TooManyRequestsError || err instanceof ConflictError ? err.messageKey : undefined;
    try {
      renderPage(
        res,
        view,
        {
          title: t(`errors.${status === 404 || status === 403 || status >= 500 ? status : 'generic'}.title`),
          status,
          requestId: req.id,
          messageKey,
          isCsrf: err.message === 'csrf',
        },
        status,
      );
    } catch (renderErr) {
      logger.error({ err: renderErr }, 'error page failed');
      res.status(status).type('text/plain').send('Der opstod en fejl.');
    }
  };
}
