import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const DEVICE_COOKIE = 'naernet.device';

/** A year: a browser someone signs in from now and then stays known to the portal. */
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 24 * 3_600_000;

/**
 * Device cookies (OWASP, "Slow Down Online Guessing Attacks with Device Cookies"): a browser that
 * has signed in to an account gets `<userId>.<nonce>.<HMAC>` signed under SESSION_SECRET. With
 * it, that browser has its own budget of failed attempts for that account (login-throttle.ts), so
 * someone guessing elsewhere cannot lock the owner out. It names the account by id, never by
 * address; the nonce tells two browsers of the same account apart. Nothing is stored: a signed
 * cookie is valid until SESSION_SECRET changes.
 */
export class DeviceCookies {
  constructor(private readonly secret: string) {}

  private mac(userId: number, nonce: string): string {
    return createHmac('sha256', this.secret)
      .update(`login-device:${userId}.${nonce}`)
      .digest('base64url')
      .slice(0, 32);
  }

  /** A new cookie value for a browser that has just signed in as `userId`. */
  issue(userId: number): string {
    const nonce = randomBytes(16).toString('base64url');
    return `${userId}.${nonce}.${this.mac(userId, nonce)}`;
  }

  /** The nonce of a genuine cookie issued for `userId`; undefined for any other value. */
  deviceFor(value: string | undefined, userId: number): string | undefined {
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{32})$/.exec(value ?? '');
    if (!m || Number(m[1]) !== userId) return undefined;
    const nonce = m[2] as string;
    const expected = Buffer.from(this.mac(userId, nonce));
    const given = Buffer.from(m[3] as string);
    return expected.length === given.length && timingSafeEqual(expected, given) ? nonce : undefined;
  }
}
