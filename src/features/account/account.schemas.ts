import { z } from 'zod';
import { codeField, newPasswordFields, passwordField, withConfirmation } from '../../auth/auth.schemas.js';
import { checkbox, choice, optionalLine, requiredLine } from '../../web/schema-helpers.js';

/**
 * A plausible phone number, Danish or international: digits with spaces, dashes or brackets, an
 * optional leading +, and 6–15 digits in all (E.164 allows at most 15).
 */
export function isPlausiblePhone(value: string): boolean {
  if (!/^\+?[0-9][0-9 ()-]*$/.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  return digits >= 6 && digits <= 15;
}

export const preferencesSchema = z.object({
  name: requiredLine('account.errors.name_required', 100, 'account.errors.name_too_long'),
  phone: optionalLine(30, 'account.errors.phone_too_long').refine(
    (v) => v === '' || isPlausiblePhone(v),
    'account.errors.phone_invalid',
  ),
  locale: choice(['da', 'en'], 'account.errors.locale_invalid'),
  notify_concern_updates: checkbox,
  notify_newsletters: checkbox,
  notify_meetings: checkbox,
  notify_posts: checkbox,
  notify_concern_additions: checkbox,
  notify_shared_summaries: checkbox,
});

/** Strength and "differs from the current one" are checked in the service (passwordProblem). */
export const changePasswordSchema = withConfirmation(
  z.object({
    current_password: passwordField('account.password.errors.current_required'),
    ...newPasswordFields,
  }),
);

export const totpCodeSchema = z.object({
  code: codeField('account.two_factor.errors.code_required', 'account.two_factor.errors.code_invalid'),
});

/** Turning two-factor off, or making new recovery codes, is confirmed with the password. */
export const confirmPasswordSchema = z.object({
  password: passwordField('account.two_factor.errors.password_required'),
});

/** The same, on the "new recovery codes" form, which shares the page with the disable form. */
export const confirmRecoveryPasswordSchema = z.object({
  recovery_password: passwordField('account.two_factor.errors.password_required'),
});
