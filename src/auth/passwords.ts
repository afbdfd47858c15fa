import argon2 from 'argon2';
import { COMMON_PASSWORDS } from './common-passwords.js';

/** argon2id with the library's defaults (64 MiB, t=3, p=4), the OWASP-recommended family. */
export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  if (!hash) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/**
 * A hash to verify against when the email is unknown, so that an unknown email and a wrong
 * password take the same time and give the same answer.
 */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('naernet-dummy-password-for-timing');
  return dummyHash;
}

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

/** The i18n key of the first problem with a new password, or null when it is acceptable. */
export function passwordProblem(
  password: string,
  context: { email?: string; name?: string } = {},
): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return 'password.errors.too_short';
  if (password.length > MAX_PASSWORD_LENGTH) return 'password.errors.too_long';
  const lower = password.toLowerCase();
  if (COMMON_PASSWORDS.has(lower) || /^(.)\1+$/.test(password)) return 'password.errors.common';
  // A common word padded with digits or symbols ("password1234", "sommer2015!!") is just as guessable.
  const stem = lower.replace(/^[\d\W_]+|[\d\W_]+$/gu, '');
  if (COMMON_PASSWORDS.has(stem)) return 'password.errors.common';
  // The person's own email name or name words are among the first things an attacker tries.
  // Parts shorter than three letters are ignored: "k@…" must not refuse every password with a k.
  const personal = [
    context.email?.toLowerCase().split('@')[0] ?? '',
    ...(context.name?.toLowerCase().split(/[\s\-.,()]+/u) ?? []),
  ].filter((part) => part.length >= 3);
  if (personal.some((part) => lower.includes(part))) return 'password.errors.personal';
  return null;
}
