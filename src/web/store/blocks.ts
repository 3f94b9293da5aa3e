// People I blocked (GET /me/blocks, then my own block and unblock), and the chats where the
// server refused my message with 403 because the other person blocked me.
import type { User } from "../../shared/schemas";
import type { ChatAction } from "./actions";
import type { BlocksState } from "./state";

export function blocks(state: BlocksState, action: ChatAction): BlocksState {
	switch (action.type) {
		case "blocks/listed":
			return { ...state, loaded: true, users: Object.fromEntries(action.users.map((u) => [u.id, u])) };
		case "blocks/changed": {
			const has = action.user.id in state.users;
			if (has === action.blocked) return state;
			const users = { ...state.users };
			if (action.blocked) users[action.user.id] = action.user;
			else delete users[action.user.id];
			return { ...state, users };
		}
		case "user/updated": {
			const known = state.users[action.user.id];
			if (!known) return state;
			return { ...state, users: { ...state.users, [action.user.id]: { ...known, ...action.user } } };
		}
		case "conversation/replyRefused": {
			const has = action.id in state.refused;
			if (has === action.refused) return state;
			const refused = { ...state.refused };
			if (action.refused) refused[action.id] = true;
			else delete refused[action.id];
			return { ...state, refused };
		}
		case "conversation/forgotten": {
			if (!(action.id in state.refused)) return state;
			const { [action.id]: _, ...refused } = state.refused;
			return { ...state, refused };
		}
		default:
			return state;
	}
}

/** Blocked people by name, for the Settings list. */
export function blockedPeople(state: BlocksState): User[] {
	return Object.values(state.users).sort((a, b) => a.displayName.localeCompare(b.displayName));
}
