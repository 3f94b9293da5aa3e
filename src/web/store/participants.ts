// Members per conversation with their receipt watermarks; a watermark never goes backwards.
import type { Participant, User } from "../../shared/schemas";
import type { ChatAction } from "./actions";

/**
 * A participants snapshot over what we hold: the snapshot decides who is a member and their
 * profile, but a watermark never moves backwards (a receipt may have overtaken the snapshot).
 */
export function mergeParticipants(local: Participant[] | undefined, incoming: Participant[]): Participant[] {
	if (!local) return incoming;
	const known = new Map(local.map((p) => [p.user.id, p]));
	return incoming.map((p) => {
		const prior = known.get(p.user.id);
		if (!prior) return p;
		const lastReadSeq = Math.max(prior.lastReadSeq, p.lastReadSeq);
		const lastDeliveredSeq = Math.max(prior.lastDeliveredSeq, p.lastDeliveredSeq, lastReadSeq);
		if (lastReadSeq === p.lastReadSeq && lastDeliveredSeq === p.lastDeliveredSeq) return p;
		return { ...p, lastReadSeq, lastDeliveredSeq };
	});
}

type Participants = Record<string, Participant[]>;

export function participants(state: Participants, action: ChatAction): Participants {
	switch (action.type) {
		case "conversations/listed": {
			let next = state;
			for (const c of action.conversations) {
				if (!c.participants) continue;
				if (next === state) next = { ...state };
				next[c.id] = mergeParticipants(next[c.id], c.participants);
			}
			return next;
		}
		case "conversation/received": {
			const { conversation } = action;
			if (!conversation.participants) return state;
			return { ...state, [conversation.id]: mergeParticipants(state[conversation.id], conversation.participants) };
		}
		case "watermark/moved": {
			const list = state[action.conversationId];
			if (!list) return state;
			let changed = false;
			const next = list.map((p) => {
				if (p.user.id !== action.userId) return p;
				const updated = { ...p };
				if (action.field === "lastReadSeq" && action.seq > p.lastReadSeq) {
					updated.lastReadSeq = action.seq;
					changed = true;
				}
				// Read implies delivered.
				if (action.seq > p.lastDeliveredSeq) {
					updated.lastDeliveredSeq = action.seq;
					changed = true;
				}
				return updated;
			});
			return changed ? { ...state, [action.conversationId]: next } : state;
		}
		case "member/received": {
			const list = state[action.conversationId];
			if (!list) return state;
			const { participant } = action;
			const next = list.some((p) => p.user.id === participant.user.id)
				? list.map((p) => (p.user.id === participant.user.id ? participant : p))
				: [...list, participant];
			return { ...state, [action.conversationId]: next };
		}
		case "user/updated": {
			// Every conversation that lists them shows the new name and photo; presence stays as it was.
			const profile = profileOf(action.user);
			let next = state;
			for (const [id, list] of Object.entries(state)) {
				if (!list.some((p) => p.user.id === profile.id)) continue;
				if (next === state) next = { ...state };
				next[id] = list.map((p) => (p.user.id === profile.id ? { ...p, user: { ...p.user, ...profile } } : p));
			}
			return next;
		}
		case "member/removed": {
			const list = state[action.conversationId];
			if (!list) return state;
			return { ...state, [action.conversationId]: list.filter((p) => p.user.id !== action.userId) };
		}
		default:
			return state;
	}
}

/** The profile part of a user (id, email, name, photo): never presence, which a profile change does not carry. */
export function profileOf(user: User): Pick<User, "id" | "email" | "displayName" | "avatarUrl"> {
	return { id: user.id, email: user.email, displayName: user.displayName, avatarUrl: user.avatarUrl };
}

/** My own participant record in a conversation, if the snapshot is loaded. */
export function myParticipant(state: Participants, conversationId: string, meId: string): Participant | undefined {
	return state[conversationId]?.find((p) => p.user.id === meId);
}
