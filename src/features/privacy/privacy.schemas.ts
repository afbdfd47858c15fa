import { z } from 'zod';
import { checkbox, requiredLine } from '../../web/schema-helpers.js';

/** GET /admin/people: a part of a name or address, and the page; bad values fall back quietly. */
export const peopleQuerySchema = z.object({
  q: z.preprocess((v) => (typeof v === 'string' ? v.trim().slice(0, 100) : ''), z.string()),
  page: z.preprocess(
    (v) => (typeof v === 'string' ? v : '1'),
    z
      .string()
      .regex(/^[1-9]\d{0,4}$/)
      .transform(Number)
      .catch(1),
  ),
});

/** POST /admin/people/:id/erase: why (kept in the audit log) and an explicit yes. */
export const eraseSchema = z.object({
  reason: requiredLine('privacy.erase.errors.reason_required', 200, 'privacy.erase.errors.reason_too_long'),
  confirm: checkbox.refine((v) => v, 'privacy.erase.errors.confirm_required'),
});
