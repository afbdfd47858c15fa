import { z } from 'zod';
import { cleanLine } from '../../web/schema-helpers.js';
import { PRIORITIES, STATUSES } from '../concerns/concern-state.js';
import { MAX_QUERY_LENGTH } from './fts-query.js';

/**
 * The filters of /triage and /concerns arrive as a GET query that anyone can edit by hand. A value
 * that makes no sense is ignored (the filter is off), so a query string never causes an error
 * page; only a council the actor does not cover is refused, by the service (404).
 */

/** A repeated parameter (?q=a&q=b) counts with its first value. */
const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);

/** Free text on one line; control characters (a NUL, an escape) go, as in every form field. */
const text = (max: number) =>
  z.preprocess(
    first,
    z
      .string()
      .catch('')
      .transform((v) => cleanLine(v).trim().slice(0, max)),
  );

const optionalId = z.preprocess(
  first,
  z
    .string()
    .regex(/^[1-9]\d{0,11}$/)
    .transform(Number)
    .nullable()
    .catch(null),
);

const optionalSlug = z.preprocess(
  first,
  z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .nullable()
    .catch(null),
);

const flag = z.preprocess(
  first,
  z
    .string()
    .catch('')
    .transform((v) => v !== '' && v !== '0'),
);

const page = (name: string) =>
  z.preprocess(
    first,
    z
      .string()
      .regex(/^[1-9]\d{0,4}$/)
      .transform(Number)
      .catch(1)
      .describe(name),
  );

/** Status filter: one status, every open one (the queue's default) or all. */
export const STATUS_FILTERS = ['open', 'all', ...STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export const listQuerySchema = z.object({
  council: optionalId,
  status: z.preprocess(first, z.enum(STATUS_FILTERS).nullable().catch(null)),
  category: optionalSlug,
  priority: z.preprocess(first, z.enum(PRIORITIES).nullable().catch(null)),
  department: optionalId,
  awaiting: flag,
  overdue: flag,
  q: text(MAX_QUERY_LENGTH),
  page: page('page'),
  mine_page: page('mine_page'),
  shared_page: page('shared_page'),
});
export type ListQuery = z.output<typeof listQuerySchema>;

/** The query never fails to parse: every field falls back to "not set". */
export function parseListQuery(query: unknown): ListQuery {
  return listQuerySchema.parse(query && typeof query === 'object' ? query : {});
}
