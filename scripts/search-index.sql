-- Recreates the message search index of migration 0003 (table and triggers) and refills it from
-- `messages`: after search-index-drop.sql and `wrangler d1 export`, or after importing an export
-- into a new database. Safe to run again: it starts by dropping whatever is there.
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_update;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TABLE IF EXISTS messages_fts;

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

INSERT INTO messages_fts (rowid, text)
  SELECT rowid, text FROM messages WHERE text IS NOT NULL AND deleted_at IS NULL AND kind != 'system';
