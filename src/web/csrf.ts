import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ForbiddenError } from '../errors.js';
import type {} from './session.js';

/**
 * Synchroniser-token CSRF protection: one random token per session, rendered into every form as
 * a hidden `_csrf` field, compared in constant time on every state-changing request.
 * Multipart forms are parsed after this middleware, so they carry the token in the query string.
 */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionCsrfToken(req: Request): string {
  req.session.csrfToken ??= randomBytes(32).toString('base64url');
  return req.session.csrfToken;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function csrfProtection(options: { exempt?: (req: Request) => boolean } = {}) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = sessionCsrfToken(req);
    if (SAFE_METHODS.has(req.method) || options.exempt?.(req)) return next();
    const expected = req.session.csrfToken;
    const isMultipart = req.is('multipart/form-data') === 'multipart/form-data';
    const body = req.body as Record<string, unknown> | undefined;
    const sent = isMultipart ? req.query._csrf : (body?._csrf ?? req.get('x-csrf-token'));
    if (typeof sent !== 'string' || !expected || !same(sent, expected)) {
      return next(new ForbiddenError('csrf'));
    }
    next();
  };
}
