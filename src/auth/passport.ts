import type { Request, Response } from 'express';
import { Passport } from 'passport';
import { sessionCsrfToken } from '../web/csrf.js';
import type { Actor } from './policy.js';
import type { UsersRepository } from './users.repository.js';

/**
 * Passport keeps only the user id in the session; the actor (roles, councils) is loaded fresh on
 * every request, so a deactivation or a changed role takes effect at once.
 */
export function createPassport(users: UsersRepository): InstanceType<typeof Passport> {
  const passport = new Passport();
  passport.serializeUser((user, done) => done(null, (user as Pick<Actor, 'id'>).id));
  passport.deserializeUser((id: number, done) => {
    try {
      // false (not an error) logs a deactivated user out silently.
      done(null, users.loadActor(id) ?? false);
    } catch (err) {
      done(err);
    }
  });
  return passport;
}

/**
 * Signs `user` in on a new session id: passport regenerates the session, and express-session
 * destroys the old one in the store, so an id someone learnt or planted before no longer works.
 * Used at login and on every change of privilege (password, two-factor). The new session starts
 * empty, with a new CSRF token; a page rendered by this same request must carry that one.
 */
export async function startNewSession(req: Request, res: Response, user: Pick<Actor, 'id'>): Promise<void> {
  await new Promise<void>((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
  res.locals.csrfToken = sessionCsrfToken(req);
}
