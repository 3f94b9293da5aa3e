// Which chat is open, how the sockets are, whether the list loaded, and the toast.
import type { ChatAction } from "./actions";
import type { SessionState } from "./state";

export function session(state: SessionState, action: ChatAction): SessionState {
	switch (action.type) {
		case "connection/changed":
			return state.connection === action.connection ? state : { ...state, connection: action.connection };
		case "chat/opened":
			return { ...state, openId: action.id, readMarker: action.readMarker };
		case "chat/closed":
			return { ...state, openId: null, readMarker: null };
		case "room/changed":
			return state.roomOpen === action.open ? state : { ...state, roomOpen: action.open };
		case "conversation/forgotten":
			return state.openId === action.id ? { ...state, openId: null } : state;
		case "conversations/listed":
			return state.listLoaded && state.listError === null ? state : { ...state, listLoaded: true, listError: null };
		case "conversations/listFailed":
			return { ...state, listError: action.error };
		case "notice/shown":
			return { ...state, notice: action.notice };
		case "notice/dismissed":
			return state.notice?.id === action.id ? { ...state, notice: null } : state;
		case "reply/started":
			return { ...state, replyingTo: { ...state.replyingTo, [action.conversationId]: action.messageId } };
		case "reply/cancelled": {
			if (!(action.conversationId in state.replyingTo)) return state;
			const { [action.conversationId]: _, ...rest } = state.replyingTo;
			return { ...state, replyingTo: rest };
		}
		case "message/hidden":
		case "message/deleted": {
			// A reply to a message that is gone has nothing left to quote.
			if (state.replyingTo[action.conversationId] !== action.messageId) return state;
			const { [action.conversationId]: _, ...rest } = state.replyingTo;
			return { ...state, replyingTo: rest };
		}
		case "jump/requested":
			return { ...state, jump: { conversationId: action.conversationId, seq: action.seq, nonce: action.nonce } };
		case "jump/done":
			return state.jump?.nonce === action.nonce ? { ...state, jump: null } : state;
		default:
			return state;
	}
}
