import type { Request, Response } from 'express';
import type { z } from 'zod';
import { isStorageFailure, RETRY_AFTER_SECONDS } from '../db/storage-failure.js';
import { ConflictError } from '../errors.js';
import { logStorageFailure } from './error-handler.js';
import { type FormErrors, formErrors, noErrors, parseForm, submittedValues } from './forms.js';
import { redirectWithFlash, renderFormErrors, tOf } from './render.js';

/**
 * The one way a form POST is answered (docs/architecture.md#forms):
 *
 * - the input is valid and the change is made → 303 to the next page with a flash;
 * - the input is refused — the schema fails, the handler refuses a field, or the service throws a
 *   ConflictError naming a field (a taken name, a full meeting) → the same form again, **422**, with
 *   the DKFDS error summary and the user's input kept;
 * - the thing's state forbids the action — a ConflictError without a field (already answered), or
 *   any refusal of a button that sends no input (`handleAction`: already sending, the last admin)
 *   → **409**, on the thing's own page with the reason, or else the error page.
 * - nothing can be saved — the disk is full or DATA_DIR is read-only → the same form again, **503**,
 *   with the input kept and an alert that nothing was saved (showNotSaved).
 *
 * Access checks come before this (a 404 never turns into a validation message).
 */

/** Where to go after the change, with the one-time message shown there (if any). */
export type FormDone = { redirect: string; flash?: string; params?: Record<string, string> };

/** A refusal the handler decides itself (a wrong password, an expired link): shown on the form. */
export type FormRefusal = {
  refused: { field: string; messageKey: string }[];
  /** 422 unless said (a failed login is 401). */
  status?: number;
  /** What to show again instead of the submitted input. */
  values?: Record<string, unknown>;
};

export const refuse = (
  field: string,
  messageKey: string,
  options: Omit<FormRefusal, 'refused'> = {},
): FormRefusal => ({ refused: [{ field, messageKey }], ...options });

type Outcome = FormDone | FormRefusal | undefined;

export type FormPost<S extends z.ZodType> = {
  schema: S;
  /** The page holding the form, shown again with the errors and the values. */
  show: (errors: FormErrors, values: Record<string, unknown>, status: number) => void;
  /** Makes the change; returns where to go, a refusal, or nothing when it answered itself (a page). */
  submit: (data: z.output<S>) => Outcome | Promise<Outcome>;
  /** Shows a state conflict (no field) on the thing's own page, with status 409. */
  conflict?: (messageKey: string) => void;
  /** Problems found before the schema ran (e.g. an upload over its limit), shown with the schema's. */
  earlier?: { field: string; messageKey: string; status: number };
  /** The input shown again (default: the submitted strings, secrets left out). */
  values?: Record<string, unknown>;
};

export async function handleForm<S extends z.ZodType>(
  req: Request,
  res: Response,
  form: FormPost<S>,
): Promise<void> {
  const t = tOf(res);
  const values = form.values ?? submittedValues(req.body);
  const parsed = parseForm(form.schema, req.body, t);
  if (!parsed.ok || form.earlier) {
    const errors = parsed.ok ? noErrors() : parsed.errors;
    if (form.earlier && !(form.earlier.field in errors.fields)) {
      const earlier = formErrors(t, [form.earlier]);
      errors.fields[form.earlier.field] = earlier.fields[form.earlier.field] ?? '';
      errors.summary.push(...earlier.summary);
    }
    form.show(errors, values, form.earlier?.status ?? 422);
    return;
  }
  let outcome: Outcome;
  try {
    outcome = await form.submit(parsed.data);
  } catch (err) {
    if (isStorageFailure(err) && !res.headersSent) {
      showNotSaved(req, res, form, values, err);
      return;
    }
    if (!(err instanceof ConflictError)) throw err;
    if (err.field) {
      form.show(formErrors(t, [{ field: err.field, messageKey: err.messageKey }]), values, 422);
      return;
    }
    if (!form.conflict) throw err;
    form.conflict(err.messageKey);
    return;
  }
  if (!outcome) return;
  if ('refused' in outcome) {
    form.show(formErrors(t, outcome.refused), outcome.values ?? values, outcome.status ?? 422);
    return;
  }
  redirectAfter(res, outcome);
}

/**
 * The disk is full or DATA_DIR is read-only (src/db/storage-failure.ts): the change was rolled
 * back, so the same form comes back at once — 503, Retry-After, the input kept, an alert that
 * nothing was saved — and sending it again later saves it once. A form whose page cannot be shown
 * without a write (a case page records who read it) gets the 503 error page instead.
 */
function showNotSaved<S extends z.ZodType>(
  req: Request,
  res: Response,
  form: FormPost<S>,
  values: Record<string, unknown>,
  err: unknown,
): void {
  logStorageFailure(req.log, req, res, err);
  res.set('Retry-After', String(RETRY_AFTER_SECONDS));
  // A message about the whole form, not a field: the summary shows it without a link.
  const errors: FormErrors = { summary: [{ href: '', text: tOf(res)('forms.not_saved') }], fields: {} };
  try {
    form.show(errors, values, 503);
  } catch (showErr) {
    throw isStorageFailure(showErr) ? err : showErr;
  }
}

function redirectAfter(res: Response, done: FormDone): void {
  if (done.flash) redirectWithFlash(res, done.redirect, done.flash, done.params);
  else res.redirect(303, done.redirect);
}

/**
 * A `show` for a form that is a page of its own: the view with its locals, errors and values.
 * Pass the locals as a function when they cost a query, so they are built only when shown.
 */
export const showView =
  (res: Response, view: string, locals: Record<string, unknown> | (() => Record<string, unknown>) = {}) =>
  (errors: FormErrors, values: Record<string, unknown>, status: number): void =>
    renderFormErrors(res, view, errors, values, typeof locals === 'function' ? locals() : locals, status);

/**
 * A button that sends no input (pause, resend, deactivate): run it and redirect with a flash; a
 * refusal by the thing's state is shown by `refused` — its own page with the reason — as a 409.
 */
export function handleAction(
  res: Response,
  action: { run: () => FormDone; refused: (errors: FormErrors, status: number) => void },
): void {
  let done: FormDone;
  try {
    done = action.run();
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    action.refused(formErrors(tOf(res), [{ field: err.field ?? 'form', messageKey: err.messageKey }]), 409);
    return;
  }
  redirectAfter(res, done);
}
