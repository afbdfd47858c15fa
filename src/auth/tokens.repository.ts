import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/connection.js';

export type TokenPurpose = 'invitation' | 'password_reset';

export type TokenRow = {
  id: number;
  user_id: number;
  purpose: TokenPurpose;
  expires_at: string;
  used_at: string | null;
};

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A fresh random token for a link; only its hash is ever stored. */
export const newToken = () => randomBytes(32).toString('base64url');

/** Single-use, expiring links (invitations, password resets). */
export class TokensRepository {
  constructor(private readonly db: Db) {}

  /** Issues a new link for the purpose and invalidates the user's earlier ones of the same purpose. */
  issue(userId: number, purpose: TokenPurpose, expiresAt: string, now: string): string {
    const token = newToken();
    this.db
      .prepare('UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL')
      .run(now, userId, purpose);
    this.db
      .prepare(
        'INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)',
      )
      .run(userId, purpose, hashToken(token), expiresAt, now);
    return token;
  }

  /** The token's row when it exists, has that purpose, is unused and not expired. */
  findValid(token: string, purpose: TokenPurpose, now: string): TokenRow | undefined {
    return this.db
      .prepare<[string, string, string], TokenRow>(
        `SELECT id, user_id, purpose, expires_at, used_at FROM user_tokens
          WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
      )
      .get(hashToken(token), purpose, now);
  }

  /** How many links of the purpose the user was sent since `since` (used or not): the reset form's rate. */
  countIssuedSince(userId: number, purpose: TokenPurpose, since: string): number {
    return (
      this.db
        .prepare<[number, string, string], number>(
          'SELECT count(*) FROM user_tokens WHERE user_id = ? AND purpose = ? AND created_at > ?',
        )
        .pluck()
        .get(userId, purpose, since) ?? 0
    );
  }

  /** Marks it used; false when someone else used it first (a double submit). */
  consume(id: number, now: string): boolean {
    return (
      this.db.prepare('UPDATE user_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL').run(now, id)
        .changes === 1
    );
  }
}
