import { describe, expect, it } from "vitest";
import { message, user } from "../store/fixtures";
import { initialState } from "../store/state";
import { readableSeq } from "./receipt-reports";

describe("readableSeq (issue 22.2: read only what was on screen)", () => {
	const me = user("me");
	const state = {
		...initialState(me),
		threads: {
			c1: {
				messages: [1, 2, 3, 4, 5].map((seq) => message(seq, "them")),
				loaded: true,
				olderCursor: null,
				hasOlder: false,
				loadingOlder: false,
			},
		},
	};

	it("is the highest message that was in the viewport, not the thread's latest", () => {
		expect(readableSeq(state, "c1", 3, true)).toBe(3);
	});

	it("is nothing while the page is hidden or unfocused", () => {
		expect(readableSeq(state, "c1", 5, false)).toBe(0);
	});

	it("never goes past the thread's last message, and is nothing for a chat with no thread", () => {
		expect(readableSeq(state, "c1", 9, true)).toBe(5);
		expect(readableSeq(state, "c2", 4, true)).toBe(0);
	});
});
