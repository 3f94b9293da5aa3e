// What a room sends once something is stored: `message:new` and changes to its sockets in seq
// order, each window's receipts to the senders concerned and the readers' other devices, and
// after each flush the new messages and members' conversation views to their UserHubs.
import { log } from "../../server/log";
import { type MessageOut, type MessageRecord, toMessage } from "../../server/views";
import type { Message, ServerEvent } from "../../shared/schemas";
import type { RoomCore } from "./core";
import { type FlushReport, REST_FLUSH_WAIT_MS } from "./outbox";
import type { ReceiptMove } from "./receipts";
import { conversationViews, receiptRecipients } from "./views";

/**
 * A stored row as the contract's Message, its quoted message read from the log as it is now
 * (as `readerId` sees it, when given: marked hidden if they deleted it for themselves).
 */
export function messageOut(room: RoomCore, row: MessageRecord, origin: string, readerId?: string): Promise<MessageOut> {
	return toMessage(room.env, origin, row, room.roomLog.quoted([row], readerId));
}

/**
 * A reply as the members who deleted its original for themselves see it: the quote marked
 * `hidden` with no text, as their history shows it. Null when nobody needs another copy (no
 * quote, or nobody hid it), which costs no SQL in a room where nobody hid anything.
 */
function forHiders(room: RoomCore, message: Message): { hiders: Set<string>; message: Message } | null {
	const quote = message.replyTo;
	if (!quote || quote.hidden) return null;
	const hiders = room.roomLog.hidersOf(quote.id);
	if (hiders.length === 0) return null;
	return { hiders: new Set(hiders), message: { ...message, replyTo: { ...quote, text: null, hidden: true } } };
}

/** An event carrying a message (`message:new`, `message:updated`) in the copy for the members who hid its quote. */
function hidersCopy(room: RoomCore, event: ServerEvent): { hiders: Set<string>; event: ServerEvent } | null {
	if (event.type !== "message:new" && event.type !== "message:updated") return null;
	const copy = forHiders(room, event.data.message);
	return copy && { hiders: copy.hiders, event: { type: event.type, data: { message: copy.message } } };
}

/**
 * An event to every room socket, the members who hid a reply's original getting their own copy;
 * or, with `copies`, the members named there getting theirs instead (a list one of them sees
 * differently, such as the pins).
 */
function broadcastToReaders(room: RoomCore, event: ServerEvent, copies?: ReadonlyMap<string, ServerEvent>) {
	if (copies && copies.size > 0) {
		room.sockets.broadcast(event, new Set(copies.keys()));
		for (const [userId, theirs] of copies) room.sockets.sendToUser(userId, [{ event: theirs }]);
		return;
	}
	const copy = hidersCopy(room, event);
	room.sockets.broadcast(event, copy?.hiders);
	if (copy) for (const userId of copy.hiders) room.sockets.sendToUser(userId, [{ event: copy.event }]);
}

/**
 * Broadcasts `message:new` for a stored record, in seq order, and resolves with the message as
 * its sender sees it. A message with media (an image, a file, a voice note) waits for D1 first:
 * the media route serves an object only while D1 holds a live message that uses it.
 */
export function publish(room: RoomCore, record: MessageRecord, origin: string): Promise<Message> {
	const next = room.publishing.then(async () => {
		if (record.image_key !== null) await room.outbox.whenFlushed(REST_FLUSH_WAIT_MS);
		const message = await messageOut(room, record, origin);
		room.sockets.stopTyping(record.sender_id, true);
		const copy = forHiders(room, message);
		room.sockets.broadcast({ type: "message:new", data: { message } }, copy?.hiders);
		if (!copy) return message;
		for (const userId of copy.hiders) {
			room.sockets.sendToUser(userId, [{ event: { type: "message:new", data: { message: copy.message } } }]);
		}
		return copy.hiders.has(record.sender_id) ? copy.message : message;
	});
	room.publishing = next.catch(() => undefined);
	return next;
}

/** A change to a message is broadcast after every `message:new` already on its way (an image waits for D1). */
export function broadcastInOrder(
	room: RoomCore,
	event: ServerEvent,
	copies?: ReadonlyMap<string, ServerEvent>,
): Promise<void> {
	const next = room.publishing.then(() => broadcastToReaders(room, event, copies));
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
			// Members who hid a reply's original get that event in their own copy.
			const copies = events.map((event) => hidersCopy(room, event));
			const anyCopy = copies.some((c) => c !== null);
			for (const userId of recipients) {
				const view = views?.get(userId);
				const theirs = anyCopy ? events.map((e, i) => (copies[i]?.hiders.has(userId) ? copies[i].event : e)) : events;
				room.hubs.deliver(userId, view ? [...theirs, view] : theirs);
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
