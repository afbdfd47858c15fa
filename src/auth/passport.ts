import { Passport } from 'passport';
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
