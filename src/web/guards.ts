import type { NextFunction, Request, Response } from 'express';
import type { RequestContext } from '../audit/audit-log.js';
import type { Actor } from '../auth/policy.js';
import { NotFoundError } from '../errors.js';

/** The signed-in actor, loaded once per request by src/auth/passport.ts. */
export function actorOf(req: Request): Actor {
  const actor = req.user as Actor | undefined;
  if (!actor) throw new NotFoundError();
  return actor;
}

/** Where the request came from, for the audit log of whatever the service does. */
export const contextOf = (req: Request): RequestContext => ({ ip: req.ip });

/** Anonymous visitors are sent to the login page and brought back afterwards. */
export function requireLogin(req: Request, res: Response, next: NextFunction) {
  if (req.user) return next();
  const nextUrl = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
  res.redirect(303, `/login${nextUrl}`);
}

/** A role check for whole areas (e.g. /admin); failing it looks like the page does not exist. */
export function requireRole(allowed: (actor: Actor) => boolean) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.user) return requireLogin(req, res, next);
    if (!allowed(req.user as Actor)) return next(new NotFoundError());
    next();
  };
}

/** Only same-site relative paths may be used as a post-login destination. */
export function safeNextUrl(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) {
    return fallback;
  }
  return value;
}

/**
 * Parses a route id parameter (pass req.params.x as it is); anything that is not a positive
 * integer written plainly — missing, an array from a repeated segment, 0, -1, 007, 1e3, more than
 * 12 digits (as `id()` in schema-helpers.ts) — is a 404, so no odd id reaches a service.
 */
export function idParam(value: unknown): number {
  if (typeof value !== 'string' || !/^[1-9]\d{0,11}$/.test(value)) throw new NotFoundError();
  return Number(value);
}
