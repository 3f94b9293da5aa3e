// Issue 23.4: the bar's list follows what the room says, an edit of a pinned message, and a
// pinned message deleted for everyone.
import { describe, expect, it } from "vitest";
import type { Pin } from "../../shared/schemas";
import { message } from "./fixtures";
import { pins } from "./pins";

const pinOf = (seq: number): Pin => ({
	message: message(seq, "ann"),
	pinnedBy: "ann",
	pinnedAt: `2026-01-01T00:0${seq}:00.000Z`,
});

describe("pinned messages in the web client", () => {
	it("takes the room's list as it is, newest first", () => {
		const state = pins({}, { type: "pins/received", conversationId: "c1", pins: [pinOf(2), pinOf(1)] });
		expect(state.c1?.map((p) => p.message.id)).toEqual(["m2", "m1"]);
	});

	it("shows an edit of a pinned message and drops one deleted for everyone", () => {
		let state = pins({}, { type: "pins/received", conversationId: "c1", pins: [pinOf(2), pinOf(1)] });
		state = pins(state, { type: "message/updated", message: { ...message(1, "ann"), text: "Room 102" } });
		expect(state.c1?.[1]?.message.text).toBe("Room 102");
		state = pins(state, {
			type: "message/deleted",
			conversationId: "c1",
			messageId: "m2",
			at: "2026-01-01T01:00:00.000Z",
		});
		expect(state.c1?.map((p) => p.message.id)).toEqual(["m1"]);
		// Anything else leaves the same object.
		expect(pins(state, { type: "message/deleted", conversationId: "c1", messageId: "m9", at: "x" })).toBe(state);
	});
});
