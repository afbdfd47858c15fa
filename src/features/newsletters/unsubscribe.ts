import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-click unsubscribe tokens (RFC 8058): `<userId>.<HMAC>` signed with the session secret, so
 * every mail can carry one without storing it, and nobody can unsubscribe someone else.
 */
export class UnsubscribeTokens {
  constructor(private readonly secret: string) {}

  private mac(userId: number): string {
    return createHmac('sha256', this.secret)
      .update(`newsletter-unsubscribe:${userId}`)
      .digest('base64url')
      .slice(0, 32);
  }

  tokenFor(userId: number): string {
    return `${userId}.${this.mac(userId)}`;
  }

  /** The user id of a valid token, or undefined. */
  verify(token: string): number | undefined {
    const m = /^(\d{1,12})\.([A-Za-z0-9_-]{32})$/.exec(token);
    if (!m) return undefined;
    const userId = Number(m[1]);
    const expected = Buffer.from(this.mac(userId));
    const given = Buffer.from(m[2] as string);
    return expected.length === given.length && timingSafeEqual(expected, given) ? userId : undefined;
  }
}
