import { z } from 'zod';
import { isCalendarDate } from '../../web/dates.js';
import {
  checkbox,
  choice,
  ids,
  optionalText,
  requiredCalendarDate,
  requiredLine,
} from '../../web/schema-helpers.js';

/** The longest texts; the views use the same numbers for maxlength. */
export const LIMITS = { title: 120, intro: 2000, comment: 2000 } as const;

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v);

/**
 * POST /surveys. `today` (Copenhagen) refuses a survey that would open in the past. Councils may
 * be empty when `whole_district` is ticked (district admins only; the service checks).
 */
export function surveySchema(today: string) {
  return z
    .object({
      title: requiredLine('surveys.errors.title_required', LIMITS.title, 'surveys.errors.title_too_long'),
      intro: optionalText(LIMITS.intro, 'surveys.errors.intro_too_long'),
      opens_on: requiredCalendarDate('surveys.errors.opens_required', 'surveys.errors.opens_invalid'),
      closes_on: requiredCalendarDate('surveys.errors.closes_required', 'surveys.errors.closes_invalid'),
      council_ids: ids('surveys.errors.councils_required'),
      whole_district: checkbox,
    })
    .superRefine((v, ctx) => {
      // An impossible date already has its own message; comparing it would only add noise.
      if (!isCalendarDate(v.opens_on) || !isCalendarDate(v.closes_on)) return;
      if (v.opens_on < today) {
        ctx.addIssue({ code: 'custom', path: ['opens_on'], message: 'surveys.errors.opens_past' });
      }
      if (v.closes_on < v.opens_on) {
        ctx.addIssue({ code: 'custom', path: ['closes_on'], message: 'surveys.errors.closes_before_opens' });
      }
    })
    .superRefine((v, ctx) => {
      if (!v.whole_district && v.council_ids.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['council_ids'], message: 'surveys.errors.councils_required' });
      }
    });
}

export type SurveyForm = z.output<ReturnType<typeof surveySchema>>;

/** POST /surveys/:id/responses. `council_id` only matters for someone in more than one asked council. */
export const responseSchema = z.object({
  rating: choice(['1', '2', '3', '4'] as const, 'surveys.errors.rating_required').transform(Number),
  comment: optionalText(LIMITS.comment, 'surveys.errors.comment_too_long'),
  council_id: z.preprocess(
    trimmed,
    z
      .string('surveys.errors.council_required')
      .regex(/^(|[1-9]\d{0,11})$/, 'surveys.errors.council_required')
      .transform((v) => (v === '' ? null : Number(v))),
  ),
});

export type ResponseForm = z.output<typeof responseSchema>;
