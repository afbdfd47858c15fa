-- The last TOTP time step accepted per user: a code cannot be used twice, even within its window.
ALTER TABLE users ADD COLUMN totp_last_time_step INTEGER;
