import { z } from 'zod';
import { choice, id, optionalText, requiredText } from '../../web/schema-helpers.js';

export const NOTE_MAX = 3000;
export const ANSWER_MAX = 5000;

/** POST /concerns/:id/referrals — one department per referral, with the note the officer writes. */
export const referSchema = z.object({
  department_id: id('referrals.errors.department_required'),
  note: requiredText('referrals.errors.note_required', NOTE_MAX, 'referrals.errors.note_too_long'),
});

/**
 * POST /referrals/:token — the department acknowledges receipt or answers. The answer is only
 * read (and then required) when answering.
 */
export const responseSchema = z
  .object({
    status: choice(['acknowledged', 'answered'] as const, 'referrals.errors.status_invalid'),
    answer: optionalText(ANSWER_MAX, 'referrals.errors.answer_too_long'),
  })
  .superRefine((value, ctx) => {
    if (value.status === 'answered' && value.answer === '') {
      ctx.addIssue({ code: 'custom', path: ['answer'], message: 'referrals.errors.answer_required' });
    }
  });

export type ReferInput = z.output<typeof referSchema>;
