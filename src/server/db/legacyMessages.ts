// D1's `messages` and `hidden_messages` from before issue 21, for the admin command that moves
// what is left of them into the rooms and then drops them (README "Moving messages out of D1").
import type { AppEnv } from "../config";

/** Whether D1 still has its `messages` table (false once the command dropped it). */
export async function legacyMessagesPresent(env: AppEnv): Promise<boolean> {
	const row = await env.DB.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages'").first();
	return row !== null;
}

/** The next conversations, by id after `after`, that D1's messages table has rows of, with their highest seq. */
export async function conversationsWithLegacyMessages(
	env: AppEnv,
	after: string,
	limit: number,
): Promise<{ conversation_id: string; max_seq: number }[]> {
	const { results } = await env.DB.prepare(
		`SELECT conversation_id, MAX(seq) AS max_seq FROM messages WHERE conversation_id > ?
		 GROUP BY conversation_id ORDER BY conversation_id LIMIT ?`,
	)
		.bind(after, limit)
		.all<{ conversation_id: string; max_seq: number }>();
	return results;
}

/**
 * Keeps the route of the conversation's older message ids (those that do not start with the
 * conversation's id), so routes taking a message id still find their room after the drop.
 */
export async function keepLegacyMessageIds(env: AppEnv, conversationId: string): Promise<void> {
	await env.DB.prepare(
		`INSERT OR IGNORE INTO legacy_message_ids (id, conversation_id)
		 SELECT id, conversation_id FROM messages
		 WHERE conversation_id = ?1 AND substr(id, 1, length(?1) + 1) != ?1 || '_'`,
	)
		.bind(conversationId)
		.run();
}

/** Drops D1's message tables and what is left of the old search index, in one batch (idempotent). */
export async function dropLegacyMessages(env: AppEnv): Promise<void> {
	const db = env.DB;
	await db.batch(
		[
			"DROP TRIGGER IF EXISTS messages_fts_insert",
			"DROP TRIGGER IF EXISTS messages_fts_update",
			"DROP TRIGGER IF EXISTS messages_fts_delete",
			"DROP TABLE IF EXISTS messages_fts",
			"DROP TABLE IF EXISTS hidden_messages",
			"DROP TABLE IF EXISTS messages",
		].map((sql) => db.prepare(sql)),
	);
}
