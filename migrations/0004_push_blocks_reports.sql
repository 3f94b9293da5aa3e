-- 0004_push_blocks_reports: Web Push subscriptions (one per browser/device), blocks between
-- users, reports of messages for moderators, and account suspension (set by an admin in the
-- D1 console; see README "Moderation").

-- One row per browser PushSubscription. An endpoint is unique: a device that signs in as
-- someone else moves to them. Pushes list a user's rows (user_id); subscribe and unsubscribe
-- find a row by endpoint (the unique index).
CREATE TABLE push_subscriptions (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX push_subscriptions_endpoint_idx ON push_subscriptions (endpoint);
CREATE INDEX push_subscriptions_user_idx ON push_subscriptions (user_id);

-- blocker_id blocks blocked_id. The primary key answers "whom did I block" (GET /me/blocks) and
-- "did A block B"; the second index answers "who blocked me" (presence and direct chats look
-- both ways).
CREATE TABLE user_blocks (
  blocker_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  blocked_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (blocker_id, blocked_id)
) WITHOUT ROWID;
CREATE INDEX user_blocks_blocked_idx ON user_blocks (blocked_id, blocker_id);

-- A member's report of a message, with a copy of what it said when reported (the message may be
-- deleted or edited later). One per (message, reporter): reporting again answers the same row.
-- Moderators list open reports (status, created_at) and close them (status = 'closed').
CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  reporter_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  reason TEXT NOT NULL CHECK (reason IN ('spam', 'harassment', 'other')),
  note TEXT,
  message_text TEXT,
  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  created_at TEXT NOT NULL,
  closed_at TEXT
) WITHOUT ROWID;
CREATE UNIQUE INDEX reports_message_reporter_idx ON reports (message_id, reporter_id);
CREATE INDEX reports_status_idx ON reports (status, created_at);

-- Set by an admin (D1 console) to suspend an account: its requests answer 401 and its sockets
-- close within about a second (the Moderation Durable Object watches this column). The partial
-- index keeps that once-a-second look at suspended accounts to the few rows that are.
ALTER TABLE users ADD COLUMN suspended_at TEXT;
CREATE INDEX users_suspended_idx ON users (suspended_at) WHERE suspended_at IS NOT NULL;
