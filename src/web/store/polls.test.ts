// Issue 23.3: what a member sees of a poll from the one shared frame: their own choice, the
// bars, the live results replacing the copy held, and no Edit on a poll.
import { describe, expect, it } from "vitest";
import type { Message, Poll } from "../../shared/schemas";
import { myChoice, share } from "../components/PollCard";
import { conversations } from "./conversations";
import { conversation, message } from "./fixtures";
import { canEdit } from "./messages";
import { threads } from "./threads";

function poll(votes: Record<string, string[]>, extra: Partial<Poll> = {}): Poll {
	const options = ["o1", "o2", "o3"].map((id, i) => ({
		id,
		text: `Option ${i + 1}`,
		count: votes[id]?.length ?? 0,
		voterIds: votes[id] ?? [],
	}));
	const voters = new Set(Object.values(votes).flat());
	return {
		question: "When?",
		multiple: true,
		options,
		voterCount: voters.size,
		closedAt: null,
		closedBy: null,
		...extra,
	};
}

function pollMessage(p: Poll): Message {
	return { ...message(1, "ann"), kind: "poll", text: "📊 Poll: When?", poll: p };
}

describe("polls in the web client", () => {
	it("finds my own choice in the voters, in the poll's order", () => {
		const p = poll({ o1: ["ann"], o2: ["me", "ann"], o3: ["me"] });
		expect(myChoice(p, "me")).toEqual(["o2", "o3"]);
		expect(myChoice(p, "ben")).toEqual([]);
	});

	it("sizes each bar as a share of the voters (none voted: empty bars)", () => {
		expect(share(1, 3)).toBe(33);
		expect(share(2, 2)).toBe(100);
		expect(share(0, 0)).toBe(0);
	});

	it("replaces the held poll and the list's preview with message:updated's results", () => {
		const before = pollMessage(poll({}));
		let state = threads({}, { type: "thread/pageLoaded", conversationId: "c1", messages: [before], nextCursor: null });
		const after = pollMessage(poll({ o2: ["ben"] }));
		state = threads(state, { type: "message/updated", message: after });
		expect(state.c1?.messages[0]?.poll?.options.map((o) => o.count)).toEqual([0, 1, 0]);
		const list = conversations([conversation("c1", { lastMessage: before })], {
			type: "message/updated",
			message: after,
		});
		expect(list[0]?.lastMessage?.poll?.options[1]?.voterIds).toEqual(["ben"]);
	});

	it("offers no Edit on my own poll", () => {
		const mine = { ...pollMessage(poll({})), senderId: "me", createdAt: new Date().toISOString() };
		expect(canEdit(mine, "me")).toBe(false);
	});
});
