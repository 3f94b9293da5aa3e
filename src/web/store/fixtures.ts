// Small builders for the reducers' tests.
import type { Conversation, Message, Participant, User } from "../../shared/schemas";

export function user(id: string, extra: Partial<User> = {}): User {
	return { id, email: `${id}@x.test`, displayName: id, avatarUrl: null, ...extra };
}

export function participant(id: string, lastReadSeq: number, lastDeliveredSeq = lastReadSeq): Participant {
	return {
		user: user(id),
		role: "member",
		joinedAt: "2026-01-01T00:00:00.000Z",
		lastReadSeq,
		lastDeliveredSeq,
	};
}

export function message(seq: number, senderId = "me", conversationId = "c1"): Message {
	return {
		id: `m${seq}`,
		conversationId,
		seq,
		senderId,
		clientId: `k${seq}`,
		kind: "text",
		text: "hi",
		image: null,
		createdAt: `2026-01-01T00:00:${String(seq % 60).padStart(2, "0")}.000Z`,
		deletedAt: null,
	};
}

export function conversation(id: string, extra: Partial<Conversation> = {}): Conversation {
	return {
		id,
		type: "group",
		title: id,
		createdAt: "2026-01-01T00:00:00.000Z",
		lastActivityAt: "2026-01-01T00:00:00.000Z",
		lastMessage: null,
		unreadCount: 0,
		muted: false,
		...extra,
	};
}
