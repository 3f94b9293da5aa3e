import { describe, expect, it } from "vitest";
import { conversations } from "./conversations";
import { conversation, message, user } from "./fixtures";
import { canEdit } from "./messages";
import { reactorNames, toggleReaction } from "./reactions";
import { chatReducer } from "./reducer";
import { session } from "./session";
import { initialState } from "./state";
import { threads } from "./threads";

const T = "2026-01-01T00:10:00.000Z";

function loaded(...seqs: number[]) {
	return threads(
		{},
		{
			type: "thread/pageLoaded",
			conversationId: "c1",
			messages: seqs.map((s) => message(s, "ben")),
			nextCursor: null,
		},
	);
}

describe("edits (message:updated)", () => {
	it("replace the copy held, with its editedAt, and keep reactions the frame left out", () => {
		let state = loaded(1, 2);
		state = threads(state, {
			type: "message/reactions",
			conversationId: "c1",
			messageId: "m2",
			reactions: [{ emoji: "👍", userIds: ["me"] }],
		});
		state = threads(state, { type: "message/updated", message: { ...message(2, "ben"), text: "fixed", editedAt: T } });
		const m = state.c1?.messages[1];
		expect([m?.text, m?.editedAt, m?.reactions]).toEqual(["fixed", T, [{ emoji: "👍", userIds: ["me"] }]]);
	});

	it("never bring a deleted message back, and are ignored for messages not loaded", () => {
		let state = loaded(1);
		state = threads(state, { type: "message/deleted", conversationId: "c1", messageId: "m1", at: T });
		const after = threads(state, {
			type: "message/updated",
			message: { ...message(1, "ben"), text: "x", editedAt: T },
		});
		expect(after).toBe(state);
		expect(threads(state, { type: "message/updated", message: message(9, "ben") })).toBe(state);
	});

	it("update the quote in replies to the edited or deleted message", () => {
		const reply = {
			...message(2),
			replyTo: { id: "m1", seq: 1, senderId: "ben", kind: "text" as const, text: "hi", deletedAt: null },
		};
		let state = threads(loaded(1), { type: "messages/received", conversationId: "c1", messages: [reply] });
		state = threads(state, { type: "message/updated", message: { ...message(1, "ben"), text: "hello", editedAt: T } });
		expect(state.c1?.messages[1]?.replyTo?.text).toBe("hello");
		state = threads(state, { type: "message/deleted", conversationId: "c1", messageId: "m1", at: T });
		expect(state.c1?.messages[1]?.replyTo).toMatchObject({ text: null, deletedAt: T });
	});

	it("an edit of the latest message changes the list's preview", () => {
		const list = [conversation("c1", { lastMessage: message(3, "ben") })];
		const next = conversations(list, {
			type: "message/updated",
			message: { ...message(3, "ben"), text: "new", editedAt: T },
		});
		expect(next[0]?.lastMessage?.text).toBe("new");
		expect(conversations(list, { type: "message/updated", message: message(2, "ben") })).toBe(list);
	});
});

describe("reactions", () => {
	it("a message:reactions frame replaces the message's reactions; deleted messages keep none", () => {
		let state = loaded(1, 2);
		const reactions = [{ emoji: "🎉", userIds: ["ben", "me"] }];
		state = threads(state, { type: "message/reactions", conversationId: "c1", messageId: "m1", reactions });
		expect(state.c1?.messages[0]?.reactions).toEqual(reactions);
		state = threads(state, { type: "message/deleted", conversationId: "c1", messageId: "m1", at: T });
		expect(state.c1?.messages[0]?.reactions).toEqual([]);
		expect(threads(state, { type: "message/reactions", conversationId: "c1", messageId: "m1", reactions })).toBe(state);
	});

	it("a tap toggles my reaction: added to an existing emoji, removed, and a new emoji goes last", () => {
		const start = [{ emoji: "👍", userIds: ["ben"] }];
		const added = toggleReaction(start, "👍", "me");
		expect(added).toEqual([{ emoji: "👍", userIds: ["ben", "me"] }]);
		expect(toggleReaction(added, "👍", "me")).toEqual(start);
		expect(toggleReaction(start, "❤️", "me")).toEqual([...start, { emoji: "❤️", userIds: ["me"] }]);
		expect(toggleReaction([{ emoji: "❤️", userIds: ["me"] }], "❤️", "me")).toEqual([]);
		// An explicit add is idempotent.
		expect(toggleReaction(added, "👍", "me", true)).toBe(added);
	});

	it("a chip names who reacted, me first", () => {
		const names = (id: string) => ({ ben: "Ben Okafor", chloe: "Chloe Li" })[id];
		expect(reactorNames(["ben", "me"], names, "me")).toBe("You and Ben Okafor");
		expect(reactorNames(["ben", "chloe", "me"], names, "me", 2)).toBe("You, Ben Okafor and 1 other");
		expect(reactorNames(["chloe"], names, "me")).toBe("Chloe Li");
	});
});

