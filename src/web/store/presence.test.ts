import { describe, expect, it } from "vitest";
import { conversation, participant, user } from "./fixtures";
import { presence } from "./presence";

describe("people and presence", () => {
	it("profiles come from members in list pages, snapshots, member events and searches", () => {
		let state = presence(
			{},
			{
				type: "conversations/listed",
				conversations: [conversation("c1", { participants: [participant("ben", 0)] })],
				viewingId: null,
			},
		);
		state = presence(state, { type: "users/received", users: [user("asha")] });
		state = presence(state, { type: "member/received", conversationId: "c1", participant: participant("kim", 0) });
		expect(Object.keys(state).sort()).toEqual(["asha", "ben", "kim"]);
	});

	it("a newer profile is merged over what is known, keeping presence it does not carry", () => {
		const state = presence(
			{ ben: user("ben", { online: true }) },
			{
				type: "users/received",
				users: [user("ben", { displayName: "Ben Okafor" })],
			},
		);
		expect(state.ben).toMatchObject({ displayName: "Ben Okafor", online: true });
	});

	it("online and offline (with last seen) change only people already known", () => {
		const start = { ben: user("ben") };
		const online = presence(start, { type: "presence/changed", userId: "ben", online: true });
		expect(online.ben?.online).toBe(true);
		const offline = presence(online, { type: "presence/changed", userId: "ben", online: false, lastSeenAt: "t" });
		expect(offline.ben).toMatchObject({ online: false, lastSeenAt: "t" });
		expect(presence(start, { type: "presence/changed", userId: "nobody", online: true })).toBe(start);
	});
});
