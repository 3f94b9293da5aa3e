import { describe, expect, it } from "vitest";
import { conversationPath, fetchPlan, notificationFor, parsePushPayload, showsConversation } from "./payload";

const payload = { type: "message", conversationId: "c 1", messageId: "m1", seq: 3, title: "Ben", body: "hi" };

describe("push payloads", () => {
	it("a message payload becomes a notification tagged by conversation that knows where to go", () => {
		const parsed = parsePushPayload(JSON.stringify(payload));
		expect(parsed).toEqual(payload);
		const spec = notificationFor(parsed);
		expect(spec.title).toBe("Ben");
		expect(spec.options).toMatchObject({ body: "hi", tag: "conversation:c 1", data: { conversationId: "c 1" } });
	});

	it("anything else shows a generic notification instead of failing", () => {
		for (const text of [null, "", "not json", JSON.stringify({ ...payload, type: "other" }), "{}"]) {
			expect(parsePushPayload(text)).toBeNull();
		}
		expect(notificationFor(null)).toMatchObject({ title: "Campus Chat", options: { body: "New message", data: {} } });
	});

	it("a conversation's URL is the app's hash route, encoded", () => {
		expect(conversationPath("c 1/x")).toBe("/#/c/c%201%2Fx");
		expect(showsConversation("https://chat.example.edu/#/c/c%201%2Fx", "c 1/x")).toBe(true);
		expect(showsConversation("https://chat.example.edu/#/c/other", "c 1/x")).toBe(false);
		expect(showsConversation("https://chat.example.edu/", "c1")).toBe(false);
	});
});

describe("what the service worker caches", () => {
	const origin = "https://chat.example.edu";
	const precached = new Set(["/", "/assets/index-abc.js", "/icons/icon-192.png"]);
	const plan = (path: string, mode = "cors") => fetchPlan(new URL(path, origin), mode, origin, precached);

	it("never answers API calls, media or sockets from a cache", () => {
		expect(plan("/api/v1/conversations")).toBe("pass");
		expect(plan("/api/v1/media/x?sig=1", "no-cors")).toBe("pass");
		expect(plan("/api/v1/anything", "navigate")).toBe("pass");
	});

	it("page loads get the shell; built assets come from the precache; the rest from the network", () => {
		expect(plan("/", "navigate")).toBe("shell");
		expect(plan("/some/route", "navigate")).toBe("shell");
		expect(plan("/assets/index-abc.js")).toBe("precached");
		expect(plan("/assets/other.js")).toBe("pass");
		expect(fetchPlan(new URL("https://cdn.example.com/x.js"), "cors", origin, precached)).toBe("pass");
	});
});
