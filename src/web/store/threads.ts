// Messages per conversation: pages, live messages and catch-up pages all merge by id, sorted by seq.
import type { Message } from "../../shared/schemas";
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
			return patch(state, action.conversationId, (t) => ({
				...t,
				messages: t.messages.map((m) =>
					m.id === action.messageId ? { ...m, text: null, image: null, deletedAt: m.deletedAt ?? action.at } : m,
				),
			}));
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
