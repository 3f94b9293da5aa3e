// Rows (snake_case, as D1 returns them) to the contract's objects.
import {
	type Attachment,
	type Conversation,
	type Message,
	type MessageKind,
	type Participant,
	type Poll,
	REPLY_QUOTE_LENGTH,
	type Reaction,
	type ReplyTo,
	type SystemEvent,
	type User,
} from "../shared/schemas";
import type { AppEnv } from "./config";
import { signMediaUrl } from "./media";

export interface UserRecord {
	id: string;
	email: string;
	display_name: string;
	avatar_url: string | null;
	online?: number | null;
	last_seen_at?: string | null;
	/** Set where a block (either way) hides this user's presence from the viewer. */
	presence_hidden?: number | null;
}

export type MessageRecord = {
	id: string;
	conversation_id: string;
	seq: number;
	sender_id: string;
	client_id: string;
	kind: MessageKind;
	text: string | null;
	/** The media of an image, file or voice message (`image_refs` keeps it served while a live message uses it). */
	image_key: string | null;
	image_content_type: string | null;
	image_size: number | null;
	system: string | null;
	created_at: string;
	deleted_at: string | null;
	edited_at: string | null;
	reply_to_id: string | null;
	/** JSON array of user ids, or null. */
	mentions: string | null;
	/** JSON array of `{ emoji, userIds }`, or null. */
	reactions: string | null;
	/** Issue 23.3, rooms only (D1 never had it): a poll message's `Poll` as JSON, kept by room/polls.ts. */
	poll?: string | null;
	/** Issue 23: a file's or voice note's `{ name, durationMs? }` as JSON (room log only; older rows lack it). */
	attachment?: string | null;
	/** Issue 23: 1 when forwarded (room log only). */
	forwarded?: number | null;
};

/** What a reply shows of the message it quotes, read when the reply is shown. */
export type QuotedRecord = Pick<MessageRecord, "id" | "seq" | "sender_id" | "kind" | "text" | "deleted_at"> & {
	/** 1 when read for one reader who deleted the original for themselves (hidden). */
	hidden?: number;
};
export const QUOTED_COLUMNS = "id, seq, sender_id, kind, text, deleted_at";

/** A message as the server sends it: every v2 field present. */
export type MessageOut = Message & {
	editedAt: string | null;
	replyTo: ReplyTo | null;
	mentions: string[];
	reactions: Reaction[];
	poll: Poll | null;
	attachment: Attachment | null;
};

/** A message row's reactions; a message deleted for everyone has none. */
export function reactionsOf(row: Pick<MessageRecord, "reactions" | "deleted_at">): Reaction[] {
	if (!row.reactions || row.deleted_at) return [];
	return JSON.parse(row.reactions) as Reaction[];
}

export function mentionsOf(row: Pick<MessageRecord, "mentions">): string[] {
	return row.mentions ? (JSON.parse(row.mentions) as string[]) : [];
}

function toReplyTo(quoted: QuotedRecord): ReplyTo {
	const deleted = quoted.deleted_at !== null;
	// A message the reader deleted for themselves stays out of their sight in quotes too.
	if (quoted.hidden) return { ...toReplyTo({ ...quoted, hidden: 0, text: null }), hidden: true };
	return {
		id: quoted.id,
		seq: quoted.seq,
		senderId: quoted.sender_id,
		kind: quoted.kind,
		// Cut by code points, so a quote never ends in half a surrogate pair.
		text: deleted || quoted.text === null ? null : Array.from(quoted.text).slice(0, REPLY_QUOTE_LENGTH).join(""),
		deletedAt: quoted.deleted_at,
	};
}

/** A participants row as the room's log imports it. */
export type MemberRecord = {
	user_id: string;
	role: "admin" | "member";
	joined_at: string;
	last_read_seq: number;
	last_delivered_seq: number;
	muted: number;
};

export interface ParticipantRecord extends UserRecord {
	user_id: string;
	role: "admin" | "member";
	joined_at: string;
	last_read_seq: number;
	last_delivered_seq: number;
}

export interface ConversationRecord {
	id: string;
	type: "direct" | "group";
	title: string | null;
	created_at: string;
	last_activity_at: string;
	muted: number;
	/** Issue 22.20: when a timed mute ends (null: until undone, or not muted). */
	muted_until?: string | null;
	/** Issue 23.5: only admins may send (0 or 1). */
	only_admins_send?: number;
	unread_count: number;
	unread_mention_count: number;
}

/** The message columns D1's older `messages` table has (what a room imports). */
export const LEGACY_MESSAGE_COLUMNS =
	"id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at, deleted_at, edited_at, reply_to_id, mentions, reactions";
