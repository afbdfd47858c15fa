-- The officer's queue and its counts (issue 3), checked with EXPLAIN QUERY PLAN on 100,000 concerns
-- over 100 councils (see src/features/triage/README.md).

-- Concerns still waiting for their first response with the clock running: exactly those that can
-- be overdue. Counting overdue concerns reads this small index instead of the table. Queries must
-- repeat the WHERE terms word for word for SQLite to use a partial index.
CREATE INDEX concerns_unanswered ON concerns(council_id, due_at)
  WHERE status != 'closed' AND first_response_at IS NULL AND paused_at IS NULL;

-- A queue over every council (district admins): the status range carries every sort key of the
-- queue, so the open concerns are sorted from the index alone, and counts per status need no
-- council_id prefix.
CREATE INDEX concerns_status ON concerns(status, due_at, first_response_at, paused_at, council_id);

-- The department filter: the concerns referred to one department, found from the referrals side.
CREATE INDEX referrals_department ON referrals(department_id, concern_id);
