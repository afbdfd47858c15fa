import { z } from 'zod';
import {
  calendarDate,
  checkbox,
  email,
  optionalLine,
  optionalText,
  requiredLine,
} from '../../web/schema-helpers.js';

/**
 * Form schemas of the roll-out pages. Messages are i18n keys (locales/rollout.json, and the
 * administration's and members' own where the rule is theirs). Whether names are taken, and
 * whether the chosen municipality and officer exist, needs the database: the service checks that.
 */

/** An empty <select> means "none"; anything else must be an id. */
const optionalId = (key: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v),
    z
      .string(key)
      .regex(/^([1-9]\d{0,11})?$/, key)
      .transform((v) => (v === '' ? null : Number(v))),
  );

/** "Opret lokalråd": municipality (chosen or new), council, officer, first council admin. */
export const newCouncilSchema = z
  .object({
    municipality_id: optionalId('rollout.errors.municipality_invalid'),
    new_municipality: optionalLine(80, 'admin.municipality.errors.name_too_long'),
    name: requiredLine('admin.council.errors.name_required', 120, 'admin.council.errors.name_too_long'),
    area_description: optionalText(1000, 'admin.council.errors.area_too_long'),
    agreement_signed_on: calendarDate('admin.council.errors.date_invalid'),
    is_pilot: checkbox,
    officer_id: optionalId('rollout.errors.officer_invalid'),
    admin_name: requiredLine('rollout.errors.admin_name_required', 100, 'rollout.errors.admin_name_too_long'),
    admin_email: email('rollout.errors.admin_email_required', 'rollout.errors.admin_email_invalid'),
    admin_title: optionalLine(60, 'members.errors.title_too_long'),
  })
  .check(
    // Runs even when other fields failed (`when`), so every problem shows on the first attempt.
    z.superRefine(
      (v, ctx) => {
        const chosen = typeof v.municipality_id === 'number';
        const typed = typeof v.new_municipality === 'string' && v.new_municipality !== '';
        if (chosen && typed) {
          ctx.addIssue({
            code: 'custom',
            message: 'rollout.errors.municipality_both',
            path: ['new_municipality'],
          });
        } else if (!chosen && !typed && v.municipality_id === null) {
          ctx.addIssue({
            code: 'custom',
            message: 'rollout.errors.municipality_required',
            path: ['municipality_id'],
          });
        }
      },
      { when: () => true },
    ),
  );
export type NewCouncilInput = z.output<typeof newCouncilSchema>;

/** The options of an import, on the upload form and again (hidden) on the confirm form. */
export const importOptionsSchema = z.object({
  officer_id: optionalId('rollout.errors.officer_invalid'),
  is_pilot: checkbox,
});
export type ImportOptions = z.output<typeof importOptionsSchema>;
