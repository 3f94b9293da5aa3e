import { describe, expect, it } from "vitest";
import { conversation, participant, user } from "./fixtures";
import { mergeParticipants, myParticipant, participants } from "./participants";

describe("participant snapshots", () => {
	it("a snapshot older than a receipt already applied does not take a watermark back", () => {
		const merged = mergeParticipants([participant("a", 9)], [participant("a", 4, 6), participant("b", 2)]);
		expect(merged.map((p) => [p.user.id, p.lastReadSeq, p.lastDeliveredSeq])).toEqual([
			["a", 9, 9],
			["b", 2, 2],
		]);
	});

	it("the snapshot decides membership and profiles", () => {
		const renamed = { ...participant("a", 1), user: { ...participant("a", 1).user, displayName: "Ada", online: true } };
		const merged = mergeParticipants([participant("a", 1), participant("gone", 1)], [renamed]);
		expect(merged).toEqual([renamed]);
	});
});

describe("participants", () => {
	it("a snapshot on a list page or a received conversation merges without taking watermarks back", () => {
		let state = participants(
			{},
			{
				type: "conversations/listed",
				conversations: [conversation("c1", { participants: [participant("ben", 7)] }), conversation("c2")],
				viewingId: null,
			},
		);
		expect(Object.keys(state)).toEqual(["c1"]);
		state = participants(state, {
			type: "conversation/received",
			conversation: conversation("c1", { participants: [participant("ben", 3)] }),
			viewingId: null,
		});
		expect(state.c1?.[0]?.lastReadSeq).toBe(7);
	});

	it("a read receipt moves read and delivered forward, never back", () => {
		const start = { c1: [participant("ben", 2, 4)] };
		const read = participants(start, {
			type: "watermark/moved",
			conversationId: "c1",
			userId: "ben",
			field: "lastReadSeq",
			seq: 6,
		});
		expect([read.c1?.[0]?.lastReadSeq, read.c1?.[0]?.lastDeliveredSeq]).toEqual([6, 6]);
		const older = participants(read, {
			type: "watermark/moved",
			conversationId: "c1",
			userId: "ben",
			field: "lastDeliveredSeq",
			seq: 3,
		});
		expect(older).toBe(read);
	});

	it("a delivered receipt moves only delivered", () => {
		const next = participants(
			{ c1: [participant("ben", 2)] },
			{
				type: "watermark/moved",
				conversationId: "c1",
				userId: "ben",
				field: "lastDeliveredSeq",
				seq: 5,
			},
		);
		expect([next.c1?.[0]?.lastReadSeq, next.c1?.[0]?.lastDeliveredSeq]).toEqual([2, 5]);
	});

	it("members are added, updated and removed only where the list is loaded", () => {
		const start = { c1: [participant("me", 0)] };
		const admin = { ...participant("ben", 0), role: "admin" as const };
		let state = participants(start, {
			type: "member/received",
			conversationId: "c1",
			participant: participant("ben", 0),
		});
		state = participants(state, { type: "member/received", conversationId: "c1", participant: admin });
		expect(state.c1?.map((p) => [p.user.id, p.role])).toEqual([
			["me", "member"],
			["ben", "admin"],
		]);
		expect(participants(state, { type: "member/received", conversationId: "c9", participant: admin })).toBe(state);
		state = participants(state, { type: "member/removed", conversationId: "c1", userId: "ben" });
		expect(state.c1?.map((p) => p.user.id)).toEqual(["me"]);
		expect(myParticipant(state, "c1", "me")?.user.id).toBe("me");
	});
});

describe("user/updated (issue 22.6)", () => {
	it("renames the person in every conversation that lists them and keeps their presence", () => {
		const ben = { ...participant("ben", 3), user: user("ben", { online: true, lastSeenAt: null }) };
		const state = { c1: [participant("me", 1), ben], c2: [ben], c3: [participant("me", 0)] };
		const next = participants(state, {
			type: "user/updated",
			user: user("ben", { displayName: "Benjamin", avatarUrl: "https://x.test/a.png" }),
		});
		expect(next.c1?.[1]?.user).toMatchObject({
			displayName: "Benjamin",
			avatarUrl: "https://x.test/a.png",
			online: true,
		});
		expect(next.c2?.[0]?.user.displayName).toBe("Benjamin");
		expect(next.c1?.[1]?.lastReadSeq).toBe(3);
		expect(next.c3).toBe(state.c3);
	});

	it("changes nothing for someone it does not list", () => {
		const state = { c1: [participant("me", 1)] };
		expect(participants(state, { type: "user/updated", user: user("zed") })).toBe(state);
	});
});
