import { z } from 'zod';
import { AUDIT_ACTIONS } from '../../audit/audit-actions.js';
import {
  calendarDate,
  checkbox,
  email,
  id,
  ids,
  optionalText,
  requiredLine,
} from '../../web/schema-helpers.js';

/**
 * Form schemas for the district administration. Messages are i18n keys in locales/admin.json.
 * Uniqueness (names, slugs) needs the database and is checked in the service.
 */

const trimmed = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v),
  z.string(),
);

/** An empty <select> means "none"; anything else must be an id. */
const optionalId = (key: string) =>
  trimmed.pipe(
    z
      .string()
      .regex(/^(\d{1,12})?$/, key)
      .transform((v) => (v === '' ? null : Number(v))),
  );

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const municipalitySchema = z.object({
  name: requiredLine(
    'admin.municipality.errors.name_required',
    80,
    'admin.municipality.errors.name_too_long',
  ),
});
export type MunicipalityInput = z.output<typeof municipalitySchema>;

export const councilSchema = z.object({
  name: requiredLine('admin.council.errors.name_required', 120, 'admin.council.errors.name_too_long'),
  slug: trimmed.pipe(
    z
      .string()
      .max(60, 'admin.council.errors.slug_invalid')
      .refine((v) => v === '' || SLUG_PATTERN.test(v), 'admin.council.errors.slug_invalid'),
  ),
  municipality_id: id('admin.council.errors.municipality_required'),
  area_description: optionalText(1000, 'admin.council.errors.area_too_long'),
  agreement_signed_on: calendarDate('admin.council.errors.date_invalid'),
  active: checkbox,
  is_pilot: checkbox,
});
export type CouncilInput = z.output<typeof councilSchema>;

export const departmentSchema = z.object({
  name: requiredLine('admin.department.errors.name_required', 80, 'admin.department.errors.name_too_long'),
  email: email('admin.department.errors.email_required', 'admin.department.errors.email_invalid'),
  active: checkbox,
});
export type DepartmentInput = z.output<typeof departmentSchema>;

const categoryFields = {
  label_da: requiredLine(
    'admin.category.errors.label_da_required',
    80,
    'admin.category.errors.label_too_long',
  ),
  label_en: requiredLine(
    'admin.category.errors.label_en_required',
    80,
    'admin.category.errors.label_too_long',
  ),
  suggested_department_id: optionalId('admin.category.errors.department_invalid'),
  active: checkbox,
  sort_order: trimmed.pipe(
    z
      .string()
      .regex(/^\d{1,4}$/, 'admin.category.errors.sort_order_invalid')
      .transform(Number),
  ),
};

/** The slug is chosen once: concerns and statistics refer to it, so the edit form has no slug field. */
export const categoryCreateSchema = z.object({
  slug: trimmed.pipe(
    z
      .string()
      .min(1, 'admin.category.errors.slug_required')
      .max(40, 'admin.category.errors.slug_invalid')
      .regex(SLUG_PATTERN, 'admin.category.errors.slug_invalid'),
  ),
  ...categoryFields,
});
export const categoryUpdateSchema = z.object(categoryFields);
export type CategoryCreateInput = z.output<typeof categoryCreateSchema>;
export type CategoryUpdateInput = z.output<typeof categoryUpdateSchema>;

export const inviteOfficerSchema = z.object({
  name: requiredLine('admin.officer.errors.name_required', 120, 'admin.officer.errors.name_too_long'),
  email: email('admin.officer.errors.email_required', 'admin.officer.errors.email_invalid'),
  council_ids: ids('admin.officer.errors.councils_invalid'),
});
export type InviteOfficerInput = z.output<typeof inviteOfficerSchema>;

export const promoteOfficerSchema = z.object({
  existing_email: email('admin.officer.errors.email_required', 'admin.officer.errors.email_invalid'),
});

export const assignCouncilsSchema = z.object({
  council_ids: ids('admin.officer.errors.councils_invalid'),
});

/** Nærnet has no lines before its pilot (2015); a year like 0001 or 9999 is a typing error. */
const AUDIT_EARLIEST = '2000-01-01';
const AUDIT_LATEST = '2099-12-31';

/**
 * Filters of the audit log (a GET form, also the CSV export's query): all optional. `from` and
 * `to` are Copenhagen calendar days, both included.
 */
export const auditFilterSchema = z
  .object({
    person: trimmed.pipe(z.string().max(254, 'admin.audit.errors.person_invalid')),
    action: trimmed.pipe(
      z
        .string()
        .refine((v) => v === '' || Object.hasOwn(AUDIT_ACTIONS, v), 'admin.audit.errors.action_invalid'),
    ),
    entity_type: trimmed.pipe(z.string().max(40, 'admin.audit.errors.entity_type_invalid')),
    entity_id: optionalId('admin.audit.errors.entity_id_invalid'),
    from: calendarDate('admin.audit.errors.from_invalid'),
    to: calendarDate('admin.audit.errors.to_invalid'),
    before: optionalId('admin.audit.errors.before_invalid'),
    after: optionalId('admin.audit.errors.before_invalid'),
  })
  .superRefine((q, ctx) => {
    const outside = (d: string | null) => d !== null && (d < AUDIT_EARLIEST || d > AUDIT_LATEST);
    for (const field of ['from', 'to'] as const) {
      if (outside(q[field]))
        ctx.addIssue({ code: 'custom', path: [field], message: 'admin.audit.errors.out_of_range' });
    }
    if (q.from && q.to && q.from > q.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'admin.audit.errors.range_order' });
    }
  });
export type AuditFilterInput = z.output<typeof auditFilterSchema>;
