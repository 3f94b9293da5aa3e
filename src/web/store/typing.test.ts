import { describe, expect, it } from "vitest";
import { TYPING_FALLBACK_EXPIRY_MS, typing } from "./typing";

describe("typing", () => {
	it("typing:start shows the indicator until a fallback expiry; typing:stop ends it", () => {
		const on = typing({}, { type: "typing/changed", conversationId: "c1", userId: "ben", typing: true, now: 1000 });
		expect(on.c1?.ben).toBe(1000 + TYPING_FALLBACK_EXPIRY_MS);
		const off = typing(on, { type: "typing/changed", conversationId: "c1", userId: "ben", typing: false, now: 2000 });
		expect(off.c1).toEqual({});
	});

	it("a stop for someone not typing changes nothing", () => {
		const start = {};
		expect(typing(start, { type: "typing/changed", conversationId: "c1", userId: "ben", typing: false, now: 0 })).toBe(
			start,
		);
	});

	it("the sweep drops only expired indicators", () => {
		const start = { c1: { ben: 5000, asha: 9000 } };
		expect(typing(start, { type: "typing/expired", now: 4000 })).toBe(start);
		expect(typing(start, { type: "typing/expired", now: 6000 })).toEqual({ c1: { asha: 9000 } });
	});
});
