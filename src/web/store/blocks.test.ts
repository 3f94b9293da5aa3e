import { describe, expect, it } from "vitest";
import { blockedPeople, blocks } from "./blocks";
import { user } from "./fixtures";
import type { BlocksState } from "./state";

const empty: BlocksState = { users: {}, loaded: false, refused: {} };

describe("blocked people", () => {
	it("the server's list, then my own blocks and unblocks, sorted by name for Settings", () => {
		let state = blocks(empty, { type: "blocks/listed", users: [user("zed", { displayName: "Zed" })] });
		expect(state.loaded).toBe(true);
		state = blocks(state, { type: "blocks/changed", user: user("amy", { displayName: "Amy" }), blocked: true });
		expect(blockedPeople(state).map((u) => u.displayName)).toEqual(["Amy", "Zed"]);
		state = blocks(state, { type: "blocks/changed", user: user("zed"), blocked: false });
		expect(Object.keys(state.users)).toEqual(["amy"]);
	});

	it("blocking someone already blocked changes nothing", () => {
		const state = blocks(empty, { type: "blocks/changed", user: user("amy"), blocked: true });
		expect(blocks(state, { type: "blocks/changed", user: user("amy"), blocked: true })).toBe(state);
		expect(blocks(empty, { type: "blocks/changed", user: user("amy"), blocked: false })).toBe(empty);
	});
});

describe("chats where my reply was refused", () => {
	it("are marked on a 403, cleared on a later success or reopening, and forgotten with the chat", () => {
		let state = blocks(empty, { type: "conversation/replyRefused", id: "c1", refused: true });
		expect(state.refused).toEqual({ c1: true });
		expect(blocks(state, { type: "conversation/replyRefused", id: "c1", refused: true })).toBe(state);
		expect(blocks(state, { type: "conversation/replyRefused", id: "c1", refused: false }).refused).toEqual({});
		state = blocks(state, { type: "conversation/forgotten", id: "c1" });
		expect(state.refused).toEqual({});
	});
});
