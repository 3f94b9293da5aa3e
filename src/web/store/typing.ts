// Who is typing where: conversationId → userId → when the indicator expires (ms since epoch).
import type { ChatAction } from "./actions";

/** A typing:start with no typing:stop after it (a closed tab) lasts this long. */
export const TYPING_FALLBACK_EXPIRY_MS = 6000;

type Typing = Record<string, Record<string, number>>;

export function typing(state: Typing, action: ChatAction): Typing {
	switch (action.type) {
		case "typing/changed": {
			const { conversationId, userId } = action;
			if (!action.typing && !state[conversationId]?.[userId]) return state;
			const forConversation = { ...state[conversationId] };
			if (action.typing) forConversation[userId] = action.now + TYPING_FALLBACK_EXPIRY_MS;
			else delete forConversation[userId];
			return { ...state, [conversationId]: forConversation };
		}
		case "typing/expired": {
			let changed = false;
			const next: Typing = {};
			for (const [cid, users] of Object.entries(state)) {
				const kept: Record<string, number> = {};
				for (const [uid, expiry] of Object.entries(users)) {
					if (expiry > action.now) kept[uid] = expiry;
					else changed = true;
				}
				next[cid] = kept;
			}
			return changed ? next : state;
		}
		default:
			return state;
	}
}
