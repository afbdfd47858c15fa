-- The audit log a data protection officer can use (docs/domain.md#audit-log).

-- A read repeated within a few minutes counts on the line it repeats instead of adding one
-- (src/audit/audit-log.ts, COLLAPSE_MINUTES): how many reads the line stands for, and the time of
-- the last (NULL while there was only one).
ALTER TABLE audit_log ADD COLUMN repeat_count INTEGER NOT NULL DEFAULT 1 CHECK (repeat_count >= 1);
ALTER TABLE audit_log ADD COLUMN last_at TEXT;

-- /admin/audit filters by a period and by action. A period's lines are found by time; one
-- action's lines are read from its index entries, which SQLite keeps in rowid order, newest first.
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_action ON audit_log(action);
