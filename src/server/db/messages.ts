// Messages as D1 has them (the room's log is ahead by at most one flush): the look-ups the
// Worker makes without a room, and the room outbox's statements for messages and hides. The
// outbox statements take their rows as one JSON array (json_each), so a flush stays one batch
// of a few statements however busy the room was; each is idempotent.
import type { AppEnv } from "../config";
import { MESSAGE_COLUMN_NAMES, type MessageRecord, QUOTED_COLUMNS, type QuotedRecord } from "../views";

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

/** The sniffed type and pinned etag of an image a live message, or someone's avatar, uses; or null. */
export async function liveImage(env: AppEnv, key: string) {
	return env.DB.prepare(
		`SELECT * FROM (SELECT m.image_content_type, u.etag FROM messages m JOIN uploads u ON u.key = m.image_key
		   WHERE m.image_key = ?1 AND m.deleted_at IS NULL LIMIT 1)
		 UNION ALL
		 SELECT * FROM (SELECT a.avatar_content_type, u.etag FROM users a JOIN uploads u ON u.key = a.avatar_key
		   WHERE a.avatar_key = ?1 LIMIT 1)
		 LIMIT 1`,
	)
		.bind(key)
		.first<{ image_content_type: string | null; etag: string | null }>();
}

/** Upserts the conversation's messages by id: edits and deletions overwrite, seq and sender never change. */
export function upsertMessagesStatement(db: D1Database, conversationId: string, rows: MessageRecord[]) {
	return db
		.prepare(
			`INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at, deleted_at,
			   edited_at, reply_to_id, mentions, reactions)
			 SELECT j.value ->> 'id', ?1, j.value ->> 'seq', j.value ->> 'sender_id', j.value ->> 'client_id', j.value ->> 'kind',
			   j.value ->> 'text', j.value ->> 'image_key', j.value ->> 'image_content_type', j.value ->> 'image_size',
			   j.value ->> 'system', j.value ->> 'created_at', j.value ->> 'deleted_at',
			   j.value ->> 'edited_at', j.value ->> 'reply_to_id', j.value ->> 'mentions', j.value ->> 'reactions'
			 FROM json_each(?2) AS j WHERE true
			 ON CONFLICT (id) DO UPDATE SET text = excluded.text, image_key = excluded.image_key,
			   image_content_type = excluded.image_content_type, image_size = excluded.image_size, deleted_at = excluded.deleted_at,
			   edited_at = excluded.edited_at, reactions = excluded.reactions
			 -- Only a real change rewrites the row, so the search index (triggers on text and
			 -- deleted_at) is touched only when what it indexes may have changed.
			 WHERE messages.text IS NOT excluded.text OR messages.deleted_at IS NOT excluded.deleted_at
			   OR messages.edited_at IS NOT excluded.edited_at OR messages.reactions IS NOT excluded.reactions
			   OR messages.image_key IS NOT excluded.image_key`,
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

/** Whether any live message anywhere still shows this image, or it is someone's avatar. */
export async function imageUsedInD1(db: D1Database, key: string): Promise<boolean> {
	// Someone's avatar counts as a use: the same upload may be a sent image and the sender's
	// avatar, and deleting the message must not take the avatar's object with it.
	return (
		(await db
			.prepare(
				`SELECT 1 FROM messages WHERE image_key = ?1 AND deleted_at IS NULL
				 UNION ALL SELECT 1 FROM users WHERE avatar_key = ?1 LIMIT 1`,
			)
			.bind(key)
			.first()) !== null
	);
}

/** The messages that `rows` reply to, as they are now in D1, by id. */
/**
 * With `readerId`, a quoted message that reader hid (delete for me) comes with `hidden: 1`, so its
 * quote shows no text to them (toReplyTo).
 */
export async function quotedMessages(db: D1Database, rows: Pick<MessageRecord, "reply_to_id">[], readerId?: string) {
	const ids = [...new Set(rows.map((r) => r.reply_to_id).filter((id) => id !== null))];
	const byId = new Map<string, QuotedRecord>();
	if (ids.length === 0) return byId;
	const { results } = await db
		.prepare(
			`SELECT ${QUOTED_COLUMNS},
			   EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ?2 AND h.message_id = messages.id) AS hidden
			 FROM messages WHERE id IN (SELECT value FROM json_each(?1))`,
		)
		.bind(JSON.stringify(ids), readerId ?? null)
		.all<QuotedRecord>();
	for (const row of results) byId.set(row.id, row);
	return byId;
}

/**
 * Where a search page starts: below this D1 rowid (across conversations), or below this seq
 * (within one conversation). Either way results come newest first.
 */
export type SearchPosition = { row: number } | { seq: number };

export type SearchHit = MessageRecord & { row: number };

const HIT_COLUMNS = `${MESSAGE_COLUMN_NAMES.map((c) => `m.${c}`).join(", ")}, m.rowid AS row`;

/**
 * One page of full-text matches for `userId`, newest first, never deleted for everyone or
 * hidden by them. `match` is an FTS5 query the caller built from quoted terms only (see
 * `ftsQuery`), so user input is never FTS syntax. Two plans, each the fast one for its case:
 *
 * - Across the caller's conversations, the FTS index is walked in its own rowid order, newest
 *   first, and the walk stops after `limit` hits in the caller's conversations (a common word
 *   over 100,000 messages: ~5 ms, against ~65 ms sorting every match by time). "Newest" is then
 *   the order messages reached D1: the outbox writes each room's messages in seq order within
 *   250 ms of their createdAt, so it is createdAt order except between conversations inside one
 *   flush window (or after a D1 outage delayed a room's flush).
 * - Within one conversation (membership checked by the caller), the matches' rowids are read
 *   once and the conversation's messages are walked by seq, newest first.
 */
export async function searchMessages(
	db: D1Database,
	opts: {
		userId: string;
		match: string;
		conversationId?: string;
		limit: number;
		/** Across conversations: index rows one page may walk (MAX_SCAN in src/server/search.ts). */
		scan: number;
		after: SearchPosition | null;
	},
): Promise<SearchHit[]> {
	const notHidden = "NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ?1 AND h.message_id = m.id)";
	if (opts.conversationId !== undefined) {
		const below = opts.after && "seq" in opts.after ? opts.after.seq : Number.MAX_SAFE_INTEGER;
		const { results } = await db
			.prepare(
				`SELECT ${HIT_COLUMNS} FROM messages m
				 WHERE m.conversation_id = ?3 AND m.seq < ?4 AND m.deleted_at IS NULL AND ${notHidden}
				   AND m.rowid IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?2)
				 ORDER BY m.seq DESC LIMIT ?5`,
			)
			.bind(opts.userId, opts.match, opts.conversationId, below, opts.limit)
			.all<SearchHit>();
		return results;
	}
	const below = opts.after && "row" in opts.after ? opts.after.row : Number.MAX_SAFE_INTEGER;
	// At most `scan` index rows, newest first, whoever's they are: a word common in other
	// people's conversations and rare in the caller's cannot make one page walk the whole index.
	const { results } = await db
		.prepare(
			`WITH scanned AS (
			   SELECT rowid AS r FROM messages_fts WHERE messages_fts MATCH ?2 AND rowid < ?3 ORDER BY rowid DESC LIMIT ?5
			 )
			 SELECT ${HIT_COLUMNS}
			 FROM scanned s
			 JOIN messages m ON m.rowid = s.r
			 JOIN participants p ON p.conversation_id = m.conversation_id AND p.user_id = ?1
			 WHERE m.deleted_at IS NULL AND ${notHidden}
			 ORDER BY s.r DESC LIMIT ?4`,
		)
		.bind(opts.userId, opts.match, below, opts.limit, opts.scan)
		.all<SearchHit>();
	return results;
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
