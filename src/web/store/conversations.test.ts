import { describe, expect, it } from "vitest";
import { conversations, mutedNow, muteEndFor, sendingLockedForMe } from "./conversations";
import { conversation, message, participant } from "./fixtures";

const at = (s: number) => `2026-01-01T00:00:${String(s).padStart(2, "0")}.000Z`;

describe("the conversation list", () => {
	it("a list page is sorted by latest activity, and the chat in view shows no unread badge", () => {
		const list = conversations([], {
			type: "conversations/listed",
			conversations: [
				conversation("old", { lastActivityAt: at(1), unreadCount: 2 }),
				conversation("new", { lastActivityAt: at(9), unreadCount: 3 }),
			],
			viewingId: "new",
		});
		expect(list.map((c) => [c.id, c.unreadCount])).toEqual([
			["new", 0],
			["old", 2],
		]);
	});

	it("a list page older than a message already applied does not take the preview or badge back", () => {
		const local = [conversation("c1", { lastMessage: message(5, "ben"), lastActivityAt: at(5), unreadCount: 2 })];
		const [c] = conversations(local, {
			type: "conversations/listed",
			conversations: [conversation("c1", { lastMessage: message(4, "ben"), lastActivityAt: at(4), unreadCount: 1 })],
			viewingId: null,
		});
		expect([c?.lastMessage?.seq, c?.lastActivityAt, c?.unreadCount]).toEqual([5, at(5), 2]);
	});

	it("a received conversation keeps its members out of the list and a mute in flight wins", () => {
		const [c] = conversations([conversation("c1", { muted: true })], {
			type: "conversation/received",
			conversation: conversation("c1", { muted: false, participants: [participant("me", 0)] }),
			viewingId: null,
			muting: true,
		});
		expect(c?.muted).toBe(true);
		expect(c && "participants" in c).toBe(false);
	});

	it("a new message moves its chat to the top and counts unread only when from someone else and not in view", () => {
		const start = [conversation("c1", { lastActivityAt: at(1) }), conversation("c2", { lastActivityAt: at(2) })];
		const preview = (m: ReturnType<typeof message>, viewingId: string | null = null) =>
			conversations(start, { type: "conversation/previewed", message: m, meId: "me", viewingId, countUnread: true });
		expect(preview(message(3, "ben", "c1")).map((c) => [c.id, c.unreadCount])).toEqual([
			["c1", 1],
			["c2", 0],
		]);
		expect(preview(message(3, "me", "c1"))[0]?.unreadCount).toBe(0);
		expect(preview(message(3, "ben", "c1"), "c1")[0]?.unreadCount).toBe(0);
	});

	it("an older message than the preview changes nothing", () => {
		const start = [conversation("c1", { lastMessage: message(5, "ben") })];
		const next = conversations(start, {
			type: "conversation/previewed",
			message: message(4, "ben"),
			meId: "me",
			viewingId: null,
			countUnread: true,
		});
		expect(next).toBe(start);
	});

	it("a rename's system line brings the new title before conversation:updated", () => {
		const renamed = {
			...message(6, "ben"),
			kind: "system" as const,
			system: { event: "renamed" as const, actorId: "ben", targetId: "ben", title: "CS101 Finals" },
		};
		const [c] = conversations([conversation("c1")], {
			type: "conversation/previewed",
			message: renamed,
			meId: "me",
			viewingId: null,
			countUnread: true,
		});
		expect(c?.title).toBe("CS101 Finals");
	});

	it("a read on another device clears the badge only if it covers the latest message", () => {
		const start = [conversation("c1", { lastMessage: message(5, "ben"), unreadCount: 2 })];
		expect(conversations(start, { type: "conversation/readElsewhere", conversationId: "c1", seq: 4 })).toBe(start);
		expect(
			conversations(start, { type: "conversation/readElsewhere", conversationId: "c1", seq: 5 })[0]?.unreadCount,
		).toBe(0);
	});

	it("a deleted latest message empties the preview", () => {
		const [c] = conversations([conversation("c1", { lastMessage: message(5, "ben") })], {
			type: "message/deleted",
			conversationId: "c1",
			messageId: "m5",
			at: at(7),
		});
		expect([c?.lastMessage?.text, c?.lastMessage?.deletedAt]).toEqual([null, at(7)]);
	});

	it("mute, viewing and forgetting change only their chat", () => {
		const start = [conversation("c1", { unreadCount: 3 }), conversation("c2")];
		expect(conversations(start, { type: "conversation/muted", id: "c2", muted: true })[1]?.muted).toBe(true);
		expect(conversations(start, { type: "conversation/viewed", id: "c1" })[0]?.unreadCount).toBe(0);
		expect(conversations(start, { type: "conversation/viewed", id: "c2" })).toBe(start);
		expect(conversations(start, { type: "conversation/forgotten", id: "c1" }).map((c) => c.id)).toEqual(["c2"]);
	});
});

