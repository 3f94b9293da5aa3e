// Conversations: the reads that build the contract's conversation views (shared by the REST
// routes and the room, which sends `conversation:updated` in the same shape the list returns),
// and the writes that create one or rename it.

import { eq } from "drizzle-orm";
import type { Conversation, Participant } from "../../shared/schemas";
import type { AppEnv } from "../config";
import {
	type ConversationRecord,
	LEGACY_MESSAGE_COLUMNS,
	type MemberRecord,
	type MessageRecord,
	type ParticipantRecord,
	toConversation,
	toParticipant,
} from "../views";
import { eitherBlocks } from "./blocks";
import { orm } from "./client";
import { fromSnapshot } from "./messages";
import { MUTED_NOW, membersStatement } from "./participants";
import { conversations } from "./schema";

/**
 * Conversations of user ?1 chosen by `pick` (a filter, order and limit on p = participants,
 * c = conversations), with what the room keeps on both rows (issue 21): the caller's badges and
 * their last visible message (their own when they hid the conversation's latest, 'none' when
 * they hid every message), else the conversation's. No message table is read.
 */
function conversationSelect(pick: string, filter = "") {
	return `
WITH p AS (
  SELECT c.id, c.type, c.title, c.created_at, c.last_activity_at, c.last_message, c.only_admins_send, ${MUTED_NOW("p")} AS muted,
    CASE WHEN ${MUTED_NOW("p")} THEN p.muted_until END AS muted_until,
    p.unread_count, p.unread_mention_count, p.last_visible
  FROM participants p JOIN conversations c ON c.id = p.conversation_id
  WHERE p.user_id = ?1 ${filter} ${pick})
SELECT id, type, title, created_at, last_activity_at, only_admins_send, muted, muted_until, unread_count, unread_mention_count,
  CASE WHEN last_visible IS NULL THEN last_message WHEN last_visible = 'none' THEN NULL ELSE last_visible END AS last_message
FROM p
ORDER BY last_activity_at DESC, id DESC`;
}

/** The list shows a direct chat to a member who did not open it only once it has a message (issue 22). */
const LISTED = "AND (p.listed = 1 OR c.last_seq > 0)";

type ConversationListRow = ConversationRecord & { last_message: string | null };

/**
 * The list carries `participants` for direct chats and groups of up to this many members, so
 * a client can title and badge them without a request per conversation; bigger groups load
 * theirs from `GET /conversations/:id`.
 */
export const LIST_PARTICIPANTS_MAX = 32;

/** A column saying the viewer (`viewer`, a bound parameter) may not see this user's presence: a block either way. */
const presenceHidden = (viewer: string) => `${eitherBlocks(viewer, "u.id")} AS presence_hidden`;

async function participantsOfSmallConversations(env: AppEnv, conversationIds: string[], viewerId: string) {
	const byConversation = new Map<string, ParticipantRecord[]>();
	if (conversationIds.length === 0) return byConversation;
	const { results } = await env.DB.prepare(
		`WITH m AS (
		   SELECT p.*, COUNT(*) OVER (PARTITION BY p.conversation_id) AS members
		   FROM participants p WHERE p.conversation_id IN (SELECT value FROM json_each(?1)))
		 SELECT m.conversation_id, m.user_id, m.role, m.joined_at, m.last_read_seq, m.last_delivered_seq,
		        u.id, u.email, u.display_name, u.avatar_url, u.online, u.last_seen_at, ${presenceHidden("?3")}
		 FROM m JOIN users u ON u.id = m.user_id
		 WHERE m.members <= ?2 ORDER BY m.conversation_id, m.joined_at, m.user_id`,
	)
		.bind(JSON.stringify(conversationIds), LIST_PARTICIPANTS_MAX, viewerId)
		.all<ParticipantRecord & { conversation_id: string }>();
	for (const row of results) {
		const list = byConversation.get(row.conversation_id) ?? [];
		list.push(row);
		byConversation.set(row.conversation_id, list);
	}
	return byConversation;
}

