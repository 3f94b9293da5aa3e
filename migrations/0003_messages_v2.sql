-- 0003_messages_v2: edits, replies, mentions and reactions on the message row (the room's
-- outbox keeps upserting one row per message), avatars as uploads, and full-text search.
-- mentions and reactions are JSON text (NULL when empty): `["<user id>", ...]` and
-- `[{"emoji": "...", "userIds": [...]}, ...]` in order of each emoji's first use.

ALTER TABLE messages ADD COLUMN edited_at TEXT;
ALTER TABLE messages ADD COLUMN reply_to_id TEXT;
ALTER TABLE messages ADD COLUMN mentions TEXT;
ALTER TABLE messages ADD COLUMN reactions TEXT;

-- PATCH /me: the upload key of the user's avatar and the type its bytes were sniffed as; the
-- media route serves that key while it is someone's avatar. avatar_url holds its signed URL.
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN avatar_content_type TEXT;
-- The media route serves an avatar by its key.
CREATE INDEX users_avatar_key_idx ON users (avatar_key) WHERE avatar_key IS NOT NULL;

-- GET /search/messages: word and prefix matches, case- and accent-insensitive. A plain FTS5
-- table keyed by the message's rowid holds the text of every live, non-system message; the
-- triggers below keep it in step with every insert, upsert (ON CONFLICT DO UPDATE fires the
-- UPDATE trigger), edit, delete-for-everyone (text set to NULL) and row delete.
-- Note: `wrangler d1 export` refuses databases with virtual tables: scripts/search-index-drop.sql
-- and scripts/search-index.sql drop and recreate this part (README "Exporting D1 with the
-- search index").
CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.text IS NOT NULL AND new.deleted_at IS NULL AND new.kind != 'system'
BEGIN
  INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF text, deleted_at ON messages
WHEN old.text IS NOT new.text OR old.deleted_at IS NOT new.deleted_at
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid;
  INSERT INTO messages_fts (rowid, text)
    SELECT new.rowid, new.text WHERE new.text IS NOT NULL AND new.deleted_at IS NULL AND new.kind != 'system';
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
BEGIN
  DELETE FROM messages_fts WHERE rowid = old.rowid;
END;

-- Messages already stored before this migration.
INSERT INTO messages_fts (rowid, text)
  SELECT rowid, text FROM messages WHERE text IS NOT NULL AND deleted_at IS NULL AND kind != 'system';

