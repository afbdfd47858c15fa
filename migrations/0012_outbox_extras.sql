-- Calendar invitations and attachments for outbox mail (meetings' .ics), as JSON:
-- { "icalEvent": { "method": "REQUEST", "filename": "invite.ics", "content": "BEGIN:VCALENDAR…" },
--   "attachments": [{ "filename": "x.ics", "contentType": "text/calendar", "content": "…" }] }
ALTER TABLE outbox ADD COLUMN extras TEXT NOT NULL DEFAULT '{}';
