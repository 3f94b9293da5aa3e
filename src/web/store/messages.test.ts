import { describe, expect, it } from "vitest";
import type { Message } from "../../shared/schemas";
import { systemSentence } from "../../shared/system";
import { isolate as iso } from "../../shared/text";
import { message, participant } from "./fixtures";
import { countsAsUnread, firstUnreadId, receiptFor, systemText } from "./messages";

describe("ticks from watermarks", () => {
	it("a direct chat goes sent, delivered, read as the other side's watermarks move", () => {
		const m = message(5);
		expect(receiptFor(m, [participant("me", 5), participant("ben", 0, 4)], "me").status).toBe("sent");
		expect(receiptFor(m, [participant("me", 5), participant("ben", 0, 5)], "me").status).toBe("delivered");
		expect(receiptFor(m, [participant("me", 5), participant("ben", 5)], "me").status).toBe("read");
	});

	it("a group counts who has read it; read only when everyone has", () => {
		const info = receiptFor(message(3), [participant("me", 3), participant("a", 3), participant("b", 1, 3)], "me");
		expect(info.readBy.map((p) => p.user.id)).toEqual(["a"]);
		expect(info.status).toBe("delivered");
	});

	it("issue 22.3: one pass gives the tick, Read by and the rest, which add up", () => {
		const m = message(3);
		const info = receiptFor(m, [participant("me", 3), participant("a", 3, 0), participant("b", 0, 0)], "me");
		// a's read counts as delivered even though its delivered watermark lags behind.
		expect(info.readBy.map((p) => p.user.id)).toEqual(["a"]);
		expect(info.deliveredTo.map((p) => p.user.id)).toEqual(["a"]);
		expect(info.waiting.map((p) => p.user.id)).toEqual(["b"]);
		expect(info.status).toBe("sent");
		expect(info.label).toBe("Delivered to 1 of 2");
	});

	it("issue 22.3: a member added after the message was sent is not waited for", () => {
		const m = { ...message(3), createdAt: "2026-01-02T00:00:00.000Z" };
		const later = { ...participant("late", 0, 0), joinedAt: "2026-01-03T00:00:00.000Z" };
		const info = receiptFor(m, [participant("me", 3), participant("a", 3), later], "me");
		expect(info.status).toBe("read");
		expect(info.others).toBe(1);
		expect(info.label).toBe("Read");
	});
});

describe("system lines", () => {
	const users = { ben: { displayName: "Ben Okafor" }, asha: { displayName: "Asha Patel" } };
	const added = (actorId: string, targetId: string): Message => ({
		...message(4, actorId),
		kind: "system",
		text: `${users[actorId as "ben"]?.displayName} added someone`,
		system: { event: "joined", actorId, targetId },
	});

	it("says 'Ben Okafor added you' to the person added", () => {
		expect(systemText(added("ben", "me"), users, "me")).toBe(`${iso("Ben Okafor")} added you`);
	});

	it("words it itself whenever it knows the names, and keeps the server's sentence when it does not", () => {
		expect(systemText(added("ben", "asha"), users, "me")).toBe(`${iso("Ben Okafor")} added ${iso("Asha Patel")}`);
		expect(systemText(added("ben", "stranger"), users, "me")).toBe("Ben Okafor added someone");
	});

	it("isolates every name and title, so a trailing U+202E cannot flip the rest of the line", () => {
		const mallory = { ...users, mal: { displayName: "Mallory\u202e" } };
		const line = systemText(created("mal"), mallory, "me");
		expect(line).toBe("\u2068Mallory\u202e\u2069 created the group");
		// Every override or embedding is closed inside its isolate: the words after it keep their order.
		expect(line.indexOf("\u2069")).toBeGreaterThan(line.indexOf("\u202e"));
		expect(systemText(renamed("ben", "Chess\u202e"), users, "me")).toBe(
			`${iso("Ben Okafor")} renamed the group to “${iso("Chess\u202e")}”`,
		);
	});

	const created = (actorId: string): Message => ({
		...message(1, actorId),
		kind: "system",
		text: `${users[actorId as "ben"]?.displayName ?? "Someone"} created the group`,
		system: { event: "created", actorId, targetId: actorId },
	});
	const renamed = (actorId: string, title: string): Message => ({
		...message(6, actorId),
		kind: "system",
		text: `${users[actorId as "ben"]?.displayName ?? "Someone"} renamed the group to “${title}”`,
		system: { event: "renamed", actorId, targetId: actorId, title },
	});

	it("says 'You created the group' to the creator and the creator's name to everyone else", () => {
		expect(systemText(created("me"), users, "me")).toBe("You created the group");
		expect(systemText(created("ben"), users, "me")).toBe(`${iso("Ben Okafor")} created the group`);
	});

	it("names the new title of a rename, from the reader's side", () => {
		expect(systemText(renamed("ben", "CS101 Finals"), users, "me")).toBe(
			`${iso("Ben Okafor")} renamed the group to “${iso("CS101 Finals")}”`,
		);
		expect(systemText(renamed("me", "CS101 Finals"), users, "me")).toBe(
			`You renamed the group to “${iso("CS101 Finals")}”`,
		);
	});

	it("words a role change as the room does, with the reader as 'You'", () => {
		const roleChanged = (targetId: string, role: "admin" | "member"): Message => ({
			...message(7, "ben"),
			kind: "system",
			text: null,
			system: { event: "role_changed", actorId: "ben", targetId, role },
		});
		expect(systemText(roleChanged("me", "admin"), users, "me")).toBe("You are now an admin");
		expect(systemText(roleChanged("me", "member"), users, "me")).toBe("You are no longer an admin");
		expect(systemText(roleChanged("asha", "admin"), users, "me")).toBe(`${iso("Asha Patel")} is now an admin`);
	});

	it("leaves the room's third-person sentence as it was", () => {
		const names = new Map([
			["ben", "Ben Okafor"],
			["asha", "Asha Patel"],
		]);
		expect(systemSentence({ event: "joined", actorId: "ben", targetId: "asha" }, names)).toBe(
			"Ben Okafor added Asha Patel",
		);
		expect(systemSentence({ event: "joined", actorId: "x", targetId: "x" }, names)).toBe("someone joined");
		expect(systemSentence({ event: "role_changed", actorId: "ben", targetId: "asha", role: "member" }, names)).toBe(
			"Asha Patel is no longer an admin",
		);
		expect(systemSentence({ event: "removed", actorId: "x", targetId: "asha" }, names)).toBe(
			"Someone removed Asha Patel",
		);
	});
});

