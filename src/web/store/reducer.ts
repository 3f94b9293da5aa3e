// The whole client state from its slices: each slice's reducer sees every action and returns
// its slice unchanged (same object) when the action is not about it.
import type { ChatAction } from "./actions";
import { blocks } from "./blocks";
import { conversations } from "./conversations";
import { participants, profileOf } from "./participants";
import { pending } from "./pending";
import { pins } from "./pins";
import { presence } from "./presence";
import { session } from "./session";
import type { ChatState, SessionState } from "./state";
import { threads } from "./threads";
import { typing } from "./typing";

function sessionOf(s: ChatState): SessionState {
	return {
		connection: s.connection,
		openId: s.openId,
		roomOpen: s.roomOpen,
		readMarker: s.readMarker,
		notice: s.notice,
		listLoaded: s.listLoaded,
		listError: s.listError,
		replyingTo: s.replyingTo,
		jump: s.jump,
	};
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
	const before = sessionOf(state);
	const after = session(before, action);
	const next: ChatState = {
		...state,
		...after,
		me:
			(action.type === "me/updated" || action.type === "user/updated") && action.user.id === state.me.id
				? { ...state.me, ...profileOf(action.user) }
				: state.me,
		conversations: conversations(state.conversations, action),
		threads: threads(state.threads, action),
		pending: pending(state.pending, action),
		participants: participants(state.participants, action),
		users: presence(state.users, action),
		typing: typing(state.typing, action),
		blocks: blocks(state.blocks, action),
		pins: pins(state.pins, action),
	};
	const unchanged =
		after === before &&
		next.me === state.me &&
		next.conversations === state.conversations &&
		next.threads === state.threads &&
		next.pending === state.pending &&
		next.participants === state.participants &&
		next.users === state.users &&
		next.typing === state.typing &&
		next.blocks === state.blocks &&
		next.pins === state.pins;
	return unchanged ? state : next;
}
