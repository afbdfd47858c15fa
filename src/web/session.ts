import type { Locale } from './dates.js';

/**
 * Everything Nærnet keeps in a session, in one place. The session is a row in the `sessions`
 * table (src/auth/session-store.ts) that lives 30 minutes past the last request and can be read
 * by anyone who can read the database, so nothing personal beyond ids goes in: no names, no email
 * addresses, no text a person wrote. Sign-in (passport) and logout start a new session, so the
 * fields below never outlive the person who was signed in.
 *
 * Files that read or write one of these fields import this module for its types:
 * `import type {} from '…/web/session.js'`.
 */
declare module 'express-session' {
  interface SessionData {
    /**
     * Set by passport at sign-in (src/auth/passport.ts serialises only the user id); read by
     * passport on every request to load the actor, and by SqliteSessionStore.set, which copies
     * it into the `user_id` column so all of a person's sessions can be ended at once.
     */
    passport?: { user?: number };
    /**
     * The synchroniser token: set by sessionCsrfToken (src/web/csrf.ts) on the first request,
     * rendered into every form, and compared by csrfProtection on every state-changing request.
     */
    csrfToken?: string;
    /**
     * A one-time success message: set by redirectWithFlash (src/web/render.ts), read and deleted
     * by viewLocals (src/web/locals.ts) on the next page. An i18n key and its parameters: short
     * display text such as a title or a count. (admin.officers.removed still passes the removed
     * officer's name; it is gone after that one page.)
     */
    flash?: { key: string; params?: Record<string, string> };
    /**
     * A visitor's language: set by POST /language (src/features/home); read by localeOf
     * (src/web/locals.ts) when nobody is signed in. A signed-in person's choice is on the account.
     */
    locale?: Locale;
    /**
     * Between the password and the second factor: set by POST /login (src/auth/auth.routes.ts)
     * when the account has two-factor sign-in, read by /login/two-factor. Until the code is
     * right the person is not signed in; sign-in starts a new session without these fields.
     */
    pendingUserId?: number;
    /** Where to go after the second factor: a local path checked by safeNextUrl. */
    pendingNext?: string;
    /**
     * A new calendar-feed secret: set by POST /meetings/feed, read and deleted by GET
     * /meetings/feed (src/features/meetings/meetings.routes.ts). Only its hash is stored, so
     * this is the one page that can show it.
     */
    meetingFeedToken?: string;
  }
}
