-- 0002_sessions_and_limits: login sessions (every token carries one; logout, logout-all and a
-- password change revoke them), the session a socket ticket was issued to, and the upload
-- columns that let exactly one PUT write an object and pin the bytes that were checked.

-- One row per issued token (`sid` claim). A token is accepted only while its row exists, is not
-- revoked and has not expired, and its user still exists.
CREATE TABLE sessions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
) WITHOUT ROWID;
-- Logout-all and password changes revoke every session of a user; the sweep drops expired ones.
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- A ticket opens a socket only while the session it was issued to is still live.
ALTER TABLE realtime_tickets ADD COLUMN session_id TEXT;

-- claimed_at: set by the one PUT that may write the object (a conditional UPDATE), so a second
-- or concurrent PUT to the same URL is refused. etag: the R2 etag of the bytes that were stored
-- (local PUT) or checked when the image was first sent; the media route serves only that object.
ALTER TABLE uploads ADD COLUMN claimed_at TEXT;
ALTER TABLE uploads ADD COLUMN etag TEXT;
