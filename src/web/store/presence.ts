// People I know of, with their profile and presence (online, last seen).
import type { User } from "../../shared/schemas";
import type { ChatAction } from "./actions";
import { profileOf } from "./participants";

type Users = Record<string, User>;

function withUsers(state: Users, users: User[]): Users {
	if (users.length === 0) return state;
	const next = { ...state };
	for (const u of users) next[u.id] = { ...next[u.id], ...u };
	return next;
}

export function presence(state: Users, action: ChatAction): Users {
	switch (action.type) {
		case "users/received":
			return withUsers(state, action.users);
		case "conversations/listed":
			return withUsers(
				state,
				action.conversations.flatMap((c) => (c.participants ?? []).map((p) => p.user)),
			);
		case "conversation/received":
			return withUsers(
				state,
				(action.conversation.participants ?? []).map((p) => p.user),
			);
		case "member/received":
			return withUsers(state, [action.participant.user]);
		case "me/updated":
			return withUsers(state, [action.user]);
		case "user/updated":
			// A profile change carries no presence: what is known of it stays.
			return state[action.user.id] ? withUsers(state, [profileOf(action.user)]) : state;
		case "presence/changed": {
			const existing = state[action.userId];
			if (!existing) return state;
			const patch: Partial<User> = action.online ? { online: true } : { online: false, lastSeenAt: action.lastSeenAt };
			return { ...state, [action.userId]: { ...existing, ...patch } };
		}
		default:
			return state;
	}
}