describe("what counts as unread", () => {
	const system = (event: NonNullable<Message["system"]>, senderId = event.actorId): Message => ({
		...message(1, senderId),
		kind: "system",
		text: "…",
		system: event,
	});

	it("counts others' messages, not mine or deleted ones", () => {
		expect(countsAsUnread(message(1, "ben"), "me")).toBe(true);
		expect(countsAsUnread(message(1, "me"), "me")).toBe(false);
		expect(countsAsUnread({ ...message(1, "ben"), deletedAt: "2026-01-01T00:00:01.000Z", text: null }, "me")).toBe(
			false,
		);
	});

	it("counts the lines that say why a chat is new to me: created, and added me", () => {
		expect(countsAsUnread(system({ event: "created", actorId: "ben", targetId: "ben" }), "me")).toBe(true);
		expect(countsAsUnread(system({ event: "created", actorId: "me", targetId: "me" }), "me")).toBe(false);
		expect(countsAsUnread(system({ event: "joined", actorId: "ben", targetId: "me" }), "me")).toBe(true);
		expect(countsAsUnread(system({ event: "joined", actorId: "ben", targetId: "asha" }), "me")).toBe(false);
		expect(countsAsUnread(system({ event: "renamed", actorId: "ben", targetId: "ben", title: "X" }), "me")).toBe(false);
		expect(countsAsUnread(system({ event: "left", actorId: "asha", targetId: "asha" }), "me")).toBe(false);
	});

	it("puts the New messages line above the 'added you' line for a new member", () => {
		const thread = [
			system({ event: "created", actorId: "asha", targetId: "asha" }),
			{ ...system({ event: "joined", actorId: "asha", targetId: "me" }), id: "m2", seq: 2 },
			{ ...message(3, "ben") },
		];
		expect(firstUnreadId(thread, { seq: 1, unread: 2 }, "me")).toBe("m2");
	});
});

describe("the New messages divider", () => {
	const thread = [message(1, "ben"), message(2, "me"), message(3, "ben"), message(4, "ben")];

	it("goes above the first message after the read watermark at opening", () => {
		expect(firstUnreadId(thread, { seq: 2, unread: 2 }, "me")).toBe("m3");
	});

	it("goes after my latest reply: replying means I had read what came before", () => {
		expect(firstUnreadId(thread, { seq: 0, unread: 3 }, "me")).toBe("m3");
	});

	it("without a known watermark, counts back the unread messages from others", () => {
		expect(firstUnreadId(thread, { seq: null, unread: 2 }, "me")).toBe("m3");
	});

	it("is absent when nothing was unread at opening", () => {
		expect(firstUnreadId(thread, { seq: 1, unread: 0 }, "me")).toBeNull();
	});
});
