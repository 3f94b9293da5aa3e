import { describe, expect, it } from "vitest";
import { isOneEmoji, MAX_REACTION_EMOJI, reactionEmoji } from "../shared/schemas";
import { EMOJI_CATEGORIES, QUICK_REACTIONS } from "./emoji";

describe("the built-in emoji", () => {
	it("are each one emoji the server accepts as a reaction", () => {
		const all = [...QUICK_REACTIONS, ...EMOJI_CATEGORIES.flatMap((c) => c.emoji)];
		expect(all.filter((e) => !isOneEmoji(e))).toEqual([]);
		// In the server's one spelling, so a chip the UI adds matches the one the server stores.
		expect(all.filter((e) => reactionEmoji(e) !== e)).toEqual([]);
	});

	it("have no repeats within a category, and the quick row fits under the per-message cap", () => {
		for (const c of EMOJI_CATEGORIES) expect(new Set(c.emoji).size, c.name).toBe(c.emoji.length);
		expect(QUICK_REACTIONS.length).toBeLessThan(MAX_REACTION_EMOJI);
	});
});
