import { describe, expect, it } from "vitest";
import { isEmojiOnly, parseMessageText, safeHref } from "./richtext";

describe("links in message text", () => {
	it("http and https URLs become links; the sentence's punctuation stays outside", () => {
		const parts = parseMessageText("See https://campus.test/a?b=1, or http://x.test/(y).");
		expect(parts).toEqual([
			{ kind: "text", text: "See " },
			{ kind: "link", text: "https://campus.test/a?b=1", href: "https://campus.test/a?b=1" },
			{ kind: "text", text: ", or " },
			{ kind: "link", text: "http://x.test/(y)", href: "http://x.test/(y)" },
			{ kind: "text", text: "." },
		]);
	});

	it("javascript:, data: and other schemes are never links", () => {
		for (const text of ["javascript:alert(1)", "data:text/html,<b>x</b>", "JaVaScRiPt:alert(1)", "ftp://x.test/file"])
			expect(parseMessageText(text).every((p) => p.kind === "text")).toBe(true);
		expect(safeHref("javascript://example.com/%0Aalert(1)")).toBeNull();
		expect(safeHref("https://")).toBeNull();
		expect(safeHref("HTTPS://Example.test")).toBe("https://example.test/");
	});

	it("plain www. addresses become https links; an email address or a bare www. does not", () => {
		expect(parseMessageText("Notes at www.example.edu/notes.")).toEqual([
			{ kind: "text", text: "Notes at " },
			{ kind: "link", text: "www.example.edu/notes", href: "https://www.example.edu/notes" },
			{ kind: "text", text: "." },
		]);
		expect(parseMessageText("(WWW.Campus.test)")).toEqual([
			{ kind: "text", text: "(" },
			{ kind: "link", text: "WWW.Campus.test", href: "https://www.campus.test/" },
			{ kind: "text", text: ")" },
		]);
		for (const text of ["mail me@www.campus.test", "www. is a prefix", "see www.x", "foo.www.campus.test"])
			expect(
				parseMessageText(text).every((p) => p.kind === "text"),
				text,
			).toBe(true);
		expect(parseMessageText("https://www.campus.test/a")).toEqual([
			{ kind: "link", text: "https://www.campus.test/a", href: "https://www.campus.test/a" },
		]);
	});

	it("text that looks like markup stays text", () => {
		const parts = parseMessageText('<img src=x onerror="alert(1)"> hi');
		expect(parts).toEqual([{ kind: "text", text: '<img src=x onerror="alert(1)"> hi' }]);
	});
});

describe("mentions in message text", () => {
	const people = [
		{ userId: "u1", name: "Ann" },
		{ userId: "u2", name: "Ann Lee" },
	];

	it("the longest member name after @ wins, case-insensitively", () => {
		expect(parseMessageText("hey @ann lee and @Ann!", people)).toEqual([
			{ kind: "text", text: "hey " },
			{ kind: "mention", text: "@ann lee", userId: "u2" },
			{ kind: "text", text: " and " },
			{ kind: "mention", text: "@Ann", userId: "u1" },
			{ kind: "text", text: "!" },
		]);
	});

	it("an email address or a longer word is not a mention", () => {
		expect(parseMessageText("mail ann@Ann.test or @Annabel", people).some((p) => p.kind === "mention")).toBe(false);
	});
});

describe("emoji-only messages", () => {
	it("1 to 3 emoji (with skin tones, ZWJ sequences and flags) are emoji-only", () => {
		for (const text of ["👍", "❤️", "😂😂", " 🎉 🎉 🎉 ", "👍🏽", "👨‍👩‍👧", "🇬🇧"])
			expect(isEmojiOnly(text), text).toBe(true);
	});

	it("four emoji, text, digits or nothing are not", () => {
		for (const text of ["😂😂😂😂", "ok 👍", "123", "#", "", null]) expect(isEmojiOnly(text), String(text)).toBe(false);
	});
});
