// Issue 23.4: each conversation's pinned messages, newest pin first, as GET .../pins or the
// room's `conversation:pins` gave them; edits and deletions seen elsewhere apply here too.
import type { Pin } from "../../shared/schemas";
import type { ChatAction } from "./actions";

export function pins(state: Record<string, Pin[]>, action: ChatAction): Record<string, Pin[]> {
	switch (action.type) {
		case "pins/received":
			return { ...state, [action.conversationId]: action.pins };
		case "message/updated": {
			const list = state[action.message.conversationId];
			if (!list?.some((p) => p.message.id === action.message.id)) return state;
			return {
				...state,
				[action.message.conversationId]: list.map((p) =>
					p.message.id === action.message.id ? { ...p, message: action.message } : p,
				),
			};
		}
		case "message/deleted": {
			const list = state[action.conversationId];
			if (!list?.some((p) => p.message.id === action.messageId)) return state;
			return { ...state, [action.conversationId]: list.filter((p) => p.message.id !== action.messageId) };
		}
		default:
			return state;
	}
}
