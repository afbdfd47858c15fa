import { z } from 'zod';
import { email } from '../web/schema-helpers.js';

export const loginSchema = z.object({
  email: email('login.errors.email_required', 'login.errors.email_invalid'),
  password: z
    .string('login.errors.password_required')
    .min(1, 'login.errors.password_required')
    .max(1000, 'login.errors.password_required'),
  next: z.string().optional(),
});

export const secondFactorSchema = z.object({
  code: z
    .string('login.errors.code_required')
    .trim()
    .min(1, 'login.errors.code_required')
    .max(40, 'login.errors.code_invalid'),
});

export const forgotSchema = z.object({
  email: email('login.errors.email_required', 'login.errors.email_invalid'),
});

/** New password + confirmation; strength is checked by passwordProblem() in the service. */
export const newPasswordSchema = z
  .object({
    password: z
      .string('password.errors.required')
      .min(1, 'password.errors.required')
      .max(1000, 'password.errors.too_long'),
    password_confirm: z.string('password.errors.confirm_required').min(1, 'password.errors.confirm_required'),
  })
  .refine((v) => v.password === v.password_confirm, {
    message: 'password.errors.mismatch',
    path: ['password_confirm'],
  });
