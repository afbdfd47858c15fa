-- Mail that outlives an outage (docs/domain.md#mail-delivery-and-retries).
--
-- The outbox row that carries a referral's current link to its department: the first mail, then
-- each renewal's. The officer's case page shows its delivery state (waiting, delivered, could not
-- be delivered), and /triage and the officers' digest flag a referral whose mail failed. A failed
-- mail sent again from /admin/outbox is the same row, so the flag clears once it is delivered.
ALTER TABLE referrals ADD COLUMN outbox_id INTEGER REFERENCES outbox(id);

-- Referrals sent before this migration: the newest referral mail about the concern to the
-- department's address. Mails queued before 0022 have no link to their concern, so those
-- referrals keep NULL and show no delivery state.
UPDATE referrals SET outbox_id = (
  SELECT o.id FROM outbox_concerns oc JOIN outbox o ON o.id = oc.outbox_id
   WHERE oc.concern_id = referrals.concern_id
     AND o.kind = 'referral'
     AND o.to_address = (SELECT d.email FROM departments d WHERE d.id = referrals.department_id) COLLATE NOCASE
   ORDER BY o.id DESC LIMIT 1
);
