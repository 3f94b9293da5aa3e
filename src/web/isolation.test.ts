// User-supplied names are isolated wherever the UI shows them (issue 20): a name ending in
// U+202E must not flip the words after it. Rendered with React's own server renderer.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { Message } from "../shared/schemas";
import { IsolatedText } from "./components/PersonText";
import { message } from "./store/fixtures";
import { systemText } from "./store/messages";

const html = (text: string) => renderToStaticMarkup(createElement(IsolatedText, { text }));

describe("names in sentences", () => {
	it("a system line shows each name in its own <bdi>, with no invisible marks left in the page", () => {
		const created: Message = {
			...message(1, "mal"),
			kind: "system",
			text: "Mallory\u202e created the group",
			system: { event: "created", actorId: "mal", targetId: "mal" },
		};
		const line = systemText(created, { mal: { displayName: "Mallory\u202e" } }, "me");
		expect(html(line)).toBe("<bdi>Mallory\u202e</bdi> created the group");
	});

	it("leaves text without isolated names as it is, and isolates several", () => {
		expect(html("You: see you at 5")).toBe("You: see you at 5");
		expect(html("\u2068Ann\u2069 and \u2068Ben\u2069 are typing…")).toBe(
			"<bdi>Ann</bdi> and <bdi>Ben</bdi> are typing…",
		);
	});
});
