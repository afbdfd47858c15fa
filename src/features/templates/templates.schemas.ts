import { z } from 'zod';
import { checkbox, requiredLine, requiredText } from '../../web/schema-helpers.js';

/** A tekstskabelon: messages are keys in locales/templates.json. */
export const TITLE_MAX = 100;
export const BODY_MAX = 5000;

export const templateSchema = z.object({
  title: requiredLine('templates.errors.title_required', TITLE_MAX, 'templates.errors.title_too_long'),
  body: requiredText('templates.errors.body_required', BODY_MAX, 'templates.errors.body_too_long'),
  /** Only the edit form has it; a new template is always active. */
  active: checkbox,
});
export type TemplateInput = z.output<typeof templateSchema>;