describe("mention badge (unreadMentionCount)", () => {
	it("a new message that mentions me counts; opening the chat clears it with the unread count", () => {
		let list = [conversation("c1", { unreadMentionCount: 0 })];
		const mentioning = { ...message(2, "ben"), mentions: ["me"] };
		list = conversations(list, {
			type: "conversation/previewed",
			message: mentioning,
			meId: "me",
			viewingId: null,
			countUnread: true,
		});
		expect([list[0]?.unreadCount, list[0]?.unreadMentionCount]).toEqual([1, 1]);
		list = conversations(list, {
			type: "conversation/previewed",
			message: { ...message(3, "ben"), mentions: ["chloe"] },
			meId: "me",
			viewingId: null,
			countUnread: true,
		});
		expect([list[0]?.unreadCount, list[0]?.unreadMentionCount]).toEqual([2, 1]);
		list = conversations(list, { type: "conversation/viewed", id: "c1" });
		expect([list[0]?.unreadCount, list[0]?.unreadMentionCount]).toEqual([0, 0]);
	});

	it("conversation:updated keeps the server's count, and a stale snapshot never lowers it", () => {
		let list = [conversation("c1")];
		list = conversations(list, {
			type: "conversation/received",
			conversation: conversation("c1", { lastMessage: message(4, "ben"), unreadCount: 2, unreadMentionCount: 1 }),
			viewingId: null,
		});
		expect(list[0]?.unreadMentionCount).toBe(1);
		list = conversations(list, {
			type: "conversation/received",
			conversation: conversation("c1", { lastMessage: message(3, "ben"), unreadCount: 1, unreadMentionCount: 0 }),
			viewingId: null,
		});
		expect(list[0]?.unreadMentionCount).toBe(1);
		list = conversations(list, { type: "conversation/readElsewhere", conversationId: "c1", seq: 4 });
		expect(list[0]?.unreadMentionCount).toBe(0);
	});
});

describe("replying and jumping", () => {
	it("a reply is per conversation, cancelled by hand or when its message goes away", () => {
		let s = initialState(user("me"));
		s = chatReducer(s, { type: "reply/started", conversationId: "c1", messageId: "m1" });
		s = chatReducer(s, { type: "reply/started", conversationId: "c2", messageId: "m7" });
		expect(s.replyingTo).toEqual({ c1: "m1", c2: "m7" });
		s = chatReducer(s, { type: "message/deleted", conversationId: "c1", messageId: "m1", at: T });
		expect(s.replyingTo).toEqual({ c2: "m7" });
		s = chatReducer(s, { type: "reply/cancelled", conversationId: "c2" });
		expect(s.replyingTo).toEqual({});
	});

	it("a jump is done only for the request it answers", () => {
		let s = session(initialState(user("me")), { type: "jump/requested", conversationId: "c1", seq: 5, nonce: 1 });
		s = session(s, { type: "jump/requested", conversationId: "c1", seq: 9, nonce: 2 });
		expect(session(s, { type: "jump/done", nonce: 1 }).jump?.seq).toBe(9);
		expect(session(s, { type: "jump/done", nonce: 2 }).jump).toBeNull();
	});
});

describe("my profile", () => {
	it("a new name or avatar changes me and my entry among the people", () => {
		let s = initialState(user("me"));
		s = chatReducer(s, {
			type: "me/updated",
			user: user("me", { displayName: "Asha P", avatarUrl: "https://x/a.png" }),
		});
		expect([s.me.displayName, s.me.avatarUrl]).toEqual(["Asha P", "https://x/a.png"]);
		expect(s.users.me?.avatarUrl).toBe("https://x/a.png");
	});
});

describe("the edit window", () => {
	it("is mine, not deleted or system, and 15 minutes from sending", () => {
		const m = { ...message(1, "me"), createdAt: "2026-01-01T00:00:00.000Z" };
		const at = (min: number) => Date.parse("2026-01-01T00:00:00.000Z") + min * 60_000;
		expect(canEdit(m, "me", at(14.9))).toBe(true);
		expect(canEdit(m, "me", at(15))).toBe(false);
		expect(canEdit(m, "ben", at(1))).toBe(false);
		expect(canEdit({ ...m, deletedAt: T }, "me", at(1))).toBe(false);
		expect(canEdit({ ...m, kind: "system" }, "me", at(1))).toBe(false);
	});
});
