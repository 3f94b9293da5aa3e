-- 0001_init: accounts, conversations, participants (with read/delivered watermarks),
-- messages (per-conversation seq, idempotent on clientId), per-user hidden messages,
-- uploads, realtime tickets and auth rate-limit counters.
-- Times are ISO-8601 UTC strings (they sort lexicographically); ids are opaque UUIDs.

CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  display_name TEXT NOT NULL,
  avatar_url TEXT,
  password_hash TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT,
  online INTEGER NOT NULL DEFAULT 0
);
-- Prefix search on names (GET /users?q=); email prefix uses the UNIQUE index.
CREATE INDEX users_display_name_idx ON users (display_name COLLATE NOCASE);

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL CHECK (type IN ('direct', 'group')),
  title TEXT,
  -- "<smaller user id>:<larger user id>" for direct chats, so a pair has one conversation.
  direct_key TEXT UNIQUE,
  created_by TEXT NOT NULL REFERENCES users (id),
  created_at TEXT NOT NULL,
  last_activity_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE participants (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id),
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  joined_at TEXT NOT NULL,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  last_delivered_seq INTEGER NOT NULL DEFAULT 0,
  muted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;
-- A user's conversations (the list) and "who shares a conversation with me" (presence).
CREATE INDEX participants_user_idx ON participants (user_id, conversation_id);

CREATE TABLE messages (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  sender_id TEXT NOT NULL REFERENCES users (id),
  client_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('text', 'image', 'system')),
  text TEXT,
  image_key TEXT,
  image_content_type TEXT,
  image_size INTEGER,
  -- JSON of the system event (joined, left, removed, role_changed) for kind = 'system'.
  system TEXT,
  created_at TEXT NOT NULL,
  deleted_at TEXT
);
-- History by seq (pages, catch-up, unread counts) and the idempotent-send key.
CREATE UNIQUE INDEX messages_conversation_seq_idx ON messages (conversation_id, seq);
CREATE UNIQUE INDEX messages_client_id_idx ON messages (conversation_id, sender_id, client_id);
CREATE INDEX messages_image_key_idx ON messages (image_key) WHERE image_key IS NOT NULL;

-- "Delete for me": hidden from one user's history only.
CREATE TABLE hidden_messages (
  user_id TEXT NOT NULL REFERENCES users (id),
  message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  hidden_at TEXT NOT NULL,
  PRIMARY KEY (user_id, message_id)
) WITHOUT ROWID;

CREATE TABLE uploads (
  key TEXT PRIMARY KEY,
  uploader_id TEXT NOT NULL REFERENCES users (id),
  content_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE INDEX uploads_created_idx ON uploads (created_at);

-- Single-use socket tickets (POST /realtime/ticket), stored by SHA-256 of the ticket.
CREATE TABLE realtime_tickets (
  ticket_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id),
  expires_at TEXT NOT NULL,
  used_at TEXT
) WITHOUT ROWID;
CREATE INDEX realtime_tickets_expires_idx ON realtime_tickets (expires_at);

-- Fixed-window counters for login/register rate limits ("login:<email>", "register:<ip>").
CREATE TABLE auth_rate_limits (
  bucket TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  count INTEGER NOT NULL
) WITHOUT ROWID;
