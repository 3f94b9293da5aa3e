// The conversation's log in the room's own SQLite: messages, members with their watermarks,
// per-user hidden messages, and what D1 has not seen yet. Everything here is synchronous:
// a write is one `sql.exec` (or one `transactionSync`), so seqs are assigned without awaits
// and the runtime's output gate keeps every frame and ack until the write is durable.

import type { ConversationImport } from "../../server/db/conversations";
import {
	LEGACY_MESSAGE_COLUMNS,
	type MemberRecord,
	type MessageRecord,
	QUOTED_COLUMNS,
	type QuotedRecord,
	ROOM_MESSAGE_COLUMNS,
} from "../../server/views";
import type { Poll, Role, SystemEvent } from "../../shared/schemas";
import { ensureSearchIndex, SEARCH_SCHEMA } from "./search";

/**
 * Issue 23.3: every member's current choice in every poll, one row per chosen option. The poll
 * column of the message is rebuilt from these rows in the same transaction as each vote.
 */
const POLL_SCHEMA = `
CREATE TABLE IF NOT EXISTS poll_votes (
  message_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  option_id TEXT NOT NULL,
  voted_at TEXT NOT NULL,
  PRIMARY KEY (message_id, user_id, option_id)
);
`;

/** Issue 23.4: the conversation's pinned messages (at most 10; room/pins.ts). */
const PIN_SCHEMA = `
CREATE TABLE IF NOT EXISTS pins (
  message_id TEXT PRIMARY KEY,
  pinned_by TEXT NOT NULL,
  pinned_at TEXT NOT NULL
);
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  conversation_id TEXT NOT NULL,
  type TEXT NOT NULL,
  title TEXT,
  created_at TEXT NOT NULL,
  last_activity_at TEXT NOT NULL,
  last_seq INTEGER NOT NULL,
  origin TEXT NOT NULL DEFAULT '',
  -- the list's last-message snapshot as D1 has it (issue 21), to write it only when it changes
  d1_last_message TEXT,
  -- issue 23.5: only admins may send (checked on the send path from memory)
  only_admins_send INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS members (
  user_id TEXT PRIMARY KEY,
  role TEXT NOT NULL,
  joined_at TEXT NOT NULL,
  last_read_seq INTEGER NOT NULL DEFAULT 0,
  last_delivered_seq INTEGER NOT NULL DEFAULT 0,
  muted INTEGER NOT NULL DEFAULT 0,
  -- watermark changes not yet in D1: bumped on every move, copied to flushed_version by a flush
  version INTEGER NOT NULL DEFAULT 0,
  flushed_version INTEGER NOT NULL DEFAULT 0,
  -- the member's badges and last visible message as D1 has them (JSON), to write them only when they change
  d1_figures TEXT
);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  conversation_id TEXT NOT NULL,
  sender_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT,
  image_key TEXT,
  image_content_type TEXT,
  image_size INTEGER,
  system TEXT,
  created_at TEXT NOT NULL,
  deleted_at TEXT,
  edited_at TEXT,
  reply_to_id TEXT,
  mentions TEXT,
  reactions TEXT,
  attachment TEXT,
  forwarded INTEGER,
  version INTEGER NOT NULL DEFAULT 1,
  flushed_version INTEGER NOT NULL DEFAULT 0,
  -- issue 23.3: a poll message's Poll as JSON (rebuilt from poll_votes at every vote)
  poll TEXT,
  UNIQUE (sender_id, client_id)
);
CREATE INDEX IF NOT EXISTS messages_unflushed ON messages (seq) WHERE flushed_version < version;
CREATE TABLE IF NOT EXISTS hidden (
  user_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  message_id TEXT NOT NULL,
  hidden_at TEXT NOT NULL,
  flushed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, seq)
);
CREATE INDEX IF NOT EXISTS hidden_unflushed ON hidden (user_id) WHERE flushed = 0;
${POLL_SCHEMA}
${PIN_SCHEMA}`;

/** Columns added to `messages` by contract v2; rooms created before it gain them on load. */
const V2_MESSAGE_COLUMNS = ["edited_at", "reply_to_id", "mentions", "reactions"] as const;
/** Columns added to `messages` by issue 23 (rooms only); rooms created before gain them on load. */
const ISSUE23_MESSAGE_COLUMNS = ["poll"] as const;
/** Columns added by issue 23 (files, voice notes, forwards); rooms created before gain them on load. */
const ATTACHMENT_MESSAGE_COLUMNS = [
	["attachment", "TEXT"],
	["forwarded", "INTEGER"],
] as const;
/** Columns added by issue 21 (what D1 has of the list), by table; rooms created before gain them on load. */
const D1_FIGURE_COLUMNS = [
	["meta", "d1_last_message"],
	["members", "d1_figures"],
] as const;
/** Columns added by issue 23.5, with their SQL type; rooms created before gain them on load. */
const ANNOUNCEMENT_COLUMNS = [["meta", "only_admins_send", "INTEGER NOT NULL DEFAULT 0"]] as const;

/** What a flush writes of one member besides watermarks: `participants` columns (issue 21). */
export interface Figures {
	unread_count: number;
	unread_mention_count: number;
	last_visible: string | null;
}

/**
 * D1's figures for a member of a conversation that has no message yet (its participant row's
 * defaults), as `figures` writes them: a room importing such a conversation records them, so its
 * first flush does not rewrite a row that already says the same (the 0.02 of "3.02 rows per
 * message", docs/benchmarks.md).
 */
const UNTOUCHED_FIGURES = JSON.stringify({
	unread_count: 0,
	unread_mention_count: 0,
	last_visible: null,
} satisfies Figures);

