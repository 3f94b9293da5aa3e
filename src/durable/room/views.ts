// What the room sends beyond its own sockets, built from the log alone: each member's view of
// the conversation for their list, and which member hears which receipt.

import type { AppEnv } from "../../server/config";
import { type MessageRecord, toMessage } from "../../server/views";
import type { Message, ServerEvent } from "../../shared/schemas";
import type { RoomLog } from "./log";
import type { ReceiptMove } from "./receipts";
import type { AddressedEvent } from "./sockets";

/**
 * `conversation:updated` for each of `userIds` as they see it: their unread count, mute and
 * latest visible message. The conversation and its latest message are read once; only members
 * who hid something get a query of their own for their last visible message.
 */
export async function conversationViews(env: AppEnv, roomLog: RoomLog, userIds: Iterable<string>) {
	const views = new Map<string, ServerEvent>();
	const recipients = [...userIds];
	// A receipt window with no reads, or a flush with nobody online, reads nothing.
	if (recipients.length === 0) return views;
	const meta = roomLog.meta();
	if (!meta) return views;
	const hid = roomLog.usersWhoHid();
	const latest = roomLog.latestMessage();
	const built = new Map<string, Message>();
	const message = async (row: MessageRecord | null) => {
		if (!row) return null;
		let m = built.get(row.id);
		if (!m) {
			m = await toMessage(env, meta.origin, row, roomLog.quoted([row]));
			built.set(row.id, m);
		}
		return m;
	};
	for (const userId of recipients) {
		const member = roomLog.member(userId);
		if (!member) continue;
		const last = hid.has(userId) ? roomLog.lastVisibleMessage(userId) : latest;
		const counts = roomLog.unreadCounts(userId, member.last_read_seq);
		views.set(userId, {
			type: "conversation:updated",
			data: {
				conversation: {
					id: meta.conversation_id,
					type: meta.type,
					title: meta.title,
					createdAt: meta.created_at,
					lastActivityAt: meta.last_activity_at,
					lastMessage: await message(last),
					unreadCount: counts.unread,
					unreadMentionCount: counts.mentions,
					...muteOf(member.muted),
				},
			},
		});
	}
	return views;
}

/** One member's `conversation:updated`, or null for a non-member. */
export async function conversationView(env: AppEnv, roomLog: RoomLog, userId: string): Promise<ServerEvent | null> {
	return (await conversationViews(env, roomLog, [userId])).get(userId) ?? null;
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

/** A member's `muted` column (0, 1, or the epoch ms a timed mute ends: room/log.ts) as the wire says it. */
export function muteOf(stored: number, now = Date.now()): { muted: boolean; mutedUntil: string | null } {
	if (stored > 1)
		return stored > now
			? { muted: true, mutedUntil: new Date(stored).toISOString() }
			: { muted: false, mutedUntil: null };
	return { muted: stored === 1, mutedUntil: null };
}