/** Columns only the room log has (issue 23: polls, files and voice notes, forwards); D1 never had them. */
export const ROOM_ONLY_MESSAGE_COLUMNS = "poll, attachment, forwarded";
/** What a room's log reads and writes of a message. */
export const ROOM_MESSAGE_COLUMNS = `${LEGACY_MESSAGE_COLUMNS}, ${ROOM_ONLY_MESSAGE_COLUMNS}`;
export const USER_COLUMNS = "id, email, display_name, avatar_url, online, last_seen_at";

export function toUser(row: UserRecord): User {
	const user = { id: row.id, email: row.email, displayName: row.display_name, avatarUrl: row.avatar_url };
	if (row.presence_hidden) return user;
	return { ...user, online: Boolean(row.online), lastSeenAt: row.last_seen_at ?? null };
}

export function toParticipant(row: ParticipantRecord): Participant {
	return {
		user: toUser({ ...row, id: row.user_id }),
		role: row.role,
		joinedAt: row.joined_at,
		lastReadSeq: row.last_read_seq,
		lastDeliveredSeq: row.last_delivered_seq,
	};
}

/**
 * The contract's Message. `quoted` resolves `reply_to_id` to the quoted message as it is now
 * (the caller reads those rows: the room from its log, the Worker from D1).
 */
export async function toMessage(
	env: AppEnv,
	origin: string,
	row: MessageRecord,
	quoted: ReadonlyMap<string, QuotedRecord> = new Map(),
): Promise<MessageOut> {
	const deleted = row.deleted_at !== null;
	const image =
		!deleted && row.kind === "image" && row.image_key
			? {
					key: row.image_key,
					url: await signMediaUrl(env, origin, row.image_key),
					contentType: row.image_content_type ?? "application/octet-stream",
					size: row.image_size ?? 0,
				}
			: null;
	const attachment = deleted ? null : await toAttachment(env, origin, row);
	return {
		id: row.id,
		conversationId: row.conversation_id,
		seq: row.seq,
		senderId: row.sender_id,
		clientId: row.client_id,
		kind: row.kind,
		text: deleted ? null : row.text,
		image,
		createdAt: row.created_at,
		deletedAt: row.deleted_at,
		system: row.system ? (JSON.parse(row.system) as SystemEvent) : null,
		editedAt: row.edited_at,
		replyTo: row.reply_to_id ? toReplyTo(quoted.get(row.reply_to_id) ?? missingQuote(row.reply_to_id)) : null,
		mentions: mentionsOf(row),
		reactions: reactionsOf(row),
		poll: !deleted && row.kind === "poll" && row.poll ? (JSON.parse(row.poll) as Poll) : null,
		attachment,
		...(row.forwarded ? { forwarded: true as const } : {}),
	};
}

/** A file's or voice note's media, with a URL signed for its download name; null for other kinds. */
async function toAttachment(env: AppEnv, origin: string, row: MessageRecord): Promise<Attachment | null> {
	if ((row.kind !== "file" && row.kind !== "voice") || !row.image_key) return null;
	const meta = row.attachment ? (JSON.parse(row.attachment) as { name: string; durationMs?: number }) : null;
	const name = meta?.name ?? "download";
	return {
		key: row.image_key,
		url: await signMediaUrl(env, origin, row.image_key, undefined, name),
		name,
		contentType: row.image_content_type ?? "application/octet-stream",
		size: row.image_size ?? 0,
		...(meta?.durationMs !== undefined ? { durationMs: meta.durationMs } : {}),
	};
}

/** A quoted message that could not be read (never expected: messages are never removed). */
function missingQuote(id: string): QuotedRecord {
	return { id, seq: 0, sender_id: "", kind: "text", text: null, deleted_at: "1970-01-01T00:00:00.000Z" };
}

export async function toConversation(
	env: AppEnv,
	origin: string,
	row: ConversationRecord,
	lastMessage: MessageRecord | null,
	participants?: ParticipantRecord[],
	quoted?: ReadonlyMap<string, QuotedRecord>,
): Promise<Conversation> {
	return {
		id: row.id,
		type: row.type,
		title: row.title,
		createdAt: row.created_at,
		lastActivityAt: row.last_activity_at,
		lastMessage: lastMessage ? await toMessage(env, origin, lastMessage, quoted) : null,
		unreadCount: row.unread_count,
		unreadMentionCount: row.unread_mention_count,
		muted: Boolean(row.muted),
		mutedUntil: row.muted ? (row.muted_until ?? null) : null,
		onlyAdminsSend: Boolean(row.only_admins_send),
		...(participants ? { participants: participants.map(toParticipant) } : {}),
	};
}
