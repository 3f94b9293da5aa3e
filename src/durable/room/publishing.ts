// What a room sends once something is stored: `message:new` and changes to its sockets in seq
// order, each window's receipts to the senders concerned and the readers' other devices, and
// after each flush the new messages and members' conversation views to their UserHubs.
import { log } from "../../server/log";
import { type MessageOut, type MessageRecord, toMessage } from "../../server/views";
import type { Message, ServerEvent } from "../../shared/schemas";
import { REST_FLUSH_WAIT_MS, type RoomCore } from "./core";
import type { FlushReport } from "./outbox";
import type { ReceiptMove } from "./receipts";
import { conversationViews, receiptRecipients } from "./views";

/** A stored row as the contract's Message, its quoted message read from the log as it is now. */
export function messageOut(room: RoomCore, row: MessageRecord, origin: string): Promise<MessageOut> {
	return toMessage(room.env, origin, row, room.roomLog.quoted([row]));
}

/**
 * Broadcasts `message:new` for a stored record, in seq order. An image waits for D1 first:
 * the media route serves an object only while D1 holds a live message that uses it.
 */
export function publish(room: RoomCore, record: MessageRecord, origin: string): Promise<Message> {
	const next = room.publishing.then(async () => {
		if (record.kind === "image") await room.outbox.whenFlushed(REST_FLUSH_WAIT_MS);
		const message = await messageOut(room, record, origin);
		room.sockets.stopTyping(record.sender_id, true);
		room.sockets.broadcast({ type: "message:new", data: { message } });
		return message;
	});
	room.publishing = next.catch(() => undefined);
	return next;
}

/** A change to a message is broadcast after every `message:new` already on its way (an image waits for D1). */
export function broadcastInOrder(room: RoomCore, event: ServerEvent): Promise<void> {
	const next = room.publishing.then(() => room.sockets.broadcast(event));
	room.publishing = next.catch(() => undefined);
	return next;
}

/** A window's receipts: one frame per socket of each recipient, room and realtime. */
export function sendReceipts(room: RoomCore, moves: ReceiptMove[]) {
	// The window's moves are in the log's pending marks: one flush soon writes them all.
	room.afterWrite();
	const { byRecipient, readers } = receiptRecipients(room.roomLog, room.conversationId, moves);
	room.ctx.waitUntil(
		(async () => {
			// The readers' other devices also get their conversation with the unread badge cleared.
			const views = await conversationViews(room.env, room.roomLog, readers);
			for (const [userId, events] of byRecipient) {
				room.sockets.sendToUser(userId, events);
				const view = views.get(userId);
				const forHub = events.map((e) => e.event);
				room.hubs.deliver(userId, view ? [...forHub, view] : forHub);
			}
		})().catch((err) =>
			log.error("receipt_fanout_failed", { conversationId: room.conversationId, error: String(err) }),
		),
	);
}

/** After a flush: new messages and each online member's conversation view to their hubs. */
export function fanOutToMembers(room: RoomCore, report: FlushReport) {
	const extra = room.inboxExtra;
	room.inboxExtra = { events: [], users: new Set() };
	room.ctx.waitUntil(
		(async () => {
			const origin = room.roomLog.meta()?.origin ?? "";
			const quoted = room.roomLog.quoted(report.created);
			const fresh = await Promise.all(report.created.map((row) => toMessage(room.env, origin, row, quoted)));
			const events: ServerEvent[] = [
				...fresh.map((message): ServerEvent => ({ type: "message:new", data: { message } })),
				...extra.events,
			];
			const recipients = new Set([...report.online, ...extra.users]);
			const views = report.changed ? await conversationViews(room.env, room.roomLog, recipients) : null;
			for (const userId of recipients) {
				const view = views?.get(userId);
				room.hubs.deliver(userId, view ? [...events, view] : events);
			}
		})().catch((err) => log.error("member_fanout_failed", { conversationId: room.conversationId, error: String(err) })),
	);
}

/** Member events reach online members' lists with the next flush. */
export function notifyMembers(room: RoomCore, events: ServerEvent[], alsoUsers: string[] = []) {
	room.inboxExtra.events.push(...events);
	for (const u of alsoUsers) room.inboxExtra.users.add(u);
	room.outbox.schedule({ refreshInbox: true });
}
