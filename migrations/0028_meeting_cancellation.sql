-- A cancelled meeting says so everywhere (issue 13): why it was cancelled, shown with "Aflyst" on
-- the start page, /meetings, the meeting's page and /borgermoeder until the meeting's end has
-- passed, and carried by the cancellation mail. Meetings cancelled before this keep NULL and are
-- shown as cancelled without a reason.
ALTER TABLE meetings ADD COLUMN cancel_reason TEXT;
ALTER TABLE meetings ADD COLUMN cancelled_at TEXT;
