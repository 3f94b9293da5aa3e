import { describe, expect, it } from "vitest";
import { applyMention, filterMentionCandidates, mentionedIds, mentionQueryAt } from "./mentions";

const members = [
	{ id: "me", displayName: "Asha Patel" },
	{ id: "b", displayName: "Ben Okafor" },
	{ id: "c", displayName: "Chloé Martin" },
	{ id: "d", displayName: "Diego Alvarez" },
	{ id: "o", displayName: "Olu Benson" },
];

describe("the @ being typed", () => {
	it("is found at the caret after a space or at the start", () => {
		expect(mentionQueryAt("hi @be", 6)).toEqual({ start: 3, query: "be" });
		expect(mentionQueryAt("@", 1)).toEqual({ start: 0, query: "" });
		expect(mentionQueryAt("hi @Ben O", 9)).toEqual({ start: 3, query: "Ben O" });
	});

	it("is not an email address, nor after a line break", () => {
		expect(mentionQueryAt("mail ben@campus", 15)).toBeNull();
		expect(mentionQueryAt("@ben\nok", 7)).toBeNull();
		expect(mentionQueryAt("no at here", 10)).toBeNull();
	});
});

describe("autocomplete", () => {
	it("offers members whose name or a word of it starts with the query, accents ignored, never me", () => {
		expect(filterMentionCandidates(members, "be", "me").map((m) => m.id)).toEqual(["b", "o"]);
		expect(filterMentionCandidates(members, "chloe", "me").map((m) => m.id)).toEqual(["c"]);
		expect(filterMentionCandidates(members, "", "me").map((m) => m.id)).toEqual(["b", "c", "d", "o"]);
		expect(filterMentionCandidates(members, "asha", "me")).toEqual([]);
	});

	it("picking someone puts @Name and a space in, and the caret after them", () => {
		const q = { start: 3, query: "be" };
		expect(applyMention("hi @be there", q, 6, "Ben Okafor")).toEqual({ text: "hi @Ben Okafor there", caret: 15 });
	});

	it("sends the ids of the chosen people still named in the text", () => {
		const chosen = [members[1], members[2], members[1]].filter((m) => m !== undefined);
		expect(mentionedIds("thanks @Ben Okafor!", chosen)).toEqual(["b"]);
		expect(mentionedIds("@chloé martin and @Ben Okafor", chosen)).toEqual(["b", "c"]);
		expect(mentionedIds("ben@Ben Okafor", chosen)).toEqual([]);
	});
});
