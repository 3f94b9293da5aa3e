import { describe, expect, it } from "vitest";
import type { Message } from "../shared/schemas";
import { editingIn, lastEditable, startEditing, stopEditing } from "./editing";

const at = Date.parse("2026-12-08T10:00:00Z");
function message(seq: number, senderId: string, extra: Partial<Message> = {}): Message {
	return {
		id: `m${seq}`,
		conversationId: "c1",
		seq,
		senderId,
		kind: "text",
		text: `text ${seq}`,
		image: null,
		clientId: `c${seq}`,
		createdAt: new Date(at - 60_000).toISOString(),
		deletedAt: null,
		editedAt: null,
		replyTo: null,
		mentions: [],
		reactions: [],
		...extra,
	};
}

describe("↑ in an empty composer edits my last message", () => {
	it("is my latest message, past others' messages after it", () => {
		const list = [message(1, "me"), message(2, "me"), message(3, "ben")];
		expect(lastEditable(list, "me", at)?.id).toBe("m2");
	});

	it("skips my deleted messages, but not past a message too old to edit", () => {
		expect(
			lastEditable([message(1, "me"), message(2, "me", { deletedAt: new Date(at).toISOString() })], "me", at)?.id,
		).toBe("m1");
		const old = message(4, "me", { createdAt: new Date(at - 16 * 60_000).toISOString() });
		expect(lastEditable([message(1, "me"), old], "me", at)).toBeUndefined();
		expect(lastEditable([message(1, "ben")], "me", at)).toBeUndefined();
	});
});

describe("the message being edited, per conversation", () => {
	it("starts and stops per chat", () => {
		startEditing("c1", "m1");
		startEditing("c2", "m9");
		stopEditing("c1");
		expect(editingIn("c1")).toBeUndefined();
		expect(editingIn("c2")).toBe("m9");
		stopEditing("c2");
	});
});
