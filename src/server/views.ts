// Rows (snake_case, as D1 returns them) to the contract's objects.
import type { Conversation, Message, Participant, SystemEvent, User } from "../shared/schemas";
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
	kind: "text" | "image" | "system";
	text: string | null;
	image_key: string | null;
	image_content_type: string | null;
	image_size: number | null;
	system: string | null;
	created_at: string;
	deleted_at: string | null;
};

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
	unread_count: number;
}

export const MESSAGE_COLUMNS =
	"id, conversation_id, seq, sender_id, client_id, kind, text, image_key, image_content_type, image_size, system, created_at, deleted_at";
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

export async function toMessage(env: AppEnv, origin: string, row: MessageRecord): Promise<Message> {
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
	};
}

export async function toConversation(
	env: AppEnv,
	origin: string,
	row: ConversationRecord,
	lastMessage: MessageRecord | null,
	participants?: ParticipantRecord[],
): Promise<Conversation> {
	return {
		id: row.id,
		type: row.type,
		title: row.title,
		createdAt: row.created_at,
		lastActivityAt: row.last_activity_at,
		lastMessage: lastMessage ? await toMessage(env, origin, lastMessage) : null,
		unreadCount: row.unread_count,
		muted: Boolean(row.muted),
		...(participants ? { participants: participants.map(toParticipant) } : {}),
	};
}
