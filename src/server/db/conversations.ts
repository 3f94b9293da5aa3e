// Conversations: the reads that build the contract's conversation views (shared by the REST
// routes and the room, which sends `conversation:updated` in the same shape the list returns),
// and the writes that create one or rename it.

import { eq } from "drizzle-orm";
import type { Conversation, Participant } from "../../shared/schemas";
import type { AppEnv } from "../config";
import {
	type ConversationRecord,
	MESSAGE_COLUMN_NAMES,
	MESSAGE_COLUMNS,
	type MemberRecord,
	type MessageRecord,
	type ParticipantRecord,
	toConversation,
	toParticipant,
} from "../views";
import { eitherBlocks } from "./blocks";
import { orm } from "./client";
import { quotedMessages } from "./messages";
import { MUTED_NOW, membersStatement } from "./participants";
import { conversations } from "./schema";

const LAST_MESSAGE_COLUMNS = MESSAGE_COLUMN_NAMES.map((col) => `lm.${col} AS lm_${col}`).join(", ");

/**
 * The contract's unreadCount for participant row `p` of user `userId`: messages from others,
 * not deleted, not hidden by the user, above their lastReadSeq. System messages count only when
 * they are why the chat is new to the user: the group's `created` line, or a `joined` whose
 * target is the user (someone added them). The same rule as `RoomLog.unreadCount`.
 */
function unreadCountOf(conversationId: string, userId: string) {
	return `(SELECT COUNT(*) FROM messages m
    WHERE m.conversation_id = ${conversationId} AND m.seq > p.last_read_seq AND m.sender_id != ${userId}
      AND m.deleted_at IS NULL
      AND (m.kind != 'system' OR json_extract(m.system, '$.event') = 'created'
           OR (json_extract(m.system, '$.event') = 'joined' AND json_extract(m.system, '$.targetId') = ${userId}))
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ${userId} AND h.message_id = m.id))`;
}

/**
 * The contract's unreadMentionCount: the unread messages above (same rule, non-system only)
 * whose `mentions` include the user. Only unread rows of this conversation are looked at (the
 * (conversation_id, seq) index), and json_each runs only on rows that mention someone.
 */
function unreadMentionCountOf(conversationId: string, userId: string) {
	return `(SELECT COUNT(*) FROM messages m
    WHERE m.conversation_id = ${conversationId} AND m.seq > p.last_read_seq AND m.sender_id != ${userId}
      AND m.deleted_at IS NULL AND m.mentions IS NOT NULL
      AND EXISTS (SELECT 1 FROM json_each(m.mentions) WHERE value = ${userId})
      AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ${userId} AND h.message_id = m.id))`;
}

// Conversations of user ?1 chosen by `pick` (a filter, order and limit on p = participants,
// c = conversations), then for just those rows: the caller's unread count and the latest
// message they have not hidden. Choosing the page first keeps the correlated subqueries off
// rows that are not returned.
function conversationSelect(pick: string) {
	return `
WITH p AS (
  SELECT c.id, c.type, c.title, c.created_at, c.last_activity_at, ${MUTED_NOW("p")} AS muted,
    CASE WHEN ${MUTED_NOW("p")} THEN p.muted_until END AS muted_until, p.last_read_seq
  FROM participants p JOIN conversations c ON c.id = p.conversation_id
  WHERE p.user_id = ?1 ${pick})
SELECT p.id, p.type, p.title, p.created_at, p.last_activity_at, p.muted, p.muted_until,
  ${unreadCountOf("p.id", "?1")} AS unread_count,
  ${unreadMentionCountOf("p.id", "?1")} AS unread_mention_count,
  ${LAST_MESSAGE_COLUMNS}
FROM p
LEFT JOIN messages lm ON lm.id = (
  SELECT m2.id FROM messages m2
  WHERE m2.conversation_id = p.id
    AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.user_id = ?1 AND h.message_id = m2.id)
  ORDER BY m2.seq DESC LIMIT 1)
ORDER BY p.last_activity_at DESC, p.id DESC`;
}

