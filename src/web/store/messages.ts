// Pure helpers the views use: ticks, titles, system sentences, what counts as unread.
import { type Conversation, EDIT_WINDOW_MS, type Message, type Participant } from "../../shared/schemas";
import { systemSentenceFor } from "../../shared/system";
import { isolate } from "../../shared/text";

/**
 * Whether a message counts toward my unread badge, as the server counts it: from someone else
 * and not deleted; a system message only when it tells me why the chat is new to me (the
 * group's "created" line, or "… added you").
 */
export function countsAsUnread(message: Message, meId: string): boolean {
	if (message.senderId === meId || message.deletedAt !== null) return false;
	if (message.kind !== "system") return true;
	const event = message.system;
	return event?.event === "created" || (event?.event === "joined" && event.targetId === meId);
}

/**
 * The first message that was unread when the chat was opened: after my read watermark then,
 * or, when that is not known, the last `unread` messages from others. Null when nothing was.
 */
export function firstUnreadId(
	messages: Message[],
	marker: { seq: number | null; unread: number },
	meId: string,
): string | null {
	if (marker.unread <= 0) return null;
	const counted = messages.filter((m) => countsAsUnread(m, meId));
	if (marker.seq !== null) {
		// Replying means I had read what came before it, whatever the watermark says.
		const myLatest = messages.findLast((m) => m.senderId === meId)?.seq ?? 0;
		const after = Math.max(marker.seq, myLatest);
		return counted.find((m) => m.seq > after)?.id ?? null;
	}
	return counted.at(-Math.min(marker.unread, counted.length))?.id ?? null;
}

export type Receipt = "sent" | "delivered" | "read";

export interface ReceiptInfo {
	/** What every counted member has: the tick's shape. */
	status: Receipt;
	readBy: Participant[];
	/** Delivered (read included) to these. */
	deliveredTo: Participant[];
	/** Counted but not delivered to yet. */
	waiting: Participant[];
	others: number;
	/** The tick's words: "Read", "Delivered", "Sent", or "Delivered to 1 of 2" when only some have it. */
	label: string;
}

/**
 * Ticks, "Read by" and its list for my message, all from one pass over the other members'
 * watermarks (issue 22.3), so they never disagree: a member's read counts as delivered, and
 * only members who were there when it was sent count (someone added later never received it).
 */
export function receiptFor(message: Message, participants: Participant[] | undefined, meId: string): ReceiptInfo {
	const others = (participants ?? []).filter((p) => p.user.id !== meId && p.joinedAt <= message.createdAt);
	const readBy = others.filter((p) => p.lastReadSeq >= message.seq);
	const deliveredTo = others.filter((p) => Math.max(p.lastDeliveredSeq, p.lastReadSeq) >= message.seq);
	const waiting = others.filter((p) => !deliveredTo.includes(p));
	if (others.length === 0) return { status: "sent", readBy, deliveredTo, waiting, others: 0, label: "Sent" };
	const status: Receipt =
		readBy.length === others.length ? "read" : deliveredTo.length === others.length ? "delivered" : "sent";
	const label =
		status === "read"
			? "Read"
			: status === "delivered"
				? "Delivered"
				: deliveredTo.length > 0
					? `Delivered to ${deliveredTo.length} of ${others.length}`
					: "Sent";
	return { status, readBy, deliveredTo, waiting, others: others.length, label };
}

export function otherParticipant(participants: Participant[] | undefined, meId: string): Participant | undefined {
	return participants?.find((p) => p.user.id !== meId);
}

export function conversationTitle(
	conversation: Conversation,
	participants: Participant[] | undefined,
	meId: string,
): string {
	if (conversation.type === "group") return conversation.title || "Group";
	return otherParticipant(participants, meId)?.user.displayName ?? conversation.title ?? "Direct message";
}

/**
 * The sentence for a system message. The server's `text` is written for everyone ("Ben Okafor
 * added Asha Patel"); the UI says it with the same template (`systemSentenceFor` in
 * src/shared/system.ts) whenever it knows the names, from the reader's side when they are the
 * actor or the target ("Ben Okafor added you"), and with every name and title isolated
 * (FSI…PDI, `<bdi>` for a string): a name ending in U+202E must not flip the rest of the line.
 * The server's text is the fallback for names the UI does not know.
 */
export function systemText(message: Message, users: Record<string, { displayName: string }>, meId: string): string {
	const event = message.system;
	if (!event) return message.text ?? "";
	const known = (id: string) => id === meId || users[id] !== undefined;
	if (message.text && (!known(event.actorId) || !known(event.targetId))) return message.text;
	const names = new Map<string, string>();
	for (const id of [event.actorId, event.targetId]) {
		const name = users[id]?.displayName;
		if (name !== undefined) names.set(id, isolate(name));
	}
	const title = event.title === undefined ? {} : { title: isolate(event.title) };
	return systemSentenceFor({ ...event, ...title }, names, meId);
}

/** Contract v2: only the sender edits, not a system or deleted message, within 15 minutes of sending. */
export function canEdit(m: Message, meId: string, now = Date.now()): boolean {
	return (
		m.senderId === meId &&
		m.kind !== "system" &&
		m.kind !== "poll" &&
		m.deletedAt === null &&
		now - new Date(m.createdAt).getTime() < EDIT_WINDOW_MS
	);
}
