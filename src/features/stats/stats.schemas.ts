import { z } from 'zod';
import { isCalendarDate } from '../../web/dates.js';
import { ids } from '../../web/schema-helpers.js';
import { daysInclusive } from './period.js';

/** Five years is more than any evaluation needs and keeps a request's work bounded. */
export const MAX_PERIOD_DAYS = 5 * 366;

/**
 * A date from <input type="date"> (YYYY-MM-DD), or the Danish short form 24.2.2015 typed where
 * there is no date picker. Empty = not chosen.
 */
const calendarDate = (key: string) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v === undefined ? '' : v),
    z.string(key).transform((v, ctx) => {
      if (v === '') return null;
      const danish = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v);
      const iso = danish ? `${danish[3]}-${danish[2]?.padStart(2, '0')}-${danish[1]?.padStart(2, '0')}` : v;
      if (!isCalendarDate(iso)) {
        ctx.addIssue({ code: 'custom', message: key });
        return z.NEVER;
      }
      return iso;
    }),
  );

/** The query string of /stats, its CSV exports and the report: the period and the councils. */
export const statsQuerySchema = z
  .object({
    from: calendarDate('stats.errors.from_invalid'),
    to: calendarDate('stats.errors.to_invalid'),
    council_ids: ids('stats.errors.councils_invalid'),
  })
  .superRefine((q, ctx) => {
    if ((q.from === null) !== (q.to === null)) {
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
