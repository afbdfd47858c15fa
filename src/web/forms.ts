import type { z } from 'zod';
import type { Translate } from './i18n.js';

/**
 * The DKFDS error pattern: a summary above the h1 linking to each field (#field-<name>), and the
 * same message beside the field. Schemas carry i18n keys as messages; they are translated here.
 */
export type FormErrors = {
  summary: { href: string; text: string }[];
  fields: Record<string, string>;
};

export type FormResult<T> =
  | { ok: true; data: T }
  | { ok: false; errors: FormErrors; values: Record<string, unknown> };

export const fieldId = (name: string) => `field-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

export function noErrors(): FormErrors {
  return { summary: [], fields: {} };
}

/** Builds FormErrors from (field, message key) pairs, first message per field wins. */
export function formErrors(t: Translate, issues: { field: string; messageKey: string }[]): FormErrors {
  const errors = noErrors();
  for (const { field, messageKey } of issues) {
    if (field in errors.fields) continue;
    const text = t(messageKey);
    errors.fields[field] = text;
    errors.summary.push({ href: `#${fieldId(field)}`, text });
  }
  return errors;
}

/** Only strings (and arrays of strings for repeated fields) survive from a submitted body. */
export function submittedValues(body: unknown): Record<string, unknown> {
  if (!body || typeof body !== 'object') return {};
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf' || key.includes('password')) continue; // never echo secrets back
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.filter((v) => typeof v === 'string');
  }
  return values;
}

/** A repeated field (checkboxes) as the strings the form compares with, also when only one was sent. */
export const checkedValues = (values: Record<string, unknown>, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
};

export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
  t: Translate,
): FormResult<z.output<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const issues = result.error.issues.map((issue) => ({
    field: String(issue.path[0] ?? 'form'),
    messageKey: issue.message,
  }));
  return { ok: false, errors: formErrors(t, issues), values: submittedValues(body) };
}
