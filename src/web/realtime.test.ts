import { describe, expect, it } from "vitest";
import { closingNotice, parseServerFrames } from "./realtime";

const read = (seq: number) => ({ type: "message:read", data: { conversationId: "c1", userId: "u2", seq } });
const online = { type: "user:online", data: { userId: "u3" } };

describe("server frames", () => {
	it("a single frame is one event", () => {
		expect(parseServerFrames(JSON.stringify(read(4)))).toEqual([read(4)]);
	});

	it("a batch is unpacked into its frames, in order", () => {
		const raw = JSON.stringify({ type: "batch", data: [read(1), online, read(2)] });
		expect(parseServerFrames(raw)).toEqual([read(1), online, read(2)]);
	});

	it("an unreadable element of a batch is skipped without losing the others", () => {
		const raw = JSON.stringify({ type: "batch", data: [read(1), { type: "message:read", data: {} }, 7, online] });
		expect(parseServerFrames(raw)).toEqual([read(1), online]);
	});

	it("acks, pongs, unknown types and bad JSON give no events", () => {
		expect(parseServerFrames('{"type":"pong"}')).toEqual([]);
		expect(parseServerFrames('{"type":"ack","ref":"1","data":{}}')).toEqual([]);
		expect(parseServerFrames('{"type":"message:reactions","data":{}}')).toEqual([]);
		expect(parseServerFrames("not json")).toEqual([]);
		expect(parseServerFrames(new ArrayBuffer(2))).toEqual([]);
	});

	it("user:offline without lastSeenAt is accepted", () => {
		expect(
			parseServerFrames(JSON.stringify({ type: "user:offline", data: { userId: "u3", lastSeenAt: null } })),
		).toEqual([{ type: "user:offline", data: { userId: "u3", lastSeenAt: undefined } }]);
	});
});

describe("the server's closing notice", () => {
	const notice = JSON.stringify({ type: "socket:closing", data: { code: 4401, reason: "session ended" } });

	it("is read as the close code and reason, and is not an event", () => {
		expect(closingNotice(notice)).toEqual({ code: 4401, reason: "session ended" });
		expect(parseServerFrames(notice)).toEqual([]);
	});

	it("is nothing else: other frames, broken JSON, a bad notice", () => {
		expect(closingNotice(JSON.stringify(read(1)))).toBeNull();
		expect(closingNotice('{"type":"socket:closing"')).toBeNull();
		expect(closingNotice(JSON.stringify({ type: "socket:closing", data: { code: "x" } }))).toBeNull();
	});
});
