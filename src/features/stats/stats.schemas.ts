import { z } from 'zod';
import { calendarDate, ids } from '../../web/schema-helpers.js';
import { daysInclusive } from './period.js';

/** Five years is more than any evaluation needs and keeps a request's work bounded. */
const MAX_PERIOD_DAYS = 5 * 366;

/** Nærnet has no data before its pilot (2015); a year like 0001 or 9999 is a typing error. */
const EARLIEST = '2000-01-01';
const LATEST = '2099-12-31';

/** The query string of /stats, its CSV exports and the report: the period and the councils. */
export const statsQuerySchema = z
  .object({
    from: calendarDate('stats.errors.from_invalid'),
    to: calendarDate('stats.errors.to_invalid'),
    council_ids: ids('stats.errors.councils_invalid'),
  })
  .superRefine((q, ctx) => {
    const outside = (d: string | null) => d !== null && (d < EARLIEST || d > LATEST);
    if (outside(q.from) || outside(q.to)) {
      const field = outside(q.from) ? 'from' : 'to';
      ctx.addIssue({ code: 'custom', path: [field], message: 'stats.errors.out_of_range' });
    } else if ((q.from === null) !== (q.to === null)) {
      const field = q.from === null ? 'from' : 'to';
      ctx.addIssue({ code: 'custom', path: [field], message: `stats.errors.${field}_missing` });
    } else if (q.from && q.to && q.from > q.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'stats.errors.range_order' });
    } else if (q.from && q.to && daysInclusive(q.from, q.to) > MAX_PERIOD_DAYS) {
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'stats.errors.range_too_long' });
    }
  })
  .transform((q) => ({ from: q.from ?? undefined, to: q.to ?? undefined, councilIds: q.council_ids }));

export type StatsQuery = z.output<typeof statsQuerySchema>;