export type Meta = {
	conversation_id: string;
	type: "direct" | "group";
	title: string | null;
	created_at: string;
	last_activity_at: string;
	last_seq: number;
	origin: string;
	/** Issue 23.5: 1 while only admins may send. */
	only_admins_send: number;
};

/** Members further behind than this get their badges from a query of their own. */
export const SHARED_UNREAD_SPAN = 500;

/** A live message as the unread badges see it (`unreadRowsAfter`). */
export type UnreadRow = {
	seq: number;
	sender_id: string;
	/** 1 unless a system message. */
	plain: number;
	event: string | null;
	target: string | null;
	mentions: string | null;
};

/**
 * `unreadCounts` for one member over rows fetched once for the room: the rows after `lastReadSeq`
 * (found by binary search), with the same rules. The caller makes sure the member hid nothing.
 */
export function countUnread(
	rows: UnreadRow[],
	userId: string,
	lastReadSeq: number,
	mentionLists: Map<number, string[]>,
): { unread: number; mentions: number } {
	let lo = 0;
	let hi = rows.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if ((rows[mid] as UnreadRow).seq <= lastReadSeq) lo = mid + 1;
		else hi = mid;
	}
	let unread = 0;
	let mentions = 0;
	for (let i = lo; i < rows.length; i++) {
		const row = rows[i] as UnreadRow;
		if (row.sender_id === userId) continue;
		if (row.plain || row.event === "created" || (row.event === "joined" && row.target === userId)) unread += 1;
		if (row.plain && row.mentions !== null) {
			let list = mentionLists.get(row.seq);
			if (!list) {
				list = JSON.parse(row.mentions) as string[];
				mentionLists.set(row.seq, list);
			}
			if (list.includes(userId)) mentions += 1;
		}
	}
	return { unread, mentions };
}

export interface NewMessage {
	senderId: string;
	clientId: string;
	kind: "text" | "image" | "system" | "poll" | "file" | "voice";
	text: string | null;
	/** An image's, file's or voice note's upload. */
	image: { key: string; contentType: string; size: number } | null;
	/** Issue 23.3: a new poll, no votes yet. */
	poll?: Poll | null;
	system: SystemEvent | null;
	/** Issue 23: a file's or voice note's name and length. */
	attachment?: { name: string; durationMs?: number } | null;
	/** Issue 23: forwarded from another chat. */
	forwarded?: boolean;
	/** Contract v2: the message this one replies to (checked to be of this conversation). */
	replyToId?: string | null;
	/** Contract v2: mentioned members, deduplicated. */
	mentions?: string[];
}

/** Routing is in the id: `<conversation id>_<random>`, so a message id finds its room without D1. */
export function newMessageId(conversationId: string): string {
	const bytes = crypto.getRandomValues(new Uint8Array(16));
	let s = "";
	for (const b of bytes) s += String.fromCharCode(b);
	return `${conversationId}_${btoa(s).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "")}`;
}

/** The conversation a message id names, for ids made by `newMessageId`; null for older ids. */
export function conversationOfMessageId(messageId: string): string | null {
	const cut = messageId.indexOf("_");
	return cut > 0 ? messageId.slice(0, cut) : null;
}

/** The unread rule over rows `m` for reader `who` (an SQL expression): see `unreadCounts`. */
const UNREAD_SUM = (who: string) => `SUM(m.kind != 'system' OR json_extract(m.system, '$.event') = 'created'
  OR (json_extract(m.system, '$.event') = 'joined' AND json_extract(m.system, '$.targetId') = ${who}))`;
/** The mention rule over the same rows: non-system messages that mention `who`. */
const MENTION_SUM = (who: string) => `SUM(m.kind != 'system' AND m.mentions IS NOT NULL
  AND EXISTS (SELECT 1 FROM json_each(m.mentions) WHERE value = ${who}))`;

export class RoomLog {
	/** Once the tables exist they stay: remembered so hot paths skip the catalogue query. */
	private created = false;
	/**
	 * Watermark moves not yet written to SQLite. Every receipt would otherwise be its own
	 * storage commit, and the output gate holds every frame behind each commit: with a large
	 * group reporting reads, broadcasts queued for a second. Reads of watermarks see these, and
	 * `persistWatermarks` writes them in one transaction (the outbox does so before each flush,
	 * at most 250 ms after the move).
	 */
	private pendingMarks = new Map<string, { read: number; delivered: number }>();
	/** Members' watermark versions D1 has taken and the rows do not show yet (see markFlushed). */
	private tookWatermarks = new Map<string, number>();
	/**
	 * The meta row and the member rows as SQLite has them, read once and kept in step by every
	 * write below (this class is the only writer): a receipt, a send's membership check and a
	 * view read memory, not SQLite. Undefined / null: not read yet (or dropped after a change).
	 */
	private metaRow: Meta | null | undefined;
	private memberRows: Map<string, MemberRecord> | null = null;
	/** Who hid a message (`usersWhoHid`), kept like the rows above. */
	private hiders: Set<string> | null = null;
	/**
	 * What D1 has of the list (`d1Figures`): the snapshot is stored in the meta row (one row), the
	 * members' figures are kept in memory only. Writing them back to every member row after each
	 * flush was the largest item of a 256-member room's profile; an object that starts afresh
	 * knows none of them, so its first flush that concerns a member writes that member's row
	 * again (idempotent, once per wake).
	 */
	private d1LastMessage: string | null | undefined;
	private d1MemberFigures = new Map<string, string | null>();

	constructor(private readonly storage: DurableObjectStorage) {}

	private get sql() {
		return this.storage.sql;
	}

