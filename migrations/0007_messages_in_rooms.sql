-- 0007_messages_in_rooms (issue 21): messages live only in their room's SQLite (its log, with
-- its own search index). D1 keeps what grows with people and conversations: the list's
-- last-message snapshot on the conversation, each member's unread figures and (when they hid
-- the latest message) their own last visible message on their participants row, the images
-- live messages use, and the route of each message id that does not name its conversation.
-- Rooms write all of it through their outbox. D1's `messages` and `hidden_messages` stay until
-- the admin command (README "Moving messages out of D1") has moved every conversation into
-- its room, and then drops them.

-- The conversation's latest message as the list shows it: the message row as JSON
-- (MessageRecord) with `quoted`, the message it replies to (QuotedRecord) or null.
ALTER TABLE conversations ADD COLUMN last_message TEXT;

-- The member's badges, maintained by the room (the contract's unreadCount and
-- unreadMentionCount), and their last visible message when it is not the conversation's
-- (they hid the latest one): the same JSON, or 'none' when they hid every message. NULL: the
-- conversation's last_message.
ALTER TABLE participants ADD COLUMN unread_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN unread_mention_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE participants ADD COLUMN last_visible TEXT;

-- The list shows a direct conversation to a member who opened it (created it, or asked
-- POST /conversations for it) at once, and to the other member only once it has a message
-- (last_seq > 0). 1 for every existing row: nothing already listed disappears.
ALTER TABLE participants ADD COLUMN listed INTEGER NOT NULL DEFAULT 1;

-- One row per live image message: the media route serves a key, and the hourly sweep keeps an
-- upload, while a row names it. content_type: the type the bytes were sniffed as at send time.
CREATE TABLE image_refs (
  image_key TEXT NOT NULL,
  message_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  content_type TEXT,
  PRIMARY KEY (image_key, message_id)
) WITHOUT ROWID;

-- Message ids from before ids carried their conversation (`<conversation id>_<random>`): the
-- routes that take a message id find its room here. New messages never add a row.
CREATE TABLE legacy_message_ids (
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL
) WITHOUT ROWID;

-- Search is answered by the rooms now: D1's index and its triggers go.
DROP TRIGGER IF EXISTS messages_fts_insert;
DROP TRIGGER IF EXISTS messages_fts_update;
DROP TRIGGER IF EXISTS messages_fts_delete;
DROP TABLE IF EXISTS messages_fts;

-- What D1 already holds, so the list is right from the first request after this migration.
INSERT OR IGNORE INTO legacy_message_ids (id, conversation_id)
  SELECT id, conversation_id FROM messages WHERE substr(id, 1, length(conversation_id) + 1) != conversation_id || '_';

INSERT OR IGNORE INTO image_refs (image_key, message_id, conversation_id, content_type)
  SELECT image_key, id, conversation_id, image_content_type FROM messages WHERE image_key IS NOT NULL AND deleted_at IS NULL;

UPDATE conversations SET last_message = (
  SELECT json_object('id', m.id, 'conversation_id', m.conversation_id, 'seq', m.seq, 'sender_id', m.sender_id,
    'client_id', m.client_id, 'kind', m.kind, 'text', m.text, 'image_key', m.image_key,
    'image_content_type', m.image_content_type, 'image_size', m.image_size, 'system', m.system,
    'created_at', m.created_at, 'deleted_at', m.deleted_at, 'edited_at', m.edited_at, 'reply_to_id', m.reply_to_id,
    'mentions', m.mentions, 'reactions', m.reactions,
    'quoted', json((SELECT json_object('id', q.id, 'seq', q.seq, 'sender_id', q.sender_id, 'kind', q.kind, 'text', q.text,
      'deleted_at', q.deleted_at) FROM messages q WHERE q.id = m.reply_to_id)))
  FROM messages m WHERE m.conversation_id = conversations.id ORDER BY m.seq DESC LIMIT 1);

UPDATE participants SET
  unread_count = (SELECT COUNT(*) FROM messages m
    WHERE m.conversation_id = participants.conversation_id AND m.seq > participants.last_read_seq
      AND m.sender_id != participants.user_id AND m.deleted_at IS NULL
      AND (m.kind != 'system' OR json_extract(m.system, '$.event') = 'created'
           OR (json_extract(m.system, '$.event') = 'joined' AND json_extract(m.system, '$.targetId') = participants.user_id))
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = participants.user_id AND h.message_id = m.id)),
  unread_mention_count = (SELECT COUNT(*) FROM messages m
    WHERE m.conversation_id = participants.conversation_id AND m.seq > participants.last_read_seq
      AND m.sender_id != participants.user_id AND m.deleted_at IS NULL AND m.kind != 'system' AND m.mentions IS NOT NULL
      AND EXISTS (SELECT 1 FROM json_each(m.mentions) WHERE value = participants.user_id)
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = participants.user_id AND h.message_id = m.id));

UPDATE participants SET last_visible = COALESCE((
  SELECT json_object('id', m.id, 'conversation_id', m.conversation_id, 'seq', m.seq, 'sender_id', m.sender_id,
    'client_id', m.client_id, 'kind', m.kind, 'text', m.text, 'image_key', m.image_key,
    'image_content_type', m.image_content_type, 'image_size', m.image_size, 'system', m.system,
    'created_at', m.created_at, 'deleted_at', m.deleted_at, 'edited_at', m.edited_at, 'reply_to_id', m.reply_to_id,
    'mentions', m.mentions, 'reactions', m.reactions,
    'quoted', json((SELECT json_object('id', q.id, 'seq', q.seq, 'sender_id', q.sender_id, 'kind', q.kind, 'text', q.text,
      'deleted_at', q.deleted_at) FROM messages q WHERE q.id = m.reply_to_id)))
  FROM messages m WHERE m.conversation_id = participants.conversation_id
    AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = participants.user_id AND h.message_id = m.id)
  ORDER BY m.seq DESC LIMIT 1), 'none')
WHERE EXISTS (SELECT 1 FROM hidden_messages h JOIN messages m ON m.id = h.message_id
  WHERE h.user_id = participants.user_id AND m.conversation_id = participants.conversation_id
    AND m.seq = (SELECT MAX(seq) FROM messages WHERE conversation_id = participants.conversation_id));
