import { describe, expect, it } from "vitest";
import { actionsLabel } from "./MessageBubble";

describe("the name of a message's actions button", () => {
	it("two messages in the same minute read differently: the start of each text follows the time", () => {
		const first = actionsLabel("your message", "4:40 PM", { text: "See you at the library", image: null });
		const second = actionsLabel("your message", "4:40 PM", { text: "Bring the notes", image: null });
		expect(first).toBe("Actions for your message at 4:40 PM: “See you at the library”");
		expect(second).not.toBe(first);
	});

	it("a long text is cut at 40 characters, a photo without a caption says so", () => {
		const long = actionsLabel("Ben's message", "9:05 AM", { text: `${"word ".repeat(20)}end`, image: null });
		expect(long).toMatch(/^Actions for Ben's message at 9:05 AM: “(word ){7}word…”$/u);
		const photo = actionsLabel("your message", "9:05 AM", {
			text: null,
			image: { key: "k", url: "https://x.test/a.png", contentType: "image/png", size: 1 },
		});
		expect(photo).toBe("Actions for your message at 9:05 AM: a photo");
	});
});
