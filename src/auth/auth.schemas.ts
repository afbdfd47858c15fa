import { z } from 'zod';
import { email } from '../web/schema-helpers.js';

/** A password as typed: required, and bounded so hashing a huge input cannot tie up the server. */
export const passwordField = (requiredKey: string, tooLongKey = 'password.errors.too_long') =>
  z.string(requiredKey).min(1, requiredKey).max(1000, tooLongKey);

/** A code from the authenticator app or a recovery code; spaces around it do not count. */
export const codeField = (requiredKey: string, invalidKey: string) =>
  z.string(requiredKey).trim().min(1, requiredKey).max(40, invalidKey);

/** A new password typed twice; put `withConfirmation` round the form. */
export const newPasswordFields = {
  password: passwordField('password.errors.required'),
  password_confirm: z.string('password.errors.confirm_required').min(1, 'password.errors.confirm_required'),
};

/**
 * The form of a new password: the confirmation must match (the message goes to that field).
 * Strength is checked by passwordProblem() in the service.
 */
export function withConfirmation<T extends { password: string; password_confirm: string }>(
  form: z.ZodType<T>,
) {
  return form.refine((v) => v.password === v.password_confirm, {
    message: 'password.errors.mismatch',
    path: ['password_confirm'],
  });
}

export const loginSchema = z.object({
  email: email('login.errors.email_required', 'login.errors.email_invalid'),
  password: passwordField('login.errors.password_required', 'login.errors.password_required'),
  next: z.string().optional(),
});

export const secondFactorSchema = z.object({
  code: codeField('login.errors.code_required', 'login.errors.code_invalid'),
});

export const forgotSchema = z.object({
  email: email('login.errors.email_required', 'login.errors.email_invalid'),
});

export const newPasswordSchema = withConfirmation(z.object(newPasswordFields));
