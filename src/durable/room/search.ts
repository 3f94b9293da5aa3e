// The room's own search index (issue 21): an FTS5 table in the room's SQLite over the text of its
// live, non-system messages, kept in step with the log by triggers, with the same tokenizer D1's
// index had (unicode61 remove_diacritics 2: words and prefixes, case- and accent-insensitive).
// `GET /search/messages` asks each of the caller's rooms (src/worker/routes/search.ts) and merges.
import type { MessageSnapshot } from "../../server/db/messages";
import { type MessageRecord, ROOM_MESSAGE_COLUMNS } from "../../server/views";
import { fail, ok, type RoomResult } from "../rpc";
import type { RoomCore } from "./core";
import { isMember, load } from "./loading";

/** The index and its triggers, one statement each; `IF NOT EXISTS` throughout. */
export const SEARCH_SCHEMA = [
	"CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2')",
	`CREATE TRIGGER IF NOT EXISTS messages_fts_insert AFTER INSERT ON messages
	 WHEN new.text IS NOT NULL AND new.deleted_at IS NULL AND new.kind != 'system'
	 BEGIN
	   INSERT INTO messages_fts (rowid, text) VALUES (new.seq, new.text);
	 END`,
	`CREATE TRIGGER IF NOT EXISTS messages_fts_update AFTER UPDATE OF text, deleted_at ON messages
	 WHEN old.text IS NOT new.text OR old.deleted_at IS NOT new.deleted_at
	 BEGIN
	   DELETE FROM messages_fts WHERE rowid = old.seq;
	   INSERT INTO messages_fts (rowid, text)
	     SELECT new.seq, new.text WHERE new.text IS NOT NULL AND new.deleted_at IS NULL AND new.kind != 'system';
	 END`,
	`CREATE TRIGGER IF NOT EXISTS messages_fts_delete AFTER DELETE ON messages
	 BEGIN
	   DELETE FROM messages_fts WHERE rowid = old.seq;
	 END`,
];

/** Creates the index in a room that has messages but no index yet (rooms written before issue 21), and fills it. */
export function ensureSearchIndex(sql: SqlStorage) {
	const present = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'messages_fts'").toArray();
	if (present.length > 0) return;
	for (const statement of SEARCH_SCHEMA) sql.exec(statement);
	sql.exec(
		`INSERT INTO messages_fts (rowid, text)
		 SELECT seq, text FROM messages WHERE text IS NOT NULL AND deleted_at IS NULL AND kind != 'system'`,
	);
}

/**
 * Where a page of results across rooms ends: the last result's createdAt, conversation id and
 * seq. Results are ordered by (createdAt, conversation id, seq), newest first.
 */
export interface SearchCursor {
	at: string;
	c: string;
	s: number;
}

/**
 * Up to `limit` of this room's messages matching `match` (an FTS5 query of quoted terms only,
 * from `ftsQuery`), newest first, below `after` and not older than `notBefore` (a createdAt the
 * merged page already holds `limit` results newer than: nothing older can make it): never
 * system messages, deleted for everyone, or hidden by `userId`.
 */
export function searchLog(
	sql: SqlStorage,
	opts: {
		conversationId: string;
		userId: string;
		match: string;
		limit: number;
		after: SearchCursor | null;
		notBefore?: string | null;
	},
): MessageRecord[] {
	const { after, conversationId } = opts;
	// (created_at, conversation_id, seq) < (at, c, s), with conversation_id this room's.
	let below = "";
	const params: (string | number)[] = [opts.match, opts.userId];
	if (after) {
		if (conversationId < after.c) below = "AND m.created_at <= ?3";
		else if (conversationId > after.c) below = "AND m.created_at < ?3";
		else below = "AND (m.created_at < ?3 OR (m.created_at = ?3 AND m.seq < ?4))";
		params.push(after.at, after.s);
	}
	if (opts.notBefore) {
		params.push(opts.notBefore);
		below += ` AND m.created_at >= ?${params.length}`;
	}
	params.push(opts.limit);
	const limitParam = `?${params.length}`;
	return sql
		.exec<MessageRecord>(
			`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages m
			 WHERE m.seq IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?1)
			   AND m.deleted_at IS NULL AND m.kind != 'system'
			   AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ?2 AND h.seq = m.seq)
			   ${below}
			 ORDER BY m.created_at DESC, m.seq DESC LIMIT ${limitParam}`,
			...params,
		)
		.toArray();
}

/**
 * `searchLog` for a member of this room, each hit with the message it quotes (as that member
 * sees it). The search-only path: a room that holds its conversation answers from its meta and
 * member rows (in memory once read) and the FTS table; nothing else is loaded, no socket is
 * touched, nothing is written (a hibernated or evicted room wakes for the call and its sockets
 * stay hibernated). Only a room that never held its conversation goes through `load` (the
 * import from D1 of an older deployment).
 */
export async function searchRoom(
	room: RoomCore,
	userId: string,
	match: string,
	limit: number,
	after: SearchCursor | null,
	notBefore: string | null = null,
): Promise<RoomResult<{ hits: MessageSnapshot[] }>> {
	const meta = room.roomLog.meta() ?? (await load(room));
	if (!meta || !(room.roomLog.member(userId) !== null || (await isMember(room, userId)))) {
		return fail(404, "conversation not found");
	}
	const rows = searchLog(room.ctx.storage.sql, {
		conversationId: meta.conversation_id,
		userId,
		match,
		limit,
		after,
		notBefore,
	});
	if (rows.length === 0) return ok({ hits: [] });
	const quoted = room.roomLog.quoted(rows, userId);
	return ok({ hits: rows.map((row) => ({ ...row, quoted: quoted.get(row.reply_to_id ?? "") ?? null })) });
}
