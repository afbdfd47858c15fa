-- When a district admin erased the person (GDPR art. 17, POST /admin/people/:id/erase). The row
-- stays so that what the audit log must keep still points at someone; its name and contact are gone.
ALTER TABLE users ADD COLUMN erased_at TEXT;
