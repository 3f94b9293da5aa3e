// What the room sends beyond its own sockets, built from the log alone: each member's view of
// the conversation for their list, and which member hears which receipt.

import type { AppEnv } from "../../server/config";
import { type MemberRecord, type MessageRecord, toMessage } from "../../server/views";
import type { Message, ServerEvent } from "../../shared/schemas";
import { countUnread, type RoomLog, SHARED_UNREAD_SPAN } from "./log";
import type { ReceiptMove } from "./receipts";
import type { AddressedEvent } from "./sockets";

/**
 * `conversation:updated` for each of `userIds` as they see it: their unread count, mute and
 * latest visible message. The conversation and its latest message are read once, and so are
 * the unread rows of every member near the end (one statement for the room, counted per member
 * in memory); only members who hid something, or who are far behind, get a query of their own.
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
	// A member who hid something gets their own copy: a quote of a message they hid is hidden.
	const message = async (row: MessageRecord | null, readerId?: string) => {
		if (!row) return null;
		const key = readerId === undefined ? row.id : `${row.id} ${readerId}`;
		let m = built.get(key);
		if (!m) {
			m = await toMessage(env, meta.origin, row, roomLog.quoted([row], readerId));
			built.set(key, m);
		}
		return m;
	};
	const members = recipients.map((userId) => roomLog.member(userId)).filter((m) => m !== null);
	const shared = (m: MemberRecord) => !hid.has(m.user_id) && meta.last_seq - m.last_read_seq <= SHARED_UNREAD_SPAN;
	const from = Math.min(...members.filter(shared).map((m) => m.last_read_seq));
	const rows = Number.isFinite(from) ? roomLog.unreadRowsAfter(from) : [];
	const mentionLists = new Map<number, string[]>();
	for (const member of members) {
		const userId = member.user_id;
		const hider = hid.has(userId);
		const last = hider ? roomLog.lastVisibleMessage(userId) : latest;
		const counts = shared(member)
			? countUnread(rows, userId, member.last_read_seq, mentionLists)
			: roomLog.unreadCounts(userId, member.last_read_seq);
		views.set(userId, {
			type: "conversation:updated",
			data: {
				conversation: {
					id: meta.conversation_id,
					type: meta.type,
					title: meta.title,
					createdAt: meta.created_at,
					lastActivityAt: meta.last_activity_at,
					lastMessage: await message(last, hider ? userId : undefined),
					unreadCount: counts.unread,
					unreadMentionCount: counts.mentions,
					...muteOf(member.muted),
					onlyAdminsSend: Boolean(meta.only_admins_send),
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
	const senders = sendersOfMoves(roomLog, moves);
	for (const move of moves) {
		const data = { conversationId, userId: move.userId, seq: move.to };
		const event: ServerEvent =
			move.kind === "read" ? { type: "message:read", data } : { type: "message:delivered", data };
		for (const sender of senders(move)) add(sender, event);
		if (move.kind === "read") {
			add(move.userId, event, move.reporters);
			readers.add(move.userId);
		}
	}
	return { byRecipient, readers };
}

/** Moves wider than this ask SQLite for their own senders; the rest share one read. */
const SHARED_RANGE = 500;

/**
 * The senders each move concerns: one read of (seq, sender) for the span the window's narrow
 * moves cover, then a binary search per move; a wide move (a member catching up on a long
 * backlog) gets its own DISTINCT query.
 */
function sendersOfMoves(roomLog: RoomLog, moves: ReceiptMove[]) {
	const narrow = moves.filter((m) => m.to - m.from <= SHARED_RANGE);
	const from = Math.min(...narrow.map((m) => m.from));
	const to = Math.max(...narrow.map((m) => m.to));
	const rows = narrow.length > 0 && to - from <= SHARED_RANGE * 4 ? roomLog.sendersIn(from, to) : null;
	return (move: ReceiptMove): Iterable<string> => {
		if (!rows || move.to - move.from > SHARED_RANGE || move.from < from || move.to > to) {
			return roomLog.sendersBetween(move.from, move.to, move.userId);
		}
		let lo = 0;
		let hi = rows.length;
		while (lo < hi) {
			const mid = (lo + hi) >> 1;
			if ((rows[mid] as { seq: number }).seq <= move.from) lo = mid + 1;
			else hi = mid;
		}
		const found = new Set<string>();
		for (let i = lo; i < rows.length; i++) {
			const row = rows[i] as { seq: number; sender_id: string };
			if (row.seq > move.to) break;
			if (row.sender_id !== move.userId) found.add(row.sender_id);
		}
		return found;
	};
}

/** A member's `muted` column (0, 1, or the epoch ms a timed mute ends: room/log.ts) as the wire says it. */
export function muteOf(stored: number, now = Date.now()): { muted: boolean; mutedUntil: string | null } {
	if (stored > 1)
		return stored > now
			? { muted: true, mutedUntil: new Date(stored).toISOString() }
			: { muted: false, mutedUntil: null };
	return { muted: stored === 1, mutedUntil: null };
}
