// What D1 knows about messages now that they live only in their rooms (issue 21): the route of
// an older message id, and the images live messages use. Message bodies, reactions, edits, hides
// and replies are in each room's log; D1's `messages` table is only read by a room importing an
// older deployment (`readConversationForImport`) until the admin command drops it.
import type { AppEnv } from "../config";
import type { MessageRecord, QuotedRecord } from "../views";

/** A message row as the list shows it (JSON in `conversations.last_message`): with its quote. */
export type MessageSnapshot = MessageRecord & { quoted: QuotedRecord | null };

/** The message and the quote map `toMessage` takes, from a snapshot's JSON (null for none). */
export function fromSnapshot(
	json: string | null,
): { message: MessageRecord; quoted: Map<string, QuotedRecord> } | null {
	if (!json) return null;
	const { quoted, ...message } = JSON.parse(json) as MessageSnapshot;
	return { message, quoted: new Map(quoted ? [[quoted.id, quoted]] : []) };
}

/**
 * The conversation of an older message id (one that does not start with its conversation's id),
 * if the user is a member of it; null otherwise.
 */
export async function conversationOfVisibleMessage(env: AppEnv, messageId: string, userId: string) {
	const row = await env.DB.prepare(
		`SELECT l.conversation_id FROM legacy_message_ids l
		 JOIN participants p ON p.conversation_id = l.conversation_id AND p.user_id = ?
		 WHERE l.id = ?`,
	)
		.bind(userId, messageId)
		.first<{ conversation_id: string }>();
	return row?.conversation_id ?? null;
}

/** The sniffed type and pinned etag of an image a live message, or someone's avatar, uses; or null. */
export async function liveImage(env: AppEnv, key: string) {
	return env.DB.prepare(
		`SELECT * FROM (SELECT r.content_type AS image_content_type, u.etag FROM image_refs r JOIN uploads u ON u.key = r.image_key
		   WHERE r.image_key = ?1 LIMIT 1)
		 UNION ALL
		 SELECT * FROM (SELECT a.avatar_content_type, u.etag FROM users a JOIN uploads u ON u.key = a.avatar_key
		   WHERE a.avatar_key = ?1 LIMIT 1)
		 LIMIT 1`,
	)
		.bind(key)
		.first<{ image_content_type: string | null; etag: string | null }>();
}

/**
 * The outbox's image statements for one flush: a row for each new live image message, and none
 * any more for a message deleted for everyone. Both idempotent (the outbox may replay).
 */
export function imageRefsStatements(
	db: D1Database,
	conversationId: string,
	rows: Pick<MessageRecord, "id" | "image_key" | "image_content_type" | "deleted_at">[],
): D1PreparedStatement[] {
	const live = rows.filter((m) => m.image_key !== null && m.deleted_at === null);
	const gone = rows.filter((m) => m.image_key !== null && m.deleted_at !== null);
	const statements: D1PreparedStatement[] = [];
	if (live.length > 0) {
		statements.push(
			db
				.prepare(
					`INSERT OR IGNORE INTO image_refs (image_key, message_id, conversation_id, content_type)
					 SELECT j.value ->> 'k', j.value ->> 'id', ?1, j.value ->> 't' FROM json_each(?2) AS j`,
				)
				.bind(conversationId, JSON.stringify(live.map((m) => ({ k: m.image_key, id: m.id, t: m.image_content_type })))),
		);
	}
	if (gone.length > 0) {
		statements.push(
			db
				.prepare("DELETE FROM image_refs WHERE message_id IN (SELECT value FROM json_each(?1))")
				.bind(JSON.stringify(gone.map((m) => m.id))),
		);
	}
	return statements;
}

/** Whether any live message anywhere still shows this image, or it is someone's avatar. */
export async function imageUsedInD1(db: D1Database, key: string): Promise<boolean> {
	// Someone's avatar counts as a use: the same upload may be a sent image and the sender's
	// avatar, and deleting the message must not take the avatar's object with it.
	return (
		(await db
			.prepare(
				"SELECT 1 FROM image_refs WHERE image_key = ?1 UNION ALL SELECT 1 FROM users WHERE avatar_key = ?1 LIMIT 1",
			)
			.bind(key)
			.first()) !== null
	);
}

/**
 * Where a page that found fewer than it asked for stopped walking the index: the lowest of the
 * `scan` index rows below `below`, or null when fewer than `scan` are left (the walk reached
 * the end, so there is no next page). Run only for such pages.
 */
export async function searchScanFloor(db: D1Database, match: string, below: number, scan: number) {
	const row = await db
		.prepare(
			`SELECT COUNT(*) AS n, MIN(r) AS floor FROM (
			   SELECT rowid AS r FROM messages_fts WHERE messages_fts MATCH ?1 AND rowid < ?2 ORDER BY rowid DESC LIMIT ?3
			 )`,
		)
		.bind(match, below, scan)
		.first<{ n: number; floor: number | null }>();
	return row && row.n >= scan ? row.floor : null;
}
