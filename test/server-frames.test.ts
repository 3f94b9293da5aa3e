import { describe, expect, it } from "vitest";
import { ServerFrame } from "../src/shared/schemas";

// The one declaration of what the server sends on a socket: the room and hub build frames of
// this type, the web client parses them with it.
describe("server frames", () => {
	const read = { type: "message:read", data: { conversationId: "c1", userId: "u2", seq: 4 } };

	it("reads every event, and a batch of events, in order", () => {
		expect(ServerFrame.parse(read)).toEqual(read);
		const batch = { type: "batch", data: [read, { type: "user:online", data: { userId: "u3" } }] };
		expect(ServerFrame.parse(batch)).toEqual(batch);
	});

	it("reads acks and errors answering a ref", () => {
		expect(ServerFrame.parse({ type: "ack", ref: "r1", data: { message: null } }).type).toBe("ack");
		const error = { type: "error", ref: "r1", error: { code: "invalid_request", message: "bad frame" } };
		expect(ServerFrame.parse(error)).toEqual(error);
	});

	it("refuses an unknown type, a fractional seq and a batch with a bad element", () => {
		expect(ServerFrame.safeParse({ type: "message:reactions", data: {} }).success).toBe(false);
		expect(ServerFrame.safeParse({ ...read, data: { ...read.data, seq: 1.5 } }).success).toBe(false);
		expect(ServerFrame.safeParse({ type: "batch", data: [read, { type: "message:read", data: {} }] }).success).toBe(
			false,
		);
	});

	it("reads user:offline with lastSeenAt, without it, and with null as without it", () => {
		const at = "2026-01-01T00:00:00.000Z";
		expect(ServerFrame.parse({ type: "user:offline", data: { userId: "u3", lastSeenAt: at } })).toEqual({
			type: "user:offline",
			data: { userId: "u3", lastSeenAt: at },
		});
		expect(ServerFrame.parse({ type: "user:offline", data: { userId: "u3" } })).toEqual({
			type: "user:offline",
			data: { userId: "u3" },
		});
		expect(ServerFrame.parse({ type: "user:offline", data: { userId: "u3", lastSeenAt: null } })).toEqual({
			type: "user:offline",
			data: { userId: "u3", lastSeenAt: undefined },
		});
	});
});
