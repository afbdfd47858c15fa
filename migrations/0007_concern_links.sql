-- The case page lists the concerns closed as duplicates of this one: without an index that was a
-- scan of every concern (23 ms at 100,000 concerns, measured with bench/concerns.bench.ts).
CREATE INDEX concerns_duplicate_of ON concerns(duplicate_of_id) WHERE duplicate_of_id IS NOT NULL;
