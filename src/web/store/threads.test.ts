import { describe, expect, it } from "vitest";
import { message } from "./fixtures";
import type { Thread } from "./state";
import { EMPTY_THREAD, highestSeq, mergeMessages, threads } from "./threads";

describe("merging messages", () => {
	it("is a union by id sorted by seq: no doubles, no reordering", () => {
		const merged = mergeMessages([message(1), message(3)], [message(2), message(3)]);
		expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
	});

	it("a stale copy from an older page does not bring a deleted message's text back", () => {
		const deleted = { ...message(2), text: null, deletedAt: "2026-01-02T00:00:00.000Z" };
		const [m] = mergeMessages([deleted], [message(2)]);
		expect(m?.deletedAt).not.toBeNull();
	});
});

describe("threads", () => {
	it("a live message is kept before the first page arrives, and the page merges around it", () => {
		let state = threads({}, { type: "messages/received", conversationId: "c1", messages: [message(51)] });
		expect(state.c1?.loaded).toBe(false);
		state = threads(state, {
			type: "thread/pageLoaded",
			conversationId: "c1",
			messages: [message(49), message(50)],
			nextCursor: "cur",
		});
		expect(state.c1?.messages.map((m) => m.seq)).toEqual([49, 50, 51]);
		expect([state.c1?.loaded, state.c1?.hasOlder, state.c1?.olderCursor]).toEqual([true, true, "cur"]);
		expect(highestSeq(state.c1)).toBe(51);
	});

	it("catch-up pages fill a gap by seq", () => {
		let state = threads({}, { type: "messages/received", conversationId: "c1", messages: [message(1), message(5)] });
		state = threads(state, {
			type: "messages/received",
			conversationId: "c1",
			messages: [message(2), message(3), message(4)],
		});
		expect(state.c1?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5]);
	});

	it("older pages go above, and the last one says there is nothing older", () => {
		let state = threads(
			{ c1: { ...EMPTY_THREAD, loaded: true, messages: [message(3)] } },
			{
				type: "thread/olderRequested",
				conversationId: "c1",
			},
		);
		expect(state.c1?.loadingOlder).toBe(true);
		state = threads(state, {
			type: "thread/olderLoaded",
			conversationId: "c1",
			messages: [message(1), message(2)],
			nextCursor: null,
		});
		expect(state.c1?.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
		expect([state.c1?.loadingOlder, state.c1?.hasOlder]).toEqual([false, false]);
	});

	it("a failure is kept to show, and stops the older spinner", () => {
		const state = threads(
			{ c1: { ...EMPTY_THREAD, loadingOlder: true } },
			{
				type: "thread/failed",
				conversationId: "c1",
				error: "Offline",
			},
		);
		expect([state.c1?.error, state.c1?.loadingOlder]).toEqual(["Offline", false]);
	});

	it("deleted for everyone keeps the line without its text; deleted for me removes it", () => {
		const start = threads({}, { type: "messages/received", conversationId: "c1", messages: [message(1), message(2)] });
		const deleted = threads(start, { type: "message/deleted", conversationId: "c1", messageId: "m1", at: "t" });
		expect(deleted.c1?.messages[0]).toMatchObject({ text: null, image: null, deletedAt: "t" });
		const hidden = threads(start, { type: "message/hidden", conversationId: "c1", messageId: "m1" });
		expect(hidden.c1?.messages.map((m) => m.id)).toEqual(["m2"]);
	});

	it("a forgotten conversation's thread goes", () => {
		const start = threads({}, { type: "messages/received", conversationId: "c1", messages: [message(1)] });
		expect(threads(start, { type: "conversation/forgotten", id: "c1" })).toEqual({});
		expect(threads(start, { type: "conversation/forgotten", id: "other" })).toBe(start);
	});
});

describe("a chat restored from the device", () => {
	it("is replaced by the server's newest page: copies it covers and older ones go, live ones newer than it stay", () => {
		const saved = [message(1), message(2), { ...message(3), text: "before an edit" }];
		let state: Record<string, Thread> = { c1: { ...EMPTY_THREAD, messages: saved, restored: true } };
		// A live message arrives while the first page is on its way.
		state = threads(state, { type: "messages/received", conversationId: "c1", messages: [message(9)] });
		state = threads(state, {
			type: "thread/pageLoaded",
			conversationId: "c1",
			messages: [message(3), message(5), message(6)],
			nextCursor: "older",
		});
		expect(state.c1?.messages.map((m) => m.seq)).toEqual([3, 5, 6, 9]);
		expect(state.c1?.messages[0]?.text).toBe("hi");
		expect(state.c1).toMatchObject({ loaded: true, restored: false, hasOlder: true });
	});
});
