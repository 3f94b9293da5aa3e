// Messages per conversation: pages, live messages and catch-up pages all merge by id, sorted by seq.
import type { Message, ReplyTo } from "../../shared/schemas";
import type { ChatAction } from "./actions";
import type { Thread } from "./state";

export const EMPTY_THREAD: Thread = {
	messages: [],
	loaded: false,
	olderCursor: null,
	hasOlder: true,
	loadingOlder: false,
};

/** Union by id (the newer copy wins, e.g. a deletion), sorted by seq: no gaps made, no doubles. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
	if (incoming.length === 0) return existing;
	const byId = new Map<string, Message>();
	for (const m of existing) byId.set(m.id, m);
	for (const m of incoming) {
		const prior = byId.get(m.id);
		// Once deleted, a stale copy from an older page must not bring the text back.
		byId.set(m.id, prior?.deletedAt && !m.deletedAt ? prior : m);
	}
	return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * A chat restored from the device is replaced by the server's newest page: saved copies it
 * covers (edited, deleted or hidden since) go, and so do older ones, which could leave a gap;
 * scrolling up loads them again. Only messages newer than the page (live ones) are kept.
 */
function newerThan(held: Message[], page: Message[]): Message[] {
	const newest = page.at(-1)?.seq ?? 0;
	return held.filter((m) => m.seq > newest);
}

const QUOTE_LENGTH = 200;

/** A quote as the quoted message is now (contract v2: text at most 200 characters). */
export function quoteOf(m: Message): ReplyTo {
	return {
		id: m.id,
		seq: m.seq,
		senderId: m.senderId,
		kind: m.kind,
		text: m.deletedAt ? null : m.text === null ? null : [...m.text].slice(0, QUOTE_LENGTH).join(""),
		deletedAt: m.deletedAt,
	};
}

/** Replies quoting a message that changed show it as it is now. */
function requote(messages: Message[], changed: Message): Message[] {
	if (!messages.some((m) => m.replyTo?.id === changed.id)) return messages;
	const quote = quoteOf(changed);
	return messages.map((m) => (m.replyTo?.id === changed.id ? { ...m, replyTo: quote } : m));
}

/** The highest seq held: a catch-up asks for what comes after it. */
export function highestSeq(thread: Thread | undefined): number {
	return thread?.messages.at(-1)?.seq ?? 0;
}

function patch(state: Record<string, Thread>, id: string, update: (t: Thread) => Thread): Record<string, Thread> {
	return { ...state, [id]: update(state[id] ?? EMPTY_THREAD) };
}

export function threads(state: Record<string, Thread>, action: ChatAction): Record<string, Thread> {
	switch (action.type) {
		case "messages/received":
			// Kept even before the thread's first page arrives: the page is merged in, by id and seq.
			return patch(state, action.conversationId, (t) => ({
				...t,
				messages: mergeMessages(t.messages, action.messages),
			}));
		case "thread/pageLoaded":
			return patch(state, action.conversationId, (t) => ({
				...t,
				messages: mergeMessages(t.restored ? newerThan(t.messages, action.messages) : t.messages, action.messages),
				restored: false,
				loaded: true,
				olderCursor: action.nextCursor,
				hasOlder: action.nextCursor !== null,
				error: undefined,
			}));
		case "thread/olderRequested":
			return patch(state, action.conversationId, (t) => ({ ...t, loadingOlder: true }));
		case "thread/olderLoaded":
			return patch(state, action.conversationId, (t) => ({
				...t,
				messages: mergeMessages(t.messages, action.messages),
				olderCursor: action.nextCursor,
				hasOlder: action.nextCursor !== null,
				loadingOlder: false,
			}));
		case "thread/failed":
			return patch(state, action.conversationId, (t) => ({ ...t, loadingOlder: false, error: action.error }));
		case "message/deleted":
			return patch(state, action.conversationId, (t) => {
				const messages = t.messages.map((m) =>
					m.id === action.messageId
						? { ...m, text: null, image: null, reactions: [], deletedAt: m.deletedAt ?? action.at }
						: m,
				);
				const deleted = messages.find((m) => m.id === action.messageId);
				return { ...t, messages: deleted ? requote(messages, deleted) : messages };
			});
		case "message/updated": {
			// An edit replaces the copy we hold (never one we know is deleted); one we never loaded is left for history.
			const incoming = action.message;
			const thread = state[incoming.conversationId];
			const held = thread?.messages.find((m) => m.id === incoming.id);
			if (!thread || !held || (held.deletedAt && !incoming.deletedAt)) return state;
			if (held.editedAt && incoming.editedAt && held.editedAt > incoming.editedAt) return state;
			const merged = { ...incoming, reactions: incoming.reactions ?? held.reactions };
			return patch(state, incoming.conversationId, (t) => ({
				...t,
				messages: requote(
					t.messages.map((m) => (m.id === incoming.id ? merged : m)),
					merged,
				),
			}));
		}
		case "message/reactions": {
			const thread = state[action.conversationId];
			const held = thread?.messages.find((m) => m.id === action.messageId);
			if (!held || held.deletedAt) return state;
			return patch(state, action.conversationId, (t) => ({
				...t,
				messages: t.messages.map((m) => (m.id === action.messageId ? { ...m, reactions: action.reactions } : m)),
			}));
		}
		case "message/hidden":
			return patch(state, action.conversationId, (t) => ({
				...t,
				messages: t.messages.filter((m) => m.id !== action.messageId),
			}));
		case "conversation/forgotten": {
			if (!(action.id in state)) return state;
			const next = { ...state };
			delete next[action.id];
			return next;
		}
		default:
			return state;
	}
}
