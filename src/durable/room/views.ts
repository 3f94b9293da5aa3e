// What the room sends beyond its own sockets, built from the log alone: each member's view of
// the conversation for their list, and which member hears which receipt.
import type { Message, ServerEvent } from "../../shared/schemas";
import type { AppEnv } from "../../worker/config";
import { toMessage } from "../../worker/views";
import type { RoomLog } from "./log";
import type { ReceiptMove } from "./receipts";

/**
 * `conversation:updated` as `userId` sees it: their unread count, mute and latest visible
 * message. `cache` shares built messages across members of one fan-out.
 */
export async function conversationView(
	env: AppEnv,
	roomLog: RoomLog,
	userId: string,
	cache = new Map<string, Message>(),
): Promise<ServerEvent | null> {
	const meta = roomLog.meta();
	const member = roomLog.member(userId);
	if (!meta || !member) return null;
	const last = roomLog.lastVisibleMessage(userId);
	let lastMessage: Message | null = null;
	if (last) {
		lastMessage = cache.get(last.id) ?? (await toMessage(env, meta.origin, last));
		cache.set(last.id, lastMessage);
	}
	return {
		type: "conversation:updated",
		data: {
			conversation: {
				id: meta.conversation_id,
				type: meta.type,
				title: meta.title,
				createdAt: meta.created_at,
				lastActivityAt: meta.last_activity_at,
				lastMessage,
				unreadCount: roomLog.unreadCount(userId, member.last_read_seq),
				muted: Boolean(member.muted),
			},
		},
	};
}

/** An event for one member's sockets, but for those in `notTo`. */
export interface AddressedEvent {
	event: ServerEvent;
	notTo?: readonly WebSocket[];
}

/**
 * Who hears a window's receipts (contract v2): the members with a non-system message in the
 * moved range, and for a read the reader's own other sockets. Readers are returned apart, as
 * their other devices also need the conversation with the badge cleared.
 */
export function receiptRecipients(roomLog: RoomLog, conversationId: string, moves: ReceiptMove[]) {
	const byRecipient = new Map<string, AddressedEvent[]>();
	const add = (userId: string, event: ServerEvent, notTo?: readonly WebSocket[]) => {
		const list = byRecipient.get(userId) ?? [];
		list.push(notTo?.length ? { event, notTo } : { event });
		byRecipient.set(userId, list);
	};
	const readers = new Set<string>();
	for (const move of moves) {
		const data = { conversationId, userId: move.userId, seq: move.to };
		const event: ServerEvent =
			move.kind === "read" ? { type: "message:read", data } : { type: "message:delivered", data };
		for (const sender of roomLog.sendersBetween(move.from, move.to, move.userId)) add(sender, event);
		if (move.kind === "read") {
			add(move.userId, event, move.reporters);
			readers.add(move.userId);
		}
	}
	return { byRecipient, readers };
}
