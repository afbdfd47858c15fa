import { z } from 'zod';
import { parseLocalDateTime } from '../../web/dates.js';
import {
  choice,
  id,
  optionalLine,
  optionalText,
  requiredLine,
  requiredText,
} from '../../web/schema-helpers.js';
import { PRIORITIES, STATUSES } from './concern-state.js';

/** The longest texts (docs/domain.md#routes-and-form-fields); the views use the same numbers for maxlength. */
export const LIMITS = {
  title: 120,
  description: 5000,
  location: 200,
  body: 5000,
  feedback: 5000,
  summary: 2000,
} as const;

/** A concern may be logged up to a day ahead (a clock or a typo), never further into the future. */
const FUTURE_SLACK_MS = 24 * 60 * 60 * 1000;

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v);

/**
 * When it happened: an optional `<input type="datetime-local">` in Copenhagen time, stored as UTC.
 * Empty = null; an impossible time (31 February, the spring-forward hour) or one more than a day
 * ahead of `now` is refused with its own message.
 */
function occurredAt(now: Date) {
  return z.preprocess(
    trimmed,
    z.string('concerns.errors.occurred_invalid').transform((value, ctx) => {
      if (value === '') return null;
      const utc = parseLocalDateTime(value);
      if (!utc) {
        ctx.addIssue({ code: 'custom', message: 'concerns.errors.occurred_invalid' });
        return z.NEVER;
      }
      if (new Date(utc).getTime() > now.getTime() + FUTURE_SLACK_MS) {
        ctx.addIssue({ code: 'custom', message: 'concerns.errors.occurred_future' });
        return z.NEVER;
      }
      return utc;
    }),
  );
}

/** POST /concerns (docs/domain.md#routes-and-form-fields): council_id, category, title, description, location, occurred_at. */
export function newConcernSchema(now: Date) {
  return z.object({
    council_id: id('concerns.errors.council_required'),
    category: requiredLine('concerns.errors.category_required', 60, 'concerns.errors.category_invalid'),
    title: requiredLine('concerns.errors.title_required', LIMITS.title, 'concerns.errors.title_too_long'),
    description: requiredText(
      'concerns.errors.description_required',
      LIMITS.description,
      'concerns.errors.description_too_long',
    ),
    location: optionalLine(LIMITS.location, 'concerns.errors.location_too_long'),
    occurred_at: occurredAt(now),
  });
}

/** POST /concerns/:id/notes: an internal note (the default) or a public reply to the reporter. */
export const noteSchema = z.object({
  body: requiredText('concerns.errors.note_required', LIMITS.body, 'concerns.errors.note_too_long'),
  visibility: choice(['internal', 'public'] as const, 'concerns.errors.visibility_invalid'),
});

/** POST /concerns/:id/triage: category, priority and status; closing has its own form. */
export const triageSchema = z.object({
  category: requiredLine('concerns.errors.category_required', 60, 'concerns.errors.category_invalid'),
  priority: choice(PRIORITIES, 'concerns.errors.priority_invalid'),
  status: choice(STATUSES, 'concerns.errors.status_invalid'),
});

/** POST /concerns/:id/close: how it ended and the feedback the reporter receives. */
export const CLOSE_RESOLUTIONS = ['resolved', 'referred_closed', 'not_police'] as const;
export const closeSchema = z.object({
  resolution: choice(CLOSE_RESOLUTIONS, 'concerns.errors.resolution_invalid'),
  feedback: requiredText(
    'concerns.errors.feedback_required',
    LIMITS.feedback,
    'concerns.errors.feedback_too_long',
  ),
});

/** POST /concerns/:id/duplicate: the number of the original concern ("12" or "#12"). */
export const duplicateSchema = z.object({
  duplicate_of: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().replace(/^#\s*/, '') : v === undefined ? '' : v),
    z
      .string('concerns.errors.duplicate_required')
      .min(1, 'concerns.errors.duplicate_required')
      .regex(/^[1-9]\d{0,11}$/, 'concerns.errors.duplicate_number')
      .transform(Number),
  ),
});

/** POST /concerns/:id/share: the summary the council's network may read; empty withdraws it. */
export const shareSchema = z.object({
  summary: optionalText(LIMITS.summary, 'concerns.errors.summary_too_long'),
});

/** POST /concerns/:id/info: the reporter adds information while the concern is open. */
/** Text or photos or both: the service refuses an addition with neither (it knows about the photos). */
export const infoSchema = z.object({
  body: optionalText(LIMITS.body, 'concerns.errors.info_too_long'),
});
