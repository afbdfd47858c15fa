-- The monthly draft job (src/features/newsletters/monthly-draft.job.ts) asks every tick, per active
-- council, whether a concern was closed last month with a summary shared with the network. Without
-- an index that reads every closed concern; this partial index holds only closed concerns with a
-- shared summary, per council and ordered by closed_at, so the query (whose WHERE repeats the
-- index's terms literally) reads just last month's candidates of each council.
CREATE INDEX concerns_monthly_draft ON concerns(council_id, closed_at)
  WHERE status = 'closed' AND shared_summary IS NOT NULL;
