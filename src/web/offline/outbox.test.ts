import { describe, expect, it } from "vitest";
import { pending } from "../store/pending";
import type { PendingMessage } from "../store/state";
import { failureKind, nextToSend, outboxEntries, restoreOutbox, retryDelayMs } from "./outbox";

const draft = (clientId: string, extra: Partial<PendingMessage> = {}): PendingMessage => ({
	clientId,
	conversationId: "c1",
	kind: "text",
	text: `text ${clientId}`,
	createdAt: `2026-01-01T00:00:0${clientId.charCodeAt(0) % 10}.000Z`,
	status: "waiting",
	...extra,
});

function outbox(...drafts: PendingMessage[]): Record<string, PendingMessage[]> {
	return drafts.reduce((state, p) => pending(state, { type: "pending/added", pending: p }), {});
}

describe("the outbox sends one message per conversation at a time, in the order written", () => {
	it("the first waiting message goes first, and the next waits while it is in flight", () => {
		let state = outbox(draft("a"), draft("b"), draft("c"));
		expect(nextToSend(state.c1)?.clientId).toBe("a");
		state = pending(state, {
			type: "pending/updated",
			conversationId: "c1",
			clientId: "a",
			patch: { status: "sending" },
		});
		expect(nextToSend(state.c1)).toBeUndefined();
		state = pending(state, { type: "pending/removed", conversationId: "c1", clientId: "a" });
		expect(nextToSend(state.c1)?.clientId).toBe("b");
	});

	it("an image still uploading holds the texts written after it", () => {
		const state = outbox(draft("a", { kind: "image", status: "uploading" }), draft("b"));
		expect(nextToSend(state.c1)).toBeUndefined();
	});

	it("a failed message (Retry or Discard) does not hold the ones behind it", () => {
		const state = outbox(draft("a", { status: "failed", error: "Nope" }), draft("b"));
		expect(nextToSend(state.c1)?.clientId).toBe("b");
	});

	it("nothing to send in an empty or unknown conversation", () => {
		expect(nextToSend(undefined)).toBeUndefined();
		expect(nextToSend([draft("a", { status: "failed" })])).toBeUndefined();
	});
});

describe("what a failed try means", () => {
	it("offline, timeouts, rate limits, server errors and an expired session keep the message waiting", () => {
		for (const status of [0, 401, 408, 429, 500, 502, 503]) expect(failureKind(status)).toBe("wait");
	});
	it("403 is a refusal (blocked); other answers fail it for good", () => {
		expect(failureKind(403)).toBe("refused");
		for (const status of [400, 404, 409, 413]) expect(failureKind(status)).toBe("fail");
	});
	it("retries back off up to 30 seconds", () => {
		expect([0, 1, 2, 3].map(retryDelayMs)).toEqual([1000, 2000, 4000, 8000]);
		expect(retryDelayMs(20)).toBe(30_000);
	});
});

describe("the outbox on the device", () => {
	it("keeps text and uploaded images in order, with their clientIds, and not an image never uploaded", () => {
		const state = {
			...outbox(draft("b"), draft("c", { kind: "image", status: "uploading" })),
			...outbox(draft("a", { conversationId: "c2", kind: "image", imageKey: "k1", status: "sending" })),
		};
		const entries = outboxEntries(state);
		expect(entries.map((e) => e.clientId).sort()).toEqual(["a", "b"]);
		expect(entries.find((e) => e.clientId === "a")).toMatchObject({
			conversationId: "c2",
			kind: "image",
			imageKey: "k1",
			failed: false,
		});
	});

	it("comes back after a reload: sends cut off mid-flight wait again, failed ones stay failed", () => {
		const state = outbox(
			draft("a", { status: "sending" }),
			draft("b", { status: "failed", error: "You can't reply to this conversation." }),
			draft("c"),
		);
		const restored = restoreOutbox(JSON.parse(JSON.stringify(outboxEntries(state))));
		expect(restored.c1?.map((p) => [p.clientId, p.status])).toEqual([
			["a", "waiting"],
			["b", "failed"],
			["c", "waiting"],
		]);
		expect(restored.c1?.[1]?.error).toBe("You can't reply to this conversation.");
		expect(nextToSend(restored.c1)?.clientId).toBe("a");
	});

	it("a reply keeps what it answers and whom it mentions", () => {
		const entries = outboxEntries(outbox(draft("a", { replyToId: "m7", mentions: ["u2"] })));
		expect(restoreOutbox(JSON.parse(JSON.stringify(entries))).c1?.[0]).toMatchObject({
			replyToId: "m7",
			mentions: ["u2"],
		});
	});

	it("a damaged copy counts as empty, and a clientId is never restored twice", () => {
		expect(restoreOutbox("garbage")).toEqual({});
		expect(restoreOutbox([{ clientId: "a" }])).toEqual({});
		const entry = outboxEntries(outbox(draft("a")))[0];
		expect(restoreOutbox([entry, entry]).c1).toHaveLength(1);
	});
});
