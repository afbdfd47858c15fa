import { z } from 'zod';
import { parseLocalDateTime } from '../../web/dates.js';
import { checkbox, ids, optionalText, requiredLine, requiredText } from '../../web/schema-helpers.js';

/** Newsletter forms; messages are keys in locales/newsletters.json. */
export const TITLE_MAX = 150;
export const BODY_MAX = 20_000;

export const newsletterSchema = z.object({
  title: requiredLine(
    'newsletters.validation.title_required',
    TITLE_MAX,
    'newsletters.validation.title_too_long',
  ),
  body: requiredText(
    'newsletters.validation.body_required',
    BODY_MAX,
    'newsletters.validation.body_too_long',
  ),
  council_ids: ids('newsletters.validation.council_ids_invalid'),
  /** Only district admins see it; the service refuses it from anyone else. */
  whole_district: checkbox,
});
export type NewsletterForm = z.output<typeof newsletterSchema>;

/**
 * `send_at` from an <input type="datetime-local">, Copenhagen time → UTC ISO; empty = now (null).
 * A wall time that does not exist (the spring-forward hour) is refused here; one in the past by the service.
 */
export const scheduleSchema = z.object({
  send_at: optionalText(16, 'newsletters.validation.send_at_invalid').transform((v, ctx) => {
    if (v === '') return null;
    const utc = parseLocalDateTime(v);
    if (utc === null) {
      // A well-formed time that still does not parse is not on the calendar or falls in the DST gap.
      const wellFormed = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(v);
      ctx.addIssue({
        code: 'custom',
        message: wellFormed
          ? 'newsletters.validation.send_at_nonexistent'
          : 'newsletters.validation.send_at_invalid',
      });
      return z.NEVER;
    }
    return utc;
  }),
});
