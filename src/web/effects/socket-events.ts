// Socket events become actions. What an event also needs done (fetching details, catching up,
// notifying) is asked of the conversation effects.
import type { Message } from "../../shared/schemas";
import type { RealtimeEvent } from "../realtime";
import type { Store } from "./store";

export interface EventEffects {
	messageArrived(message: Message, source: "realtime" | "room"): void;
	/** A conversation:updated was applied: load its members if we have none (or it is new). */
	conversationUpdated(id: string, known: boolean): void;
	/** A member event for a conversation not in the list yet. */
	unknownConversation(id: string): void;
	/** I was removed. */
	gone(id: string): void;
	viewingId(): string | null;
	muting(id: string): boolean | undefined;
}

export function handleSocketEvent(
	store: Store,
	effects: EventEffects,
	event: RealtimeEvent,
	source: "realtime" | "room",
): void {
	const me = store.getState().me.id;
	switch (event.type) {
		case "message:new":
			effects.messageArrived(event.data.message, source);
			break;
		case "message:deleted":
			store.dispatch({
				type: "message/deleted",
				conversationId: event.data.conversationId,
				messageId: event.data.messageId,
				at: new Date().toISOString(),
			});
			break;
		case "message:updated":
			store.dispatch({ type: "message/updated", message: event.data.message });
			break;
		case "conversation:pins":
			store.dispatch({ type: "pins/received", conversationId: event.data.conversationId, pins: event.data.pins });
			break;
		case "message:reactions":
			store.dispatch({
				type: "message/reactions",
				conversationId: event.data.conversationId,
				messageId: event.data.messageId,
				reactions: event.data.reactions,
			});
			break;
		case "message:delivered":
			store.dispatch({ type: "watermark/moved", field: "lastDeliveredSeq", ...event.data });
			break;
		case "message:read":
			store.dispatch({ type: "watermark/moved", field: "lastReadSeq", ...event.data });
			if (event.data.userId === me)
				store.dispatch({
					type: "conversation/readElsewhere",
					conversationId: event.data.conversationId,
					seq: event.data.seq,
				});
			break;
		case "user:typing":
			if (event.data.userId === me) break;
			store.dispatch({ type: "typing/changed", ...event.data, now: Date.now() });
			break;
		case "user:online":
			store.dispatch({ type: "presence/changed", userId: event.data.userId, online: true });
			break;
		case "user:offline":
			store.dispatch({
				type: "presence/changed",
				userId: event.data.userId,
				online: false,
				// No lastSeenAt: presence is hidden from me now (a block, issue 22.5), so none is shown.
				lastSeenAt: event.data.lastSeenAt,
			});
			break;
		case "user:updated":
			store.dispatch({ type: "user/updated", user: event.data.user });
			break;
		case "conversation:updated": {
			const incoming = event.data.conversation;
			const known = store.getState().conversations.some((c) => c.id === incoming.id);
			store.dispatch({
				type: "conversation/received",
				conversation: incoming,
				viewingId: effects.viewingId(),
				muting: effects.muting(incoming.id),
			});
			effects.conversationUpdated(incoming.id, known);
			break;
		}
		case "member:added":
		case "member:updated": {
			const { conversationId, participant } = event.data;
			store.dispatch({ type: "member/received", conversationId, participant });
			if (!store.getState().conversations.some((c) => c.id === conversationId))
				effects.unknownConversation(conversationId);
			break;
		}
		case "member:removed": {
			const { conversationId, userId } = event.data;
			if (userId === me) effects.gone(conversationId);
			else store.dispatch({ type: "member/removed", conversationId, userId });
			break;
		}
	}
}
