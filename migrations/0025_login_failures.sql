-- Failed sign-in attempts of the last window (src/auth/login-throttle.ts, docs/domain.md#sign-in-limits).
-- In the database rather than in memory so that a restart or a deploy does not hand whoever is
-- guessing a fresh budget. A row older than the window is deleted when the next failure is written.
--
-- account_key: an HMAC of the lowercased email under a key derived from SESSION_SECRET, so an
--   unknown address locks exactly like a known one and no address is stored;
-- device: the nonce of the signed device cookie the attempt came with, when that cookie was valid
--   for the account (its own budget); NULL for an attempt from an untrusted client;
-- ip_key: an HMAC of the client's address (the per-address limit counts untrusted attempts only);
-- cleared: 1 once a sign-in or a password reset lifted it for the account or device; it still
--   counts for its address, so one right password does not open the address for more guessing.
CREATE TABLE login_failures (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  account_key TEXT NOT NULL,
  device TEXT,
  ip_key TEXT NOT NULL,
  cleared INTEGER NOT NULL DEFAULT 0 CHECK (cleared IN (0, 1))
);
CREATE INDEX login_failures_account ON login_failures(account_key, at);
CREATE INDEX login_failures_device ON login_failures(device, at) WHERE device IS NOT NULL;
CREATE INDEX login_failures_ip ON login_failures(ip_key, at);
CREATE INDEX login_failures_at ON login_failures(at);
