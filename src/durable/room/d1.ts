// What the room reads from and writes to D1 outside the outbox: the import of a conversation
// that exists only in D1, membership (queried there by the Worker and by admins), and names.

import type { MessageRecord } from "../../server/views";
import type { Role } from "../../shared/schemas";
import type { ImportedConversation, MemberRow } from "./log";

const IMPORT_PAGE = 5_000;

/** The conversation as D1 has it, or null when it does not exist. */
export async function readConversation(db: D1Database, id: string): Promise<ImportedConversation | null> {
	const [conversation, members, hidden] = await db.batch<Record<string, unknown>>([
		db
			.prepare(
				"SELECT id AS conversation_id, type, title, created_at, last_activity_at FROM conversations WHERE id = ?",
			)
			.bind(id),
		db
			.prepare(
				"SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq, muted FROM participants WHERE conversation_id = ?",
			)
			.bind(id),
		db
			.prepare(
				`SELECT h.user_id, h.message_id, h.hidden_at FROM hidden_messages h JOIN messages m ON m.id = h.message_id
				 WHERE m.conversation_id = ?`,
			)
			.bind(id),
	]);
	const meta = conversation?.results[0] as ImportedConversation["meta"] | undefined;
	if (!meta) return null;
	const messages: MessageRecord[] = [];
	for (let after = 0; ; ) {
		const { results } = await db
			.prepare(
				`SELECT id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at, deleted_at
				 FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
			)
			.bind(id, after, IMPORT_PAGE)
			.all<MessageRecord>();
		messages.push(...results);
		const last = results.at(-1);
		if (!last || results.length < IMPORT_PAGE) break;
		after = last.seq;
	}
	return {
		meta,
		members: (members?.results ?? []) as unknown as MemberRow[],
		messages,
		hidden: (hidden?.results ?? []) as unknown as ImportedConversation["hidden"],
	};
}

export async function readMembers(db: D1Database, conversationId: string): Promise<MemberRow[]> {
	const { results } = await db
		.prepare(
			"SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq, muted FROM participants WHERE conversation_id = ?",
		)
		.bind(conversationId)
		.all<MemberRow>();
	return results;
}

/** The ids among `userIds` that have no account. */
export async function unknownUsers(db: D1Database, userIds: string[]): Promise<string[]> {
	const { results } = await db
		.prepare("SELECT value AS id FROM json_each(?) WHERE value IN (SELECT id FROM users)")
		.bind(JSON.stringify(userIds))
		.all<{ id: string }>();
	const known = new Set(results.map((r) => r.id));
	return userIds.filter((id) => !known.has(id));
}

export async function insertMembers(db: D1Database, conversationId: string, userIds: string[], joinedAt: string) {
	const insert = db.prepare(
		"INSERT OR IGNORE INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'member', ?)",
	);
	await db.batch(userIds.map((id) => insert.bind(conversationId, id, joinedAt)));
}

export async function deleteMember(db: D1Database, conversationId: string, userId: string) {
	await db
		.prepare("DELETE FROM participants WHERE conversation_id = ? AND user_id = ?")
		.bind(conversationId, userId)
		.run();
}

export async function updateRole(db: D1Database, conversationId: string, userId: string, role: Role) {
	await db
		.prepare("UPDATE participants SET role = ? WHERE conversation_id = ? AND user_id = ?")
		.bind(role, conversationId, userId)
		.run();
}

export async function displayNames(db: D1Database, userIds: string[]): Promise<Map<string, string>> {
	const { results } = await db
		.prepare("SELECT id, display_name FROM users WHERE id IN (SELECT value FROM json_each(?))")
		.bind(JSON.stringify(userIds))
		.all<{ id: string; display_name: string }>();
	return new Map(results.map((r) => [r.id, r.display_name]));
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