/** The members; with `viewerId`, without the presence of anyone the viewer blocks or is blocked by. */
export async function listParticipants(env: AppEnv, conversationId: string, viewerId = ""): Promise<Participant[]> {
	const { results } = await env.DB.prepare(
		`SELECT p.user_id, p.role, p.joined_at, p.last_read_seq, p.last_delivered_seq,
		        u.id, u.email, u.display_name, u.avatar_url, u.online, u.last_seen_at, ${presenceHidden("?2")}
		 FROM participants p JOIN users u ON u.id = p.user_id
		 WHERE p.conversation_id = ?1 ORDER BY p.joined_at, p.user_id`,
	)
		.bind(conversationId, viewerId)
		.all<ParticipantRecord>();
	return results.map(toParticipant);
}

/** The conversation as `userId` sees it, or null when they are not a member. */
export async function loadConversation(
	env: AppEnv,
	origin: string,
	conversationId: string,
	userId: string,
	opts: { participants: boolean },
): Promise<Conversation | null> {
	const row = await env.DB.prepare(conversationSelect("AND c.id = ?2"))
		.bind(userId, conversationId)
		.first<ConversationListRow>();
	if (!row) return null;
	const participants = opts.participants ? await listParticipants(env, conversationId, userId) : undefined;
	const last = fromSnapshot(row.last_message);
	const conversation = await toConversation(env, origin, row, last?.message ?? null, undefined, last?.quoted);
	return participants ? { ...conversation, participants } : conversation;
}

/** A page of the user's conversations, most recent activity first. */
export async function listConversations(
	env: AppEnv,
	origin: string,
	userId: string,
	limit: number,
	after: { at: string; id: string } | null,
) {
	const stmt = after
		? env.DB.prepare(
				conversationSelect(
					"AND (c.last_activity_at, c.id) < (?2, ?3) ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?4",
					LISTED,
				),
			).bind(userId, after.at, after.id, limit + 1)
		: env.DB.prepare(conversationSelect("ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?2", LISTED)).bind(
				userId,
				limit + 1,
			);
	const { results } = await stmt.all<ConversationListRow>();
	const page = results.slice(0, limit);
	const members = await participantsOfSmallConversations(
		env,
		page.map((row) => row.id),
		userId,
	);
	const conversations = await Promise.all(
		page.map((row) => {
			const last = fromSnapshot(row.last_message);
			return toConversation(env, origin, row, last?.message ?? null, members.get(row.id), last?.quoted);
		}),
	);
	const last = page.at(-1);
	return { conversations, next: results.length > limit && last ? { at: last.last_activity_at, id: last.id } : null };
}

/**
 * Creates the direct conversation of the pair unless it exists, in one batch: the UNIQUE
 * direct_key lets exactly one of two simultaneous inserts win, and the participants are added
 * only if this insert did. Returns the pair's conversation id (this one or the older one).
 */
export async function createDirectConversation(
	env: AppEnv,
	c: { id: string; directKey: string; createdBy: string; createdAt: string; memberIds: [string, string] },
): Promise<string | null> {
	const db = env.DB;
	await db.batch([
		db
			.prepare(
				`INSERT INTO conversations (id, type, title, direct_key, created_by, created_at, last_activity_at)
				 VALUES (?1, 'direct', NULL, ?2, ?3, ?4, ?4) ON CONFLICT (direct_key) DO NOTHING`,
			)
			.bind(c.id, c.directKey, c.createdBy, c.createdAt),
		db
			.prepare(
				`INSERT INTO participants (conversation_id, user_id, role, joined_at, listed)
				 SELECT ?1, value, 'member', ?2, value = ?4 FROM json_each(?3) WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1)`,
			)
			.bind(c.id, c.createdAt, JSON.stringify(c.memberIds), c.createdBy),
	]);
	const row = await orm(env)
		.select({ id: conversations.id })
		.from(conversations)
		.where(eq(conversations.directKey, c.directKey))
		.get();
	return row?.id ?? null;
}

/** The member opened the conversation (asked for it by POST /conversations): their list shows it from now on. */
export async function markListed(env: AppEnv, conversationId: string, userId: string): Promise<void> {
	await env.DB.prepare("UPDATE participants SET listed = 1 WHERE conversation_id = ? AND user_id = ? AND listed = 0")
		.bind(conversationId, userId)
		.run();
}