describe("delete for me of the last message (issue 22.1)", () => {
	it("the preview becomes the last message still visible, or none", () => {
		const list = [conversation("c1", { lastMessage: message(5) })];
		const after = conversations(list, {
			type: "message/hidden",
			conversationId: "c1",
			messageId: "m5",
			previous: message(4),
		});
		expect(after[0]?.lastMessage?.id).toBe("m4");
		const none = conversations(list, { type: "message/hidden", conversationId: "c1", messageId: "m5", previous: null });
		expect(none[0]?.lastMessage).toBeNull();
	});

	it("hiding an older message, or one whose chat is not known here, leaves the preview", () => {
		const list = [conversation("c1", { lastMessage: message(5) })];
		expect(
			conversations(list, { type: "message/hidden", conversationId: "c1", messageId: "m3", previous: message(5) }),
		).toBe(list);
		expect(conversations(list, { type: "message/hidden", conversationId: "c1", messageId: "m5" })).toBe(list);
	});
});

describe("mute for a while (issue 22.20)", () => {
	const now = Date.parse("2026-03-02T10:00:00.000Z");
	it("a timed mute counts until it ends, then not, before any snapshot says so", () => {
		expect(mutedNow({ muted: true, mutedUntil: "2026-03-02T11:00:00.000Z" }, now)).toBe(true);
		expect(mutedNow({ muted: true, mutedUntil: "2026-03-02T09:59:59.000Z" }, now)).toBe(false);
		expect(mutedNow({ muted: true, mutedUntil: null }, now)).toBe(true);
		expect(mutedNow({ muted: false }, now)).toBe(false);
	});

	it("8 hours and a week end then; always has no end", () => {
		expect(muteEndFor("8h", now)).toBe("2026-03-02T18:00:00.000Z");
		expect(muteEndFor("1w", now)).toBe("2026-03-09T10:00:00.000Z");
		expect(muteEndFor("always", now)).toBeNull();
	});

	it("a mute's time is kept with it and cleared by unmuting", () => {
		const list = [conversation("c1")];
		const muted = conversations(list, {
			type: "conversation/muted",
			id: "c1",
			muted: true,
			mutedUntil: "2026-03-02T18:00:00.000Z",
		});
		expect(muted[0]).toMatchObject({ muted: true, mutedUntil: "2026-03-02T18:00:00.000Z" });
		const unmuted = conversations(muted, {
			type: "conversation/muted",
			id: "c1",
			muted: false,
			mutedUntil: "2026-03-02T18:00:00.000Z",
		});
		expect(unmuted[0]).toMatchObject({ muted: false, mutedUntil: null });
	});
});

describe("an announcement group's composer (issue 23.5)", () => {
	const members = [
		{ user: { id: "admin" }, role: "admin" },
		{ user: { id: "student" }, role: "member" },
	];
	const group = { type: "group" as const, onlyAdminsSend: true };
	it("is locked for members, open for admins, and open when the flag is off or the chat is direct", () => {
		expect(sendingLockedForMe(group, members, "student")).toBe(true);
		expect(sendingLockedForMe(group, members, "admin")).toBe(false);
		expect(sendingLockedForMe({ ...group, onlyAdminsSend: false }, members, "student")).toBe(false);
		expect(sendingLockedForMe({ type: "direct", onlyAdminsSend: true }, members, "student")).toBe(false);
		// Participants not loaded yet: the server still refuses, the composer is not hidden on a guess.
		expect(sendingLockedForMe(group, undefined, "student")).toBe(false);
	});
});
