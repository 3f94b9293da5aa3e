import { describe, expect, it } from "vitest";
import { pending, pendingFor } from "./pending";
import type { PendingMessage } from "./state";

const draft = (clientId: string): PendingMessage => ({
	clientId,
	conversationId: "c1",
	kind: "text",
	text: "hi",
	createdAt: "2026-01-01T00:00:00.000Z",
	status: "sending",
});

describe("pending sends", () => {
	it("are kept in the order sent, per conversation", () => {
		let state = pending({}, { type: "pending/added", pending: draft("a") });
		state = pending(state, { type: "pending/added", pending: draft("b") });
		expect(state.c1?.map((p) => p.clientId)).toEqual(["a", "b"]);
	});

	it("a failed try keeps its clientId for Retry, with the reason", () => {
		const state = pending(pending({}, { type: "pending/added", pending: draft("a") }), {
			type: "pending/updated",
			conversationId: "c1",
			clientId: "a",
			patch: { status: "failed", error: "Offline" },
		});
		expect(pendingFor(state, "c1", "a")).toMatchObject({ clientId: "a", status: "failed", error: "Offline" });
	});

	it("the confirmed message replaces its pending copy", () => {
		let state = pending({}, { type: "pending/added", pending: draft("a") });
		state = pending(state, { type: "pending/added", pending: draft("b") });
		state = pending(state, { type: "pending/removed", conversationId: "c1", clientId: "a" });
		expect(state.c1?.map((p) => p.clientId)).toEqual(["b"]);
		expect(pendingFor(state, "c1", "a")).toBeUndefined();
	});

	it("a conversation I left takes its waiting messages with it", () => {
		let state = pending({}, { type: "pending/added", pending: draft("a") });
		state = pending(state, { type: "pending/added", pending: { ...draft("b"), conversationId: "c2" } });
		state = pending(state, { type: "conversation/forgotten", id: "c1" });
		expect(Object.keys(state)).toEqual(["c2"]);
		expect(pending(state, { type: "conversation/forgotten", id: "c9" })).toBe(state);
	});
});
