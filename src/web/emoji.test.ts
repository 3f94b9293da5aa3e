import { describe, expect, it } from "vitest";
import { isOneEmoji, MAX_REACTION_EMOJI, reactionEmoji } from "../shared/schemas";
import { EMOJI_CATEGORIES, QUICK_REACTIONS, searchEmoji } from "./emoji";

describe("the built-in emoji", () => {
	it("are each one emoji the server accepts as a reaction", () => {
		const all = [...QUICK_REACTIONS, ...EMOJI_CATEGORIES.flatMap((c) => c.emoji.map((e) => e.emoji))];
		expect(all.filter((e) => !isOneEmoji(e))).toEqual([]);
		// In the server's one spelling, so a chip the UI adds matches the one the server stores.
		expect(all.filter((e) => reactionEmoji(e) !== e)).toEqual([]);
	});

	it("have no repeats within a category, and the quick row fits under the per-message cap", () => {
		for (const c of EMOJI_CATEGORIES) expect(new Set(c.emoji.map((e) => e.emoji)).size, c.name).toBe(c.emoji.length);
		expect(QUICK_REACTIONS.length).toBeLessThan(MAX_REACTION_EMOJI);
	});
});

describe("searching emoji by name", () => {
	it("every emoji has a name, and every quick reaction is in the grid", () => {
		const all = EMOJI_CATEGORIES.flatMap((c) => c.emoji);
		expect(all.filter((e) => !/^[a-z0-9]/u.test(e.name))).toEqual([]);
		for (const q of QUICK_REACTIONS)
			expect(
				all.some((e) => e.emoji === q),
				q,
			).toBe(true);
	});

	it("matches each word of the query at the start of a word of the name, any case", () => {
		expect(searchEmoji("pizza").map((e) => e.emoji)).toEqual(["🍕"]);
		expect(searchEmoji("Thumbs").map((e) => e.emoji)).toEqual(["👍", "👎"]);
		expect(searchEmoji("heart eyes").map((e) => e.emoji)).toEqual(["😍"]);
		expect(searchEmoji("izza")).toEqual([]);
		expect(searchEmoji("   ")).toEqual([]);
	});
});
