import { describe, expect, it } from "vitest";
import { base64UrlToBytes, OPEN_ONLY_NOTE, pushFailureNote, subscriptionBody } from "./push";

describe("the VAPID key", () => {
	it("base64url without padding becomes the key's bytes", () => {
		const bytes = Uint8Array.from({ length: 65 }, (_, i) => (i * 37 + 4) % 256);
		const encoded = Buffer.from(bytes).toString("base64url");
		expect(encoded).not.toContain("=");
		expect([...base64UrlToBytes(encoded)]).toEqual([...bytes]);
	});
});

describe("the subscription sent to the server", () => {
	it("is the contract's { endpoint, keys: { p256dh, auth } }, nothing else", () => {
		expect(
			subscriptionBody({
				endpoint: "https://push.example/abc",
				expirationTime: null,
				keys: { p256dh: "P", auth: "A" },
			}),
		).toEqual({ endpoint: "https://push.example/abc", keys: { p256dh: "P", auth: "A" } });
	});
	it("one the browser left incomplete is not sent", () => {
		expect(subscriptionBody({ endpoint: "https://push.example/abc", keys: { p256dh: "P" } })).toBeNull();
		expect(subscriptionBody({ keys: { p256dh: "P", auth: "A" } })).toBeNull();
	});
});

describe("a push subscription that failed, in plain words", () => {
	it("a refusal says to allow notifications for this site in the browser's settings, never the browser's text", () => {
		for (const error of [
			new DOMException("Registration failed - permission denied", "NotAllowedError"),
			new Error("Registration failed - permission denied"),
		]) {
			const note = pushFailureNote(error);
			expect(note).toBe(OPEN_ONLY_NOTE);
			expect(note).toContain("allow notifications for this site in your browser's settings");
			expect(note).not.toMatch(/Registration failed|permission denied/u);
		}
	});
	it("any other failure says what still works and how to try again, without the raw message", () => {
		const note = pushFailureNote(new DOMException("Registration failed - push service error", "AbortError"));
		expect(note).toContain("while Campus Chat is open");
		expect(note).toContain("allowed for this site in your browser's settings");
		expect(note).not.toContain("Registration failed");
	});
});
