// Messages as D1 has them (the room's log is ahead by at most one flush): the look-ups the
// Worker makes without a room, and the room outbox's statements for messages and hides. The
// outbox statements take their rows as one JSON array (json_each), so a flush stays one batch
// of a few statements however busy the room was; each is idempotent.
import type { AppEnv } from "../config";
import type { MessageRecord } from "../views";

/** The conversation of a message, if the user is a member of it; null otherwise. */
export async function conversationOfVisibleMessage(env: AppEnv, messageId: string, userId: string) {
	const row = await env.DB.prepare(
		`SELECT m.conversation_id FROM messages m
		 JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?
		 WHERE m.id = ?`,
	)
		.bind(userId, messageId)
		.first<{ conversation_id: string }>();
	return row?.conversation_id ?? null;
}

/** The sniffed type and pinned etag of an image a live message uses, or null. */
export async function liveImage(env: AppEnv, key: string) {
	return env.DB.prepare(
		`SELECT m.image_content_type, u.etag FROM messages m JOIN uploads u ON u.key = m.image_key
		 WHERE m.image_key = ? AND m.deleted_at IS NULL LIMIT 1`,
	)
		.bind(key)
		.first<{ image_content_type: string | null; etag: string | null }>();
}

/** Upserts the conversation's messages by id: edits and deletions overwrite, seq and sender never change. */
export function upsertMessagesStatement(db: D1Database, conversationId: string, rows: MessageRecord[]) {
	return db
		.prepare(
			`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at, deleted_at)
			 SELECT j.value ->> 'id', ?1, j.value ->> 'seq', j.value ->> 'sender_id', j.value ->> 'client_id', j.value ->> 'kind',
			   j.value ->> 'text', j.value ->> 'image_key', j.value ->> 'image_content_type', j.value ->> 'image_size',
			   j.value ->> 'system', j.value ->> 'created_at', j.value ->> 'deleted_at'
			 FROM json_each(?2) AS j WHERE true
			 ON CONFLICT (id) DO UPDATE SET text = excluded.text, image_key = excluded.image_key,
			   image_content_type = excluded.image_content_type, image_size = excluded.image_size, deleted_at = excluded.deleted_at`,
		)
		.bind(conversationId, JSON.stringify(rows));
}

/** Hides messages from users' histories ("delete for me"); hiding twice changes nothing. */
export function hideMessagesStatement(
	db: D1Database,
	rows: { user_id: string; message_id: string; hidden_at: string }[],
) {
	return db
		.prepare(
			`INSERT OR IGNORE INTO hidden_messages (user_id, message_id, hidden_at)
			 SELECT j.value ->> 'user_id', j.value ->> 'message_id', j.value ->> 'hidden_at' FROM json_each(?1) AS j`,
		)
		.bind(JSON.stringify(rows));
}

/** Whether any live message anywhere still shows this image. */
export async function imageUsedInD1(db: D1Database, key: string): Promise<boolean> {
	return (
		(await db
			.prepare("SELECT 1 FROM messages WHERE image_key = ? AND deleted_at IS NULL LIMIT 1")
			.bind(key)
			.first()) !== null
	);
}
