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

/** Per member, the copy of an event they see differently from everyone else. */
type Copies = ReadonlyMap<string, ServerEvent>;

/**
 * A reply's event (`message:new`, `message:updated`) as the members who deleted its original for
 * themselves see it: the quote marked `hidden` with no text, as their history shows it. Empty
 * when nobody needs another copy (no quote, or nobody hid it), which costs no SQL in a room
 * where nobody hid anything.
 */
function hidersCopies(room: RoomCore, event: ServerEvent): Copies {
	const copies = new Map<string, ServerEvent>();
	if (event.type !== "message:new" && event.type !== "message:updated") return copies;
	const { message } = event.data;
	const quote = message.replyTo;
	if (!quote || quote.hidden) return copies;
	const hiders = room.roomLog.hidersOf(quote.id);
	if (hiders.length === 0) return copies;
	const theirs: ServerEvent = {
		type: event.type,
		data: { message: { ...message, replyTo: { ...quote, text: null, hidden: true } } },
	};
	for (const userId of hiders) copies.set(userId, theirs);
	return copies;
}

/** An event to every room socket, each member named in `copies` getting their own copy instead. */
function broadcastWithCopies(room: RoomCore, event: ServerEvent, copies: Copies) {
	room.sockets.broadcast(event, copies.size > 0 ? new Set(copies.keys()) : undefined);
	for (const [userId, theirs] of copies) room.sockets.sendToUser(userId, [{ event: theirs }]);
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
		const event: ServerEvent = { type: "message:new", data: { message } };
		const copies = hidersCopies(room, event);
		broadcastWithCopies(room, event, copies);
		const senders = copies.get(record.sender_id);
		return senders?.type === "message:new" ? senders.data.message : message;
	});
	room.publishing = next.catch(() => undefined);
	return next;
}

/**
 * A change to a message is broadcast after every `message:new` already on its way (an image
 * waits for D1). Members who see it differently get their copy: those named in `copies` (a list
 * such as the pins), else those who hid a reply's original.
 */
export function broadcastInOrder(room: RoomCore, event: ServerEvent, copies?: Copies): Promise<void> {
	const next = room.publishing.then(() => broadcastWithCopies(room, event, copies ?? hidersCopies(room, event)));
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
			const copies = events.map((event) => hidersCopies(room, event));
			const anyCopy = copies.some((c) => c.size > 0);
			for (const userId of recipients) {
				const view = views?.get(userId);
				const theirs = anyCopy ? events.map((e, i) => copies[i]?.get(userId) ?? e) : events;
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
