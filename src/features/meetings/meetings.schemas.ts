import { z } from 'zod';
import { parseLocalDateTime } from '../../web/dates.js';
import {
  checkbox,
  choice,
  id,
  ids,
  optionalText,
  requiredLine,
  requiredText,
} from '../../web/schema-helpers.js';
import { MEETING_KINDS } from './meetings.policy.js';

/** The longest texts; the views use the same numbers for maxlength. */
export const LIMITS = {
  title: 120,
  location: 200,
  agenda: 10_000,
  minutes: 20_000,
  capacity: 100_000,
  agendaItem: 200,
  reason: 300,
} as const;

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v);
const LOCAL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/;

/**
 * A required `<input type="datetime-local">` in Copenhagen time → UTC ISO. A time that does not
 * exist because the clocks jump forward (e.g. 29.3.2026 kl. 2.30) gets its own message.
 */
function localDateTime(requiredKey: string, invalidKey: string, gapKey: string) {
  return z.preprocess(
    trimmed,
    z.string(requiredKey).transform((value, ctx) => {
      if (value === '') {
        ctx.addIssue({ code: 'custom', message: requiredKey });
        return z.NEVER;
      }
      const utc = parseLocalDateTime(value);
      if (utc) return utc;
      const m = LOCAL.exec(value);
      const dayExists = m && Number(m[2]) < 24 && Number(m[3]) < 60 && parseLocalDateTime(`${m[1]}T12:00`);
      ctx.addIssue({ code: 'custom', message: dayExists ? gapKey : invalidKey });
      return z.NEVER;
    }),
  );
}

const capacity = z.preprocess(
  trimmed,
  z
    .string('meetings.errors.capacity_invalid')
    .regex(/^\d{0,6}$/, 'meetings.errors.capacity_invalid')
    .transform((v) => (v === '' ? null : Number(v)))
    .refine((v) => v === null || (v >= 1 && v <= LIMITS.capacity), 'meetings.errors.capacity_invalid'),
);

/** POST /meetings and POST /meetings/:id/edit (docs/domain.md#routes-and-form-fields). `now` refuses a new meeting in the past. */
export function meetingSchema(now: Date | null) {
  return z
    .object({
      kind: choice(MEETING_KINDS, 'meetings.errors.kind_required'),
      title: requiredLine('meetings.errors.title_required', LIMITS.title, 'meetings.errors.title_too_long'),
      council_ids: ids('meetings.errors.councils_required').refine(
        (v) => v.length > 0,
        'meetings.errors.councils_required',
      ),
      starts_at: localDateTime(
        'meetings.errors.starts_required',
        'meetings.errors.starts_invalid',
        'meetings.errors.time_in_gap',
      ),
      ends_at: localDateTime(
        'meetings.errors.ends_required',
        'meetings.errors.ends_invalid',
        'meetings.errors.time_in_gap',
      ),
      location: requiredLine(
        'meetings.errors.location_required',
        LIMITS.location,
        'meetings.errors.location_too_long',
      ),
      agenda: optionalText(LIMITS.agenda, 'meetings.errors.agenda_too_long'),
      capacity,
    })
    .superRefine((v, ctx) => {
      if (now && Date.parse(v.starts_at) <= now.getTime()) {
        ctx.addIssue({ code: 'custom', path: ['starts_at'], message: 'meetings.errors.starts_past' });
      }
      if (Date.parse(v.ends_at) <= Date.parse(v.starts_at)) {
        ctx.addIssue({ code: 'custom', path: ['ends_at'], message: 'meetings.errors.ends_before_start' });
      }
    });
}

export type MeetingForm = z.output<ReturnType<typeof meetingSchema>>;

/** POST /meetings/:id/rsvp */
export const rsvpSchema = z.object({
  response: choice(['yes', 'no', 'maybe'] as const, 'meetings.errors.response_invalid'),
});

/** POST /meetings/:id/minutes: the referat and how many came. */
export const minutesSchema = z.object({
  minutes: requiredText(
    'meetings.errors.minutes_required',
    LIMITS.minutes,
    'meetings.errors.minutes_too_long',
  ),
  attendance: z.preprocess(
    trimmed,
    z
      .string('meetings.errors.attendance_invalid')
      .regex(/^\d{0,6}$/, 'meetings.errors.attendance_invalid')
      .transform((v) => (v === '' ? null : Number(v))),
  ),
});

/** POST /meetings/:id/cancel: why (told to everyone who sees or was invited to it) and an explicit yes. */
export const cancelSchema = z.object({
  reason: requiredLine('meetings.errors.reason_required', LIMITS.reason, 'meetings.errors.reason_too_long'),
  confirm: checkbox.refine((v) => v, 'meetings.errors.cancel_confirm_required'),
});

/**
 * POST /meetings/feed: make the first secret address, replace the current one (after the
 * confirmation page /meetings/feed/replace) or stop it.
 */
export const feedSchema = z.object({
  action: choice(['create', 'replace', 'revoke'] as const, 'meetings.errors.feed_action_invalid'),
});

/** POST /meetings/:id/concerns: an open concern (from the select; "#12" is accepted) and its agenda item. */
export const concernLinkSchema = z.object({
  concern_id: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().replace(/^#/, '') : v),
    id('meetings.errors.concern_required'),
  ),
  agenda_item: requiredLine(
    'meetings.errors.agenda_item_required',
    LIMITS.agendaItem,
    'meetings.errors.agenda_item_too_long',
  ),
});

export type ConcernLinkForm = z.output<typeof concernLinkSchema>;
