import { describe, expect, it } from "vitest";
import { highlightSnippet } from "./highlight";

const marked = (snippet: string, query: string) =>
	highlightSnippet(snippet, query)
		.map((p) => (p.match ? `[${p.text}]` : p.text))
		.join("");

describe("search snippet highlighting", () => {
	it("marks whole words and word prefixes of every query word", () => {
		expect(marked("The lecture notes are up", "lect note")).toBe("The [lect]ure [note]s are up");
	});

	it("ignores case and accents, and keeps the snippet's own characters", () => {
		expect(marked("Café at Noon with CHLOÉ", "cafe chloe")).toBe("[Café] at Noon with [CHLOÉ]");
	});

	it("does not mark the middle of a word", () => {
		expect(marked("prelecture", "lecture")).toBe("prelecture");
	});

	it("markup in a snippet is only text", () => {
		const parts = highlightSnippet("<b>bold</b> move", "bold");
		expect(parts).toEqual([
			{ text: "<b>", match: false },
			{ text: "bold", match: true },
			{ text: "</b> move", match: false },
		]);
	});

	it("an empty query marks nothing", () => {
		expect(highlightSnippet("hello", "  ")).toEqual([{ text: "hello", match: false }]);
	});
});
