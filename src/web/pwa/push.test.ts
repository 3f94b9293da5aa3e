import { describe, expect, it } from "vitest";
import { base64UrlToBytes, subscriptionBody } from "./push";

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
