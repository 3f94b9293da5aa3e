import { describe, expect, it } from "vitest";
import type { ChatAction } from "../store/actions";
import { conversation, message, user } from "../store/fixtures";
import { chatReducer } from "../store/reducer";
import { type ChatState, initialState } from "../store/state";
import { type EventEffects, handleSocketEvent } from "./socket-events";

function harness() {
	let state: ChatState = initialState(user("me"));
	const store = {
		getState: () => state,
		dispatch: (action: ChatAction) => {
			state = chatReducer(state, action);
		},
	};
	const effects: EventEffects = {
		messageArrived: (m) =>
			store.dispatch({ type: "messages/received", conversationId: m.conversationId, messages: [m] }),
		conversationUpdated: () => {},
		unknownConversation: () => {},
		gone: () => {},
		viewingId: () => null,
		muting: () => undefined,
	};
	return { store, effects, state: () => state };
}

describe("v2 socket events", () => {
	it("message:updated and message:reactions change the message the thread holds", () => {
		const h = harness();
		handleSocketEvent(h.store, h.effects, { type: "message:new", data: { message: message(1, "ben") } }, "room");
		handleSocketEvent(
			h.store,
			h.effects,
			{
				type: "message:updated",
				data: { message: { ...message(1, "ben"), text: "edited", editedAt: "2026-01-01T00:01:00.000Z" } },
			},
			"room",
		);
		handleSocketEvent(
			h.store,
			h.effects,
			{
				type: "message:reactions",
				data: { conversationId: "c1", messageId: "m1", seq: 1, reactions: [{ emoji: "🎉", userIds: ["ben"] }] },
			},
			"room",
		);
		const held = h.state().threads.c1?.messages[0];
		expect([held?.text, held?.editedAt, held?.reactions]).toEqual([
			"edited",
			"2026-01-01T00:01:00.000Z",
			[{ emoji: "🎉", userIds: ["ben"] }],
		]);
	});

	it("conversation:updated brings the server's unreadMentionCount to the list", () => {
		const h = harness();
		handleSocketEvent(
			h.store,
			h.effects,
			{
				type: "conversation:updated",
				data: { conversation: conversation("c1", { unreadCount: 3, unreadMentionCount: 2 }) },
			},
			"realtime",
		);
		expect(h.state().conversations[0]?.unreadMentionCount).toBe(2);
	});
});
