import { z } from 'zod';
import type { SettingKey } from '../../db/settings.repository.js';
import { email, requiredCalendarDate, requiredLine } from '../../web/schema-helpers.js';

/**
 * Every operator setting as the form shows and checks it: whole numbers within a range, one-line
 * texts, addresses, the accessibility statement's address on was.digst.dk and its date. Messages
 * are `settings.errors.<key>` (numbers, the statement's address and date) or
 * `settings.errors.<key>_required` / `_too_long` / `_invalid`.
 */
export type SettingField =
  | { key: SettingKey; kind: 'integer'; min: number; max: number }
  | { key: SettingKey; kind: 'line'; max: number }
  | { key: SettingKey; kind: 'email' }
  | { key: SettingKey; kind: 'phone'; max: number }
  | { key: SettingKey; kind: 'was_url'; max: number }
  | { key: SettingKey; kind: 'date' };

export type SettingGroup = { id: string; fields: SettingField[] };

/** The page's sections, in order; every key of SETTING_DEFAULTS is in exactly one. */
export const SETTING_GROUPS: SettingGroup[] = [
  {
    id: 'authority',
    fields: [
      { key: 'authority_name', kind: 'line', max: 120 },
      { key: 'district_name', kind: 'line', max: 120 },
      { key: 'authority_email', kind: 'email' },
      { key: 'authority_phone', kind: 'phone', max: 40 },
      { key: 'authority_address', kind: 'line', max: 200 },
      { key: 'was_statement_url', kind: 'was_url', max: 300 },
      { key: 'accessibility_statement_date', kind: 'date' },
    ],
  },
  {
    id: 'privacy',
    fields: [
      { key: 'retention_months', kind: 'integer', min: 1, max: 120 },
      { key: 'mail_body_retention_days', kind: 'integer', min: 1, max: 365 },
      { key: 'audit_retention_months', kind: 'integer', min: 12, max: 120 },
      { key: 'dpo_email', kind: 'email' },
      { key: 'dpo_phone', kind: 'phone', max: 40 },
    ],
  },
  {
    id: 'concerns',
    fields: [
      { key: 'due_working_days_high', kind: 'integer', min: 1, max: 30 },
      { key: 'due_working_days_normal', kind: 'integer', min: 1, max: 30 },
      { key: 'due_working_days_low', kind: 'integer', min: 1, max: 60 },
      { key: 'referral_ack_hours', kind: 'integer', min: 1, max: 720 },
      { key: 'referral_link_days', kind: 'integer', min: 1, max: 90 },
      { key: 'digest_hour', kind: 'integer', min: 0, max: 23 },
    ],
  },
  {
    id: 'mail',
    fields: [
      { key: 'newsletter_rate_per_second', kind: 'integer', min: 0, max: 1000 },
      { key: 'newsletter_batch_size', kind: 'integer', min: 1, max: 500 },
    ],
  },
  {
    id: 'meetings',
    fields: [{ key: 'meeting_reminder_hours', kind: 'integer', min: 1, max: 168 }],
  },
  {
    id: 'session',
    fields: [{ key: 'session_idle_minutes', kind: 'integer', min: 5, max: 480 }],
  },
];

export const SETTING_FIELDS: SettingField[] = SETTING_GROUPS.flatMap((g) => g.fields);

const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v);

/** A whole number in [min, max], stored as its plain digits ("024" → "24"). */
function integer(key: string, min: number, max: number) {
  const message = `settings.errors.${key}`;
  return z.preprocess(
    trimmed,
    z
      .string(message)
      .regex(/^\d{1,6}$/, message)
      .transform(Number)
      .refine((n) => n >= min && n <= max, message)
      .transform(String),
  );
}

/** The Danish accessibility statements live at https://www.was.digst.dk/<site> (Digitaliseringsstyrelsen). */
export function isWasStatementUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return (
    url.protocol === 'https:' &&
    /^(www\.)?was\.digst\.dk$/.test(url.hostname) &&
    url.port === '' &&
    url.username === '' &&
    url.password === '' &&
    url.pathname.length > 1
  );
}

function fieldSchema(field: SettingField): z.ZodType<string> {
  const key = `settings.errors.${field.key}`;
  switch (field.kind) {
    case 'integer':
      return integer(field.key, field.min, field.max);
    case 'line':
    case 'phone':
      return requiredLine(`${key}_required`, field.max, `${key}_too_long`);
    case 'email':
      return email(`${key}_required`, `${key}_invalid`);
    case 'was_url':
      // Empty: no statement on was.digst.dk yet, the portal's own page is the statement.
      return z.preprocess(
        trimmed,
        z
          .string(key)
          .max(field.max, key)
          .refine((v) => v === '' || isWasStatementUrl(v), key),
      );
    case 'date':
      return requiredCalendarDate(key, key);
  }
}

export type SettingValues = Record<SettingKey, string>;

const ORDERED_DUE_DAYS: readonly string[] = [
  'due_working_days_high',
  'due_working_days_normal',
  'due_working_days_low',
];

/** The whole form: every setting at once, so a save is one audited change. */
export const settingsSchema = z
  .object(Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, fieldSchema(f)])))
  .superRefine(
    (values, ctx) => {
      // A higher priority never waits longer for its first response than a lower one.
      const [high, normal, low] = ORDERED_DUE_DAYS.map((k) => Number(values[k]));
      const tooShort =
        high !== undefined && normal !== undefined && high > normal
          ? 'due_working_days_normal'
          : normal !== undefined && low !== undefined && normal > low
            ? 'due_working_days_low'
            : undefined;
      if (tooShort) {
        ctx.addIssue({ code: 'custom', path: [tooShort], message: 'settings.errors.due_working_days_order' });
      }
    },
    // Shown with the other problems, as long as the three periods themselves are whole numbers.
    { when: (payload) => !payload.issues.some((i) => ORDERED_DUE_DAYS.includes(String(i.path?.[0]))) },
  ) as unknown as z.ZodType<SettingValues>;
