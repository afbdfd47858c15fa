import { z } from 'zod';

/** A page number of one list; anything else is page 1 (a GET never fails). */
const pageNumber = z.preprocess(
  (v) => (typeof v === 'string' ? v : '1'),
  z
    .string()
    .regex(/^[1-9]\d{0,4}$/)
    .transform(Number)
    .catch(1),
);

/** GET /admin/outbox: each list pages on its own. */
export const outboxQuerySchema = z.object({ waiting_page: pageNumber, failed_page: pageNumber });

export type OutboxQuery = z.output<typeof outboxQuerySchema>;
