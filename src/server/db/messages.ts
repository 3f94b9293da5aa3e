// Messages as D1 has them (the room's log is ahead by at most one flush): the look-ups the
// Worker makes without a room.
import type { AppEnv } from "../config";

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
