/**
 * What a request log may say about a URL. Some URLs are secrets: the links in mails carry a token
 * in the path (a department's referral answer, an invitation, a password reset, unsubscribe, the
 * personal calendar feed), and multipart forms carry the CSRF token in the query string. Anyone
 * who can read the logs must not be able to use them, so those parts are replaced.
 */
const TOKEN_PATHS = /^(\/(?:referrals|invitations|password\/reset|unsubscribe|calendar))\/[^/?#]+/;

export function logSafeUrl(url: string): string {
  return url.replace(TOKEN_PATHS, '$1/[redacted]').replace(/([?&]_csrf=)[^&#]*/g, '$1[redacted]');
}
