// Messages I sent that the server has not confirmed yet: sending, uploading, or failed with Retry.
import type { ChatAction } from "./actions";
import type { PendingMessage } from "./state";

export function pending(state: Record<string, PendingMessage[]>, action: ChatAction): Record<string, PendingMessage[]> {
	switch (action.type) {
		case "pending/added": {
			const p = action.pending;
			return { ...state, [p.conversationId]: [...(state[p.conversationId] ?? []), p] };
		}
		case "pending/updated":
			return {
				...state,
				[action.conversationId]: (state[action.conversationId] ?? []).map((p) =>
					p.clientId === action.clientId ? { ...p, ...action.patch } : p,
				),
			};
		case "pending/removed":
			return {
				...state,
				[action.conversationId]: (state[action.conversationId] ?? []).filter((p) => p.clientId !== action.clientId),
			};
		case "conversation/forgotten": {
			// Left or removed: what waited in the outbox for it can never be sent.
			if (!(action.id in state)) return state;
			const { [action.id]: _, ...rest } = state;
			return rest;
		}
		default:
			return state;
	}
}

/** The pending copy a confirmed message of mine replaces (same clientId), if any. */
export function pendingFor(
	state: Record<string, PendingMessage[]>,
	conversationId: string,
	clientId: string | null | undefined,
): PendingMessage | undefined {
	return state[conversationId]?.find((p) => p.clientId === clientId);
}