type ConversationListRow = ConversationRecord & { [K in keyof MessageRecord as `lm_${K}`]: MessageRecord[K] | null };

function lastMessageOf(row: ConversationListRow): MessageRecord | null {
	if (row.lm_id === null) return null;
	const out: Record<string, unknown> = {};
	for (const col of MESSAGE_COLUMN_NAMES) out[col] = row[`lm_${col}` as keyof ConversationListRow];
	return out as unknown as MessageRecord;
}

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
	const last = lastMessageOf(row);
	const quoted = await quotedMessages(env.DB, last ? [last] : [], userId);
	const conversation = await toConversation(env, origin, row, last, undefined, quoted);
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
				),
			).bind(userId, after.at, after.id, limit + 1)
		: env.DB.prepare(conversationSelect("ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?2")).bind(
				userId,
				limit + 1,
			);
	const { results } = await stmt.all<ConversationListRow>();
	const page = results.slice(0, limit);
	const lastMessages = page.map(lastMessageOf);
	const [members, quoted] = await Promise.all([
		participantsOfSmallConversations(
			env,
			page.map((row) => row.id),
			userId,
		),
		quotedMessages(
			env.DB,
			lastMessages.filter((m) => m !== null),
			userId,
		),
	]);
	const conversations = await Promise.all(
		page.map((row, i) => toConversation(env, origin, row, lastMessages[i] ?? null, members.get(row.id), quoted)),
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
				`INSERT INTO participants (conversation_id, user_id, role, joined_at)
				 SELECT ?1, value, 'member', ?2 FROM json_each(?3) WHERE EXISTS (SELECT 1 FROM conversations WHERE id = ?1)`,
			)
			.bind(c.id, c.createdAt, JSON.stringify(c.memberIds)),
	]);
	const row = await orm(env)
		.select({ id: conversations.id })
		.from(conversations)
		.where(eq(conversations.directKey, c.directKey))
		.get();
	return row?.id ?? null;
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

/** Moves the conversation's last seq and activity forward only (the outbox may replay). */
export function advanceConversationStatement(
	db: D1Database,
	conversationId: string,
	lastSeq: number,
	lastActivityAt: string,
) {
	return db
		.prepare(
			`UPDATE conversations SET last_seq = MAX(last_seq, ?2), last_activity_at = MAX(last_activity_at, ?3)
			 WHERE id = ?1`,
		)
		.bind(conversationId, lastSeq, lastActivityAt);
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
	};
	members: MemberRecord[];
	messages: MessageRecord[];
	hidden: { user_id: string; message_id: string; hidden_at: string }[];
}

/** The conversation as D1 has it, or null when it does not exist. */
export async function readConversationForImport(db: D1Database, id: string): Promise<ConversationImport | null> {
	const [conversation, members, hidden] = await db.batch<Record<string, unknown>>([
		db
			.prepare(
				"SELECT id AS conversation_id, type, title, created_at, last_activity_at FROM conversations WHERE id = ?",
			)
			.bind(id),
		membersStatement(db, id),
		db
			.prepare(
				`SELECT h.user_id, h.message_id, h.hidden_at FROM hidden_messages h JOIN messages m ON m.id = h.message_id
				 WHERE m.conversation_id = ?`,
			)
			.bind(id),
	]);
	const meta = conversation?.results[0] as ConversationImport["meta"] | undefined;
	if (!meta) return null;
	const messages: MessageRecord[] = [];
	for (let after = 0; ; ) {
		const { results } = await db
			.prepare(
				`SELECT ${MESSAGE_COLUMNS}
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
		members: (members?.results ?? []) as unknown as MemberRecord[],
		messages,
		hidden: (hidden?.results ?? []) as unknown as ConversationImport["hidden"],
	};
}
