-- The retention job (src/features/concerns/retention.job.ts) looks every tick for closed concerns
-- not yet anonymised whose closed_at lies before the cutoff. Without an index that is a scan of
-- every concern; this partial index holds exactly the candidates, ordered by closed_at, so the
-- query (whose WHERE repeats the index's terms literally) reads only the due rows.
CREATE INDEX concerns_retention ON concerns(closed_at) WHERE status = 'closed' AND anonymised_at IS NULL;
