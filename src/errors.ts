/**
 * Domain errors: services throw them, the one error handler in src/web/error-handler.ts maps
 * them to a status and a Danish (or English) page.
 */

/** The thing does not exist — or the user may not know that it does (docs/domain.md#404-not-403). */
export class NotFoundError extends Error {
  readonly status = 404;
}

/** The user is known to be allowed to see the thing but not to do this (e.g. a bad CSRF token). */
export class ForbiddenError extends Error {
  readonly status = 403;
}

/** The request clashes with the current state (an email already in use, a used link). */
export class ConflictError extends Error {
  readonly status = 409;
  constructor(
    readonly messageKey: string,
    readonly field?: string,
  ) {
    super(messageKey);
  }
}

/** Too many attempts; the message key explains when to try again. */
export class TooManyRequestsError extends Error {
  readonly status = 429;
  constructor(readonly messageKey: string) {
    super(messageKey);
  }
}
