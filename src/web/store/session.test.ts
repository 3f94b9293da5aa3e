import { describe, expect, it } from "vitest";
import { session } from "./session";
import type { SessionState } from "./state";

const start: SessionState = {
	connection: "connecting",
	openId: null,
	roomOpen: false,
	readMarker: null,
	notice: null,
	listLoaded: false,
	listError: null,
	replyingTo: {},
	jump: null,
};

describe("session", () => {
	it("opening a chat keeps what was unread then, for the New messages line; closing forgets it", () => {
		const marker = { conversationId: "c1", seq: 4, unread: 2 };
		const open = session(start, { type: "chat/opened", id: "c1", readMarker: marker });
		expect([open.openId, open.readMarker]).toEqual(["c1", marker]);
		expect(session(open, { type: "chat/closed" })).toMatchObject({ openId: null, readMarker: null });
	});

	it("a forgotten conversation is no longer open", () => {
		const open = { ...start, openId: "c1" };
		expect(session(open, { type: "conversation/forgotten", id: "c1" }).openId).toBeNull();
		expect(session(open, { type: "conversation/forgotten", id: "c2" })).toBe(open);
	});

	it("the list is loaded after a page, and an error is kept until the next one", () => {
		const failed = session(start, { type: "conversations/listFailed", error: "Offline" });
		expect(failed.listError).toBe("Offline");
		expect(session(failed, { type: "conversations/listed", conversations: [], viewingId: null })).toMatchObject({
			listLoaded: true,
			listError: null,
		});
	});

	it("a notice is dismissed only by its own id", () => {
		const shown = session(start, { type: "notice/shown", notice: { id: 2, text: "Copied", tone: "info" } });
		expect(session(shown, { type: "notice/dismissed", id: 1 })).toBe(shown);
		expect(session(shown, { type: "notice/dismissed", id: 2 }).notice).toBeNull();
	});

	it("connection and room state change only when they differ", () => {
		expect(session(start, { type: "connection/changed", connection: "connecting" })).toBe(start);
		expect(session(start, { type: "connection/changed", connection: "online" }).connection).toBe("online");
		expect(session(start, { type: "room/changed", open: true }).roomOpen).toBe(true);
	});
});
