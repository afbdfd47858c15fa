import { z } from 'zod';
import { id, requiredLine, requiredText } from '../../web/schema-helpers.js';

/** A crime-picture post and its comments: messages are keys in locales/posts.json. */
export const TITLE_MAX = 150;
export const PERIOD_MAX = 60;
export const BODY_MAX = 10_000;
export const COMMENT_MAX = 2000;
export const REASON_MAX = 500;
export const FIGURE_MAX = 9_999_999;

/** `council_id`: empty = the whole police district (null), otherwise a council id. */
const councilChoice = z.preprocess(
  (v) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v),
  z.union([z.null(), id('posts.errors.council_invalid')]),
);

export const postSchema = z.object({
  council_id: councilChoice,
  title: requiredLine('posts.errors.title_required', TITLE_MAX, 'posts.errors.title_too_long'),
  period: requiredLine('posts.errors.period_required', PERIOD_MAX, 'posts.errors.period_too_long'),
  body: requiredText('posts.errors.body_required', BODY_MAX, 'posts.errors.body_too_long'),
});
export type PostInput = z.output<typeof postSchema>;

/** The per-category number fields are flat (`current_<slug>`, `previous_<slug>`): urlencoded is not extended. */
export const figureField = (which: 'current' | 'previous', slug: string) => `${which}_${slug}`;

export type FigureInput = { categoryId: number; current: number | null; previous: number | null };
export type FigureIssue = { field: string; categoryId: number; which: 'current' | 'previous' };

/**
 * Reads the optional figures for each active category. Empty = not given; anything but a whole
 * number from 0 up (a minus, a comma, letters, a repeated field) is an issue for that field.
 */
export function parseFigures(
  body: unknown,
  categories: { id: number; slug: string }[],
): { figures: FigureInput[]; issues: FigureIssue[] } {
  const source = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const figures: FigureInput[] = [];
  const issues: FigureIssue[] = [];
  for (const category of categories) {
    const read = (which: 'current' | 'previous'): number | null => {
      const field = figureField(which, category.slug);
      const raw = source[field];
      if (raw === undefined) return null;
      const text = typeof raw === 'string' ? raw.trim() : null;
      if (text === '') return null;
      if (text !== null && /^\d{1,7}$/.test(text) && Number(text) <= FIGURE_MAX) return Number(text);
      issues.push({ field, categoryId: category.id, which });
      return null;
    };
    const current = read('current');
    const previous = read('previous');
    if (current !== null || previous !== null) figures.push({ categoryId: category.id, current, previous });
  }
  return { figures, issues };
}

export const commentSchema = z.object({
  body: requiredText('posts.errors.comment_required', COMMENT_MAX, 'posts.errors.comment_too_long'),
  parent_id: z.preprocess(
    (v) => (v === undefined || v === '' ? null : v),
    z.union([z.null(), id('posts.errors.parent_invalid')]),
  ),
});
export type CommentInput = z.output<typeof commentSchema>;

export const hideSchema = z.object({
  reason: requiredText('posts.errors.reason_required', REASON_MAX, 'posts.errors.reason_too_long'),
});

/** `?page=` on the list: a positive whole number, anything else is page 1. */
export const pageSchema = z.preprocess(
  (v) => (typeof v === 'string' && /^[1-9]\d{0,5}$/.test(v) ? Number(v) : 1),
  z.number(),
);
