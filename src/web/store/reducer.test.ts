import { describe, expect, it } from "vitest";
import { conversation, message, participant, user } from "./fixtures";
import { chatReducer } from "./reducer";
import { initialState } from "./state";

describe("the whole state", () => {
	it("an action no slice knows leaves the state object as it was", () => {
		const state = initialState(user("me"));
		expect(chatReducer(state, { type: "typing/expired", now: 0 })).toBe(state);
	});

	it("one action reaches every slice that cares: a list page fills conversations, members and people", () => {
		const state = chatReducer(initialState(user("me")), {
			type: "conversations/listed",
			conversations: [conversation("c1", { participants: [participant("ben", 1)] })],
			viewingId: null,
		});
		expect(state.conversations.map((c) => c.id)).toEqual(["c1"]);
		expect(state.participants.c1?.map((p) => p.user.id)).toEqual(["ben"]);
		expect(Object.keys(state.users).sort()).toEqual(["ben", "me"]);
		expect(state.listLoaded).toBe(true);
	});

	it("forgetting a conversation drops its list entry and thread and closes it", () => {
		let state = chatReducer(initialState(user("me")), {
			type: "conversation/received",
			conversation: conversation("c1"),
			viewingId: null,
		});
		state = chatReducer(state, { type: "messages/received", conversationId: "c1", messages: [message(1)] });
		state = chatReducer(state, {
			type: "chat/opened",
			id: "c1",
			readMarker: { conversationId: "c1", seq: 0, unread: 0 },
		});
		state = chatReducer(state, { type: "conversation/forgotten", id: "c1" });
		expect([state.conversations, state.threads, state.openId]).toEqual([[], {}, null]);
	});
});
