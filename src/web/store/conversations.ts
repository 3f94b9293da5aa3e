// The conversation list: previews, unread counts, mute and titles, newest activity first.
import type { Conversation } from "../../shared/schemas";
import type { ChatAction } from "./actions";
import { countsAsUnread } from "./messages";

export function byActivity(a: Conversation, b: Conversation): number {
	return b.lastActivityAt.localeCompare(a.lastActivityAt);
}

/**
 * A snapshot (list page or conversation:updated) can be older than a message:new we already
 * applied; it must not take the preview, activity time or unread count backwards.
 */
export function withoutRegress(local: Conversation | undefined, incoming: Conversation): Conversation {
	const localSeq = local?.lastMessage?.seq ?? 0;
	const incomingSeq = incoming.lastMessage?.seq ?? 0;
	if (!local || localSeq <= incomingSeq) return incoming;
	return {
		...incoming,
		lastMessage: local.lastMessage,
		lastActivityAt: local.lastActivityAt > incoming.lastActivityAt ? local.lastActivityAt : incoming.lastActivityAt,
		unreadCount: Math.max(local.unreadCount, incoming.unreadCount),
		...mentionCount(Math.max(local.unreadMentionCount ?? 0, incoming.unreadMentionCount ?? 0)),
	};
}

/** v2 field, kept absent when a v1 server never sent it. */
function mentionCount(n: number): Pick<Conversation, "unreadMentionCount"> {
	return { unreadMentionCount: n };
}

/** Nothing unread any more: the count and the "@" badge go together. */
function cleared(c: Conversation): Conversation {
	if (c.unreadCount === 0 && !c.unreadMentionCount) return c;
	return { ...c, unreadCount: 0, ...(c.unreadMentionCount ? mentionCount(0) : {}) };
}

function replaced(list: Conversation[], id: string, update: (c: Conversation) => Conversation): Conversation[] {
	let changed = false;
	const next = list.map((c) => {
		if (c.id !== id) return c;
		const updated = update(c);
		if (updated !== c) changed = true;
		return updated;
	});
	return changed ? next : list;
}

export function conversations(state: Conversation[], action: ChatAction): Conversation[] {
	switch (action.type) {
		case "conversations/listed": {
			const local = new Map(state.map((c) => [c.id, c]));
			return action.conversations
				.map((c) => withoutRegress(local.get(c.id), c))
				.map((c) => (c.id === action.viewingId ? cleared(c) : c))
				.sort(byActivity);
		}
		case "conversation/received": {
			const incoming = action.conversation;
			const existing = state.find((c) => c.id === incoming.id);
			// Participants live in their own slice.
			const { participants: _, ...merged }: Conversation = withoutRegress(existing, { ...existing, ...incoming });
			if (action.muting !== undefined) merged.muted = action.muting;
			if (incoming.id === action.viewingId) {
				merged.unreadCount = 0;
				if (merged.unreadMentionCount) merged.unreadMentionCount = 0;
			}
			return [...state.filter((c) => c.id !== incoming.id), merged].sort(byActivity);
		}
		case "conversation/forgotten":
			return state.some((c) => c.id === action.id) ? state.filter((c) => c.id !== action.id) : state;
		case "conversation/muted":
			return replaced(state, action.id, (c) => ({
				...c,
				muted: action.muted,
				mutedUntil: action.muted ? (action.mutedUntil ?? null) : null,
			}));
		case "conversation/viewed":
			return replaced(state, action.id, cleared);
		case "conversation/readElsewhere":
			// Read on another device: clear the badge if that covers the latest message.
			return replaced(state, action.conversationId, (c) => ((c.lastMessage?.seq ?? 0) <= action.seq ? cleared(c) : c));
		case "conversation/previewed": {
			// Moves the conversation to the top with this preview; counts it unread if it is news.
			const { message } = action;
			const c = state.find((x) => x.id === message.conversationId);
			if (!c) return state;
			if (c.lastMessage && c.lastMessage.seq >= message.seq) return state;
			const viewing = action.viewingId === c.id;
			const counted = action.countUnread && countsAsUnread(message, action.meId) && !viewing;
			const renamed = message.system?.event === "renamed" ? message.system.title : undefined;
			const mentioned = counted && message.mentions?.includes(action.meId) === true;
			const updated: Conversation = {
				...c,
				// A rename's line carries the new title: the header and list follow before conversation:updated.
				...(renamed !== undefined ? { title: renamed } : {}),
				lastMessage: message,
				lastActivityAt: message.createdAt > c.lastActivityAt ? message.createdAt : c.lastActivityAt,
				unreadCount: viewing ? 0 : c.unreadCount + (counted ? 1 : 0),
				...(viewing && c.unreadMentionCount
					? mentionCount(0)
					: mentioned
						? mentionCount((c.unreadMentionCount ?? 0) + 1)
						: {}),
			};
			return [...state.filter((x) => x.id !== c.id), updated].sort(byActivity);
		}
		case "message/deleted":
			return replaced(state, action.conversationId, (c) =>
				c.lastMessage?.id === action.messageId
					? { ...c, lastMessage: { ...c.lastMessage, text: null, image: null, deletedAt: action.at } }
					: c,
			);
		case "message/hidden": {
			// Delete for me of the chat's last message: the preview becomes the last one I can see (issue 22.1).
			const { previous } = action;
			if (previous === undefined) return state;
			return replaced(state, action.conversationId, (c) =>
				c.lastMessage?.id === action.messageId ? { ...c, lastMessage: previous } : c,
			);
		}
		case "message/updated": {
			const m = action.message;
			return replaced(state, m.conversationId, (c) =>
				c.lastMessage?.id === m.id && !c.lastMessage.deletedAt ? { ...c, lastMessage: m } : c,
			);
		}
		default:
			return state;
	}
}

/** Muted right now (issue 22.20): a timed mute that has ended counts as not muted, before any snapshot says so. */
export function mutedNow(c: Pick<Conversation, "muted" | "mutedUntil">, now = Date.now()): boolean {
	return c.muted && (!c.mutedUntil || Date.parse(c.mutedUntil) > now);
}

/** The mute choices the UI offers, as the time each one ends (null: until undone). */
export const MUTE_CHOICES = [
	{ value: "8h", label: "For 8 hours", ms: 8 * 60 * 60 * 1000 },
	{ value: "1w", label: "For 1 week", ms: 7 * 24 * 60 * 60 * 1000 },
	{ value: "always", label: "Until I turn it back on", ms: null },
] as const;
/** "timed": a timed mute already set, shown as when it ends, not as a choice. */
export type MuteChoice = "off" | "timed" | (typeof MUTE_CHOICES)[number]["value"];

export function muteEndFor(choice: MuteChoice, now = Date.now()): string | null {
	const found = MUTE_CHOICES.find((c) => c.value === choice);
	return found?.ms ? new Date(now + found.ms).toISOString() : null;
}

/**
 * An announcement group (issue 23.5) where I am not an admin: the chat shows a notice instead
 * of the composer. Unknown participants (still loading) do not lock it; the server decides anyway.
 */
export function sendingLockedForMe(
	c: Pick<Conversation, "type" | "onlyAdminsSend">,
	participants: readonly { user: { id: string }; role: string }[] | undefined,
	meId: string,
): boolean {
	if (c.type !== "group" || !c.onlyAdminsSend || !participants) return false;
	return participants.find((p) => p.user.id === meId)?.role !== "admin";
}