/** Creates a group with its creator as admin and the others as members, in one batch. */
export async function createGroupConversation(
	env: AppEnv,
	c: { id: string; title: string; createdBy: string; createdAt: string; memberIds: string[] },
): Promise<void> {
	const db = env.DB;
	await db.batch([
		db
			.prepare(
				`INSERT INTO conversations (id, type, title, created_by, created_at, last_activity_at)
				 VALUES (?1, 'group', ?2, ?3, ?4, ?4)`,
			)
			.bind(c.id, c.title, c.createdBy, c.createdAt),
		db
			.prepare("INSERT INTO participants (conversation_id, user_id, role, joined_at) VALUES (?, ?, 'admin', ?)")
			.bind(c.id, c.createdBy, c.createdAt),
		db
			.prepare(
				`INSERT INTO participants (conversation_id, user_id, role, joined_at) SELECT ?1, value, 'member', ?2 FROM json_each(?3)`,
			)
			.bind(c.id, c.createdAt, JSON.stringify(c.memberIds)),
	]);
}

export async function setConversationTitle(env: AppEnv, conversationId: string, title: string): Promise<void> {
	await orm(env).update(conversations).set({ title }).where(eq(conversations.id, conversationId)).run();
}

/** Issue 23.5: whether only the group's admins may send (the room keeps its own copy). */
export async function setOnlyAdminsSend(env: AppEnv, conversationId: string, on: boolean): Promise<void> {
	await orm(env)
		.update(conversations)
		.set({ onlyAdminsSend: on ? 1 : 0 })
		.where(eq(conversations.id, conversationId))
		.run();
}

/**
 * Moves the conversation's last seq and activity forward only (the outbox may replay), and
 * sets the list's last-message snapshot (JSON of a `MessageSnapshot`, or null) as the room has
 * it now: the room is its only writer and flushes one at a time.
 */
export function advanceConversationStatement(
	db: D1Database,
	conversationId: string,
	lastSeq: number,
	lastActivityAt: string,
	lastMessage: string | null,
) {
	return db
		.prepare(
			`UPDATE conversations SET last_seq = MAX(last_seq, ?2), last_activity_at = MAX(last_activity_at, ?3),
			   last_message = ?4
			 WHERE id = ?1`,
		)
		.bind(conversationId, lastSeq, lastActivityAt, lastMessage);
}

const IMPORT_PAGE = 5_000;

/** A conversation as D1 has it, for a room that wakes with an empty log (an older deployment). */
export interface ConversationImport {
	meta: {
		conversation_id: string;
		type: "direct" | "group";
		title: string | null;
		created_at: string;
		last_activity_at: string;
		/** Issue 23.5 (0 or 1). */
		only_admins_send?: number;
	};
	members: MemberRecord[];
	messages: MessageRecord[];
	hidden: { user_id: string; message_id: string; hidden_at: string }[];
}

/**
 * The conversation as D1 has it, or null when it does not exist. Its messages and hides come
 * from D1's `messages` and `hidden_messages` while those tables exist (an older deployment
 * not yet moved by the admin command); once dropped, a conversation has none there.
 */
export async function readConversationForImport(db: D1Database, id: string): Promise<ConversationImport | null> {
	const [conversation, members, legacy] = await db.batch<Record<string, unknown>>([
		db
			.prepare(
				"SELECT id AS conversation_id, type, title, created_at, last_activity_at, only_admins_send FROM conversations WHERE id = ?",
			)
			.bind(id),
		membersStatement(db, id),
		db.prepare("SELECT 1 AS present FROM sqlite_master WHERE type = 'table' AND name = 'hidden_messages'"),
	]);
	const meta = conversation?.results[0] as ConversationImport["meta"] | undefined;
	if (!meta) return null;
	const messages: MessageRecord[] = [];
	let hidden: ConversationImport["hidden"] = [];
	if ((legacy?.results.length ?? 0) > 0) {
		hidden = (
			await db
				.prepare(
					`SELECT h.user_id, h.message_id, h.hidden_at FROM hidden_messages h JOIN messages m ON m.id = h.message_id
					 WHERE m.conversation_id = ?`,
				)
				.bind(id)
				.all<ConversationImport["hidden"][number]>()
		).results;
		for (let after = 0; ; ) {
			const { results } = await db
				.prepare(
					`SELECT ${LEGACY_MESSAGE_COLUMNS}
					 FROM messages WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?`,
				)
				.bind(id, after, IMPORT_PAGE)
				.all<MessageRecord>();
			messages.push(...results);
			const last = results.at(-1);
			if (!last || results.length < IMPORT_PAGE) break;
			after = last.seq;
		}
	}
	return { meta, members: (members?.results ?? []) as unknown as MemberRecord[], messages, hidden };
}