	/** The conversation's meta row, or null while this room holds nothing (never written). */
	meta(): Meta | null {
		if (this.metaRow !== undefined) return this.metaRow;
		if (!this.hasTables()) return null;
		this.metaRow = this.sql.exec<Meta>("SELECT * FROM meta WHERE id = 1").toArray()[0] ?? null;
		return this.metaRow;
	}

	/** The room holds its conversation and has its meta in memory: the hot paths need no SQLite. */
	loaded(): boolean {
		return this.metaRow !== undefined && this.metaRow !== null;
	}

	private hasTables(): boolean {
		if (!this.created) {
			this.created =
				this.sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length > 0;
			if (this.created) this.migrateMessages();
		}
		return this.created;
	}

	/**
	 * A room written before contract v2 gains the v2 message columns, and one written before
	 * issue 21 its D1 figure columns and its search index (once; ALTER is instant).
	 */
	private migrateMessages() {
		const columnsOf = (table: string) =>
			new Set(
				this.sql
					.exec<{ name: string }>(`SELECT name FROM pragma_table_info('${table}')`)
					.toArray()
					.map((c) => c.name),
			);
		const have = columnsOf("messages");
		const missing = [...V2_MESSAGE_COLUMNS, ...ISSUE23_MESSAGE_COLUMNS].filter((c) => !have.has(c));
		const missingAttachment = ATTACHMENT_MESSAGE_COLUMNS.filter(([c]) => !have.has(c));
		const missingFigures = D1_FIGURE_COLUMNS.filter(([table, column]) => !columnsOf(table).has(column));
		const missingAnnouncement = ANNOUNCEMENT_COLUMNS.filter(([table, column]) => !columnsOf(table).has(column));
		this.storage.transactionSync(() => {
			for (const column of missing) this.sql.exec(`ALTER TABLE messages ADD COLUMN ${column} TEXT`);
			for (const [column, type] of missingAttachment)
				this.sql.exec(`ALTER TABLE messages ADD COLUMN ${column} ${type}`);
			for (const [table, column] of missingFigures) this.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} TEXT`);
			for (const [table, column, type] of missingAnnouncement)
				this.sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`);
			ensureSearchIndex(this.sql);
			this.sql.exec(POLL_SCHEMA);
			this.sql.exec(PIN_SCHEMA);
		});
	}

	/** Writes what D1 knows in one transaction: the room's first write ever. */
	importConversation(data: ConversationImport, origin: string) {
		this.d1LastMessage = undefined;
		this.d1MemberFigures.clear();
		this.tookWatermarks.clear();
		this.metaRow = undefined;
		this.memberRows = null;
		this.hiders = null;
		this.storage.transactionSync(() => {
			for (const statement of SCHEMA.split(";")) if (statement.trim()) this.sql.exec(statement);
			for (const statement of SEARCH_SCHEMA) this.sql.exec(statement);
			const lastSeq = data.messages.reduce((max, m) => Math.max(max, m.seq), 0);
			this.sql.exec(
				"INSERT INTO meta (id, conversation_id, type, title, created_at, last_activity_at, last_seq, origin, only_admins_send) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
				data.meta.conversation_id,
				data.meta.type,
				data.meta.title,
				data.meta.created_at,
				data.meta.last_activity_at,
				lastSeq,
				origin,
				data.meta.only_admins_send ? 1 : 0,
			);
			for (const m of data.members) {
				this.sql.exec(
					"INSERT INTO members (user_id, role, joined_at, last_read_seq, last_delivered_seq, muted, d1_figures) VALUES (?, ?, ?, ?, ?, ?, ?)",
					m.user_id,
					m.role,
					m.joined_at,
					m.last_read_seq,
					m.last_delivered_seq,
					m.muted,
					data.messages.length === 0 ? UNTOUCHED_FIGURES : null,
				);
			}
			for (const m of data.messages) {
				// Already in D1: flushed_version = version.
				this.sql.exec(
					`INSERT INTO messages (${LEGACY_MESSAGE_COLUMNS}, version, flushed_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1)`,
					m.id,
					m.conversation_id,
					m.seq,
					m.sender_id,
					m.client_id,
					m.kind,
					m.text,
					m.image_key,
					m.image_content_type,
					m.image_size,
					m.system,
					m.created_at,
					m.deleted_at,
					m.edited_at ?? null,
					m.reply_to_id ?? null,
					m.mentions ?? null,
					m.reactions ?? null,
				);
			}
			const seqOf = new Map(data.messages.map((m) => [m.id, m.seq]));
			for (const h of data.hidden) {
				const seq = seqOf.get(h.message_id);
				if (seq === undefined) continue;
				this.sql.exec(
					"INSERT OR IGNORE INTO hidden (user_id, seq, message_id, hidden_at, flushed) VALUES (?, ?, ?, ?, 1)",
					h.user_id,
					seq,
					h.message_id,
					h.hidden_at,
				);
			}
		});
	}

	/** A group's new title (the room writes D1's `conversations.title` itself, before this). */
	setTitle(title: string) {
		this.metaRow = undefined;
		this.sql.exec("UPDATE meta SET title = ? WHERE id = 1", title);
	}

	/** Issue 23.5: only admins may send (the room writes D1's `conversations.only_admins_send` itself, before this). */
	setOnlyAdminsSend(on: boolean) {
		this.metaRow = undefined;
		this.sql.exec("UPDATE meta SET only_admins_send = ? WHERE id = 1", on ? 1 : 0);
	}

	setOrigin(origin: string) {
		this.metaRow = undefined;
		this.sql.exec("UPDATE meta SET origin = ? WHERE id = 1 AND origin != ?", origin, origin);
	}

	// ---------- members ----------

	private withPendingMarks(row: MemberRecord): MemberRecord {
		const marks = this.pendingMarks.get(row.user_id);
		return marks ? { ...row, last_read_seq: marks.read, last_delivered_seq: marks.delivered } : row;
	}

	/** The member rows as stored, in joining order (read from SQLite once, then kept in step). */
	private rows(): Map<string, MemberRecord> {
		if (this.memberRows) return this.memberRows;
		const rows = this.hasTables()
			? this.sql
					.exec<MemberRecord>(
						"SELECT user_id, role, joined_at, last_read_seq, last_delivered_seq, muted FROM members ORDER BY joined_at, user_id",
					)
					.toArray()
			: [];
		this.memberRows = new Map(rows.map((r) => [r.user_id, r]));
		return this.memberRows;
	}

	member(userId: string): MemberRecord | null {
		const row = this.rows().get(userId);
		return row ? this.withPendingMarks(row) : null;
	}

	members(): MemberRecord[] {
		return [...this.rows().values()].map((row) => this.withPendingMarks(row));
	}

	/** A member's watermarks, pending moves included, without building a record; null for a non-member. */
	watermarksOf(userId: string): { read: number; delivered: number } | null {
		const pending = this.pendingMarks.get(userId);
		if (pending) return pending;
		const row = this.rows().get(userId);
		return row ? { read: row.last_read_seq, delivered: row.last_delivered_seq } : null;
	}

	addMember(userId: string, role: Role, joinedAt: string) {
		this.memberRows = null;
		this.d1MemberFigures.delete(userId);
		this.sql.exec("INSERT OR IGNORE INTO members (user_id, role, joined_at) VALUES (?, ?, ?)", userId, role, joinedAt);
	}

	/**
	 * Makes the member list match D1's participants (D1 is where membership is queried, and an
	 * admin may change it from the dashboard). Watermarks keep the higher of the two.
	 */
	syncMembers(rows: MemberRecord[]) {
		this.persistWatermarks();
		this.memberRows = null;
		this.storage.transactionSync(() => {
			const keep = new Set(rows.map((r) => r.user_id));
			for (const m of this.members()) if (!keep.has(m.user_id)) this.removeMember(m.user_id);
			for (const r of rows) {
				this.sql.exec(
					`INSERT INTO members (user_id, role, joined_at, last_read_seq, last_delivered_seq, muted) VALUES (?, ?, ?, ?, ?, ?)
					 ON CONFLICT (user_id) DO UPDATE SET role = excluded.role, joined_at = excluded.joined_at, muted = excluded.muted,
					   last_read_seq = MAX(last_read_seq, excluded.last_read_seq),
					   last_delivered_seq = MAX(last_delivered_seq, excluded.last_delivered_seq)`,
					r.user_id,
					r.role,
					r.joined_at,
					r.last_read_seq,
					r.last_delivered_seq,
					r.muted,
				);
			}
		});
		this.memberRows = null;
	}

	removeMember(userId: string) {
		this.pendingMarks.delete(userId);
		this.tookWatermarks.delete(userId);
		this.d1MemberFigures.delete(userId);
		this.memberRows = null;
		this.sql.exec("DELETE FROM members WHERE user_id = ?", userId);
	}

	setRole(userId: string, role: Role) {
		this.memberRows = null;
		this.sql.exec("UPDATE members SET role = ? WHERE user_id = ?", role, userId);
	}

	/**
	 * `muted` holds 0 (not muted), 1 (muted until undone) or, for a timed mute (issue 22.20),
	 * the epoch ms it ends at; `mutedNow` in views.ts reads it. No column is added for it.
	 */
	setMuted(userId: string, muted: boolean, until: string | null = null) {
		this.memberRows = null;
		const value = !muted ? 0 : until ? Date.parse(until) : 1;
		this.sql.exec("UPDATE members SET muted = ? WHERE user_id = ?", value, userId);
	}

	/**
	 * Moves one member's watermark forward only, never past the latest seq; reading implies
	 * delivery. Returns the watermarks before and after, or null for a non-member.
	 */
	advanceWatermark(userId: string, which: "read" | "delivered", seq: number | undefined) {
		const meta = this.meta();
		const before = meta ? this.watermarksOf(userId) : null;
		if (!meta || !before) return null;
		const target = Math.min(seq ?? meta.last_seq, meta.last_seq);
		const after = {
			read: which === "read" ? Math.max(before.read, target) : before.read,
			delivered: Math.max(before.delivered, target),
		};
		if (after.read !== before.read || after.delivered !== before.delivered) this.pendingMarks.set(userId, after);
		return { before, after };
	}

	// ---------- messages ----------

	byClientId(senderId: string, clientId: string): MessageRecord | null {
		return (
			this.sql
				.exec<MessageRecord>(
					`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages WHERE sender_id = ? AND client_id = ?`,
					senderId,
					clientId,
				)
				.toArray()[0] ?? null
		);
	}

	byId(messageId: string): MessageRecord | null {
		return (
			this.sql
				.exec<MessageRecord>(`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages WHERE id = ?`, messageId)
				.toArray()[0] ?? null
		);
	}

	/** Appends one message with the next seq. Synchronous: no other send can interleave. */
	append(message: NewMessage, now: string): MessageRecord {
		const meta = this.meta();
		if (!meta) throw new Error("append to a room that holds no conversation");
		const seq = meta.last_seq + 1;
		const record: MessageRecord = {
			id: newMessageId(meta.conversation_id),
			conversation_id: meta.conversation_id,
			seq,
			sender_id: message.senderId,
			client_id: message.clientId,
			kind: message.kind,
			text: message.text,
			image_key: message.image?.key ?? null,
			image_content_type: message.image?.contentType ?? null,
			image_size: message.image?.size ?? null,
			system: message.system ? JSON.stringify(message.system) : null,
			created_at: now,
			deleted_at: null,
			edited_at: null,
			reply_to_id: message.replyToId ?? null,
			mentions: message.mentions?.length ? JSON.stringify(message.mentions) : null,
			reactions: null,
			poll: message.poll ? JSON.stringify(message.poll) : null,
			attachment: message.attachment ? JSON.stringify(message.attachment) : null,
			forwarded: message.forwarded ? 1 : null,
		};
		this.storage.transactionSync(() => {
			this.sql.exec(
				`INSERT INTO messages (${ROOM_MESSAGE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				record.id,
				record.conversation_id,
				record.seq,
				record.sender_id,
				record.client_id,
				record.kind,
				record.text,
				record.image_key,
				record.image_content_type,
				record.image_size,
				record.system,
				record.created_at,
				record.deleted_at,
				record.edited_at,
				record.reply_to_id,
				record.mentions,
				record.reactions,
				record.poll,
				record.attachment,
				record.forwarded,
			);
			this.sql.exec("UPDATE meta SET last_seq = ?, last_activity_at = ? WHERE id = 1", seq, now);
		});
		this.metaRow = { ...meta, last_seq: seq, last_activity_at: now };
		return record;
	}

	/** Tombstones a message: text and image gone, id and seq kept. */
	markDeleted(messageId: string, now: string) {
		this.sql.exec(
			"UPDATE messages SET deleted_at = ?, text = NULL, version = version + 1 WHERE id = ? AND deleted_at IS NULL",
			now,
			messageId,
		);
	}

	/** A new text (or caption) for a live message; D1 gets it with the next flush. */
	edit(messageId: string, text: string, now: string) {
		this.sql.exec(
			"UPDATE messages SET text = ?, edited_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL",
			text,
			now,
			messageId,
		);
	}

	/** A message's reactions as JSON (null when none); D1 gets them with the next flush. */
	setReactions(messageId: string, reactions: string | null) {
		this.sql.exec("UPDATE messages SET reactions = ?, version = version + 1 WHERE id = ?", reactions, messageId);
	}

	// ---------- polls (issue 23.3; room/polls.ts) ----------

	/**
	 * Makes `optionIds` the member's whole choice in a poll (empty: none) and rebuilds the
	 * message's poll from every vote, all in one synchronous transaction, so concurrent votes
	 * are never lost. Returns the poll as it is now and whether anything changed.
	 */
	setPollVote(messageId: string, userId: string, optionIds: string[], now: string): { poll: Poll; changed: boolean } {
		return this.storage.transactionSync(() => {
			const current = this.pollVotesOf(messageId, userId);
			const same = current.length === optionIds.length && optionIds.every((id) => current.includes(id));
			if (!same) {
				this.sql.exec("DELETE FROM poll_votes WHERE message_id = ? AND user_id = ?", messageId, userId);
				for (const optionId of optionIds) {
					this.sql.exec(
						"INSERT INTO poll_votes (message_id, user_id, option_id, voted_at) VALUES (?, ?, ?, ?)",
						messageId,
						userId,
						optionId,
						now,
					);
				}
			}
			return { poll: this.rebuildPoll(messageId, !same), changed: !same };
		});
	}

	/** The options a member chose in a poll, in option order of the poll's rows. */
	pollVotesOf(messageId: string, userId: string): string[] {
		return this.sql
			.exec<{ option_id: string }>(
				"SELECT option_id FROM poll_votes WHERE message_id = ? AND user_id = ? ORDER BY rowid",
				messageId,
				userId,
			)
			.toArray()
			.map((r) => r.option_id);
	}

	/** Closes a poll (once): no more votes. */
	closePoll(messageId: string, by: string, now: string): Poll {
		return this.storage.transactionSync(() => {
			const poll = this.rebuildPoll(messageId, false);
			if (poll.closedAt) return poll;
			const closed = { ...poll, closedAt: now, closedBy: by };
			this.sql.exec(
				"UPDATE messages SET poll = ?, version = version + 1 WHERE id = ?",
				JSON.stringify(closed),
				messageId,
			);
			return closed;
		});
	}

	/** The message's poll with every option's voters read from poll_votes (written back when `write`). */
	private rebuildPoll(messageId: string, write: boolean): Poll {
		const row = this.sql.exec<{ poll: string | null }>("SELECT poll FROM messages WHERE id = ?", messageId).one();
		const poll = JSON.parse(row.poll ?? "null") as Poll;
		const votes = this.sql
			.exec<{ user_id: string; option_id: string }>(
				"SELECT user_id, option_id FROM poll_votes WHERE message_id = ? ORDER BY voted_at, rowid",
				messageId,
			)
			.toArray();
		const byOption = new Map<string, string[]>(poll.options.map((o) => [o.id, []]));
		const voters = new Set<string>();
		for (const v of votes) {
			const list = byOption.get(v.option_id);
			if (!list) continue;
			list.push(v.user_id);
			voters.add(v.user_id);
		}
		const next: Poll = {
			...poll,
			options: poll.options.map((o) => {
				const voterIds = byOption.get(o.id) ?? [];
				return { ...o, count: voterIds.length, voterIds };
			}),
			voterCount: voters.size,
		};
		if (write) {
			this.sql.exec(
				"UPDATE messages SET poll = ?, version = version + 1 WHERE id = ?",
				JSON.stringify(next),
				messageId,
			);
		}
		return next;
	}

	// ---------- pins (issue 23.4; room/pins.ts) ----------

	/** The pinned messages, newest pin first. */
	pins(): { message_id: string; pinned_by: string; pinned_at: string }[] {
		return this.sql
			.exec<{ message_id: string; pinned_by: string; pinned_at: string }>(
				"SELECT message_id, pinned_by, pinned_at FROM pins ORDER BY pinned_at DESC, rowid DESC",
			)
			.toArray();
	}

	/**
	 * Pins a message unless it is already pinned or `max` are; one synchronous step, so two
	 * pins at once cannot both take the last place.
	 */
	addPin(messageId: string, by: string, now: string, max: number): "added" | "already" | "full" {
		return this.storage.transactionSync(() => {
			if (this.sql.exec("SELECT 1 FROM pins WHERE message_id = ?", messageId).toArray().length > 0) return "already";
			if (this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM pins").one().n >= max) return "full";
			this.sql.exec("INSERT INTO pins (message_id, pinned_by, pinned_at) VALUES (?, ?, ?)", messageId, by, now);
			return "added";
		});
	}

	/** Unpins a message; true when it was pinned. */
	removePin(messageId: string): boolean {
		return this.sql.exec("DELETE FROM pins WHERE message_id = ? RETURNING message_id", messageId).toArray().length > 0;
	}

	/** The messages `rows` reply to, as they are now, by id; marked `hidden` for a `readerId` who hid them. */
	quoted(rows: Pick<MessageRecord, "reply_to_id">[], readerId?: string): Map<string, QuotedRecord> {
		const ids = [...new Set(rows.map((r) => r.reply_to_id).filter((id) => id !== null))];
		const byId = new Map<string, QuotedRecord>();
		if (ids.length === 0) return byId;
		const found = this.sql
			.exec<QuotedRecord>(
				`SELECT ${QUOTED_COLUMNS},
				   EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ?2 AND h.message_id = messages.id) AS hidden
				 FROM messages WHERE id IN (SELECT value FROM json_each(?1))`,
				JSON.stringify(ids),
				readerId ?? null,
			)
			.toArray();
		for (const row of found) byId.set(row.id, row);
		return byId;
	}

	hide(userId: string, message: MessageRecord, now: string) {
		this.hiders = null;
		this.sql.exec(
			"INSERT OR IGNORE INTO hidden (user_id, seq, message_id, hidden_at) VALUES (?, ?, ?, ?)",
			userId,
			message.seq,
			message.id,
			now,
		);
	}

	/** Issue 23: `userId` deleted this message for themselves. */
	hiddenFor(userId: string, seq: number): boolean {
		return this.sql.exec("SELECT 1 FROM hidden WHERE user_id = ? AND seq = ?", userId, seq).toArray().length > 0;
	}

	/** Another live message of this conversation still shows the image. */
	imageStillUsed(key: string): boolean {
		return (
			this.sql.exec("SELECT 1 FROM messages WHERE image_key = ? AND deleted_at IS NULL LIMIT 1", key).toArray().length >
			0
		);
	}

	/** One member's history: newest first before a seq, or oldest first after one. */
	history(userId: string, limit: number, position: { before: number } | { after: number } | null): MessageRecord[] {
		const notHidden = "NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ? AND h.seq = m.seq)";
		if (position && "after" in position) {
			return this.sql
				.exec<MessageRecord>(
					`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages m WHERE seq > ? AND ${notHidden} ORDER BY seq ASC LIMIT ?`,
					position.after,
					userId,
					limit,
				)
				.toArray();
		}
		return this.sql
			.exec<MessageRecord>(
				`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages m WHERE seq < ? AND ${notHidden} ORDER BY seq DESC LIMIT ?`,
				position ? position.before : Number.MAX_SAFE_INTEGER,
				userId,
				limit,
			)
			.toArray();
	}

	/** Every non-system message's (seq, sender) in (from, to], oldest first: the senders of many receipts at once. */
	sendersIn(from: number, to: number): { seq: number; sender_id: string }[] {
		return this.sql
			.exec<{ seq: number; sender_id: string }>(
				"SELECT seq, sender_id FROM messages WHERE seq > ? AND seq <= ? AND kind != 'system' ORDER BY seq",
				from,
				to,
			)
			.toArray();
	}

	/** Members other than `except` with a non-system message in (from, to]: the senders a receipt concerns. */
	sendersBetween(from: number, to: number, except: string): string[] {
		return this.sql
			.exec<{ sender_id: string }>(
				"SELECT DISTINCT sender_id FROM messages WHERE seq > ? AND seq <= ? AND kind != 'system' AND sender_id != ?",
				from,
				to,
				except,
			)
			.toArray()
			.map((r) => r.sender_id);
	}

	// ---------- views for the inbox ----------

	/**
	 * A member's two badges, in one pass over their unread rows (a 256-member room builds this for
	 * every online member after each flush).
	 * - `unread`, the contract's unreadCount: from others, not deleted, not hidden, above
	 *   lastReadSeq. System messages count only when they are why the chat is new to the reader:
	 *   the group's `created` line, or a `joined` whose target is the reader (someone added them).
	 *   The same rule as `unreadCountOf` in src/server/db/conversations.ts.
	 * - `mentions`, the contract's unreadMentionCount: those of the above that are not system
	 *   messages and mention the reader. The same rule as `unreadMentionCountOf` there.
	 */
	unreadCounts(userId: string, lastReadSeq: number): { unread: number; mentions: number } {
		const row = this.sql
			.exec<{ unread: number | null; mentions: number | null }>(
				`SELECT ${UNREAD_SUM("?1")} AS unread, ${MENTION_SUM("?1")} AS mentions
				 FROM messages m WHERE seq > ?2 AND sender_id != ?1 AND deleted_at IS NULL
				 AND NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ?1 AND h.seq = m.seq)`,
				userId,
				lastReadSeq,
			)
			.one();
		return { unread: row.unread ?? 0, mentions: row.mentions ?? 0 };
	}

	/**
	 * `unreadCounts` of every member at once (the outbox's figures after a new message), by user
	 * id: the live rows after the furthest-behind member are read once and counted per member in
	 * memory (`countUnread`); only members who hid something, or who are far behind, get a query
	 * of their own. A statement joining members with messages cost a 256-member room more than
	 * anything else in its flush.
	 */
	unreadCountsOfAll(): Map<string, { unread: number; mentions: number }> {
		const meta = this.meta();
		const counts = new Map<string, { unread: number; mentions: number }>();
		if (!meta) return counts;
		const hid = this.usersWhoHid();
		const members = this.members();
		const shared = (m: MemberRecord) => !hid.has(m.user_id) && meta.last_seq - m.last_read_seq <= SHARED_UNREAD_SPAN;
		const from = Math.min(...members.filter(shared).map((m) => m.last_read_seq));
		const rows = Number.isFinite(from) ? this.unreadRowsAfter(from) : [];
		const mentionLists = new Map<number, string[]>();
		for (const m of members) {
			counts.set(
				m.user_id,
				shared(m)
					? countUnread(rows, m.user_id, m.last_read_seq, mentionLists)
					: this.unreadCounts(m.user_id, m.last_read_seq),
			);
		}
		return counts;
	}

	/** The members who deleted one message for themselves (none, without SQL, in a room where nobody hid anything). */
	hidersOf(messageId: string): string[] {
		if (this.usersWhoHid().size === 0) return [];
		return this.sql
			.exec<{ user_id: string }>("SELECT user_id FROM hidden WHERE message_id = ?", messageId)
			.toArray()
			.map((r) => r.user_id);
	}

	/** Members who hid at least one message: only they can see an older last message. */
	usersWhoHid(): Set<string> {
		this.hiders ??= new Set(
			this.sql
				.exec<{ user_id: string }>("SELECT DISTINCT user_id FROM hidden")
				.toArray()
				.map((r) => r.user_id),
		);
		return this.hiders;
	}

	/**
	 * What the badges of many members are counted from, in one statement: the live messages
	 * after `afterSeq`, oldest first, with what `unreadCounts` looks at. The same rules are then
	 * applied per member in memory (`countUnread`), for members who hid nothing.
	 */
	unreadRowsAfter(afterSeq: number): UnreadRow[] {
		return this.sql
			.exec<UnreadRow>(
				`SELECT seq, sender_id, kind != 'system' AS plain, json_extract(system, '$.event') AS event,
				   json_extract(system, '$.targetId') AS target, mentions
				 FROM messages WHERE seq > ? AND deleted_at IS NULL ORDER BY seq`,
				afterSeq,
			)
			.toArray();
	}

	latestMessage(): MessageRecord | null {
		return (
			this.sql
				.exec<MessageRecord>(`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages ORDER BY seq DESC LIMIT 1`)
				.toArray()[0] ?? null
		);
	}

	/** The latest message `userId` has not hidden. */
	lastVisibleMessage(userId: string): MessageRecord | null {
		return (
			this.sql
				.exec<MessageRecord>(
					`SELECT ${ROOM_MESSAGE_COLUMNS} FROM messages m
					 WHERE NOT EXISTS (SELECT 1 FROM hidden h WHERE h.user_id = ? AND h.seq = m.seq)
					 ORDER BY seq DESC LIMIT 1`,
					userId,
				)
				.toArray()[0] ?? null
		);
	}

	// ---------- what D1 keeps of the list (issue 21) ----------

	/** A message as the list's snapshot (JSON of a `MessageSnapshot`: the row and its quote as they are now). */
	snapshot(record: MessageRecord | null, readerId?: string): string | null {
		if (!record) return null;
		return JSON.stringify({ ...record, quoted: this.quoted([record], readerId).get(record.reply_to_id ?? "") ?? null });
	}

	/**
	 * One member's badges and, when they hid the conversation's latest message, their own last
	 * visible one ('none' when they see no message at all), as `participants` stores them.
	 */
	figures(
		member: MemberRecord,
		latest: MessageRecord | null,
		hid: ReadonlySet<string>,
		counts = this.unreadCounts(member.user_id, member.last_read_seq),
	): Figures {
		let lastVisible: string | null = null;
		if (latest && hid.has(member.user_id)) {
			// Their own snapshot when they hid the latest message, or the message it quotes.
			const visible = this.lastVisibleMessage(member.user_id);
			const theirs = visible ? this.snapshot(visible, member.user_id) : "none";
			if (visible?.id !== latest.id || theirs !== this.snapshot(latest)) lastVisible = theirs;
		}
		return { unread_count: counts.unread, unread_mention_count: counts.mentions, last_visible: lastVisible };
	}

	/** The snapshot and each member's figures as D1 has them (null: never written, or written before issue 21). */
	d1Figures(): { lastMessage: string | null; members: Map<string, string | null> } {
		if (this.d1LastMessage === undefined) {
			this.d1LastMessage =
				this.sql.exec<{ d1_last_message: string | null }>("SELECT d1_last_message FROM meta WHERE id = 1").toArray()[0]
					?.d1_last_message ?? null;
		}
		return { lastMessage: this.d1LastMessage, members: this.d1MemberFigures };
	}

	// ---------- the outbox: what D1 has not seen ----------

	unflushedMessages(limit: number): (MessageRecord & { version: number; flushed_version: number })[] {
		return this.sql
			.exec<MessageRecord & { version: number; flushed_version: number }>(
				`SELECT ${ROOM_MESSAGE_COLUMNS}, version, flushed_version FROM messages WHERE flushed_version < version ORDER BY seq LIMIT ?`,
				limit,
			)
			.toArray();
	}

	/** Writes the watermark moves held in memory, all in one transaction. */
	persistWatermarks() {
		if (this.pendingMarks.size === 0 && this.tookWatermarks.size === 0) return;
		const marks = [...this.pendingMarks];
		this.pendingMarks.clear();
		const took = new Map(this.tookWatermarks);
		this.tookWatermarks.clear();
		const rows = this.rows();
		for (const [userId, { read, delivered }] of marks) {
			const row = rows.get(userId);
			if (row) {
				rows.set(userId, {
					...row,
					last_read_seq: Math.max(row.last_read_seq, read),
					last_delivered_seq: Math.max(row.last_delivered_seq, delivered),
				});
			}
		}
		// One statement for the room, however many members moved; the same row write records the
		// version D1 took at the last flush (`tookWatermarks`), so a member who moves in every
		// window costs one row write per flush, not two.
		if (marks.length > 0) {
			this.sql.exec(
				`UPDATE members SET
				   last_read_seq = MAX(members.last_read_seq, m.r),
				   last_delivered_seq = MAX(members.last_delivered_seq, m.d),
				   version = members.version + 1,
				   flushed_version = MAX(members.flushed_version, m.f)
				 FROM (SELECT value ->> 0 AS u, value ->> 1 AS r, value ->> 2 AS d, value ->> 3 AS f FROM json_each(?)) AS m
				 WHERE members.user_id = m.u`,
				JSON.stringify(
					marks.map(([userId, { read, delivered }]) => {
						const version = took.get(userId) ?? 0;
						took.delete(userId);
						return [userId, read, delivered, version];
					}),
				),
			);
		}
		this.writeFlushedVersions(took);
	}

	/** Members' versions D1 took, written to the rows that did not move since. */
	private writeFlushedVersions(took: Map<string, number>) {
		if (took.size === 0) return;
		this.sql.exec(
			`UPDATE members SET flushed_version = MAX(members.flushed_version, m.v)
			 FROM (SELECT value ->> 0 AS u, value ->> 1 AS v FROM json_each(?)) AS m
			 WHERE members.user_id = m.u`,
			JSON.stringify([...took]),
		);
	}

	unflushedWatermarks(): { user_id: string; last_read_seq: number; last_delivered_seq: number; version: number }[] {
		return this.sql
			.exec<{ user_id: string; last_read_seq: number; last_delivered_seq: number; version: number }>(
				"SELECT user_id, last_read_seq, last_delivered_seq, version FROM members WHERE flushed_version < version",
			)
			.toArray();
	}

	unflushedHidden(): { user_id: string; seq: number; message_id: string; hidden_at: string }[] {
		return this.sql
			.exec<{ user_id: string; seq: number; message_id: string; hidden_at: string }>(
				"SELECT user_id, seq, message_id, hidden_at FROM hidden WHERE flushed = 0",
			)
			.toArray();
	}

	hasUnflushed(): boolean {
		if (!this.hasTables()) return false;
		if (this.pendingMarks.size > 0 || this.tookWatermarks.size > 0) return true;
		return (
			this.sql
				.exec(
					`SELECT 1 WHERE EXISTS (SELECT 1 FROM messages WHERE flushed_version < version)
					    OR EXISTS (SELECT 1 FROM members WHERE flushed_version < version)
					    OR EXISTS (SELECT 1 FROM hidden WHERE flushed = 0)`,
				)
				.toArray().length > 0
		);
	}

	/** After D1 took a flush: mark exactly the versions it took, so later changes stay pending. */
	markFlushed(
		messages: { seq: number; version: number }[],
		watermarks: { user_id: string; version: number }[],
		hidden: { user_id: string; seq: number }[],
		d1: { lastMessage?: string | null; figures: { user_id: string; json: string }[] } = { figures: [] },
	) {
		this.storage.transactionSync(() => {
			if (d1.lastMessage !== undefined)
				this.sql.exec("UPDATE meta SET d1_last_message = ? WHERE id = 1", d1.lastMessage);
			if (messages.length > 0) {
				this.sql.exec(
					`UPDATE messages SET flushed_version = MAX(messages.flushed_version, m.v)
					 FROM (SELECT json_extract(value, '$[0]') AS s, json_extract(value, '$[1]') AS v FROM json_each(?)) AS m
					 WHERE messages.seq = m.s`,
					JSON.stringify(messages.map((m) => [m.seq, m.version])),
				);
			}
			for (const h of hidden)
				this.sql.exec("UPDATE hidden SET flushed = 1 WHERE user_id = ? AND seq = ?", h.user_id, h.seq);
		});
		// The members' versions D1 took go to SQLite with the next watermark write (persistWatermarks,
		// at the next flush's start): until then the rows still look unflushed, which is safe (a
		// room that restarts first sends those watermarks to D1 again; D1 keeps the higher one).
		for (const w of watermarks) {
			this.tookWatermarks.set(w.user_id, Math.max(this.tookWatermarks.get(w.user_id) ?? 0, w.version));
		}
		if (d1.lastMessage !== undefined) this.d1LastMessage = d1.lastMessage;
		const rows = this.rows();
		for (const f of d1.figures) if (rows.has(f.user_id)) this.d1MemberFigures.set(f.user_id, f.json);
	}
}
